/* td-helm-lock.c */
#define G_LOG_DOMAIN "td-helm-lock"

#include "td-error.h"
#include "td-helm-lock.h"

#define HELM_TIMEOUT_MS (60 * 1000)

static void
status_captured (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TdHelmRelease) release = NULL;
  int status = -1;

  if (!td_deployment_capture_finish (TD_DEPLOYMENT (source), result, &out, &err, &status, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  release = td_helm_status_parse (out, err, status, &error);
  if (release == NULL && g_error_matches (error, TD_ERROR, TD_ERROR_NOT_FOUND))
    g_task_return_pointer (task, NULL, NULL);
  else if (release == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (release->fix_argv == NULL)
    g_task_return_pointer (task, NULL, NULL);
  else
    g_task_return_pointer (task, g_steal_pointer (&release), (GDestroyNotify) td_helm_release_free);
}

void
td_helm_lock_check_async (TdDeployment *deployment, const char *release, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  const char *argv[] = { "helm", "status", release, "-o", "json", NULL };
  GTask *task = g_task_new (deployment, cancellable, callback, user_data);

  g_task_set_source_tag (task, td_helm_lock_check_async);
  td_deployment_capture_async (deployment, argv, NULL, HELM_TIMEOUT_MS, cancellable, status_captured, task);
}

TdHelmRelease *
td_helm_lock_check_finish (TdDeployment *deployment, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, deployment), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
fix_captured (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;

  if (!td_deployment_capture_finish (TD_DEPLOYMENT (source), result, &out, &err, &status, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else if (status != 0)
    g_task_return_new_error (task, TD_ERROR, TD_ERROR_EXITED, "“%s” failed (exit status %d): %s",
                             (char *) g_task_get_task_data (task), status, g_strstrip (err));
  else
    g_task_return_boolean (task, TRUE);
}

void
td_helm_lock_clear_async (TdDeployment *deployment, const TdHelmRelease *locked, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (deployment, cancellable, callback, user_data);

  g_task_set_source_tag (task, td_helm_lock_clear_async);
  if (locked == NULL || locked->fix_argv == NULL)
    {
      g_task_return_new_error (task, TD_ERROR, TD_ERROR_INVALID, "Nothing blocks this release.");
      g_object_unref (task);
      return;
    }
  g_task_set_task_data (task, g_strjoinv (" ", locked->fix_argv), g_free);
  td_deployment_capture_async (deployment, (const char * const *) locked->fix_argv, NULL, HELM_TIMEOUT_MS,
                               cancellable, fix_captured, task);
}

gboolean
td_helm_lock_clear_finish (TdDeployment *deployment, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, deployment), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
