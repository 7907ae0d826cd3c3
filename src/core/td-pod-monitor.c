/* td-pod-monitor.c: list + watch of pods, after client-go's Reflector (tools/cache/reflector.go),
 * into a sorted GListModel of TdPod */
#define G_LOG_DOMAIN "td-pod-monitor"

#include <string.h>

#include "td-pod-monitor.h"

#include "td-core-enums.h"
#include "td-error.h"
#include "td-k8s-json.h"

#define LIST_PAGE_SIZE        500
#define MIN_WATCH_TIMEOUT_S   300          /* timeoutSeconds in [300, 600), as client-go */
#define BACKOFF_INITIAL_MS    800
#define BACKOFF_CAP_MS        30000
#define BACKOFF_RESET_US      (120 * G_USEC_PER_SEC)
#define SHORT_WATCH_US        G_USEC_PER_SEC
#define EVENTS_INTERVAL_US    (10 * G_USEC_PER_SEC)   /* per pod, between two event fetches */
#define READ_SIZE             65536

/* What to do once a backoff delay has passed. */
typedef enum {
  NEXT_LIST,
  NEXT_WATCH,
} NextStep;

struct _TdPodMonitor
{
  GObject parent_instance;

  TdKubeClient *client;
  char *namespace_;
  char *label_selector;
  gboolean watch;               /* FALSE: list once, for a one-shot status */

  GPtrArray *pods;              /* TdPod*, sorted by namespace then name */
  TdPodDiagnosisRules *diagnosis_rules;   /* what the pods' diagnoses know of the plan, or NULL */
  guint n_ready;

  /* One run: from start() to stop(); every callback first checks its cancellable. */
  GCancellable *cancellable;
  TdPodMonitorState state;
  char *state_message;
  gboolean synced;
  char *resource_version;       /* client-go's lastSyncResourceVersion */
  gboolean resource_version_unavailable;   /* the next list is a consistent read (RV "") */

  gint64 backoff_ms;
  gint64 last_failure_us;
  guint retry_seconds;
  guint retry_id;
  guint countdown_id;

  /* The list under way: items of the pages read so far. */
  GPtrArray *list_items;        /* JsonObject* */

  /* The watch under way. */
  GCancellable *watch_cancellable;
  GInputStream *stream;
  GByteArray *line_buffer;
  gint64 watch_started_us;
  guint watch_events;           /* pod changes (not bookmarks) in this watch */

  GHashTable *events_fetched;   /* pod key → gint64 monotonic time of the last fetch */
  guint events_pending;
};

static void td_pod_monitor_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TdPodMonitor, td_pod_monitor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, td_pod_monitor_list_model_init))

static TdPod *
new_pod (TdPodMonitor *self, JsonObject *object, gint64 now)
{
  TdPod *pod = td_pod_new (object, now);

  td_pod_set_diagnosis_rules (pod, self->diagnosis_rules);
  return pod;
}

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_NAMESPACE,
  PROP_LABEL_SELECTOR,
  PROP_WATCH,
  PROP_CONNECTION_STATE,
  PROP_STATE_MESSAGE,
  PROP_RETRY_SECONDS,
  PROP_SYNCED,
  PROP_RESOURCE_VERSION,
  PROP_N_READY,
  PROP_EVENTS_PENDING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_POD_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void begin_list (TdPodMonitor *self);
static void begin_watch (TdPodMonitor *self);

/* ---- a pending request: the run it belongs to ---- */

typedef struct {
  TdPodMonitor *self;           /* not a reference: the run's cancellable is cancelled before dispose */
  GCancellable *cancellable;
  char *key;
} Op;

static Op *
op_new (TdPodMonitor *self, GCancellable *cancellable)
{
  Op *op = g_new0 (Op, 1);

  op->self = self;
  op->cancellable = g_object_ref (cancellable);
  return op;
}

static void
op_free (Op *op)
{
  g_object_unref (op->cancellable);
  g_free (op->key);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Op, op_free)

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* ---- GListModel ---- */

static GType
list_model_get_item_type (GListModel *model)
{
  return TD_TYPE_POD;
}

static guint
list_model_get_n_items (GListModel *model)
{
  return TD_POD_MONITOR (model)->pods->len;
}

static gpointer
list_model_get_item (GListModel *model, guint position)
{
  TdPodMonitor *self = TD_POD_MONITOR (model);

  return position < self->pods->len ? g_object_ref (self->pods->pdata[position]) : NULL;
}

static void
td_pod_monitor_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = list_model_get_item_type;
  iface->get_n_items = list_model_get_n_items;
  iface->get_item = list_model_get_item;
}

/* ---- the store ---- */

static const char *
object_namespace (JsonObject *object)
{
  const char *namespace_ = td_json_get_string (td_json_get_object (object, "metadata"), "namespace");
  return namespace_ != NULL ? namespace_ : "";
}

static const char *
object_name (JsonObject *object)
{
  const char *name = td_json_get_string (td_json_get_object (object, "metadata"), "name");
  return name != NULL ? name : "";
}

static int
compare_keys (const char *namespace_a, const char *name_a, const char *namespace_b, const char *name_b)
{
  int result = strcmp (namespace_a, namespace_b);
  return result != 0 ? result : strcmp (name_a, name_b);
}

static int
compare_pod_to (TdPod *pod, const char *namespace_, const char *name)
{
  return compare_keys (td_pod_get_namespace (pod) != NULL ? td_pod_get_namespace (pod) : "",
                       td_pod_get_name (pod) != NULL ? td_pod_get_name (pod) : "", namespace_, name);
}

static int
compare_objects (gconstpointer a, gconstpointer b)
{
  JsonObject *object_a = *(JsonObject **) a;
  JsonObject *object_b = *(JsonObject **) b;

  return compare_keys (object_namespace (object_a), object_name (object_a),
                       object_namespace (object_b), object_name (object_b));
}

/* The position of the pod @namespace_/@name, or where it would be inserted; *@found says which. */
static guint
find_position (TdPodMonitor *self, const char *namespace_, const char *name, gboolean *found)
{
  guint low = 0, high = self->pods->len;

  while (low < high)
    {
      guint middle = low + (high - low) / 2;
      int result = compare_pod_to (self->pods->pdata[middle], namespace_, name);

      if (result == 0)
        {
          *found = TRUE;
          return middle;
        }
      if (result < 0)
        low = middle + 1;
      else
        high = middle;
    }
  *found = FALSE;
  return low;
}

static char *
pod_key (const char *namespace_, const char *name)
{
  return g_strconcat (namespace_, "/", name, NULL);
}

static void
set_n_ready (TdPodMonitor *self, guint n_ready)
{
  if (self->n_ready == n_ready)
    return;
  self->n_ready = n_ready;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_READY]);
}

static void
set_resource_version (TdPodMonitor *self, const char *resource_version)
{
  if (resource_version == NULL || g_strcmp0 (self->resource_version, resource_version) == 0)
    return;
  g_free (self->resource_version);
  self->resource_version = g_strdup (resource_version);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESOURCE_VERSION]);
}

static void
set_state (TdPodMonitor *self, TdPodMonitorState state, const char *message)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION_STATE]);
    }
  if (g_strcmp0 (self->state_message, message) != 0)
    {
      g_free (self->state_message);
      self->state_message = g_strdup (message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE_MESSAGE]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static void
set_events_pending (TdPodMonitor *self, guint events_pending)
{
  self->events_pending = events_pending;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EVENTS_PENDING]);
}

/* ---- events for diagnoses ---- */

static void
events_fetched (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(Op) op = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) list = td_kube_client_request_finish (TD_KUBE_CLIENT (source), result, &error);
  TdPodMonitor *self = op->self;
  g_auto(GStrv) parts = NULL;
  TdPod *pod;

  if (g_cancellable_is_cancelled (op->cancellable))
    return;
  if (list != NULL && JSON_NODE_HOLDS_OBJECT (list))
    {
      parts = g_strsplit (op->key, "/", 2);
      pod = td_pod_monitor_lookup (self, parts[0], parts[1]);
      if (pod != NULL)
        td_pod_set_events (pod, td_json_get_array (json_node_get_object (list), "items"));
    }
  else
    /* Only the diagnosis is poorer for it; the pod table does not depend on events. */
    g_debug ("events of %s: %s", op->key, error != NULL ? error->message : "not an object");
  /* Last, so that whoever waits for no pending fetch sees the diagnosis. */
  set_events_pending (self, self->events_pending - 1);
}

/* Fetches the events of @pod when its diagnosis may quote them, at most every 10 s per pod. */
static void
maybe_fetch_events (TdPodMonitor *self, TdPod *pod)
{
  g_autofree char *key = NULL;
  g_autofree char *escaped_namespace = NULL;
  g_autofree char *selector = NULL;
  g_autofree char *escaped_selector = NULL;
  g_autofree char *path = NULL;
  gpointer last = NULL;
  gint64 now = g_get_monotonic_time ();
  Op *op;

  if (self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable) || !td_pod_wants_events (pod))
    return;
  key = pod_key (td_pod_get_namespace (pod), td_pod_get_name (pod));
  if (g_hash_table_lookup_extended (self->events_fetched, key, NULL, &last) &&
      now - *(gint64 *) last < EVENTS_INTERVAL_US)
    return;
  g_hash_table_replace (self->events_fetched, g_strdup (key), g_memdup2 (&now, sizeof now));

  escaped_namespace = g_uri_escape_string (td_pod_get_namespace (pod), NULL, FALSE);
  selector = g_strconcat ("involvedObject.name=", td_pod_get_name (pod), NULL);
  escaped_selector = g_uri_escape_string (selector, NULL, FALSE);
  path = g_strdup_printf ("/api/v1/namespaces/%s/events?fieldSelector=%s", escaped_namespace, escaped_selector);

  op = op_new (self, self->cancellable);
  op->key = g_steal_pointer (&key);
  set_events_pending (self, self->events_pending + 1);
  td_kube_client_get_async (self->client, path, self->cancellable, events_fetched, op);
}

/* ---- applying changes ---- */

static void
apply_upsert (TdPodMonitor *self, JsonObject *object)
{
  const char *namespace_ = object_namespace (object);
  const char *name = object_name (object);
  gboolean found = FALSE;
  guint position = find_position (self, namespace_, name, &found);
  TdPod *pod;
  int ready_delta;

  if (found)
    {
      pod = self->pods->pdata[position];
      ready_delta = -(int) td_pod_get_is_ready (pod);
      td_pod_update (pod, object, now_seconds ());
    }
  else
    {
      pod = new_pod (self, object, now_seconds ());
      ready_delta = 0;
      g_ptr_array_insert (self->pods, position, pod);
      g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
    }
  ready_delta += td_pod_get_is_ready (pod);
  set_n_ready (self, self->n_ready + ready_delta);
  g_signal_emit (self, signals[SIGNAL_POD_CHANGED], 0, pod, found ? "MODIFIED" : "ADDED");
  maybe_fetch_events (self, pod);
}

static void
apply_delete (TdPodMonitor *self, JsonObject *object)
{
  gboolean found = FALSE;
  guint position = find_position (self, object_namespace (object), object_name (object), &found);
  g_autoptr(TdPod) pod = NULL;

  if (!found)
    return;
  pod = g_ptr_array_steal_index (self->pods, position);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
  set_n_ready (self, self->n_ready - td_pod_get_is_ready (pod));
  td_pod_update (pod, object, now_seconds ());
  g_signal_emit (self, signals[SIGNAL_POD_CHANGED], 0, pod, "DELETED");
}

static guint
count_ready (TdPodMonitor *self)
{
  guint n_ready = 0;

  for (guint i = 0; i < self->pods->len; i++)
    n_ready += td_pod_get_is_ready (self->pods->pdata[i]);
  return n_ready;
}

/* Replaces the store with @objects (a list's items) as one merge of two sorted sequences: pods that
 * stay keep their TdPod, and each run of removals and insertions is one items-changed. */
static void
replace_store (TdPodMonitor *self, GPtrArray *objects)
{
  g_autoptr(GPtrArray) removed = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) added = g_ptr_array_new ();
  g_autoptr(GPtrArray) modified = g_ptr_array_new ();
  gint64 now = now_seconds ();
  guint position = 0, next = 0;

  g_ptr_array_sort (objects, compare_objects);
  while (position < self->pods->len || next < objects->len)
    {
      guint n_removed = 0, n_added = 0;

      for (;;)
        {
          JsonObject *object = next < objects->len ? objects->pdata[next] : NULL;
          int order;

          if (position >= self->pods->len && object == NULL)
            break;
          order = position >= self->pods->len ? 1
                : object == NULL ? -1
                : compare_pod_to (self->pods->pdata[position], object_namespace (object), object_name (object));
          if (order < 0)
            {
              g_ptr_array_add (removed, g_ptr_array_steal_index (self->pods, position));
              n_removed++;
            }
          else if (order > 0)
            {
              TdPod *pod = new_pod (self, object, now);

              g_ptr_array_insert (self->pods, position++, pod);
              g_ptr_array_add (added, pod);
              n_added++;
              next++;
            }
          else
            break;
        }
      if (n_removed > 0 || n_added > 0)
        g_list_model_items_changed (G_LIST_MODEL (self), position - n_added, n_removed, n_added);
      if (position < self->pods->len && next < objects->len)
        {
          TdPod *pod = self->pods->pdata[position++];
          JsonObject *object = objects->pdata[next++];

          if (g_strcmp0 (td_pod_get_resource_version (pod),
                         td_json_get_string (td_json_get_object (object, "metadata"), "resourceVersion")) != 0)
            {
              td_pod_update (pod, object, now);
              g_ptr_array_add (modified, pod);
            }
        }
    }

  set_n_ready (self, count_ready (self));
  for (guint i = 0; i < removed->len; i++)
    g_signal_emit (self, signals[SIGNAL_POD_CHANGED], 0, removed->pdata[i], "DELETED");
  for (guint i = 0; i < added->len; i++)
    g_signal_emit (self, signals[SIGNAL_POD_CHANGED], 0, added->pdata[i], "ADDED");
  for (guint i = 0; i < modified->len; i++)
    g_signal_emit (self, signals[SIGNAL_POD_CHANGED], 0, modified->pdata[i], "MODIFIED");
  for (guint i = 0; i < self->pods->len; i++)
    maybe_fetch_events (self, self->pods->pdata[i]);
}

/* ---- failures and backoff ---- */

static void
stop_timers (TdPodMonitor *self)
{
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->countdown_id, g_source_remove);
}

static void
set_retry_seconds (TdPodMonitor *self, guint seconds)
{
  if (self->retry_seconds == seconds)
    return;
  self->retry_seconds = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RETRY_SECONDS]);
}

static gboolean
countdown_tick (gpointer user_data)
{
  TdPodMonitor *self = user_data;

  if (self->retry_seconds > 1)
    set_retry_seconds (self, self->retry_seconds - 1);
  return G_SOURCE_CONTINUE;
}

static gboolean
retry_list (gpointer user_data)
{
  TdPodMonitor *self = user_data;

  self->retry_id = 0;
  g_clear_handle_id (&self->countdown_id, g_source_remove);
  set_retry_seconds (self, 0);
  begin_list (self);
  return G_SOURCE_REMOVE;
}

static gboolean
retry_watch (gpointer user_data)
{
  TdPodMonitor *self = user_data;

  self->retry_id = 0;
  g_clear_handle_id (&self->countdown_id, g_source_remove);
  set_retry_seconds (self, 0);
  begin_watch (self);
  return G_SOURCE_REMOVE;
}

/* Failures that retrying cannot fix: the user must change the kubeconfig or the cluster. */
static gboolean
is_permanent (const GError *error)
{
  if (error->domain == TD_ERROR)
    return TRUE;
  return g_error_matches (error, TD_KUBE_ERROR, TD_KUBE_ERROR_TLS) ||
         g_error_matches (error, TD_KUBE_ERROR, TD_KUBE_ERROR_UNAUTHORIZED) ||
         g_error_matches (error, TD_KUBE_ERROR, TD_KUBE_ERROR_FORBIDDEN) ||
         g_error_matches (error, TD_KUBE_ERROR, TD_KUBE_ERROR_NOT_FOUND) ||
         g_error_matches (error, TD_KUBE_ERROR, TD_KUBE_ERROR_BAD_REQUEST);
}

/* Backs off (800 ms doubling to 30 s, back to 800 ms after two minutes without a failure) and then
 * takes @next; a failure retrying will not fix ends in the ERROR state instead. */
static void
fail (TdPodMonitor *self, const GError *error, NextStep next)
{
  gint64 now = g_get_monotonic_time ();
  g_autofree char *message = NULL;

  g_debug ("%s", error->message);
  if (is_permanent (error))
    {
      set_retry_seconds (self, 0);
      set_state (self, TD_POD_MONITOR_ERROR, error->message);
      return;
    }

  if (self->last_failure_us == 0 || now - self->last_failure_us > BACKOFF_RESET_US)
    self->backoff_ms = BACKOFF_INITIAL_MS;
  else
    self->backoff_ms = MIN (self->backoff_ms * 2, BACKOFF_CAP_MS);
  self->last_failure_us = now;

  stop_timers (self);
  self->retry_id = g_timeout_add (self->backoff_ms, next == NEXT_LIST ? retry_list : retry_watch, self);
  self->countdown_id = g_timeout_add_seconds (1, countdown_tick, self);
  g_object_freeze_notify (G_OBJECT (self));
  set_retry_seconds (self, (self->backoff_ms + 999) / 1000);
  set_state (self, TD_POD_MONITOR_RECONNECTING, error->message);
  g_object_thaw_notify (G_OBJECT (self));
}

static gboolean
is_gone (const GError *error)
{
  return g_error_matches (error, TD_KUBE_ERROR, TD_KUBE_ERROR_GONE);
}

/* ---- list ---- */

static char *
pods_path (TdPodMonitor *self, GString *query)
{
  if (self->label_selector != NULL && *self->label_selector != '\0')
    {
      g_autofree char *escaped = g_uri_escape_string (self->label_selector, NULL, FALSE);
      g_string_append_printf (query, "&labelSelector=%s", escaped);
    }
  if (self->namespace_ != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (self->namespace_, NULL, FALSE);
      return g_strdup_printf ("/api/v1/namespaces/%s/pods?%s", escaped, query->str + 1);
    }
  return g_strdup_printf ("/api/v1/pods?%s", query->str + 1);
}

static void request_page (TdPodMonitor *self, const char *continue_token);

static void
page_received (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(Op) op = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = td_kube_client_request_finish (TD_KUBE_CLIENT (source), result, &error);
  TdPodMonitor *self = op->self;
  JsonObject *list, *metadata;
  JsonArray *items;
  const char *continue_token;

  if (g_cancellable_is_cancelled (op->cancellable))
    return;

  if (node == NULL && is_gone (error) && !self->resource_version_unavailable)
    {
      /* A too-old RV or continue token: list again as a consistent read. */
      self->resource_version_unavailable = TRUE;
      begin_list (self);
      return;
    }
  if (node == NULL)
    {
      fail (self, error, NEXT_LIST);
      return;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node) || td_json_get_array (json_node_get_object (node), "items") == NULL)
    {
      g_autoptr(GError) bad = g_error_new (TD_KUBE_ERROR, TD_KUBE_ERROR_BAD_RESPONSE,
                                           "The cluster answered the pod list with something that is not a list");
      fail (self, bad, NEXT_LIST);
      return;
    }

  list = json_node_get_object (node);
  metadata = td_json_get_object (list, "metadata");
  items = td_json_get_array (list, "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = td_json_array_get_object (items, i);
      if (item != NULL)
        g_ptr_array_add (self->list_items, json_object_ref (item));
    }

  continue_token = td_json_get_string (metadata, "continue");
  if (continue_token != NULL && *continue_token != '\0')
    {
      request_page (self, continue_token);
      return;
    }

  replace_store (self, self->list_items);
  g_clear_pointer (&self->list_items, g_ptr_array_unref);
  self->resource_version_unavailable = FALSE;
  set_resource_version (self, td_json_get_string (metadata, "resourceVersion"));
  if (!self->synced)
    {
      self->synced = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNCED]);
    }
  set_state (self, TD_POD_MONITOR_CONNECTED, NULL);
  if (self->watch)
    begin_watch (self);
}

static void
request_page (TdPodMonitor *self, const char *continue_token)
{
  g_autoptr(GString) query = g_string_new (NULL);
  g_autofree char *path = NULL;

  g_string_append_printf (query, "&limit=%d", LIST_PAGE_SIZE);
  if (continue_token != NULL)
    {
      /* The token carries the list's resourceVersion. */
      g_autofree char *escaped = g_uri_escape_string (continue_token, NULL, FALSE);
      g_string_append_printf (query, "&continue=%s", escaped);
    }
  else if (!self->resource_version_unavailable)
    {
      g_autofree char *escaped = g_uri_escape_string (self->resource_version != NULL ? self->resource_version : "0",
                                                      NULL, FALSE);
      g_string_append_printf (query, "&resourceVersion=%s", escaped);
    }
  path = pods_path (self, query);
  td_kube_client_get_async (self->client, path, self->cancellable, page_received, op_new (self, self->cancellable));
}

/* Step 1 of the reflector: list from "0" the first time, then from the last RV, or as a consistent
 * read after a 410. */
static void
begin_list (TdPodMonitor *self)
{
  g_clear_pointer (&self->list_items, g_ptr_array_unref);
  self->list_items = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  request_page (self, NULL);
}

/* ---- watch ---- */

static void
end_watch (TdPodMonitor *self)
{
  if (self->watch_cancellable != NULL)
    g_cancellable_cancel (self->watch_cancellable);
  g_clear_object (&self->watch_cancellable);
  g_clear_object (&self->stream);
  g_clear_pointer (&self->line_buffer, g_byte_array_unref);
}

typedef enum {
  LINE_CONTINUE,
  LINE_RELIST,          /* 410: the RV is too old */
  LINE_FAILED,          /* done: fail() was called */
} LineOutcome;

static LineOutcome
handle_event (TdPodMonitor *self, const char *line, gsize length)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) error = NULL;
  JsonObject *event, *object;
  const char *type;

  if (!json_parser_load_from_data (parser, line, length, &error) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_autoptr(GError) bad = g_error_new (TD_KUBE_ERROR, TD_KUBE_ERROR_BAD_RESPONSE,
                                           "The cluster's pod watch sent an event that is not JSON: %s",
                                           error != NULL ? error->message : "not an object");
      fail (self, bad, NEXT_LIST);
      return LINE_FAILED;
    }
  event = json_node_get_object (json_parser_get_root (parser));
  type = td_json_get_string (event, "type");
  object = td_json_get_object (event, "object");

  if (g_strcmp0 (type, "ERROR") == 0)
    {
      g_autoptr(GError) status_error = td_kube_error_new_from_status (json_object_get_member (event, "object"), 500);
      const char *reason = td_json_get_string (object, "reason");

      if (is_gone (status_error) || g_strcmp0 (reason, "Expired") == 0 || g_strcmp0 (reason, "Gone") == 0)
        return LINE_RELIST;
      fail (self, status_error,
            g_error_matches (status_error, TD_KUBE_ERROR, TD_KUBE_ERROR_TOO_MANY_REQUESTS) ? NEXT_WATCH : NEXT_LIST);
      return LINE_FAILED;
    }
  if (object == NULL)
    return LINE_CONTINUE;

  if (g_strcmp0 (type, "ADDED") == 0 || g_strcmp0 (type, "MODIFIED") == 0)
    {
      apply_upsert (self, object);
      self->watch_events++;
    }
  else if (g_strcmp0 (type, "DELETED") == 0)
    {
      apply_delete (self, object);
      self->watch_events++;
    }
  else if (g_strcmp0 (type, "BOOKMARK") != 0)
    return LINE_CONTINUE;   /* an unknown type: skip it, as client-go logs and skips */
  set_resource_version (self, td_json_get_string (td_json_get_object (object, "metadata"), "resourceVersion"));
  return LINE_CONTINUE;
}

/* The stream ended (EOF, the server's deadline, or a cut connection): re-watch from the last RV at
 * once, unless the watch ended in under a second with no pod change in it. (client-go counts
 * bookmarks too; not counting them keeps a server that ends every watch with a bookmark from
 * being asked again hundreds of times a second.) */
static void
watch_ended (TdPodMonitor *self, const GError *read_error)
{
  gboolean very_short = g_get_monotonic_time () - self->watch_started_us < SHORT_WATCH_US && self->watch_events == 0;

  end_watch (self);
  if (very_short)
    {
      g_autoptr(GError) error = g_error_new (TD_KUBE_ERROR, TD_KUBE_ERROR_CONNECTION,
                                             "The cluster closed the pod watch at once%s%s",
                                             read_error != NULL ? ": " : "",
                                             read_error != NULL ? read_error->message : "");
      fail (self, error, NEXT_WATCH);
      return;
    }
  begin_watch (self);
}

static void read_more (TdPodMonitor *self);

static void
bytes_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(Op) op = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  TdPodMonitor *self = op->self;
  const guint8 *data;
  gsize size, start = 0, scan_from;

  if (g_cancellable_is_cancelled (op->cancellable))
    return;
  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      watch_ended (self, error);
      return;
    }

  /* Lines may span reads, and one read may hold many lines. */
  scan_from = self->line_buffer->len;
  data = g_bytes_get_data (bytes, &size);
  g_byte_array_append (self->line_buffer, data, size);
  for (gsize i = scan_from; i < self->line_buffer->len; i++)
    {
      LineOutcome outcome;

      if (self->line_buffer->data[i] != '\n')
        continue;
      outcome = i > start ? handle_event (self, (const char *) self->line_buffer->data + start, i - start)
                          : LINE_CONTINUE;
      start = i + 1;
      if (g_cancellable_is_cancelled (op->cancellable))
        return;   /* stopped from a signal handler */
      if (outcome == LINE_RELIST)
        {
          end_watch (self);
          begin_list (self);
          return;
        }
      if (outcome == LINE_FAILED)
        {
          end_watch (self);
          return;
        }
    }
  g_byte_array_remove_range (self->line_buffer, 0, start);
  read_more (self);
}

static void
read_more (TdPodMonitor *self)
{
  g_input_stream_read_bytes_async (self->stream, READ_SIZE, G_PRIORITY_DEFAULT, self->watch_cancellable,
                                   bytes_read, op_new (self, self->watch_cancellable));
}

static void
stream_opened (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(Op) op = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = td_kube_client_open_stream_finish (TD_KUBE_CLIENT (source), result, NULL, &error);
  TdPodMonitor *self = op->self;

  if (g_cancellable_is_cancelled (op->cancellable))
    return;
  if (stream == NULL)
    {
      end_watch (self);
      if (is_gone (error))
        begin_list (self);
      else
        /* Could not even connect, or asked to slow down: retry the watch alone (isWatchErrorRetriable). */
        fail (self, error,
              g_error_matches (error, TD_KUBE_ERROR, TD_KUBE_ERROR_CONNECTION) ||
              g_error_matches (error, TD_KUBE_ERROR, TD_KUBE_ERROR_TOO_MANY_REQUESTS) ? NEXT_WATCH : NEXT_LIST);
      return;
    }
  self->stream = g_steal_pointer (&stream);
  self->line_buffer = g_byte_array_new ();
  set_state (self, TD_POD_MONITOR_CONNECTED, NULL);
  read_more (self);
}

/* Step 2: watch from the last RV with bookmarks, for a random 5 to 10 minutes. */
static void
begin_watch (TdPodMonitor *self)
{
  g_autoptr(GString) query = g_string_new (NULL);
  g_autofree char *escaped = g_uri_escape_string (self->resource_version != NULL ? self->resource_version : "",
                                                  NULL, FALSE);
  g_autofree char *path = NULL;

  end_watch (self);
  g_string_append_printf (query, "&watch=true&resourceVersion=%s&allowWatchBookmarks=true&timeoutSeconds=%d",
                          escaped, g_random_int_range (MIN_WATCH_TIMEOUT_S, 2 * MIN_WATCH_TIMEOUT_S));
  path = pods_path (self, query);

  self->watch_cancellable = g_cancellable_new ();
  self->watch_started_us = g_get_monotonic_time ();
  self->watch_events = 0;
  td_kube_client_open_stream_async (self->client, path, self->watch_cancellable, stream_opened,
                                    op_new (self, self->watch_cancellable));
}

/* ---- public ---- */

void
td_pod_monitor_start (TdPodMonitor *self)
{
  g_return_if_fail (TD_IS_POD_MONITOR (self));

  if (self->cancellable != NULL && self->state != TD_POD_MONITOR_ERROR)
    return;
  td_pod_monitor_stop (self);
  self->cancellable = g_cancellable_new ();
  set_state (self, self->synced ? TD_POD_MONITOR_RECONNECTING : TD_POD_MONITOR_CONNECTING, NULL);
  begin_list (self);
}

void
td_pod_monitor_stop (TdPodMonitor *self)
{
  g_return_if_fail (TD_IS_POD_MONITOR (self));

  stop_timers (self);
  end_watch (self);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->list_items, g_ptr_array_unref);
  g_hash_table_remove_all (self->events_fetched);
  if (self->events_pending != 0)
    set_events_pending (self, 0);
  set_retry_seconds (self, 0);
  set_state (self, TD_POD_MONITOR_STOPPED, self->state == TD_POD_MONITOR_ERROR ? self->state_message : NULL);
}

TdPodMonitorState
td_pod_monitor_get_connection_state (TdPodMonitor *self)
{
  g_return_val_if_fail (TD_IS_POD_MONITOR (self), TD_POD_MONITOR_STOPPED);
  return self->state;
}

const char *
td_pod_monitor_get_state_message (TdPodMonitor *self)
{
  g_return_val_if_fail (TD_IS_POD_MONITOR (self), NULL);
  return self->state_message;
}

guint
td_pod_monitor_get_retry_seconds (TdPodMonitor *self)
{
  g_return_val_if_fail (TD_IS_POD_MONITOR (self), 0);
  return self->retry_seconds;
}

gboolean
td_pod_monitor_get_synced (TdPodMonitor *self)
{
  g_return_val_if_fail (TD_IS_POD_MONITOR (self), FALSE);
  return self->synced;
}

const char *
td_pod_monitor_get_resource_version (TdPodMonitor *self)
{
  g_return_val_if_fail (TD_IS_POD_MONITOR (self), NULL);
  return self->resource_version;
}

guint
td_pod_monitor_get_n_ready (TdPodMonitor *self)
{
  g_return_val_if_fail (TD_IS_POD_MONITOR (self), 0);
  return self->n_ready;
}

guint
td_pod_monitor_get_events_pending (TdPodMonitor *self)
{
  g_return_val_if_fail (TD_IS_POD_MONITOR (self), 0);
  return self->events_pending;
}

TdPod *
td_pod_monitor_lookup (TdPodMonitor *self,
                       const char   *namespace_,
                       const char   *name)
{
  gboolean found = FALSE;
  guint position;

  g_return_val_if_fail (TD_IS_POD_MONITOR (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (namespace_ == NULL)
    namespace_ = self->namespace_ != NULL ? self->namespace_ : "";
  position = find_position (self, namespace_, name, &found);
  return found ? self->pods->pdata[position] : NULL;
}

void
td_pod_monitor_refresh_times (TdPodMonitor *self)
{
  gint64 now = now_seconds ();

  g_return_if_fail (TD_IS_POD_MONITOR (self));
  for (guint i = 0; i < self->pods->len; i++)
    {
      td_pod_refresh (self->pods->pdata[i], now);
      maybe_fetch_events (self, self->pods->pdata[i]);
    }
}

/* ---- GObject ---- */

static void
td_pod_monitor_dispose (GObject *object)
{
  TdPodMonitor *self = TD_POD_MONITOR (object);

  if (self->cancellable != NULL || self->retry_id != 0)
    td_pod_monitor_stop (self);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (td_pod_monitor_parent_class)->dispose (object);
}

static void
td_pod_monitor_finalize (GObject *object)
{
  TdPodMonitor *self = TD_POD_MONITOR (object);

  g_ptr_array_unref (self->pods);
  g_hash_table_unref (self->events_fetched);
  g_free (self->namespace_);
  g_free (self->label_selector);
  g_free (self->state_message);
  g_free (self->resource_version);

  g_clear_pointer (&TD_POD_MONITOR (object)->diagnosis_rules, td_pod_diagnosis_rules_unref);
  G_OBJECT_CLASS (td_pod_monitor_parent_class)->finalize (object);
}

static void
td_pod_monitor_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TdPodMonitor *self = TD_POD_MONITOR (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_NAMESPACE:
      g_value_set_string (value, self->namespace_);
      break;
    case PROP_LABEL_SELECTOR:
      g_value_set_string (value, self->label_selector);
      break;
    case PROP_WATCH:
      g_value_set_boolean (value, self->watch);
      break;
    case PROP_CONNECTION_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_STATE_MESSAGE:
      g_value_set_string (value, self->state_message);
      break;
    case PROP_RETRY_SECONDS:
      g_value_set_uint (value, self->retry_seconds);
      break;
    case PROP_SYNCED:
      g_value_set_boolean (value, self->synced);
      break;
    case PROP_RESOURCE_VERSION:
      g_value_set_string (value, self->resource_version);
      break;
    case PROP_N_READY:
      g_value_set_uint (value, self->n_ready);
      break;
    case PROP_EVENTS_PENDING:
      g_value_set_uint (value, self->events_pending);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_pod_monitor_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  TdPodMonitor *self = TD_POD_MONITOR (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;
    case PROP_NAMESPACE:
      self->namespace_ = g_value_dup_string (value);
      break;
    case PROP_LABEL_SELECTOR:
      self->label_selector = g_value_dup_string (value);
      break;
    case PROP_WATCH:
      self->watch = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_pod_monitor_class_init (TdPodMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags read_only = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = td_pod_monitor_dispose;
  object_class->finalize = td_pod_monitor_finalize;
  object_class->get_property = td_pod_monitor_get_property;
  object_class->set_property = td_pod_monitor_set_property;

  properties[PROP_CLIENT] = g_param_spec_object ("client", NULL, NULL, TD_TYPE_KUBE_CLIENT, construct);
  properties[PROP_NAMESPACE] = g_param_spec_string ("namespace", NULL, NULL, NULL, construct);
  properties[PROP_LABEL_SELECTOR] = g_param_spec_string ("label-selector", NULL, NULL, NULL, construct);
  properties[PROP_WATCH] = g_param_spec_boolean ("watch", NULL, NULL, TRUE, construct);
  properties[PROP_CONNECTION_STATE] =
    g_param_spec_enum ("connection-state", NULL, NULL, TD_TYPE_POD_MONITOR_STATE, TD_POD_MONITOR_STOPPED, read_only);
  properties[PROP_STATE_MESSAGE] = g_param_spec_string ("state-message", NULL, NULL, NULL, read_only);
  properties[PROP_RETRY_SECONDS] = g_param_spec_uint ("retry-seconds", NULL, NULL, 0, G_MAXUINT, 0, read_only);
  properties[PROP_SYNCED] = g_param_spec_boolean ("synced", NULL, NULL, FALSE, read_only);
  properties[PROP_RESOURCE_VERSION] = g_param_spec_string ("resource-version", NULL, NULL, NULL, read_only);
  properties[PROP_N_READY] = g_param_spec_uint ("n-ready", NULL, NULL, 0, G_MAXUINT, 0, read_only);
  properties[PROP_EVENTS_PENDING] = g_param_spec_uint ("events-pending", NULL, NULL, 0, G_MAXUINT, 0, read_only);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_POD_CHANGED] =
    g_signal_new ("pod-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, TD_TYPE_POD, G_TYPE_STRING);
}

static void
td_pod_monitor_init (TdPodMonitor *self)
{
  self->pods = g_ptr_array_new_with_free_func (g_object_unref);
  self->events_fetched = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

TdPodMonitor *
td_pod_monitor_new (TdKubeClient *client,
                    const char   *namespace_,
                    const char   *label_selector)
{
  g_return_val_if_fail (TD_IS_KUBE_CLIENT (client), NULL);

  return g_object_new (TD_TYPE_POD_MONITOR,
                       "client", client,
                       "namespace", namespace_,
                       "label-selector", label_selector,
                       NULL);
}

void
td_pod_monitor_set_diagnosis_rules (TdPodMonitor *self, TdPodDiagnosisRules *rules)
{
  g_return_if_fail (TD_IS_POD_MONITOR (self));

  if (rules != NULL)
    td_pod_diagnosis_rules_ref (rules);
  g_clear_pointer (&self->diagnosis_rules, td_pod_diagnosis_rules_unref);
  self->diagnosis_rules = rules;
  for (guint i = 0; i < self->pods->len; i++)
    td_pod_set_diagnosis_rules (self->pods->pdata[i], rules);
}
