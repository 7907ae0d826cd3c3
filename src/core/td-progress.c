/* td-progress.c: saved phase progress per project, and resuming by re-checking gates */
#define G_LOG_DOMAIN "td-progress"

#include <errno.h>

#include <json-glib/json-glib.h>

#include "td-atomic-file.h"
#include "td-error.h"
#include "td-gate-evaluator.h"
#include "td-k8s-json.h"
#include "td-progress.h"

/* Resume re-checks what was true last time; the pods and the URL either answer now or the phase
 * is shown again, so no check waits long. */
#define RESUME_WAIT_LIMIT_SECONDS 5

char *
td_progress_path_for (const char *project_dir)
{
  g_autofree char *canonical = g_canonicalize_filename (project_dir, NULL);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, canonical, -1);
  g_autofree char *name = g_strconcat (hash, ".json", NULL);

  return g_build_filename (g_get_user_state_dir (), "todo-deploy", name, NULL);
}

GStrv
td_progress_load (const char *project_dir, GError **error)
{
  g_autofree char *path = td_progress_path_for (project_dir);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  g_autoptr(GError) local_error = NULL;
  JsonArray *passed;

  if (!json_parser_load_from_file (parser, path, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_strv_builder_end (ids);
      g_set_error (error, TD_ERROR, TD_ERROR_PARSE, "The saved progress in %s cannot be read: %s",
                   path, local_error->message);
      return NULL;
    }
  passed = td_json_get_array (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser))
                                ? json_node_get_object (json_parser_get_root (parser)) : NULL, "passed");
  for (guint i = 0; passed != NULL && i < json_array_get_length (passed); i++)
    {
      JsonNode *id = json_array_get_element (passed, i);

      if (JSON_NODE_HOLDS_VALUE (id) && json_node_get_value_type (id) == G_TYPE_STRING)
        g_strv_builder_add (ids, json_node_get_string (id));
    }
  return g_strv_builder_end (ids);
}

gboolean
td_progress_set_passed (const char *project_dir, const char *phase_id, gboolean passed, GError **error)
{
  g_autofree char *path = td_progress_path_for (project_dir);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *canonical = g_canonicalize_filename (project_dir, NULL);
  g_auto(GStrv) saved = td_progress_load (project_dir, NULL);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  gboolean listed = saved != NULL && g_strv_contains ((const char * const *) saved, phase_id);

  if (listed == passed)
    return TRUE;
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "project");
  json_builder_add_string_value (builder, canonical);
  json_builder_set_member_name (builder, "passed");
  json_builder_begin_array (builder);
  for (guint i = 0; saved != NULL && saved[i] != NULL; i++)
    if (passed || !g_str_equal (saved[i], phase_id))
      json_builder_add_string_value (builder, saved[i]);
  if (passed)
    json_builder_add_string_value (builder, phase_id);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno), "Cannot create %s: %s",
                   dir, g_strerror (saved_errno));
      return FALSE;
    }
  return td_atomic_file_write (path, text, -1, error);
}

/* ---- resume ---------------------------------------------------------------------------------- */

typedef struct {
  GStrv         saved;
  GStrvBuilder *holding;
  guint         next;
} ResumeData;

static void
resume_data_free (ResumeData *data)
{
  g_strfreev (data->saved);
  g_strv_builder_unref (data->holding);
  g_free (data);
}

static void resume_next (GTask *task);

static void
resume_return (GTask *task, const char *phase_id)
{
  td_gate_set_wait_limit (g_task_get_source_object (task), 0);
  g_task_return_pointer (task, g_strdup (phase_id), g_free);
}

static void
gate_rechecked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  ResumeData *data = g_task_get_task_data (task);
  TdDeployment *deployment = TD_DEPLOYMENT (source);
  GListModel *phases = td_plan_get_phases (td_deployment_get_plan (deployment));
  g_autoptr(TdPhase) phase = g_list_model_get_item (phases, data->next);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  gboolean passed = FALSE;

  results = td_gate_evaluate_finish (result, &passed, &error);
  if (results == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      td_gate_set_wait_limit (deployment, 0);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!passed)
    {
      /* It held once and no longer does: forget it, and continue there. */
      td_progress_set_passed (td_deployment_get_project_dir (deployment), td_phase_get_id (phase), FALSE, NULL);
      resume_return (task, td_phase_get_id (phase));
      return;
    }
  g_strv_builder_add (data->holding, td_phase_get_id (phase));
  data->next++;
  resume_next (g_steal_pointer (&task));
}

static void
resume_next (GTask *task)
{
  ResumeData *data = g_task_get_task_data (task);
  TdDeployment *deployment = g_task_get_source_object (task);
  GListModel *phases = td_plan_get_phases (td_deployment_get_plan (deployment));
  g_autoptr(TdPhase) phase = NULL;

  if (data->next >= g_list_model_get_n_items (phases))
    {
      resume_return (task, NULL);
      g_object_unref (task);
      return;
    }
  phase = g_list_model_get_item (phases, data->next);
  if (!g_strv_contains ((const char * const *) data->saved, td_phase_get_id (phase)))
    {
      resume_return (task, td_phase_get_id (phase));
      g_object_unref (task);
      return;
    }
  td_gate_evaluate_async (deployment, td_phase_get_gate (phase), g_task_get_cancellable (task), gate_rechecked, task);
}

static void
prepared (GObject *source, GAsyncResult *result, gpointer user_data)
{
  td_gate_prepare_finish (result);
  resume_next (user_data);
}

void
td_progress_resume_async (TdDeployment *deployment, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (deployment, cancellable, callback, user_data);
  ResumeData *data = g_new0 (ResumeData, 1);
  g_autoptr(GError) error = NULL;

  g_task_set_source_tag (task, td_progress_resume_async);
  data->holding = g_strv_builder_new ();
  data->saved = td_progress_load (td_deployment_get_project_dir (deployment), &error);
  g_task_set_task_data (task, data, (GDestroyNotify) resume_data_free);
  if (data->saved == NULL)
    {
      /* Unreadable progress is no progress: start from the beginning. */
      g_warning ("%s", error->message);
      data->saved = g_new0 (char *, 1);
    }
  td_gate_set_wait_limit (deployment, RESUME_WAIT_LIMIT_SECONDS);
  td_gate_prepare_async (deployment, cancellable, prepared, task);
}

char *
td_progress_resume_finish (GAsyncResult *result, GStrv *out_holding, GError **error)
{
  GTask *task = G_TASK (result);
  ResumeData *data = g_task_get_task_data (task);
  g_autoptr(GError) local_error = NULL;
  char *phase_id = g_task_propagate_pointer (task, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (out_holding != NULL)
    *out_holding = g_strv_builder_end (data->holding);
  return phase_id;
}
