/* kd-pod-store.c: pods by namespace/name; every change gets the next resourceVersion */
#define G_LOG_DOMAIN "kd-pod-store"

#include <string.h>

#include "kd-pod-store.h"
#include "kd-selector.h"

struct _KdPodStore
{
  GHashTable *pods;       /* "namespace/name" → JsonObject* */
  GPtrArray *history;     /* KdPodEvent* */
  guint64 resource_version;
  guint64 oldest_resource_version;
};

static void
pod_event_free (KdPodEvent *event)
{
  g_free (event->type);
  g_clear_pointer (&event->object, json_object_unref);
  g_clear_pointer (&event->previous, json_object_unref);
  g_free (event);
}

static char *
pod_key (JsonObject *pod)
{
  JsonObject *metadata = json_object_get_object_member (pod, "metadata");

  return g_strdup_printf ("%s/%s", json_object_get_string_member_with_default (metadata, "namespace", "default"),
                          json_object_get_string_member_with_default (metadata, "name", ""));
}

/* A deep copy carrying kind, apiVersion and a fresh resourceVersion, as the apiserver stores it. */
static JsonObject *
stamp (JsonNode *pod, guint64 resource_version)
{
  g_autoptr(JsonNode) copy = json_node_copy (pod);
  JsonObject *object = json_node_get_object (copy);
  JsonObject *metadata = json_object_get_object_member (object, "metadata");
  g_autofree char *rv = g_strdup_printf ("%" G_GUINT64_FORMAT, resource_version);

  json_object_set_string_member (object, "kind", "Pod");
  json_object_set_string_member (object, "apiVersion", "v1");
  json_object_set_string_member (metadata, "resourceVersion", rv);
  return json_object_ref (object);
}

KdPodStore *
kd_pod_store_new (GPtrArray *pods,
                  guint64    first_resource_version)
{
  KdPodStore *store = g_new0 (KdPodStore, 1);

  store->pods = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);
  store->history = g_ptr_array_new_with_free_func ((GDestroyNotify) pod_event_free);
  store->resource_version = first_resource_version > 0 ? first_resource_version - 1 : 0;
  for (guint i = 0; i < pods->len; i++)
    {
      JsonObject *pod = stamp (pods->pdata[i], ++store->resource_version);
      g_hash_table_replace (store->pods, pod_key (pod), pod);
    }
  store->oldest_resource_version = store->resource_version;
  return store;
}

void
kd_pod_store_free (KdPodStore *store)
{
  if (store == NULL)
    return;
  g_hash_table_unref (store->pods);
  g_ptr_array_unref (store->history);
  g_free (store);
}

guint64
kd_pod_store_get_resource_version (KdPodStore *store)
{
  return store->resource_version;
}

guint64
kd_pod_store_get_oldest_resource_version (KdPodStore *store)
{
  return store->oldest_resource_version;
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  JsonObject *x = json_object_get_object_member (*(JsonObject **) a, "metadata");
  JsonObject *y = json_object_get_object_member (*(JsonObject **) b, "metadata");

  return g_strcmp0 (json_object_get_string_member_with_default (x, "name", ""),
                    json_object_get_string_member_with_default (y, "name", ""));
}

GPtrArray *
kd_pod_store_list (KdPodStore  *store,
                   const char  *namespace_,
                   const char  *label_selector,
                   const char  *field_selector,
                   GError     **error)
{
  g_autoptr(GPtrArray) pods = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, store->pods);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      JsonObject *metadata = json_object_get_object_member (value, "metadata");
      gboolean matches;

      if (namespace_ != NULL && g_strcmp0 (json_object_get_string_member_with_default (metadata, "namespace", ""),
                                           namespace_) != 0)
        continue;
      if (!kd_label_selector_matches (label_selector, value, &matches, error))
        return NULL;
      if (matches && kd_field_selector_matches (field_selector, value))
        g_ptr_array_add (pods, value);
    }
  g_ptr_array_sort (pods, compare_names);
  return g_steal_pointer (&pods);
}

const KdPodEvent *
kd_pod_store_apply (KdPodStore *store,
                    const char *type,
                    JsonNode   *pod)
{
  KdPodEvent *event = g_new0 (KdPodEvent, 1);
  g_autofree char *key = NULL;
  JsonObject *previous;

  event->type = g_strdup (type);
  event->resource_version = ++store->resource_version;
  event->object = stamp (pod, event->resource_version);
  key = pod_key (event->object);
  previous = g_hash_table_lookup (store->pods, key);
  if (strcmp (type, "MODIFIED") == 0 && previous != NULL)
    event->previous = json_object_ref (previous);

  if (strcmp (type, "DELETED") == 0)
    g_hash_table_remove (store->pods, key);
  else
    g_hash_table_replace (store->pods, g_steal_pointer (&key), json_object_ref (event->object));

  g_ptr_array_add (store->history, event);
  return event;
}

GPtrArray *
kd_pod_store_history_since (KdPodStore *store,
                            guint64     resource_version)
{
  GPtrArray *events = g_ptr_array_new ();

  for (guint i = 0; i < store->history->len; i++)
    {
      KdPodEvent *event = store->history->pdata[i];
      if (event->resource_version > resource_version)
        g_ptr_array_add (events, event);
    }
  return events;
}
