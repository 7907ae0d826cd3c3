/* td-deployment.c */
#define G_LOG_DOMAIN "td-deployment"

#include "td-deployment.h"
#include "td-error.h"
#include "td-kubeconfig.h"

#include <string.h>

struct _TdDeployment
{
  GObject     parent_instance;

  TdPlan     *plan;
  TdRunner   *runner;
  char       *project_dir;
  TdAuditLog *audit_log;
  GStrv       docker_env;
  char       *kubeconfig_path;   /* NULL: KUBECONFIG, else ~/.kube/config */
  GHashTable *entered_secrets;   /* key → value typed in by the user; in memory only */
};

G_DEFINE_FINAL_TYPE (TdDeployment, td_deployment, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DOCKER_ENV,
  N_PROPS
};

enum {
  PROCESS_STARTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
td_deployment_finalize (GObject *object)
{
  TdDeployment *self = TD_DEPLOYMENT (object);

  g_clear_object (&self->plan);
  g_clear_object (&self->runner);
  g_clear_object (&self->audit_log);
  g_free (self->project_dir);
  g_strfreev (self->docker_env);
  g_free (self->kubeconfig_path);
  g_clear_pointer (&self->entered_secrets, g_hash_table_unref);
  G_OBJECT_CLASS (td_deployment_parent_class)->finalize (object);
}

static void
td_deployment_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TdDeployment *self = TD_DEPLOYMENT (object);

  switch (prop_id)
    {
    case PROP_DOCKER_ENV:
      g_value_set_boxed (value, self->docker_env);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_deployment_class_init (TdDeploymentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = td_deployment_finalize;
  object_class->get_property = td_deployment_get_property;

  properties[PROP_DOCKER_ENV] =
    g_param_spec_boxed ("docker-env", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[PROCESS_STARTED] =
    g_signal_new ("process-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, TD_TYPE_PROCESS, G_TYPE_STRING);
}

static void
td_deployment_init (TdDeployment *self)
{
}

TdDeployment *
td_deployment_new (TdPlan *plan, TdRunner *runner, const char *project_dir)
{
  TdDeployment *self;

  g_return_val_if_fail (TD_IS_PLAN (plan), NULL);
  g_return_val_if_fail (TD_IS_RUNNER (runner), NULL);
  g_return_val_if_fail (project_dir != NULL, NULL);

  self = g_object_new (TD_TYPE_DEPLOYMENT, NULL);
  self->plan = g_object_ref (plan);
  self->runner = g_object_ref (runner);
  self->project_dir = g_strdup (project_dir);
  self->audit_log = td_audit_log_new (project_dir, td_plan_get_setting (plan, "audit_log"),
                                      td_plan_get_setting (plan, "audit_header"));
  return self;
}

TdPlan *
td_deployment_get_plan (TdDeployment *self)
{
  g_return_val_if_fail (TD_IS_DEPLOYMENT (self), NULL);
  return self->plan;
}

TdRunner *
td_deployment_get_runner (TdDeployment *self)
{
  g_return_val_if_fail (TD_IS_DEPLOYMENT (self), NULL);
  return self->runner;
}

const char *
td_deployment_get_project_dir (TdDeployment *self)
{
  g_return_val_if_fail (TD_IS_DEPLOYMENT (self), NULL);
  return self->project_dir;
}

TdAuditLog *
td_deployment_get_audit_log (TdDeployment *self)
{
  g_return_val_if_fail (TD_IS_DEPLOYMENT (self), NULL);
  return self->audit_log;
}

char *
td_deployment_project_path (TdDeployment *self, const char *relative)
{
  g_return_val_if_fail (TD_IS_DEPLOYMENT (self), NULL);
  return g_build_filename (self->project_dir, relative, NULL);
}

const char * const *
td_deployment_get_docker_env (TdDeployment *self)
{
  g_return_val_if_fail (TD_IS_DEPLOYMENT (self), NULL);
  return (const char * const *) self->docker_env;
}

void
td_deployment_set_docker_env (TdDeployment *self, const char * const *docker_env)
{
  g_return_if_fail (TD_IS_DEPLOYMENT (self));

  g_strfreev (self->docker_env);
  self->docker_env = g_strdupv ((char **) docker_env);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCKER_ENV]);
}

const char * const *
td_deployment_env_for (TdDeployment *self, const char *program)
{
  g_autofree char *base = NULL;

  g_return_val_if_fail (TD_IS_DEPLOYMENT (self), NULL);
  if (program == NULL)
    return NULL;
  /* docker-env is Minikube's daemon for docker, and for nothing else: minikube, helm and kubectl
   * must not see DOCKER_HOST (minikube's docker driver would talk to the wrong daemon). */
  base = g_path_get_basename (program);
  return g_str_equal (base, "docker") ? (const char * const *) self->docker_env : NULL;
}

TdProcess *
td_deployment_spawn (TdDeployment *self, const char * const *argv, const char *task_id,
                     guint timeout_ms, GError **error)
{
  TdProcess *process;

  g_return_val_if_fail (TD_IS_DEPLOYMENT (self), NULL);
  g_return_val_if_fail (argv != NULL && argv[0] != NULL, NULL);

  process = td_runner_spawn (self->runner, argv, self->project_dir,
                             td_deployment_env_for (self, argv[0]), timeout_ms, error);
  if (process != NULL)
    g_signal_emit (self, signals[PROCESS_STARTED], 0, process, task_id);
  return process;
}

typedef struct {
  GString *out;
  GString *err;
} CaptureData;

static void
capture_data_free (CaptureData *data)
{
  g_string_free (data->out, TRUE);
  g_string_free (data->err, TRUE);
  g_free (data);
}

static void
on_capture_line (TdProcess *process, TdStream stream, const char *text, CaptureData *data)
{
  GString *target = stream == TD_STREAM_STDERR ? data->err : data->out;

  g_string_append (target, text);
  g_string_append_c (target, '\n');
}

static void
capture_waited (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  int status = -1;

  if (!td_process_wait_finish (TD_PROCESS (source), result, &status, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_int (task, status);
}

void
td_deployment_capture_async (TdDeployment *self, const char * const *argv, const char *task_id,
                             guint timeout_ms, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(TdProcess) process = NULL;
  g_autoptr(GError) error = NULL;
  CaptureData *data = g_new0 (CaptureData, 1);

  g_task_set_source_tag (task, td_deployment_capture_async);
  data->out = g_string_new (NULL);
  data->err = g_string_new (NULL);
  g_task_set_task_data (task, data, (GDestroyNotify) capture_data_free);

  process = td_deployment_spawn (self, argv, task_id, timeout_ms, &error);
  if (process == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* Connected after process-started so a log view sees the lines first; both see them all
   * because lines arrive from the main loop, never during spawn. */
  g_signal_connect (process, "line", G_CALLBACK (on_capture_line), data);
  td_process_wait_async (process, cancellable, capture_waited, g_steal_pointer (&task));
}

gboolean
td_deployment_capture_finish (TdDeployment *self, GAsyncResult *result, char **stdout_text,
                              char **stderr_text, int *exit_status, GError **error)
{
  CaptureData *data;
  g_autoptr(GError) local_error = NULL;
  gssize status;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  data = g_task_get_task_data (G_TASK (result));
  status = g_task_propagate_int (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (stdout_text != NULL)
    *stdout_text = g_strdup (data->out->str);
  if (stderr_text != NULL)
    *stderr_text = g_strdup (data->err->str);
  if (exit_status != NULL)
    *exit_status = (int) status;
  return TRUE;
}

GBytes *
td_deployment_lookup_bundled (const char *relative, GError **error)
{
  g_autofree char *path = g_strconcat (TD_BUNDLED_RESOURCE_PREFIX, relative, NULL);
  GBytes *bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);

  if (bytes == NULL)
    g_set_error (error, TD_ERROR, TD_ERROR_NOT_FOUND,
                 "The bundled reference “%s” is missing from this build of Todo Deploy", relative);
  return bytes;
}

void
td_deployment_set_kubeconfig_path (TdDeployment *self, const char *path)
{
  g_return_if_fail (TD_IS_DEPLOYMENT (self));
  g_free (self->kubeconfig_path);
  self->kubeconfig_path = g_strdup (path);
}

static void
credentials_resolved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TdKubeCredentials) credentials = td_kubeconfig_resolve_finish (TD_KUBECONFIG (source), result, &error);
  TdKubeClient *client;

  if (credentials == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  client = td_kube_client_new_for_credentials (credentials, &error);
  if (client == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_set_task_data (task, g_strdup (credentials->namespace && credentials->namespace[0] ? credentials->namespace : "default"), g_free);
  g_task_return_pointer (task, client, g_object_unref);
}

void
td_deployment_connect_async (TdDeployment *self, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(TdKubeconfig) kubeconfig = td_kubeconfig_new ();
  g_autoptr(GError) error = NULL;

  g_task_set_source_tag (task, td_deployment_connect_async);
  td_kubeconfig_set_runner (kubeconfig, self->runner);
  if (!td_kubeconfig_load (kubeconfig, self->kubeconfig_path, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  td_kubeconfig_resolve_async (kubeconfig, NULL, cancellable, credentials_resolved, g_steal_pointer (&task));
}

TdKubeClient *
td_deployment_connect_finish (TdDeployment *self, GAsyncResult *result, char **out_namespace, GError **error)
{
  TdKubeClient *client;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  client = g_task_propagate_pointer (G_TASK (result), error);
  if (client != NULL && out_namespace != NULL)
    *out_namespace = g_strdup (g_task_get_task_data (G_TASK (result)));
  return client;
}

/* Overwrites a secret before its memory is returned, so it does not linger in freed heap. */
static void
secret_value_free (char *value)
{
  if (value != NULL)
    memset (value, 0, strlen (value));
  g_free (value);
}

void
td_deployment_set_entered_secret (TdDeployment *self, const char *key, const char *value)
{
  g_return_if_fail (TD_IS_DEPLOYMENT (self));
  g_return_if_fail (key != NULL);

  if (self->entered_secrets == NULL)
    self->entered_secrets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                   (GDestroyNotify) secret_value_free);
  if (value == NULL || value[0] == '\0')
    {
      g_hash_table_remove (self->entered_secrets, key);
      return;
    }
  td_audit_log_add_secret (self->audit_log, value);
  g_hash_table_insert (self->entered_secrets, g_strdup (key), g_strdup (value));
}

const char *
td_deployment_get_entered_secret (TdDeployment *self, const char *key)
{
  g_return_val_if_fail (TD_IS_DEPLOYMENT (self), NULL);
  return self->entered_secrets != NULL ? g_hash_table_lookup (self->entered_secrets, key) : NULL;
}
