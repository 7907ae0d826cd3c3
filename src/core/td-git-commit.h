/* td-git-commit.h: T037, committing the deployment's files: the exact `git add …` and
 * `git commit -m …` commands, shown first and run only when the user confirms. */
#pragma once

#include <gio/gio.h>

#include "td-deployment.h"

G_BEGIN_DECLS

#define TD_GIT_COMMIT_MESSAGE "Phase IV: Dockerfiles, Helm chart and agent audit log for the Todo Chatbot on Minikube"

/* The argv of each command for @task's `paths` (those that exist in @project_dir; NULL when none
 * does): git add -- PATH…, then git commit -m MESSAGE. */
GPtrArray *td_git_commit_commands   (TdTask              *task,
                                     const char          *project_dir);
/* The commands as a user would type them, one per line, quoted for a POSIX shell. */
char      *td_git_commit_describe   (GPtrArray           *commands);

/* Runs @commands in order in the project, stopping at the first that fails (its stderr in the
 * error). @task_id labels their output in the log ("T037"). */
void       td_git_commit_run_async  (TdDeployment        *deployment,
                                     const char          *task_id,
                                     GPtrArray           *commands,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
gboolean   td_git_commit_run_finish (GAsyncResult        *result,
                                     GError             **error);

G_END_DECLS
