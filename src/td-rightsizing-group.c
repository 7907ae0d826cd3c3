/* td-rightsizing-group.c */
#define G_LOG_DOMAIN "td-rightsizing-group"

#include <glib/gi18n.h>

#include "td-error.h"
#include "td-kagent.h"
#include "td-quantity.h"
#include "td-rightsizing.h"
#include "td-rightsizing-group.h"

struct _TdRightsizingGroup
{
  AdwPreferencesGroup  parent_instance;

  TdWizardPage        *page;             /* the group's ancestor */
  TdTaskRows          *rows;
  TdTask              *usage_task;       /* T030 */
  TdTask              *upgrade_task;     /* T031 */
  TdTask              *audit_task;       /* T032 */
  GSimpleAction       *measure_action;   /* these three are owned by the page */
  GSimpleAction       *enable_metrics_action;
  GSimpleAction       *apply_action;
  GCancellable        *cancellable;      /* measuring, enabling metrics-server, applying */
  GCancellable        *advice_cancellable;  /* asking kagent, for one measurement */
  TdUsageSamples      *samples;
  GPtrArray           *recommendations;  /* of TdRightsizing, NULL before a measurement */
  TdRightsizingAdvice *advice;           /* kagent's, or the note without it; NULL until it comes */
  GPtrArray           *recommendation_rows;
};

G_DEFINE_FINAL_TYPE (TdRightsizingGroup, td_rightsizing_group, ADW_TYPE_PREFERENCES_GROUP)

static GCancellable *
work_cancellable (TdRightsizingGroup *self)
{
  if (self->cancellable == NULL)
    self->cancellable = g_cancellable_new ();
  return self->cancellable;
}

static gint64
wait_seconds (TdRightsizingGroup *self)
{
  gint64 seconds = 120;

  td_yaml_get_int (td_yaml_mapping_get (td_task_get_node (self->usage_task), "wait_seconds"), &seconds);
  return seconds;
}

static GtkWidget *
make_recommendation_row (TdRightsizing *r)
{
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
  return row;
}

static void
show_recommendations (TdRightsizingGroup *self)
{
  for (guint i = 0; i < self->recommendation_rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), self->recommendation_rows->pdata[i]);
  g_ptr_array_set_size (self->recommendation_rows, 0);
  for (guint i = 0; i < self->recommendations->len; i++)
    {
      GtkWidget *row = make_recommendation_row (self->recommendations->pdata[i]);

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
      g_ptr_array_add (self->recommendation_rows, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
}

/* The measurement and kagent's advice run side by side; the row and Apply wait for both. */
/* What T030's row says of the advice: kagent's answer beside the measured figures, or the built-in
 * measurement labelled with why kagent's answer is not there. */
static char *
advice_note (const TdRightsizingAdvice *advice)
{
  if (advice->kagent_answer != NULL)
    return g_strdup_printf (_("kagent:\n%s\n\nApply uses the measured figures below; kagent's advice is "
                              "shown for comparison."), advice->kagent_answer);
  if (advice->kagent_error != NULL)
    return g_strdup_printf (_("Measured by Todo Deploy from the metrics API (kagent's answer was not used: %s)"),
                            advice->kagent_error);
  return g_strdup (_("Measured by Todo Deploy from the metrics API (kagent is not installed)."));
}

static void
show_when_ready (TdRightsizingGroup *self)
{
  g_autofree char *note = NULL;

  if (self->recommendations == NULL || self->recommendations->len == 0)
    return;
  if (self->advice == NULL)
    {
      td_task_rows_show (self->rows, self->usage_task, TD_CHECK_STATUS_RUNNING,
                         _("Measured; waiting for kagent's answer…"));
      return;
    }
  note = advice_note (self->advice);
  td_task_rows_show (self->rows, self->usage_task, TD_CHECK_STATUS_OK, note);
  show_recommendations (self);
  g_simple_action_set_enabled (self->apply_action, TRUE);
}

static void
advised (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TdRightsizingGroup) self = user_data;
  TdRightsizingAdvice *advice = td_rightsizing_advise_finish (result, NULL);

  /* Only cancellation fails it: a new measurement, project or page asks again or not at all. */
  if (advice == NULL)
    return;
  g_clear_pointer (&self->advice, td_rightsizing_advice_free);
  self->advice = advice;
  show_when_ready (self);
}

static void
usage_sampled (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TdRightsizingGroup) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *values_text = NULL;
  TdDeployment *deployment;

  if (!td_usage_sample_finish (result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_simple_action_set_enabled (self->measure_action, TRUE);
      td_task_rows_show (self->rows, self->usage_task, TD_CHECK_STATUS_FAILED, error->message);
      /* Without metrics-server there is nothing to measure: offer to enable it. */
      g_simple_action_set_enabled (self->enable_metrics_action, g_error_matches (error, TD_ERROR, TD_ERROR_NOT_FOUND));
      return;
    }
  g_simple_action_set_enabled (self->measure_action, TRUE);
  deployment = td_wizard_page_get_deployment (self->page);
  if (deployment != NULL && self->upgrade_task != NULL)
    {
      g_autofree char *path = td_deployment_project_path (deployment, td_task_get_artifact (self->upgrade_task));
      g_file_get_contents (path, &values_text, NULL, NULL);
    }
  g_clear_pointer (&self->recommendations, g_ptr_array_unref);
  self->recommendations = td_rightsizing_recommend (self->samples, values_text);
  if (self->recommendations->len == 0)
    {
      td_task_rows_show (self->rows, self->usage_task, TD_CHECK_STATUS_FAILED,
                         _("The metrics API listed none of the Todo Chatbot's pods yet: metrics lag a new pod by up to a minute. Measure again."));
      return;
    }
  show_when_ready (self);
}

static void
usage_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TdRightsizingGroup) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *context_namespace = NULL;
  g_autoptr(TdKubeClient) client = td_deployment_connect_finish (TD_DEPLOYMENT (source), result, &context_namespace, &error);
  TdPlan *plan = td_deployment_get_plan (TD_DEPLOYMENT (source));
  const char *namespace_ = td_yaml_mapping_get_string (td_plan_get_settings (plan), "namespace");
  guint window_ms = (guint) wait_seconds (self) * 1000;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (client == NULL)
    {
      td_task_rows_show (self->rows, self->usage_task, TD_CHECK_STATUS_FAILED, error->message);
      g_simple_action_set_enabled (self->measure_action, TRUE);
      return;
    }
  /* The plan's stabilisation window, read every 15 s (metrics-server scrapes about that often), or
   * at least four times in a shorter window. */
  g_clear_pointer (&self->samples, td_usage_samples_free);
  self->samples = td_usage_samples_new (plan);
  td_usage_sample_async (client, namespace_ ? namespace_ : context_namespace, window_ms, MIN (15000, window_ms / 4 + 1),
                         self->samples, work_cancellable (self), usage_sampled, g_object_ref (self));
}

static void
cancel_advice (TdRightsizingGroup *self)
{
  g_cancellable_cancel (self->advice_cancellable);
  g_clear_object (&self->advice_cancellable);
  g_clear_pointer (&self->advice, td_rightsizing_advice_free);
}

static void
measure_activated (TdRightsizingGroup *self)
{
  TdDeployment *deployment = td_wizard_page_get_deployment (self->page);
  gboolean use_kagent = td_kagent_is_installed (td_wizard_page_get_preflight (self->page));
  g_autofree char *text = NULL;

  if (deployment == NULL)
    return;
  text = g_strdup_printf (use_kagent
                          ? _("Measuring for %u seconds so the numbers are not a start-up spike, and asking kagent…")
                          : _("Measuring for %u seconds so the numbers are not a start-up spike…"),
                          (guint) wait_seconds (self));
  td_task_rows_show (self->rows, self->usage_task, TD_CHECK_STATUS_RUNNING, text);
  g_simple_action_set_enabled (self->measure_action, FALSE);
  g_simple_action_set_enabled (self->apply_action, FALSE);
  g_clear_pointer (&self->recommendations, g_ptr_array_unref);
  cancel_advice (self);
  self->advice_cancellable = g_cancellable_new ();
  td_rightsizing_advise_async (deployment, self->usage_task, use_kagent, self->advice_cancellable, advised,
                               g_object_ref (self));
  td_deployment_connect_async (deployment, work_cancellable (self), usage_connected, g_object_ref (self));
}

static void
metrics_enabled (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TdRightsizingGroup) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = -1;

  if (!td_deployment_capture_finish (TD_DEPLOYMENT (source), result, NULL, &err, &status, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        td_task_rows_set_text (self->rows, self->usage_task, error->message);
      return;
    }
  /* It returns before the metrics pod is ready (reference/tools.md). */
  td_task_rows_set_text (self->rows, self->usage_task,
                         status == 0 ? _("metrics-server is enabled; it needs about a minute before Measure has numbers.")
                                     : g_strstrip (err));
  g_simple_action_set_enabled (self->enable_metrics_action, status != 0);
}

static void
enable_metrics_activated (TdRightsizingGroup *self)
{
  static const char * const argv[] = { "minikube", "addons", "enable", "metrics-server", NULL };
  TdDeployment *deployment = td_wizard_page_get_deployment (self->page);

  if (deployment == NULL)
    return;
  g_simple_action_set_enabled (self->enable_metrics_action, FALSE);
  td_deployment_capture_async (deployment, argv, td_task_get_id (self->usage_task), 5 * 60 * 1000,
                               work_cancellable (self), metrics_enabled, g_object_ref (self));
}

static void
rightsizing_applied (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TdRightsizingGroup) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!td_rightsizing_apply_finish (result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_simple_action_set_enabled (self->apply_action, TRUE);
      td_task_rows_show (self->rows, self->upgrade_task, TD_CHECK_STATUS_FAILED, error->message);
      return;
    }
  g_simple_action_set_enabled (self->apply_action, TRUE);
  td_task_rows_show (self->rows, self->upgrade_task, TD_CHECK_STATUS_OK,
                     _("values.yaml has the new requests and limits; helm upgrade rolled them out."));
  td_task_rows_show (self->rows, self->audit_task, TD_CHECK_STATUS_OK, _("Appended the new limits to the audit log."));
}

static void
apply_activated (TdRightsizingGroup *self)
{
  TdDeployment *deployment = td_wizard_page_get_deployment (self->page);

  if (deployment == NULL || self->recommendations == NULL || self->upgrade_task == NULL)
    return;
  td_task_rows_set_status (self->rows, self->upgrade_task, TD_CHECK_STATUS_RUNNING);
  g_simple_action_set_enabled (self->apply_action, FALSE);
  td_rightsizing_apply_async (deployment, self->recommendations, self->advice ? self->advice->kagent_answer : NULL,
                              self->upgrade_task, self->audit_task,
                              work_cancellable (self), rightsizing_applied, g_object_ref (self));
}

/* Work under way ends with the project or the page: its outcome would have nowhere to go. */
static void
cancel_work (TdRightsizingGroup *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  cancel_advice (self);
}

/* The old project's measurement no longer applies. */
static void
on_deployment_changed (TdRightsizingGroup *self)
{
  cancel_work (self);
  g_simple_action_set_enabled (self->measure_action, td_wizard_page_get_deployment (self->page) != NULL);
  g_simple_action_set_enabled (self->enable_metrics_action, FALSE);
  g_simple_action_set_enabled (self->apply_action, FALSE);
  g_clear_pointer (&self->recommendations, g_ptr_array_unref);
}

static void
td_rightsizing_group_dispose (GObject *object)
{
  TdRightsizingGroup *self = TD_RIGHTSIZING_GROUP (object);

  cancel_work (self);
  g_clear_pointer (&self->recommendations, g_ptr_array_unref);
  g_clear_pointer (&self->recommendation_rows, g_ptr_array_unref);
  g_clear_pointer (&self->samples, td_usage_samples_free);
  g_clear_object (&self->rows);
  g_clear_object (&self->usage_task);
  g_clear_object (&self->upgrade_task);
  g_clear_object (&self->audit_task);
  G_OBJECT_CLASS (td_rightsizing_group_parent_class)->dispose (object);
}

static void
td_rightsizing_group_class_init (TdRightsizingGroupClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = td_rightsizing_group_dispose;
}

static void
td_rightsizing_group_init (TdRightsizingGroup *self)
{
  self->recommendation_rows = g_ptr_array_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), _("Right-sizing"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self), TD_RIGHTSIZING_RULE);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
td_rightsizing_group_new (TdWizardPage *page, TdTaskRows *rows, TdTask *usage_task, TdTask *upgrade_task,
                          TdTask *audit_task)
{
  TdRightsizingGroup *self = g_object_new (TD_TYPE_RIGHTSIZING_GROUP, NULL);

  self->page = page;
  self->rows = g_object_ref (rows);
  self->usage_task = g_object_ref (usage_task);
  self->upgrade_task = upgrade_task ? g_object_ref (upgrade_task) : NULL;
  self->audit_task = audit_task ? g_object_ref (audit_task) : NULL;
  self->measure_action = td_wizard_page_add_action (page, "phase.measure-usage", G_CALLBACK (measure_activated), self);
  self->enable_metrics_action = td_wizard_page_add_action (page, "phase.enable-metrics",
                                                           G_CALLBACK (enable_metrics_activated), self);
  self->apply_action = td_wizard_page_add_action (page, "phase.apply-rightsizing", G_CALLBACK (apply_activated), self);
  td_task_rows_add_button (rows, usage_task, _("_Measure"), "phase.measure-usage",
                           _("Read the pods' CPU and memory from the metrics API through the stabilisation window, "
                             "and ask kagent when it is installed"));
  /* Offered when the metrics API turns out to be missing. */
  td_task_rows_add_button (rows, usage_task, _("_Enable metrics-server"), "phase.enable-metrics",
                           _("Run “minikube addons enable metrics-server”"));
  if (upgrade_task != NULL)
    td_task_rows_add_button (rows, upgrade_task, _("_Apply"), "phase.apply-rightsizing",
                             _("Write the recommended values into values.yaml and run helm upgrade"));
  g_signal_connect_object (page, "notify::deployment", G_CALLBACK (on_deployment_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (page, "destroy", G_CALLBACK (cancel_work), self, G_CONNECT_SWAPPED);
  return GTK_WIDGET (self);
}
