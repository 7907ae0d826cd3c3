/* kd-pod-table.c: pods as the apiserver's Table, with the cells of `kubectl get pods` from the
 * core's td-pod-health (the port of printPod, k8s.md §3.2), so that real kubectl prints against the
 * double what it prints against a real cluster, and the kubectl fidelity test checks the core too */
#define G_LOG_DOMAIN "kd-pod-table"

#include "kd-pod-table.h"

#include "td-k8s-json.h"
#include "td-pod-health.h"

GStrv
kd_pod_table_cells (JsonObject *pod,
                    GDateTime  *now)
{
  g_autoptr(TdPodRow) row = td_pod_row_new (pod, g_date_time_to_unix (now));
  g_autofree char *ip = td_pod_health_ip (pod);
  g_autofree char *node = td_pod_health_node (pod);
  g_autofree char *nominated = td_pod_health_nominated_node (pod);
  g_autofree char *gates = td_pod_health_readiness_gates (pod);
  g_autoptr(GStrvBuilder) cells = g_strv_builder_new ();

  g_strv_builder_add_many (cells, row->name != NULL ? row->name : "", row->ready, row->status, row->restarts,
                           row->age, ip, node, nominated, gates, NULL);
  return g_strv_builder_end (cells);
}

static JsonNode *
partial_object_metadata (JsonObject *pod)
{
  JsonObject *object = json_object_new ();
  JsonObject *metadata = td_json_get_object (pod, "metadata");

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
