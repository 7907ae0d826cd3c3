/* kd-server.c: the double's TLS server, kubeconfig, routing, faults and the plain resources
 * (discovery, pod lists and Tables, events, nodes, services, secrets, pod metrics). Watch
 * streams are in kd-watch.c. */
#define G_LOG_DOMAIN "kd-server"

#include <glib/gstdio.h>
#include <string.h>

#include "kd-certs.h"
#include "kd-pod-table.h"
#include "kd-selector.h"
#include "kd-server-private.h"

/* ---- responses ---- */

void
kd_server_respond_json (SoupServerMessage *msg,
                        guint              status,
                        JsonNode          *body)
{
  gsize length = 0;
  char *text = json_to_string (body, FALSE);

  length = strlen (text);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text, length);
}

static void
respond_status_with_details (SoupServerMessage *msg, guint code, const char *reason, const char *message,
                             const char *details_name, const char *details_kind)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, "Status");
  json_builder_set_member_name (builder, "apiVersion");
  json_builder_add_string_value (builder, "v1");
  json_builder_set_member_name (builder, "metadata");
  json_builder_begin_object (builder);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "Failure");
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_set_member_name (builder, "reason");
  json_builder_add_string_value (builder, reason);
  if (details_name != NULL)
    {
      json_builder_set_member_name (builder, "details");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, details_name);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, details_kind);
      json_builder_end_object (builder);
    }
  json_builder_set_member_name (builder, "code");
  json_builder_add_int_value (builder, code);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  kd_server_respond_json (msg, code, body);
}

void
kd_server_respond_status (SoupServerMessage *msg,
                          guint              code,
                          const char        *reason,
                          const char        *message)
{
  respond_status_with_details (msg, code, reason, message, NULL, NULL);
}

static void
respond_not_found (SoupServerMessage *msg, const char *resource, const char *name)
{
  g_autofree char *message = g_strdup_printf ("%s \"%s\" not found", resource, name);
  respond_status_with_details (msg, 404, "NotFound", message, name, resource);
}

static void
respond_fixture (SoupServerMessage *msg, guint status, const char *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = kd_fixture_load (fixture, &error);

  if (body == NULL)
    kd_server_respond_status (msg, 500, "InternalError", error->message);
  else
    kd_server_respond_json (msg, status, body);
}

/* A list object: items lose kind/apiVersion, as the apiserver sends them. */
static JsonNode *
make_list (const char *kind, const char *api_version, guint64 resource_version, GPtrArray *items)
{
  JsonObject *list = json_object_new ();
  JsonObject *metadata = json_object_new ();
  JsonArray *array = json_array_new ();
  g_autofree char *rv = g_strdup_printf ("%" G_GUINT64_FORMAT, resource_version);

  for (guint i = 0; i < items->len; i++)
    {
      JsonNode *item = json_node_init_object (json_node_alloc (), items->pdata[i]);
      JsonNode *copy = json_node_copy (item);

      json_node_unref (item);
      json_object_remove_member (json_node_get_object (copy), "kind");
      json_object_remove_member (json_node_get_object (copy), "apiVersion");
      json_array_add_element (array, copy);
    }
  json_object_set_string_member (list, "kind", kind);
  json_object_set_string_member (list, "apiVersion", api_version);
  json_object_set_string_member (metadata, "resourceVersion", rv);
  json_object_set_object_member (list, "metadata", metadata);
  json_object_set_array_member (list, "items", array);
  return json_node_init_object (json_node_alloc (), list);
}

/* ---- discovery ---- */

static void
serve_discovery (KdServer *server, SoupServerMessage *msg, const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;

  if (strcmp (path, "/version") == 0)
    {
      body = json_from_string ("{\"major\":\"1\",\"minor\":\"32\",\"gitVersion\":\"v1.32.0\","
                               "\"gitCommit\":\"td-kube-double\",\"gitTreeState\":\"clean\","
                               "\"buildDate\":\"2024-12-11T17:59:15Z\",\"goVersion\":\"go1.23.3\","
                               "\"compiler\":\"gc\",\"platform\":\"linux/amd64\"}", NULL);
    }
  else if (strcmp (path, "/apis/metrics.k8s.io/v1beta1") == 0)
    {
      body = json_from_string ("{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\","
                               "\"groupVersion\":\"metrics.k8s.io/v1beta1\",\"resources\":["
                               "{\"name\":\"nodes\",\"singularName\":\"\",\"namespaced\":false,"
                               "\"kind\":\"NodeMetrics\",\"verbs\":[\"get\",\"list\"]},"
                               "{\"name\":\"pods\",\"singularName\":\"\",\"namespaced\":true,"
                               "\"kind\":\"PodMetrics\",\"verbs\":[\"get\",\"list\"]}]}", NULL);
    }
  else
    {
      const char *fixture = strcmp (path, "/api") == 0 ? "discovery-api.json"
                          : strcmp (path, "/apis") == 0 ? "discovery-apis.json" : "discovery-api-v1.json";
      JsonObject *object;

      body = kd_fixture_load (fixture, &error);
      if (body == NULL)
        {
          kd_server_respond_status (msg, 500, "InternalError", error->message);
          return;
        }
      object = json_node_get_object (body);
      if (strcmp (path, "/api") == 0)
        {
          /* Our own address instead of the fixture's minikube one. */
          JsonObject *address = json_array_get_object_element (
            json_object_get_array_member (object, "serverAddressByClientCIDRs"), 0);
          g_autoptr(GUri) uri = g_uri_parse (server->url, G_URI_FLAGS_NONE, NULL);
          g_autofree char *host_port = g_strdup_printf ("127.0.0.1:%d", g_uri_get_port (uri));
          json_object_set_string_member (address, "serverAddress", host_port);
        }
      else if (strcmp (path, "/apis") == 0)
        {
          JsonNode *metrics = json_from_string (
            "{\"name\":\"metrics.k8s.io\",\"versions\":[{\"groupVersion\":\"metrics.k8s.io/v1beta1\","
            "\"version\":\"v1beta1\"}],\"preferredVersion\":{\"groupVersion\":\"metrics.k8s.io/v1beta1\","
            "\"version\":\"v1beta1\"}}", NULL);
          json_array_add_element (json_object_get_array_member (object, "groups"), metrics);
        }
      else
        {
          JsonNode *events = json_from_string (
            "{\"name\":\"events\",\"singularName\":\"event\",\"namespaced\":true,\"kind\":\"Event\","
            "\"verbs\":[\"create\",\"delete\",\"deletecollection\",\"get\",\"list\",\"patch\",\"update\","
            "\"watch\"],\"shortNames\":[\"ev\"]}", NULL);
          json_array_add_element (json_object_get_array_member (object, "resources"), events);
        }
    }
  kd_server_respond_json (msg, 200, body);
}

/* ---- pods ---- */

static gboolean
wants_table (SoupServerMessage *msg)
{
  const char *accept = soup_message_headers_get_list (soup_server_message_get_request_headers (msg), "Accept");
  return accept != NULL && strstr (accept, "as=Table") != NULL;
}

static void
serve_pod_list (KdServer *server, SoupServerMessage *msg, const char *namespace_, const char *name,
                GHashTable *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pods = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *rv = g_strdup_printf ("%" G_GUINT64_FORMAT, kd_pod_store_get_resource_version (server->pods));
  g_autofree char *name_selector = name != NULL ? g_strdup_printf ("metadata.name=%s", name) : NULL;

  pods = kd_pod_store_list (server->pods, namespace_,
                            query != NULL ? g_hash_table_lookup (query, "labelSelector") : NULL,
                            name_selector != NULL ? name_selector
                                                  : query != NULL ? g_hash_table_lookup (query, "fieldSelector") : NULL,
                            &error);
  if (pods == NULL)
    {
      kd_server_respond_status (msg, 400, "BadRequest", error->message);
      return;
    }
  if (name != NULL && pods->len == 0)
    {
      respond_not_found (msg, "pods", name);
      return;
    }

  if (wants_table (msg))
    body = kd_pod_table_new (pods, rv, server->table_columns, now);
  else if (name != NULL)
    body = json_node_init_object (json_node_alloc (), json_object_ref (pods->pdata[0]));
  else
    {
      guint64 offset = 0;
      guint64 limit = 0;

      /* Paging: ?limit=N, then ?continue=TOKEN (here simply the offset of the next item). */
      if (query != NULL && g_hash_table_lookup (query, "continue") != NULL)
        offset = MIN (g_ascii_strtoull (g_hash_table_lookup (query, "continue"), NULL, 10), pods->len);
      if (query != NULL && g_hash_table_lookup (query, "limit") != NULL)
        limit = g_ascii_strtoull (g_hash_table_lookup (query, "limit"), NULL, 10);
      g_ptr_array_remove_range (pods, 0, offset);
      if (limit > 0 && pods->len > limit)
        {
          g_autofree char *token = g_strdup_printf ("%" G_GUINT64_FORMAT, offset + limit);

          g_ptr_array_set_size (pods, limit);
          body = make_list ("PodList", "v1", kd_pod_store_get_resource_version (server->pods), pods);
          json_object_set_string_member (json_object_get_object_member (json_node_get_object (body), "metadata"),
                                         "continue", token);
        }
      else
        body = make_list ("PodList", "v1", kd_pod_store_get_resource_version (server->pods), pods);
    }
  kd_server_respond_json (msg, 200, body);
}

/* ---- the scenario's other resources ---- */

static void
serve_array (KdServer *server, SoupServerMessage *msg, JsonArray *array, const char *list_kind,
             const char *api_version, const char *resource, const char *namespace_, const char *name,
             GHashTable *query)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new ();
  const char *field_selector = query != NULL ? g_hash_table_lookup (query, "fieldSelector") : NULL;
  const char *label_selector = query != NULL ? g_hash_table_lookup (query, "labelSelector") : NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *item = json_array_get_object_element (array, i);
      JsonObject *metadata = json_object_get_object_member (item, "metadata");
      gboolean labels_match;

      if (namespace_ != NULL && g_strcmp0 (json_object_get_string_member_with_default (metadata, "namespace", ""),
                                           namespace_) != 0)
        continue;
      if (name != NULL && g_strcmp0 (json_object_get_string_member_with_default (metadata, "name", ""), name) != 0)
        continue;
      if (!kd_label_selector_matches (label_selector, item, &labels_match, &error))
        {
          kd_server_respond_status (msg, 400, "BadRequest", error->message);
          return;
        }
      if (labels_match && kd_field_selector_matches (field_selector, item))
        g_ptr_array_add (items, item);
    }

  if (name == NULL)
    body = make_list (list_kind, api_version, server->other_resource_version, items);
  else if (items->len > 0)
    body = json_node_init_object (json_node_alloc (), json_object_ref (items->pdata[0]));
  else
    {
      respond_not_found (msg, resource, name);
      return;
    }
  kd_server_respond_json (msg, 200, body);
}

/* ---- secrets ---- */

static JsonObject *
parse_body_object (SoupServerMessage *msg)
{
  g_autoptr(GBytes) bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  if (size == 0 || !json_parser_load_from_data (parser, data, size, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* What the apiserver stores: stringData folded into data, server-set metadata. */
static void
store_secret (KdServer *server, JsonObject *secret, const char *namespace_, JsonObject *previous)
{
  JsonObject *metadata = json_object_get_object_member (secret, "metadata");
  g_autofree char *rv = g_strdup_printf ("%" G_GUINT64_FORMAT, ++server->other_resource_version);
  JsonObject *data;

  if (!json_object_has_member (secret, "data"))
    json_object_set_object_member (secret, "data", json_object_new ());
  data = json_object_get_object_member (secret, "data");
  if (json_object_has_member (secret, "stringData"))
    {
      JsonObject *string_data = json_object_get_object_member (secret, "stringData");
      g_autoptr(GList) keys = json_object_get_members (string_data);

      for (GList *l = keys; l != NULL; l = l->next)
        {
          const char *value = json_object_get_string_member (string_data, l->data);
          g_autofree char *encoded = g_base64_encode ((const guchar *) value, strlen (value));
          json_object_set_string_member (data, l->data, encoded);
        }
      json_object_remove_member (secret, "stringData");
    }
  if (!json_object_has_member (secret, "type"))
    json_object_set_string_member (secret, "type", "Opaque");
  json_object_set_string_member (secret, "kind", "Secret");
  json_object_set_string_member (secret, "apiVersion", "v1");
  json_object_set_string_member (metadata, "namespace", namespace_);
  json_object_set_string_member (metadata, "resourceVersion", rv);
  if (previous != NULL)
    {
      JsonObject *old = json_object_get_object_member (previous, "metadata");
      json_object_set_string_member (metadata, "uid", json_object_get_string_member (old, "uid"));
      json_object_set_string_member (metadata, "creationTimestamp",
                                     json_object_get_string_member (old, "creationTimestamp"));
    }
  else
    {
      g_autofree char *uid = g_uuid_string_random ();
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autofree char *created = g_date_time_format (now, "%FT%TZ");
      json_object_set_string_member (metadata, "uid", uid);
      json_object_set_string_member (metadata, "creationTimestamp", created);
    }
  g_hash_table_replace (server->secrets,
                        g_strdup_printf ("%s/%s", namespace_, json_object_get_string_member (metadata, "name")),
                        json_object_ref (secret));
}

static void
serve_secrets (KdServer *server, SoupServerMessage *msg, const char *method, const char *namespace_,
               const char *name)
{
  g_autoptr(JsonObject) body = NULL;
  g_autofree char *key = name != NULL ? g_strdup_printf ("%s/%s", namespace_, name) : NULL;
  JsonObject *existing = key != NULL ? g_hash_table_lookup (server->secrets, key) : NULL;
  const char *body_name = NULL;
  g_autoptr(JsonNode) reply = NULL;

  if (strcmp (method, "GET") == 0 || strcmp (method, "DELETE") == 0)
    {
      g_autoptr(GPtrArray) items = NULL;
      GHashTableIter iter;
      gpointer value;

      if (name != NULL && existing == NULL)
        { respond_not_found (msg, "secrets", name); return; }
      if (name != NULL)
        {
          reply = json_node_init_object (json_node_alloc (), json_object_ref (existing));
          kd_server_respond_json (msg, 200, reply);
          if (strcmp (method, "DELETE") == 0)
            g_hash_table_remove (server->secrets, key);
          return;
        }
      items = g_ptr_array_new ();
      g_hash_table_iter_init (&iter, server->secrets);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        if (g_strcmp0 (json_object_get_string_member (json_object_get_object_member (value, "metadata"), "namespace"),
                       namespace_) == 0)
          g_ptr_array_add (items, value);
      reply = make_list ("SecretList", "v1", server->other_resource_version, items);
      { kd_server_respond_json (msg, 200, reply); return; }
    }

  body = parse_body_object (msg);
  if (body != NULL && json_object_has_member (body, "metadata"))
    body_name = json_object_get_string_member_with_default (json_object_get_object_member (body, "metadata"),
                                                            "name", NULL);
  if (body_name == NULL)
    { kd_server_respond_status (msg, 400, "BadRequest", "the body is not a Secret with metadata.name"); return; }

  if (strcmp (method, "POST") == 0 && name == NULL)
    {
      g_autofree char *new_key = g_strdup_printf ("%s/%s", namespace_, body_name);

      if (g_hash_table_contains (server->secrets, new_key))
        {
          g_autofree char *message = g_strdup_printf ("secrets \"%s\" already exists", body_name);
          { respond_status_with_details (msg, 409, "AlreadyExists", message, body_name, "secrets"); return; }
        }
      store_secret (server, body, namespace_, NULL);
      reply = json_node_init_object (json_node_alloc (), json_object_ref (body));
      { kd_server_respond_json (msg, 201, reply); return; }
    }

  if (strcmp (method, "PUT") == 0 && name != NULL)
    {
      const char *rv = json_object_get_string_member_with_default (json_object_get_object_member (body, "metadata"),
                                                                   "resourceVersion", NULL);
      if (strcmp (body_name, name) != 0)
        {
          g_autofree char *message = g_strdup_printf (
            "the name of the object (%s) does not match the name on the URL (%s)", body_name, name);
          { kd_server_respond_status (msg, 400, "BadRequest", message); return; }
        }
      if (existing == NULL)
        { respond_not_found (msg, "secrets", name); return; }
      if (rv != NULL && g_strcmp0 (rv, json_object_get_string_member (json_object_get_object_member (existing, "metadata"),
                                                                      "resourceVersion")) != 0)
        {
          g_autofree char *message = g_strdup_printf (
            "Operation cannot be fulfilled on secrets \"%s\": the object has been modified; please apply "
            "your changes to the latest version and try again", name);
          { respond_status_with_details (msg, 409, "Conflict", message, name, "secrets"); return; }
        }
      store_secret (server, body, namespace_, existing);
      reply = json_node_init_object (json_node_alloc (), json_object_ref (body));
      { kd_server_respond_json (msg, 200, reply); return; }
    }

  kd_server_respond_status (msg, 405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
}

/* ---- routing and faults ---- */

static gboolean
is_watch (GHashTable *query)
{
  const char *watch = query != NULL ? g_hash_table_lookup (query, "watch") : NULL;
  return g_strcmp0 (watch, "true") == 0 || g_strcmp0 (watch, "1") == 0;
}

static gboolean
fault_matches (KdFault *fault, const char *path, GHashTable *query)
{
  gboolean pods = g_str_has_suffix (path, "/pods") && !g_str_has_prefix (path, "/apis/");

  if (strcmp (fault->match, "any") == 0)
    return TRUE;
  if (strcmp (fault->match, "list-pods") == 0)
    return pods && !is_watch (query);
  if (strcmp (fault->match, "watch-pods") == 0)
    return pods && is_watch (query);
  return g_str_has_prefix (path, fault->match);
}

/* The scenario fault that applies to this request, if any; counts the request for every fault it matches. */
static KdFault *
pick_fault (KdServer *server, const char *path, GHashTable *query)
{
  KdFault *picked = NULL;

  for (guint i = 0; i < server->scenario->faults->len; i++)
    {
      KdFault *fault = server->scenario->faults->pdata[i];
      gboolean selected = fault->requests == NULL;

      if (!fault_matches (fault, path, query))
        continue;
      server->fault_counts[i]++;
      for (guint r = 0; fault->requests != NULL && r < fault->requests->len; r++)
        selected |= g_array_index (fault->requests, guint, r) == server->fault_counts[i];
      if (selected && picked == NULL)
        picked = fault;
    }
  return picked;
}

static void
route (KdServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, KdFault *fault)
{
  const char *method = soup_server_message_get_method (msg);
  g_auto(GStrv) parts = g_strsplit (path + 1, "/", -1);
  guint n = g_strv_length (parts);
  const char *namespace_ = NULL;
  const char *resource = NULL;
  const char *name = NULL;
  gboolean metrics = n >= 3 && strcmp (parts[0], "apis") == 0 && strcmp (parts[1], "metrics.k8s.io") == 0 &&
                     strcmp (parts[2], "v1beta1") == 0;
  guint first = metrics ? 3 : 2;   /* index after /api/v1 or /apis/metrics.k8s.io/v1beta1 */

  if (fault != NULL && fault->kind == KD_FAULT_HTTP_500)
    { kd_server_respond_status (msg, 500, "InternalError",
                                     "Internal error occurred: injected by the test double"); return; }
  if (fault != NULL && fault->kind == KD_FAULT_HTTP_410)
    { respond_fixture (msg, 410, "status-410-expired-list.json"); return; }

  if (strcmp (path, "/version") == 0 || strcmp (path, "/api") == 0 || strcmp (path, "/apis") == 0 ||
      strcmp (path, "/api/v1") == 0 || strcmp (path, "/apis/metrics.k8s.io/v1beta1") == 0)
    { serve_discovery (server, msg, path); return; }

  if (!metrics && !(n >= 2 && strcmp (parts[0], "api") == 0 && strcmp (parts[1], "v1") == 0))
    { kd_server_respond_status (msg, 404, "NotFound", "the server could not find the requested resource"); return; }

  if (n > first + 1 && strcmp (parts[first], "namespaces") == 0)
    {
      namespace_ = parts[first + 1];
      first += 2;
    }
  resource = n > first ? parts[first] : NULL;
  name = n > first + 1 ? parts[first + 1] : NULL;
  if (resource == NULL || n > first + 2)
    { kd_server_respond_status (msg, 404, "NotFound", "the server could not find the requested resource"); return; }

  if (metrics && strcmp (resource, "pods") == 0)
    { serve_array (server, msg, server->scenario->pod_metrics, "PodMetricsList", "metrics.k8s.io/v1beta1",
                        "pods.metrics.k8s.io", namespace_, name, query); return; }
  if (metrics)
    { kd_server_respond_status (msg, 404, "NotFound", "the server could not find the requested resource"); return; }

  if (strcmp (resource, "secrets") == 0 && namespace_ != NULL)
    { serve_secrets (server, msg, method, namespace_, name); return; }
  if (strcmp (method, "GET") != 0)
    { kd_server_respond_status (msg, 405, "MethodNotAllowed",
                                     "the server does not allow this method on the requested resource"); return; }

  if (strcmp (resource, "pods") == 0 && is_watch (query) && name == NULL)
    { kd_watch_start (server, msg, namespace_, query, wants_table (msg), fault); return; }
  if (strcmp (resource, "pods") == 0)
    { serve_pod_list (server, msg, namespace_, name, query); return; }
  if (strcmp (resource, "events") == 0)
    { serve_array (server, msg, server->scenario->events, "EventList", "v1", "events", namespace_, name, query); return; }
  if (strcmp (resource, "services") == 0)
    { serve_array (server, msg, server->scenario->services, "ServiceList", "v1", "services", namespace_, name, query); return; }
  if (strcmp (resource, "nodes") == 0 && namespace_ == NULL)
    { serve_array (server, msg, server->scenario->nodes, "NodeList", "v1", "nodes", NULL, name, query); return; }
  kd_server_respond_status (msg, 404, "NotFound", "the server could not find the requested resource");
}

typedef struct {
  KdServer *server;
  SoupServerMessage *msg;
  char *path;
  GHashTable *query;
  guint id;
} DelayedRequest;

/* Timers that fired are dropped from the list kd_server_free() removes. */
static void
forget_timer (KdServer *server, guint id)
{
  for (guint i = 0; i < server->timers->len; i++)
    if (g_array_index (server->timers, guint, i) == id)
      g_array_remove_index_fast (server->timers, i--);
}

static void
delayed_request_free (DelayedRequest *delayed)
{
  g_object_unref (delayed->msg);
  g_free (delayed->path);
  g_clear_pointer (&delayed->query, g_hash_table_unref);
  g_free (delayed);
}

static gboolean
delayed_request_run (gpointer user_data)
{
  DelayedRequest *delayed = user_data;

  forget_timer (delayed->server, delayed->id);
  route (delayed->server, delayed->msg, delayed->path, delayed->query, NULL);
  soup_server_message_unpause (delayed->msg);
  return G_SOURCE_REMOVE;
}

static void
handle_request (SoupServer        *soup,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  KdServer *server = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  GUri *uri = soup_server_message_get_uri (msg);
  KdFault *fault;

  g_ptr_array_add (server->request_log,
                   g_strdup_printf ("%s %s%s%s", soup_server_message_get_method (msg), path,
                                    g_uri_get_query (uri) != NULL ? "?" : "",
                                    g_uri_get_query (uri) != NULL ? g_uri_get_query (uri) : ""));
  g_free (server->last_authorization);
  server->last_authorization = g_strdup (authorization);

  fault = pick_fault (server, path, query);
  if (fault != NULL && fault->kind == KD_FAULT_DELAY)
    {
      DelayedRequest *delayed = g_new0 (DelayedRequest, 1);

      delayed->server = server;
      delayed->msg = g_object_ref (msg);
      delayed->path = g_strdup (path);
      delayed->query = query != NULL ? g_hash_table_ref (query) : NULL;
      delayed->id = g_timeout_add_full (G_PRIORITY_DEFAULT, fault->delay_ms, delayed_request_run, delayed,
                                        (GDestroyNotify) delayed_request_free);
      g_array_append_val (server->timers, delayed->id);
      soup_server_message_pause (msg);
      return;
    }
  route (server, msg, path, query, fault);
}

/* ---- the timeline ---- */

typedef struct {
  KdServer *server;
  KdTimelineStep *step;   /* NULL: the end of the timeline */
  guint id;
} TimelineTick;

static gboolean
timeline_tick (gpointer user_data)
{
  TimelineTick *tick = user_data;
  KdServer *server = tick->server;

  forget_timer (server, tick->id);
  if (tick->step == NULL)
    {
      server->timeline_over = TRUE;
      kd_watch_end_all (server);
    }
  else if (strcmp (tick->step->type, "BOOKMARK") == 0)
    kd_watch_broadcast_bookmark (server);
  else
    kd_watch_broadcast (server, kd_pod_store_apply (server->pods, tick->step->type, tick->step->pod));
  return G_SOURCE_REMOVE;
}

static void
schedule (KdServer *server, gint64 after_ms, KdTimelineStep *step)
{
  TimelineTick *tick = g_new0 (TimelineTick, 1);
  tick->server = server;
  tick->step = step;
  tick->id = g_timeout_add_full (G_PRIORITY_DEFAULT, MAX (after_ms, 0), timeline_tick, tick, g_free);
  g_array_append_val (server->timers, tick->id);
}

void
kd_server_start_clock (KdServer *server)
{
  if (server->clock_started)
    return;
  server->clock_started = TRUE;
  for (guint i = 0; i < server->scenario->timeline->len; i++)
    {
      KdTimelineStep *step = server->scenario->timeline->pdata[i];
      schedule (server, step->after_ms, step);
    }
  if (server->scenario->watch_end_ms >= 0)
    schedule (server, server->scenario->watch_end_ms, NULL);
}

/* ---- setup ---- */

/* Client certificates are checked against the double's CA here: libsoup 3.2 asks the connection's
 * first message on every handshake, and refuses the handshake when nobody answers TRUE. */
static gboolean
on_accept_client_certificate (SoupServerMessage    *msg,
                              GTlsCertificate      *peer,
                              GTlsCertificateFlags  errors,
                              KdServer             *server)
{
  g_autofree char *ca_path = g_build_filename (server->dir, "ca.pem", NULL);
  g_autoptr(GTlsCertificate) ca = g_tls_certificate_new_from_file (ca_path, NULL);

  return ca != NULL && g_tls_certificate_verify (peer, NULL, ca) == 0;
}

static void
on_request_started (SoupServer *soup, SoupServerMessage *msg, KdServer *server)
{
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (on_accept_client_certificate), server);
}

static gboolean
write_kubeconfig (KdServer *server, GError **error)
{
  g_autofree char *text = g_strdup_printf (
    "apiVersion: v1\n"
    "kind: Config\n"
    "clusters:\n"
    "- name: td-kube-double\n"
    "  cluster:\n"
    "    server: %s\n"
    "    certificate-authority: %s/ca.pem\n"
    "contexts:\n"
    "- name: td-kube-double\n"
    "  context:\n"
    "    cluster: td-kube-double\n"
    "    user: td-test\n"
    "    namespace: %s\n"
    "current-context: td-kube-double\n"
    "users:\n"
    "- name: td-test\n"
    "  user:\n"
    "    client-certificate: %s/client.pem\n"
    "    client-key: %s/client.key\n",
    server->url, server->dir, server->scenario->namespace_, server->dir, server->dir);

  server->kubeconfig_path = g_build_filename (server->dir, "kubeconfig", NULL);
  return g_file_set_contents (server->kubeconfig_path, text, -1, error);
}

static gboolean
start_listening (KdServer *server, GError **error)
{
  g_autofree char *cert_path = g_build_filename (server->dir, server->scenario->alternative_certificate
                                                 ? "other-server.pem" : "server.pem", NULL);
  g_autofree char *key_path = g_build_filename (server->dir, server->scenario->alternative_certificate
                                                ? "other-server.key" : "server.key", NULL);
  g_autofree char *ca_path = g_build_filename (server->dir, "ca.pem", NULL);
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  GSList *uris;
  g_autoptr(GError) columns_error = NULL;
  g_autoptr(JsonNode) table = NULL;

  certificate = g_tls_certificate_new_from_files (cert_path, key_path, error);
  if (certificate == NULL)
    return FALSE;
  database = g_tls_file_database_new (ca_path, error);
  if (database == NULL)
    return FALSE;

  server->soup = soup_server_new ("tls-certificate", certificate,
                                  "tls-database", database,
                                  "tls-auth-mode", G_TLS_AUTHENTICATION_REQUIRED,
                                  "server-header", "td-kube-double",
                                  NULL);
  soup_server_add_handler (server->soup, NULL, handle_request, server, NULL);
  g_signal_connect (server->soup, "request-started", G_CALLBACK (on_request_started), server);
  if (!soup_server_listen_local (server->soup, 0, SOUP_SERVER_LISTEN_HTTPS | SOUP_SERVER_LISTEN_IPV4_ONLY, error))
    return FALSE;

  uris = soup_server_get_uris (server->soup);
  server->url = g_strdup_printf ("https://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  table = kd_fixture_load ("table-pods.json", error);
  if (table == NULL)
    return FALSE;
  server->table_columns = json_array_ref (json_object_get_array_member (json_node_get_object (table),
                                                                        "columnDefinitions"));
  return TRUE;
}

KdServer *
kd_server_new (KdScenario  *scenario,
               const char  *dir,
               GError     **error)
{
  g_autoptr(KdServer) server = g_new0 (KdServer, 1);

  server->scenario = scenario;
  server->pods = kd_pod_store_new (scenario->pods, scenario->resource_version);
  server->secrets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);
  server->other_resource_version = scenario->resource_version + 100000;
  server->request_log = g_ptr_array_new_with_free_func (g_free);
  server->timers = g_array_new (FALSE, FALSE, sizeof (guint));
  server->fault_counts = g_new0 (guint, MAX (scenario->faults->len, 1));

  for (guint i = 0; i < json_array_get_length (scenario->secrets); i++)
    {
      JsonObject *secret = json_object_ref (json_array_get_object_element (scenario->secrets, i));
      store_secret (server, secret,
                    json_object_get_string_member (json_object_get_object_member (secret, "metadata"), "namespace"),
                    NULL);
      json_object_unref (secret);
    }

  if (dir != NULL)
    {
      server->dir = g_strdup (dir);
      if (g_mkdir_with_parents (dir, 0700) != 0)
        return g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "cannot create %s", dir), NULL;
    }
  else
    {
      server->dir = g_dir_make_tmp ("td-kube-double-XXXXXX", error);
      server->own_dir = TRUE;
      if (server->dir == NULL)
        return NULL;
    }

  if (!kd_certs_generate (server->dir, error) || !start_listening (server, error) ||
      !write_kubeconfig (server, error))
    return NULL;

  if (scenario->clock_at_start)
    kd_server_start_clock (server);
  return g_steal_pointer (&server);
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_remove (path);
    }
  g_rmdir (dir);
}

void
kd_server_free (KdServer *server)
{
  if (server == NULL)
    return;
  for (guint i = 0; i < server->timers->len; i++)
    g_source_remove (g_array_index (server->timers, guint, i));
  g_clear_pointer (&server->rollouts, kd_rollouts_free);
  kd_watch_free_all (server);
  if (server->soup != NULL)
    soup_server_disconnect (server->soup);
  g_clear_object (&server->soup);
  if (server->own_dir && server->dir != NULL)
    remove_tree (server->dir);
  g_clear_pointer (&server->table_columns, json_array_unref);
  g_clear_pointer (&server->pods, kd_pod_store_free);
  g_clear_pointer (&server->scenario, kd_scenario_free);
  g_hash_table_unref (server->secrets);
  g_ptr_array_unref (server->request_log);
  g_array_unref (server->timers);
  g_free (server->fault_counts);
  g_free (server->last_authorization);
  g_free (server->url);
  g_free (server->dir);
  g_free (server->kubeconfig_path);
  g_free (server);
}

const char *
kd_server_get_url (KdServer *server)
{
  return server->url;
}

const char *
kd_server_get_dir (KdServer *server)
{
  return server->dir;
}

const char *
kd_server_get_kubeconfig_path (KdServer *server)
{
  return server->kubeconfig_path;
}

char *
kd_server_read_file (KdServer *server, const char *name)
{
  g_autofree char *path = g_build_filename (server->dir, name, NULL);
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, NULL);
  return contents;
}

const char *
kd_server_get_last_authorization (KdServer *server)
{
  return server->last_authorization;
}

GPtrArray *
kd_server_get_request_log (KdServer *server)
{
  return server->request_log;
}

JsonObject *
kd_server_get_secret (KdServer *server, const char *namespace_, const char *name)
{
  g_autofree char *key = g_strdup_printf ("%s/%s", namespace_, name);
  return g_hash_table_lookup (server->secrets, key);
}
