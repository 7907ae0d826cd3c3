/* td-health-analysis.c: kagent's answer, or the built-in pod analysis, and the audit line */
#define G_LOG_DOMAIN "td-health-analysis"

#include <string.h>

#include "td-audit-log.h"
#include "td-error.h"
#include "td-health-analysis.h"
#include "td-kagent.h"
#include "td-pod.h"

#define AUDIT_SUMMARY_MAX 200

char *
td_health_analysis_builtin (GListModel *pods)
{
  guint n = g_list_model_get_n_items (pods), n_ready = 0;
  g_autoptr(GString) details = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TdPod) pod = g_list_model_get_item (pods, i);

      if (td_pod_get_is_ready (pod))
        {
          n_ready++;
          continue;
        }
      g_string_append_printf (details, "\n%s (%s, %s): %s", td_pod_get_name (pod), td_pod_get_ready (pod),
                              td_pod_get_status (pod),
                              td_pod_get_diagnosis_text (pod) ? td_pod_get_diagnosis_text (pod) : "still starting");
    }
  return g_strdup_printf ("%u pods checked: %u Running and ready, %u unhealthy.%s", n, n_ready, n - n_ready, details->str);
}

void
td_health_report_free (TdHealthReport *report)
{
  if (report == NULL)
    return;
  g_free (report->text);
  g_free (report->tag);
  g_free (report->kagent_error);
  g_free (report);
}

typedef struct {
  TdTask     *audit_task;
  GListModel *pods;
} RunData;

static void
run_data_free (RunData *data)
{
  g_clear_object (&data->audit_task);
  g_clear_object (&data->pods);
  g_free (data);
}

char *
td_audit_result_fill (const char *result_template, const char *value)
{
  g_autofree char *summary = td_audit_log_summarise (value, AUDIT_SUMMARY_MAX);
  const char *open = strchr (result_template, '<');
  const char *close = open ? strchr (open, '>') : NULL;

  if (open == NULL || close == NULL)
    return g_strdup (result_template);
  return g_strdup_printf ("%.*s%s%s", (int) (open - result_template), result_template, summary, close + 1);
}

static void
finish_with (GTask *task, TdHealthReport *report)
{
  RunData *data = g_task_get_task_data (task);
  TdDeployment *deployment = g_task_get_source_object (task);
  const TdTaskAuditEntry *entry = data->audit_task && td_task_get_n_audit_entries (data->audit_task) > 0
                                    ? td_task_get_audit_entry (data->audit_task, 0) : NULL;
  g_autoptr(GError) error = NULL;

  if (entry != NULL)
    {
      g_autofree char *result = td_audit_result_fill (entry->result, report->text);

      report->tag = g_strdup (report->builtin && entry->fallback_tag ? entry->fallback_tag : entry->tag);
      if (!td_audit_log_append (td_deployment_get_audit_log (deployment), report->tag, entry->prompt, result, &error))
        {
          td_health_report_free (report);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  g_task_return_pointer (task, report, (GDestroyNotify) td_health_report_free);
}

static void
finish_builtin (GTask *task, const char *kagent_error)
{
  RunData *data = g_task_get_task_data (task);
  TdHealthReport *report = g_new0 (TdHealthReport, 1);

  report->text = td_health_analysis_builtin (data->pods);
  report->builtin = TRUE;
  report->kagent_error = g_strdup (kagent_error);
  finish_with (task, report);
}

static void
kagent_answered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *answer = td_kagent_ask_finish (result, &error);
  TdHealthReport *report;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (answer == NULL)
    {
      finish_builtin (task, error->message);
      return;
    }
  report = g_new0 (TdHealthReport, 1);
  report->text = g_steal_pointer (&answer);
  finish_with (task, report);
}

void
td_health_analysis_run_async (TdDeployment *deployment, TdTask *agent_task, TdTask *audit_task,
                              gboolean use_kagent, GListModel *pods, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (deployment, cancellable, callback, user_data);
  RunData *data = g_new0 (RunData, 1);

  g_task_set_source_tag (task, td_health_analysis_run_async);
  data->audit_task = audit_task ? g_object_ref (audit_task) : NULL;
  data->pods = g_object_ref (pods);
  g_task_set_task_data (task, data, (GDestroyNotify) run_data_free);
  if (!use_kagent || agent_task == NULL || td_task_get_prompt (agent_task) == NULL)
    {
      finish_builtin (task, NULL);
      return;
    }
  td_kagent_ask_async (deployment, agent_task, cancellable, kagent_answered, g_steal_pointer (&task));
}

TdHealthReport *
td_health_analysis_run_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
