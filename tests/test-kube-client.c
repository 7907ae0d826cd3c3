/* test-kube-client.c: the Kubernetes API client against the API double, over mutual TLS */
#include <string.h>

#include "td-error.h"
#include "td-kube-client.h"
#include "kube-double/kd-server.h"

/* ---- helpers ---- */

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
store_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static KdServer *
start_double (const char *scenario_name, gboolean alternative_certificate)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KdScenario) scenario = NULL;
  KdServer *server;

  if (scenario_name != NULL)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "kube-double", "scenarios", scenario_name, NULL);
      scenario = kd_scenario_load (path, &error);
    }
  else
    scenario = kd_scenario_new_empty ();
  g_assert_no_error (error);
  scenario->alternative_certificate = alternative_certificate;
  server = kd_server_new (g_steal_pointer (&scenario), NULL, &error);
  g_assert_no_error (error);
  return server;
}

/* A connection as td-kubeconfig would resolve the double's kubeconfig. */
static TdKubeConnection *
connection_for (KdServer *server)
{
  TdKubeConnection *connection = td_kube_connection_new (kd_server_get_url (server));

  connection->certificate_authority_pem = kd_server_read_file (server, "ca.pem");
  connection->client_certificate_pem = kd_server_read_file (server, "client.pem");
  connection->client_key_pem = kd_server_read_file (server, "client.key");
  return connection;
}

static TdKubeClient *
client_for (const TdKubeConnection *connection)
{
  g_autoptr(GError) error = NULL;
  TdKubeClient *client = td_kube_client_new (connection, &error);

  g_assert_no_error (error);
  return client;
}

static JsonNode *
request (TdKubeClient *client, const char *method, const char *path, JsonNode *body, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  td_kube_client_request_async (client, method, path, body, NULL, store_result, &result);
  return td_kube_client_request_finish (client, wait_for (&result), error);
}

static guint
count_items (JsonNode *list)
{
  return json_array_get_length (json_object_get_array_member (json_node_get_object (list), "items"));
}

/* ---- tests ---- */

static void
test_list_pods (void)
{
  g_autoptr(KdServer) server = start_double ("todo-rollout.json", FALSE);
  g_autoptr(TdKubeConnection) connection = connection_for (server);
  g_autoptr(TdKubeClient) client = client_for (connection);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) all = NULL, app = NULL, set = NULL, one = NULL;
  JsonObject *list;

  all = request (client, "GET", "/api/v1/namespaces/default/pods?limit=500", NULL, &error);
  g_assert_no_error (error);
  list = json_node_get_object (all);
  g_assert_cmpstr (json_object_get_string_member (list, "kind"), ==, "PodList");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (list, "metadata"),
                                                  "resourceVersion"), ==, "5002");
  g_assert_cmpuint (count_items (all), ==, 3);
  /* List items carry no kind, as from a real apiserver. */
  g_assert_false (json_object_has_member (json_array_get_object_element (json_object_get_array_member (list, "items"), 0), "kind"));

  app = request (client, "GET", "/api/v1/namespaces/default/pods?labelSelector=app%3Dredis", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_items (app), ==, 1);

  set = request (client, "GET", "/api/v1/namespaces/default/pods?labelSelector=app%20in%20(todo-backend%2Ctodo-frontend)",
                 NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_items (set), ==, 2);

  one = request (client, "GET", "/api/v1/namespaces/default/pods?fieldSelector=metadata.name%3Dredis-0&labelSelector=app%3Dtodo-backend",
                 NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_items (one), ==, 0);
}

static void
test_status_error (void)
{
  g_autoptr(KdServer) server = start_double ("todo-rollout.json", FALSE);
  g_autoptr(TdKubeConnection) connection = connection_for (server);
  g_autoptr(TdKubeClient) client = client_for (connection);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = request (client, "GET", "/api/v1/namespaces/default/pods/nope", NULL, &error);
  g_assert_null (node);
  g_assert_error (error, TD_KUBE_ERROR, TD_KUBE_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "NotFound: pods \"nope\" not found");
}

static void
test_events_and_metrics (void)
{
  g_autoptr(KdServer) server = start_double ("todo-rollout.json", FALSE);
  g_autoptr(TdKubeConnection) connection = connection_for (server);
  g_autoptr(TdKubeClient) client = client_for (connection);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) events = NULL, metrics = NULL, nodes = NULL;
  JsonObject *event;

  events = request (client, "GET", "/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dtodo-frontend-5b7c9d8f4-q7w3e",
                    NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_items (events), ==, 1);
  event = json_array_get_object_element (json_object_get_array_member (json_node_get_object (events), "items"), 0);
  g_assert_cmpstr (json_object_get_string_member (event, "reason"), ==, "Unhealthy");

  metrics = request (client, "GET", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (metrics), "kind"), ==, "PodMetricsList");
  g_assert_cmpuint (count_items (metrics), ==, 1);

  nodes = request (client, "GET", "/api/v1/nodes", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_items (nodes), ==, 1);
}

static void
test_secret_apply (void)
{
  g_autoptr(KdServer) server = start_double (NULL, FALSE);
  g_autoptr(TdKubeConnection) connection = connection_for (server);
  g_autoptr(TdKubeClient) client = client_for (connection);
  g_autoptr(GHashTable) data = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) first = NULL, second = NULL;
  g_autoptr(JsonNode) created = NULL, replaced = NULL, again = NULL, missing = NULL;
  gboolean was_created = FALSE;
  JsonObject *stored;

  g_hash_table_insert (data, "DATABASE_URL", "postgresql://u:p@db/todo");
  g_hash_table_insert (data, "OPENAI_API_KEY", "sk-first");
  td_kube_client_apply_secret_async (client, "default", "todo-backend-secret", data, NULL, store_result, &first);
  created = td_kube_client_apply_secret_finish (client, wait_for (&first), &was_created, &error);
  g_assert_no_error (error);
  g_assert_true (was_created);
  stored = kd_server_get_secret (server, "default", "todo-backend-secret");
  g_assert_nonnull (stored);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (stored, "data"), "OPENAI_API_KEY"),
                   ==, "c2stZmlyc3Q=");

  /* The name is taken now: a plain POST is refused with the server's reason and message… */
  again = request (client, "POST", "/api/v1/namespaces/default/secrets", created, &error);
  g_assert_null (again);
  g_assert_error (error, TD_KUBE_ERROR, TD_KUBE_ERROR_CONFLICT);
  g_assert_cmpstr (error->message, ==, "AlreadyExists: secrets \"todo-backend-secret\" already exists");
  g_clear_error (&error);

  /* …and applying again replaces it (POST 409, then PUT). */
  g_hash_table_insert (data, "OPENAI_API_KEY", "sk-second");
  td_kube_client_apply_secret_async (client, "default", "todo-backend-secret", data, NULL, store_result, &second);
  replaced = td_kube_client_apply_secret_finish (client, wait_for (&second), &was_created, &error);
  g_assert_no_error (error);
  g_assert_false (was_created);
  stored = kd_server_get_secret (server, "default", "todo-backend-secret");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (stored, "data"), "OPENAI_API_KEY"),
                   ==, "c2stc2Vjb25k");
  {
    GPtrArray *log = kd_server_get_request_log (server);
    g_assert_cmpuint (log->len, ==, 4);
    g_assert_cmpstr (log->pdata[2], ==, "POST /api/v1/namespaces/default/secrets");
    g_assert_cmpstr (log->pdata[3], ==, "PUT /api/v1/namespaces/default/secrets/todo-backend-secret");
  }

  /* A PUT to a Secret that does not exist is 404: updates never create. */
  json_object_set_string_member (json_object_get_object_member (json_node_get_object (replaced), "metadata"), "name", "other");
  json_object_remove_member (json_object_get_object_member (json_node_get_object (replaced), "metadata"), "resourceVersion");
  missing = request (client, "PUT", "/api/v1/namespaces/default/secrets/other", replaced, &error);
  g_assert_null (missing);
  g_assert_error (error, TD_KUBE_ERROR, TD_KUBE_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "NotFound: secrets \"other\" not found");
}

static void
assert_refused_certificate (KdServer *server, TdKubeConnection *connection)
{
  g_autoptr(TdKubeClient) client = client_for (connection);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = request (client, "GET", "/api/v1/namespaces/default/pods", NULL, &error);
  g_assert_null (node);
  g_assert_error (error, TD_KUBE_ERROR, TD_KUBE_ERROR_TLS);
  g_assert_nonnull (strstr (error->message,
                            "The cluster's certificate is not signed by the certificate authority in your kubeconfig"));
  g_assert_cmpuint (kd_server_get_request_log (server)->len, ==, 0);
}

static void
test_wrong_ca (void)
{
  g_autoptr(KdServer) server = start_double (NULL, FALSE);
  g_autoptr(TdKubeConnection) connection = connection_for (server);

  g_free (connection->certificate_authority_pem);
  connection->certificate_authority_pem = kd_server_read_file (server, "other-ca.pem");
  assert_refused_certificate (server, connection);
}

static void
test_server_from_other_ca (void)
{
  g_autoptr(KdServer) server = start_double (NULL, TRUE);
  g_autoptr(TdKubeConnection) connection = connection_for (server);

  assert_refused_certificate (server, connection);
}

static void
test_insecure_skip_verify (void)
{
  g_autoptr(KdServer) server = start_double (NULL, TRUE);
  g_autoptr(TdKubeConnection) connection = connection_for (server);
  g_autoptr(TdKubeClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  gboolean insecure = FALSE;

  /* A CA and insecure-skip-tls-verify together are refused, as client-go does. */
  connection->insecure_skip_tls_verify = TRUE;
  g_assert_null (td_kube_client_new (connection, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_INVALID);
  g_clear_error (&error);

  g_clear_pointer (&connection->certificate_authority_pem, g_free);
  client = client_for (connection);
  g_object_get (client, "insecure-skip-tls-verify", &insecure, NULL);
  g_assert_true (insecure);
  node = request (client, "GET", "/version", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "major"), ==, "1");
}

static void
test_missing_client_certificate (void)
{
  g_autoptr(KdServer) server = start_double (NULL, FALSE);
  g_autoptr(TdKubeConnection) connection = connection_for (server);
  g_autoptr(TdKubeClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_clear_pointer (&connection->client_certificate_pem, g_free);
  g_clear_pointer (&connection->client_key_pem, g_free);
  client = client_for (connection);
  node = request (client, "GET", "/api/v1/namespaces/default/pods", NULL, &error);
  g_assert_null (node);
  g_assert_error (error, TD_KUBE_ERROR, TD_KUBE_ERROR_TLS);
  g_assert_nonnull (strstr (error->message, "client certificate"));
  g_assert_cmpuint (kd_server_get_request_log (server)->len, ==, 0);
}

static void
test_bearer_token (void)
{
  g_autoptr(KdServer) server = start_double (NULL, FALSE);
  g_autoptr(TdKubeConnection) connection = connection_for (server);
  g_autoptr(TdKubeClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  connection->token = g_strdup ("t0ken-for-tests");
  client = client_for (connection);
  node = request (client, "GET", "/api", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kd_server_get_last_authorization (server), ==, "Bearer t0ken-for-tests");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "kind"), ==, "APIVersions");
}

static void
test_bad_connection_parameters (void)
{
  g_autoptr(TdKubeConnection) connection = td_kube_connection_new ("ftp://example");
  g_autoptr(GError) error = NULL;

  g_assert_null (td_kube_client_new (connection, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_INVALID);
  g_clear_error (&error);

  g_free (connection->server);
  connection->server = g_strdup ("https://127.0.0.1:1");
  connection->client_certificate_pem = g_strdup ("-----BEGIN CERTIFICATE-----\n");
  g_assert_null (td_kube_client_new (connection, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "key"));
}

/* Reads a watch body line by line until EOF (or a read error, returned in @error). */
static GPtrArray *
read_lines (GInputStream *stream, GError **error)
{
  g_autoptr(GDataInputStream) data = g_data_input_stream_new (stream);
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);

  for (;;)
    {
      g_autoptr(GAsyncResult) result = NULL;
      char *line;

      g_data_input_stream_read_line_async (data, G_PRIORITY_DEFAULT, NULL, store_result, &result);
      line = g_data_input_stream_read_line_finish_utf8 (data, wait_for (&result), NULL, error);
      if (line == NULL)
        break;
      g_ptr_array_add (lines, line);
    }
  return lines;
}

static GInputStream *
open_stream (TdKubeClient *client, const char *path, guint *status, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  td_kube_client_open_stream_async (client, path, NULL, store_result, &result);
  return td_kube_client_open_stream_finish (client, wait_for (&result), status, error);
}

static void
assert_event (const char *line, const char *type, const char *name)
{
  g_autoptr(JsonNode) node = json_from_string (line, NULL);
  JsonObject *event = json_node_get_object (node);
  JsonObject *metadata = json_object_get_object_member (json_object_get_object_member (event, "object"), "metadata");

  g_assert_cmpstr (json_object_get_string_member (event, "type"), ==, type);
  if (name != NULL)
    g_assert_cmpstr (json_object_get_string_member (metadata, "name"), ==, name);
}

static void
test_watch_stream (void)
{
  g_autoptr(KdServer) server = start_double ("todo-rollout.json", FALSE);
  g_autoptr(TdKubeConnection) connection = connection_for (server);
  g_autoptr(TdKubeClient) client = client_for (connection);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  guint status = 0;

  stream = open_stream (client, "/api/v1/namespaces/default/pods?watch=true&resourceVersion=5002"
                        "&allowWatchBookmarks=true&labelSelector=app%20in%20(todo-frontend%2Credis)", &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  lines = read_lines (stream, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lines->len, ==, 4);
  assert_event (lines->pdata[0], "MODIFIED", "todo-frontend-5b7c9d8f4-q7w3e");
  assert_event (lines->pdata[1], "BOOKMARK", NULL);
  assert_event (lines->pdata[2], "DELETED", "redis-0");
  assert_event (lines->pdata[3], "BOOKMARK", NULL);
  g_assert_nonnull (strstr (lines->pdata[3], "\"resourceVersion\":\"5004\""));
}

static void
test_faults (void)
{
  g_autoptr(KdServer) server = start_double ("faults.json", FALSE);
  g_autoptr(TdKubeConnection) connection = connection_for (server);
  g_autoptr(TdKubeClient) client = client_for (connection);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GInputStream) cut = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GPtrArray) cut_lines = NULL;
  g_autoptr(JsonNode) event = NULL;
  g_autoptr(GError) watch_error = NULL;
  const char *pods = "/api/v1/namespaces/default/pods";

  g_assert_null (request (client, "GET", pods, NULL, &error));
  g_assert_error (error, TD_KUBE_ERROR, TD_KUBE_ERROR_GONE);
  g_assert_true (g_str_has_prefix (error->message, "Expired: The provided continue parameter is too old"));
  g_clear_error (&error);

  g_assert_null (request (client, "GET", pods, NULL, &error));
  g_assert_error (error, TD_KUBE_ERROR, TD_KUBE_ERROR_SERVER);
  g_clear_error (&error);

  list = request (client, "GET", pods, NULL, &error);    /* delayed, then answered */
  g_assert_no_error (error);
  g_assert_cmpuint (count_items (list), ==, 1);

  /* Watch 1: HTTP 200 and one ERROR event whose Status says 410 Expired. */
  stream = open_stream (client, "/api/v1/namespaces/default/pods?watch=1&resourceVersion=100", NULL, &error);
  g_assert_no_error (error);
  lines = read_lines (stream, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lines->len, ==, 1);
  event = json_from_string (lines->pdata[0], NULL);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (event), "type"), ==, "ERROR");
  watch_error = td_kube_error_new_from_status (json_object_get_member (json_node_get_object (event), "object"), 200);
  g_assert_error (watch_error, TD_KUBE_ERROR, TD_KUBE_ERROR_GONE);
  g_assert_true (g_str_has_prefix (watch_error->message, "Expired: too old resource version: 100"));

  /* Watch 2: the connection is cut after the first event; the rest never arrives. */
  cut = open_stream (client, "/api/v1/namespaces/default/pods?watch=1&resourceVersion=100", NULL, &error);
  g_assert_no_error (error);
  cut_lines = read_lines (cut, &error);
  g_clear_error (&error);   /* a cut may read as EOF or as an error, depending on timing */
  g_assert_cmpuint (cut_lines->len, ==, 1);
  assert_event (cut_lines->pdata[0], "ADDED", "todo-backend-2");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kube-client/list-pods", test_list_pods);
  g_test_add_func ("/kube-client/status-error", test_status_error);
  g_test_add_func ("/kube-client/events-and-metrics", test_events_and_metrics);
  g_test_add_func ("/kube-client/secret-apply", test_secret_apply);
  g_test_add_func ("/kube-client/wrong-ca", test_wrong_ca);
  g_test_add_func ("/kube-client/server-from-other-ca", test_server_from_other_ca);
  g_test_add_func ("/kube-client/insecure-skip-verify", test_insecure_skip_verify);
  g_test_add_func ("/kube-client/missing-client-certificate", test_missing_client_certificate);
  g_test_add_func ("/kube-client/bearer-token", test_bearer_token);
  g_test_add_func ("/kube-client/bad-connection-parameters", test_bad_connection_parameters);
  g_test_add_func ("/kube-client/watch-stream", test_watch_stream);
  g_test_add_func ("/kube-client/faults", test_faults);

  return g_test_run ();
}
