/* td-phase-page.c: a phase's tasks with their seed IDs and what each runs; Run carries them out in
 * order and then checks the gate; the gate's checks show what holds and what to do when not.
 * What a phase needs beyond that lives in its own class, added when the plan's tasks ask for it:
 * the Secret's missing values and the Helm lock (Helm Deploy), the live pods, the health analysis
 * and right-sizing (Verify), the commit (Finish), the chatbot's address (Verify and Finish). */
#define G_LOG_DOMAIN "td-phase-page"

#include <glib/gi18n.h>

#include "td-chatbot-group.h"
#include "td-committer.h"
#include "td-gate-rows.h"
#include "td-health-analyser.h"
#include "td-helm-lock-row.h"
#include "td-phase-page.h"
#include "td-phase-runner.h"
#include "td-pods-group.h"
#include "td-rightsizing-group.h"
#include "td-secret-group.h"
#include "td-secret-task.h"
#include "td-task-executor.h"
#include "td-task-rows.h"

struct _TdPhasePage
{
  TdWizardPage          parent_instance;

  TdPhaseRunner        *runner;
  GCancellable         *cancellable;
  TdTaskRows           *tasks;
  TdGateRows           *gate;

  /* The extras, each NULL on a phase that does not ask for it. Tasks are owned by the phase. */
  TdTask               *secret_task;     /* creates the Secret (Helm Deploy) */
  TdSecretGroup        *secret_group;
  TdTask               *helm_task;       /* runs `helm upgrade --install` */
  TdHelmLockRow        *lock_row;
  TdPodsGroup          *pods_group;      /* phases with a watch task (Verify) */
  TdHealthAnalyser     *health_analyser;
  TdCommitter          *committer;
  TdChatbotGroup       *chatbot_group;

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

/* ---- what the plan asks for -------------------------------------------------------------------- */

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


/* ---- building the page ----------------------------------------------------------------------- */

/* Groups of the page's own go between the tasks and the gate, where the user waits: the last one
 * added comes first. */
static void
add_group_after_tasks (TdPhasePage *self, GtkWidget *group)
{
  GtkWidget *box = gtk_widget_get_parent (GTK_WIDGET (self->tasks_group));

  gtk_box_insert_child_after (GTK_BOX (box), group, GTK_WIDGET (self->tasks_group));
}

static void
populate (TdPhasePage *self, TdPhase *phase)
{
  TdWizardPage *page = TD_WIZARD_PAGE (self);
  GListModel *tasks = td_phase_get_tasks (phase);
  TdTask *health_task = td_task_list_find_role (tasks, TD_TASK_ROLE_ANALYSE_HEALTH);
  TdTask *usage_task = td_task_list_find_role (tasks, TD_TASK_ROLE_MEASURE);
  TdTask *upgrade_task = td_task_list_find_role (tasks, TD_TASK_ROLE_HELM_UPGRADE);
  TdTask *commit_task = td_task_list_find_action (tasks, TD_TASK_ACTION_COMMIT);

  gtk_label_set_label (self->title_label, td_phase_get_seed_title (phase));
  gtk_label_set_label (self->purpose_label, td_phase_get_purpose (phase));
  gtk_widget_set_visible (GTK_WIDGET (self->story_label), td_phase_get_story (phase) != NULL);
  if (td_phase_get_story (phase) != NULL)
    gtk_label_set_label (self->story_label, td_phase_get_story (phase));
  self->tasks = td_task_rows_new (self->tasks_group, phase);

  /* Which task gets which extra: the plan names them by role (the commit by its action). */
  self->helm_task = td_task_list_find_role (tasks, TD_TASK_ROLE_HELM_INSTALL);
  for (guint i = 0; i < g_list_model_get_n_items (tasks); i++)
    {
      g_autoptr(TdTask) task = g_list_model_get_item (tasks, i);

      if (td_secret_task_handles (task))
        self->secret_task = task;
    }

  if (self->helm_task != NULL)
    {
      self->lock_row = TD_HELM_LOCK_ROW (td_helm_lock_row_new (page));
      adw_preferences_group_add (self->tasks_group, GTK_WIDGET (self->lock_row));
    }
  if (self->secret_task != NULL)
    {
      self->secret_group = TD_SECRET_GROUP (td_secret_group_new (self->secret_task));
      add_group_after_tasks (self, GTK_WIDGET (self->secret_group));
    }
  if (phase_watches_pods (phase))
    {
      self->pods_group = TD_PODS_GROUP (td_pods_group_new (page));
      add_group_after_tasks (self, GTK_WIDGET (self->pods_group));
    }
  if (health_task != NULL)
    self->health_analyser = td_health_analyser_new (page, self->tasks, health_task,
                                                    audit_task_about (phase, health_task), self->pods_group);
  if (usage_task != NULL)
    add_group_after_tasks (self, td_rightsizing_group_new (page, self->tasks, usage_task, upgrade_task,
                                                           audit_task_about (phase, usage_task)));
  if (commit_task != NULL)
    self->committer = td_committer_new (page, self->tasks, commit_task);

  self->gate = td_gate_rows_new (self->gate_group, td_phase_get_gate (phase));
  if (phase_reaches_frontend (phase))
    {
      GtkWidget *box = gtk_widget_get_parent (GTK_WIDGET (self->gate_group));

      self->chatbot_group = TD_CHATBOT_GROUP (td_chatbot_group_new (page));
      gtk_box_insert_child_after (GTK_BOX (box), GTK_WIDGET (self->chatbot_group), GTK_WIDGET (self->gate_group));
    }
}

static void
td_phase_page_shown (TdWizardPage *page)
{
  TdPhasePage *self = TD_PHASE_PAGE (page);

  if (self->pods_group != NULL)
    td_pods_group_start (self->pods_group);
  if (self->chatbot_group != NULL)
    td_chatbot_group_update (self->chatbot_group);
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
  td_task_rows_set_status (self->tasks, task, TD_CHECK_STATUS_RUNNING);
}

static void
on_task_finished (TdPhaseRunner *runner, TdTask *task, const char *summary, GError *error, TdPhasePage *self)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      td_task_rows_show (self->tasks, task, TD_CHECK_STATUS_UNKNOWN, _("Cancelled."));
      return;
    }
  td_task_rows_show (self->tasks, task, summary != NULL ? TD_CHECK_STATUS_OK : TD_CHECK_STATUS_FAILED,
                     summary != NULL ? summary : error->message);
  /* The Secret may have used typed values: the keys still missing are fewer. */
  if (task == self->secret_task)
    td_secret_group_refresh (self->secret_group, td_wizard_page_get_deployment (TD_WIZARD_PAGE (self)));
  if (task == self->helm_task && summary == NULL)
    td_helm_lock_row_check (self->lock_row);
}

/* A check or watch task nothing runs (T034: the audit log is complete; T027: the pods become
 * ready) is what the gate verifies: its row says so with the gate's outcome, instead of staying as
 * if it had not been done. */
static void
show_tasks_done_by_gate (TdPhasePage *self, gboolean passed)
{
  GListModel *tasks = td_phase_get_tasks (td_wizard_page_get_phase (TD_WIZARD_PAGE (self)));

  for (guint i = 0; i < g_list_model_get_n_items (tasks); i++)
    {
      g_autoptr(TdTask) task = g_list_model_get_item (tasks, i);
      TdTaskKind kind = td_task_get_kind (task);
      const char *text;

      if ((kind != TD_TASK_KIND_CHECK && kind != TD_TASK_KIND_WATCH) || td_task_executor_can_run (task))
        continue;
      if (kind == TD_TASK_KIND_CHECK)
        text = passed ? _("Checked by the gate below: it passed.") : _("Checked by the gate below: see what it found.");
      else
        text = passed ? _("Watched by the gate below: it passed.") : _("Watched by the gate below: see what it found.");
      td_task_rows_show (self->tasks, task, passed ? TD_CHECK_STATUS_OK : TD_CHECK_STATUS_FAILED, text);
    }
}

static void
on_gate_checked (TdPhaseRunner *runner, GPtrArray *results, gboolean passed, TdPhasePage *self)
{
  TdDeployment *deployment = td_wizard_page_get_deployment (TD_WIZARD_PAGE (self));

  td_gate_rows_show_results (self->gate, results, deployment ? td_deployment_get_plan (deployment) : NULL);
  show_tasks_done_by_gate (self, passed);
  if (!passed && self->lock_row != NULL)
    td_helm_lock_row_check (self->lock_row);
  if (self->chatbot_group != NULL)
    td_chatbot_group_update (self->chatbot_group);
}

static void
reset_gate_rows (TdPhasePage *self, TdCheckStatus status)
{
  if (self->gate != NULL)
    td_gate_rows_reset (self->gate, status);
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
  td_task_rows_reset (self->tasks);
  reset_gate_rows (self, TD_CHECK_STATUS_UNKNOWN);
  if (self->secret_group != NULL)
    td_secret_group_store (self->secret_group, td_wizard_page_get_deployment (TD_WIZARD_PAGE (self)));
  if (self->lock_row != NULL)
    td_helm_lock_row_reset (self->lock_row);
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

  /* The extras with work of their own follow the deployment themselves; the Secret's rows are
   * redrawn below from the new project's .env. */
  g_cancellable_cancel (self->cancellable);
  if (self->runner != NULL)
    g_signal_handlers_disconnect_by_data (self->runner, self);
  g_clear_object (&self->runner);
  td_task_rows_reset (self->tasks);
  reset_gate_rows (self, TD_CHECK_STATUS_UNKNOWN);
  if (deployment != NULL)
    {
      self->runner = td_phase_runner_new (deployment, phase);
      g_signal_connect (self->runner, "task-started", G_CALLBACK (on_task_started), self);
      g_signal_connect (self->runner, "task-finished", G_CALLBACK (on_task_finished), self);
      g_signal_connect (self->runner, "gate-checked", G_CALLBACK (on_gate_checked), self);
      g_signal_connect_swapped (self->runner, "notify::busy", G_CALLBACK (update_buttons), self);
    }
  if (self->secret_group != NULL)
    td_secret_group_refresh (self->secret_group, deployment);
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
  if (self->runner != NULL)
    g_signal_handlers_disconnect_by_data (self->runner, self);
  g_clear_object (&self->runner);
  /* The extras that are not widgets go first: they point at the pods group. */
  g_clear_object (&self->health_analyser);
  g_clear_object (&self->committer);
  g_clear_object (&self->tasks);
  g_clear_object (&self->gate);
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
}

static void
td_phase_page_init (TdPhasePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
td_phase_page_new (TdPhase *phase)
{
  return g_object_new (TD_TYPE_PHASE_PAGE, "phase", phase, NULL);
}

const char *
td_phase_page_get_chatbot_url (TdPhasePage *self)
{
  g_return_val_if_fail (TD_IS_PHASE_PAGE (self), NULL);
  return self->chatbot_group != NULL ? td_chatbot_group_get_url (self->chatbot_group) : NULL;
}
