/* td-task-rows.h: a phase's tasks in a preferences group: one row per task with its seed ID, what
 * it runs (or the agent's exact prompt, folded) and its status in front. The parts of a page that
 * carry out a task themselves (Analyse, Measure, Commit…) put their button on its row and their
 * outcome in it. */
#pragma once

#include <adwaita.h>

#include "td-check-result.h"
#include "td-phase.h"

G_BEGIN_DECLS

#define TD_TYPE_TASK_ROWS (td_task_rows_get_type ())
G_DECLARE_FINAL_TYPE (TdTaskRows, td_task_rows, TD, TASK_ROWS, GObject)

/* Fills @group (which the page owns) with a row per task of @phase. */
TdTaskRows *td_task_rows_new        (AdwPreferencesGroup *group,
                                     TdPhase             *phase);
/* Every row back to what its task runs, with no status. */
void        td_task_rows_reset      (TdTaskRows          *self);
/* The icon in front of @task's row; nothing happens for a NULL @task (a phase without it). */
void        td_task_rows_set_status (TdTaskRows          *self,
                                     TdTask              *task,
                                     TdCheckStatus        status);
/* The line under @task's row's title (plain text). */
void        td_task_rows_set_text   (TdTaskRows          *self,
                                     TdTask              *task,
                                     const char          *text);
/* Both at once: how @task ended. */
void        td_task_rows_show       (TdTaskRows          *self,
                                     TdTask              *task,
                                     TdCheckStatus        status,
                                     const char          *text);
/* A button at the end of @task's row that activates @action_name ("phase.commit"). */
void        td_task_rows_add_button (TdTaskRows          *self,
                                     TdTask              *task,
                                     const char          *mnemonic,
                                     const char          *action_name,
                                     const char          *tooltip);

G_END_DECLS
