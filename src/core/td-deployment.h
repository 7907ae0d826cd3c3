/* td-deployment.h: one project being deployed: the plan, the project folder, the runner, the audit
 * log, and what earlier phases learned (Minikube's docker-env) that later phases need. */
#pragma once

#include <gio/gio.h>

#include "td-audit-log.h"
#include "td-kube-client.h"
#include "td-plan.h"
#include "td-runner.h"

G_BEGIN_DECLS

#define TD_BUNDLED_RESOURCE_PREFIX "/io/github/tododeploy/TodoDeploy/bundled/"

#define TD_TYPE_DEPLOYMENT (td_deployment_get_type ())
G_DECLARE_FINAL_TYPE (TdDeployment, td_deployment, TD, DEPLOYMENT, GObject)

/* Signals:
 *   process-started (TdProcess *process, const char *task_id): every program the deployment
 *     starts, so a log view can follow it. @task_id may be NULL (a gate check). */

TdDeployment       *td_deployment_new              (TdPlan        *plan,
                                                    TdRunner      *runner,
                                                    const char    *project_dir);
TdPlan             *td_deployment_get_plan         (TdDeployment  *self);
TdRunner           *td_deployment_get_runner       (TdDeployment  *self);
const char         *td_deployment_get_project_dir  (TdDeployment  *self);
TdAuditLog         *td_deployment_get_audit_log    (TdDeployment  *self);
/* An absolute path for @relative inside the project. */
char               *td_deployment_project_path     (TdDeployment  *self,
                                                    const char    *relative);

/* Minikube's Docker daemon, as `minikube docker-env --shell none` printed it ("KEY=value"), or
 * NULL before the Cluster phase ran. Only docker commands get it. */
const char * const *td_deployment_get_docker_env   (TdDeployment  *self);
void                td_deployment_set_docker_env   (TdDeployment  *self,
                                                    const char * const *docker_env);
/* The environment overlay for @program: the docker-env for `docker`, nothing for anything else. */
const char * const *td_deployment_env_for          (TdDeployment  *self,
                                                    const char    *program);

/* Starts @argv in the project folder with the right overlay, and announces it. */
TdProcess          *td_deployment_spawn            (TdDeployment  *self,
                                                    const char * const *argv,
                                                    const char    *task_id,
                                                    guint          timeout_ms,
                                                    GError       **error);
/* Runs @argv to its end (for short commands), collecting output; lines are still announced. */
void                td_deployment_capture_async    (TdDeployment  *self,
                                                    const char * const *argv,
                                                    const char    *task_id,
                                                    guint          timeout_ms,
                                                    GCancellable  *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer       user_data);
gboolean            td_deployment_capture_finish   (TdDeployment  *self,
                                                    GAsyncResult  *result,
                                                    char         **stdout_text,
                                                    char         **stderr_text,
                                                    int           *exit_status,
                                                    GError       **error);

/* The Kubernetes API of the cluster the kubeconfig's current context names (KUBECONFIG, else
 * ~/.kube/config, or the path set below), as kubectl would find it. */
void                td_deployment_set_kubeconfig_path (TdDeployment *self,
                                                    const char    *path);
void                td_deployment_connect_async    (TdDeployment  *self,
                                                    GCancellable  *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer       user_data);
/* Also gives the namespace of the context (never NULL: "default" when the context names none). */
TdKubeClient       *td_deployment_connect_finish   (TdDeployment  *self,
                                                    GAsyncResult  *result,
                                                    char         **out_namespace,
                                                    GError       **error);

/* Secret values the user typed in because the project's .env lacks them (the Secret's keys). Kept
 * in memory only, registered with the audit log's redaction; NULL or "" forgets @key. */
void                td_deployment_set_entered_secret (TdDeployment *self,
                                                    const char    *key,
                                                    const char    *value);
const char         *td_deployment_get_entered_secret (TdDeployment *self,
                                                    const char    *key);

/* A bundled reference file (docker/…, charts/todo-app/…), from the binary's resources. */
GBytes             *td_deployment_lookup_bundled   (const char    *relative,
                                                    GError       **error);

G_END_DECLS
