/* td-health-analyser.c */
#define G_LOG_DOMAIN "td-health-analyser"

#include <glib/gi18n.h>

#include "td-health-analysis.h"
#include "td-health-analyser.h"
#include "td-pod.h"

struct _TdHealthAnalyser
{
  GObject         parent_instance;

  TdWizardPage   *page;         /* owns the analyser */
  TdTaskRows     *rows;
  TdTask         *task;
  TdTask         *audit_task;
  TdPodsGroup    *pods;
  GSimpleAction  *action;       /* phase.analyse-health, owned by the page */
  GCancellable   *cancellable;
};

G_DEFINE_FINAL_TYPE (TdHealthAnalyser, td_health_analyser, G_TYPE_OBJECT)

static void
health_analysed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TdHealthAnalyser) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TdHealthReport) report = td_health_analysis_run_finish (result, &error);
  g_autofree char *text = NULL;
  g_autofree char *audit_text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_simple_action_set_enabled (self->action, TRUE);
  if (report == NULL)
    {
      td_task_rows_show (self->rows, self->task, TD_CHECK_STATUS_FAILED, error->message);
      return;
    }
  /* The built-in analysis is labelled as such, with the reason kagent's answer was not used. */
  if (report->builtin)
    text = g_strdup_printf (_("Built-in analysis (%s):\n%s"),
                            report->kagent_error ? report->kagent_error : _("kagent is not installed"), report->text);
  else
    text = g_strdup_printf (_("kagent:\n%s"), report->text);
  td_task_rows_show (self->rows, self->task, TD_CHECK_STATUS_OK, text);
  audit_text = g_strdup_printf (_("Appended a [%s] line to %s."), report->tag,
                                td_audit_log_get_file_name (td_deployment_get_audit_log (td_wizard_page_get_deployment (self->page))));
  td_task_rows_show (self->rows, self->audit_task, TD_CHECK_STATUS_OK, audit_text);
}

static void
analyse_activated (TdHealthAnalyser *self)
{
  TdDeployment *deployment = td_wizard_page_get_deployment (self->page);
  TdPodMonitor *monitor = self->pods ? td_pods_group_get_monitor (self->pods) : NULL;
  g_autoptr(GListStore) no_pods = NULL;

  if (deployment == NULL)
    return;
  if (monitor == NULL)
    no_pods = g_list_store_new (TD_TYPE_POD);
  if (self->cancellable == NULL)
    self->cancellable = g_cancellable_new ();
  td_task_rows_set_status (self->rows, self->task, TD_CHECK_STATUS_RUNNING);
  g_simple_action_set_enabled (self->action, FALSE);
  td_health_analysis_run_async (deployment, self->task, self->audit_task,
                                td_kagent_is_installed (td_wizard_page_get_preflight (self->page)),
                                monitor ? G_LIST_MODEL (monitor) : G_LIST_MODEL (no_pods),
                                self->cancellable, health_analysed, g_object_ref (self));
}

/* An analysis under way ends with the project or the page: its answer would have nowhere to go. */
static void
cancel_work (TdHealthAnalyser *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
}

static void
on_deployment_changed (TdHealthAnalyser *self)
{
  cancel_work (self);
  g_simple_action_set_enabled (self->action, td_wizard_page_get_deployment (self->page) != NULL);
}

static void
td_health_analyser_dispose (GObject *object)
{
  TdHealthAnalyser *self = TD_HEALTH_ANALYSER (object);

  cancel_work (self);
  g_clear_object (&self->rows);
  g_clear_object (&self->task);
  g_clear_object (&self->audit_task);
  G_OBJECT_CLASS (td_health_analyser_parent_class)->dispose (object);
}

static void
td_health_analyser_class_init (TdHealthAnalyserClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = td_health_analyser_dispose;
}

static void
td_health_analyser_init (TdHealthAnalyser *self)
{
}

TdHealthAnalyser *
td_health_analyser_new (TdWizardPage *page, TdTaskRows *rows, TdTask *task, TdTask *audit_task, TdPodsGroup *pods)
{
  TdHealthAnalyser *self = g_object_new (TD_TYPE_HEALTH_ANALYSER, NULL);

  self->page = page;
  self->rows = g_object_ref (rows);
  self->task = g_object_ref (task);
  self->audit_task = audit_task ? g_object_ref (audit_task) : NULL;
  self->pods = pods;
  self->action = td_wizard_page_add_action (page, "phase.analyse-health", G_CALLBACK (analyse_activated), self);
  td_task_rows_add_button (rows, task, _("_Analyse"), "phase.analyse-health",
                           _("Ask kagent how healthy the pods are; without kagent, Todo Deploy analyses them itself"));
  g_signal_connect_object (page, "notify::deployment", G_CALLBACK (on_deployment_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (page, "destroy", G_CALLBACK (cancel_work), self, G_CONNECT_SWAPPED);
  return self;
}
