/* td-git-commit.c: the T037 commands, and running them one after the other */
#define G_LOG_DOMAIN "td-git-commit"

#include <string.h>

#include "td-error.h"
#include "td-git-commit.h"

GPtrArray *
td_git_commit_commands (TdTask *task, const char *project_dir)
{
  const TdYamlNode *paths = td_yaml_mapping_get (td_task_get_node (task), "paths");
  g_autoptr(GStrvBuilder) add = g_strv_builder_new ();
  GPtrArray *commands;
  guint n_paths = 0;

  g_strv_builder_add_many (add, "git", "add", "--", NULL);
  for (guint i = 0; i < td_yaml_n_children (paths); i++)
    {
      const char *relative = td_yaml_scalar (td_yaml_child (paths, i));
      g_autofree char *path = relative ? g_build_filename (project_dir, relative, NULL) : NULL;

      /* git add fails on a path that does not exist (the optional quickstart, for one). */
      if (path == NULL || !g_file_test (path, G_FILE_TEST_EXISTS))
        continue;
      g_strv_builder_add (add, relative);
      n_paths++;
    }
  if (n_paths == 0)
    return NULL;
  commands = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_ptr_array_add (commands, g_strv_builder_end (add));
  g_ptr_array_add (commands, g_strdupv ((char **) (const char * const []) { "git", "commit", "-m", TD_GIT_COMMIT_MESSAGE, NULL }));
  return commands;
}

char *
td_git_commit_describe (GPtrArray *commands)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < commands->len; i++)
    {
      char **argv = commands->pdata[i];

      for (guint j = 0; argv[j] != NULL; j++)
        {
          /* Plain words stay as they are; anything else is quoted. */
          gboolean plain = argv[j][0] != '\0' && strspn (argv[j], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./") == strlen (argv[j]);
          g_autofree char *quoted = plain ? g_strdup (argv[j]) : g_shell_quote (argv[j]);

          g_string_append_printf (text, "%s%s", j > 0 ? " " : "", quoted);
        }
      g_string_append_c (text, '\n');
    }
  return g_string_free (text, FALSE);
}

typedef struct {
  GPtrArray *commands;
  guint      next;
  char      *task_id;
} RunData;

static void
run_data_free (RunData *data)
{
  g_ptr_array_unref (data->commands);
  g_free (data->task_id);
  g_free (data);
}

static void run_next (GTask *task);

static void
command_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  RunData *data = g_task_get_task_data (task);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;

  if (!td_deployment_capture_finish (TD_DEPLOYMENT (source), result, &out, &err, &status, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  if (status != 0)
    {
      char **argv = data->commands->pdata[data->next];

      g_task_return_new_error (task, TD_ERROR, TD_ERROR_EXITED, "git %s failed: %s", argv[1],
                               g_strstrip (err[0] ? err : out));
      g_object_unref (task);
      return;
    }
  data->next++;
  run_next (task);
}

static void
run_next (GTask *task)
{
  RunData *data = g_task_get_task_data (task);

  if (data->next >= data->commands->len)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  td_deployment_capture_async (g_task_get_source_object (task), data->commands->pdata[data->next], data->task_id,
                               60 * 1000, g_task_get_cancellable (task), command_done, task);
}

void
td_git_commit_run_async (TdDeployment *deployment, const char *task_id, GPtrArray *commands,
                         GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (deployment, cancellable, callback, user_data);
  RunData *data = g_new0 (RunData, 1);

  g_task_set_source_tag (task, td_git_commit_run_async);
  data->commands = g_ptr_array_ref (commands);
  data->task_id = g_strdup (task_id);
  g_task_set_task_data (task, data, (GDestroyNotify) run_data_free);
  run_next (task);
}

gboolean
td_git_commit_run_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
