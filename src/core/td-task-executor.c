/* td-task-executor.c */
#define G_LOG_DOMAIN "td-task-executor"

#include <glib/gstdio.h>
#include <string.h>

#include "td-atomic-file.h"
#include "td-error.h"
#include "td-frontend-url.h"
#include "td-minikube.h"
#include "td-secret-task.h"
#include "td-task-executor.h"
#include "td-values.h"

/* Chart skeleton files `helm create` leaves, and what the bundled skeleton installs instead. */
static const char * const bundled_skeleton[] = { "Chart.yaml", "values.yaml", ".helmignore", NULL };

gboolean
td_task_executor_can_run (TdTask *task)
{
  TdTaskKind kind = td_task_get_kind (task);

  return kind == TD_TASK_KIND_COMMAND || kind == TD_TASK_KIND_MANUAL || td_secret_task_handles (task);
}

/* ---- small file helpers -------------------------------------------------------------------- */

static gboolean
remove_tree (const char *path, GError **error)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, error);
      const char *name;

      if (dir == NULL)
        return FALSE;
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          if (!remove_tree (child, error))
            return FALSE;
        }
    }
  if (g_remove (path) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "Could not remove %s: %s",
                   path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* Empties a chart's templates/ folder (T002: `helm create` fills it with an nginx example). */
static gboolean
empty_directory (const char *path, GError **error)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return g_mkdir_with_parents (path, 0755) == 0;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (!remove_tree (child, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
install_bundled_skeleton (const char *chart_dir, GError **error)
{
  g_autofree char *templates = g_build_filename (chart_dir, "templates", NULL);

  if (g_mkdir_with_parents (templates, 0755) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "Could not create %s: %s",
                   templates, g_strerror (saved));
      return FALSE;
    }
  for (guint i = 0; bundled_skeleton[i] != NULL; i++)
    {
      g_autofree char *relative = g_strconcat ("charts/todo-app/", bundled_skeleton[i], NULL);
      g_autofree char *target = g_build_filename (chart_dir, bundled_skeleton[i], NULL);
      g_autoptr(GBytes) bytes = td_deployment_lookup_bundled (relative, error);
      gsize size = 0;
      const char *data;

      if (bytes == NULL)
        return FALSE;
      data = g_bytes_get_data (bytes, &size);
      if (!g_file_set_contents (target, data, size, error))
        return FALSE;
    }
  return TRUE;
}

/* T002 without helm: the bundled skeleton, labelled as such. */
static char *
use_bundled_skeleton (TdDeployment *deployment, TdTask *task, GError **error)
{
  g_autofree char *chart_dir = td_deployment_project_path (deployment, td_task_get_artifact (task));

  if (!install_bundled_skeleton (chart_dir, error))
    return NULL;
  return g_strdup_printf ("helm is not installed: installed the bundled chart skeleton (bundled reference) in %s.",
                          td_task_get_artifact (task));
}

static void
return_summary (GTask *gtask, char *summary, GError *error)
{
  if (summary == NULL)
    g_task_return_error (gtask, error);
  else
    g_task_return_pointer (gtask, summary, g_free);
}

/* ---- YAML top-level keys (Chart.yaml) ------------------------------------------------------ */

static char *
yaml_scalar_text (const TdYamlNode *value)
{
  const char *text = value->value ? value->value : "";

  /* Keep what the plan quoted quoted ("1.0.0" must stay a string for Helm's appVersion). */
  if (value->quoted)
    {
      g_autofree char *escaped = g_strescape (text, NULL);
      return g_strdup_printf ("\"%s\"", escaped);
    }
  return g_strdup (text);
}

char *
td_yaml_text_set_top_level (const char *text, const TdYamlNode *values)
{
  g_auto(GStrv) lines = g_strsplit (text ? text : "", "\n", -1);
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GHashTable) done = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_lines = g_strv_length (lines);

  /* A trailing newline splits into a last empty element: do not double it. */
  if (n_lines > 0 && lines[n_lines - 1][0] == '\0')
    n_lines--;
  for (guint i = 0; i < n_lines; i++)
    {
      const char *line = lines[i];
      gboolean replaced = FALSE;

      for (guint k = 0; k < td_yaml_n_children (values) && !replaced; k++)
        {
          const char *key = ((const TdYamlNode *) values->keys->pdata[k])->value;
          gsize len = strlen (key);

          if (strncmp (line, key, len) == 0 && line[len] == ':')
            {
              g_autofree char *scalar = yaml_scalar_text (td_yaml_child (values, k));
              g_string_append_printf (out, "%s: %s\n", key, scalar);
              g_hash_table_add (done, (gpointer) key);
              replaced = TRUE;
            }
        }
      if (!replaced)
        g_string_append_printf (out, "%s\n", line);
    }
  for (guint k = 0; k < td_yaml_n_children (values); k++)
    {
      const char *key = ((const TdYamlNode *) values->keys->pdata[k])->value;
      if (!g_hash_table_contains (done, key))
        {
          g_autofree char *scalar = yaml_scalar_text (td_yaml_child (values, k));
          g_string_append_printf (out, "%s: %s\n", key, scalar);
        }
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* ---- T036: the frontend URL in the project's quickstart ----------------------------------------- */

#define URL_BLOCK_START "<!-- todo-deploy: frontend URL -->"
#define URL_BLOCK_END "<!-- /todo-deploy -->"

/* @text with the marked block replaced by one holding @url, or the block appended. */
char *
td_quickstart_set_frontend_url (const char *text, const char *url)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *block = g_strdup_printf (URL_BLOCK_START "\n"
                                            "The Todo Chatbot answers at <%s> (found by Todo Deploy on %s).\n"
                                            URL_BLOCK_END,
                                            url, date);
  const char *start = text ? strstr (text, URL_BLOCK_START) : NULL;
  const char *end = start ? strstr (start, URL_BLOCK_END) : NULL;

  if (text == NULL || text[0] == '\0')
    return g_strdup_printf ("# Quickstart\n\n## 7. Open the Todo Chatbot\n\n%s\n", block);
  if (start != NULL && end != NULL)
    return g_strdup_printf ("%.*s%s%s", (int) (start - text), text, block, end + strlen (URL_BLOCK_END));
  return g_strdup_printf ("%s%s\n## 7. Open the Todo Chatbot\n\n%s\n", text,
                          g_str_has_suffix (text, "\n") ? "" : "\n", block);
}

static char *
record_frontend_url (TdDeployment *deployment, TdTask *task, GError **error)
{
  const char *url = td_frontend_url_get_last (deployment);
  g_autofree char *path = td_deployment_project_path (deployment, td_task_get_artifact (task));
  g_autofree char *directory = g_path_get_dirname (path);
  g_autofree char *text = NULL;
  g_autofree char *updated = NULL;

  gboolean optional = FALSE;

  td_yaml_get_bool (td_yaml_mapping_get (td_task_get_node (task), "optional"), &optional);
  if (url == NULL)
    {
      if (optional)
        return g_strdup ("Skipped: the frontend URL is not known yet (the Verify phase's gate finds it).");
      g_set_error (error, TD_ERROR, TD_ERROR_NOT_FOUND,
                   "The frontend URL is not known yet: check the Verify phase's gate first.");
      return NULL;
    }
  g_file_get_contents (path, &text, NULL, NULL);
  updated = td_quickstart_set_frontend_url (text, url);
  if (g_mkdir_with_parents (directory, 0755) != 0 || !td_atomic_file_write (path, updated, -1, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, TD_ERROR, TD_ERROR_FAILED, "Could not create %s", directory);
      return NULL;
    }
  return g_strdup_printf ("Wrote %s into %s.", url, td_task_get_artifact (task));
}

/* ---- manual tasks ---------------------------------------------------------------------------- */

/* T022: `content_from: settings.values` names the plan's copy of what the artifact holds. */
static char *
write_values_from_plan (TdDeployment *deployment, TdTask *task, const char *content_from, GError **error)
{
  const char *artifact = td_task_get_artifact (task);
  const TdYamlNode *defaults = NULL;
  g_autofree char *path = NULL;
  TdValuesOutcome outcome;

  if (g_str_has_prefix (content_from, "settings."))
    defaults = td_values_lookup (td_plan_get_settings (td_deployment_get_plan (deployment)),
                                 content_from + strlen ("settings."));
  if (defaults == NULL || defaults->kind != TD_YAML_MAPPING || artifact == NULL)
    {
      g_set_error (error, TD_ERROR, TD_ERROR_INVALID, "The plan gives %s nothing to write (%s).",
                   td_task_get_id (task), content_from);
      return NULL;
    }
  path = td_deployment_project_path (deployment, artifact);
  if (!td_values_apply_defaults (path, defaults, &outcome, error))
    return NULL;
  switch (outcome)
    {
    case TD_VALUES_WRITTEN:
      return g_strdup_printf ("Wrote %s with the seed's default values.", artifact);
    case TD_VALUES_MERGED:
      return g_strdup_printf ("Added the seed's missing default values to %s; your values were kept.", artifact);
    case TD_VALUES_KEPT:
    default:
      return g_strdup_printf ("%s already has every value the chart needs; kept as it is.", artifact);
    }
}

static char *
create_audit_log (TdDeployment *deployment, GError **error)
{
  TdAuditLog *audit = td_deployment_get_audit_log (deployment);
  gboolean existed = g_file_test (td_audit_log_get_path (audit), G_FILE_TEST_EXISTS);

  if (!td_audit_log_ensure (audit, error))
    return NULL;
  return g_strdup_printf (existed ? "%s is already there; kept as it is." : "Created %s with its header.",
                          td_audit_log_get_file_name (audit));
}

static char *
set_fields (TdDeployment *deployment, TdTask *task, GError **error)
{
  const char *artifact = td_task_get_artifact (task);
  g_autofree char *path = td_deployment_project_path (deployment, artifact);
  g_autofree char *text = NULL;
  g_autofree char *updated = NULL;

  if (!g_file_get_contents (path, &text, NULL, error))
    return NULL;
  updated = td_yaml_text_set_top_level (text, td_yaml_mapping_get (td_task_get_node (task), "set"));
  if (!g_file_set_contents (path, updated, -1, error))
    return NULL;
  return g_strdup_printf ("Updated %s.", artifact);
}

static char *
append_audit (TdDeployment *deployment, TdTask *task, GError **error)
{
  TdAuditLog *audit = td_deployment_get_audit_log (deployment);

  for (guint i = 0; i < td_task_get_n_audit_entries (task); i++)
    {
      const TdTaskAuditEntry *entry = td_task_get_audit_entry (task, i);

      /* Templates such as "<SIZE>MB" are filled by the pages that know the value. */
      if (strchr (entry->result, '<') != NULL)
        {
          g_set_error (error, TD_ERROR, TD_ERROR_INVALID,
                       "The audit entry for %s needs a value this step does not know (%s).",
                       td_task_get_id (task), entry->result);
          return NULL;
        }
      if (!td_audit_log_append (audit, entry->tag, entry->prompt, entry->result, error))
        return NULL;
    }
  return g_strdup_printf ("Appended %u line%s to %s.", td_task_get_n_audit_entries (task),
                          td_task_get_n_audit_entries (task) == 1 ? "" : "s", td_audit_log_get_file_name (audit));
}

/* What a manual task does is its `action:` in the plan. */
static char *
run_manual (TdDeployment *deployment, TdTask *task, GError **error)
{
  switch (td_task_get_action (task))
    {
    case TD_TASK_ACTION_WRITE_VALUES:
      return write_values_from_plan (deployment, task,
                                     td_yaml_mapping_get_string (td_task_get_node (task), "content_from"), error);
    case TD_TASK_ACTION_CREATE_AUDIT_LOG:
      return create_audit_log (deployment, error);
    case TD_TASK_ACTION_SET_FIELDS:
      return set_fields (deployment, task, error);
    case TD_TASK_ACTION_RECORD_URL:
      return record_frontend_url (deployment, task, error);
    case TD_TASK_ACTION_APPEND_AUDIT:
      return append_audit (deployment, task, error);
    case TD_TASK_ACTION_COMMIT:
      /* Committing is the user's call, made on the page after seeing the exact git commands. */
      return g_strdup ("Optional: Commit… shows the exact git commands first and runs them only if you confirm.");
    case TD_TASK_ACTION_NONE:
    default:
      return g_strdup ("Nothing for Todo Deploy to do here.");
    }
}

/* ---- command tasks ----------------------------------------------------------------------------- */

/* `minikube start` without --memory takes a quarter of the computer's memory, which is below
 * what the Todo Chatbot needs on an 8 GiB laptop: ask for the recommended amount instead, with the
 * flag the plan names (`memory_flag:`), unless the command already gives it. */
static void
add_minikube_memory (TdTask *task, GPtrArray *argv)
{
  const char *flag = td_yaml_mapping_get_string (td_task_get_node (task), "memory_flag");
  g_autoptr(TdMemoryHint) hint = NULL;
  guint64 total = 0;

  for (guint i = 0; i < argv->len - 1; i++)
    if (g_str_equal (argv->pdata[i], flag) ||
        (g_str_has_prefix (argv->pdata[i], flag) && ((char *) argv->pdata[i])[strlen (flag)] == '='))
      return;
  if (!td_minikube_read_total_memory (NULL, &total, NULL))
    return;
  hint = td_minikube_memory_hint (total, FALSE);
  if (hint->memory_flag != NULL)
    g_ptr_array_insert (argv, argv->len - 1, g_strdup_printf ("%s=%umb", flag, hint->memory_mib));
}

char **
td_task_executor_build_argv (TdTask *task, GError **error)
{
  const char *command_line = td_task_get_run (task);
  g_auto(GStrv) words = NULL;
  GPtrArray *argv;

  if (td_task_get_kind (task) != TD_TASK_KIND_COMMAND)
    return NULL;
  if (command_line == NULL || !g_shell_parse_argv (command_line, NULL, &words, NULL))
    {
      g_set_error (error, TD_ERROR, TD_ERROR_INVALID, "The plan gives %s no command to run.", td_task_get_id (task));
      return NULL;
    }
  argv = g_ptr_array_new ();
  for (guint i = 0; words[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (words[i]));
  g_ptr_array_add (argv, NULL);
  if (td_task_get_role (task) == TD_TASK_ROLE_MINIKUBE_START)
    add_minikube_memory (task, argv);
  return (char **) g_ptr_array_free (argv, FALSE);
}

/* ---- command tasks ---------------------------------------------------------------------------- */

typedef struct {
  TdTask    *task;
  char     **argv;
  GString   *last_error_line;   /* the program's last stderr line, for the error message */
} CommandData;

static void
command_data_free (CommandData *data)
{
  g_clear_object (&data->task);
  g_strfreev (data->argv);
  if (data->last_error_line != NULL)
    g_string_free (data->last_error_line, TRUE);
  g_free (data);
}

static void
remember_stderr (TdProcess *process, TdStream stream, const char *text, CommandData *data)
{
  if (stream == TD_STREAM_STDERR && text[0] != '\0')
    g_string_assign (data->last_error_line, text);
}

static char *
finish_chart_skeleton (TdDeployment *deployment, TdTask *task, GError **error)
{
  g_autofree char *chart_dir = td_deployment_project_path (deployment, td_task_get_artifact (task));
  g_autofree char *templates = g_build_filename (chart_dir, "templates", NULL);

  if (!empty_directory (templates, error))
    return NULL;
  return g_strdup_printf ("Created %s and emptied its templates/ folder.", td_task_get_artifact (task));
}

static void
command_waited (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) gtask = user_data;
  CommandData *data = g_task_get_task_data (gtask);
  TdDeployment *deployment = g_task_get_source_object (gtask);
  g_autoptr(GError) error = NULL;
  int status = -1;

  if (!td_process_wait_finish (TD_PROCESS (source), result, &status, &error))
    {
      g_task_return_error (gtask, g_steal_pointer (&error));
      return;
    }
  if (status != 0 && td_task_get_role (data->task) == TD_TASK_ROLE_CHART_SKELETON &&
      td_runner_get_sandboxed (td_deployment_get_runner (deployment)) &&
      td_runner_host_program_missing (status, data->last_error_line->str))
    {
      /* Inside Flatpak this is how we learn that the host has no helm (see run_command). */
      char *summary = use_bundled_skeleton (deployment, data->task, &error);
      return_summary (gtask, summary, g_steal_pointer (&error));
      return;
    }
  if (status != 0)
    {
      g_task_return_new_error (gtask, TD_ERROR, TD_ERROR_EXITED, "“%s” failed (exit status %d)%s%s",
                               data->argv[0], status,
                               data->last_error_line->len ? ": " : ".", data->last_error_line->str);
      return;
    }
  if (td_task_get_role (data->task) == TD_TASK_ROLE_CHART_SKELETON)
    {
      char *summary = finish_chart_skeleton (deployment, data->task, &error);
      if (summary == NULL)
        g_task_return_error (gtask, g_steal_pointer (&error));
      else
        g_task_return_pointer (gtask, summary, g_free);
      return;
    }
  g_task_return_pointer (gtask, g_strdup_printf ("“%s” finished.", td_task_get_run (data->task)), g_free);
}

static void
docker_env_captured (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) gtask = user_data;
  TdDeployment *deployment = TD_DEPLOYMENT (source);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) env = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;

  if (!td_deployment_capture_finish (deployment, result, &out, &err, &status, &error))
    {
      g_task_return_error (gtask, g_steal_pointer (&error));
      return;
    }
  if (status != 0)
    {
      g_strstrip (err);
      g_task_return_new_error (gtask, TD_ERROR, TD_ERROR_EXITED,
                               "minikube could not describe its Docker daemon (exit status %d)%s%s",
                               status, err[0] ? ": " : ".", err);
      return;
    }
  env = td_minikube_parse_docker_env (out, &error);
  if (env == NULL)
    {
      g_task_return_error (gtask, g_steal_pointer (&error));
      return;
    }
  td_deployment_set_docker_env (deployment, (const char * const *) env);
  g_task_return_pointer (gtask, g_strdup ("Later docker commands will use Minikube's Docker daemon."), g_free);
}

static void
run_command (TdDeployment *deployment, TdTask *task, GTask *gtask)
{
  CommandData *data = g_new0 (CommandData, 1);
  g_autoptr(TdProcess) process = NULL;
  g_autoptr(GError) error = NULL;

  data->task = g_object_ref (task);
  data->last_error_line = g_string_new (NULL);
  g_task_set_task_data (gtask, data, (GDestroyNotify) command_data_free);

  data->argv = td_task_executor_build_argv (task, &error);
  if (data->argv == NULL)
    {
      g_task_return_error (gtask, g_steal_pointer (&error));
      g_object_unref (gtask);
      return;
    }

  if (td_task_get_role (task) == TD_TASK_ROLE_CHART_SKELETON)
    {
      /* T002: never overwrite a chart the user already has; without helm, use the bundled skeleton. */
      g_autofree char *chart_dir = td_deployment_project_path (deployment, td_task_get_artifact (task));
      g_autofree char *chart_yaml = g_build_filename (chart_dir, "Chart.yaml", NULL);
      TdRunner *runner = td_deployment_get_runner (deployment);
      /* Inside Flatpak helm is on the host, out of our sight: it is tried, and command_waited
       * falls back to the skeleton when the host has none. */
      gboolean sandboxed = td_runner_get_sandboxed (runner);
      g_autofree char *helm = sandboxed ? NULL : td_runner_find_program (runner, data->argv[0]);

      if (g_file_test (chart_yaml, G_FILE_TEST_EXISTS))
        {
          g_task_return_pointer (gtask, g_strdup_printf ("%s already exists; kept as it is.",
                                                         td_task_get_artifact (task)), g_free);
          g_object_unref (gtask);
          return;
        }
      if (!sandboxed && helm == NULL)
        {
          char *summary = use_bundled_skeleton (deployment, task, &error);
          return_summary (gtask, summary, g_steal_pointer (&error));
          g_object_unref (gtask);
          return;
        }
    }

  if (td_task_get_role (task) == TD_TASK_ROLE_DOCKER_ENV)
    {
      td_deployment_capture_async (deployment, (const char * const *) data->argv, td_task_get_id (task),
                                   30 * 1000, g_task_get_cancellable (gtask), docker_env_captured, gtask);
      return;
    }

  process = td_deployment_spawn (deployment, (const char * const *) data->argv, td_task_get_id (task), 0, &error);
  if (process == NULL)
    {
      g_task_return_error (gtask, g_steal_pointer (&error));
      g_object_unref (gtask);
      return;
    }
  g_signal_connect (process, "line", G_CALLBACK (remember_stderr), data);
  td_process_wait_async (process, g_task_get_cancellable (gtask), command_waited, gtask);
}

static void
secret_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) gtask = user_data;
  g_autoptr(GError) error = NULL;
  char *summary = td_secret_task_run_finish (result, &error);

  if (summary == NULL)
    g_task_return_error (gtask, g_steal_pointer (&error));
  else
    g_task_return_pointer (gtask, summary, g_free);
}

void
td_task_executor_run_async (TdDeployment *deployment, TdTask *task, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *gtask = g_task_new (deployment, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;

  g_task_set_source_tag (gtask, td_task_executor_run_async);
  switch (td_task_get_kind (task))
    {
    case TD_TASK_KIND_COMMAND:
      run_command (deployment, task, gtask);
      return;
    case TD_TASK_KIND_MANUAL:
      {
        char *summary = run_manual (deployment, task, &error);
        if (summary == NULL)
          g_task_return_error (gtask, g_steal_pointer (&error));
        else
          g_task_return_pointer (gtask, summary, g_free);
      }
      break;
    case TD_TASK_KIND_API:
      if (td_secret_task_handles (task))
        {
          td_secret_task_run_async (deployment, task, cancellable, secret_done, gtask);
          return;
        }
      G_GNUC_FALLTHROUGH;
    default:
      g_task_return_new_error (gtask, TD_ERROR, TD_ERROR_INVALID, "%s is not run this way (it is a %s task).",
                               td_task_get_id (task), td_task_kind_to_string (td_task_get_kind (task)));
      break;
    }
  g_object_unref (gtask);
}

char *
td_task_executor_run_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
