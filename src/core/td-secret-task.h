/* td-secret-task.h: the plan's `api: create: Secret` task (T024). The Secret's values come from the
 * project's .env (only the keys the plan names) or, for keys .env lacks, from what the user typed in
 * (td_deployment_set_entered_secret). It is created through the Kubernetes API: POST, and PUT when
 * it already exists. Values never reach argv, logs or the audit log; messages name keys only. */
#pragma once

#include <gio/gio.h>

#include "td-deployment.h"

G_BEGIN_DECLS

/* TRUE for a task whose `api:` creates a Secret. */
gboolean  td_secret_task_handles      (TdTask              *task);
/* The Secret's keys, in the plan's order. */
GStrv     td_secret_task_get_keys     (TdTask              *task);
/* The keys that neither .env nor the user's entries give, in the plan's order (empty when none).
 * A .env that is missing or unreadable gives nothing. */
GStrv     td_secret_task_missing_keys (TdDeployment        *deployment,
                                       TdTask              *task);
void      td_secret_task_run_async    (TdDeployment        *deployment,
                                       TdTask              *task,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
/* A one-line summary naming the Secret and its keys, or NULL with an error (missing keys are named:
 * TD_ERROR_NOT_FOUND). */
char     *td_secret_task_run_finish   (GAsyncResult        *result,
                                       GError             **error);

G_END_DECLS
