/* td-gate-evaluator.c: one function per check kind; each answers with a TdCheckResult */
#define G_LOG_DOMAIN "td-gate-evaluator"

#include "td-audit-log.h"
#include "td-error.h"
#include "td-gate-evaluator.h"

typedef void (*CheckFunc) (TdDeployment *deployment, const TdYamlNode *check, GTask *task);

static void
return_result (GTask *task, const char *kind, TdCheckStatus status, const char *message, const char *fix)
{
  g_task_return_pointer (task, td_check_result_new (kind, status, message, fix), g_object_unref);
}

/* ---- files-exist, files-exactly --------------------------------------------------------------- */

static void
check_files_exist (TdDeployment *deployment, const TdYamlNode *check, GTask *task)
{
  const TdYamlNode *paths = td_yaml_mapping_get (check, "paths");
  g_autoptr(GString) missing = g_string_new (NULL);
  guint n_missing = 0;

  for (guint i = 0; i < td_yaml_n_children (paths); i++)
    {
      const char *relative = td_yaml_scalar (td_yaml_child (paths, i));
      g_autofree char *path = relative ? td_deployment_project_path (deployment, relative) : NULL;

      if (path != NULL && g_file_test (path, G_FILE_TEST_EXISTS))
        continue;
      g_string_append_printf (missing, "%s%s", n_missing++ > 0 ? ", " : "", relative ? relative : "?");
    }
  if (n_missing == 0)
    {
      return_result (task, "files-exist", TD_CHECK_STATUS_OK,
                     td_yaml_n_children (paths) == 1 ? "The file is there." : "All the files are there.", NULL);
      return;
    }
  {
    g_autofree char *message = g_strdup_printf ("Missing: %s", missing->str);
    return_result (task, "files-exist", TD_CHECK_STATUS_FAILED, message,
                   "Run this phase's tasks: they create these files.");
  }
}

/* Helm renders neither NOTES.txt nor partials (_name.tpl) as objects, so they never count. */
static gboolean
is_helm_non_object (const char *name)
{
  return g_str_equal (name, "NOTES.txt") || name[0] == '_';
}

static void
check_files_exactly (TdDeployment *deployment, const TdYamlNode *check, GTask *task)
{
  const char *directory = td_yaml_mapping_get_string (check, "directory");
  const TdYamlNode *names = td_yaml_mapping_get (check, "names");
  g_autofree char *path = td_deployment_project_path (deployment, directory ? directory : "");
  g_autoptr(GHashTable) expected = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) missing = g_string_new (NULL);
  g_autoptr(GString) extra = g_string_new (NULL);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;

  for (guint i = 0; i < td_yaml_n_children (names); i++)
    if (td_yaml_scalar (td_yaml_child (names, i)) != NULL)
      g_hash_table_add (expected, (gpointer) td_yaml_scalar (td_yaml_child (names, i)));

  dir = g_dir_open (path, 0, &error);
  if (dir == NULL)
    {
      g_autofree char *message = g_strdup_printf ("The folder %s does not exist yet.", directory);
      return_result (task, "files-exactly", TD_CHECK_STATUS_FAILED, message,
                     "Run this phase's tasks: they write the files into it.");
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      if (g_hash_table_remove (expected, name) || is_helm_non_object (name))
        continue;
      g_string_append_printf (extra, "%s%s", extra->len ? ", " : "", name);
    }
  for (guint i = 0; i < td_yaml_n_children (names); i++)
    {
      const char *wanted = td_yaml_scalar (td_yaml_child (names, i));
      if (wanted != NULL && g_hash_table_contains (expected, wanted))
        g_string_append_printf (missing, "%s%s", missing->len ? ", " : "", wanted);
    }

  if (missing->len == 0 && extra->len == 0)
    return_result (task, "files-exactly", TD_CHECK_STATUS_OK, "Exactly the expected files are there.", NULL);
  else if (missing->len > 0)
    {
      g_autofree char *message = g_strdup_printf ("Missing in %s: %s", directory, missing->str);
      return_result (task, "files-exactly", TD_CHECK_STATUS_FAILED, message,
                     "Generate or accept the missing files in this phase.");
    }
  else
    {
      g_autofree char *message = g_strdup_printf ("%s also holds files the plan does not expect: %s",
                                                  directory, extra->str);
      return_result (task, "files-exactly", TD_CHECK_STATUS_FAILED, message,
                     "Helm would deploy them too. Move them out of the folder, or delete them.");
    }
}

/* ---- audit-entries ------------------------------------------------------------------------------ */

static void
check_audit_entries (TdDeployment *deployment, const TdYamlNode *check, GTask *task)
{
  const TdYamlNode *counts = td_yaml_mapping_get (check, "counts");
  const TdYamlNode *stand_ins = td_yaml_mapping_get (check, "stand_ins");
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) short_of = g_string_new (NULL);

  entries = td_audit_log_read_entries (td_deployment_get_audit_log (deployment), &error);
  if (entries == NULL)
    {
      return_result (task, "audit-entries", TD_CHECK_STATUS_FAILED, error->message,
                     "The Setup phase creates the audit log; run it again.");
      return;
    }
  for (guint i = 0; i < entries->len; i++)
    {
      const TdAuditEntry *entry = entries->pdata[i];
      const char *tag = entry->agent;
      const char *stands_for = td_yaml_mapping_get_string (stand_ins, tag);

      if (stands_for != NULL)
        tag = stands_for;
      g_hash_table_insert (seen, g_strdup (tag),
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (seen, tag)) + 1));
    }
  for (guint i = 0; i < td_yaml_n_children (counts); i++)
    {
      const char *tag = ((const TdYamlNode *) counts->keys->pdata[i])->value;
      gint64 wanted = 0;
      guint have = GPOINTER_TO_UINT (g_hash_table_lookup (seen, tag));

      if (!td_yaml_get_int (td_yaml_child (counts, i), &wanted) || have >= wanted)
        continue;
      g_string_append_printf (short_of, "%s[%s] %u of %" G_GINT64_FORMAT,
                              short_of->len ? ", " : "", tag, have, wanted);
    }
  if (short_of->len == 0)
    {
      g_autofree char *message = g_strdup_printf ("Every required entry is there (%u lines).", entries->len);
      return_result (task, "audit-entries", TD_CHECK_STATUS_OK, message, NULL);
    }
  else
    {
      g_autofree char *message = g_strdup_printf ("Entries missing: %s", short_of->str);
      return_result (task, "audit-entries", TD_CHECK_STATUS_FAILED, message,
                     "Each phase writes its own entries: re-run the phases whose entries are missing.");
    }
}

/* ---- dispatch ------------------------------------------------------------------------------------ */

static const struct {
  const char *kind;
  CheckFunc   func;
} check_kinds[] = {
  { "files-exist", check_files_exist },
  { "files-exactly", check_files_exactly },
  { "audit-entries", check_audit_entries },
};

void
td_gate_check_async (TdDeployment *deployment, const TdYamlNode *check, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (deployment, cancellable, callback, user_data);
  const char *kind = td_yaml_mapping_get_string (check, "check");

  g_task_set_source_tag (task, td_gate_check_async);
  for (guint i = 0; i < G_N_ELEMENTS (check_kinds); i++)
    if (g_strcmp0 (kind, check_kinds[i].kind) == 0)
      {
        check_kinds[i].func (deployment, check, task);
        return;
      }
  {
    g_autofree char *message = g_strdup_printf ("This version of Todo Deploy cannot check “%s” yet.", kind);
    return_result (task, kind, TD_CHECK_STATUS_FAILED, message, NULL);
  }
}

TdCheckResult *
td_gate_check_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct {
  TdGate    *gate;
  GPtrArray *results;
  guint      next;
  gboolean   passed;
} EvaluateData;

static void
evaluate_data_free (EvaluateData *data)
{
  g_clear_object (&data->gate);
  g_clear_pointer (&data->results, g_ptr_array_unref);
  g_free (data);
}

static void evaluate_next (GTask *task);

static void
check_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  EvaluateData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  TdCheckResult *check_result = td_gate_check_finish (result, &error);

  if (check_result == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data->passed = data->passed && td_check_result_get_passed (check_result);
  g_ptr_array_add (data->results, check_result);
  evaluate_next (g_steal_pointer (&task));
}

static void
evaluate_next (GTask *task)
{
  EvaluateData *data = g_task_get_task_data (task);
  TdDeployment *deployment = g_task_get_source_object (task);

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  if (data->next >= td_gate_get_n_checks (data->gate))
    {
      g_task_return_pointer (task, g_ptr_array_ref (data->results), (GDestroyNotify) g_ptr_array_unref);
      g_object_unref (task);
      return;
    }
  td_gate_check_async (deployment, td_gate_get_check (data->gate, data->next++),
                       g_task_get_cancellable (task), check_done, task);
}

void
td_gate_evaluate_async (TdDeployment *deployment, TdGate *gate, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (deployment, cancellable, callback, user_data);
  EvaluateData *data = g_new0 (EvaluateData, 1);

  g_task_set_source_tag (task, td_gate_evaluate_async);
  data->gate = g_object_ref (gate);
  data->results = g_ptr_array_new_with_free_func (g_object_unref);
  data->passed = TRUE;
  g_task_set_task_data (task, data, (GDestroyNotify) evaluate_data_free);
  evaluate_next (task);
}

GPtrArray *
td_gate_evaluate_finish (GAsyncResult *result, gboolean *out_passed, GError **error)
{
  GTask *task = G_TASK (result);
  EvaluateData *data = g_task_get_task_data (task);
  GPtrArray *results = g_task_propagate_pointer (task, error);

  if (out_passed != NULL)
    *out_passed = results != NULL && data->passed;
  return results;
}
