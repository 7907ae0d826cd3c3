/* td-progress.h: which phases of a project have passed, remembered between runs.
 *
 * Stored per project in $XDG_STATE_HOME/todo-deploy/<SHA-256 of the project's path>.json as
 * {"project": PATH, "passed": [ids…]}. Saved progress is a hint, never trusted: resuming re-checks
 * the gates of the saved phases and continues at the first one that does not hold. */
#pragma once

#include <gio/gio.h>

#include "td-deployment.h"

G_BEGIN_DECLS

char    *td_progress_path_for      (const char          *project_dir);
/* The saved phase ids (an empty vector when nothing was saved). */
GStrv    td_progress_load          (const char          *project_dir,
                                    GError             **error);
/* Adds (@passed) or removes @phase_id, writing the file atomically. */
gboolean td_progress_set_passed    (const char          *project_dir,
                                    const char          *phase_id,
                                    gboolean             passed,
                                    GError             **error);

/* Re-checks, in plan order, the gates of the saved phases (waiting checks capped to a few
 * seconds) and stops at the first phase that was not saved or whose gate no longer holds. */
void     td_progress_resume_async  (TdDeployment        *deployment,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
/* The id of the phase to continue at (NULL: every phase holds); @out_holding gets the ids whose
 * gates held. A phase that no longer holds is dropped from the saved progress. */
char    *td_progress_resume_finish (GAsyncResult        *result,
                                    GStrv               *out_holding,
                                    GError             **error);

G_END_DECLS
