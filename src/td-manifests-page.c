/* td-manifests-page.c: see td-manifests-page.h. kubectl-ai only ever prints: the page extracts its
 * YAML, checks it, and only Accept writes into the project (atomically, as a Helm template). */
#define G_LOG_DOMAIN "td-manifests-page"

#include <errno.h>

#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>

#include "td-agent-output.h"
#include "td-artifact-check.h"
#include "td-atomic-file.h"
#include "td-check-result.h"
#include "td-manifest-template.h"
#include "td-gate-rows.h"
#include "td-manifests-page.h"
#include "td-phase-runner.h"
#include "td-source-style.h"

#define KUBECTL_AI_TIMEOUT_MS (10 * 60 * 1000)

typedef struct {
  TdManifestsPage  *page;              /* borrowed: the page owns its sections */
  TdTask           *task;              /* owned by the phase */
  const char       *id;                /* "T016" */
  char             *file_name;         /* "backend-deployment.yaml" */
  char             *reference_text;    /* the bundled chart's template */

  char             *asked_prompt;      /* what kubectl-ai was last asked, edits included */
  char             *candidate_text;
  TdManifestSource  candidate_source;
  GPtrArray        *findings;          /* NULL: not checked (bundled) or unreadable */
  gboolean          candidate_ok;      /* Accept may write it */
  TdManifestSource  accepted_source;   /* what Accept wrote this session */
  gboolean          audit_written;

  TdProcess        *process;           /* kubectl-ai, while it runs */
  gboolean          stopping;          /* the user pressed Stop */
  GString          *output;            /* its stdout */
  GString          *errors;            /* its stderr */

  GtkSourceView    *prompt_view;
  GtkWidget        *run_button;
  GtkWidget        *bundled_button;
  GtkWidget        *accept_button;
  GtkLabel         *status_label;
  GtkWidget        *review_box;
  GtkLabel         *source_label;
  GtkSourceView    *candidate_view;
  GtkListBox       *findings_list;
  GtkLabel         *accept_label;
} Section;

struct _TdManifestsPage
{
  TdWizardPage          parent_instance;

  TdPreflightCheck     *kubectl_ai_check;
  GPtrArray            *sections;       /* of Section, in the plan's order */
  GCancellable         *cancellable;    /* kubectl-ai runs and the gate */
  TdPhaseRunner        *runner;
  gboolean              checking;
  TdGateRows           *gate;

  GtkLabel             *story_label;
  GtkLabel             *title_label;
  GtkLabel             *purpose_label;
  GtkLabel             *agent_label;
  GtkBox               *tasks_box;
  AdwPreferencesGroup  *gate_group;
  GtkWidget            *check_button;
  GtkLabel             *audit_label;
};

G_DEFINE_FINAL_TYPE (TdManifestsPage, td_manifests_page, TD_TYPE_WIZARD_PAGE)

enum {
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update_actions (TdManifestsPage *self);

/* ---- small helpers ---------------------------------------------------------------------------- */

static TdDeployment *
deployment (TdManifestsPage *self)
{
  return td_wizard_page_get_deployment (TD_WIZARD_PAGE (self));
}

static TdPhase *
phase (TdManifestsPage *self)
{
  return td_wizard_page_get_phase (TD_WIZARD_PAGE (self));
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

static GtkLabel *
new_wrapped_label (const char *css_class)
{
  GtkLabel *label = GTK_LABEL (gtk_label_new (NULL));

  gtk_label_set_wrap (label, TRUE);
  gtk_label_set_wrap_mode (label, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (label, 0.0);
  gtk_label_set_selectable (label, TRUE);
  if (css_class != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (label), css_class);
  gtk_widget_set_visible (GTK_WIDGET (label), FALSE);
  return label;
}

static char *
buffer_text (GtkSourceView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static gboolean
is_manifest_task (TdTask *task)
{
  const TdYamlNode *contract = td_task_get_contract (task);

  return td_task_get_kind (task) == TD_TASK_KIND_AGENT && g_strcmp0 (td_task_get_agent (task), "kubectl-ai") == 0 &&
         td_task_get_artifact (task) != NULL && contract != NULL &&
         g_strcmp0 (td_yaml_mapping_get_string (contract, "type"), "manifest") == 0;
}

gboolean
td_manifests_page_handles_phase (TdPhase *phase)
{
  GListModel *tasks;

  g_return_val_if_fail (TD_IS_PHASE (phase), FALSE);
  tasks = td_phase_get_tasks (phase);
  for (guint i = 0; i < g_list_model_get_n_items (tasks); i++)
    {
      g_autoptr(TdTask) task = g_list_model_get_item (tasks, i);

      if (is_manifest_task (task))
        return TRUE;
    }
  return FALSE;
}

static Section *
lookup_section (TdManifestsPage *self, const char *task_id)
{
  for (guint i = 0; self->sections != NULL && i < self->sections->len; i++)
    {
      Section *section = self->sections->pdata[i];

      if (g_strcmp0 (section->id, task_id) == 0)
        return section;
    }
  return NULL;
}

static gboolean
any_running (TdManifestsPage *self)
{
  for (guint i = 0; i < self->sections->len; i++)
    if (((Section *) self->sections->pdata[i])->process != NULL)
      return TRUE;
  return FALSE;
}

gboolean
td_manifests_page_get_busy (TdManifestsPage *self)
{
  g_return_val_if_fail (TD_IS_MANIFESTS_PAGE (self), FALSE);
  return self->checking || any_running (self);
}

static void
notify_busy (TdManifestsPage *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  update_actions (self);
}

/* ---- availability and buttons ------------------------------------------------------------------ */

static gboolean
kubectl_ai_available (TdManifestsPage *self)
{
  return self->kubectl_ai_check != NULL &&
         td_preflight_check_get_status (self->kubectl_ai_check) == TD_CHECK_STATUS_OK;
}

static char *
describe_kubectl_ai (TdManifestsPage *self)
{
  TdCheckStatus status = self->kubectl_ai_check ? td_preflight_check_get_status (self->kubectl_ai_check)
                                                : TD_CHECK_STATUS_FAILED;
  const char *detail = self->kubectl_ai_check ? td_preflight_check_get_detail (self->kubectl_ai_check) : NULL;

  if (deployment (self) == NULL)
    return g_strdup (_("Choose a project folder on the Welcome page first."));
  if (status == TD_CHECK_STATUS_OK)
    return g_strdup (_("kubectl-ai runs once per prompt (kubectl-ai --quiet), may run for all five at once, and is "
                       "never allowed to change the cluster: Todo Deploy reads the YAML it prints."));
  if (status == TD_CHECK_STATUS_UNKNOWN || status == TD_CHECK_STATUS_RUNNING)
    return g_strdup (_("kubectl-ai has not been checked yet: the Welcome page checks whether “kubectl-ai version” works."));
  return g_strdup_printf (_("kubectl-ai is not available here: %s. Use the bundled references instead."),
                          detail ? detail : _("it was not found"));
}

static void
update_actions (TdManifestsPage *self)
{
  gboolean have_project = deployment (self) != NULL;
  gboolean available = kubectl_ai_available (self);
  g_autofree char *agent_text = describe_kubectl_ai (self);

  for (guint i = 0; i < self->sections->len; i++)
    {
      Section *section = self->sections->pdata[i];
      gboolean running = section->process != NULL;

      /* While kubectl-ai runs, its button stops it. */
      gtk_button_set_label (GTK_BUTTON (section->run_button), running ? _("_Stop") : _("_Run kubectl-ai"));
      gtk_widget_set_sensitive (section->run_button, have_project && (running || available));
      gtk_widget_set_tooltip_text (section->run_button, running ? _("Stop this kubectl-ai run") : agent_text);
      gtk_widget_set_sensitive (section->bundled_button, have_project && section->reference_text != NULL && !running);
      gtk_widget_set_sensitive (section->accept_button, have_project && section->candidate_ok && !running);
    }
  /* The action decides; the button follows too (GTK 4.8's action helper lags class actions). */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "manifests.check-gate", have_project && !td_manifests_page_get_busy (self));
  gtk_widget_set_sensitive (self->check_button, have_project && !td_manifests_page_get_busy (self));
  gtk_label_set_label (self->agent_label, agent_text);
}

/* ---- review ------------------------------------------------------------------------------------- */

static GtkWidget *
make_finding_row (TdArtifactSeverity severity, const char *icon_name, const char *message, const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (icon_name);
  gboolean error = severity == TD_ARTIFACT_SEVERITY_ERROR;

  gtk_widget_add_css_class (icon, g_str_equal (icon_name, "object-select-symbolic") ? "success" : error ? "error" : "warning");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), message);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  return row;
}

static void
add_finding_rows (Section *section)
{
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < section->findings->len; i++)
      {
        const TdArtifactFinding *finding = section->findings->pdata[i];
        gboolean error = finding->severity == TD_ARTIFACT_SEVERITY_ERROR;
        g_autoptr(GString) subtitle = g_string_new (NULL);
        GtkWidget *row;

        /* Errors first: they are what stands between the user and Accept. */
        if ((pass == 0) != error)
          continue;
        if (finding->expected != NULL)
          g_string_append_printf (subtitle, _("The seed asks for %s"), finding->expected);
        if (finding->line > 0)
          {
            g_string_append (subtitle, subtitle->len > 0 ? " · " : "");
            g_string_append_printf (subtitle, _("line %u"), finding->line);
          }
        row = make_finding_row (finding->severity, error ? "dialog-error-symbolic" : "dialog-warning-symbolic",
                                finding->message, subtitle->str);
        g_object_set_data (G_OBJECT (row), "severity", (gpointer) (error ? "error" : "warning"));
        gtk_list_box_append (section->findings_list, row);
      }
}

static void
clear_findings (Section *section)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (section->findings_list))) != NULL)
    gtk_list_box_remove (section->findings_list, child);
  g_clear_pointer (&section->findings, g_ptr_array_unref);
}

static void
set_candidate (Section *section, const char *text, TdManifestSource source, const char *heading)
{
  const TdYamlNode *contract = td_task_get_contract (section->task);
  g_autoptr(GError) error = NULL;

  clear_findings (section);
  g_free (section->candidate_text);
  section->candidate_text = g_strdup (text);
  section->candidate_source = source;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (section->candidate_view)), text, -1);
  gtk_label_set_label (section->source_label, heading);
  set_message (section->accept_label, NULL, NULL);

  if (source == TD_MANIFEST_SOURCE_BUNDLED)
    {
      /* The reference is already a Helm template; the chart's own tests hold it to the contract. */
      section->candidate_ok = TRUE;
      gtk_list_box_append (section->findings_list,
                           make_finding_row (TD_ARTIFACT_SEVERITY_WARNING, "object-select-symbolic",
                                             _("Todo Deploy’s own chart template: values.yaml fills in the values"),
                                             _("Accept copies it into the project as it is.")));
    }
  else
    {
      section->findings = td_artifact_check (contract, text, -1, section->file_name, &error);
      section->candidate_ok = section->findings != NULL &&
                              td_artifact_findings_count (section->findings, TD_ARTIFACT_SEVERITY_ERROR) == 0;
      if (section->findings == NULL)
        gtk_list_box_append (section->findings_list,
                             make_finding_row (TD_ARTIFACT_SEVERITY_ERROR, "dialog-error-symbolic", error->message, NULL));
      else if (section->findings->len == 0)
        gtk_list_box_append (section->findings_list,
                             make_finding_row (TD_ARTIFACT_SEVERITY_WARNING, "object-select-symbolic",
                                               _("Meets the seed’s contract: no errors, no warnings"), NULL));
      else
        add_finding_rows (section);
      if (!section->candidate_ok)
        set_message (section->accept_label,
                     _("Accept is unavailable until the errors are gone: edit the prompt and run kubectl-ai again, "
                       "or use the bundled reference."), "error");
    }
  if (section->candidate_ok && deployment (section->page) != NULL)
    {
      g_autofree char *path = td_deployment_project_path (deployment (section->page), td_task_get_artifact (section->task));

      /* Accept never replaces the project's file silently. */
      if (g_file_test (path, G_FILE_TEST_EXISTS))
        {
          g_autofree char *notice = g_strdup_printf (_("The chart already has a %s: Accept replaces it."), section->file_name);

          set_message (section->accept_label, notice, "warning");
        }
    }
  gtk_widget_set_visible (section->review_box, TRUE);
  update_actions (section->page);
}

/* ---- kubectl-ai ------------------------------------------------------------------------------------ */

/* No reference on the page: closing it must cancel its runs (dispose cancels the cancellable,
 * which is checked before the page or the section is touched). */
typedef struct {
  TdManifestsPage *page;
  Section         *section;
  GCancellable    *cancellable;   /* the page's, when the run started */
} RunData;

static void
on_kubectl_ai_line (TdProcess *process, TdStream stream, const char *line, Section *section)
{
  g_string_append_printf (stream == TD_STREAM_STDOUT ? section->output : section->errors, "%s\n", line);
}

static void
kubectl_ai_waited (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RunData *data = user_data;
  TdManifestsPage *self = data->page;
  g_autoptr(GCancellable) cancellable = data->cancellable;
  Section *section = data->section;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) extract_error = NULL;
  g_autofree char *manifest = NULL;
  g_autofree char *status_text = NULL;
  TdAgentOutputSource found = TD_AGENT_OUTPUT_PLAIN;
  int status = -1;

  g_free (data);
  td_process_wait_finish (TD_PROCESS (source), result, &status, &error);
  /* The page went away or the project changed: the section is not this run's any more. */
  if (g_cancellable_is_cancelled (cancellable))
    return;
  g_signal_handlers_disconnect_by_data (source, section);
  g_clear_object (&section->process);

  if (section->stopping)
    {
      section->stopping = FALSE;
      set_message (section->status_label, _("Stopped: kubectl-ai was stopped before it answered."), "warning");
      notify_busy (self);
      return;
    }
  if (error != NULL)
    status_text = g_strdup_printf (_("kubectl-ai did not finish: %s"), error->message);
  else
    {
      manifest = td_agent_output_extract (section->output->str, section->output->len, TD_AGENT_ARTIFACT_MANIFEST,
                                          "kubectl-ai", td_yaml_mapping_get_string (td_task_get_contract (section->task), "kind"),
                                          &found, &extract_error);
      if (manifest == NULL)
        {
          g_autofree char *last_error = g_strdup (g_strstrip (section->errors->str));

          status_text = *last_error != '\0'
            ? g_strdup_printf (_("No manifest: %s. kubectl-ai exited with status %d: %s"), extract_error->message, status, last_error)
            : g_strdup_printf (_("No manifest: %s."), extract_error->message);
        }
    }
  if (manifest == NULL)
    set_message (section->status_label, status_text, "error");
  else
    {
      g_autofree char *heading = g_strdup_printf (_("kubectl-ai’s %s, extracted from its output (%s)"), section->file_name,
                                                  td_agent_output_source_describe (found, TD_AGENT_ARTIFACT_MANIFEST));

      /* The RunOnce refusal exits non-zero; the manifest it wanted to apply is still the answer. */
      status_text = status != 0
        ? g_strdup_printf (_("Extracted the manifest from kubectl-ai’s output (%s). kubectl-ai exited with status %d: "
                             "it wanted to apply the manifest itself, which Todo Deploy never allows."),
                           td_agent_output_source_describe (found, TD_AGENT_ARTIFACT_MANIFEST), status)
        : g_strdup_printf (_("Extracted the manifest from kubectl-ai’s output (%s)."),
                           td_agent_output_source_describe (found, TD_AGENT_ARTIFACT_MANIFEST));
      set_message (section->status_label, status_text, status != 0 ? "warning" : NULL);
      set_candidate (section, manifest, TD_MANIFEST_SOURCE_KUBECTL_AI, heading);
    }
  notify_busy (self);
}

static void
run_section (TdManifestsPage *self, Section *section)
{
  g_autofree char *prompt = buffer_text (section->prompt_view);
  g_autofree char *sent = g_strdup_printf ("%s\n\n%s", g_strstrip (prompt), TD_MANIFESTS_PROMPT_SUFFIX);
  /* stdin stays /dev/null (the runner's rule); never --skip-permissions: the agent applies nothing. */
  const char *argv[] = { "kubectl-ai", "--quiet", sent, NULL };
  g_autoptr(GError) error = NULL;
  RunData *data;

  if (section->process != NULL || deployment (self) == NULL)
    return;
  g_string_truncate (section->output, 0);
  g_string_truncate (section->errors, 0);
  section->process = td_deployment_spawn (deployment (self), argv, section->id, KUBECTL_AI_TIMEOUT_MS, &error);
  if (section->process == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("kubectl-ai could not be started: %s"), error->message);

      set_message (section->status_label, text, "error");
      return;
    }
  g_free (section->asked_prompt);
  section->asked_prompt = g_strdup (prompt);
  set_message (section->status_label, _("kubectl-ai is working on it…"), NULL);
  g_signal_connect (section->process, "line", G_CALLBACK (on_kubectl_ai_line), section);
  data = g_new0 (RunData, 1);
  data->page = self;
  data->section = section;
  data->cancellable = g_object_ref (self->cancellable);
  td_process_wait_async (section->process, self->cancellable, kubectl_ai_waited, data);
  notify_busy (self);
}

static void
on_run_clicked (GtkButton *button, Section *section)
{
  if (section->process != NULL)
    {
      section->stopping = TRUE;
      td_process_cancel (section->process);
    }
  else if (kubectl_ai_available (section->page))
    run_section (section->page, section);
}

static void
on_reset_prompt_clicked (GtkButton *button, Section *section)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (section->prompt_view)),
                            td_task_get_prompt (section->task), -1);
}

static void
on_use_bundled_clicked (GtkButton *button, Section *section)
{
  g_autofree char *heading = NULL;

  if (section->reference_text == NULL || section->process != NULL)
    return;
  heading = g_strdup_printf (_("Bundled reference charts/todo-app/templates/%s — shipped with Todo Deploy, not agent output"),
                             section->file_name);
  set_message (section->status_label, NULL, NULL);
  set_candidate (section, section->reference_text, TD_MANIFEST_SOURCE_BUNDLED, heading);
}

/* ---- Accept ------------------------------------------------------------------------------------ */

static gboolean
values_defined (const TdYamlNode *values, const char *dotted)
{
  g_auto(GStrv) keys = g_strsplit (dotted, ".", -1);
  const TdYamlNode *node = values;

  for (guint i = 0; keys[i] != NULL && node != NULL; i++)
    node = node->kind == TD_YAML_MAPPING ? td_yaml_mapping_get (node, keys[i]) : NULL;
  return node != NULL && !td_yaml_is_null (node);
}

/* The templates refer to values.yaml; when the chart's values.yaml (helm create's, before T022)
 * lacks one of them, it gets the seed's values (the bundled chart's), so that helm lint renders. */
static gboolean
ensure_values (TdManifestsPage *self, Section *section, gboolean *written, GError **error)
{
  const TdYamlNode *map = td_yaml_mapping_get (td_task_get_contract (section->task), "values");
  g_autofree char *path = td_deployment_project_path (deployment (self), "charts/todo-app/values.yaml");
  g_autoptr(TdYamlNode) values = g_file_test (path, G_FILE_TEST_EXISTS) ? td_yaml_parse_file (path, NULL) : NULL;
  g_autoptr(GBytes) bundled = NULL;
  gboolean complete = values != NULL;

  *written = FALSE;
  for (guint i = 0; complete && map != NULL && map->kind == TD_YAML_MAPPING && i < map->children->len; i++)
    {
      const TdYamlNode *paths = map->children->pdata[i];

      if (paths->kind == TD_YAML_SCALAR)
        complete = values_defined (values, td_yaml_scalar (paths));
      for (guint j = 0; complete && paths->kind == TD_YAML_SEQUENCE && j < td_yaml_n_children (paths); j++)
        complete = values_defined (values, td_yaml_scalar (td_yaml_child (paths, j)));
    }
  if (complete)
    return TRUE;
  bundled = td_deployment_lookup_bundled ("charts/todo-app/values.yaml", error);
  if (bundled == NULL ||
      !td_atomic_file_write (path, g_bytes_get_data (bundled, NULL), g_bytes_get_size (bundled), error))
    return FALSE;
  *written = TRUE;
  return TRUE;
}

static void
on_accept_clicked (GtkButton *button, Section *section)
{
  TdManifestsPage *self = section->page;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *text = NULL;
  g_autofree char *message = NULL;
  gboolean values_written = FALSE;
  guint n_templated = 0;

  if (!section->candidate_ok || deployment (self) == NULL)
    return;
  if (section->candidate_source == TD_MANIFEST_SOURCE_BUNDLED)
    text = g_strdup (section->candidate_text);
  else
    {
      g_autofree char *templated = td_manifest_template (td_task_get_contract (section->task), section->candidate_text,
                                                         &n_templated, &error);

      if (templated != NULL)
        text = g_strdup_printf ("# %s: kubectl-ai's manifest; Todo Deploy put values.yaml references in place of "
                                "%u literals.\n%s", section->id, n_templated, templated);
    }
  path = td_deployment_project_path (deployment (self), td_task_get_artifact (section->task));
  dir = g_path_get_dirname (path);
  if (text == NULL || g_mkdir_with_parents (dir, 0755) != 0 ||
      !ensure_values (self, section, &values_written, &error) ||
      !td_atomic_file_write (path, text, -1, &error))
    {
      message = g_strdup_printf (_("Could not write %s: %s"), td_task_get_artifact (section->task),
                                 error != NULL ? error->message : g_strerror (errno));
      set_message (section->accept_label, message, "error");
      return;
    }
  section->accepted_source = section->candidate_source;
  section->audit_written = FALSE;
  message = g_strdup_printf (values_written
                               ? _("Accepted: %s is in the chart. values.yaml now holds the seed’s values, which the templates refer to.")
                               : _("Accepted: %s is in the chart."),
                             td_task_get_artifact (section->task));
  set_message (section->accept_label, message, "success");
  update_actions (self);
}

/* ---- gate and T021's audit lines ------------------------------------------------------------------ */

static void
reset_gate_rows (TdManifestsPage *self, TdCheckStatus status)
{
  if (self->gate != NULL)
    td_gate_rows_reset (self->gate, status);
}

static void
on_gate_checked (TdPhaseRunner *runner, GPtrArray *results, gboolean passed, TdManifestsPage *self)
{
  td_gate_rows_show_results (self->gate, results, deployment (self) ? td_deployment_get_plan (deployment (self)) : NULL);
}

/* T021's entry about @task_id. */
static const TdTaskAuditEntry *
audit_entry_for (TdManifestsPage *self, const char *task_id)
{
  GListModel *tasks = td_phase_get_tasks (phase (self));

  for (guint i = 0; i < g_list_model_get_n_items (tasks); i++)
    {
      g_autoptr(TdTask) task = g_list_model_get_item (tasks, i);

      for (guint j = 0; j < td_task_get_n_audit_entries (task); j++)
        if (g_strcmp0 (td_task_get_audit_entry (task, j)->about, task_id) == 0)
          return td_task_get_audit_entry (task, j);   /* the phase keeps the task alive */
    }
  return NULL;
}

/* One line per manifest accepted this session: the seed's summary for kubectl-ai's work, or a
 * BUNDLED- line (a stand-in for the final audit check) when the bundled reference was used. */
static void
append_audit_lines (TdManifestsPage *self)
{
  TdAuditLog *log = td_deployment_get_audit_log (deployment (self));
  g_autoptr(GString) shown = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < self->sections->len && error == NULL; i++)
    {
      Section *section = self->sections->pdata[i];
      const TdTaskAuditEntry *entry = audit_entry_for (self, section->id);
      g_autofree char *tag = NULL;
      g_autofree char *prompt = NULL;
      g_autofree char *result = NULL;

      if (entry == NULL || section->accepted_source == TD_MANIFEST_SOURCE_NONE || section->audit_written)
        continue;
      if (section->accepted_source == TD_MANIFEST_SOURCE_BUNDLED)
        {
          tag = g_strconcat ("BUNDLED-", entry->tag, NULL);
          result = g_strdup_printf ("bundled reference used (no agent ran): %s from Todo Deploy's bundled chart",
                                    section->file_name);
        }
      else
        {
          tag = g_strdup (entry->tag);
          result = g_strdup (entry->result);
        }
      prompt = td_audit_log_describe_prompt (entry->prompt, td_task_get_prompt (section->task),
                                             section->accepted_source == TD_MANIFEST_SOURCE_BUNDLED ? NULL : section->asked_prompt);
      if (td_audit_log_ensure (log, &error) && td_audit_log_append (log, tag, prompt, result, &error))
        {
          section->audit_written = TRUE;
          g_string_append_printf (shown, "%s[%s] result=\"%s\"", shown->len > 0 ? "\n" : "", tag, result);
        }
    }
  if (error != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The gate passed, but the audit log could not be written: %s"), error->message);

      set_message (self->audit_label, text, "error");
    }
  else if (shown->len > 0)
    {
      g_autofree char *text = g_strdup_printf (_("Recorded in %s:\n%s"), td_audit_log_get_file_name (td_deployment_get_audit_log (deployment (self))), shown->str);

      set_message (self->audit_label, text, NULL);
    }
}

static void
gate_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TdManifestsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean passed = td_phase_runner_check_gate_finish (TD_PHASE_RUNNER (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (passed)
    append_audit_lines (self);
  else if (error != NULL)
    set_message (self->audit_label, error->message, "error");
  self->checking = FALSE;
  notify_busy (self);
}

static void
check_gate_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TdManifestsPage *self = TD_MANIFESTS_PAGE (widget);

  if (self->runner == NULL || self->checking || td_phase_runner_get_busy (self->runner))
    return;
  self->checking = TRUE;
  set_message (self->audit_label, NULL, NULL);
  reset_gate_rows (self, TD_CHECK_STATUS_RUNNING);
  td_phase_runner_check_gate_async (self->runner, self->cancellable, gate_done, g_object_ref (self));
  notify_busy (self);
}

static void
populate_gate (TdManifestsPage *self)
{
  self->gate = td_gate_rows_new (self->gate_group, td_phase_get_gate (phase (self)));
}

/* ---- building the sections --------------------------------------------------------------------- */

static GtkSourceView *
new_source_view (const char *accessible_name, gboolean editable)
{
  GtkSourceView *view = GTK_SOURCE_VIEW (gtk_source_view_new ());
  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)));

  if (!editable)
    gtk_source_buffer_set_language (buffer, gtk_source_language_manager_get_language (
                                              gtk_source_language_manager_get_default (), "yaml"));
  td_source_style_follow (buffer);
  gtk_text_view_set_editable (GTK_TEXT_VIEW (view), editable);
  /* A prompt has no use for tab characters: Tab moves on, as everywhere else in the wizard. */
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (view), TRUE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), editable ? GTK_WRAP_WORD_CHAR : GTK_WRAP_NONE);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_name, -1);
  return view;
}

static GtkWidget *
framed (GtkWidget *child, int height)
{
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *frame = gtk_frame_new (NULL);

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), child);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scroller), height);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 420);
  gtk_frame_set_child (GTK_FRAME (frame), scroller);
  return frame;
}

/* Section buttons call their handler directly: a class action's enabled state is per action,
 * not per target, and these buttons are enabled one by one. "action" names it for tests. */
static GtkWidget *
new_button (const char *label, const char *action, Section *section, GCallback on_clicked, const char *css_class)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  g_object_set_data (G_OBJECT (button), "action", (gpointer) action);
  g_object_set_data (G_OBJECT (button), "task", (gpointer) section->id);
  g_signal_connect (button, "clicked", on_clicked, section);
  if (css_class != NULL)
    gtk_widget_add_css_class (button, css_class);
  return button;
}

static void
section_free (Section *section)
{
  if (section->process != NULL)
    g_signal_handlers_disconnect_by_data (section->process, section);
  g_clear_object (&section->process);
  g_clear_pointer (&section->findings, g_ptr_array_unref);
  g_string_free (section->output, TRUE);
  g_string_free (section->errors, TRUE);
  g_free (section->file_name);
  g_free (section->reference_text);
  g_free (section->candidate_text);
  g_free (section->asked_prompt);
  g_free (section);
}

static void
add_section (TdManifestsPage *self, TdTask *task)
{
  Section *section = g_new0 (Section, 1);
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkLabel *sent_label = new_wrapped_label ("dim-label");
  GtkWidget *reset_button;
  g_autofree char *title = NULL;
  g_autofree char *reference_path = NULL;
  g_autofree char *sent = NULL;
  g_autoptr(GBytes) reference = NULL;
  g_autoptr(GError) error = NULL;

  section->page = self;
  section->task = task;
  section->id = td_task_get_id (task);
  section->file_name = g_path_get_basename (td_task_get_artifact (task));
  section->output = g_string_new (NULL);
  section->errors = g_string_new (NULL);
  reference_path = g_strdup_printf ("charts/todo-app/templates/%s", section->file_name);
  reference = td_deployment_lookup_bundled (reference_path, &error);
  if (reference != NULL)
    section->reference_text = g_strndup (g_bytes_get_data (reference, NULL), g_bytes_get_size (reference));
  else
    g_warning ("No bundled reference for %s: %s", section->file_name, error->message);

  title = g_strdup_printf ("%s · %s", section->id, section->file_name);
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), td_task_get_title (task));

  section->prompt_view = new_source_view (_("kubectl-ai’s prompt"), TRUE);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (section->prompt_view)), td_task_get_prompt (task), -1);
  gtk_box_append (GTK_BOX (box), framed (GTK_WIDGET (section->prompt_view), 60));
  /* What is sent is the prompt and this line: the user sees both. */
  sent = g_strdup_printf (_("Sent after the prompt: “%s”"), TD_MANIFESTS_PROMPT_SUFFIX);
  set_message (sent_label, sent, "dim-label");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (sent_label));

  section->run_button = new_button (_("_Run kubectl-ai"), "manifests.run", section, G_CALLBACK (on_run_clicked), "suggested-action");
  section->bundled_button = new_button (_("Use _Bundled Reference"), "manifests.use-bundled", section, G_CALLBACK (on_use_bundled_clicked), NULL);
  reset_button = new_button (_("Reset to the Seed’s Prompt"), "manifests.reset-prompt", section,
                             G_CALLBACK (on_reset_prompt_clicked), "flat");
  gtk_widget_set_hexpand (reset_button, TRUE);
  gtk_widget_set_halign (reset_button, GTK_ALIGN_END);
  gtk_box_append (GTK_BOX (buttons), section->run_button);
  gtk_box_append (GTK_BOX (buttons), section->bundled_button);
  gtk_box_append (GTK_BOX (buttons), reset_button);
  gtk_box_append (GTK_BOX (box), buttons);
  section->status_label = new_wrapped_label (NULL);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (section->status_label));

  section->review_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  section->source_label = new_wrapped_label ("heading");
  gtk_widget_set_visible (GTK_WIDGET (section->source_label), TRUE);
  gtk_box_append (GTK_BOX (section->review_box), GTK_WIDGET (section->source_label));
  section->candidate_view = new_source_view (_("Candidate manifest"), FALSE);
  gtk_box_append (GTK_BOX (section->review_box), framed (GTK_WIDGET (section->candidate_view), 160));
  section->findings_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (section->findings_list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (section->findings_list), "boxed-list");
  gtk_box_append (GTK_BOX (section->review_box), GTK_WIDGET (section->findings_list));
  section->accept_button = new_button (_("_Accept"), "manifests.accept", section, G_CALLBACK (on_accept_clicked), "suggested-action");
  gtk_widget_set_halign (section->accept_button, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (section->review_box), section->accept_button);
  section->accept_label = new_wrapped_label (NULL);
  gtk_box_append (GTK_BOX (section->review_box), GTK_WIDGET (section->accept_label));
  gtk_widget_set_visible (section->review_box, FALSE);
  gtk_box_append (GTK_BOX (box), section->review_box);

  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), box);
  gtk_box_append (self->tasks_box, group);
  g_ptr_array_add (self->sections, section);
}

/* ---- lifecycle ------------------------------------------------------------------------------------ */

static void
on_deployment_changed (TdManifestsPage *self)
{
  TdDeployment *current = deployment (self);

  /* A new project: nothing under review belongs to it. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->checking = FALSE;
  for (guint i = 0; i < self->sections->len; i++)
    {
      Section *section = self->sections->pdata[i];

      if (section->process != NULL)
        g_signal_handlers_disconnect_by_data (section->process, section);
      g_clear_object (&section->process);
      section->stopping = FALSE;
      clear_findings (section);
      g_clear_pointer (&section->candidate_text, g_free);
      section->candidate_ok = FALSE;
      section->candidate_source = section->accepted_source = TD_MANIFEST_SOURCE_NONE;
      section->audit_written = FALSE;
      gtk_widget_set_visible (section->review_box, FALSE);
      set_message (section->status_label, NULL, NULL);
    }
  if (self->runner != NULL)
    g_signal_handlers_disconnect_by_data (self->runner, self);
  g_clear_object (&self->runner);
  reset_gate_rows (self, TD_CHECK_STATUS_UNKNOWN);
  set_message (self->audit_label, NULL, NULL);
  if (current != NULL)
    {
      self->runner = td_phase_runner_new (current, phase (self));
      g_signal_connect (self->runner, "gate-checked", G_CALLBACK (on_gate_checked), self);
    }
  notify_busy (self);
}

static void
on_phase_state_changed (TdManifestsPage *self)
{
  TdPhaseState state = td_phase_get_state (phase (self));

  td_wizard_page_set_complete (TD_WIZARD_PAGE (self), state == TD_PHASE_STATE_PASSED || state == TD_PHASE_STATE_SKIPPED);
}

static void
td_manifests_page_constructed (GObject *object)
{
  TdManifestsPage *self = TD_MANIFESTS_PAGE (object);
  TdPhase *the_phase = phase (self);
  GListModel *tasks = td_phase_get_tasks (the_phase);
  TdPreflight *preflight;

  G_OBJECT_CLASS (td_manifests_page_parent_class)->constructed (object);

  td_wizard_page_set_title (TD_WIZARD_PAGE (self), td_phase_get_title (the_phase));
  gtk_label_set_label (self->title_label, td_phase_get_seed_title (the_phase));
  gtk_label_set_label (self->purpose_label, td_phase_get_purpose (the_phase));
  gtk_widget_set_visible (GTK_WIDGET (self->story_label), td_phase_get_story (the_phase) != NULL);
  if (td_phase_get_story (the_phase) != NULL)
    gtk_label_set_label (self->story_label, td_phase_get_story (the_phase));

  for (guint i = 0; i < g_list_model_get_n_items (tasks); i++)
    {
      g_autoptr(TdTask) task = g_list_model_get_item (tasks, i);

      if (is_manifest_task (task))
        add_section (self, task);   /* the phase keeps the task alive */
    }
  populate_gate (self);

  preflight = td_wizard_page_get_preflight (TD_WIZARD_PAGE (self));
  if (preflight != NULL)
    self->kubectl_ai_check = td_preflight_lookup (preflight, "kubectl-ai");
  if (self->kubectl_ai_check != NULL)
    g_signal_connect_object (self->kubectl_ai_check, "notify::status", G_CALLBACK (update_actions), self,
                             G_CONNECT_SWAPPED);
  g_signal_connect_object (the_phase, "notify::state", G_CALLBACK (on_phase_state_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "notify::deployment", G_CALLBACK (on_deployment_changed), NULL);
  on_deployment_changed (self);
  on_phase_state_changed (self);
}

static void
td_manifests_page_dispose (GObject *object)
{
  TdManifestsPage *self = TD_MANIFESTS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->runner != NULL)
    g_signal_handlers_disconnect_by_data (self->runner, self);
  g_clear_object (&self->runner);
  g_clear_object (&self->cancellable);
  self->kubectl_ai_check = NULL;
  g_clear_pointer (&self->sections, g_ptr_array_unref);
  g_clear_object (&self->gate);
  G_OBJECT_CLASS (td_manifests_page_parent_class)->dispose (object);
}

static void
td_manifests_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, td_manifests_page_get_busy (TD_MANIFESTS_PAGE (object)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_manifests_page_class_init (TdManifestsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = td_manifests_page_constructed;
  object_class->dispose = td_manifests_page_dispose;
  object_class->get_property = td_manifests_page_get_property;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_source_init ();
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/tododeploy/TodoDeploy/td-manifests-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, TdManifestsPage, name)
  BIND (story_label);
  BIND (title_label);
  BIND (purpose_label);
  BIND (agent_label);
  BIND (tasks_box);
  BIND (gate_group);
  BIND (check_button);
  BIND (audit_label);
#undef BIND

  gtk_widget_class_install_action (widget_class, "manifests.check-gate", NULL, check_gate_action);
}

static void
td_manifests_page_init (TdManifestsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->sections = g_ptr_array_new_with_free_func ((GDestroyNotify) section_free);
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
td_manifests_page_new (TdPhase *phase, TdPreflight *preflight)
{
  g_return_val_if_fail (TD_IS_PHASE (phase), NULL);
  g_return_val_if_fail (preflight == NULL || TD_IS_PREFLIGHT (preflight), NULL);

  return g_object_new (TD_TYPE_MANIFESTS_PAGE, "phase", phase, "preflight", preflight, NULL);
}

const char *
td_manifests_page_get_candidate (TdManifestsPage *self, const char *task_id)
{
  Section *section;

  g_return_val_if_fail (TD_IS_MANIFESTS_PAGE (self), NULL);
  section = lookup_section (self, task_id);
  return section != NULL ? section->candidate_text : NULL;
}

TdManifestSource
td_manifests_page_get_candidate_source (TdManifestsPage *self, const char *task_id)
{
  Section *section;

  g_return_val_if_fail (TD_IS_MANIFESTS_PAGE (self), TD_MANIFEST_SOURCE_NONE);
  section = lookup_section (self, task_id);
  return section != NULL ? section->candidate_source : TD_MANIFEST_SOURCE_NONE;
}
