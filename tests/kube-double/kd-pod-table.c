/* kd-pod-table.c: the columns of `kubectl get pods`, computed the way the apiserver's printPod
 * does (see k8s.md §3.2), so that real kubectl prints what it prints against a real cluster */
#define G_LOG_DOMAIN "kd-pod-table"

#include <string.h>

#include "kd-pod-table.h"

char *
kd_human_duration (GTimeSpan span)
{
  gint64 seconds = span / G_USEC_PER_SEC;
  gint64 minutes, hours, days, years;

  if (seconds < -1)
    return g_strdup ("<invalid>");
  if (seconds < 0)
    return g_strdup ("0s");
  if (seconds < 60 * 2)
    return g_strdup_printf ("%" G_GINT64_FORMAT "s", seconds);
  minutes = seconds / 60;
  if (minutes < 10)
    return seconds % 60 == 0 ? g_strdup_printf ("%" G_GINT64_FORMAT "m", minutes)
                             : g_strdup_printf ("%" G_GINT64_FORMAT "m%" G_GINT64_FORMAT "s", minutes, seconds % 60);
  if (minutes < 60 * 3)
    return g_strdup_printf ("%" G_GINT64_FORMAT "m", minutes);
  hours = seconds / 3600;
  if (hours < 8)
    return minutes % 60 == 0 ? g_strdup_printf ("%" G_GINT64_FORMAT "h", hours)
                             : g_strdup_printf ("%" G_GINT64_FORMAT "h%" G_GINT64_FORMAT "m", hours, minutes % 60);
  if (hours < 48)
    return g_strdup_printf ("%" G_GINT64_FORMAT "h", hours);
  days = hours / 24;
  if (hours < 24 * 8)
    return hours % 24 == 0 ? g_strdup_printf ("%" G_GINT64_FORMAT "d", days)
                           : g_strdup_printf ("%" G_GINT64_FORMAT "d%" G_GINT64_FORMAT "h", days, hours % 24);
  if (hours < 24 * 365 * 2)
    return g_strdup_printf ("%" G_GINT64_FORMAT "d", days);
  years = days / 365;
  if (hours < 24 * 365 * 8 && days % 365 != 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT "y%" G_GINT64_FORMAT "d", years, days % 365);
  return g_strdup_printf ("%" G_GINT64_FORMAT "y", years);
}

static JsonObject *
member_object (JsonObject *object, const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
member_array (JsonObject *object, const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;
  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static const char *
member_string (JsonObject *object, const char *name)
{
  return object != NULL ? json_object_get_string_member_with_default (object, name, "") : "";
}

static GDateTime *
parse_time (const char *text)
{
  return text != NULL && *text != '\0' ? g_date_time_new_from_iso8601 (text, NULL) : NULL;
}

static const char *
condition_status (JsonObject *status, const char *type)
{
  JsonArray *conditions = member_array (status, "conditions");

  for (guint i = 0; conditions != NULL && i < json_array_get_length (conditions); i++)
    {
      JsonObject *condition = json_array_get_object_element (conditions, i);
      if (strcmp (member_string (condition, "type"), type) == 0)
        return member_string (condition, "status");
    }
  return "";
}

/* Keeps the latest lastState.terminated.finishedAt of @container_status in *latest. */
static void
note_last_restart (JsonObject *container_status, GDateTime **latest)
{
  JsonObject *terminated = member_object (member_object (container_status, "lastState"), "terminated");
  GDateTime *finished = terminated != NULL ? parse_time (member_string (terminated, "finishedAt")) : NULL;

  if (finished == NULL)
    return;
  if (*latest == NULL || g_date_time_compare (finished, *latest) > 0)
    {
      g_clear_pointer (latest, g_date_time_unref);
      *latest = finished;
    }
  else
    g_date_time_unref (finished);
}

static char *
terminated_reason (JsonObject *terminated, const char *prefix)
{
  gint64 signal = json_object_get_int_member_with_default (terminated, "signal", 0);

  if (*member_string (terminated, "reason") != '\0')
    return g_strconcat (prefix, member_string (terminated, "reason"), NULL);
  if (signal != 0)
    return g_strdup_printf ("%sSignal:%" G_GINT64_FORMAT, prefix, signal);
  return g_strdup_printf ("%sExitCode:%" G_GINT64_FORMAT, prefix,
                          json_object_get_int_member_with_default (terminated, "exitCode", 0));
}

static gboolean
is_sidecar (JsonArray *init_containers, const char *name)
{
  for (guint i = 0; init_containers != NULL && i < json_array_get_length (init_containers); i++)
    {
      JsonObject *container = json_array_get_object_element (init_containers, i);
      if (strcmp (member_string (container, "name"), name) == 0)
        return strcmp (member_string (container, "restartPolicy"), "Always") == 0;
    }
  return FALSE;
}

GStrv
kd_pod_table_cells (JsonObject *pod,
                    GDateTime  *now)
{
  JsonObject *metadata = member_object (pod, "metadata");
  JsonObject *spec = member_object (pod, "spec");
  JsonObject *status = member_object (pod, "status");
  JsonArray *containers = member_array (spec, "containers");
  JsonArray *init_containers = member_array (spec, "initContainers");
  JsonArray *init_statuses = member_array (status, "initContainerStatuses");
  JsonArray *statuses = member_array (status, "containerStatuses");
  JsonArray *pod_ips = member_array (status, "podIPs");
  JsonArray *gates = member_array (spec, "readinessGates");
  g_autoptr(GDateTime) last_restart = NULL;
  g_autoptr(GDateTime) last_sidecar_restart = NULL;
  g_autoptr(GDateTime) created = parse_time (member_string (metadata, "creationTimestamp"));
  g_autoptr(GStrvBuilder) cells = g_strv_builder_new ();
  g_autofree char *reason = NULL;
  g_autofree char *restarts_text = NULL;
  g_autofree char *age = NULL;
  g_autofree char *gates_text = NULL;
  g_autofree char *ready_text = NULL;
  guint n_init = init_containers != NULL ? json_array_get_length (init_containers) : 0;
  gint64 restarts = 0, sidecar_restarts = 0;
  guint ready = 0, total = containers != NULL ? json_array_get_length (containers) : 0;
  gboolean initializing = FALSE;

  reason = g_strdup (*member_string (status, "reason") != '\0' ? member_string (status, "reason")
                                                                 : member_string (status, "phase"));
  for (guint i = 0; i < n_init; i++)
    total += is_sidecar (init_containers, member_string (json_array_get_object_element (init_containers, i), "name"));

  for (guint i = 0; init_statuses != NULL && i < json_array_get_length (init_statuses); i++)
    {
      JsonObject *s = json_array_get_object_element (init_statuses, i);
      JsonObject *state = member_object (s, "state");
      JsonObject *terminated = member_object (state, "terminated");
      JsonObject *waiting = member_object (state, "waiting");
      gboolean sidecar = is_sidecar (init_containers, member_string (s, "name"));

      restarts += json_object_get_int_member_with_default (s, "restartCount", 0);
      note_last_restart (s, &last_restart);
      if (sidecar)
        {
          sidecar_restarts += json_object_get_int_member_with_default (s, "restartCount", 0);
          note_last_restart (s, &last_sidecar_restart);
        }
      if (terminated != NULL && json_object_get_int_member_with_default (terminated, "exitCode", 0) == 0)
        continue;
      if (sidecar && json_object_get_boolean_member_with_default (s, "started", FALSE))
        {
          ready += json_object_get_boolean_member_with_default (s, "ready", FALSE);
          continue;
        }
      g_free (reason);
      if (terminated != NULL)
        reason = terminated_reason (terminated, "Init:");
      else if (waiting != NULL && *member_string (waiting, "reason") != '\0' &&
               strcmp (member_string (waiting, "reason"), "PodInitializing") != 0)
        reason = g_strconcat ("Init:", member_string (waiting, "reason"), NULL);
      else
        reason = g_strdup_printf ("Init:%u/%u", i, n_init);
      initializing = TRUE;
      break;
    }

  if (!initializing || strcmp (condition_status (status, "Initialized"), "True") == 0)
    {
      gboolean has_running = FALSE;

      restarts = sidecar_restarts;
      g_clear_pointer (&last_restart, g_date_time_unref);
      last_restart = g_steal_pointer (&last_sidecar_restart);
      for (int i = statuses != NULL ? (int) json_array_get_length (statuses) - 1 : -1; i >= 0; i--)
        {
          JsonObject *s = json_array_get_object_element (statuses, i);
          JsonObject *state = member_object (s, "state");
          JsonObject *waiting = member_object (state, "waiting");
          JsonObject *terminated = member_object (state, "terminated");

          restarts += json_object_get_int_member_with_default (s, "restartCount", 0);
          note_last_restart (s, &last_restart);
          if (waiting != NULL && *member_string (waiting, "reason") != '\0')
            {
              g_free (reason);
              reason = g_strdup (member_string (waiting, "reason"));
            }
          else if (terminated != NULL)
            {
              g_free (reason);
              reason = terminated_reason (terminated, "");
            }
          else if (json_object_get_boolean_member_with_default (s, "ready", FALSE) &&
                   member_object (state, "running") != NULL)
            {
              has_running = TRUE;
              ready++;
            }
        }
      if (strcmp (reason, "Completed") == 0 && has_running)
        {
          g_free (reason);
          reason = g_strdup (strcmp (condition_status (status, "Ready"), "True") == 0 ? "Running" : "NotReady");
        }
    }

  if (json_object_has_member (metadata, "deletionTimestamp"))
    {
      const char *phase = member_string (status, "phase");
      if (strcmp (member_string (status, "reason"), "NodeLost") == 0)
        { g_free (reason); reason = g_strdup ("Unknown"); }
      else if (strcmp (phase, "Succeeded") != 0 && strcmp (phase, "Failed") != 0)
        { g_free (reason); reason = g_strdup ("Terminating"); }
    }

  if (restarts != 0 && last_restart != NULL)
    {
      g_autofree char *ago = kd_human_duration (g_date_time_difference (now, last_restart));
      restarts_text = g_strdup_printf ("%" G_GINT64_FORMAT " (%s ago)", restarts, ago);
    }
  else
    restarts_text = g_strdup_printf ("%" G_GINT64_FORMAT, restarts);
  age = created != NULL ? kd_human_duration (g_date_time_difference (now, created)) : g_strdup ("<unknown>");

  if (gates != NULL && json_array_get_length (gates) > 0)
    {
      guint true_gates = 0;
      for (guint i = 0; i < json_array_get_length (gates); i++)
        true_gates += strcmp (condition_status (status, member_string (json_array_get_object_element (gates, i),
                                                                        "conditionType")), "True") == 0;
      gates_text = g_strdup_printf ("%u/%u", true_gates, json_array_get_length (gates));
    }

  g_strv_builder_add (cells, member_string (metadata, "name"));
  ready_text = g_strdup_printf ("%u/%u", ready, total);
  g_strv_builder_add (cells, ready_text);
  g_strv_builder_add (cells, reason);
  g_strv_builder_add (cells, restarts_text);
  g_strv_builder_add (cells, age);
  g_strv_builder_add (cells, pod_ips != NULL && json_array_get_length (pod_ips) > 0
                             ? member_string (json_array_get_object_element (pod_ips, 0), "ip") : "<none>");
  g_strv_builder_add (cells, *member_string (spec, "nodeName") ? member_string (spec, "nodeName") : "<none>");
  g_strv_builder_add (cells, *member_string (status, "nominatedNodeName") ? member_string (status, "nominatedNodeName") : "<none>");
  g_strv_builder_add (cells, gates_text != NULL ? gates_text : "<none>");
  return g_strv_builder_end (cells);
}

static JsonNode *
partial_object_metadata (JsonObject *pod)
{
  JsonObject *object = json_object_new ();
  JsonObject *metadata = member_object (pod, "metadata");

  json_object_set_string_member (object, "kind", "PartialObjectMetadata");
  json_object_set_string_member (object, "apiVersion", "meta.k8s.io/v1");
  if (metadata != NULL)
    json_object_set_member (object, "metadata",
                            json_node_copy (json_object_get_member (pod, "metadata")));
  return json_node_init_object (json_node_alloc (), object);
}

JsonNode *
kd_pod_table_new (GPtrArray  *pods,
                  const char *resource_version,
                  JsonArray  *column_definitions,
                  GDateTime  *now)
{
  JsonObject *table = json_object_new ();
  JsonObject *metadata = json_object_new ();
  JsonArray *rows = json_array_new ();

  json_object_set_string_member (table, "kind", "Table");
  json_object_set_string_member (table, "apiVersion", "meta.k8s.io/v1");
  json_object_set_string_member (metadata, "resourceVersion", resource_version);
  json_object_set_object_member (table, "metadata", metadata);
  if (column_definitions != NULL)
    json_object_set_array_member (table, "columnDefinitions", json_array_ref (column_definitions));

  for (guint i = 0; i < pods->len; i++)
    {
      g_auto(GStrv) cells = kd_pod_table_cells (pods->pdata[i], now);
      JsonObject *row = json_object_new ();
      JsonArray *cell_array = json_array_new ();

      for (guint c = 0; cells[c] != NULL; c++)
        json_array_add_string_element (cell_array, cells[c]);
      json_object_set_array_member (row, "cells", cell_array);
      json_object_set_member (row, "object", partial_object_metadata (pods->pdata[i]));
      json_array_add_object_element (rows, row);
    }
  json_object_set_array_member (table, "rows", rows);
  return json_node_init_object (json_node_alloc (), table);
}
