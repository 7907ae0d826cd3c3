/* td-phase-runner.h: runs a phase's tasks in order, then checks its gate, and keeps the phase's
 * state (running, passed, failed) in step. Pages show what it reports; tests drive it directly. */
#pragma once

#include <gio/gio.h>

#include "td-deployment.h"

G_BEGIN_DECLS

#define TD_TYPE_PHASE_RUNNER (td_phase_runner_get_type ())
G_DECLARE_FINAL_TYPE (TdPhaseRunner, td_phase_runner, TD, PHASE_RUNNER, GObject)

/* Signals:
 *   task-started  (TdTask *task)
 *   task-finished (TdTask *task, const char *summary, GError *error)  (summary NULL on error)
 *   gate-checked  (GPtrArray *results, gboolean passed)               (of TdCheckResult)
 * Property: busy (gboolean). */

TdPhaseRunner *td_phase_runner_new              (TdDeployment        *deployment,
                                                 TdPhase             *phase);
TdPhase       *td_phase_runner_get_phase        (TdPhaseRunner       *self);
gboolean       td_phase_runner_get_busy         (TdPhaseRunner       *self);
/* TRUE when every task of the phase is one this runner can carry out by itself. */
gboolean       td_phase_runner_can_run_all      (TdPhaseRunner       *self);

/* Runs the tasks the runner can carry out, in order, stopping at the first failure; then checks
 * the gate. Completes TRUE when the gate passed. */
void           td_phase_runner_run_async        (TdPhaseRunner       *self,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean       td_phase_runner_run_finish       (TdPhaseRunner       *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
/* Only checks the gate (the phase may have been done before, or by hand). */
void           td_phase_runner_check_gate_async (TdPhaseRunner       *self,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean       td_phase_runner_check_gate_finish (TdPhaseRunner      *self,
                                                  GAsyncResult       *result,
                                                  GError            **error);

G_END_DECLS
