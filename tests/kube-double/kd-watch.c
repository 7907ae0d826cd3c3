/* kd-watch.c: watch streams: chunked {"type":…,"object":…}\n lines, replay from a
 * resourceVersion, selector transitions, Table events, bookmarks, and injected stream faults */
#define G_LOG_DOMAIN "kd-watch"

#include <string.h>

#include "kd-pod-table.h"
#include "kd-selector.h"
#include "kd-server-private.h"

struct _KdWatch
{
  KdServer *server;
  SoupServerMessage *msg;
  char *namespace_;
  char *label_selector;
  char *field_selector;
  gboolean as_table;
  gboolean bookmarks;
  gboolean columns_sent;
  guint events_sent;
  guint close_after_events;     /* 0: never cut the connection */
  guint timeout_id;
  gboolean ended;
};

static void
watch_free (KdWatch *watch)
{
  g_clear_handle_id (&watch->timeout_id, g_source_remove);
  g_signal_handlers_disconnect_by_data (watch->msg, watch);
  g_object_unref (watch->msg);
  g_free (watch->namespace_);
  g_free (watch->label_selector);
  g_free (watch->field_selector);
  g_free (watch);
}

static void
on_finished (SoupServerMessage *msg, KdWatch *watch)
{
  watch->server->watches = g_list_remove (watch->server->watches, watch);
  watch_free (watch);
}

/* Cuts the TCP connection under the TLS stream once the last event is on the wire: the client
 * sees the chunked body stop mid-way, with no terminating chunk. */
static void
on_wrote_chunk_then_cut (SoupServerMessage *msg, KdWatch *watch)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  if (socket != NULL)
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
}

static void
close_abruptly (KdWatch *watch)
{
  watch->ended = TRUE;
  g_signal_connect (watch->msg, "wrote-chunk", G_CALLBACK (on_wrote_chunk_then_cut), watch);
}

static void
send_line (KdWatch *watch, const char *type, JsonNode *object)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) event = NULL;
  g_autofree char *json = NULL;
  char *text;

  if (watch->ended)
    return;
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  json_builder_set_member_name (builder, "object");
  json_builder_add_value (builder, json_node_ref (object));
  json_builder_end_object (builder);
  event = json_builder_get_root (builder);

  json = json_to_string (event, FALSE);
  text = g_strconcat (json, "\n", NULL);
  soup_message_body_append (soup_server_message_get_response_body (watch->msg), SOUP_MEMORY_TAKE,
                            text, strlen (text));
  soup_server_message_unpause (watch->msg);

  watch->events_sent++;
  if (watch->close_after_events > 0 && watch->events_sent >= watch->close_after_events)
    close_abruptly (watch);
}

/* BOOKMARK: an empty object of the watched kind carrying only the current resourceVersion. */
static void
send_bookmark (KdWatch *watch)
{
  g_autofree char *rv = g_strdup_printf ("%" G_GUINT64_FORMAT,
                                         kd_pod_store_get_resource_version (watch->server->pods));
  g_autoptr(JsonNode) object = NULL;
  JsonObject *bookmark = json_object_new ();
  JsonObject *metadata = json_object_new ();

  json_object_set_string_member (bookmark, "kind", watch->as_table ? "Table" : "Pod");
  json_object_set_string_member (bookmark, "apiVersion", watch->as_table ? "meta.k8s.io/v1" : "v1");
  json_object_set_string_member (metadata, "resourceVersion", rv);
  json_object_set_object_member (bookmark, "metadata", metadata);
  object = json_node_init_object (json_node_alloc (), bookmark);
  send_line (watch, "BOOKMARK", object);
}

static void
end_watch (KdWatch *watch)
{
  /* The apiserver sends a last bookmark shortly before the deadline. */
  if (watch->bookmarks)
    send_bookmark (watch);
  if (watch->ended)
    return;
  watch->ended = TRUE;
  soup_message_body_complete (soup_server_message_get_response_body (watch->msg));
  soup_server_message_unpause (watch->msg);
}

static gboolean
on_timeout (gpointer user_data)
{
  KdWatch *watch = user_data;

  watch->timeout_id = 0;
  end_watch (watch);
  return G_SOURCE_REMOVE;
}

static gboolean
matches (KdWatch *watch, JsonObject *pod)
{
  JsonObject *metadata = json_object_get_object_member (pod, "metadata");
  gboolean labels_match = FALSE;

  if (pod == NULL)
    return FALSE;
  if (watch->namespace_ != NULL &&
      g_strcmp0 (json_object_get_string_member_with_default (metadata, "namespace", ""), watch->namespace_) != 0)
    return FALSE;
  /* The selector was parsed once when the watch started. */
  kd_label_selector_matches (watch->label_selector, pod, &labels_match, NULL);
  return labels_match && kd_field_selector_matches (watch->field_selector, pod);
}

static void
send_pod (KdWatch *watch, const char *type, JsonObject *pod)
{
  g_autoptr(JsonNode) object = NULL;

  if (watch->as_table)
    {
      g_autoptr(GPtrArray) rows = g_ptr_array_new ();
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      JsonObject *metadata = json_object_get_object_member (pod, "metadata");

      g_ptr_array_add (rows, pod);
      /* Only the first event's Table names the columns. */
      object = kd_pod_table_new (rows, json_object_get_string_member (metadata, "resourceVersion"),
                                 watch->columns_sent ? NULL : watch->server->table_columns, now);
      watch->columns_sent = TRUE;
    }
  else
    object = json_node_init_object (json_node_alloc (), json_object_ref (pod));
  send_line (watch, type, object);
}

/* Delivers @event as this watch sees it: a pod that starts matching the selector is ADDED, one
 * that stops matching is DELETED. */
static void
send_event (KdWatch *watch, const KdPodEvent *event)
{
  gboolean now = matches (watch, event->object);
  gboolean before = event->previous != NULL && matches (watch, event->previous);

  if (strcmp (event->type, "MODIFIED") != 0)
    {
      if (now)
        send_pod (watch, event->type, event->object);
    }
  else if (now && before)
    send_pod (watch, "MODIFIED", event->object);
  else if (now)
    send_pod (watch, "ADDED", event->object);
  else if (before)
    send_pod (watch, "DELETED", event->object);
}

static void
send_error_410 (KdWatch *watch, guint64 requested, guint64 oldest)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *text = g_strdup_printf (
    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
    "\"message\":\"too old resource version: %" G_GUINT64_FORMAT " (%" G_GUINT64_FORMAT ")\","
    "\"reason\":\"Expired\",\"code\":410}", requested, oldest);

  json_parser_load_from_data (parser, text, -1, NULL);
  send_line (watch, "ERROR", json_parser_get_root (parser));
}

void
kd_watch_start (KdServer          *server,
                SoupServerMessage *msg,
                const char        *namespace_,
                GHashTable        *query,
                gboolean           as_table,
                KdFault           *fault)
{
  KdWatch *watch;
  const char *rv_text = query != NULL ? g_hash_table_lookup (query, "resourceVersion") : NULL;
  const char *timeout_text = query != NULL ? g_hash_table_lookup (query, "timeoutSeconds") : NULL;
  const char *bookmarks = query != NULL ? g_hash_table_lookup (query, "allowWatchBookmarks") : NULL;
  const char *label_selector = query != NULL ? g_hash_table_lookup (query, "labelSelector") : NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) empty = json_object_new ();
  gboolean ignored;
  guint64 requested = rv_text != NULL ? g_ascii_strtoull (rv_text, NULL, 10) : 0;

  if (!kd_label_selector_matches (label_selector, empty, &ignored, &error))
    {
      kd_server_respond_status (msg, 400, "BadRequest", error->message);
      return;
    }

  watch = g_new0 (KdWatch, 1);
  watch->server = server;
  watch->msg = g_object_ref (msg);
  watch->namespace_ = g_strdup (namespace_);
  watch->label_selector = g_strdup (label_selector);
  watch->field_selector = g_strdup (query != NULL ? g_hash_table_lookup (query, "fieldSelector") : NULL);
  watch->as_table = as_table;
  watch->bookmarks = g_strcmp0 (bookmarks, "true") == 0 || g_strcmp0 (bookmarks, "1") == 0;
  if (fault != NULL && fault->kind == KD_FAULT_CLOSE_MID_STREAM)
    watch->close_after_events = MAX (fault->after_events, 1);
  server->watches = g_list_prepend (server->watches, watch);
  g_signal_connect (msg, "finished", G_CALLBACK (on_finished), watch);

  soup_server_message_set_status (msg, 200, NULL);
  soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg), SOUP_ENCODING_CHUNKED);
  soup_message_headers_set_content_type (soup_server_message_get_response_headers (msg), "application/json", NULL);
  soup_message_body_set_accumulate (soup_server_message_get_response_body (msg), FALSE);

  if (fault != NULL && fault->kind == KD_FAULT_WATCH_ERROR_410)
    {
      send_error_410 (watch, requested, kd_pod_store_get_resource_version (server->pods));
      watch->bookmarks = FALSE;
      end_watch (watch);
      return;
    }

  kd_server_start_clock (server);

  if (rv_text == NULL || *rv_text == '\0' || strcmp (rv_text, "0") == 0)
    {
      /* From "now": the current state first, as synthetic ADDED events. */
      g_autoptr(GPtrArray) pods = kd_pod_store_list (server->pods, NULL, NULL, NULL, NULL);
      for (guint i = 0; i < pods->len; i++)
        if (matches (watch, pods->pdata[i]))
          send_pod (watch, "ADDED", pods->pdata[i]);
    }
  else if (requested < kd_pod_store_get_oldest_resource_version (server->pods))
    {
      send_error_410 (watch, requested, kd_pod_store_get_oldest_resource_version (server->pods));
      watch->bookmarks = FALSE;
      end_watch (watch);
      return;
    }
  else
    {
      g_autoptr(GPtrArray) events = kd_pod_store_history_since (server->pods, requested);
      for (guint i = 0; i < events->len; i++)
        send_event (watch, events->pdata[i]);
    }

  if (server->timeline_over)
    end_watch (watch);
  else if (timeout_text != NULL && g_ascii_strtoull (timeout_text, NULL, 10) > 0)
    watch->timeout_id = g_timeout_add_seconds (g_ascii_strtoull (timeout_text, NULL, 10), on_timeout, watch);
}

void
kd_watch_broadcast (KdServer         *server,
                    const KdPodEvent *event)
{
  for (GList *l = server->watches; l != NULL; l = l->next)
    send_event (l->data, event);
}

void
kd_watch_broadcast_bookmark (KdServer *server)
{
  for (GList *l = server->watches; l != NULL; l = l->next)
    if (((KdWatch *) l->data)->bookmarks)
      send_bookmark (l->data);
}

void
kd_watch_end_all (KdServer *server)
{
  for (GList *l = server->watches; l != NULL; l = l->next)
    end_watch (l->data);
}

void
kd_watch_free_all (KdServer *server)
{
  g_list_free_full (g_steal_pointer (&server->watches), (GDestroyNotify) watch_free);
}
