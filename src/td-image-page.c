/* td-image-page.c: see td-image-page.h. The project's accepted Dockerfile is only ever written by
 * Accept (atomically); Gordon works in a scratch copy and its output is reviewed first. */
#define G_LOG_DOMAIN "td-image-page"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gtksourceview/gtksource.h>
#include <vte/vte.h>

#include "td-artifact-check.h"
#include "td-atomic-file.h"
#include "td-build-progress.h"
#include "td-check-result.h"
#include "td-docker.h"
#include "td-gate-rows.h"
#include "td-image-page.h"
#include "td-next-config.h"
#include "td-phase-runner.h"
#include "td-source-style.h"
#include "td-task-executor.h"

struct _TdImagePage
{
  TdWizardPage          parent_instance;

  TdPreflightCheck     *gordon_check;
  /* The phase's tasks this page carries out (owned by the phase). */
  TdTask               *agent_task;       /* T007 / T011 */
  TdTask               *build_task;       /* T008 / T013 */
  TdTask               *audit_task;       /* T010 / T015 */
  TdTask               *standalone_task;  /* T012, frontend only */
  char                 *artifact;         /* "Dockerfile.backend" */
  char                 *image;            /* "todo-backend:latest" */
  char                 *reference_text;   /* the bundled reference */

  char                 *candidate_text;
  TdImageSource         candidate_source;
  GPtrArray            *findings;         /* NULL when the candidate could not be parsed */
  TdImageSource         accepted_source;  /* what Accept wrote this session; NONE otherwise */
  gboolean              audit_written;
  TdNextConfig         *next_config;      /* frontend only; NULL when it could not be read */

  char                 *scratch_dir;      /* Gordon's copy of the project */
  char                 *gordon_prompt;    /* what Gordon was last asked, edits included */
  GPid                  gordon_pid;
  gboolean              gordon_running;
  GCancellable         *gordon_cancellable;

  GCancellable         *cancellable;      /* build, gate, audit */
  TdBuildProgress      *progress;
  TdProcess            *build_process;
  TdPhaseRunner        *runner;
  gboolean              building;
  gboolean              checking;
  TdGateRows           *gate;
  GtkLabel             *audit_label;

  GtkLabel             *story_label;
  GtkLabel             *title_label;
  GtkLabel             *purpose_label;
  GtkSourceView        *prompt_view;
  GtkButton            *gordon_button;
  GtkWidget            *reset_button;
  GtkWidget            *bundled_button;
  GtkWidget            *stop_gordon_button;
  GtkWidget            *retry_button;
  GtkWidget            *accept_button;
  GtkWidget            *check_button;
  GtkLabel             *gordon_label;
  GtkWidget            *terminal_box;
  VteTerminal          *terminal;
  GtkLabel             *agent_message_label;
  AdwPreferencesGroup  *review_group;
  GtkLabel             *source_label;
  GtkStack             *review_stack;
  GtkStackPage         *candidate_page;
  GtkStackPage         *project_page;
  GtkSourceView        *candidate_view;
  GtkSourceView        *reference_view;
  GtkSourceView        *project_view;
  GtkListBox           *findings_list;
  GtkLabel             *replace_label;
  GtkLabel             *accept_label;
  AdwPreferencesGroup  *standalone_group;
  AdwActionRow         *standalone_row;
  GtkImage             *standalone_icon;
  GtkWidget            *standalone_button;
  AdwPreferencesGroup  *build_group;
  GtkButton            *build_button;
  GtkLabel             *build_command_label;
  GtkLabel             *build_hint_label;
  GtkProgressBar       *build_progress_bar;
  GtkLabel             *build_error_label;
  GtkLabel             *build_output_label;
  AdwPreferencesGroup  *gate_group;
};

G_DEFINE_FINAL_TYPE (TdImagePage, td_image_page, TD_TYPE_WIZARD_PAGE)

enum {
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update_actions (TdImagePage *self);

/* ---- small helpers ---------------------------------------------------------------------------- */

static TdDeployment *
deployment (TdImagePage *self)
{
  return td_wizard_page_get_deployment (TD_WIZARD_PAGE (self));
}

static TdPhase *
phase (TdImagePage *self)
{
  return td_wizard_page_get_phase (TD_WIZARD_PAGE (self));
}

gboolean
td_image_page_get_busy (TdImagePage *self)
{
  g_return_val_if_fail (TD_IS_IMAGE_PAGE (self), FALSE);
  return self->gordon_running || self->building || self->checking;
}

static void
notify_busy (TdImagePage *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  update_actions (self);
}

static void
set_message (GtkLabel *label, const char *text, const char *css_class)
{
  gtk_widget_remove_css_class (GTK_WIDGET (label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (label), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (label), "warning");
  if (css_class != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (label), css_class);
  gtk_label_set_label (label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL && *text != '\0');
}

static void
set_source_text (GtkSourceView *view, const char *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), text ? text : "", -1);
}

static char *
quote_argv (const char * const *argv)
{
  g_autoptr(GString) line = g_string_new (NULL);

  for (guint i = 0; argv[i] != NULL; i++)
    {
      /* Quote only what a shell would split or expand, so the line reads as one would type it. */
      gboolean plain = *argv[i] != '\0' && strspn (argv[i], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=,+@%") == strlen (argv[i]);
      g_autofree char *quoted = plain ? g_strdup (argv[i]) : g_shell_quote (argv[i]);
      g_string_append_printf (line, "%s%s", i > 0 ? " " : "", quoted);
    }
  return g_string_free (g_steal_pointer (&line), FALSE);
}

/* The project's copy of the artifact, or NULL when there is none yet. */
static char *
read_project_artifact (TdImagePage *self)
{
  g_autofree char *path = NULL;
  char *text = NULL;

  if (deployment (self) == NULL)
    return NULL;
  path = td_deployment_project_path (deployment (self), self->artifact);
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  return text;
}

/* "-t todo-backend:latest" in the build command. */
static char *
find_tag (const char * const *argv)
{
  for (guint i = 0; argv != NULL && argv[i] != NULL; i++)
    if ((g_str_equal (argv[i], "-t") || g_str_equal (argv[i], "--tag")) && argv[i + 1] != NULL)
      return g_strdup (argv[i + 1]);
  return NULL;
}

static TdTask *
find_agent_task (TdPhase *phase)
{
  GListModel *tasks = td_phase_get_tasks (phase);

  for (guint i = 0; i < g_list_model_get_n_items (tasks); i++)
    {
      g_autoptr(TdTask) task = g_list_model_get_item (tasks, i);

      if (td_task_get_kind (task) == TD_TASK_KIND_AGENT &&
          g_strcmp0 (td_task_get_agent (task), "gordon") == 0 &&
          td_task_get_artifact (task) != NULL && td_task_get_contract (task) != NULL)
        return task;   /* the phase keeps it alive */
    }
  return NULL;
}

gboolean
td_image_page_handles_phase (TdPhase *phase)
{
  g_return_val_if_fail (TD_IS_PHASE (phase), FALSE);
  return find_agent_task (phase) != NULL;
}

/* ---- the Gordon row and the buttons ------------------------------------------------------------ */

static gboolean
gordon_available (TdImagePage *self)
{
  return self->gordon_check != NULL &&
         td_preflight_check_get_status (self->gordon_check) == TD_CHECK_STATUS_OK;
}

static char *
describe_gordon (TdImagePage *self)
{
  TdCheckStatus status = self->gordon_check ? td_preflight_check_get_status (self->gordon_check)
                                            : TD_CHECK_STATUS_FAILED;

  if (status == TD_CHECK_STATUS_OK)
    return g_strdup (_("Gordon works in a scratch copy of the project; you answer its questions in a terminal here."));
  if (status == TD_CHECK_STATUS_UNKNOWN || status == TD_CHECK_STATUS_RUNNING)
    return g_strdup (_("Gordon has not been checked yet: the Welcome page checks whether “docker ai version” works."));
  {
    const char *detail = self->gordon_check ? td_preflight_check_get_detail (self->gordon_check) : NULL;

    return g_strdup_printf (_("Gordon is a Docker Desktop plugin (“docker ai”) and is not available here: %s. "
                              "Use the bundled reference instead."),
                            detail ? detail : _("it was not found"));
  }
}

static gboolean
standalone_ready (TdImagePage *self)
{
  return self->standalone_task == NULL || (self->next_config != NULL && self->next_config->is_standalone);
}

/* The action decides whether activating does anything; the button's sensitivity is set here too,
 * as the action helper of a button inside a template does not follow class-action changes on
 * GTK 4.8. */
static void
set_enabled (TdImagePage *self, const char *action, GtkWidget *button, gboolean enabled)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), action, enabled);
  gtk_widget_set_sensitive (button, enabled);
}

static void
update_actions (TdImagePage *self)
{
  gboolean have_project = deployment (self) != NULL;
  gboolean busy = td_image_page_get_busy (self);
  gboolean pending = td_phase_get_state (phase (self)) == TD_PHASE_STATE_PENDING;
  g_autofree char *on_disk = read_project_artifact (self);
  guint n_errors = self->findings ? td_artifact_findings_count (self->findings, TD_ARTIFACT_SEVERITY_ERROR) : 0;
  gboolean can_accept = self->candidate_text != NULL && self->findings != NULL && n_errors == 0 && !self->building;
  gboolean can_build = have_project && on_disk != NULL && !pending && !self->checking &&
                       !self->gordon_running && standalone_ready (self);
  g_autofree char *gordon_text = describe_gordon (self);
  g_autofree char *accept_text = NULL;
  const char *build_hint = NULL;

  set_enabled (self, "image.run-gordon", GTK_WIDGET (self->gordon_button), have_project && gordon_available (self) && !busy);
  set_enabled (self, "image.stop-gordon", self->stop_gordon_button, self->gordon_running);
  set_enabled (self, "image.use-bundled", self->bundled_button, have_project && self->reference_text && !self->gordon_running);
  set_enabled (self, "image.reset-prompt", self->reset_button, !self->gordon_running);
  set_enabled (self, "image.accept", self->accept_button, can_accept);
  set_enabled (self, "image.retry", self->retry_button, self->candidate_text != NULL && !self->gordon_running);
  set_enabled (self, "image.fix-standalone", self->standalone_button,
               have_project && self->next_config != NULL && self->next_config->new_text != NULL);
  set_enabled (self, "image.build", GTK_WIDGET (self->build_button), self->building || can_build);
  set_enabled (self, "image.check-gate", self->check_button, have_project && !busy);

  gtk_label_set_label (self->gordon_label, have_project ? gordon_text : _("Choose a project folder on the Welcome page first."));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->gordon_button), have_project ? gordon_text : NULL);

  if (self->candidate_text != NULL && self->findings == NULL)
    accept_text = g_strdup (_("Accept is unavailable: the Dockerfile could not be read (see above)."));
  else if (n_errors > 0)
    accept_text = g_strdup_printf (g_dngettext (NULL,
                                                "Accept is unavailable: %u error means the image would not do what the seed asks. Retry with a refined prompt, or use the bundled reference.",
                                                "Accept is unavailable: %u errors mean the image would not do what the seed asks. Retry with a refined prompt, or use the bundled reference.",
                                                n_errors), n_errors);
  else if (self->findings != NULL && self->findings->len > 0)
    accept_text = g_strdup (_("Warnings do not block: read them, then Accept if they are fine with you."));
  if (accept_text != NULL || gtk_label_get_label (self->accept_label)[0] == '\0' || !can_accept)
    gtk_label_set_label (self->accept_label, accept_text ? accept_text : "");

  gtk_button_set_label (self->build_button, self->building ? _("_Cancel Build") : _("B_uild Image"));
  gtk_widget_remove_css_class (GTK_WIDGET (self->build_button), self->building ? "suggested-action" : "destructive-action");
  gtk_widget_add_css_class (GTK_WIDGET (self->build_button), self->building ? "destructive-action" : "suggested-action");
  if (!have_project)
    build_hint = _("Choose a project folder on the Welcome page first.");
  else if (self->building)
    build_hint = _("Building inside Minikube’s Docker. Cancel stops the build.");
  else if (on_disk == NULL)
    build_hint = _("Accept a Dockerfile above first: the build uses the project’s accepted file.");
  else if (!standalone_ready (self))
    build_hint = _("The frontend image needs output: 'standalone' in next.config (see above).");
  else if (pending)
    build_hint = _("An earlier phase has to pass first: the Cluster phase points docker at Minikube.");
  else
    build_hint = _("Builds the project’s accepted Dockerfile inside Minikube’s Docker, then checks the gate.");
  gtk_label_set_label (self->build_hint_label, build_hint);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->build_button), build_hint);
}

static void
on_gordon_check_changed (TdImagePage *self)
{
  update_actions (self);
}

/* ---- review ------------------------------------------------------------------------------------- */

static GtkWidget *
make_finding_row (TdArtifactSeverity severity, const char *message, const char *expected, guint line)
{
  GtkWidget *row = adw_action_row_new ();
  gboolean error = severity == TD_ARTIFACT_SEVERITY_ERROR;
  GtkWidget *icon = gtk_image_new_from_icon_name (error ? "dialog-error-symbolic" : "dialog-warning-symbolic");
  g_autoptr(GString) subtitle = g_string_new (NULL);

  gtk_widget_add_css_class (icon, error ? "error" : "warning");
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  error ? _("error") : _("warning"), -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), message);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  if (expected != NULL)
    g_string_append_printf (subtitle, _("The seed asks for %s"), expected);
  if (line > 0)
    {
      if (subtitle->len > 0)
        g_string_append (subtitle, " · ");
      g_string_append_printf (subtitle, _("line %u"), line);
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  /* For tests and screen readers alike: the row says what kind of finding it is. */
  g_object_set_data (G_OBJECT (row), "severity", (gpointer) (error ? "error" : "warning"));
  return row;
}

static void
clear_findings (TdImagePage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->findings_list))) != NULL)
    gtk_list_box_remove (self->findings_list, child);
  g_clear_pointer (&self->findings, g_ptr_array_unref);
}

/* Shows the project's current file beside the candidate when it differs: Accept never replaces it
 * silently. */
static void
update_replace_notice (TdImagePage *self)
{
  g_autofree char *on_disk = read_project_artifact (self);
  gboolean differs = on_disk != NULL && self->candidate_text != NULL && g_strcmp0 (on_disk, self->candidate_text) != 0;

  gtk_stack_page_set_visible (self->project_page, differs);
  set_source_text (self->project_view, differs ? on_disk : NULL);
  if (differs)
    {
      g_autofree char *text = g_strdup_printf (_("The project already has a different %s (see “Now in the Project”): Accept replaces it."),
                                               self->artifact);
      set_message (self->replace_label, text, "warning");
    }
  else if (on_disk != NULL && self->candidate_text != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The project’s %s is already this file."), self->artifact);
      set_message (self->replace_label, text, NULL);
    }
  else
    set_message (self->replace_label, NULL, NULL);
}

static void
set_candidate (TdImagePage *self, const char *text, TdImageSource source, const char *found_as)
{
  const TdYamlNode *contract = td_task_get_contract (self->agent_task);
  g_autoptr(GError) error = NULL;
  g_autofree char *heading = NULL;

  clear_findings (self);
  g_free (self->candidate_text);
  self->candidate_text = g_strdup (text);
  self->candidate_source = source;
  set_source_text (self->candidate_view, text);

  if (source == TD_IMAGE_SOURCE_BUNDLED)
    {
      heading = g_strdup_printf (_("Bundled reference %s — shipped with Todo Deploy, not agent output"), self->artifact);
      gtk_stack_page_set_title (self->candidate_page, _("Bundled Reference (candidate)"));
    }
  else
    {
      heading = g_strdup_printf (_("Gordon’s output: %s, from its scratch copy of the project"), found_as);
      gtk_stack_page_set_title (self->candidate_page, _("Gordon’s Dockerfile"));
    }
  gtk_label_set_label (self->source_label, heading);
  /* A bundled candidate is the reference itself: no second tab with the same text. */
  gtk_stack_page_set_visible (gtk_stack_get_page (self->review_stack,
                                                  gtk_stack_get_child_by_name (self->review_stack, "reference")),
                              source != TD_IMAGE_SOURCE_BUNDLED);

  self->findings = td_artifact_check (contract, text, -1, found_as, &error);
  if (self->findings == NULL)
    gtk_list_box_append (self->findings_list,
                         make_finding_row (TD_ARTIFACT_SEVERITY_ERROR, error->message, NULL, 0));
  else if (self->findings->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name ("object-select-symbolic");

      gtk_widget_add_css_class (icon, "success");
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Meets the seed’s contract: no errors, no warnings"));
      gtk_list_box_append (self->findings_list, row);
    }
  else
    /* Errors first: they are what stands between the user and Accept. */
    for (int pass = 0; pass < 2; pass++)
      for (guint i = 0; i < self->findings->len; i++)
        {
          const TdArtifactFinding *finding = self->findings->pdata[i];

          if ((pass == 0) != (finding->severity == TD_ARTIFACT_SEVERITY_ERROR))
            continue;
          gtk_list_box_append (self->findings_list,
                               make_finding_row (finding->severity, finding->message, finding->expected, finding->line));
        }

  gtk_stack_set_visible_child_name (self->review_stack, "candidate");
  gtk_label_set_label (self->accept_label, "");
  update_replace_notice (self);
  gtk_widget_set_visible (GTK_WIDGET (self->review_group), TRUE);
  update_actions (self);
}

static void
clear_candidate (TdImagePage *self)
{
  clear_findings (self);
  g_clear_pointer (&self->candidate_text, g_free);
  self->candidate_source = TD_IMAGE_SOURCE_NONE;
  set_source_text (self->candidate_view, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->review_group), FALSE);
  gtk_label_set_label (self->accept_label, "");
}

static void
use_bundled_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TdImagePage *self = TD_IMAGE_PAGE (widget);
  g_autofree char *name = g_strdup_printf ("docker/%s", self->artifact);

  set_message (self->agent_message_label, NULL, NULL);
  set_candidate (self, self->reference_text, TD_IMAGE_SOURCE_BUNDLED, name);
}

static void
retry_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TdImagePage *self = TD_IMAGE_PAGE (widget);

  clear_candidate (self);
  update_actions (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->prompt_view));
}

static void
reset_prompt_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TdImagePage *self = TD_IMAGE_PAGE (widget);

  set_source_text (self->prompt_view, td_task_get_prompt (self->agent_task));
}

/* ---- Accept ------------------------------------------------------------------------------------ */

static gboolean
write_dockerignore_if_missing (TdImagePage *self, gboolean *written, GError **error)
{
  g_autofree char *path = td_deployment_project_path (deployment (self), ".dockerignore");
  g_autoptr(GBytes) bytes = NULL;
  gsize size = 0;
  const char *data;

  *written = FALSE;
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;
  bytes = td_deployment_lookup_bundled ("docker/.dockerignore", error);
  if (bytes == NULL)
    return FALSE;
  data = g_bytes_get_data (bytes, &size);
  if (!td_atomic_file_write (path, data, size, error))
    return FALSE;
  *written = TRUE;
  return TRUE;
}

static void
do_accept (TdImagePage *self)
{
  g_autofree char *path = td_deployment_project_path (deployment (self), self->artifact);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gboolean ignore_written = FALSE;

  if (!td_atomic_file_write (path, self->candidate_text, -1, &error) ||
      !write_dockerignore_if_missing (self, &ignore_written, &error))
    {
      text = g_strdup_printf (_("Could not write %s: %s"), self->artifact, error->message);
      set_message (self->accept_label, text, "error");
      return;
    }
  self->accepted_source = self->candidate_source;
  self->audit_written = FALSE;
  text = ignore_written
           ? g_strdup_printf (_("Accepted: %s and the bundled .dockerignore are in the project. Build the image below."), self->artifact)
           : g_strdup_printf (_("Accepted: %s is in the project. Build the image below."), self->artifact);
  update_replace_notice (self);
  update_actions (self);
  set_message (self->accept_label, text, "success");
}

static void
on_replace_response (AdwMessageDialog *dialog, const char *response, TdImagePage *self)
{
  if (g_str_equal (response, "replace") && self->candidate_text != NULL)
    do_accept (self);
}

static GtkWindow *
parent_window (TdImagePage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
accept_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TdImagePage *self = TD_IMAGE_PAGE (widget);
  g_autofree char *on_disk = read_project_artifact (self);
  AdwMessageDialog *dialog;

  if (self->candidate_text == NULL || self->findings == NULL ||
      td_artifact_findings_count (self->findings, TD_ARTIFACT_SEVERITY_ERROR) > 0)
    return;
  if (on_disk == NULL || g_str_equal (on_disk, self->candidate_text))
    {
      do_accept (self);
      return;
    }
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent_window (self), NULL, NULL));
  adw_message_dialog_format_heading (dialog, _("Replace %s?"), self->artifact);
  adw_message_dialog_format_body (dialog, _("The project already has a different %s (shown under “Now in the Project”). "
                                            "Accepting replaces it with the candidate."), self->artifact);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "replace", _("_Replace"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "replace", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_replace_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- Gordon --------------------------------------------------------------------------------------- */

/* Left out of Gordon's copy: secrets (.env never leaves the project), bulky build output, and the
 * Dockerfiles themselves, so that what is there afterwards is what Gordon wrote. */
static gboolean
skip_in_scratch (const char *name, gboolean at_root)
{
  static const char * const bulky[] = { ".git", "node_modules", ".venv", "venv", "__pycache__", ".next", NULL };

  if (g_str_has_prefix (name, ".env") || g_strv_contains (bulky, name))
    return TRUE;
  return at_root && (g_str_equal (name, "Dockerfile") || g_str_has_prefix (name, "Dockerfile."));
}

static gboolean
copy_tree (GFile *source, GFile *target, gboolean at_root, GCancellable *cancellable, GError **error)
{
  g_autoptr(GFileEnumerator) children = NULL;
  GFileInfo *info;

  children = g_file_enumerate_children (source, G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, cancellable, error);
  if (children == NULL)
    return FALSE;
  while (g_file_enumerator_iterate (children, &info, NULL, cancellable, error))
    {
      g_autoptr(GFile) from = NULL;
      g_autoptr(GFile) to = NULL;
      const char *name;

      if (info == NULL)
        return TRUE;
      name = g_file_info_get_name (info);
      if (skip_in_scratch (name, at_root))
        continue;
      from = g_file_get_child (source, name);
      to = g_file_get_child (target, name);
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        {
          if (!g_file_make_directory (to, cancellable, error) ||
              !copy_tree (from, to, FALSE, cancellable, error))
            return FALSE;
        }
      else if (!g_file_copy (from, to, G_FILE_COPY_NOFOLLOW_SYMLINKS, cancellable, NULL, NULL, error))
        return FALSE;
    }
  return FALSE;
}

static void
copy_project_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  const char * const *paths = task_data;   /* { project, scratch } */
  g_autoptr(GFile) source = g_file_new_for_path (paths[0]);
  g_autoptr(GFile) target = g_file_new_for_path (paths[1]);
  GError *error = NULL;

  if (copy_tree (source, target, TRUE, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_unlink (path);
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      remove_tree (child);
    }
  g_rmdir (path);
}

static void
drop_scratch (TdImagePage *self)
{
  if (self->scratch_dir != NULL)
    remove_tree (self->scratch_dir);
  g_clear_pointer (&self->scratch_dir, g_free);
}

static void
gordon_finished (TdImagePage *self, const char *message)
{
  self->gordon_running = FALSE;
  self->gordon_pid = 0;
  g_clear_object (&self->gordon_cancellable);
  if (message != NULL)
    set_message (self->agent_message_label, message, "error");
  drop_scratch (self);
  notify_busy (self);
}

static void
on_child_exited (VteTerminal *terminal, int wait_status, TdImagePage *self)
{
  static const char *suffixes[] = { NULL, "Dockerfile" };
  g_autofree char *found = NULL;
  g_autofree char *text = NULL;

  if (!self->gordon_running)
    return;
  suffixes[0] = self->artifact;
  for (guint i = 0; i < G_N_ELEMENTS (suffixes) && found == NULL; i++)
    {
      g_autofree char *path = g_build_filename (self->scratch_dir, suffixes[i], NULL);

      if (g_file_get_contents (path, &text, NULL, NULL))
        found = g_strdup (suffixes[i]);
    }
  if (found != NULL)
    {
      gboolean answering = gtk_widget_has_focus (GTK_WIDGET (self->terminal));

      set_message (self->agent_message_label, NULL, NULL);
      set_candidate (self, text, TD_IMAGE_SOURCE_GORDON, found);
      gordon_finished (self, NULL);
      /* The conversation is over: a keyboard user goes on from the review, not the terminal. */
      if (answering && gtk_widget_get_sensitive (self->accept_button))
        gtk_widget_grab_focus (self->accept_button);
      return;
    }
  else
    {
      g_autofree char *message = NULL;

      if (WIFEXITED (wait_status) && WEXITSTATUS (wait_status) != 0)
        message = g_strdup_printf (_("Gordon stopped (exit status %d) without writing %s or Dockerfile. "
                                     "Read its answer in the terminal, refine the prompt and run it again, or use the bundled reference."),
                                   WEXITSTATUS (wait_status), self->artifact);
      else
        message = g_strdup_printf (_("Gordon finished without writing %s or Dockerfile (answer “y” when it asks “Approve?”). "
                                     "Refine the prompt and run it again, or use the bundled reference."),
                                   self->artifact);
      gordon_finished (self, message);
    }
}

/* A terminal gives Tab to the program in it; Ctrl+Tab and Ctrl+Shift+Tab leave it, as they leave
 * a text area anywhere in GTK. */
static gboolean
on_terminal_key_pressed (GtkEventControllerKey *controller, guint keyval, guint keycode,
                         GdkModifierType state, gpointer user_data)
{
  GtkWidget *window = GTK_WIDGET (gtk_widget_get_root (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller))));
  gboolean backward = keyval == GDK_KEY_ISO_Left_Tab || (state & GDK_SHIFT_MASK) != 0;
  GtkDirectionType direction = backward ? GTK_DIR_TAB_BACKWARD : GTK_DIR_TAB_FORWARD;

  if ((keyval != GDK_KEY_Tab && keyval != GDK_KEY_ISO_Left_Tab && keyval != GDK_KEY_KP_Tab) ||
      (state & GDK_CONTROL_MASK) == 0 || window == NULL)
    return FALSE;
  /* As the window's own Tab handling: past the last control, start again from the first. */
  if (!gtk_widget_child_focus (window, direction))
    {
      gtk_root_set_focus (GTK_ROOT (window), NULL);
      gtk_widget_child_focus (window, direction);
    }
  return TRUE;
}

static void
gordon_spawned (VteTerminal *terminal, GPid pid, GError *error, gpointer user_data)
{
  g_autoptr(TdImagePage) self = user_data;

  if (error != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Could not start Gordon: %s"), error->message);

      if (self->gordon_running)
        gordon_finished (self, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ? _("Gordon was stopped.") : message);
      return;
    }
  self->gordon_pid = pid;
  gtk_widget_grab_focus (GTK_WIDGET (self->terminal));
}

static void
start_gordon_in_terminal (TdImagePage *self)
{
  TdRunner *runner = td_deployment_get_runner (deployment (self));
  g_autofree char *prompt = NULL;
  g_auto(GStrv) argv = NULL;
  g_auto(GStrv) env = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *banner = NULL;
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->prompt_view)), &start, &end);
  prompt = gtk_text_iter_get_text (&start, &end);
  g_free (self->gordon_prompt);
  self->gordon_prompt = g_strdup (prompt);
  {
    const char *seed_argv[] = { "docker", "ai", "-C", self->scratch_dir, prompt, NULL };
    argv = td_runner_build_argv (runner, seed_argv, self->scratch_dir, NULL);
  }
  env = td_runner_build_environ (runner, NULL);

  /* Say exactly what runs, as the log view does for every other program. */
  shown = quote_argv ((const char * const *) argv);
  banner = g_strdup_printf ("$ %s\r\n", shown);
  {
    /* A terminal moves down on \n but only back to the margin on \r: the prompt's own line
     * breaks need both, or each line starts where the last one ended. */
    g_auto(GStrv) lines = g_strsplit (banner, "\n", -1);
    g_autofree char *joined = g_strjoinv ("\r\n", lines);
    g_autoptr(GString) cleaned = g_string_new (joined);

    g_string_replace (cleaned, "\r\r\n", "\r\n", 0);
    vte_terminal_feed (self->terminal, cleaned->str, -1);
  }
  vte_terminal_spawn_async (self->terminal, VTE_PTY_DEFAULT, self->scratch_dir,
                            argv, env, G_SPAWN_SEARCH_PATH_FROM_ENVP, NULL, NULL, NULL,
                            -1, self->gordon_cancellable, gordon_spawned, g_object_ref (self));
}

static void
project_copied (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TdImagePage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not make Gordon’s scratch copy of the project: %s"), error->message);

      if (self->gordon_running)
        gordon_finished (self, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ? _("Gordon was stopped.") : message);
      return;
    }
  if (self->gordon_running)
    start_gordon_in_terminal (self);
}

static void
run_gordon_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TdImagePage *self = TD_IMAGE_PAGE (widget);
  g_autofree char *base = NULL;
  g_autofree char *template = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  char **paths;

  if (deployment (self) == NULL || !gordon_available (self) || td_image_page_get_busy (self))
    return;
  /* In the user's cache folder, not /tmp: inside Flatpak that path is the same on the host,
   * where docker ai runs. */
  base = g_build_filename (g_get_user_cache_dir (), "todo-deploy", NULL);
  template = g_build_filename (base, "gordon-XXXXXX", NULL);
  if (g_mkdir_with_parents (base, 0700) != 0 || g_mkdtemp (template) == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Could not make a scratch folder for Gordon in %s: %s"),
                                                  base, g_strerror (errno));
      set_message (self->agent_message_label, message, "error");
      return;
    }
  drop_scratch (self);
  self->scratch_dir = g_steal_pointer (&template);
  self->gordon_running = TRUE;
  self->gordon_cancellable = g_cancellable_new ();
  clear_candidate (self);
  set_message (self->agent_message_label, NULL, NULL);
  /* A fresh screen: what is shown is this run's conversation only. */
  vte_terminal_reset (self->terminal, TRUE, TRUE);
  gtk_widget_set_visible (self->terminal_box, TRUE);
  notify_busy (self);

  paths = g_new0 (char *, 3);
  paths[0] = g_strdup (td_deployment_get_project_dir (deployment (self)));
  paths[1] = g_strdup (self->scratch_dir);
  task = g_task_new (self, self->gordon_cancellable, project_copied, g_object_ref (self));
  g_task_set_task_data (task, paths, (GDestroyNotify) g_strfreev);
  g_task_run_in_thread (task, copy_project_thread);
}

static void
stop_gordon_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TdImagePage *self = TD_IMAGE_PAGE (widget);

  if (!self->gordon_running)
    return;
  g_cancellable_cancel (self->gordon_cancellable);
  /* The terminal made Gordon a session leader: end its whole process group. child-exited follows. */
  if (self->gordon_pid > 0)
    kill (-self->gordon_pid, SIGTERM);
  else
    gordon_finished (self, _("Gordon was stopped."));
}

/* ---- T012: output: 'standalone' ----------------------------------------------------------------- */

static void
inspect_next_config (TdImagePage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (self->standalone_task == NULL)
    return;
  g_clear_pointer (&self->next_config, td_next_config_free);
  gtk_widget_set_visible (GTK_WIDGET (self->standalone_group), deployment (self) != NULL);
  if (deployment (self) == NULL)
    return;
  self->next_config = td_next_config_inspect_project (td_deployment_get_project_dir (deployment (self)), &error);
  gtk_widget_remove_css_class (GTK_WIDGET (self->standalone_icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->standalone_icon), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (self->standalone_icon), "error");
  text = g_strdup_printf ("%s · %s", td_task_get_id (self->standalone_task), td_task_get_title (self->standalone_task));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->standalone_row), text);
  g_clear_pointer (&text, g_free);
  if (self->next_config == NULL)
    {
      gtk_image_set_from_icon_name (self->standalone_icon, "dialog-error-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (self->standalone_icon), "error");
      adw_action_row_set_subtitle (self->standalone_row, error->message);
    }
  else if (self->next_config->is_standalone)
    {
      text = g_strdup_printf (_("%s sets output: 'standalone'."), self->next_config->display_name);
      gtk_image_set_from_icon_name (self->standalone_icon, "object-select-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (self->standalone_icon), "success");
      adw_action_row_set_subtitle (self->standalone_row, text);
    }
  else
    {
      text = g_strdup_printf (_("%s does not set output: 'standalone'. The image runs .next/standalone/server.js, "
                                "which Next.js only writes with it."), self->next_config->display_name);
      gtk_image_set_from_icon_name (self->standalone_icon, "dialog-warning-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (self->standalone_icon), "warning");
      adw_action_row_set_subtitle (self->standalone_row, text);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->standalone_icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  standalone_ready (self) ? _("done") : _("needs attention"), -1);
  gtk_widget_set_visible (self->standalone_button, self->next_config != NULL && self->next_config->new_text != NULL);
  update_actions (self);
}

static void
on_standalone_response (AdwMessageDialog *dialog, const char *response, TdImagePage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *current = NULL;

  if (!g_str_equal (response, "write") || self->next_config == NULL || self->next_config->new_text == NULL)
    return;
  /* Write only what was shown: if the file changed meanwhile, look again instead. */
  if (!g_file_get_contents (self->next_config->path, &current, NULL, &error) ||
      g_strcmp0 (current, self->next_config->original_text) != 0 ||
      !td_atomic_file_write (self->next_config->path, self->next_config->new_text, -1, &error))
    {
      g_autofree char *message = g_strdup_printf (_("%s was not changed: %s"), self->next_config->display_name,
                                                  error ? error->message : _("it changed since the diff was shown; look at it again"));
      inspect_next_config (self);
      adw_action_row_set_subtitle (self->standalone_row, message);
      return;
    }
  inspect_next_config (self);
}

static void
fix_standalone_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TdImagePage *self = TD_IMAGE_PAGE (widget);
  AdwMessageDialog *dialog;
  GtkWidget *scroller, *label;

  if (self->next_config == NULL || self->next_config->diff == NULL)
    return;
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent_window (self), NULL, NULL));
  adw_message_dialog_format_heading (dialog, _("Add output: 'standalone' to %s?"), self->next_config->display_name);
  adw_message_dialog_set_body (dialog, _("This exact change will be written (the file is replaced atomically):"));
  label = gtk_label_new (self->next_config->diff);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_widget_add_css_class (label, "monospace");
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL, _("The change, as a diff"), -1);
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), label);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 360);
  adw_message_dialog_set_extra_child (dialog, scroller);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "write", _("_Write the Change"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "write", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_standalone_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- gate and audit line ------------------------------------------------------------------------ */

static void
reset_gate_rows (TdImagePage *self, TdCheckStatus status)
{
  if (self->gate != NULL)
    td_gate_rows_reset (self->gate, status);
}

static void
populate_gate (TdImagePage *self)
{
  self->gate = td_gate_rows_new (self->gate_group, td_phase_get_gate (phase (self)));
  self->audit_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->audit_label, TRUE);
  gtk_label_set_wrap_mode (self->audit_label, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (self->audit_label, 0.0);
  gtk_label_set_selectable (self->audit_label, TRUE);
  gtk_widget_set_margin_top (GTK_WIDGET (self->audit_label), 12);
  gtk_widget_set_visible (GTK_WIDGET (self->audit_label), FALSE);
  adw_preferences_group_add (self->gate_group, GTK_WIDGET (self->audit_label));
}

static void
on_gate_checked (TdPhaseRunner *runner, GPtrArray *results, gboolean passed, TdImagePage *self)
{
  td_gate_rows_show_results (self->gate, results, deployment (self) ? td_deployment_get_plan (deployment (self)) : NULL);
}

/* The seed's line (T010 / T015) with the real size. A bundled reference is never logged as
 * Gordon's work: its tag is BUNDLED-<TAG>, which the final audit check counts as a stand-in. */
static void
append_audit_line (TdImagePage *self, guint64 size_bytes)
{
  const TdTaskAuditEntry *entry = td_task_get_audit_entry (self->audit_task, 0);
  TdAuditLog *log = td_deployment_get_audit_log (deployment (self));
  g_autofree char *size_mb = g_strdup_printf ("%" G_GUINT64_FORMAT, td_docker_size_mb (size_bytes));
  g_autofree char *tag = NULL;
  g_autofree char *prompt = NULL;
  g_autofree char *result = NULL;
  g_autofree char *shown = NULL;
  g_autoptr(GError) error = NULL;

  if (self->accepted_source == TD_IMAGE_SOURCE_BUNDLED)
    {
      tag = g_strconcat ("BUNDLED-", entry->tag, NULL);
      result = g_strdup_printf ("bundled reference used (no agent ran): %s from Todo Deploy's bundled reference, image size %sMB",
                                self->artifact, size_mb);
    }
  else
    {
      g_auto(GStrv) parts = g_strsplit (entry->result, "<SIZE>", -1);

      tag = g_strdup (entry->tag);
      result = g_strjoinv (size_mb, parts);
    }
  /* What Gordon was really asked, when the user edited the seed's prompt. */
  prompt = td_audit_log_describe_prompt (entry->prompt, td_task_get_prompt (self->agent_task),
                                         self->accepted_source == TD_IMAGE_SOURCE_GORDON ? self->gordon_prompt : NULL);
  if (!td_audit_log_ensure (log, &error) ||
      !td_audit_log_append (log, tag, prompt, result, &error))
    {
      shown = g_strdup_printf (_("The gate passed, but the audit line could not be written: %s"), error->message);
      set_message (self->audit_label, shown, "error");
      return;
    }
  self->audit_written = TRUE;
  shown = g_strdup_printf (_("Recorded in %s: [%s] result=\"%s\""), td_audit_log_get_file_name (td_deployment_get_audit_log (deployment (self))), tag, result);
  set_message (self->audit_label, shown, NULL);
}

static void
checking_done (TdImagePage *self)
{
  self->checking = FALSE;
  notify_busy (self);
}

static void
size_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TdImagePage) self = user_data;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  guint64 size = 0;
  int status = -1;

  if (!td_deployment_capture_finish (TD_DEPLOYMENT (source), result, &out, &err, &status, &error) ||
      !td_docker_parse_image_size (self->image, out, err, status, &size, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *text = g_strdup_printf (_("The gate passed, but the image size for the audit line could not be read: %s"),
                                                   error->message);
          set_message (self->audit_label, text, "error");
        }
    }
  else
    append_audit_line (self, size);
  checking_done (self);
}

static void
gate_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TdImagePage) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean passed = td_phase_runner_check_gate_finish (TD_PHASE_RUNNER (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    reset_gate_rows (self, TD_CHECK_STATUS_UNKNOWN);
  if (passed && self->accepted_source != TD_IMAGE_SOURCE_NONE && !self->audit_written &&
      self->audit_task != NULL && td_task_get_n_audit_entries (self->audit_task) > 0)
    {
      const char *argv[] = { "docker", "image", "inspect", self->image, "--format", "{{.Size}}", NULL };

      td_deployment_capture_async (deployment (self), argv, td_task_get_id (self->audit_task), 60000,
                                   self->cancellable, size_read, g_object_ref (self));
      return;
    }
  checking_done (self);
}

static void
start_gate (TdImagePage *self)
{
  if (self->runner == NULL || td_phase_runner_get_busy (self->runner))
    return;
  self->checking = TRUE;
  set_message (self->audit_label, NULL, NULL);
  reset_gate_rows (self, TD_CHECK_STATUS_RUNNING);
  notify_busy (self);
  td_phase_runner_check_gate_async (self->runner, self->cancellable, gate_done, g_object_ref (self));
}

static void
check_gate_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TdImagePage *self = TD_IMAGE_PAGE (widget);

  if (td_image_page_get_busy (self))
    return;
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  start_gate (self);
}

/* ---- build ------------------------------------------------------------------------------------ */

static void
update_progress_bar (TdImagePage *self)
{
  TdBuildProgress *progress = self->progress;
  const char *step = td_build_progress_get_current_step (progress);
  guint total = td_build_progress_get_steps_total (progress);
  g_autofree char *text = NULL;

  if (total > 0 || td_build_progress_get_finished (progress))
    gtk_progress_bar_set_fraction (self->build_progress_bar, td_build_progress_get_fraction (progress));
  if (td_build_progress_get_succeeded (progress))
    text = g_strdup_printf (_("Built %s"), self->image);
  else if (step != NULL && total > 0)
    text = g_strdup_printf (_("Step %u of %u: %s"), MIN (td_build_progress_get_steps_done (progress) + 1, total), total, step);
  else
    text = g_strdup (step ? step : _("Starting the build…"));
  gtk_progress_bar_set_text (self->build_progress_bar, text);
}

static void
on_build_line (TdProcess *process, TdStream stream, const char *line, TdImagePage *self)
{
  td_build_progress_feed_line (self->progress, stream, line);
  /* Until the steps are known, show that something is happening. */
  if (td_build_progress_get_steps_total (self->progress) == 0)
    gtk_progress_bar_pulse (self->build_progress_bar);
}

static void
show_build_failure (TdImagePage *self, const char *message, const char * const *output)
{
  set_message (self->build_error_label, message, "error");
  if (output != NULL && output[0] != NULL)
    {
      g_autofree char *text = g_strjoinv ("\n", (char **) output);
      set_message (self->build_output_label, text, NULL);
    }
}

static void
build_waited (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TdImagePage) self = user_data;
  g_autoptr(GError) error = NULL;
  int status = -1;

  if (self->build_process != NULL)
    g_signal_handlers_disconnect_by_data (self->build_process, self);
  g_clear_object (&self->build_process);
  self->building = FALSE;

  if (!td_process_wait_finish (TD_PROCESS (source), result, &status, &error))
    {
      gboolean cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_autofree char *message = cancelled ? g_strdup (_("The build was cancelled."))
                                           : g_strdup_printf (_("The build did not finish: %s"), error->message);

      show_build_failure (self, message, NULL);
      gtk_progress_bar_set_text (self->build_progress_bar, cancelled ? _("Cancelled") : _("Stopped"));
      notify_busy (self);
      return;
    }
  td_build_progress_end (self->progress, status);
  update_progress_bar (self);
  if (!td_build_progress_get_succeeded (self->progress))
    {
      const char *step = td_build_progress_get_failed_step (self->progress);
      const char *what = td_build_progress_get_error_message (self->progress);
      g_auto(GStrv) output = td_build_progress_dup_failed_output (self->progress);
      g_autofree char *message = step != NULL
        ? g_strdup_printf (_("The build failed at step %s: %s"), step, what ? what : _("it exited with an error"))
        : g_strdup_printf (_("The build failed: %s"), what ? what : _("docker exited with an error"));

      show_build_failure (self, message, (const char * const *) output);
      gtk_progress_bar_set_text (self->build_progress_bar, _("Failed"));
      notify_busy (self);
      return;
    }
  notify_busy (self);
  start_gate (self);
}

static void
build_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TdImagePage *self = TD_IMAGE_PAGE (widget);
  g_auto(GStrv) argv = NULL;
  g_autofree char *dockerfile = NULL;
  g_autoptr(GError) error = NULL;

  if (self->building)
    {
      g_cancellable_cancel (self->cancellable);
      return;
    }
  if (deployment (self) == NULL || td_image_page_get_busy (self))
    return;
  dockerfile = read_project_artifact (self);
  argv = td_task_executor_build_argv (self->build_task, &error);
  if (dockerfile == NULL || argv == NULL)
    {
      show_build_failure (self, error ? error->message : _("Accept a Dockerfile first."), NULL);
      return;
    }

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_object (&self->progress);
  self->progress = td_build_progress_new ();
  td_build_progress_set_dockerfile (self->progress, dockerfile);
  g_signal_connect_object (self->progress, "notify", G_CALLBACK (update_progress_bar), self, G_CONNECT_SWAPPED);
  set_message (self->build_error_label, NULL, NULL);
  set_message (self->build_output_label, NULL, NULL);
  set_message (self->audit_label, NULL, NULL);
  reset_gate_rows (self, TD_CHECK_STATUS_UNKNOWN);
  gtk_progress_bar_set_fraction (self->build_progress_bar, 0.0);
  gtk_widget_set_visible (GTK_WIDGET (self->build_progress_bar), TRUE);
  update_progress_bar (self);

  self->build_process = td_deployment_spawn (deployment (self), (const char * const *) argv,
                                             td_task_get_id (self->build_task), 0, &error);
  if (self->build_process == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Could not start the build: %s"), error->message);
      show_build_failure (self, message, NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->build_progress_bar), FALSE);
      return;
    }
  self->building = TRUE;
  g_signal_connect (self->build_process, "line", G_CALLBACK (on_build_line), self);
  td_process_wait_async (self->build_process, self->cancellable, build_waited, g_object_ref (self));
  notify_busy (self);
}

/* ---- the project changes ------------------------------------------------------------------------ */

static void
update_build_command (TdImagePage *self)
{
  g_auto(GStrv) argv = td_task_executor_build_argv (self->build_task, NULL);
  g_auto(GStrv) shown = NULL;
  g_autofree char *line = NULL;

  if (argv == NULL)
    return;
  if (deployment (self) != NULL)
    shown = td_runner_build_argv (td_deployment_get_runner (deployment (self)), (const char * const *) argv,
                                  td_deployment_get_project_dir (deployment (self)),
                                  td_deployment_env_for (deployment (self), argv[0]));
  line = quote_argv ((const char * const *) (shown ? shown : argv));
  gtk_label_set_label (self->build_command_label, line);
}

static void
on_deployment_changed (TdImagePage *self)
{
  TdDeployment *current = deployment (self);

  g_cancellable_cancel (self->cancellable);
  if (self->gordon_running)
    stop_gordon_action (GTK_WIDGET (self), NULL, NULL);
  if (self->runner != NULL)
    g_signal_handlers_disconnect_by_data (self->runner, self);
  g_clear_object (&self->runner);
  clear_candidate (self);
  self->accepted_source = TD_IMAGE_SOURCE_NONE;
  self->audit_written = FALSE;
  reset_gate_rows (self, TD_CHECK_STATUS_UNKNOWN);
  set_message (self->build_error_label, NULL, NULL);
  set_message (self->build_output_label, NULL, NULL);
  set_message (self->agent_message_label, NULL, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->build_progress_bar), FALSE);
  if (current != NULL)
    {
      self->runner = td_phase_runner_new (current, phase (self));
      g_signal_connect (self->runner, "gate-checked", G_CALLBACK (on_gate_checked), self);
    }
  inspect_next_config (self);
  update_build_command (self);
  update_actions (self);
}

static void
on_phase_state_changed (TdImagePage *self)
{
  TdPhaseState state = td_phase_get_state (phase (self));

  td_wizard_page_set_complete (TD_WIZARD_PAGE (self),
                               state == TD_PHASE_STATE_PASSED || state == TD_PHASE_STATE_SKIPPED);
  update_actions (self);
}

/* ---- GObject -------------------------------------------------------------------------------- */

static void
setup_source_view (GtkSourceView *view, const char *accessible_name, gboolean dockerfile)
{
  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)));

  if (dockerfile)
    gtk_source_buffer_set_language (buffer, gtk_source_language_manager_get_language (
                                              gtk_source_language_manager_get_default (), "docker"));
  td_source_style_follow (buffer);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_name, -1);
}

static void
td_image_page_constructed (GObject *object)
{
  TdImagePage *self = TD_IMAGE_PAGE (object);
  TdPhase *the_phase = phase (self);
  GListModel *tasks = td_phase_get_tasks (the_phase);
  TdPreflight *preflight;
  g_autofree char *reference_name = NULL;
  g_autoptr(GBytes) reference = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) build_argv = NULL;

  G_OBJECT_CLASS (td_image_page_parent_class)->constructed (object);

  self->agent_task = find_agent_task (the_phase);
  g_return_if_fail (self->agent_task != NULL);
  self->artifact = g_strdup (td_task_get_artifact (self->agent_task));
  for (guint i = 0; i < g_list_model_get_n_items (tasks); i++)
    {
      g_autoptr(TdTask) task = g_list_model_get_item (tasks, i);
      if (td_task_get_role (task) == TD_TASK_ROLE_BUILD_IMAGE)
        self->build_task = task;
      else if (td_task_get_n_audit_entries (task) > 0 &&
               g_strcmp0 (td_task_get_audit_entry (task, 0)->about, td_task_get_id (self->agent_task)) == 0)
        self->audit_task = task;
      else if (td_task_get_role (task) == TD_TASK_ROLE_STANDALONE_FIX)
        self->standalone_task = task;
    }
  g_return_if_fail (self->build_task != NULL);
  build_argv = td_task_executor_build_argv (self->build_task, NULL);
  self->image = find_tag ((const char * const *) build_argv);

  td_wizard_page_set_title (TD_WIZARD_PAGE (self), td_phase_get_title (the_phase));
  gtk_label_set_label (self->title_label, td_phase_get_seed_title (the_phase));
  gtk_label_set_label (self->purpose_label, td_phase_get_purpose (the_phase));
  gtk_widget_set_visible (GTK_WIDGET (self->story_label), td_phase_get_story (the_phase) != NULL);
  if (td_phase_get_story (the_phase) != NULL)
    gtk_label_set_label (self->story_label, td_phase_get_story (the_phase));

  {
    g_autofree char *group_title = g_strdup_printf (_("%s · Gordon’s Prompt"), td_task_get_id (self->agent_task));
    g_autofree char *description = g_strdup_printf (_("The seed’s prompt for %s, word for word. Edit it to refine what Gordon is asked."),
                                                    self->artifact);
    adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (gtk_widget_get_ancestor (GTK_WIDGET (self->gordon_button),
                                                                                     ADW_TYPE_PREFERENCES_GROUP)),
                                     group_title);
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (gtk_widget_get_ancestor (GTK_WIDGET (self->gordon_button),
                                                                                           ADW_TYPE_PREFERENCES_GROUP)),
                                           description);
  }
  set_source_text (self->prompt_view, td_task_get_prompt (self->agent_task));

  reference_name = g_strdup_printf ("docker/%s", self->artifact);
  reference = td_deployment_lookup_bundled (reference_name, &error);
  if (reference != NULL)
    self->reference_text = g_strndup (g_bytes_get_data (reference, NULL), g_bytes_get_size (reference));
  else
    g_warning ("No bundled reference for %s: %s", self->artifact, error->message);
  set_source_text (self->reference_view, self->reference_text);

  {
    g_autofree char *build_title = g_strdup_printf (_("%s · Build %s"), td_task_get_id (self->build_task), self->image);
    adw_preferences_group_set_title (self->build_group, build_title);
  }
  update_build_command (self);
  populate_gate (self);

  preflight = td_wizard_page_get_preflight (TD_WIZARD_PAGE (self));
  if (preflight != NULL)
    self->gordon_check = td_preflight_lookup (preflight, "gordon");
  if (self->gordon_check != NULL)
    g_signal_connect_object (self->gordon_check, "notify::status", G_CALLBACK (on_gordon_check_changed), self,
                             G_CONNECT_SWAPPED);
  g_signal_connect_object (the_phase, "notify::state", G_CALLBACK (on_phase_state_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "notify::deployment", G_CALLBACK (on_deployment_changed), NULL);
  on_deployment_changed (self);
  on_phase_state_changed (self);
}

static void
td_image_page_dispose (GObject *object)
{
  TdImagePage *self = TD_IMAGE_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->gordon_cancellable);
  if (self->gordon_running && self->gordon_pid > 0)
    kill (-self->gordon_pid, SIGTERM);
  self->gordon_running = FALSE;
  drop_scratch (self);
  if (self->runner != NULL)
    g_signal_handlers_disconnect_by_data (self->runner, self);
  if (self->build_process != NULL)
    g_signal_handlers_disconnect_by_data (self->build_process, self);
  g_clear_object (&self->build_process);
  g_clear_object (&self->runner);
  g_clear_object (&self->progress);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->gordon_cancellable);
  self->gordon_check = NULL;
  g_clear_object (&self->gate);
  clear_findings (self);
  G_OBJECT_CLASS (td_image_page_parent_class)->dispose (object);
}

static void
td_image_page_finalize (GObject *object)
{
  TdImagePage *self = TD_IMAGE_PAGE (object);

  g_free (self->artifact);
  g_free (self->image);
  g_free (self->reference_text);
  g_free (self->candidate_text);
  g_free (self->gordon_prompt);
  g_clear_pointer (&self->next_config, td_next_config_free);
  G_OBJECT_CLASS (td_image_page_parent_class)->finalize (object);
}

static void
td_image_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, td_image_page_get_busy (TD_IMAGE_PAGE (object)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_image_page_class_init (TdImagePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = td_image_page_constructed;
  object_class->dispose = td_image_page_dispose;
  object_class->finalize = td_image_page_finalize;
  object_class->get_property = td_image_page_get_property;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_source_init ();
  g_type_ensure (GTK_SOURCE_TYPE_VIEW);
  g_type_ensure (VTE_TYPE_TERMINAL);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/tododeploy/TodoDeploy/td-image-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, TdImagePage, name)
  BIND (story_label);
  BIND (title_label);
  BIND (purpose_label);
  BIND (prompt_view);
  BIND (gordon_button);
  BIND (reset_button);
  BIND (bundled_button);
  BIND (stop_gordon_button);
  BIND (retry_button);
  BIND (accept_button);
  BIND (check_button);
  BIND (gordon_label);
  BIND (terminal_box);
  BIND (terminal);
  BIND (agent_message_label);
  BIND (review_group);
  BIND (source_label);
  BIND (review_stack);
  BIND (candidate_page);
  BIND (project_page);
  BIND (candidate_view);
  BIND (reference_view);
  BIND (project_view);
  BIND (findings_list);
  BIND (replace_label);
  BIND (accept_label);
  BIND (standalone_group);
  BIND (standalone_row);
  BIND (standalone_icon);
  BIND (standalone_button);
  BIND (build_group);
  BIND (build_button);
  BIND (build_command_label);
  BIND (build_hint_label);
  BIND (build_progress_bar);
  BIND (build_error_label);
  BIND (build_output_label);
  BIND (gate_group);
#undef BIND

  gtk_widget_class_install_action (widget_class, "image.run-gordon", NULL, run_gordon_action);
  gtk_widget_class_install_action (widget_class, "image.stop-gordon", NULL, stop_gordon_action);
  gtk_widget_class_install_action (widget_class, "image.use-bundled", NULL, use_bundled_action);
  gtk_widget_class_install_action (widget_class, "image.reset-prompt", NULL, reset_prompt_action);
  gtk_widget_class_install_action (widget_class, "image.accept", NULL, accept_action);
  gtk_widget_class_install_action (widget_class, "image.retry", NULL, retry_action);
  gtk_widget_class_install_action (widget_class, "image.fix-standalone", NULL, fix_standalone_action);
  gtk_widget_class_install_action (widget_class, "image.build", NULL, build_action);
  gtk_widget_class_install_action (widget_class, "image.check-gate", NULL, check_gate_action);
}

static void
td_image_page_init (TdImagePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  setup_source_view (self->prompt_view, _("Gordon’s prompt"), FALSE);
  setup_source_view (self->candidate_view, _("Candidate Dockerfile"), TRUE);
  setup_source_view (self->reference_view, _("Bundled reference Dockerfile"), TRUE);
  setup_source_view (self->project_view, _("The project’s current Dockerfile"), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->terminal), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Gordon’s terminal"), -1);
  g_signal_connect (self->terminal, "child-exited", G_CALLBACK (on_child_exited), self);
  {
    GtkEventController *keys = gtk_event_controller_key_new ();

    /* Before the terminal's own key handling, which would send the key to Gordon. */
    gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
    g_signal_connect (keys, "key-pressed", G_CALLBACK (on_terminal_key_pressed), NULL);
    gtk_widget_add_controller (GTK_WIDGET (self->terminal), keys);
  }
}

GtkWidget *
td_image_page_new (TdPhase *phase, TdPreflight *preflight)
{
  g_return_val_if_fail (TD_IS_PHASE (phase), NULL);
  g_return_val_if_fail (preflight == NULL || TD_IS_PREFLIGHT (preflight), NULL);

  return g_object_new (TD_TYPE_IMAGE_PAGE, "phase", phase, "preflight", preflight, NULL);
}

const char *
td_image_page_get_candidate (TdImagePage *self)
{
  g_return_val_if_fail (TD_IS_IMAGE_PAGE (self), NULL);
  return self->candidate_text;
}

TdImageSource
td_image_page_get_candidate_source (TdImagePage *self)
{
  g_return_val_if_fail (TD_IS_IMAGE_PAGE (self), TD_IMAGE_SOURCE_NONE);
  return self->candidate_source;
}
