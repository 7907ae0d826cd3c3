/* kd-pod-table.h: pods as a meta.k8s.io/v1 Table, with kubectl's printPod cells */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* NAME, READY, STATUS, RESTARTS, AGE, IP, NODE, NOMINATED NODE, READINESS GATES for @pod at @now. */
GStrv  kd_pod_table_cells (JsonObject *pod,
                           GDateTime  *now);

/* A Table of @pods (JsonObject*). @column_definitions NULL leaves them out, as the apiserver does
 * on every watch event after the first. Rows carry PartialObjectMetadata, the server default. */
JsonNode *kd_pod_table_new (GPtrArray  *pods,
                            const char *resource_version,
                            JsonArray  *column_definitions,
                            GDateTime  *now);

G_END_DECLS
