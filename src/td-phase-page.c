/* td-phase-page.c: a phase's tasks with their seed IDs and what each runs; Run carries them out in
 * order and then checks the gate; the gate's checks show what holds and what to do when not. */
#define G_LOG_DOMAIN "td-phase-page"

#include <glib/gi18n.h>

#include "td-check-result.h"
#include "td-error.h"
#include "td-helm-lock.h"
#include "td-frontend-url.h"
#include "td-git-commit.h"
#include "td-health-analysis.h"
#include "td-minikube.h"
#include "td-quantity.h"
#include "td-rightsizing.h"
#include "td-gate-rows.h"
#include "td-phase-page.h"
#include "td-status-icon.h"
#include "td-phase-runner.h"
#include "td-pod-table.h"
#include "td-secret-task.h"
#include "td-task-executor.h"

struct _TdPhasePage
{
  TdWizardPage          parent_instance;

  TdPhaseRunner        *runner;
  GCancellable         *cancellable;
  GHashTable           *task_rows;      /* task id → AdwPreferencesRow */
  TdGateRows           *gate;
  TdPodTable           *pod_table;      /* phases that watch pods (Verify) */
  TdPodMonitor         *monitor;
  GCancellable         *connect_cancellable;
  TdTask               *secret_task;    /* phases that create the Secret (Helm Deploy) */
  AdwPreferencesGroup  *secret_group;   /* a password row per key .env lacks; hidden when none */
  GPtrArray            *secret_rows;    /* of AdwPasswordEntryRow */
  TdTask               *helm_task;      /* phases that run `helm upgrade --install` */
  AdwActionRow         *lock_row;       /* a pending-* release: what happened, and the fix */
  TdHelmRelease        *locked_release;
  TdPreflight          *preflight;      /* says whether kagent is installed; may be NULL */
  TdTask               *health_task;    /* the agent task with the built-in pod-health fallback */
  GCancellable         *analysis_cancellable; /* see work_cancellable () */
  TdTask               *usage_task;     /* the agent task with the built-in pod-metrics fallback (T030) */
  TdTask               *upgrade_task;   /* the command after it that applies the values (T031) */
  TdTask               *commit_task;    /* the manual task that commits the files (T037) */
  GtkWidget            *usage_group;    /* the recommendation per values.yaml section */
  GPtrArray            *recommendations;
  TdUsageSamples       *samples;
  GtkWidget            *chatbot_group;  /* the frontend URL and Open Todo Chatbot */
  GtkWidget            *chatbot_row;
  char                 *chatbot_url;

  GtkLabel             *story_label;
  GtkLabel             *title_label;
  GtkLabel             *purpose_label;
  AdwPreferencesGroup  *tasks_group;
  AdwPreferencesGroup  *gate_group;
  GtkButton            *run_button;
  GtkButton            *check_button;
  GtkLabel             *later_label;
};

G_DEFINE_FINAL_TYPE (TdPhasePage, td_phase_page, TD_TYPE_WIZARD_PAGE)

static const char *
task_kind_icon_name (TdTaskKind kind)
{
  switch (kind)
    {
    case TD_TASK_KIND_COMMAND: return "utilities-terminal-symbolic";
    case TD_TASK_KIND_AGENT:   return "avatar-default-symbolic";
    case TD_TASK_KIND_API:     return "network-server-symbolic";
    case TD_TASK_KIND_WATCH:   return "view-reveal-symbolic";
    case TD_TASK_KIND_CHECK:   return "system-search-symbolic";
    case TD_TASK_KIND_MANUAL:  return "document-edit-symbolic";
    default:                   return "emblem-system-symbolic";
    }
}

/* ---- row status (an icon or a spinner in front, a line of text underneath) ------------------ */

/* Rows here are plain text (use-markup off): commands and messages are shown as they are. */
static void
row_set_subtitle (GtkWidget *row, const char *text)
{
  if (ADW_IS_EXPANDER_ROW (row))
    adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), text ? text : "");
  else
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text ? text : "");
}

static void
row_add_prefix (GtkWidget *row, GtkWidget *widget)
{
  if (ADW_IS_EXPANDER_ROW (row))
    adw_expander_row_add_prefix (ADW_EXPANDER_ROW (row), widget);
  else
    adw_action_row_add_prefix (ADW_ACTION_ROW (row), widget);
}

/* Each row has a status stack in front: the kind's icon until something happens, then a spinner,
 * a check mark or an error sign. The accessible label says the same in words. */
static void
row_set_status (GtkWidget *row, TdCheckStatus status)
{
  td_status_icon_set_status (g_object_get_data (G_OBJECT (row), "status-icon"), status);
}

/* ---- building the page ----------------------------------------------------------------------- */

static GtkWidget *
make_prompt_label (const char *prompt)
{
  GtkWidget *label = gtk_label_new (prompt);

  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_bottom (label, 12);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  return label;
}

static GtkWidget *
make_task_row (TdTask *task)
{
  g_autofree char *title = g_strdup_printf ("%s · %s", td_task_get_id (task), td_task_get_title (task));
  g_auto(GStrv) argv = td_task_executor_build_argv (task, NULL);
  /* Show exactly what will run when it is a program; the plan's description otherwise. */
  g_autofree char *action = argv != NULL ? g_strjoinv (" ", argv) : td_task_describe_action (task);
  GtkWidget *status = td_status_icon_new (task_kind_icon_name (td_task_get_kind (task)),
                                         td_task_kind_to_string (td_task_get_kind (task)));
  GtkWidget *row;

  if (td_task_get_prompt (task) != NULL)
    {
      /* Agent tasks show the seed's exact prompt, so the user reads what will be asked. */
      row = adw_expander_row_new ();
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), make_prompt_label (td_task_get_prompt (task)));
    }
  else
    row = adw_action_row_new ();
  row_add_prefix (row, status);
  g_object_set_data (G_OBJECT (row), "status-icon", status);
  g_object_set_data_full (G_OBJECT (row), "action", g_strdup (action), g_free);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  row_set_subtitle (row, action);
  return row;
}

/* Before `minikube start`: how much memory the cluster needs, against what this computer has. */
static GtkWidget *
make_memory_hint_row (void)
{
  GtkWidget *row = adw_action_row_new ();
  g_autoptr(TdMemoryHint) hint = NULL;
  g_autoptr(GError) error = NULL;
  guint64 total = 0;
  GtkWidget *icon;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Memory"));
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  if (!td_minikube_read_total_memory (NULL, &total, &error))
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _("Minikube needs at least 4 GiB of memory for this deployment (5 GiB with kagent)."));
      icon = gtk_image_new_from_icon_name ("dialog-information-symbolic");
    }
  else
    {
      hint = td_minikube_memory_hint (total, FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), hint->sentence);
      icon = gtk_image_new_from_icon_name (hint->fit == TD_MEMORY_FIT_ENOUGH ? "dialog-information-symbolic"
                                                                             : "dialog-warning-symbolic");
      if (hint->fit != TD_MEMORY_FIT_ENOUGH)
        gtk_widget_add_css_class (icon, "warning");
    }
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  return row;
}

/* One readable line per gate check: its parameters. */
/* ---- health analysis, the phase that fixes a failure, the chatbot's URL ------------------------ */

/* Cancels the page's own work (analysis, measuring, applying, committing) when the project
 * changes or the page goes; each action is disabled while it runs. */
static GCancellable *
work_cancellable (TdPhasePage *self)
{
  if (self->analysis_cancellable == NULL)
    self->analysis_cancellable = g_cancellable_new ();
  return self->analysis_cancellable;
}

/* The task that appends the audit line about @task (T029 for T028). */
static TdTask *
audit_task_about (TdPhase *phase, TdTask *task)
{
  GListModel *tasks = td_phase_get_tasks (phase);

  for (guint i = 0; i < g_list_model_get_n_items (tasks); i++)
    {
      g_autoptr(TdTask) candidate = g_list_model_get_item (tasks, i);

      if (td_task_get_n_audit_entries (candidate) > 0 &&
          g_strcmp0 (td_task_get_audit_entry (candidate, 0)->about, td_task_get_id (task)) == 0)
        return candidate;
    }
  return NULL;
}

static void
add_health_button (TdPhasePage *self, TdTask *task, GtkWidget *row)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Analyse"));

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "phase.analyse-health");
  gtk_widget_set_tooltip_text (button, _("Ask kagent how healthy the pods are; without kagent, Todo Deploy analyses them itself"));
  if (ADW_IS_EXPANDER_ROW (row))
    adw_expander_row_add_action (ADW_EXPANDER_ROW (row), button);
  else
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  self->health_task = task;
}

static gboolean
kagent_available (TdPhasePage *self)
{
  TdPreflightCheck *check = self->preflight ? td_preflight_lookup (self->preflight, "kagent") : NULL;

  return check != NULL && td_preflight_check_get_status (check) == TD_CHECK_STATUS_OK;
}

static void
health_analysed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TdPhasePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TdHealthReport) report = td_health_analysis_run_finish (result, &error);
  TdPhase *phase = td_wizard_page_get_phase (TD_WIZARD_PAGE (self));
  GtkWidget *row = self->health_task ? g_hash_table_lookup (self->task_rows, td_task_get_id (self->health_task)) : NULL;
  TdTask *audit_task = self->health_task ? audit_task_about (phase, self->health_task) : NULL;
  GtkWidget *audit_row = audit_task ? g_hash_table_lookup (self->task_rows, td_task_get_id (audit_task)) : NULL;
  g_autofree char *text = NULL;
  g_autofree char *audit_text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || row == NULL)
    return;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "phase.analyse-health", TRUE);
  if (report == NULL)
    {
      row_set_status (row, TD_CHECK_STATUS_FAILED);
      row_set_subtitle (row, error->message);
      return;
    }
  /* The built-in analysis is labelled as such, with the reason kagent's answer was not used. */
  if (report->builtin)
    text = g_strdup_printf (_("Built-in analysis (%s):\n%s"),
                            report->kagent_error ? report->kagent_error : _("kagent is not installed"), report->text);
  else
    text = g_strdup_printf (_("kagent:\n%s"), report->text);
  row_set_status (row, TD_CHECK_STATUS_OK);
  row_set_subtitle (row, text);
  if (audit_row != NULL)
    {
      audit_text = g_strdup_printf (_("Appended a [%s] line to %s."), report->tag, TD_AUDIT_LOG_FILE_NAME);
      row_set_status (audit_row, TD_CHECK_STATUS_OK);
      row_set_subtitle (audit_row, audit_text);
    }
}

static void
analyse_health_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TdPhasePage *self = TD_PHASE_PAGE (widget);
  TdDeployment *deployment = td_wizard_page_get_deployment (TD_WIZARD_PAGE (self));
  TdPhase *phase = td_wizard_page_get_phase (TD_WIZARD_PAGE (self));
  g_autoptr(GListStore) no_pods = NULL;
  GListModel *pods;
  GtkWidget *row;

  if (deployment == NULL || self->health_task == NULL)
    return;
  row = g_hash_table_lookup (self->task_rows, td_task_get_id (self->health_task));
  if (self->monitor != NULL)
    pods = G_LIST_MODEL (self->monitor);
  else
    pods = G_LIST_MODEL (no_pods = g_list_store_new (TD_TYPE_POD));
  row_set_status (row, TD_CHECK_STATUS_RUNNING);
  gtk_widget_action_set_enabled (widget, "phase.analyse-health", FALSE);
  td_health_analysis_run_async (deployment, self->health_task, audit_task_about (phase, self->health_task),
                                kagent_available (self), pods, work_cancellable (self),
                                health_analysed, g_object_ref (self));
}


/* ---- right-sizing (T030–T032): measure, show the rule and the numbers, apply ------------------- */

static void
add_row_button (TdPhasePage *self, GtkWidget *row, TdTask **slot, TdTask *task, const char *label,
                const char *action, const char *tooltip)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_widget_set_tooltip_text (button, tooltip);
  if (ADW_IS_EXPANDER_ROW (row))
    adw_expander_row_add_action (ADW_EXPANDER_ROW (row), button);
  else
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  if (slot != NULL)
    *slot = task;
}

static GtkWidget *
task_row (TdPhasePage *self, TdTask *task)
{
  return task ? g_hash_table_lookup (self->task_rows, td_task_get_id (task)) : NULL;
}

static void
show_recommendations (TdPhasePage *self)
{
  GtkWidget *box = gtk_widget_get_parent (GTK_WIDGET (self->tasks_group));

  if (self->usage_group != NULL)
    gtk_box_remove (GTK_BOX (box), self->usage_group);
  self->usage_group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->usage_group), _("Right-sizing"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->usage_group), TD_RIGHTSIZING_RULE);
  for (guint i = 0; i < self->recommendations->len; i++)
    {
      TdRightsizing *r = self->recommendations->pdata[i];
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *p95_cpu = td_quantity_format_top_cpu (r->cpu_p95);
      g_autofree char *peak_cpu = td_quantity_format_top_cpu (r->cpu_peak);
      g_autofree char *p95_memory = td_quantity_format_top_memory (r->memory_p95);
      g_autofree char *peak_memory = td_quantity_format_top_memory (r->memory_peak);
      g_autofree char *text = g_strdup_printf (
        _("Seen: CPU p95 %s, peak %s; memory p95 %s, peak %s (%u samples)\n"
          "Requests: CPU %s → %s, memory %s → %s\nLimits: CPU %s → %s, memory %s → %s"),
        p95_cpu, peak_cpu, p95_memory, peak_memory, r->n_samples,
        r->current[0] ? r->current[0] : "—", r->recommended[0], r->current[1] ? r->current[1] : "—", r->recommended[1],
        r->current[2] ? r->current[2] : "—", r->recommended[2], r->current[3] ? r->current[3] : "—", r->recommended[3]);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), r->section);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->usage_group), row);
    }
  gtk_box_insert_child_after (GTK_BOX (box), self->usage_group, GTK_WIDGET (self->tasks_group));
}

static void
usage_sampled (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TdPhasePage) self = user_data;
  g_autoptr(GError) error = NULL;
  GtkWidget *row = task_row (self, self->usage_task);
  g_autofree char *values_text = NULL;
  TdDeployment *deployment = td_wizard_page_get_deployment (TD_WIZARD_PAGE (self));

  if (!td_usage_sample_finish (result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "phase.measure-usage", TRUE);
      row_set_status (row, TD_CHECK_STATUS_FAILED);
      row_set_subtitle (row, error->message);
      /* Without metrics-server there is nothing to measure: offer to enable it. */
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "phase.enable-metrics",
                                     g_error_matches (error, TD_ERROR, TD_ERROR_NOT_FOUND));
      return;
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "phase.measure-usage", TRUE);
  if (deployment != NULL && self->upgrade_task != NULL)
    {
      g_autofree char *path = td_deployment_project_path (deployment, td_task_get_artifact (self->upgrade_task));
      g_file_get_contents (path, &values_text, NULL, NULL);
    }
  g_clear_pointer (&self->recommendations, g_ptr_array_unref);
  self->recommendations = td_rightsizing_recommend (self->samples, values_text);
  if (self->recommendations->len == 0)
    {
      row_set_status (row, TD_CHECK_STATUS_FAILED);
      row_set_subtitle (row, _("The metrics API listed none of the Todo Chatbot's pods yet: metrics lag a new pod by up to a minute. Measure again."));
      return;
    }
  row_set_status (row, TD_CHECK_STATUS_OK);
  row_set_subtitle (row, _("Measured by Todo Deploy from the metrics API (kagent is not asked)."));
  show_recommendations (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "phase.apply-rightsizing", TRUE);
}

static void
usage_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TdPhasePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *context_namespace = NULL;
  g_autoptr(TdKubeClient) client = td_deployment_connect_finish (TD_DEPLOYMENT (source), result, &context_namespace, &error);
  const char *namespace_ = td_yaml_mapping_get_string (td_plan_get_settings (td_deployment_get_plan (TD_DEPLOYMENT (source))), "namespace");
  gint64 wait_seconds = 120;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (client == NULL)
    {
      row_set_status (task_row (self, self->usage_task), TD_CHECK_STATUS_FAILED);
      row_set_subtitle (task_row (self, self->usage_task), error->message);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "phase.measure-usage", TRUE);
      return;
    }
  /* The plan's stabilisation window, read every 15 s (metrics-server scrapes about that often), or
   * at least four times in a shorter window. */
  td_yaml_get_int (td_yaml_mapping_get (td_task_get_node (self->usage_task), "wait_seconds"), &wait_seconds);
  g_clear_pointer (&self->samples, td_usage_samples_free);
  self->samples = td_usage_samples_new (td_deployment_get_plan (TD_DEPLOYMENT (source)));
  td_usage_sample_async (client, namespace_ ? namespace_ : context_namespace, (guint) wait_seconds * 1000,
                         MIN (15000, (guint) wait_seconds * 1000 / 4 + 1),
                         self->samples, work_cancellable (self), usage_sampled, g_object_ref (self));
}

static void
measure_usage_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TdPhasePage *self = TD_PHASE_PAGE (widget);
  TdDeployment *deployment = td_wizard_page_get_deployment (TD_WIZARD_PAGE (self));
  g_autofree char *text = NULL;
  gint64 wait_seconds = 120;

  if (deployment == NULL || self->usage_task == NULL)
    return;
  td_yaml_get_int (td_yaml_mapping_get (td_task_get_node (self->usage_task), "wait_seconds"), &wait_seconds);
  text = g_strdup_printf (_("Measuring for %u seconds so the numbers are not a start-up spike…"), (guint) wait_seconds);
  row_set_status (task_row (self, self->usage_task), TD_CHECK_STATUS_RUNNING);
  row_set_subtitle (task_row (self, self->usage_task), text);
  gtk_widget_action_set_enabled (widget, "phase.measure-usage", FALSE);
  gtk_widget_action_set_enabled (widget, "phase.apply-rightsizing", FALSE);
  td_deployment_connect_async (deployment, work_cancellable (self), usage_connected, g_object_ref (self));
}

static void
metrics_enabled (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TdPhasePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = -1;
  GtkWidget *row = task_row (self, self->usage_task);

  if (!td_deployment_capture_finish (TD_DEPLOYMENT (source), result, NULL, &err, &status, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        row_set_subtitle (row, error->message);
      return;
    }
  /* It returns before the metrics pod is ready (reference/tools.md). */
  row_set_subtitle (row, status == 0 ? _("metrics-server is enabled; it needs about a minute before Measure has numbers.")
                                     : g_strstrip (err));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "phase.enable-metrics", status != 0);
}

static void
enable_metrics_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  static const char * const argv[] = { "minikube", "addons", "enable", "metrics-server", NULL };
  TdPhasePage *self = TD_PHASE_PAGE (widget);
  TdDeployment *deployment = td_wizard_page_get_deployment (TD_WIZARD_PAGE (self));

  if (deployment == NULL)
    return;
  gtk_widget_action_set_enabled (widget, "phase.enable-metrics", FALSE);
  td_deployment_capture_async (deployment, argv, self->usage_task ? td_task_get_id (self->usage_task) : NULL,
                               5 * 60 * 1000, work_cancellable (self), metrics_enabled, g_object_ref (self));
}

static void
rightsizing_applied (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TdPhasePage) self = user_data;
  g_autoptr(GError) error = NULL;
  TdPhase *phase = td_wizard_page_get_phase (TD_WIZARD_PAGE (self));
  GtkWidget *row = task_row (self, self->upgrade_task);
  GtkWidget *audit_row = self->usage_task ? task_row (self, audit_task_about (phase, self->usage_task)) : NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "phase.apply-rightsizing", TRUE);
  if (!td_rightsizing_apply_finish (result, &error))
    {
      row_set_status (row, TD_CHECK_STATUS_FAILED);
      row_set_subtitle (row, error->message);
      return;
    }
  row_set_status (row, TD_CHECK_STATUS_OK);
  row_set_subtitle (row, _("values.yaml has the new requests and limits; helm upgrade rolled them out."));
  if (audit_row != NULL)
    {
      row_set_status (audit_row, TD_CHECK_STATUS_OK);
      row_set_subtitle (audit_row, _("Appended the new limits to the audit log."));
    }
}

static void
apply_rightsizing_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TdPhasePage *self = TD_PHASE_PAGE (widget);
  TdDeployment *deployment = td_wizard_page_get_deployment (TD_WIZARD_PAGE (self));
  TdPhase *phase = td_wizard_page_get_phase (TD_WIZARD_PAGE (self));

  if (deployment == NULL || self->recommendations == NULL || self->upgrade_task == NULL)
    return;
  row_set_status (task_row (self, self->upgrade_task), TD_CHECK_STATUS_RUNNING);
  gtk_widget_action_set_enabled (widget, "phase.apply-rightsizing", FALSE);
  td_rightsizing_apply_async (deployment, self->recommendations, self->upgrade_task,
                              audit_task_about (phase, self->usage_task), work_cancellable (self),
                              rightsizing_applied, g_object_ref (self));
}


/* ---- committing (T037): the exact commands first, run only on confirmation --------------------- */

static void
committed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TdPhasePage) self = user_data;
  g_autoptr(GError) error = NULL;
  GtkWidget *row = task_row (self, self->commit_task);
  gboolean ok = td_git_commit_run_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "phase.commit", TRUE);
  row_set_status (row, ok ? TD_CHECK_STATUS_OK : TD_CHECK_STATUS_FAILED);
  row_set_subtitle (row, ok ? _("Committed.") : error->message);
}

static void
on_commit_response (AdwMessageDialog *dialog, const char *response, TdPhasePage *self)
{
  GPtrArray *commands = g_object_get_data (G_OBJECT (dialog), "commands");
  TdDeployment *deployment = td_wizard_page_get_deployment (TD_WIZARD_PAGE (self));

  if (g_strcmp0 (response, "commit") != 0 || deployment == NULL)
    return;
  row_set_status (task_row (self, self->commit_task), TD_CHECK_STATUS_RUNNING);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "phase.commit", FALSE);
  td_git_commit_run_async (deployment, commands, work_cancellable (self), committed, g_object_ref (self));
}

static void
commit_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TdPhasePage *self = TD_PHASE_PAGE (widget);
  TdDeployment *deployment = td_wizard_page_get_deployment (TD_WIZARD_PAGE (self));
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autoptr(GPtrArray) commands = NULL;
  g_autofree char *text = NULL;
  GtkWidget *dialog, *label;

  if (deployment == NULL || self->commit_task == NULL)
    return;
  commands = td_git_commit_commands (self->commit_task, td_deployment_get_project_dir (deployment));
  if (commands == NULL)
    {
      row_set_subtitle (task_row (self, self->commit_task), _("None of the files to commit exists yet."));
      return;
    }
  text = td_git_commit_describe (commands);
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, _("Commit These Files?"),
                                   _("Todo Deploy will run exactly these commands in the project folder:"));
  label = gtk_label_new (text);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_widget_add_css_class (label, "monospace");
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), label);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "commit", _("C_ommit"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "commit", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "commands", g_steal_pointer (&commands), (GDestroyNotify) g_ptr_array_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_commit_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Each gate row can send the user to the phase whose tasks fix what failed. */
static gboolean
gate_has_check (TdPhase *phase, const char *kind)
{
  TdGate *gate = td_phase_get_gate (phase);

  for (guint i = 0; i < td_gate_get_n_checks (gate); i++)
    if (g_strcmp0 (td_gate_get_check_kind (gate, i), kind) == 0)
      return TRUE;
  return FALSE;
}

/* The phase that probes the frontend (url-responds) offers to open the chatbot, and so does the
 * final one, whose gate checks the audit log's completeness: the address found is kept by the
 * deployment, so it is still there. */
static gboolean
phase_reaches_frontend (TdPhase *phase)
{
  return gate_has_check (phase, "url-responds") || gate_has_check (phase, "audit-entries");
}

static void
add_chatbot_group (TdPhasePage *self)
{
  GtkWidget *box = gtk_widget_get_parent (GTK_WIDGET (self->gate_group));
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Open Todo Chatbot"));

  self->chatbot_group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->chatbot_group), _("Todo Chatbot"));
  self->chatbot_row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->chatbot_row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->chatbot_row), _("Address"));
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_widget_add_css_class (button, "pill");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "phase.open-chatbot");
  adw_action_row_add_suffix (ADW_ACTION_ROW (self->chatbot_row), button);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->chatbot_group), self->chatbot_row);
  gtk_widget_set_visible (self->chatbot_group, FALSE);
  gtk_box_insert_child_after (GTK_BOX (box), self->chatbot_group, GTK_WIDGET (self->gate_group));
}

/* Shows the URL the url-responds check found (kept by the deployment, so Finish sees it too). */
static void
update_chatbot (TdPhasePage *self)
{
  TdDeployment *deployment = td_wizard_page_get_deployment (TD_WIZARD_PAGE (self));
  const char *url = deployment ? td_frontend_url_get_last (deployment) : NULL;

  if (self->chatbot_group == NULL)
    return;
  TdProcess *tunnel = deployment ? td_frontend_url_get_tunnel (deployment) : NULL;
  g_autofree char *subtitle = NULL;

  g_free (self->chatbot_url);
  self->chatbot_url = g_strdup (url);
  gtk_widget_set_visible (self->chatbot_group, url != NULL);
  /* Where minikube needs a tunnel, the URL works only while its process runs: say so. */
  if (url != NULL && tunnel != NULL)
    {
      subtitle = g_strdup_printf (td_process_get_running (tunnel)
                                    ? _("%s\nKept open by “minikube service todo-frontend --url”, running; Todo Deploy stops it when it closes.")
                                    : _("%s\nThe “minikube service” tunnel has ended: check the gate again to reopen it."),
                                  url);
      g_signal_handlers_disconnect_by_func (tunnel, update_chatbot, self);
      g_signal_connect_object (tunnel, "notify::running", G_CALLBACK (update_chatbot), self, G_CONNECT_SWAPPED);
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->chatbot_row), subtitle ? subtitle : url ? url : "");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "phase.open-chatbot", url != NULL);
}

static void
open_chatbot_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TdPhasePage *self = TD_PHASE_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->chatbot_url == NULL)
    return;
  /* Inside Flatpak the OpenURI portal opens the browser. */
  gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->chatbot_url, GDK_CURRENT_TIME);
}

static gboolean
phase_watches_pods (TdPhase *phase)
{
  GListModel *tasks = td_phase_get_tasks (phase);

  for (guint i = 0; i < g_list_model_get_n_items (tasks); i++)
    {
      g_autoptr(TdTask) task = g_list_model_get_item (tasks, i);
      if (td_task_get_kind (task) == TD_TASK_KIND_WATCH)
        return TRUE;
    }
  return FALSE;
}

/* The live table goes between the tasks and the gate, where the user waits for the pods. */
static void
add_pod_table (TdPhasePage *self)
{
  GtkWidget *box = gtk_widget_get_parent (GTK_WIDGET (self->tasks_group));
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Pods"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Live from the cluster's API, as kubectl get pods prints them."));
  self->pod_table = TD_POD_TABLE (td_pod_table_new ());
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->pod_table));
  gtk_box_insert_child_after (GTK_BOX (box), group, GTK_WIDGET (self->tasks_group));
}

static void
stop_monitor (TdPhasePage *self)
{
  g_cancellable_cancel (self->connect_cancellable);
  g_clear_object (&self->connect_cancellable);
  if (self->monitor != NULL)
    td_pod_monitor_stop (self->monitor);
  if (self->pod_table != NULL)
    td_pod_table_set_monitor (self->pod_table, NULL);
  g_clear_object (&self->monitor);
}

static void
connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TdPhasePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *context_namespace = NULL;
  g_autoptr(TdKubeClient) client = td_deployment_connect_finish (TD_DEPLOYMENT (source), result,
                                                                  &context_namespace, &error);
  TdPlan *plan = td_deployment_get_plan (TD_DEPLOYMENT (source));
  const char *namespace_ = td_yaml_mapping_get_string (td_plan_get_settings (plan), "namespace");
  const char *selector = td_yaml_mapping_get_string (td_plan_get_settings (plan), "pod_selector");

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->pod_table == NULL)
    return;
  if (client == NULL)
    {
      td_pod_table_show_error (self->pod_table, error->message);
      return;
    }
  self->monitor = td_pod_monitor_new (client, namespace_ ? namespace_ : context_namespace, selector);
  td_pod_table_set_monitor (self->pod_table, self->monitor);
  td_pod_monitor_start (self->monitor);
}

static void
start_monitor (TdPhasePage *self)
{
  TdDeployment *deployment = td_wizard_page_get_deployment (TD_WIZARD_PAGE (self));

  if (self->pod_table == NULL || deployment == NULL || self->monitor != NULL || self->connect_cancellable != NULL)
    return;
  self->connect_cancellable = g_cancellable_new ();
  td_deployment_connect_async (deployment, self->connect_cancellable, connected, g_object_ref (self));
}

static void
td_phase_page_shown (TdWizardPage *page)
{
  start_monitor (TD_PHASE_PAGE (page));
  update_chatbot (TD_PHASE_PAGE (page));
}

static void update_buttons (TdPhasePage *self);

/* ---- the Secret's missing keys ------------------------------------------------------------- */

/* Password rows for the keys .env lacks, so the Secret can still be made; shown only then. */
static void
refresh_secret_rows (TdPhasePage *self)
{
  TdDeployment *deployment = td_wizard_page_get_deployment (TD_WIZARD_PAGE (self));
  g_auto(GStrv) missing = NULL;

  if (self->secret_group == NULL)
    return;
  for (guint i = 0; i < self->secret_rows->len; i++)
    adw_preferences_group_remove (self->secret_group, self->secret_rows->pdata[i]);
  g_ptr_array_set_size (self->secret_rows, 0);
  missing = deployment != NULL ? td_secret_task_missing_keys (deployment, self->secret_task) : NULL;
  for (guint i = 0; missing != NULL && missing[i] != NULL; i++)
    {
      GtkWidget *row = adw_password_entry_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), missing[i]);
      g_object_set_data_full (G_OBJECT (row), "key", g_strdup (missing[i]), g_free);
      adw_preferences_group_add (self->secret_group, row);
      g_ptr_array_add (self->secret_rows, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->secret_group), self->secret_rows->len > 0);
}

/* Typed values go to the deployment only when the phase runs: registering every keystroke would
 * teach the audit log's redaction fragments of the secret. */
static void
store_typed_secrets (TdPhasePage *self)
{
  TdDeployment *deployment = td_wizard_page_get_deployment (TD_WIZARD_PAGE (self));

  for (guint i = 0; deployment != NULL && i < self->secret_rows->len; i++)
    {
      GtkEditable *row = self->secret_rows->pdata[i];
      td_deployment_set_entered_secret (deployment, g_object_get_data (G_OBJECT (row), "key"),
                                        gtk_editable_get_text (row));
    }
}

static void
add_secret_group (TdPhasePage *self)
{
  GtkWidget *box = gtk_widget_get_parent (GTK_WIDGET (self->tasks_group));
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Secret Values"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("The project's .env has no value for these keys. Type them in here: "
                                           "they go into the Secret through the Kubernetes API and are never "
                                           "written to disk, to a command line or to a log."));
  gtk_widget_set_visible (group, FALSE);
  gtk_box_insert_child_after (GTK_BOX (box), group, GTK_WIDGET (self->tasks_group));
  self->secret_group = ADW_PREFERENCES_GROUP (group);
}

/* ---- a locked Helm release ------------------------------------------------------------------- */

static void
show_lock (TdPhasePage *self, TdHelmRelease *locked)
{
  g_clear_pointer (&self->locked_release, td_helm_release_free);
  self->locked_release = locked;
  if (self->lock_row == NULL)   /* only phases that run helm have one */
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->lock_row), locked != NULL);
  if (locked != NULL)
    adw_action_row_set_subtitle (self->lock_row, locked->explanation);
}

static void
lock_checked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TdPhasePage) self = user_data;
  g_autoptr(GError) error = NULL;
  TdHelmRelease *locked = td_helm_lock_check_finish (TD_DEPLOYMENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  show_lock (self, locked);
}

static void
check_lock (TdPhasePage *self)
{
  TdDeployment *deployment = td_wizard_page_get_deployment (TD_WIZARD_PAGE (self));
  TdPlan *plan;

  if (self->lock_row == NULL || deployment == NULL)
    return;
  plan = td_deployment_get_plan (deployment);
  td_helm_lock_check_async (deployment, td_yaml_mapping_get_string (td_plan_get_settings (plan), "release"),
                            self->cancellable, lock_checked, g_object_ref (self));
}

static void
lock_cleared (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TdPhasePage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!td_helm_lock_clear_finish (TD_DEPLOYMENT (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        adw_action_row_set_subtitle (self->lock_row, error->message);
      return;
    }
  show_lock (self, NULL);
  update_buttons (self);
}

static void
on_clear_lock_response (AdwMessageDialog *dialog, const char *response, TdPhasePage *self)
{
  TdDeployment *deployment = td_wizard_page_get_deployment (TD_WIZARD_PAGE (self));

  if (!g_str_equal (response, "clear") || deployment == NULL || self->locked_release == NULL)
    return;
  td_helm_lock_clear_async (deployment, self->locked_release, self->cancellable, lock_cleared, g_object_ref (self));
}

static void
clear_lock_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TdPhasePage *self = TD_PHASE_PAGE (widget);
  g_autofree char *command = NULL;
  GtkWidget *dialog;

  if (self->locked_release == NULL)
    return;
  command = g_strjoinv (" ", self->locked_release->fix_argv);
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), _("Clear the Helm Lock?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog), _("Todo Deploy will run “%s”. %s"),
                                  command, self->locked_release->explanation);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "clear", _("_Run It"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "clear", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_clear_lock_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_lock_row (TdPhasePage *self)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_with_mnemonic (_("C_lear Lock…"));
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

  gtk_widget_add_css_class (icon, "warning");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "phase.clear-lock");
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("The Helm release is locked"));
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  gtk_widget_set_visible (row, FALSE);
  adw_preferences_group_add (self->tasks_group, row);
  self->lock_row = ADW_ACTION_ROW (row);
}

static void
populate (TdPhasePage *self, TdPhase *phase)
{
  GListModel *tasks = td_phase_get_tasks (phase);
  TdGate *gate = td_phase_get_gate (phase);

  gtk_label_set_label (self->title_label, td_phase_get_seed_title (phase));
  gtk_label_set_label (self->purpose_label, td_phase_get_purpose (phase));
  gtk_widget_set_visible (GTK_WIDGET (self->story_label), td_phase_get_story (phase) != NULL);
  if (td_phase_get_story (phase) != NULL)
    gtk_label_set_label (self->story_label, td_phase_get_story (phase));

  for (guint i = 0; i < g_list_model_get_n_items (tasks); i++)
    {
      g_autoptr(TdTask) task = g_list_model_get_item (tasks, i);
      GtkWidget *row = make_task_row (task);

      g_hash_table_insert (self->task_rows, g_strdup (td_task_get_id (task)), row);
      adw_preferences_group_add (self->tasks_group, row);
      if (g_strcmp0 (td_yaml_mapping_get_string (td_task_get_node (task), "fallback"), "pod-health") == 0 &&
          self->health_task == NULL)
        add_health_button (self, task, row);
      else if (g_strcmp0 (td_yaml_mapping_get_string (td_task_get_node (task), "fallback"), "pod-metrics") == 0 &&
               self->usage_task == NULL)
        {
          add_row_button (self, row, &self->usage_task, task, _("_Measure"), "phase.measure-usage",
                          _("Read the pods' CPU and memory from the metrics API through the stabilisation window"));
          /* Offered when the metrics API turns out to be missing. */
          add_row_button (self, row, NULL, task, _("_Enable metrics-server"), "phase.enable-metrics",
                          _("Run “minikube addons enable metrics-server”"));
        }
      else if (td_task_get_kind (task) == TD_TASK_KIND_MANUAL && td_yaml_mapping_get (td_task_get_node (task), "paths") != NULL &&
               self->commit_task == NULL)
        add_row_button (self, row, &self->commit_task, task, _("_Commit…"), "phase.commit",
                        _("See the exact git commands, then run them if you agree"));
      else if (self->usage_task != NULL && self->upgrade_task == NULL && td_task_get_kind (task) == TD_TASK_KIND_COMMAND)
        add_row_button (self, row, &self->upgrade_task, task, _("_Apply"), "phase.apply-rightsizing",
                        _("Write the recommended values into values.yaml and run helm upgrade"));
      if (g_str_has_prefix (td_task_get_run (task) ? td_task_get_run (task) : "", "minikube start"))
        adw_preferences_group_add (self->tasks_group, make_memory_hint_row ());
      if (td_secret_task_handles (task))
        self->secret_task = g_object_ref (task);
      if (g_str_has_prefix (td_task_get_run (task) ? td_task_get_run (task) : "", "helm upgrade --install"))
        self->helm_task = g_object_ref (task);
    }
  if (self->helm_task != NULL)
    add_lock_row (self);
  if (self->secret_task != NULL)
    add_secret_group (self);

  if (phase_watches_pods (phase))
    add_pod_table (self);

  self->gate = td_gate_rows_new (self->gate_group, gate);
  if (phase_reaches_frontend (phase))
    add_chatbot_group (self);
}

/* ---- running --------------------------------------------------------------------------------- */

static void
update_buttons (TdPhasePage *self)
{
  gboolean busy = self->runner != NULL && td_phase_runner_get_busy (self->runner);
  gboolean can_run = self->runner != NULL && td_phase_runner_can_run_all (self->runner);
  TdPhase *phase = td_wizard_page_get_phase (TD_WIZARD_PAGE (self));
  gboolean waiting = td_phase_get_state (phase) == TD_PHASE_STATE_PENDING;

  gtk_widget_set_visible (GTK_WIDGET (self->run_button), self->runner == NULL || can_run);
  gtk_widget_set_visible (GTK_WIDGET (self->later_label), self->runner != NULL && !can_run);
  gtk_button_set_label (self->run_button, busy ? _("_Cancel") : _("_Run Phase"));
  gtk_widget_remove_css_class (GTK_WIDGET (self->run_button), busy ? "suggested-action" : "destructive-action");
  gtk_widget_add_css_class (GTK_WIDGET (self->run_button), busy ? "destructive-action" : "suggested-action");
  gtk_widget_set_sensitive (GTK_WIDGET (self->run_button), self->runner != NULL && (busy || !waiting));
  gtk_widget_set_sensitive (GTK_WIDGET (self->check_button), self->runner != NULL && !busy);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->run_button),
                               self->runner == NULL ? _("Choose a project folder on the Welcome page first")
                               : waiting ? _("An earlier phase has to pass first")
                               : busy ? _("Stop the program that is running")
                               : _("Run this phase's tasks in order, then check its gate"));
}

static void
on_task_started (TdPhaseRunner *runner, TdTask *task, TdPhasePage *self)
{
  GtkWidget *row = g_hash_table_lookup (self->task_rows, td_task_get_id (task));

  row_set_status (row, TD_CHECK_STATUS_RUNNING);
}

static void
on_task_finished (TdPhaseRunner *runner, TdTask *task, const char *summary, GError *error, TdPhasePage *self)
{
  GtkWidget *row = g_hash_table_lookup (self->task_rows, td_task_get_id (task));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      row_set_status (row, TD_CHECK_STATUS_UNKNOWN);
      row_set_subtitle (row, _("Cancelled."));
      return;
    }
  row_set_status (row, summary != NULL ? TD_CHECK_STATUS_OK : TD_CHECK_STATUS_FAILED);
  row_set_subtitle (row, summary != NULL ? summary : error->message);
  if (task == self->secret_task)
    refresh_secret_rows (self);
  if (task == self->helm_task && summary == NULL)
    check_lock (self);
}

static void
on_gate_checked (TdPhaseRunner *runner, GPtrArray *results, gboolean passed, TdPhasePage *self)
{
  TdDeployment *deployment = td_wizard_page_get_deployment (TD_WIZARD_PAGE (self));

  td_gate_rows_show_results (self->gate, results, deployment ? td_deployment_get_plan (deployment) : NULL);
  if (!passed)
    check_lock (self);
  update_chatbot (self);
}

static void
reset_gate_rows (TdPhasePage *self, TdCheckStatus status)
{
  if (self->gate != NULL)
    td_gate_rows_reset (self->gate, status);
}

static void
reset_task_rows (TdPhasePage *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->task_rows);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      row_set_status (value, TD_CHECK_STATUS_UNKNOWN);
      row_set_subtitle (value, g_object_get_data (G_OBJECT (value), "action"));
    }
}

static void
run_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TdPhasePage) self = user_data;
  g_autoptr(GError) error = NULL;

  td_phase_runner_run_finish (TD_PHASE_RUNNER (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    reset_gate_rows (self, TD_CHECK_STATUS_UNKNOWN);
  update_buttons (self);
}

static void
check_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TdPhasePage) self = user_data;
  g_autoptr(GError) error = NULL;

  td_phase_runner_check_gate_finish (TD_PHASE_RUNNER (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    reset_gate_rows (self, TD_CHECK_STATUS_UNKNOWN);
  update_buttons (self);
}

static void
run_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TdPhasePage *self = TD_PHASE_PAGE (widget);

  if (self->runner == NULL)
    return;
  if (td_phase_runner_get_busy (self->runner))
    {
      g_cancellable_cancel (self->cancellable);
      return;
    }
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  reset_task_rows (self);
  reset_gate_rows (self, TD_CHECK_STATUS_UNKNOWN);
  store_typed_secrets (self);
  show_lock (self, NULL);
  td_phase_runner_run_async (self->runner, self->cancellable, run_done, g_object_ref (self));
  update_buttons (self);
}

static void
check_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TdPhasePage *self = TD_PHASE_PAGE (widget);

  if (self->runner == NULL || td_phase_runner_get_busy (self->runner))
    return;
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  reset_gate_rows (self, TD_CHECK_STATUS_RUNNING);
  td_phase_runner_check_gate_async (self->runner, self->cancellable, check_done, g_object_ref (self));
  update_buttons (self);
}

static void
on_deployment_changed (TdPhasePage *self)
{
  TdDeployment *deployment = td_wizard_page_get_deployment (TD_WIZARD_PAGE (self));
  TdPhase *phase = td_wizard_page_get_phase (TD_WIZARD_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  /* Work for the old project ends; new work gets a fresh cancellable. */
  g_cancellable_cancel (self->analysis_cancellable);
  g_clear_object (&self->analysis_cancellable);
  stop_monitor (self);
  if (self->runner != NULL)
    g_signal_handlers_disconnect_by_data (self->runner, self);
  g_clear_object (&self->runner);
  reset_task_rows (self);
  update_chatbot (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "phase.analyse-health", deployment != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "phase.measure-usage", deployment != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "phase.enable-metrics", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "phase.apply-rightsizing", FALSE);
  g_clear_pointer (&self->recommendations, g_ptr_array_unref);
  reset_gate_rows (self, TD_CHECK_STATUS_UNKNOWN);
  if (deployment != NULL)
    {
      self->runner = td_phase_runner_new (deployment, phase);
      g_signal_connect (self->runner, "task-started", G_CALLBACK (on_task_started), self);
      g_signal_connect (self->runner, "task-finished", G_CALLBACK (on_task_finished), self);
      g_signal_connect (self->runner, "gate-checked", G_CALLBACK (on_gate_checked), self);
      g_signal_connect_swapped (self->runner, "notify::busy", G_CALLBACK (update_buttons), self);
    }
  if (self->lock_row != NULL)
    show_lock (self, NULL);
  refresh_secret_rows (self);
  update_buttons (self);
}

static void
on_phase_state_changed (TdPhasePage *self)
{
  TdPhase *phase = td_wizard_page_get_phase (TD_WIZARD_PAGE (self));

  td_wizard_page_set_complete (TD_WIZARD_PAGE (self),
                               td_phase_get_state (phase) == TD_PHASE_STATE_PASSED ||
                               td_phase_get_state (phase) == TD_PHASE_STATE_SKIPPED);
  update_buttons (self);
}

/* ---- GObject ---------------------------------------------------------------------------------- */

static void
td_phase_page_constructed (GObject *object)
{
  TdPhasePage *self = TD_PHASE_PAGE (object);
  TdPhase *phase = td_wizard_page_get_phase (TD_WIZARD_PAGE (self));

  G_OBJECT_CLASS (td_phase_page_parent_class)->constructed (object);

  td_wizard_page_set_title (TD_WIZARD_PAGE (self), td_phase_get_title (phase));
  populate (self, phase);
  g_signal_connect_object (phase, "notify::state", G_CALLBACK (on_phase_state_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect (self, "notify::deployment", G_CALLBACK (on_deployment_changed), NULL);
  on_phase_state_changed (self);
}

static void
td_phase_page_dispose (GObject *object)
{
  TdPhasePage *self = TD_PHASE_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->analysis_cancellable);
  g_clear_object (&self->analysis_cancellable);
  g_clear_object (&self->preflight);
  g_clear_pointer (&self->chatbot_url, g_free);
  g_clear_pointer (&self->recommendations, g_ptr_array_unref);
  g_clear_pointer (&self->samples, td_usage_samples_free);
  stop_monitor (self);
  self->pod_table = NULL;
  if (self->runner != NULL)
    g_signal_handlers_disconnect_by_data (self->runner, self);
  g_clear_object (&self->runner);
  g_clear_pointer (&self->task_rows, g_hash_table_unref);
  g_clear_object (&self->gate);
  g_clear_pointer (&self->secret_rows, g_ptr_array_unref);
  g_clear_pointer (&self->locked_release, td_helm_release_free);
  g_clear_object (&self->secret_task);
  g_clear_object (&self->helm_task);
  G_OBJECT_CLASS (td_phase_page_parent_class)->dispose (object);
}

static void
td_phase_page_class_init (TdPhasePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = td_phase_page_constructed;
  object_class->dispose = td_phase_page_dispose;
  TD_WIZARD_PAGE_CLASS (klass)->shown = td_phase_page_shown;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/tododeploy/TodoDeploy/td-phase-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TdPhasePage, story_label);
  gtk_widget_class_bind_template_child (widget_class, TdPhasePage, title_label);
  gtk_widget_class_bind_template_child (widget_class, TdPhasePage, purpose_label);
  gtk_widget_class_bind_template_child (widget_class, TdPhasePage, tasks_group);
  gtk_widget_class_bind_template_child (widget_class, TdPhasePage, gate_group);
  gtk_widget_class_bind_template_child (widget_class, TdPhasePage, run_button);
  gtk_widget_class_bind_template_child (widget_class, TdPhasePage, check_button);
  gtk_widget_class_bind_template_child (widget_class, TdPhasePage, later_label);
  gtk_widget_class_install_action (widget_class, "phase.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "phase.check-gate", NULL, check_action);
  gtk_widget_class_install_action (widget_class, "phase.clear-lock", NULL, clear_lock_action);
  gtk_widget_class_install_action (widget_class, "phase.analyse-health", NULL, analyse_health_action);
  gtk_widget_class_install_action (widget_class, "phase.open-chatbot", NULL, open_chatbot_action);
  gtk_widget_class_install_action (widget_class, "phase.measure-usage", NULL, measure_usage_action);
  gtk_widget_class_install_action (widget_class, "phase.enable-metrics", NULL, enable_metrics_action);
  gtk_widget_class_install_action (widget_class, "phase.apply-rightsizing", NULL, apply_rightsizing_action);
  gtk_widget_class_install_action (widget_class, "phase.commit", NULL, commit_action);
}

static void
td_phase_page_init (TdPhasePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->task_rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->secret_rows = g_ptr_array_new ();
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "phase.analyse-health", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "phase.open-chatbot", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "phase.measure-usage", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "phase.enable-metrics", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "phase.apply-rightsizing", FALSE);
}

GtkWidget *
td_phase_page_new (TdPhase *phase)
{
  return g_object_new (TD_TYPE_PHASE_PAGE, "phase", phase, NULL);
}

void
td_phase_page_set_preflight (TdPhasePage *self, TdPreflight *preflight)
{
  g_return_if_fail (TD_IS_PHASE_PAGE (self));
  g_set_object (&self->preflight, preflight);
}

const char *
td_phase_page_get_chatbot_url (TdPhasePage *self)
{
  g_return_val_if_fail (TD_IS_PHASE_PAGE (self), NULL);
  return self->chatbot_url;
}
