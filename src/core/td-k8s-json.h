/* td-k8s-json.h: NULL-tolerant getters for Kubernetes objects read with json-glib.
 *
 * API objects leave out empty fields, and a field of the wrong type must not crash the wizard, so
 * every getter accepts a NULL object and returns NULL (or the fallback) for a missing or mistyped
 * member. That lets callers chain: td_json_get_object (td_json_get_object (pod, "status"), "x"). */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

JsonObject *td_json_get_object (JsonObject *object,
                                const char *member);
JsonArray  *td_json_get_array  (JsonObject *object,
                                const char *member);
/* NULL unless the member is a string; an empty string is returned as is. */
const char *td_json_get_string (JsonObject *object,
                                const char *member);
/* The member's value if it is an integer, else @fallback. */
gint64      td_json_get_int    (JsonObject *object,
                                const char *member,
                                gint64      fallback);
/* TRUE only if the member is the boolean true. */
gboolean    td_json_get_bool   (JsonObject *object,
                                const char *member);
/* The object at @index of @array, or NULL. */
JsonObject *td_json_array_get_object (JsonArray *array,
                                      guint      index);

G_END_DECLS
