/* td-secret-task.c */
#define G_LOG_DOMAIN "td-secret-task"

#include "td-dotenv.h"
#include "td-error.h"
#include "td-secret-task.h"

static const TdYamlNode *
api_node (TdTask *task)
{
  return td_yaml_mapping_get (td_task_get_node (task), "api");
}

gboolean
td_secret_task_handles (TdTask *task)
{
  return td_task_get_kind (task) == TD_TASK_KIND_API &&
         g_strcmp0 (td_yaml_mapping_get_string (api_node (task), "create"), "Secret") == 0;
}

GStrv
td_secret_task_get_keys (TdTask *task)
{
  const TdYamlNode *keys = td_yaml_mapping_get (api_node (task), "keys_from_env_file");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; keys != NULL && keys->kind == TD_YAML_SEQUENCE && i < td_yaml_n_children (keys); i++)
    if (td_yaml_scalar (td_yaml_child (keys, i)) != NULL)
      g_strv_builder_add (builder, td_yaml_scalar (td_yaml_child (keys, i)));
  return g_strv_builder_end (builder);
}

static char *
env_file_path (TdDeployment *deployment)
{
  const char *name = td_yaml_mapping_get_string (td_plan_get_settings (td_deployment_get_plan (deployment)),
                                                 "env_file");

  return td_deployment_project_path (deployment, name ? name : ".env");
}

/* key → value for every key that .env or the user gives (entries win: they were typed on purpose);
 * every value is registered with the audit log's redaction. @out_missing gets the others. */
static GHashTable *
collect_values (TdDeployment *deployment, TdTask *task, GStrv *out_missing)
{
  g_autofree char *path = env_file_path (deployment);
  g_autoptr(GHashTable) env = td_dotenv_load (path, NULL);
  g_auto(GStrv) keys = td_secret_task_get_keys (task);
  g_autoptr(GStrvBuilder) missing = g_strv_builder_new ();
  GHashTable *values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  TdAuditLog *audit = td_deployment_get_audit_log (deployment);

  for (guint i = 0; keys[i] != NULL; i++)
    {
      const char *value = td_deployment_get_entered_secret (deployment, keys[i]);

      if (value == NULL && env != NULL)
        value = g_hash_table_lookup (env, keys[i]);
      if (value == NULL || value[0] == '\0')
        {
          g_strv_builder_add (missing, keys[i]);
          continue;
        }
      td_audit_log_add_secret (audit, value);
      g_hash_table_insert (values, g_strdup (keys[i]), g_strdup (value));
    }
  if (out_missing != NULL)
    *out_missing = g_strv_builder_end (missing);
  return values;
}

GStrv
td_secret_task_missing_keys (TdDeployment *deployment, TdTask *task)
{
  g_autoptr(GHashTable) values = NULL;
  GStrv missing = NULL;

  g_return_val_if_fail (TD_IS_DEPLOYMENT (deployment), NULL);
  g_return_val_if_fail (td_secret_task_handles (task), NULL);
  values = collect_values (deployment, task, &missing);
  return missing;
}

/* ---- running ---------------------------------------------------------------------------------- */

typedef struct {
  TdTask     *task;
  GHashTable *values;
} RunData;

static void
run_data_free (RunData *data)
{
  g_clear_object (&data->task);
  g_clear_pointer (&data->values, g_hash_table_unref);
  g_free (data);
}

static void
secret_applied (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) gtask = user_data;
  RunData *data = g_task_get_task_data (gtask);
  const char *name = td_yaml_mapping_get_string (api_node (data->task), "name");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) stored = NULL;
  g_auto(GStrv) keys = td_secret_task_get_keys (data->task);
  g_autofree char *key_list = g_strjoinv (", ", keys);
  gboolean created = FALSE;

  stored = td_kube_client_apply_secret_finish (TD_KUBE_CLIENT (source), result, &created, &error);
  if (stored == NULL)
    {
      g_task_return_new_error (gtask, TD_ERROR, TD_ERROR_FAILED,
                               "The cluster did not store the Secret %s: %s", name, error->message);
      return;
    }
  g_task_return_pointer (gtask, g_strdup_printf (created ? "Created the Secret %s with %s."
                                                         : "Updated the Secret %s (it existed) with %s.",
                                                 name, key_list), g_free);
}

static void
connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) gtask = user_data;
  TdDeployment *deployment = TD_DEPLOYMENT (source);
  RunData *data = g_task_get_task_data (gtask);
  const char *namespace_ = td_yaml_mapping_get_string (td_plan_get_settings (td_deployment_get_plan (deployment)),
                                                       "namespace");
  g_autofree char *context_namespace = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TdKubeClient) client = td_deployment_connect_finish (deployment, result, &context_namespace, &error);

  if (client == NULL)
    {
      g_task_return_error (gtask, g_steal_pointer (&error));
      return;
    }
  td_kube_client_apply_secret_async (client, namespace_ ? namespace_ : context_namespace,
                                     td_yaml_mapping_get_string (api_node (data->task), "name"),
                                     data->values, g_task_get_cancellable (gtask), secret_applied,
                                     g_object_ref (gtask));
}

void
td_secret_task_run_async (TdDeployment *deployment, TdTask *task, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) gtask = g_task_new (deployment, cancellable, callback, user_data);
  RunData *data = g_new0 (RunData, 1);
  g_auto(GStrv) missing = NULL;

  g_task_set_source_tag (gtask, td_secret_task_run_async);
  g_task_set_task_data (gtask, data, (GDestroyNotify) run_data_free);
  if (!td_secret_task_handles (task) || td_yaml_mapping_get_string (api_node (task), "name") == NULL)
    {
      g_task_return_new_error (gtask, TD_ERROR, TD_ERROR_INVALID, "The plan gives %s no Secret to create.",
                               td_task_get_id (task));
      return;
    }
  data->task = g_object_ref (task);
  data->values = collect_values (deployment, task, &missing);
  if (missing[0] != NULL)
    {
      g_autofree char *names = g_strjoinv (", ", missing);
      g_task_return_new_error (gtask, TD_ERROR, TD_ERROR_NOT_FOUND,
                               "The project's .env has no value for %s. Add %s to .env, or type %s in on this page.",
                               names, missing[1] != NULL ? "them" : "it", missing[1] != NULL ? "them" : "it");
      return;
    }
  td_deployment_connect_async (deployment, cancellable, connected, g_steal_pointer (&gtask));
}

char *
td_secret_task_run_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
