/* td-pod-health.c: a port of kubectl's printPod (pkg/printers/internalversion/printers.go) and of
 * apimachinery's HumanDuration. The structure follows the Go code on purpose, so that the two can be
 * compared line by line when Kubernetes changes; see reference/k8s.md §3.2. */
#define G_LOG_DOMAIN "td-pod-health"

#include "td-pod-health.h"

#include "td-k8s-json.h"

#define NO_TIME G_MININT64   /* Go's zero time.Time: "never restarted" */

char *
td_human_duration (gint64 seconds)
{
  gint64 minutes, hours, days, years, rest;

  /* Up to a second in the future is tolerated as clock skew. */
  if (seconds < -1)
    return g_strdup ("<invalid>");
  if (seconds < 0)
    return g_strdup ("0s");
  if (seconds < 60 * 2)
    return g_strdup_printf ("%" G_GINT64_FORMAT "s", seconds);

  minutes = seconds / 60;
  if (minutes < 10)
    {
      rest = seconds % 60;
      if (rest == 0)
        return g_strdup_printf ("%" G_GINT64_FORMAT "m", minutes);
      return g_strdup_printf ("%" G_GINT64_FORMAT "m%" G_GINT64_FORMAT "s", minutes, rest);
    }
  if (minutes < 60 * 3)
    return g_strdup_printf ("%" G_GINT64_FORMAT "m", minutes);

  hours = seconds / 3600;
  if (hours < 8)
    {
      rest = minutes % 60;
      if (rest == 0)
        return g_strdup_printf ("%" G_GINT64_FORMAT "h", hours);
      return g_strdup_printf ("%" G_GINT64_FORMAT "h%" G_GINT64_FORMAT "m", hours, rest);
    }
  if (hours < 48)
    return g_strdup_printf ("%" G_GINT64_FORMAT "h", hours);

  days = hours / 24;
  if (hours < 24 * 8)
    {
      rest = hours % 24;
      if (rest == 0)
        return g_strdup_printf ("%" G_GINT64_FORMAT "d", days);
      return g_strdup_printf ("%" G_GINT64_FORMAT "d%" G_GINT64_FORMAT "h", days, rest);
    }
  if (hours < 24 * 365 * 2)
    return g_strdup_printf ("%" G_GINT64_FORMAT "d", days);

  years = days / 365;
  if (hours < 24 * 365 * 8)
    {
      rest = days % 365;
      if (rest == 0)
        return g_strdup_printf ("%" G_GINT64_FORMAT "y", years);
      return g_strdup_printf ("%" G_GINT64_FORMAT "y%" G_GINT64_FORMAT "d", years, rest);
    }
  return g_strdup_printf ("%" G_GINT64_FORMAT "y", years);
}

gboolean
td_k8s_time_parse (const char *text,
                   gint64     *out_seconds)
{
  g_autoptr(GDateTime) time = NULL;

  if (text == NULL || *text == '\0')
    return FALSE;
  time = g_date_time_new_from_iso8601 (text, NULL);
  if (time == NULL)
    return FALSE;
  if (out_seconds != NULL)
    *out_seconds = g_date_time_to_unix (time);
  return TRUE;
}

/* "True", "False", "Unknown" or NULL when the pod has no such condition. */
static const char *
condition_status (JsonObject *status,
                  const char *type)
{
  JsonArray *conditions = td_json_get_array (status, "conditions");

  for (guint i = 0; conditions != NULL && i < json_array_get_length (conditions); i++)
    {
      JsonObject *condition = td_json_array_get_object (conditions, i);

      if (g_strcmp0 (td_json_get_string (condition, "type"), type) == 0)
        return td_json_get_string (condition, "status");
    }
  return NULL;
}

/* A restartable init container ("sidecar", KEP-753): an init container with restartPolicy Always. */
static gboolean
is_sidecar (JsonArray  *init_containers,
            const char *name)
{
  for (guint i = 0; init_containers != NULL && i < json_array_get_length (init_containers); i++)
    {
      JsonObject *container = td_json_array_get_object (init_containers, i);

      if (g_strcmp0 (td_json_get_string (container, "name"), name) == 0)
        return g_strcmp0 (td_json_get_string (container, "restartPolicy"), "Always") == 0;
    }
  return FALSE;
}

/* Moves *latest to lastState.terminated.finishedAt if that is later. */
static void
note_last_termination (JsonObject *container_status,
                       gint64     *latest)
{
  JsonObject *terminated = td_json_get_object (td_json_get_object (container_status, "lastState"), "terminated");
  gint64 finished;

  if (terminated != NULL &&
      td_k8s_time_parse (td_json_get_string (terminated, "finishedAt"), &finished) &&
      finished > *latest)
    *latest = finished;
}

/* "Signal:9" / "ExitCode:1" for a termination without a reason, with an optional "Init:" prefix. */
static char *
termination_code (JsonObject *terminated,
                  const char *prefix)
{
  gint64 signal = td_json_get_int (terminated, "signal", 0);

  if (signal != 0)
    return g_strdup_printf ("%sSignal:%" G_GINT64_FORMAT, prefix, signal);
  return g_strdup_printf ("%sExitCode:%" G_GINT64_FORMAT, prefix,
                          td_json_get_int (terminated, "exitCode", 0));
}

typedef struct {
  guint   ready;
  guint   total;
  char   *reason;
  gint64  restarts;
  gint64  last_restart;   /* Unix seconds, or NO_TIME */
} PodSummary;

static void
pod_summary_clear (PodSummary *summary)
{
  g_clear_pointer (&summary->reason, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PodSummary, pod_summary_clear)

static void
set_reason (PodSummary *summary,
            char       *reason)
{
  g_free (summary->reason);
  summary->reason = reason;
}

static void
summarize_pod (JsonObject *pod,
               PodSummary *summary)
{
  JsonObject *metadata = td_json_get_object (pod, "metadata");
  JsonObject *spec = td_json_get_object (pod, "spec");
  JsonObject *status = td_json_get_object (pod, "status");
  JsonArray *containers = td_json_get_array (spec, "containers");
  JsonArray *init_containers = td_json_get_array (spec, "initContainers");
  JsonArray *init_statuses = td_json_get_array (status, "initContainerStatuses");
  JsonArray *statuses = td_json_get_array (status, "containerStatuses");
  JsonArray *conditions = td_json_get_array (status, "conditions");
  const char *phase = td_json_get_string (status, "phase");
  const char *pod_reason = td_json_get_string (status, "reason");
  guint n_init = init_containers != NULL ? json_array_get_length (init_containers) : 0;
  gint64 sidecar_restarts = 0;
  gint64 last_sidecar_restart = NO_TIME;
  gboolean initializing = FALSE;

  summary->ready = 0;
  summary->total = containers != NULL ? json_array_get_length (containers) : 0;
  summary->restarts = 0;
  summary->last_restart = NO_TIME;
  set_reason (summary, g_strdup (phase != NULL ? phase : ""));
  if (pod_reason != NULL && *pod_reason != '\0')
    set_reason (summary, g_strdup (pod_reason));

  for (guint i = 0; conditions != NULL && i < json_array_get_length (conditions); i++)
    {
      JsonObject *condition = td_json_array_get_object (conditions, i);

      if (g_strcmp0 (td_json_get_string (condition, "type"), "PodScheduled") == 0 &&
          g_strcmp0 (td_json_get_string (condition, "reason"), "SchedulingGated") == 0)
        set_reason (summary, g_strdup ("SchedulingGated"));
    }

  for (guint i = 0; i < n_init; i++)
    {
      JsonObject *container = td_json_array_get_object (init_containers, i);

      if (g_strcmp0 (td_json_get_string (container, "restartPolicy"), "Always") == 0)
        summary->total++;
    }

  for (guint i = 0; init_statuses != NULL && i < json_array_get_length (init_statuses); i++)
    {
      JsonObject *cs = td_json_array_get_object (init_statuses, i);
      JsonObject *state = td_json_get_object (cs, "state");
      JsonObject *terminated = td_json_get_object (state, "terminated");
      JsonObject *waiting = td_json_get_object (state, "waiting");
      const char *waiting_reason = td_json_get_string (waiting, "reason");
      gboolean sidecar = is_sidecar (init_containers, td_json_get_string (cs, "name"));
      gint64 restart_count = td_json_get_int (cs, "restartCount", 0);

      summary->restarts += restart_count;
      note_last_termination (cs, &summary->last_restart);
      if (sidecar)
        {
          sidecar_restarts += restart_count;
          note_last_termination (cs, &last_sidecar_restart);
        }

      if (terminated != NULL && td_json_get_int (terminated, "exitCode", 0) == 0)
        continue;
      if (sidecar && td_json_get_bool (cs, "started"))
        {
          if (td_json_get_bool (cs, "ready"))
            summary->ready++;
          continue;
        }

      if (terminated != NULL)
        {
          const char *reason = td_json_get_string (terminated, "reason");

          if (reason != NULL && *reason != '\0')
            set_reason (summary, g_strconcat ("Init:", reason, NULL));
          else
            set_reason (summary, termination_code (terminated, "Init:"));
        }
      else if (waiting_reason != NULL && *waiting_reason != '\0' &&
               g_strcmp0 (waiting_reason, "PodInitializing") != 0)
        set_reason (summary, g_strconcat ("Init:", waiting_reason, NULL));
      else
        set_reason (summary, g_strdup_printf ("Init:%u/%u", i, n_init));
      initializing = TRUE;
      break;
    }

  if (!initializing || g_strcmp0 (condition_status (status, "Initialized"), "True") == 0)
    {
      gboolean has_running = FALSE;
      guint n = statuses != NULL ? json_array_get_length (statuses) : 0;

      summary->restarts = sidecar_restarts;
      summary->last_restart = last_sidecar_restart;

      /* Last container first, so that the first container's reason is the one that stays. */
      for (guint i = n; i-- > 0;)
        {
          JsonObject *cs = td_json_array_get_object (statuses, i);
          JsonObject *state = td_json_get_object (cs, "state");
          JsonObject *terminated = td_json_get_object (state, "terminated");
          const char *waiting_reason = td_json_get_string (td_json_get_object (state, "waiting"), "reason");
          const char *terminated_reason = td_json_get_string (terminated, "reason");

          summary->restarts += td_json_get_int (cs, "restartCount", 0);
          note_last_termination (cs, &summary->last_restart);

          if (waiting_reason != NULL && *waiting_reason != '\0')
            set_reason (summary, g_strdup (waiting_reason));
          else if (terminated_reason != NULL && *terminated_reason != '\0')
            set_reason (summary, g_strdup (terminated_reason));
          else if (terminated != NULL)
            set_reason (summary, termination_code (terminated, ""));
          else if (td_json_get_bool (cs, "ready") && td_json_get_object (state, "running") != NULL)
            {
              has_running = TRUE;
              summary->ready++;
            }
        }

      /* A pod whose finished container left others running is still running. */
      if (g_strcmp0 (summary->reason, "Completed") == 0 && has_running)
        set_reason (summary, g_strdup (g_strcmp0 (condition_status (status, "Ready"), "True") == 0
                                       ? "Running" : "NotReady"));
    }

  if (td_json_get_string (metadata, "deletionTimestamp") != NULL)
    {
      if (g_strcmp0 (pod_reason, "NodeLost") == 0)
        set_reason (summary, g_strdup ("Unknown"));
      else if (g_strcmp0 (phase, "Succeeded") != 0 && g_strcmp0 (phase, "Failed") != 0)
        set_reason (summary, g_strdup ("Terminating"));
    }
}

char *
td_pod_health_ready (JsonObject *pod)
{
  g_auto(PodSummary) summary = { 0 };

  g_return_val_if_fail (pod != NULL, NULL);
  summarize_pod (pod, &summary);
  return g_strdup_printf ("%u/%u", summary.ready, summary.total);
}

char *
td_pod_health_status (JsonObject *pod)
{
  g_auto(PodSummary) summary = { 0 };

  g_return_val_if_fail (pod != NULL, NULL);
  summarize_pod (pod, &summary);
  return g_steal_pointer (&summary.reason);
}

static char *
format_restarts (const PodSummary *summary,
                 gint64            now)
{
  g_autofree char *ago = NULL;

  if (summary->restarts == 0 || summary->last_restart == NO_TIME)
    return g_strdup_printf ("%" G_GINT64_FORMAT, summary->restarts);
  ago = td_human_duration (now - summary->last_restart);
  return g_strdup_printf ("%" G_GINT64_FORMAT " (%s ago)", summary->restarts, ago);
}

char *
td_pod_health_restarts (JsonObject *pod,
                        gint64      now)
{
  g_auto(PodSummary) summary = { 0 };

  g_return_val_if_fail (pod != NULL, NULL);
  summarize_pod (pod, &summary);
  return format_restarts (&summary, now);
}

char *
td_pod_health_age (JsonObject *pod,
                   gint64      now)
{
  gint64 created;

  g_return_val_if_fail (pod != NULL, NULL);
  if (!td_k8s_time_parse (td_json_get_string (td_json_get_object (pod, "metadata"), "creationTimestamp"), &created))
    return g_strdup ("<unknown>");
  return td_human_duration (now - created);
}

static char *
string_or_none (const char *value)
{
  return g_strdup (value != NULL && *value != '\0' ? value : "<none>");
}

char *
td_pod_health_ip (JsonObject *pod)
{
  JsonArray *ips = td_json_get_array (td_json_get_object (pod, "status"), "podIPs");

  g_return_val_if_fail (pod != NULL, NULL);
  return string_or_none (td_json_get_string (td_json_array_get_object (ips, 0), "ip"));
}

char *
td_pod_health_node (JsonObject *pod)
{
  g_return_val_if_fail (pod != NULL, NULL);
  return string_or_none (td_json_get_string (td_json_get_object (pod, "spec"), "nodeName"));
}

char *
td_pod_health_nominated_node (JsonObject *pod)
{
  g_return_val_if_fail (pod != NULL, NULL);
  return string_or_none (td_json_get_string (td_json_get_object (pod, "status"), "nominatedNodeName"));
}

char *
td_pod_health_readiness_gates (JsonObject *pod)
{
  JsonArray *gates = td_json_get_array (td_json_get_object (pod, "spec"), "readinessGates");
  JsonObject *status = td_json_get_object (pod, "status");
  guint n, passed = 0;

  g_return_val_if_fail (pod != NULL, NULL);
  n = gates != NULL ? json_array_get_length (gates) : 0;
  if (n == 0)
    return g_strdup ("<none>");
  for (guint i = 0; i < n; i++)
    {
      const char *type = td_json_get_string (td_json_array_get_object (gates, i), "conditionType");

      if (type != NULL && g_strcmp0 (condition_status (status, type), "True") == 0)
        passed++;
    }
  return g_strdup_printf ("%u/%u", passed, n);
}

static gboolean
summary_is_ready (const PodSummary *summary)
{
  return summary->total > 0 && summary->ready == summary->total &&
         g_strcmp0 (summary->reason, "Running") == 0;
}

gboolean
td_pod_health_is_ready (JsonObject *pod)
{
  g_auto(PodSummary) summary = { 0 };

  g_return_val_if_fail (pod != NULL, FALSE);
  summarize_pod (pod, &summary);
  return summary_is_ready (&summary);
}

G_DEFINE_BOXED_TYPE (TdPodRow, td_pod_row, td_pod_row_copy, td_pod_row_free)

TdPodRow *
td_pod_row_new (JsonObject *pod,
                gint64      now)
{
  g_auto(PodSummary) summary = { 0 };
  JsonObject *metadata = td_json_get_object (pod, "metadata");
  TdPodRow *row;

  g_return_val_if_fail (pod != NULL, NULL);
  summarize_pod (pod, &summary);

  row = g_new0 (TdPodRow, 1);
  row->name = g_strdup (td_json_get_string (metadata, "name"));
  row->namespace = g_strdup (td_json_get_string (metadata, "namespace"));
  row->ready = g_strdup_printf ("%u/%u", summary.ready, summary.total);
  row->restarts = format_restarts (&summary, now);
  row->age = td_pod_health_age (pod, now);
  row->is_ready = summary_is_ready (&summary);
  row->status = g_steal_pointer (&summary.reason);
  return row;
}

TdPodRow *
td_pod_row_copy (const TdPodRow *row)
{
  TdPodRow *copy;

  g_return_val_if_fail (row != NULL, NULL);
  copy = g_new0 (TdPodRow, 1);
  copy->name = g_strdup (row->name);
  copy->namespace = g_strdup (row->namespace);
  copy->ready = g_strdup (row->ready);
  copy->status = g_strdup (row->status);
  copy->restarts = g_strdup (row->restarts);
  copy->age = g_strdup (row->age);
  copy->is_ready = row->is_ready;
  return copy;
}

void
td_pod_row_free (TdPodRow *row)
{
  if (row == NULL)
    return;
  g_free (row->name);
  g_free (row->namespace);
  g_free (row->ready);
  g_free (row->status);
  g_free (row->restarts);
  g_free (row->age);
  g_free (row);
}
