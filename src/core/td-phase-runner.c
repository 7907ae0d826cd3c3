/* td-phase-runner.c */
#define G_LOG_DOMAIN "td-phase-runner"

#include "td-error.h"
#include "td-gate-evaluator.h"
#include "td-phase-runner.h"
#include "td-task-executor.h"

struct _TdPhaseRunner
{
  GObject       parent_instance;
  TdDeployment *deployment;
  TdPhase      *phase;
  gboolean      busy;
};

G_DEFINE_FINAL_TYPE (TdPhaseRunner, td_phase_runner, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

enum {
  TASK_STARTED,
  TASK_FINISHED,
  GATE_CHECKED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
set_busy (TdPhaseRunner *self, gboolean busy)
{
  if (self->busy == busy)
    return;
  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
td_phase_runner_dispose (GObject *object)
{
  TdPhaseRunner *self = TD_PHASE_RUNNER (object);

  g_clear_object (&self->deployment);
  g_clear_object (&self->phase);
  G_OBJECT_CLASS (td_phase_runner_parent_class)->dispose (object);
}

static void
td_phase_runner_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TdPhaseRunner *self = TD_PHASE_RUNNER (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_phase_runner_class_init (TdPhaseRunnerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = td_phase_runner_dispose;
  object_class->get_property = td_phase_runner_get_property;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[TASK_STARTED] =
    g_signal_new ("task-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, TD_TYPE_TASK);
  signals[TASK_FINISHED] =
    g_signal_new ("task-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, TD_TYPE_TASK, G_TYPE_STRING, G_TYPE_ERROR);
  signals[GATE_CHECKED] =
    g_signal_new ("gate-checked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_PTR_ARRAY, G_TYPE_BOOLEAN);
}

static void
td_phase_runner_init (TdPhaseRunner *self)
{
}

TdPhaseRunner *
td_phase_runner_new (TdDeployment *deployment, TdPhase *phase)
{
  TdPhaseRunner *self = g_object_new (TD_TYPE_PHASE_RUNNER, NULL);

  self->deployment = g_object_ref (deployment);
  self->phase = g_object_ref (phase);
  return self;
}

TdPhase *
td_phase_runner_get_phase (TdPhaseRunner *self)
{
  g_return_val_if_fail (TD_IS_PHASE_RUNNER (self), NULL);
  return self->phase;
}

gboolean
td_phase_runner_get_busy (TdPhaseRunner *self)
{
  g_return_val_if_fail (TD_IS_PHASE_RUNNER (self), FALSE);
  return self->busy;
}

/* Check tasks are what the gate verifies, so they never block running a phase. */
static gboolean
task_is_runnable_or_check (TdTask *task)
{
  return td_task_executor_can_run (task) || td_task_get_kind (task) == TD_TASK_KIND_CHECK;
}

gboolean
td_phase_runner_can_run_all (TdPhaseRunner *self)
{
  GListModel *tasks;

  g_return_val_if_fail (TD_IS_PHASE_RUNNER (self), FALSE);
  tasks = td_phase_get_tasks (self->phase);
  for (guint i = 0; i < g_list_model_get_n_items (tasks); i++)
    {
      g_autoptr(TdTask) task = g_list_model_get_item (tasks, i);
      if (!task_is_runnable_or_check (task))
        return FALSE;
    }
  return TRUE;
}

/* ---- gate ------------------------------------------------------------------------------------ */

static void
gate_evaluated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  TdPhaseRunner *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = NULL;
  gboolean passed = FALSE;

  results = td_gate_evaluate_finish (result, &passed, &error);
  set_busy (self, FALSE);
  if (results == NULL)
    {
      /* Cancelled: the phase is as it was before, not failed. */
      if (td_phase_get_state (self->phase) == TD_PHASE_STATE_RUNNING)
        td_phase_set_state (self->phase, TD_PHASE_STATE_READY);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (passed)
    td_phase_set_state (self->phase, TD_PHASE_STATE_PASSED);
  else if (td_phase_get_state (self->phase) == TD_PHASE_STATE_RUNNING ||
           td_phase_get_state (self->phase) == TD_PHASE_STATE_PASSED)
    td_phase_set_state (self->phase, TD_PHASE_STATE_FAILED);
  /* A phase only checked, never run, that does not pass yet is simply not done: it stays as it was. */
  g_signal_emit (self, signals[GATE_CHECKED], 0, results, passed);
  g_task_return_boolean (task, passed);
}

static void
start_gate (TdPhaseRunner *self, GTask *task)
{
  td_gate_evaluate_async (self->deployment, td_phase_get_gate (self->phase),
                          g_task_get_cancellable (task), gate_evaluated, task);
}

void
td_phase_runner_check_gate_async (TdPhaseRunner *self, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;

  g_return_if_fail (TD_IS_PHASE_RUNNER (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, td_phase_runner_check_gate_async);
  if (self->busy)
    {
      g_task_return_new_error (task, TD_ERROR, TD_ERROR_FAILED, "This phase is already running.");
      g_object_unref (task);
      return;
    }
  set_busy (self, TRUE);
  start_gate (self, task);
}

gboolean
td_phase_runner_check_gate_finish (TdPhaseRunner *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- tasks ---------------------------------------------------------------------------------- */

typedef struct {
  guint next;
} RunData;

static void run_next_task (TdPhaseRunner *self, GTask *task);

static void
task_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  TdPhaseRunner *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  g_autoptr(TdTask) plan_task = g_list_model_get_item (td_phase_get_tasks (self->phase), data->next - 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = td_task_executor_run_finish (result, &error);

  g_signal_emit (self, signals[TASK_FINISHED], 0, plan_task, summary, error);
  if (summary == NULL)
    {
      set_busy (self, FALSE);
      td_phase_set_state (self->phase, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                                         ? TD_PHASE_STATE_READY : TD_PHASE_STATE_FAILED);
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  run_next_task (self, task);
}

static void
run_next_task (TdPhaseRunner *self, GTask *task)
{
  RunData *data = g_task_get_task_data (task);
  GListModel *tasks = td_phase_get_tasks (self->phase);

  while (data->next < g_list_model_get_n_items (tasks))
    {
      g_autoptr(TdTask) plan_task = g_list_model_get_item (tasks, data->next++);

      if (!td_task_executor_can_run (plan_task))
        continue;
      g_signal_emit (self, signals[TASK_STARTED], 0, plan_task);
      td_task_executor_run_async (self->deployment, plan_task, g_task_get_cancellable (task), task_done, task);
      return;
    }
  start_gate (self, task);
}

void
td_phase_runner_run_async (TdPhaseRunner *self, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;

  g_return_if_fail (TD_IS_PHASE_RUNNER (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, td_phase_runner_run_async);
  if (self->busy)
    {
      g_task_return_new_error (task, TD_ERROR, TD_ERROR_FAILED, "This phase is already running.");
      g_object_unref (task);
      return;
    }
  g_task_set_task_data (task, g_new0 (RunData, 1), g_free);
  set_busy (self, TRUE);
  td_phase_set_state (self->phase, TD_PHASE_STATE_RUNNING);
  run_next_task (self, task);
}

gboolean
td_phase_runner_run_finish (TdPhaseRunner *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
