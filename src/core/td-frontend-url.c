/* td-frontend-url.c: the frontend's URL by node port or by `minikube service --url`, and an HTTP probe */
#define G_LOG_DOMAIN "td-frontend-url"

#include <libsoup/soup.h>

#include "td-error.h"
#include "td-frontend-url.h"
#include "td-k8s-json.h"
#include "td-kubeconfig.h"

#define TUNNEL_KEY "td-frontend-url-tunnel"
#define LAST_URL_KEY "td-frontend-url-last"
/* minikube prints the URL within seconds; far longer means it is stuck (no cluster, no pods). */
#define TUNNEL_FIRST_LINE_SECONDS 60

/* ---- from the API objects ----------------------------------------------------------------------- */

char *
td_frontend_url_from_objects (JsonObject *service, JsonObject *node, gint64 preferred_node_port, GError **error)
{
  JsonArray *ports = td_json_get_array (td_json_get_object (service, "spec"), "ports");
  JsonArray *addresses = td_json_get_array (td_json_get_object (node, "status"), "addresses");
  gint64 node_port = 0;
  const char *ip = NULL;

  for (guint i = 0; ports != NULL && i < json_array_get_length (ports); i++)
    {
      gint64 candidate = td_json_get_int (td_json_array_get_object (ports, i), "nodePort", 0);

      if (candidate > 0 && (node_port == 0 || candidate == preferred_node_port))
        node_port = candidate;
    }
  if (node_port == 0)
    {
      g_set_error (error, TD_ERROR, TD_ERROR_FAILED,
                   "The Service %s has no node port, so nothing outside the cluster can reach it.",
                   service ? td_json_get_string (td_json_get_object (service, "metadata"), "name") : "?");
      return NULL;
    }
  for (guint i = 0; addresses != NULL && i < json_array_get_length (addresses) && ip == NULL; i++)
    {
      JsonObject *address = td_json_array_get_object (addresses, i);

      if (g_strcmp0 (td_json_get_string (address, "type"), "InternalIP") == 0)
        ip = td_json_get_string (address, "address");
    }
  if (ip == NULL)
    {
      g_set_error_literal (error, TD_ERROR, TD_ERROR_FAILED, "The cluster's node reports no InternalIP address.");
      return NULL;
    }
  return g_strdup_printf ("http://%s:%" G_GINT64_FORMAT, ip, node_port);
}

/* ---- the tunnel process the deployment owns ------------------------------------------------------ */

typedef struct {
  TdProcess *process;
  char      *url;
} Tunnel;

static void
tunnel_free (Tunnel *tunnel)
{
  if (td_process_get_running (tunnel->process))
    td_process_cancel (tunnel->process);
  g_object_unref (tunnel->process);
  g_free (tunnel->url);
  g_free (tunnel);
}

void
td_frontend_url_stop_tunnel (TdDeployment *deployment)
{
  g_object_set_data (G_OBJECT (deployment), TUNNEL_KEY, NULL);
}

TdProcess *
td_frontend_url_get_tunnel (TdDeployment *deployment)
{
  Tunnel *tunnel = g_object_get_data (G_OBJECT (deployment), TUNNEL_KEY);

  return tunnel ? tunnel->process : NULL;
}

const char *
td_frontend_url_get_last (TdDeployment *deployment)
{
  return g_object_get_data (G_OBJECT (deployment), LAST_URL_KEY);
}

static void
return_url (GTask *task, char *url)
{
  g_object_set_data_full (g_task_get_source_object (task), LAST_URL_KEY, g_strdup (url), g_free);
  g_task_return_pointer (task, url, g_free);
}

typedef struct {
  GTask     *task;        /* owned while waiting for the first URL line */
  TdProcess *process;
  GString   *err;
  guint      timeout_id;
  gulong     line_id;
  gulong     exited_id;
} TunnelStart;

static void
tunnel_start_done (TunnelStart *start)
{
  g_clear_handle_id (&start->timeout_id, g_source_remove);
  g_clear_signal_handler (&start->line_id, start->process);
  g_clear_signal_handler (&start->exited_id, start->process);
  g_clear_object (&start->task);
  g_object_unref (start->process);
  g_string_free (start->err, TRUE);
  g_free (start);
}

static void
tunnel_start_fail (TunnelStart *start, const char *why)
{
  g_autofree char *details = g_strstrip (g_strdup (start->err->str));

  td_process_cancel (start->process);
  g_task_return_new_error (start->task, TD_ERROR, TD_ERROR_FAILED,
                           "“minikube service --url” %s%s%s", why, details[0] ? ": " : ".", details);
  tunnel_start_done (start);
}

static void
on_tunnel_line (TdProcess *process, TdStream stream, const char *text, TunnelStart *start)
{
  TdDeployment *deployment = g_task_get_source_object (start->task);
  Tunnel *tunnel;

  if (stream == TD_STREAM_STDERR)
    {
      g_string_append_printf (start->err, "%s\n", text);
      return;
    }
  if (!g_str_has_prefix (text, "http://") && !g_str_has_prefix (text, "https://"))
    return;
  /* The URL works only while this process lives: the deployment keeps it (a Linux minikube
   * prints the URL and exits, which is harmless). */
  tunnel = g_new0 (Tunnel, 1);
  tunnel->process = g_object_ref (process);
  tunnel->url = g_strstrip (g_strdup (text));
  g_object_set_data_full (G_OBJECT (deployment), TUNNEL_KEY, tunnel, (GDestroyNotify) tunnel_free);
  return_url (start->task, g_strdup (tunnel->url));
  g_clear_object (&start->task);
  tunnel_start_done (start);
}

static void
on_tunnel_exited (TdProcess *process, int status, TunnelStart *start)
{
  tunnel_start_fail (start, "ended without printing a URL");
}

static gboolean
on_tunnel_timeout (gpointer user_data)
{
  TunnelStart *start = user_data;

  start->timeout_id = 0;
  tunnel_start_fail (start, "printed no URL within a minute");
  return G_SOURCE_REMOVE;
}

static void
find_by_minikube_service (GTask *task, const char *service)
{
  TdDeployment *deployment = g_task_get_source_object (task);
  Tunnel *tunnel = g_object_get_data (G_OBJECT (deployment), TUNNEL_KEY);
  const char *argv[] = { "minikube", "service", service, "--url", NULL };
  g_autoptr(GError) error = NULL;
  TunnelStart *start;
  TdProcess *process;

  if (tunnel != NULL && td_process_get_running (tunnel->process))
    {
      return_url (task, g_strdup (tunnel->url));
      return;
    }
  td_frontend_url_stop_tunnel (deployment);
  process = td_deployment_spawn (deployment, argv, NULL, 0, &error);
  if (process == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  start = g_new0 (TunnelStart, 1);
  start->task = g_object_ref (task);
  start->process = process;
  start->err = g_string_new (NULL);
  start->line_id = g_signal_connect (process, "line", G_CALLBACK (on_tunnel_line), start);
  start->exited_id = g_signal_connect (process, "exited", G_CALLBACK (on_tunnel_exited), start);
  start->timeout_id = g_timeout_add_seconds (TUNNEL_FIRST_LINE_SECONDS, on_tunnel_timeout, start);
}

/* ---- by node port ------------------------------------------------------------------------------- */

typedef struct {
  TdKubeClient *client;
  char         *service;
  char         *namespace_;
  gint64        preferred_node_port;
  TdFrontendRoute route;
  JsonNode     *service_object;
} FindData;

static void
find_data_free (FindData *data)
{
  g_clear_object (&data->client);
  g_free (data->service);
  g_free (data->namespace_);
  g_clear_pointer (&data->service_object, json_node_unref);
  g_free (data);
}

static void
nodes_listed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  FindData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) nodes = td_kube_client_request_finish (TD_KUBE_CLIENT (source), result, &error);
  JsonArray *items;
  char *url;

  if (nodes == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  items = td_json_get_array (JSON_NODE_HOLDS_OBJECT (nodes) ? json_node_get_object (nodes) : NULL, "items");
  url = td_frontend_url_from_objects (JSON_NODE_HOLDS_OBJECT (data->service_object) ? json_node_get_object (data->service_object) : NULL,
                                      td_json_array_get_object (items, 0), data->preferred_node_port, &error);
  if (url == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    return_url (task, url);
}

static void
service_fetched (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  FindData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;

  data->service_object = td_kube_client_request_finish (TD_KUBE_CLIENT (source), result, &error);
  if (data->service_object == NULL)
    {
      if (g_error_matches (error, TD_KUBE_ERROR, TD_KUBE_ERROR_NOT_FOUND))
        g_task_return_new_error (task, TD_KUBE_ERROR, TD_KUBE_ERROR_NOT_FOUND,
                                 "The Service %s is not in namespace %s: deploy the chart first.",
                                 data->service, data->namespace_);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  td_kube_client_get_async (data->client, "/api/v1/nodes", cancellable, nodes_listed, g_steal_pointer (&task));
}

static void
connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  FindData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *context_namespace = NULL;
  g_autofree char *path = NULL;

  data->client = td_deployment_connect_finish (TD_DEPLOYMENT (source), result, &context_namespace, &error);
  if (data->client == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (data->namespace_ == NULL)
    data->namespace_ = g_steal_pointer (&context_namespace);
  if (data->route == TD_FRONTEND_ROUTE_MINIKUBE_SERVICE ||
      (data->route == TD_FRONTEND_ROUTE_AUTO && td_kubeconfig_server_is_loopback (td_kube_client_get_server (data->client))))
    {
      find_by_minikube_service (task, data->service);
      return;
    }
  path = g_strdup_printf ("/api/v1/namespaces/%s/services/%s", data->namespace_, data->service);
  td_kube_client_get_async (data->client, path, cancellable, service_fetched, g_steal_pointer (&task));
}

void
td_frontend_url_find_async (TdDeployment *deployment, const char *service, gint64 preferred_node_port,
                            TdFrontendRoute route, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (deployment, cancellable, callback, user_data);
  FindData *data = g_new0 (FindData, 1);
  const char *plan_namespace = td_yaml_mapping_get_string (td_plan_get_settings (td_deployment_get_plan (deployment)), "namespace");

  g_task_set_source_tag (task, td_frontend_url_find_async);
  data->service = g_strdup (service);
  data->namespace_ = g_strdup (plan_namespace);
  data->preferred_node_port = preferred_node_port;
  data->route = route;
  g_task_set_task_data (task, data, (GDestroyNotify) find_data_free);
  td_deployment_connect_async (deployment, cancellable, connected, task);
}

char *
td_frontend_url_find_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- the probe ---------------------------------------------------------------------------------- */

typedef struct {
  SoupSession *session;
  char        *url;
  guint        expect_status;
  gint64       deadline;      /* monotonic µs */
  char        *last_outcome;
  guint        retry_id;
} ProbeData;

static void
probe_data_free (ProbeData *data)
{
  g_clear_handle_id (&data->retry_id, g_source_remove);
  g_object_unref (data->session);
  g_free (data->url);
  g_free (data->last_outcome);
  g_free (data);
}

static void probe_once (GTask *task);

static gboolean
probe_retry (gpointer user_data)
{
  GTask *task = user_data;
  ProbeData *data = g_task_get_task_data (task);

  data->retry_id = 0;
  probe_once (task);
  return G_SOURCE_REMOVE;
}

static void
probe_answered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  ProbeData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  guint status = body != NULL && message != NULL ? soup_message_get_status (message) : 0;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  if (status == data->expect_status)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  g_free (data->last_outcome);
  data->last_outcome = error != NULL ? g_strdup (error->message) : g_strdup_printf ("HTTP %u", status);
  if (g_get_monotonic_time () >= data->deadline)
    {
      g_task_return_new_error (task, TD_ERROR, TD_ERROR_TIMED_OUT, "%s did not answer %u (last answer: %s).",
                               data->url, data->expect_status, data->last_outcome);
      g_object_unref (task);
      return;
    }
  data->retry_id = g_timeout_add_seconds (1, probe_retry, task);
}

static void
probe_once (GTask *task)
{
  ProbeData *data = g_task_get_task_data (task);
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_GET, data->url);

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  soup_session_send_and_read_async (data->session, message, G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                    probe_answered, task);
}

void
td_frontend_url_probe_async (const char *url, guint expect_status, guint timeout_seconds,
                             GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  ProbeData *data = g_new0 (ProbeData, 1);
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  g_task_set_source_tag (task, td_frontend_url_probe_async);
  /* Each try is short so that a silent address does not use up the whole time limit at once. */
  data->session = soup_session_new_with_options ("timeout", MIN (timeout_seconds, 10u) + 1, NULL);
  data->url = g_strdup (url);
  data->expect_status = expect_status;
  data->deadline = g_get_monotonic_time () + (gint64) timeout_seconds * G_USEC_PER_SEC;
  g_task_set_task_data (task, data, (GDestroyNotify) probe_data_free);
  if (uri == NULL || (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 && g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
    {
      g_task_return_new_error (task, TD_ERROR, TD_ERROR_INVALID, "“%s” is not a web address.", url);
      g_object_unref (task);
      return;
    }
  probe_once (task);
}

gboolean
td_frontend_url_probe_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
