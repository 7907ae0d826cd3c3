/* test-pod-monitor.c: TdPodMonitor (list + watch, relist, backoff) against the Kubernetes API double */
#include <string.h>

#include "td-core-enums.h"
#include "td-k8s-json.h"
#include "td-pod-monitor.h"
#include "double-test-util.h"
#include "kube-double/kd-server.h"


/* ---- helpers ---- */

static KdServer *
start_double_with (KdScenario *scenario)
{
  g_autoptr(GError) error = NULL;
  KdServer *server = kd_server_new (scenario, NULL, &error);

  g_assert_no_error (error);
  return server;
}

static KdScenario *
load_scenario (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "kube-double", "scenarios", name, NULL);
  KdScenario *scenario = kd_scenario_load (path, &error);

  g_assert_no_error (error);
  return scenario;
}

static GPtrArray *requests_matching (KdServer *server, const char *needle);

/* Stops and drops the monitor and the client before the double goes. The double closes its TLS
 * connections synchronously, which waits forever for a handshake still in progress (it needs this
 * thread): tests first wait until every connection they opened has been used (has_watch). */
static void
shut_down (TdPodMonitor **monitor, TdKubeClient **client)
{
  if (*monitor != NULL)
    td_pod_monitor_stop (*monitor);
  g_clear_object (monitor);
  g_clear_object (client);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static gboolean
has_watch (gpointer data)
{
  g_autoptr(GPtrArray) watches = requests_matching (data, "watch=true");
  return watches->len >= 1;
}

static gboolean
is_synced (gpointer data)
{
  return td_pod_monitor_get_synced (data);
}

/* The model's pod names, in order, joined by spaces. */
static char *
model_names (GListModel *model)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(TdPod) pod = g_list_model_get_item (model, i);
      g_string_append_printf (names, "%s%s", i > 0 ? " " : "", td_pod_get_name (pod));
    }
  return g_strdup (names->str);
}

/* The requests whose line contains @needle, in order. */
static GPtrArray *
requests_matching (KdServer *server, const char *needle)
{
  GPtrArray *log = kd_server_get_request_log (server);
  GPtrArray *found = g_ptr_array_new ();

  for (guint i = 0; i < log->len; i++)
    if (strstr (log->pdata[i], needle) != NULL)
      g_ptr_array_add (found, log->pdata[i]);
  return found;
}

static GPtrArray *
pod_lists (KdServer *server)
{
  GPtrArray *lists = g_ptr_array_new ();
  GPtrArray *log = kd_server_get_request_log (server);

  for (guint i = 0; i < log->len; i++)
    if (strstr (log->pdata[i], "/pods?") != NULL && strstr (log->pdata[i], "watch=") == NULL)
      g_ptr_array_add (lists, log->pdata[i]);
  return lists;
}

/* A mirror of the model kept only from items-changed: if the emitted changes are wrong, it drifts. */
typedef struct {
  GPtrArray *items;
  guint n_changes;
} Mirror;

static void
on_items_changed (GListModel *model, guint position, guint removed, guint added, Mirror *mirror)
{
  g_assert_cmpuint (position + removed, <=, mirror->items->len);
  g_ptr_array_remove_range (mirror->items, position, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (mirror->items, position + i, g_list_model_get_item (model, position + i));
  mirror->n_changes++;
}

static Mirror *
mirror_new (GListModel *model)
{
  Mirror *mirror = g_new0 (Mirror, 1);

  mirror->items = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), mirror);
  return mirror;
}

static void
mirror_assert_equal (Mirror *mirror, GListModel *model)
{
  g_assert_cmpuint (mirror->items->len, ==, g_list_model_get_n_items (model));
  for (guint i = 0; i < mirror->items->len; i++)
    {
      g_autoptr(TdPod) pod = g_list_model_get_item (model, i);
      g_assert_true (pod == mirror->items->pdata[i]);
    }
}

static void
mirror_free (Mirror *mirror)
{
  g_ptr_array_unref (mirror->items);
  g_free (mirror);
}

static void
count_notify (GObject *object, GParamSpec *pspec, GHashTable *counts)
{
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, pspec->name));
  g_hash_table_replace (counts, (gpointer) g_intern_string (pspec->name), GUINT_TO_POINTER (count + 1));
}

static guint
notify_count (GHashTable *counts, const char *name)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (counts, g_intern_string (name)));
}

/* ---- list, watch, changes in place ---- */

static gboolean
rollout_done (gpointer data)
{
  TdPodMonitor *monitor = data;
  TdPod *frontend = td_pod_monitor_lookup (monitor, NULL, "todo-frontend-5b7c9d8f4-q7w3e");

  return frontend != NULL && td_pod_get_is_ready (frontend) &&
         td_pod_monitor_lookup (monitor, NULL, "redis-0") == NULL;
}

static void
test_list_watch_in_place (void)
{
  g_autoptr(KdServer) server = start_double_with (load_scenario ("todo-rollout.json"));
  g_autoptr(TdKubeClient) client = double_test_client (server, "ca.pem");
  g_autoptr(TdPodMonitor) monitor = td_pod_monitor_new (client, "default", NULL);
  g_autoptr(GHashTable) counts = g_hash_table_new (NULL, NULL);
  g_autoptr(GPtrArray) watches = NULL;
  g_autoptr(GPtrArray) lists = NULL;
  g_autofree char *names = NULL;
  g_autoptr(TdPod) frontend = NULL;
  Mirror *mirror = mirror_new (G_LIST_MODEL (monitor));
  const char *timeout;
  guint64 timeout_seconds;

  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (monitor)) == TD_TYPE_POD);
  g_assert_cmpint (td_pod_monitor_get_connection_state (monitor), ==, TD_POD_MONITOR_STOPPED);
  td_pod_monitor_start (monitor);
  g_assert_cmpint (td_pod_monitor_get_connection_state (monitor), ==, TD_POD_MONITOR_CONNECTING);
  double_test_wait_until (is_synced, monitor);

  g_assert_cmpint (td_pod_monitor_get_connection_state (monitor), ==, TD_POD_MONITOR_CONNECTED);
  names = model_names (G_LIST_MODEL (monitor));
  g_assert_cmpstr (names, ==, "redis-0 todo-backend-6d8f7c9b5-x2k4p todo-frontend-5b7c9d8f4-q7w3e");
  g_assert_cmpstr (td_pod_monitor_get_resource_version (monitor), ==, "5002");
  g_assert_cmpuint (td_pod_monitor_get_n_ready (monitor), ==, 2);
  mirror_assert_equal (mirror, G_LIST_MODEL (monitor));

  frontend = g_object_ref (td_pod_monitor_lookup (monitor, NULL, "todo-frontend-5b7c9d8f4-q7w3e"));
  g_assert_cmpstr (td_pod_get_status (frontend), ==, "ContainerCreating");
  g_signal_connect (frontend, "notify", G_CALLBACK (count_notify), counts);

  double_test_wait_until (rollout_done, monitor);

  /* The same object, updated in place: its columns notified, its name did not. */
  g_assert_true (td_pod_monitor_lookup (monitor, NULL, "todo-frontend-5b7c9d8f4-q7w3e") == frontend);
  g_assert_cmpstr (td_pod_get_ready (frontend), ==, "1/1");
  g_assert_cmpstr (td_pod_get_status (frontend), ==, "Running");
  g_assert_cmpuint (notify_count (counts, "ready"), ==, 1);
  g_assert_cmpuint (notify_count (counts, "status"), ==, 1);
  g_assert_cmpuint (notify_count (counts, "is-ready"), ==, 1);
  g_assert_cmpuint (notify_count (counts, "name"), ==, 0);
  g_assert_cmpuint (notify_count (counts, "age"), ==, 0);

  g_clear_pointer (&names, g_free);
  names = model_names (G_LIST_MODEL (monitor));
  g_assert_cmpstr (names, ==, "todo-backend-6d8f7c9b5-x2k4p todo-frontend-5b7c9d8f4-q7w3e");
  g_assert_cmpuint (td_pod_monitor_get_n_ready (monitor), ==, 2);
  mirror_assert_equal (mirror, G_LIST_MODEL (monitor));

  /* client-go's requests: a list from "0" paged by 500, then a watch from the list's RV. */
  lists = pod_lists (server);
  g_assert_cmpstr (lists->pdata[0], ==, "GET /api/v1/namespaces/default/pods?limit=500&resourceVersion=0");
  watches = requests_matching (server, "watch=true");
  g_assert_cmpuint (watches->len, >=, 1);
  g_assert_true (g_str_has_prefix (watches->pdata[0], "GET /api/v1/namespaces/default/pods?watch=true&resourceVersion=5002"
                                                      "&allowWatchBookmarks=true&timeoutSeconds="));
  timeout = strstr (watches->pdata[0], "timeoutSeconds=") + strlen ("timeoutSeconds=");
  timeout_seconds = g_ascii_strtoull (timeout, NULL, 10);
  g_assert_cmpuint (timeout_seconds, >=, 300);
  g_assert_cmpuint (timeout_seconds, <, 600);

  td_pod_monitor_stop (monitor);
  g_assert_cmpint (td_pod_monitor_get_connection_state (monitor), ==, TD_POD_MONITOR_STOPPED);
  g_signal_handlers_disconnect_by_data (monitor, mirror);
  g_signal_handlers_disconnect_by_data (frontend, counts);
  mirror_free (mirror);
  shut_down (&monitor, &client);
}

/* ---- bookmarks ---- */

static gboolean
has_two_watches (gpointer data)
{
  g_autoptr(GPtrArray) watches = requests_matching (data, "watch=true");
  return watches->len >= 2;
}

static void
test_bookmark_advances_rv (void)
{
  g_autoptr(KdServer) server = start_double_with (load_scenario ("todo-rollout.json"));
  g_autoptr(TdKubeClient) client = double_test_client (server, "ca.pem");
  /* Only the backend: the other pods' changes never reach this watch, the bookmarks do. */
  g_autoptr(TdPodMonitor) monitor = td_pod_monitor_new (client, "default", "app=todo-backend");
  g_autoptr(GPtrArray) watches = NULL;
  TdPod *backend;

  td_pod_monitor_start (monitor);
  double_test_wait_until (has_two_watches, server);

  watches = requests_matching (server, "watch=true");
  g_assert_nonnull (strstr (watches->pdata[0], "resourceVersion=5002&"));
  /* The first watch ended after the bookmarks of RV 5003 and 5004: the next one starts there. */
  g_assert_nonnull (strstr (watches->pdata[1], "resourceVersion=5004&"));
  g_assert_nonnull (strstr (watches->pdata[1], "labelSelector=app%3Dtodo-backend"));
  g_assert_cmpstr (td_pod_monitor_get_resource_version (monitor), ==, "5004");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (monitor)), ==, 1);
  backend = td_pod_monitor_lookup (monitor, "default", "todo-backend-6d8f7c9b5-x2k4p");
  g_assert_nonnull (backend);
  g_assert_cmpstr (td_pod_get_resource_version (backend), ==, "5000");
  shut_down (&monitor, &client);
}

/* ---- every fault, in one run ---- */

typedef struct {
  TdPodMonitor *monitor;
  KdServer *server;
} FaultRun;

static gboolean
faults_recovered (gpointer data)
{
  FaultRun *run = data;
  g_autoptr(GPtrArray) watches = requests_matching (run->server, "watch=true");
  g_autofree char *names = model_names (G_LIST_MODEL (run->monitor));

  return watches->len >= 3 && td_pod_monitor_get_n_ready (run->monitor) == 4 &&
         g_strcmp0 (names, "todo-backend-a todo-backend-b todo-frontend-a todo-frontend-b") == 0;
}

static void
on_state (TdPodMonitor *monitor, GParamSpec *pspec, GString *states)
{
  g_autoptr(GEnumClass) enum_class = g_type_class_ref (TD_TYPE_POD_MONITOR_STATE);
  GEnumValue *value = g_enum_get_value (enum_class, td_pod_monitor_get_connection_state (monitor));

  g_string_append_printf (states, "%s%s", states->len > 0 ? " " : "", value->value_nick);
  if (td_pod_monitor_get_connection_state (monitor) == TD_POD_MONITOR_RECONNECTING &&
      td_pod_monitor_get_retry_seconds (monitor) > 0)
    g_string_append_printf (states, "(%us)", td_pod_monitor_get_retry_seconds (monitor));
}

static void
on_synced_remember (TdPodMonitor *monitor, GParamSpec *pspec, GPtrArray *first_pods)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (monitor)); i++)
    g_ptr_array_add (first_pods, g_list_model_get_item (G_LIST_MODEL (monitor), i));
}

static void
test_faults_recover (void)
{
  g_autoptr(KdServer) server = start_double_with (load_scenario ("monitor-faults.json"));
  g_autoptr(TdKubeClient) client = double_test_client (server, "ca.pem");
  g_autoptr(TdPodMonitor) monitor = td_pod_monitor_new (client, "default", "app in (todo-backend,todo-frontend)");
  g_autoptr(GString) states = g_string_new (NULL);
  g_autoptr(GPtrArray) first_pods = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) lists = NULL;
  g_autoptr(GPtrArray) watches = NULL;
  Mirror *mirror = mirror_new (G_LIST_MODEL (monitor));
  FaultRun run = { monitor, server };

  g_signal_connect (monitor, "notify::connection-state", G_CALLBACK (on_state), states);
  g_signal_connect (monitor, "notify::synced", G_CALLBACK (on_synced_remember), first_pods);
  td_pod_monitor_start (monitor);
  double_test_wait_until (faults_recovered, &run);

  /* The final set: no pod lost, none twice, each at its last state. */
  mirror_assert_equal (mirror, G_LIST_MODEL (monitor));
  g_assert_cmpstr (td_pod_get_resource_version (td_pod_monitor_lookup (monitor, NULL, "todo-backend-b")), ==, "206");
  g_assert_cmpstr (td_pod_get_resource_version (td_pod_monitor_lookup (monitor, NULL, "todo-frontend-b")), ==, "207");
  g_assert_cmpstr (td_pod_get_status (td_pod_monitor_lookup (monitor, NULL, "todo-frontend-a")), ==, "Running");

  /* Pods that survived the relists are the objects of the first list. */
  g_assert_cmpuint (first_pods->len, ==, 3);
  g_assert_true (td_pod_monitor_lookup (monitor, NULL, "todo-backend-a") == first_pods->pdata[0]);
  g_assert_true (td_pod_monitor_lookup (monitor, NULL, "todo-frontend-a") == first_pods->pdata[2]);

  /* The lists: RV "0"; after the 410 a consistent read (no RV) — twice, the 500 in between backed
   * off; after the watch's ERROR 410 a relist from the last RV. */
  lists = pod_lists (server);
  g_assert_cmpuint (lists->len, ==, 4);
  g_assert_nonnull (strstr (lists->pdata[0], "resourceVersion=0&"));
  g_assert_null (strstr (lists->pdata[1], "resourceVersion="));
  g_assert_null (strstr (lists->pdata[2], "resourceVersion="));
  g_assert_nonnull (strstr (lists->pdata[3], "resourceVersion=202&"));

  /* The watches: from the list's RV (ERROR 410), again after the relist (cut after two events),
   * then from the last event's RV (delayed). */
  watches = requests_matching (server, "watch=true");
  g_assert_cmpuint (watches->len, ==, 3);
  g_assert_nonnull (strstr (watches->pdata[0], "resourceVersion=202&"));
  g_assert_nonnull (strstr (watches->pdata[1], "resourceVersion=202&"));
  g_assert_nonnull (strstr (watches->pdata[2], "resourceVersion=204&"));

  g_assert_cmpstr (states->str, ==, "connecting reconnecting(1s) connected");

  g_signal_handlers_disconnect_by_data (monitor, mirror);
  mirror_free (mirror);
  shut_down (&monitor, &client);
}

/* ---- backoff ---- */

static gboolean
is_connected (gpointer data)
{
  return td_pod_monitor_get_connection_state (data) == TD_POD_MONITOR_CONNECTED;
}

/* The delay of each backoff: retry-seconds rising from 0 (it then counts down, and is 0 while trying). */
static void
on_retry_seconds (TdPodMonitor *monitor, GParamSpec *pspec, GString *delays)
{
  guint seconds = td_pod_monitor_get_retry_seconds (monitor);
  guint previous = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (monitor), "previous-retry-seconds"));

  if (previous == 0 && seconds > 0)
    g_string_append_printf (delays, "%s%u", delays->len > 0 ? " " : "", seconds);
  g_object_set_data (G_OBJECT (monitor), "previous-retry-seconds", GUINT_TO_POINTER (seconds));
}

static void
test_backoff_doubles (void)
{
  g_autoptr(KdScenario) scenario = load_scenario ("monitor-faults.json");
  g_autoptr(KdServer) server = NULL;
  g_autoptr(TdKubeClient) client = NULL;
  g_autoptr(TdPodMonitor) monitor = NULL;
  g_autoptr(GString) states = g_string_new (NULL);
  g_autoptr(GString) delays = g_string_new (NULL);
  g_autoptr(GPtrArray) lists = NULL;

  /* Two 500s on the list, nothing else. */
  g_ptr_array_set_size (scenario->faults, 1);
  ((KdFault *) scenario->faults->pdata[0])->kind = KD_FAULT_HTTP_500;
  g_array_append_val (((KdFault *) scenario->faults->pdata[0])->requests, (guint) { 2 });
  server = start_double_with (g_steal_pointer (&scenario));
  client = double_test_client (server, "ca.pem");
  monitor = td_pod_monitor_new (client, "default", NULL);

  g_signal_connect (monitor, "notify::connection-state", G_CALLBACK (on_state), states);
  g_signal_connect (monitor, "notify::retry-seconds", G_CALLBACK (on_retry_seconds), delays);
  td_pod_monitor_start (monitor);
  double_test_wait_until (is_connected, monitor);

  /* 800 ms, then 1600 ms, shown as whole seconds rounded up. */
  g_assert_cmpstr (states->str, ==, "connecting reconnecting(1s) connected");
  g_assert_cmpstr (delays->str, ==, "1 2");
  g_assert_cmpstr (td_pod_monitor_get_state_message (monitor), ==, NULL);
  lists = pod_lists (server);
  g_assert_cmpuint (lists->len, ==, 3);
  /* A 500 is not a 410: the retries list from "0" again. */
  g_assert_true (g_str_has_suffix (lists->pdata[2], "resourceVersion=0"));
  double_test_wait_until (has_watch, server);
  shut_down (&monitor, &client);
}

/* ---- paging ---- */

static void
test_paged_list (void)
{
  g_autoptr(KdScenario) scenario = kd_scenario_new_empty ();
  g_autoptr(KdServer) server = NULL;
  g_autoptr(TdKubeClient) client = NULL;
  g_autoptr(TdPodMonitor) monitor = NULL;
  g_autoptr(GPtrArray) lists = NULL;

  for (guint i = 0; i < 1201; i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"metadata\":{\"name\":\"pod-%04u\",\"namespace\":\"default\","
                                               "\"creationTimestamp\":\"2025-01-01T00:00:00Z\"},"
                                               "\"status\":{\"phase\":\"Pending\"}}", i);
      g_ptr_array_add (scenario->pods, json_from_string (json, NULL));
    }
  scenario->watch_end_ms = -1;
  server = start_double_with (g_steal_pointer (&scenario));
  client = double_test_client (server, "ca.pem");
  monitor = td_pod_monitor_new (client, "default", NULL);
  td_pod_monitor_start (monitor);
  double_test_wait_until (is_synced, monitor);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (monitor)), ==, 1201);
  double_test_wait_until (has_watch, server);
  lists = pod_lists (server);
  g_assert_cmpuint (lists->len, ==, 3);
  g_assert_nonnull (strstr (lists->pdata[1], "limit=500&continue=500"));
  g_assert_nonnull (strstr (lists->pdata[2], "limit=500&continue=1000"));
  shut_down (&monitor, &client);
}

/* ---- TLS ---- */

static gboolean
is_error (gpointer data)
{
  return td_pod_monitor_get_connection_state (data) == TD_POD_MONITOR_ERROR;
}

static void
test_wrong_ca (void)
{
  g_autoptr(KdServer) server = start_double_with (load_scenario ("todo-rollout.json"));
  g_autoptr(TdKubeClient) client = double_test_client (server, "other-ca.pem");
  g_autoptr(TdPodMonitor) monitor = td_pod_monitor_new (client, "default", NULL);
  const char *message;

  td_pod_monitor_start (monitor);
  double_test_wait_until (is_error, monitor);
  message = td_pod_monitor_get_state_message (monitor);
  g_test_message ("%s", message);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "certificate"));
  g_assert_false (td_pod_monitor_get_synced (monitor));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (monitor)), ==, 0);
  /* No retry is scheduled: the kubeconfig must change first. */
  g_assert_cmpuint (td_pod_monitor_get_retry_seconds (monitor), ==, 0);
  shut_down (&monitor, &client);
}

/* ---- events for the diagnosis ---- */

static gboolean
diagnosed (gpointer data)
{
  TdPod *pod = td_pod_monitor_lookup (data, NULL, "todo-frontend-1");
  return pod != NULL && td_pod_get_diagnosis (pod) != NULL && td_pod_monitor_get_events_pending (data) == 0;
}

static void
test_unhealthy_events (void)
{
  g_autoptr(KdScenario) scenario = kd_scenario_new_empty ();
  g_autoptr(KdServer) server = NULL;
  g_autoptr(TdKubeClient) client = NULL;
  g_autoptr(TdPodMonitor) monitor = NULL;
  g_autoptr(GPtrArray) event_requests = NULL;
  TdPod *pod;

  g_ptr_array_add (scenario->pods, json_from_string (
    "{\"metadata\":{\"name\":\"todo-frontend-1\",\"namespace\":\"default\",\"labels\":{\"app\":\"todo-frontend\"},"
    "\"creationTimestamp\":\"2025-01-01T00:00:00Z\"},"
    "\"spec\":{\"containers\":[{\"name\":\"frontend\",\"image\":\"todo-frontend:latest\",\"ports\":[{\"containerPort\":3000}],"
    "\"readinessProbe\":{\"httpGet\":{\"path\":\"/\",\"port\":3000}}}]},"
    "\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\"}],"
    "\"containerStatuses\":[{\"name\":\"frontend\",\"ready\":false,\"restartCount\":0,\"state\":{\"running\":{}}}]}}",
    NULL));
  json_array_add_element (scenario->events, json_from_string (
    "{\"metadata\":{\"name\":\"todo-frontend-1.1\",\"namespace\":\"default\"},"
    "\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"todo-frontend-1\",\"namespace\":\"default\"},"
    "\"reason\":\"Unhealthy\",\"type\":\"Warning\",\"count\":3,"
    "\"message\":\"Readiness probe failed: Get \\\"http://10.244.0.13:3000/\\\": connect: connection refused\"}", NULL));
  scenario->watch_end_ms = -1;
  server = start_double_with (g_steal_pointer (&scenario));
  client = double_test_client (server, "ca.pem");
  monitor = td_pod_monitor_new (client, "default", NULL);

  td_pod_monitor_start (monitor);
  double_test_wait_until (diagnosed, monitor);
  pod = td_pod_monitor_lookup (monitor, NULL, "todo-frontend-1");
  g_assert_cmpstr (td_pod_get_diagnosis (pod)->reason, ==, "Unhealthy");
  g_assert_true (g_str_has_prefix (td_pod_get_diagnosis (pod)->message, "Readiness probe failed"));
  g_assert_true (g_str_has_prefix (td_pod_get_diagnosis_text (pod), "Unhealthy: "));

  /* Rate-limited: refreshing again at once asks for no more events. */
  td_pod_monitor_refresh_times (monitor);
  td_pod_monitor_refresh_times (monitor);
  g_assert_cmpuint (td_pod_monitor_get_events_pending (monitor), ==, 0);
  event_requests = requests_matching (server, "/events?");
  g_assert_cmpuint (event_requests->len, ==, 1);
  g_assert_cmpstr (event_requests->pdata[0], ==,
                   "GET /api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dtodo-frontend-1");
  double_test_wait_until (has_watch, server);
  shut_down (&monitor, &client);
}

/* ---- one event larger than a read ---- */

static gboolean
big_pod_arrived (gpointer data)
{
  TdPod *pod = td_pod_monitor_lookup (data, NULL, "big");
  return pod != NULL && td_pod_get_is_ready (pod);
}

static void
test_event_spans_reads (void)
{
  g_autoptr(KdScenario) scenario = kd_scenario_new_empty ();
  g_autoptr(KdServer) server = NULL;
  g_autoptr(TdKubeClient) client = NULL;
  g_autoptr(TdPodMonitor) monitor = NULL;
  g_autofree char *filler = g_strnfill (300000, 'x');   /* several 64 KiB reads */
  g_autofree char *pending = g_strdup_printf (
    "{\"metadata\":{\"name\":\"big\",\"namespace\":\"default\",\"annotations\":{\"filler\":\"%s\"}},"
    "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]},\"status\":{\"phase\":\"Pending\"}}", filler);
  g_autofree char *running = g_strdup_printf (
    "{\"metadata\":{\"name\":\"big\",\"namespace\":\"default\",\"annotations\":{\"filler\":\"%s\"}},"
    "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]},"
    "\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}],"
    "\"containerStatuses\":[{\"name\":\"c\",\"ready\":true,\"restartCount\":0,\"state\":{\"running\":{}}}]}}",
    filler);
  KdTimelineStep *step = g_new0 (KdTimelineStep, 1);
  TdPod *pod;

  g_ptr_array_add (scenario->pods, json_from_string (pending, NULL));
  step->type = g_strdup ("MODIFIED");
  step->after_ms = 10;
  step->pod = json_from_string (running, NULL);
  g_ptr_array_add (scenario->timeline, step);
  scenario->watch_end_ms = -1;
  server = start_double_with (g_steal_pointer (&scenario));
  client = double_test_client (server, "ca.pem");
  monitor = td_pod_monitor_new (client, "default", NULL);

  td_pod_monitor_start (monitor);
  double_test_wait_until (big_pod_arrived, monitor);
  pod = td_pod_monitor_lookup (monitor, NULL, "big");
  g_assert_cmpstr (td_pod_get_status (pod), ==, "Running");
  g_assert_cmpuint (strlen (td_json_get_string (td_json_get_object (td_json_get_object (td_pod_get_object (pod), "metadata"),
                                                                    "annotations"), "filler")), ==, 300000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (monitor)), ==, 1);
  g_assert_cmpint (td_pod_monitor_get_connection_state (monitor), ==, TD_POD_MONITOR_CONNECTED);
  shut_down (&monitor, &client);
}

/* ---- TdPod alone ---- */

static void
test_pod_notifies_changes_only (void)
{
  g_autoptr(JsonNode) first = json_from_string (
    "{\"metadata\":{\"name\":\"p\",\"namespace\":\"default\",\"resourceVersion\":\"1\","
    "\"creationTimestamp\":\"2025-01-01T00:00:00Z\"},"
    "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"todo-backend:latest\"}]},"
    "\"status\":{\"phase\":\"Pending\",\"containerStatuses\":[{\"name\":\"c\",\"ready\":false,"
    "\"restartCount\":0,\"state\":{\"waiting\":{\"reason\":\"ErrImageNeverPull\","
    "\"message\":\"Container image \\\"todo-backend:latest\\\" is not present with pull policy of Never\"}}}]}}", NULL);
  g_autofree char *first_text = json_to_string (first, FALSE);
  g_autoptr(JsonNode) same = json_from_string (first_text, NULL);   /* json_node_copy() would share it */
  g_autoptr(JsonNode) fixed = json_from_string (
    "{\"metadata\":{\"name\":\"p\",\"namespace\":\"default\",\"resourceVersion\":\"3\","
    "\"creationTimestamp\":\"2025-01-01T00:00:00Z\"},"
    "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"todo-backend:latest\"}]},"
    "\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}],"
    "\"containerStatuses\":[{\"name\":\"c\",\"ready\":true,\"restartCount\":0,\"state\":{\"running\":{}}}]}}", NULL);
  gint64 now = 1735689600 + 600;   /* ten minutes after creation */
  g_autoptr(TdPod) pod = td_pod_new (json_node_get_object (first), now);
  g_autoptr(GHashTable) counts = g_hash_table_new (NULL, NULL);

  g_assert_cmpstr (td_pod_get_status (pod), ==, "ErrImageNeverPull");
  g_assert_cmpstr (td_pod_get_age (pod), ==, "10m");
  g_assert_nonnull (td_pod_get_diagnosis (pod));
  g_assert_true (g_str_has_prefix (td_pod_get_diagnosis_text (pod), "ErrImageNeverPull: "));
  g_signal_connect (pod, "notify", G_CALLBACK (count_notify), counts);

  /* The same state again (a relist): only the object itself is new. */
  json_object_set_string_member (json_object_get_object_member (json_node_get_object (same), "metadata"),
                                 "resourceVersion", "2");
  td_pod_update (pod, json_node_get_object (same), now);
  g_assert_cmpuint (notify_count (counts, "status"), ==, 0);
  g_assert_cmpuint (notify_count (counts, "diagnosis"), ==, 0);
  g_assert_cmpuint (notify_count (counts, "resource-version"), ==, 1);

  td_pod_update (pod, json_node_get_object (fixed), now);
  g_assert_cmpstr (td_pod_get_status (pod), ==, "Running");
  g_assert_true (td_pod_get_is_ready (pod));
  g_assert_null (td_pod_get_diagnosis (pod));
  g_assert_null (td_pod_get_diagnosis_text (pod));
  g_assert_cmpuint (notify_count (counts, "status"), ==, 1);
  g_assert_cmpuint (notify_count (counts, "is-ready"), ==, 1);
  g_assert_cmpuint (notify_count (counts, "diagnosis"), ==, 1);
  g_assert_cmpuint (notify_count (counts, "diagnosis-text"), ==, 1);
  g_assert_cmpuint (notify_count (counts, "age"), ==, 0);

  /* Time passes: AGE alone changes. */
  td_pod_refresh (pod, now + 3600);
  g_assert_cmpstr (td_pod_get_age (pod), ==, "70m");
  g_assert_cmpuint (notify_count (counts, "age"), ==, 1);
  g_assert_cmpuint (notify_count (counts, "status"), ==, 1);
}

/* ---- stop ---- */

static void
test_stop_releases (void)
{
  g_autoptr(KdServer) server = start_double_with (load_scenario ("monitor-faults.json"));
  g_autoptr(TdKubeClient) client = double_test_client (server, "ca.pem");
  TdPodMonitor *monitor = td_pod_monitor_new (client, "default", NULL);

  /* Stopped in the middle of the backoff after the 500: nothing runs afterwards, and the last
   * reference really frees it (no callback holds one). */
  g_object_add_weak_pointer (G_OBJECT (monitor), (gpointer *) &monitor);
  td_pod_monitor_start (monitor);
  while (td_pod_monitor_get_connection_state (monitor) != TD_POD_MONITOR_RECONNECTING)
    g_main_context_iteration (NULL, TRUE);
  td_pod_monitor_stop (monitor);
  g_assert_cmpint (td_pod_monitor_get_connection_state (monitor), ==, TD_POD_MONITOR_STOPPED);
  g_assert_cmpuint (td_pod_monitor_get_retry_seconds (monitor), ==, 0);
  g_object_unref (monitor);
  g_assert_null (monitor);
  shut_down (&monitor, &client);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pod-monitor/list-watch-in-place", test_list_watch_in_place);
  g_test_add_func ("/pod-monitor/bookmark-advances-rv", test_bookmark_advances_rv);
  g_test_add_func ("/pod-monitor/faults-recover", test_faults_recover);
  g_test_add_func ("/pod-monitor/backoff-doubles", test_backoff_doubles);
  g_test_add_func ("/pod-monitor/paged-list", test_paged_list);
  g_test_add_func ("/pod-monitor/wrong-ca", test_wrong_ca);
  g_test_add_func ("/pod-monitor/unhealthy-events", test_unhealthy_events);
  g_test_add_func ("/pod-monitor/stop-releases", test_stop_releases);
  g_test_add_func ("/pod-monitor/event-spans-reads", test_event_spans_reads);
  g_test_add_func ("/pod/notifies-changes-only", test_pod_notifies_changes_only);

  return g_test_run ();
}
