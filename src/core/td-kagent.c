/* td-kagent.c: one kagent invocation and its A2A answer, for every task that asks kagent */
#define G_LOG_DOMAIN "td-kagent"

#include <json-glib/json-glib.h>

#include "td-error.h"
#include "td-k8s-json.h"
#include "td-kagent.h"

#define KAGENT_AGENT "k8s-agent"
/* An LLM call over the cluster; far longer means it is stuck. */
#define KAGENT_TIMEOUT_MS (5 * 60 * 1000)

/* The text parts of @with_parts' "parts" (a message or an artifact), joined. */
static char *
join_text_parts (JsonObject *with_parts)
{
  JsonArray *parts = td_json_get_array (with_parts, "parts");
  GString *text = g_string_new (NULL);

  for (guint i = 0; parts != NULL && i < json_array_get_length (parts); i++)
    {
      const char *part = td_json_get_string (td_json_array_get_object (parts, i), "text");

      if (part != NULL)
        g_string_append (text, part);
    }
  return g_strstrip (g_string_free (text, FALSE));
}

char *
td_kagent_parse_answer (const char *stdout_text, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) parse_error = NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (stdout_text ? stdout_text : ""));
  JsonObject *task, *status;
  JsonArray *artifacts;
  const char *state;
  g_autofree char *answer = NULL;

  if (trimmed[0] == '\0')
    {
      g_set_error_literal (error, TD_ERROR, TD_ERROR_FAILED,
                           "kagent printed nothing: is the kagent controller running (kagent install) and does it have an LLM key?");
      return NULL;
    }
  if (!json_parser_load_from_data (parser, trimmed, -1, &parse_error) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, TD_ERROR, TD_ERROR_PARSE, "kagent's answer is not the A2A JSON expected: %s",
                   parse_error ? parse_error->message : "not an object");
      return NULL;
    }
  task = json_node_get_object (json_parser_get_root (parser));
  status = td_json_get_object (task, "status");
  state = td_json_get_string (status, "state");
  if (g_strcmp0 (state, "completed") != 0)
    {
      g_autofree char *why = join_text_parts (td_json_get_object (status, "message"));

      g_set_error (error, TD_ERROR, TD_ERROR_FAILED, "kagent's task ended as “%s”%s%s", state ? state : "unknown",
                   why[0] ? ": " : ".", why);
      return NULL;
    }
  artifacts = td_json_get_array (task, "artifacts");
  if (artifacts != NULL && json_array_get_length (artifacts) > 0)
    answer = join_text_parts (td_json_array_get_object (artifacts, json_array_get_length (artifacts) - 1));
  if (answer == NULL || answer[0] == '\0')
    {
      g_set_error_literal (error, TD_ERROR, TD_ERROR_FAILED, "kagent completed but gave no answer text.");
      return NULL;
    }
  return g_steal_pointer (&answer);
}

gboolean
td_kagent_is_installed (TdPreflight *preflight)
{
  TdPreflightCheck *check = preflight ? td_preflight_lookup (preflight, "kagent") : NULL;

  return check != NULL && td_preflight_check_get_status (check) == TD_CHECK_STATUS_OK;
}

static void
kagent_answered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  char *answer;
  int status = -1;

  if (!td_deployment_capture_finish (TD_DEPLOYMENT (source), result, &out, &err, &status, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* It exits 0 even on failure; a non-zero exit with nothing on stdout is a CLI error (an option
   * this version does not know, say), which stderr explains. */
  if (status != 0 && g_strstrip (out)[0] == '\0' && g_strstrip (err)[0] != '\0')
    {
      g_task_return_new_error (task, TD_ERROR, TD_ERROR_EXITED, "kagent failed (exit %d): %s", status, err);
      return;
    }
  answer = td_kagent_parse_answer (out, &error);
  if (answer == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, answer, g_free);
}

void
td_kagent_ask_async (TdDeployment *deployment, TdTask *agent_task, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (deployment, cancellable, callback, user_data);
  const char *argv[] = { "kagent", "invoke", "-a", KAGENT_AGENT, "-t", td_task_get_prompt (agent_task), NULL };

  g_task_set_source_tag (task, td_kagent_ask_async);
  if (argv[5] == NULL)
    {
      g_task_return_new_error (task, TD_ERROR, TD_ERROR_INVALID, "Task %s has no prompt for kagent.",
                               td_task_get_id (agent_task));
      return;
    }
  td_deployment_capture_async (deployment, argv, td_task_get_id (agent_task), KAGENT_TIMEOUT_MS, cancellable,
                               kagent_answered, g_steal_pointer (&task));
}

char *
td_kagent_ask_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
