/* td-task-executor.h: carries out one plan task of kind command or manual, and the Secret (an api
 * task, through td-secret-task). Agent tasks (Gordon, kubectl-ai, kagent) and the pod watch have
 * pages of their own; this runs the rest: programs, the Secret and the wizard's own file work. */
#pragma once

#include <gio/gio.h>

#include "td-deployment.h"

G_BEGIN_DECLS

/* TRUE when this executor knows how to run @task. */
gboolean  td_task_executor_can_run      (TdTask              *task);
void      td_task_executor_run_async    (TdDeployment        *deployment,
                                         TdTask              *task,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
/* Returns a one-line summary of what was done ("Created phase-iv-audit.log"), or NULL with an
 * error a newcomer can act on. */
char     *td_task_executor_run_finish   (GAsyncResult        *result,
                                         GError             **error);

/* The program and arguments @task will really run (the plan's command, plus what this computer
 * needs, such as `--memory` for `minikube start`), or NULL for tasks that run no program. */
char    **td_task_executor_build_argv   (TdTask              *task,
                                         GError             **error);

/* T036: @text (the quickstart, may be NULL) with the frontend URL in a block marked for Todo
 * Deploy: replaced when it is there, appended otherwise. */
char     *td_quickstart_set_frontend_url (const char       *text,
                                          const char       *url);

/* Sets top-level `key: value` lines of a YAML file (Chart.yaml), leaving the rest as it was. */
char     *td_yaml_text_set_top_level    (const char          *text,
                                         const TdYamlNode    *values);

G_END_DECLS
