/* td-rightsizing.c: usage samples from the metrics API, the recommendation rule, values.yaml edits */
#define G_LOG_DOMAIN "td-rightsizing"

#include <string.h>

#include "td-atomic-file.h"
#include "td-audit-log.h"
#include "td-error.h"
#include "td-health-analysis.h"
#include "td-kagent.h"
#include "td-k8s-json.h"
#include "td-quantity.h"
#include "td-rightsizing.h"
#include "td-task-executor.h"
#include "td-yaml.h"

#define NANO_PER_MILLI G_GINT64_CONSTANT (1000000)
#define MI             G_GINT64_CONSTANT (1048576)

/* The floors of TD_RIGHTSIZING_RULE. */
#define CPU_REQUEST_FLOOR_NANO    (10 * NANO_PER_MILLI)
#define CPU_LIMIT_FLOOR_NANO      (100 * NANO_PER_MILLI)
#define MEMORY_REQUEST_FLOOR      (64 * MI)
#define MEMORY_LIMIT_FLOOR        (128 * MI)

/* How much of kagent's answer the audit line quotes after the applied figures (which come first,
 * within the line's 200 characters). */
#define KAGENT_AUDIT_SUMMARY_MAX  60

const char * const td_rightsizing_keys[4] = { "requests.cpu", "requests.memory", "limits.cpu", "limits.memory" };

typedef struct {
  char   *section;
  GArray *cpu;      /* gint64 nanocores, one per pod sample */
  GArray *memory;   /* gint64 bytes */
} Series;

struct _TdUsageSamples {
  GPtrArray  *series;     /* Series*, in the plan's section order */
  GHashTable *by_image;   /* Deployment (= image) name → Series* */
};

static void
series_free (Series *series)
{
  g_free (series->section);
  g_array_unref (series->cpu);
  g_array_unref (series->memory);
  g_free (series);
}

TdUsageSamples *
td_usage_samples_new (TdPlan *plan)
{
  TdUsageSamples *samples = g_new0 (TdUsageSamples, 1);
  const TdYamlNode *values = td_yaml_mapping_get (td_plan_get_settings (plan), "values");

  samples->series = g_ptr_array_new_with_free_func ((GDestroyNotify) series_free);
  samples->by_image = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; values != NULL && values->kind == TD_YAML_MAPPING && i < td_yaml_n_children (values); i++)
    {
      const char *image = td_yaml_mapping_get_string (td_yaml_child (values, i), "image");
      Series *series;

      if (image == NULL || td_yaml_mapping_get (td_yaml_child (values, i), "resources") == NULL)
        continue;
      series = g_new0 (Series, 1);
      series->section = g_strdup (((const TdYamlNode *) values->keys->pdata[i])->value);
      series->cpu = g_array_new (FALSE, FALSE, sizeof (gint64));
      series->memory = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_ptr_array_add (samples->series, series);
      /* The chart names each Deployment after its image (todo-backend). */
      g_hash_table_insert (samples->by_image, g_strdup (image), series);
    }
  return samples;
}

void
td_usage_samples_free (TdUsageSamples *samples)
{
  if (samples == NULL)
    return;
  g_ptr_array_unref (samples->series);
  g_hash_table_unref (samples->by_image);
  g_free (samples);
}

/* A Deployment's pod is <deployment>-<replicaset hash>-<pod hash>. */
static Series *
series_for_pod (TdUsageSamples *samples, const char *pod_name)
{
  g_autofree char *deployment = g_strdup (pod_name ? pod_name : "");

  for (int cut = 0; cut < 2; cut++)
    {
      char *dash = strrchr (deployment, '-');
      if (dash == NULL)
        return NULL;
      *dash = '\0';
    }
  return g_hash_table_lookup (samples->by_image, deployment);
}

guint
td_usage_samples_add (TdUsageSamples *samples, JsonObject *pod_metrics_list)
{
  JsonArray *items = td_json_get_array (pod_metrics_list, "items");
  guint counted = 0;

  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonObject *pod = td_json_array_get_object (items, i);
      Series *series = series_for_pod (samples, td_json_get_string (td_json_get_object (pod, "metadata"), "name"));
      JsonArray *containers = td_json_get_array (pod, "containers");
      gint64 cpu = 0, memory = 0;
      gboolean valid = containers != NULL;

      for (guint c = 0; valid && c < json_array_get_length (containers); c++)
        {
          JsonObject *usage = td_json_get_object (td_json_array_get_object (containers, c), "usage");
          gint64 container_cpu = 0, container_memory = 0;

          valid = td_quantity_parse_nanocores (td_json_get_string (usage, "cpu"), &container_cpu, NULL) &&
                  td_quantity_parse_bytes (td_json_get_string (usage, "memory"), &container_memory, NULL);
          cpu += container_cpu;
          memory += container_memory;
        }
      if (series == NULL || !valid)
        continue;
      g_array_append_val (series->cpu, cpu);
      g_array_append_val (series->memory, memory);
      counted++;
    }
  return counted;
}

static int
compare_gint64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Nearest-rank percentile and the maximum of @values (not empty). */
static void
percentile_and_peak (GArray *values, guint percent, gint64 *out_percentile, gint64 *out_peak)
{
  g_autoptr(GArray) sorted = g_array_copy (values);
  guint rank = (sorted->len * percent + 99) / 100;

  g_array_sort (sorted, compare_gint64);
  *out_percentile = g_array_index (sorted, gint64, MAX (rank, 1) - 1);
  *out_peak = g_array_index (sorted, gint64, sorted->len - 1);
}

/* value × numerator / 10, rounded up, never below @floor, then up to a whole @unit. */
static gint64
scaled_up (gint64 value, gint64 tenths, gint64 floor, gint64 unit)
{
  gint64 scaled = (value * tenths + 9) / 10;

  scaled = MAX (scaled, floor);
  return (scaled + unit - 1) / unit * unit;
}

static char *
format_millicores (gint64 nanocores)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT "m", nanocores / NANO_PER_MILLI);
}

static char *
format_mebibytes (gint64 bytes)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT "Mi", bytes / MI);
}

void
td_rightsizing_free (TdRightsizing *rightsizing)
{
  if (rightsizing == NULL)
    return;
  g_free (rightsizing->section);
  for (guint i = 0; i < 4; i++)
    {
      g_free (rightsizing->current[i]);
      g_free (rightsizing->recommended[i]);
    }
  g_free (rightsizing);
}

/* values.yaml's node for section.resources.<key> ("requests.cpu"), or NULL. */
static const TdYamlNode *
resource_node (const TdYamlNode *root, const char *section, const char *key)
{
  g_auto(GStrv) parts = g_strsplit (key, ".", 2);
  const TdYamlNode *resources = td_yaml_mapping_get (td_yaml_mapping_get (root, section), "resources");

  return td_yaml_mapping_get (td_yaml_mapping_get (resources, parts[0]), parts[1]);
}

GPtrArray *
td_rightsizing_recommend (TdUsageSamples *samples, const char *values_text)
{
  GPtrArray *recommendations = g_ptr_array_new_with_free_func ((GDestroyNotify) td_rightsizing_free);
  g_autoptr(TdYamlNode) values = values_text ? td_yaml_parse (values_text, -1, "values.yaml", NULL) : NULL;

  for (guint i = 0; i < samples->series->len; i++)
    {
      Series *series = samples->series->pdata[i];
      TdRightsizing *rightsizing;
      gint64 cpu_request, memory_request;

      if (series->cpu->len == 0)
        continue;
      rightsizing = g_new0 (TdRightsizing, 1);
      rightsizing->section = g_strdup (series->section);
      rightsizing->n_samples = series->cpu->len;
      percentile_and_peak (series->cpu, 95, &rightsizing->cpu_p95, &rightsizing->cpu_peak);
      percentile_and_peak (series->memory, 95, &rightsizing->memory_p95, &rightsizing->memory_peak);
      cpu_request = scaled_up (rightsizing->cpu_p95, 12, CPU_REQUEST_FLOOR_NANO, NANO_PER_MILLI);
      memory_request = scaled_up (rightsizing->memory_p95, 12, MEMORY_REQUEST_FLOOR, MI);
      rightsizing->recommended[0] = format_millicores (cpu_request);
      rightsizing->recommended[1] = format_mebibytes (memory_request);
      rightsizing->recommended[2] = format_millicores (scaled_up (rightsizing->cpu_peak, 15,
                                                                  MAX (cpu_request, CPU_LIMIT_FLOOR_NANO), NANO_PER_MILLI));
      rightsizing->recommended[3] = format_mebibytes (scaled_up (rightsizing->memory_peak, 15,
                                                                 MAX (memory_request, MEMORY_LIMIT_FLOOR), MI));
      for (guint k = 0; k < 4; k++)
        rightsizing->current[k] = g_strdup (td_yaml_scalar (resource_node (values, series->section, td_rightsizing_keys[k])));
      g_ptr_array_add (recommendations, rightsizing);
    }
  return recommendations;
}

/* ---- values.yaml edits ---------------------------------------------------------------------------- */

typedef struct {
  gsize  start;   /* byte offsets of the scalar in the text, quotes included */
  gsize  end;
  char  *value;
} Edit;

static int
compare_edits_backwards (gconstpointer a, gconstpointer b)
{
  const Edit *x = a, *y = b;

  return x->start < y->start ? 1 : x->start > y->start ? -1 : 0;
}

/* The byte offset of @line:@column (1-based; libyaml counts characters, and values.yaml's
 * resource lines are ASCII up to the value). */
static gsize
offset_of (const char *text, guint line, guint column)
{
  const char *p = text;

  for (guint l = 1; l < line && *p != '\0'; l++)
    {
      const char *newline = strchr (p, '\n');
      p = newline ? newline + 1 : p + strlen (p);
    }
  return (gsize) (p - text) + column - 1;
}

/* Where the scalar starting at @start ends: its closing quote, or the end of a plain word. */
static gsize
scalar_end (const char *text, gsize start)
{
  gsize end = start;

  if (text[start] == '"' || text[start] == '\'')
    {
      const char *close = strchr (text + start + 1, text[start]);
      return close ? (gsize) (close - text) + 1 : start + 1;
    }
  while (text[end] != '\0' && text[end] != '\n' && text[end] != ' ' && text[end] != '\t' && text[end] != '#')
    end++;
  return end;
}

char *
td_rightsizing_apply (const char *values_text, GPtrArray *recommendations, GError **error)
{
  g_autoptr(TdYamlNode) values = td_yaml_parse (values_text, -1, "values.yaml", error);
  g_autoptr(GArray) edits = g_array_new (FALSE, FALSE, sizeof (Edit));
  GString *text;

  if (values == NULL)
    return NULL;
  for (guint i = 0; i < recommendations->len; i++)
    {
      TdRightsizing *rightsizing = recommendations->pdata[i];

      for (guint k = 0; k < 4; k++)
        {
          const TdYamlNode *node = resource_node (values, rightsizing->section, td_rightsizing_keys[k]);
          Edit edit;

          if (node == NULL || node->kind != TD_YAML_SCALAR)
            {
              g_set_error (error, TD_ERROR, TD_ERROR_INVALID, "values.yaml has no %s.resources.%s to update.",
                           rightsizing->section, td_rightsizing_keys[k]);
              return NULL;
            }
          edit.start = offset_of (values_text, node->line, node->column);
          edit.end = scalar_end (values_text, edit.start);
          edit.value = rightsizing->recommended[k];
          g_array_append_val (edits, edit);
        }
    }
  /* From the end backwards, so earlier offsets stay valid. */
  g_array_sort (edits, compare_edits_backwards);
  text = g_string_new (values_text);
  for (guint i = 0; i < edits->len; i++)
    {
      const Edit *edit = &g_array_index (edits, Edit, i);
      g_autofree char *quoted = g_strdup_printf ("\"%s\"", edit->value);

      g_string_erase (text, edit->start, edit->end - edit->start);
      g_string_insert (text, edit->start, quoted);
    }
  return g_string_free (text, FALSE);
}

/* ---- sampling ------------------------------------------------------------------------------------- */

typedef struct {
  TdKubeClient   *client;
  char           *path;
  TdUsageSamples *samples;
  gint64          deadline;     /* monotonic µs */
  guint           interval_ms;
  guint           timer_id;
  guint           n_reads;
} Sampling;

static void
sampling_free (Sampling *sampling)
{
  g_clear_handle_id (&sampling->timer_id, g_source_remove);
  g_object_unref (sampling->client);
  g_free (sampling->path);
  g_free (sampling);
}

static void sample_once (GTask *task);

static gboolean
sample_again (gpointer user_data)
{
  GTask *task = user_data;
  Sampling *sampling = g_task_get_task_data (task);

  sampling->timer_id = 0;
  sample_once (task);
  return G_SOURCE_REMOVE;
}

static void
sampled (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Sampling *sampling = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) list = td_kube_client_request_finish (TD_KUBE_CLIENT (source), result, &error);

  if (list == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          g_object_unref (task);
          return;
        }
      if (sampling->n_reads == 0 && (g_error_matches (error, TD_KUBE_ERROR, TD_KUBE_ERROR_NOT_FOUND) ||
                                     g_error_matches (error, TD_KUBE_ERROR, TD_KUBE_ERROR_SERVER)))
        {
          g_task_return_new_error (task, TD_ERROR, TD_ERROR_NOT_FOUND,
                                   "The metrics API is not available (%s): enable metrics-server with "
                                   "“minikube addons enable metrics-server” and wait about a minute.", error->message);
          g_object_unref (task);
          return;
        }
    }
  else if (JSON_NODE_HOLDS_OBJECT (list))
    td_usage_samples_add (sampling->samples, json_node_get_object (list));
  sampling->n_reads++;
  if (g_get_monotonic_time () >= sampling->deadline)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  sampling->timer_id = g_timeout_add (sampling->interval_ms, sample_again, task);
}

static void
sample_once (GTask *task)
{
  Sampling *sampling = g_task_get_task_data (task);

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  td_kube_client_get_async (sampling->client, sampling->path, g_task_get_cancellable (task), sampled, task);
}

void
td_usage_sample_async (TdKubeClient *client, const char *namespace_, guint duration_ms, guint interval_ms,
                       TdUsageSamples *samples, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (client, cancellable, callback, user_data);
  Sampling *sampling = g_new0 (Sampling, 1);

  g_task_set_source_tag (task, td_usage_sample_async);
  sampling->client = g_object_ref (client);
  sampling->path = g_strdup_printf ("/apis/metrics.k8s.io/v1beta1/namespaces/%s/pods", namespace_);
  sampling->samples = samples;
  sampling->deadline = g_get_monotonic_time () + (gint64) duration_ms * 1000;
  sampling->interval_ms = MAX (interval_ms, 1);
  g_task_set_task_data (task, sampling, (GDestroyNotify) sampling_free);
  sample_once (task);
}

gboolean
td_usage_sample_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- kagent's advice ----------------------------------------------------------------------------- */

void
td_rightsizing_advice_free (TdRightsizingAdvice *advice)
{
  if (advice == NULL)
    return;
  g_free (advice->kagent_answer);
  g_free (advice->kagent_error);
  g_free (advice);
}

/* Returns @task's advice: @kagent_answer, or the built-in label with @kagent_error (NULL: kagent
 * is not installed). */
static void
return_advice (GTask *task, char *kagent_answer, const char *kagent_error)
{
  TdRightsizingAdvice *advice = g_new0 (TdRightsizingAdvice, 1);

  advice->kagent_answer = kagent_answer;
  advice->kagent_error = g_strdup (kagent_error);
  g_task_return_pointer (task, advice, (GDestroyNotify) td_rightsizing_advice_free);
}

static void
kagent_advised (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  char *answer = td_kagent_ask_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    return_advice (task, answer, error ? error->message : NULL);
}

void
td_rightsizing_advise_async (TdDeployment *deployment, TdTask *usage_task, gboolean use_kagent,
                             GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (deployment, cancellable, callback, user_data);

  g_task_set_source_tag (task, td_rightsizing_advise_async);
  if (!use_kagent)
    {
      return_advice (task, NULL, NULL);
      return;
    }
  td_kagent_ask_async (deployment, usage_task, cancellable, kagent_advised, g_steal_pointer (&task));
}

TdRightsizingAdvice *
td_rightsizing_advise_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- applying ------------------------------------------------------------------------------------ */

char *
td_rightsizing_summary (GPtrArray *recommendations)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < recommendations->len; i++)
    {
      TdRightsizing *r = recommendations->pdata[i];

      g_string_append_printf (text, "%s%s requests %s/%s, limits %s/%s", i > 0 ? "; " : "", r->section,
                              r->recommended[0], r->recommended[1], r->recommended[2], r->recommended[3]);
    }
  return g_string_free (text, FALSE);
}

typedef struct {
  TdTask   *audit_task;
  char     *summary;          /* the applied figures, and what kagent advised when it did */
  gboolean  kagent_advised;
} ApplyData;

static void
apply_data_free (ApplyData *data)
{
  g_clear_object (&data->audit_task);
  g_free (data->summary);
  g_free (data);
}

/* The audit line's summary: the figures applied, then the start of kagent's advice, so the line
 * says both who advised and that the numbers are the wizard's measurement. */
static char *
audit_summary (GPtrArray *recommendations, const char *kagent_answer)
{
  g_autofree char *applied = td_rightsizing_summary (recommendations);
  g_autofree char *advice = NULL;

  if (kagent_answer == NULL)
    return g_steal_pointer (&applied);
  advice = td_audit_log_summarise (kagent_answer, KAGENT_AUDIT_SUMMARY_MAX);
  return g_strdup_printf ("%s (measured; kagent advised: %s)", applied, advice);
}

static void
upgraded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  ApplyData *data = g_task_get_task_data (task);
  TdDeployment *deployment = TD_DEPLOYMENT (source);
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;

  if (!td_deployment_capture_finish (deployment, result, NULL, &err, &status, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (status != 0)
    {
      g_task_return_new_error (task, TD_ERROR, TD_ERROR_EXITED,
                               "values.yaml has the new values, but helm upgrade failed: %s", g_strstrip (err));
      return;
    }
  if (data->audit_task != NULL && td_task_get_n_audit_entries (data->audit_task) > 0)
    {
      const TdTaskAuditEntry *entry = td_task_get_audit_entry (data->audit_task, 0);
      g_autofree char *line = td_audit_result_fill (entry->result, data->summary);
      const char *tag = data->kagent_advised || entry->fallback_tag == NULL ? entry->tag : entry->fallback_tag;

      if (!td_audit_log_append (td_deployment_get_audit_log (deployment), tag, entry->prompt, line, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  g_task_return_boolean (task, TRUE);
}

void
td_rightsizing_apply_async (TdDeployment *deployment, GPtrArray *recommendations, const char *kagent_answer,
                            TdTask *upgrade_task, TdTask *audit_task, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (deployment, cancellable, callback, user_data);
  ApplyData *data = g_new0 (ApplyData, 1);
  g_autofree char *path = td_deployment_project_path (deployment, td_task_get_artifact (upgrade_task));
  g_autofree char *text = NULL;
  g_autofree char *updated = NULL;
  g_auto(GStrv) argv = NULL;
  g_autoptr(GError) error = NULL;

  g_task_set_source_tag (task, td_rightsizing_apply_async);
  data->audit_task = audit_task ? g_object_ref (audit_task) : NULL;
  data->summary = audit_summary (recommendations, kagent_answer);
  data->kagent_advised = kagent_answer != NULL;
  g_task_set_task_data (task, data, (GDestroyNotify) apply_data_free);
  if (!g_file_get_contents (path, &text, NULL, &error) ||
      (updated = td_rightsizing_apply (text, recommendations, &error)) == NULL ||
      !td_atomic_file_write (path, updated, -1, &error) ||
      (argv = td_task_executor_build_argv (upgrade_task, &error)) == NULL)
    {
      if (error == NULL)
        g_set_error (&error, TD_ERROR, TD_ERROR_INVALID, "Task %s runs no program.", td_task_get_id (upgrade_task));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  td_deployment_capture_async (deployment, (const char * const *) argv, td_task_get_id (upgrade_task),
                               10 * 60 * 1000, cancellable, upgraded, g_steal_pointer (&task));
}

gboolean
td_rightsizing_apply_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
