/* test-verify-gates.c: the Verify phase's gate checks (pods-ready, url-responds), the frontend URL,
 * and the health analysis (kagent's A2A answer, the built-in fallback and its audit line), against
 * the Kubernetes API double, a local HTTP stand-in for the frontend, and the fake tools */
#include <libsoup/soup.h>

#include "td-error.h"
#include "td-frontend-url.h"
#include "td-gate-evaluator.h"
#include "td-health-analysis.h"
#include "td-pod-monitor.h"
#include "fake-tools-util.h"
#include "kube-double/kd-server.h"

#define GUARD_SECONDS 30

static const char * const all_tools[] = { "minikube", "kagent", NULL };

/* ---- helpers ---- */

typedef struct {
  FakeTools    *fake;
  char         *project;
  TdPlan       *plan;
  TdDeployment *deployment;
  KdServer     *server;
  SoupServer   *frontend;       /* the stand-in for the deployed frontend */
  guint         frontend_status;
  char         *frontend_url;
} Fixture;

static void
frontend_handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer user_data)
{
  Fixture *fixture = user_data;
  static const char body[] = "<html><title>Todo Chatbot</title></html>";

  soup_server_message_set_status (msg, fixture->frontend_status, NULL);
  soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, body, sizeof body - 1);
}

static void
start_frontend (Fixture *fixture, guint status)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  fixture->frontend = soup_server_new (NULL, NULL);
  fixture->frontend_status = status;
  soup_server_add_handler (fixture->frontend, NULL, frontend_handler, fixture, NULL);
  g_assert_true (soup_server_listen_local (fixture->frontend, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (fixture->frontend);
  fixture->frontend_url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
}

static guint
frontend_port (Fixture *fixture)
{
  return (guint) g_ascii_strtoull (strrchr (fixture->frontend_url, ':') + 1, NULL, 10);
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

/* A Service todo-frontend whose nodePort is the stand-in's port, on a node whose InternalIP is
 * 127.0.0.1: the node-port route then reaches the stand-in. */
static KdScenario *
scenario_with_frontend (Fixture *fixture)
{
  KdScenario *scenario = kd_scenario_new_empty ();
  g_autofree char *service = g_strdup_printf (
    "{\"kind\":\"Service\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"todo-frontend\",\"namespace\":\"default\"},"
    "\"spec\":{\"type\":\"NodePort\",\"selector\":{\"app\":\"todo-frontend\"},"
    "\"ports\":[{\"port\":3000,\"targetPort\":3000,\"protocol\":\"TCP\",\"nodePort\":%u}]}}", frontend_port (fixture));
  const char *node = "{\"kind\":\"Node\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"minikube\"},"
                     "\"status\":{\"addresses\":[{\"type\":\"Hostname\",\"address\":\"minikube\"},"
                     "{\"type\":\"InternalIP\",\"address\":\"127.0.0.1\"}]}}";

  json_array_add_element (scenario->services, json_from_string (service, NULL));
  json_array_add_element (scenario->nodes, json_from_string (node, NULL));
  return scenario;
}

static void
fixture_start (Fixture *fixture, KdScenario *scenario, const char * const *settings)
{
  g_autoptr(GError) error = NULL;

  fixture->fake = fake_tools_new (all_tools, settings);
  fixture->project = g_dir_make_tmp ("td-verify-XXXXXX", NULL);
  fixture->plan = td_plan_new_default (&error);
  g_assert_no_error (error);
  fixture->deployment = td_deployment_new (fixture->plan, fixture->fake->runner, fixture->project);
  if (scenario != NULL)
    {
      fixture->server = kd_server_new (scenario, NULL, &error);
      g_assert_no_error (error);
      td_deployment_set_kubeconfig_path (fixture->deployment, kd_server_get_kubeconfig_path (fixture->server));
    }
}

static void
fixture_stop (Fixture *fixture)
{
  if (fixture->deployment != NULL)
    td_frontend_url_stop_tunnel (fixture->deployment);
  g_clear_object (&fixture->deployment);
  g_clear_object (&fixture->plan);
  g_clear_pointer (&fixture->server, kd_server_free);
  if (fixture->frontend != NULL)
    soup_server_disconnect (fixture->frontend);
  g_clear_object (&fixture->frontend);
  g_clear_pointer (&fixture->frontend_url, g_free);
  if (fixture->project != NULL)
    fake_tools_remove_tree (fixture->project);
  g_clear_pointer (&fixture->project, g_free);
  g_clear_pointer (&fixture->fake, fake_tools_free);
}

static TdCheckResult *
run_check (Fixture *fixture, const char *yaml)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdYamlNode) check = td_yaml_parse (yaml, -1, "check.yaml", &error);
  g_autoptr(GAsyncResult) result = NULL;
  TdCheckResult *check_result;

  g_assert_no_error (error);
  td_gate_check_async (fixture->deployment, check, NULL, fake_tools_store_result, &result);
  check_result = td_gate_check_finish (fake_tools_wait_result (&result, GUARD_SECONDS), &error);
  g_assert_no_error (error);
  g_assert_nonnull (check_result);
  return check_result;
}

/* ---- pods-ready ---- */

static void
test_pods_ready_passes_when_pods_become_ready (void)
{
  Fixture fixture = { 0 };
  g_autoptr(TdCheckResult) result = NULL;

  /* One todo pod is ready at first; the frontend becomes Running and ready 150 ms into the watch. */
  fixture_start (&fixture, load_scenario ("todo-rollout.json"), NULL);
  result = run_check (&fixture, "check: pods-ready\nselector: app in (todo-backend,todo-frontend)\n"
                                "count: 2\ntimeout_seconds: 20\n");
  g_assert_cmpint (td_check_result_get_status (result), ==, TD_CHECK_STATUS_OK);
  g_assert_cmpstr (td_check_result_get_message (result), ==, "2 of 2 pods are Running and ready.");
  g_assert_null (td_check_result_get_fix_phase (result));
  fixture_stop (&fixture);
}

static void
test_pods_ready_times_out_with_diagnoses (void)
{
  Fixture fixture = { 0 };
  g_autoptr(TdCheckResult) result = NULL;
  const char *message;

  fixture_start (&fixture, load_scenario ("status-unhealthy.json"), NULL);
  result = run_check (&fixture, "check: pods-ready\nselector: app in (todo-backend,todo-frontend)\n"
                                "count: 3\ntimeout_seconds: 1\n");
  message = td_check_result_get_message (result);
  g_assert_cmpint (td_check_result_get_status (result), ==, TD_CHECK_STATUS_FAILED);
  g_assert_true (g_str_has_prefix (message, "1 of 3 pods are ready after 1 s."));
  /* Each unhealthy pod by name with its diagnosis; the ready one is not named. */
  g_assert_nonnull (strstr (message, "todo-backend-7f9c6d5b8-k2m4n (0/1, ImagePullBackOff): ImagePullBackOff"));
  g_assert_nonnull (strstr (message, "todo-frontend-5b7c9d8f4-zz1xy (0/1, Running): "));
  g_assert_null (strstr (message, "p9q8r"));
  /* The first unhealthy pod names an image from a registry that does not exist: the manifest
   * (its image line) is what to fix. */
  g_assert_cmpstr (td_check_result_get_fix_phase (result), ==, "manifests");
  g_assert_nonnull (td_check_result_get_fix (result));
  fixture_stop (&fixture);
}

static void
test_pods_ready_without_pods_points_at_deploy (void)
{
  Fixture fixture = { 0 };
  g_autoptr(TdCheckResult) result = NULL;

  fixture_start (&fixture, kd_scenario_new_empty (), NULL);
  result = run_check (&fixture, "check: pods-ready\nselector: app=todo-backend\ncount: 1\ntimeout_seconds: 1\n");
  g_assert_cmpint (td_check_result_get_status (result), ==, TD_CHECK_STATUS_FAILED);
  g_assert_nonnull (strstr (td_check_result_get_message (result), "No pod matches “app=todo-backend”"));
  g_assert_cmpstr (td_check_result_get_fix_phase (result), ==, "deploy");
  fixture_stop (&fixture);
}

/* pods-ready stopping early (tests/kube-double/scenarios/pods-stuck.json: one group of pods per
 * case, by the label `case`). Each check may wait 600 s, far beyond run_check's guard of
 * GUARD_SECONDS: a check that returns at all has returned early. */

static void
test_pods_ready_stops_early_when_stuck (void)
{
  Fixture fixture = { 0 };
  g_autoptr(TdCheckResult) result = NULL;
  const char *message;

  /* Both images were built outside Minikube: ImagePullBackOff that no retry will end. (The plan's
   * default stuck_seconds, 10, is what the failure walkthrough waits; 3 keeps this suite short.) */
  fixture_start (&fixture, load_scenario ("pods-stuck.json"), NULL);
  result = run_check (&fixture, "check: pods-ready\nselector: case=stuck\ncount: 2\ntimeout_seconds: 600\n"
                                "stuck_seconds: 3\n");
  message = td_check_result_get_message (result);
  g_assert_cmpint (td_check_result_get_status (result), ==, TD_CHECK_STATUS_FAILED);
  g_assert_true (g_str_has_prefix (message, "0 of 2 pods are ready. Stopped waiting after "));
  g_assert_nonnull (strstr (message, " instead of 600 s: the pods that are not ready are stuck on problems that "
                                     "will not go away by themselves"));
  /* Then the same lines as at the time limit: each pod with its diagnosis. */
  g_assert_nonnull (strstr (message, "\ntodo-backend-7d4b9c6f5-aaaaa (0/1, ImagePullBackOff): ImagePullBackOff: "
                                     "The image todo-backend:latest is not inside Minikube's Docker"));
  g_assert_nonnull (strstr (message, "\ntodo-frontend-5c8d7b9f4-bbbbb (0/1, ImagePullBackOff): ImagePullBackOff: "));
  /* The first pod's diagnosis is the fix, and its phase the Go to button's. */
  g_assert_cmpstr (td_check_result_get_fix_phase (result), ==, "backend-image");
  g_assert_nonnull (strstr (td_check_result_get_fix (result), "rebuild the image in the Backend Image phase"));
  fixture_stop (&fixture);
}

static void
test_pods_ready_stops_early_while_reconnecting (void)
{
  Fixture fixture = { 0 };
  KdScenario *scenario = load_scenario ("pods-stuck.json");
  g_autoptr(TdCheckResult) result = NULL;

  /* Every watch ends at once after 300 ms, so the monitor keeps reconnecting (as against the
   * walkthrough's double): the pods it saw last are still stuck, and that is what counts. */
  scenario->watch_end_ms = 300;
  fixture_start (&fixture, scenario, NULL);
  result = run_check (&fixture, "check: pods-ready\nselector: case=stuck\ncount: 2\ntimeout_seconds: 600\n"
                                "stuck_seconds: 2\n");
  g_assert_cmpint (td_check_result_get_status (result), ==, TD_CHECK_STATUS_FAILED);
  g_assert_true (g_str_has_prefix (td_check_result_get_message (result), "0 of 2 pods are ready. Stopped waiting after "));
  g_assert_cmpstr (td_check_result_get_fix_phase (result), ==, "backend-image");
  fixture_stop (&fixture);
}

static void
test_pods_ready_waits_for_a_starting_pod (void)
{
  Fixture fixture = { 0 };
  g_autoptr(TdCheckResult) result = NULL;

  /* The backend pod is stuck (ImagePullBackOff) but the frontend is still ContainerCreating, so the
   * check must not give up after stuck_seconds: at 3.5 s the backend is replaced by a ready pod
   * and the frontend becomes ready. */
  fixture_start (&fixture, load_scenario ("pods-stuck.json"), NULL);
  result = run_check (&fixture, "check: pods-ready\nselector: case=mixed\ncount: 2\ntimeout_seconds: 600\n"
                                "stuck_seconds: 1\n");
  g_assert_cmpint (td_check_result_get_status (result), ==, TD_CHECK_STATUS_OK);
  g_assert_cmpstr (td_check_result_get_message (result), ==, "2 of 2 pods are Running and ready.");
  fixture_stop (&fixture);
}

static void
test_pods_ready_outlasts_a_blip (void)
{
  Fixture fixture = { 0 };
  g_autoptr(TdCheckResult) result = NULL;

  /* CreateContainerConfigError for 1.5 s, ContainerCreating, CreateContainerConfigError again at
   * 2 s, Running and ready at 3.2 s. Each stuck spell is shorter than stuck_seconds (2 s) only if
   * the count starts again when the pod stops being stuck: together they last 2.7 s. */
  fixture_start (&fixture, load_scenario ("pods-stuck.json"), NULL);
  result = run_check (&fixture, "check: pods-ready\nselector: case=blip\ncount: 1\ntimeout_seconds: 600\n"
                                "stuck_seconds: 2\n");
  g_assert_cmpint (td_check_result_get_status (result), ==, TD_CHECK_STATUS_OK);
  g_assert_cmpstr (td_check_result_get_message (result), ==, "1 of 1 pods are Running and ready.");
  fixture_stop (&fixture);
}

/* ---- the frontend URL and url-responds ---- */

static void
test_url_from_real_objects (void)
{
  g_autofree char *service_path = g_build_filename (g_getenv ("TD_SHARED_DIR"), "fixtures", "k8s", "service-nodeport.json", NULL);
  g_autofree char *node_path = g_build_filename (g_getenv ("TD_SHARED_DIR"), "fixtures", "k8s", "node-minikube.json", NULL);
  g_autoptr(JsonParser) service = json_parser_new ();
  g_autoptr(JsonParser) node = json_parser_new ();
  g_autoptr(JsonNode) no_ports = json_from_string ("{\"metadata\":{\"name\":\"todo-backend\"},\"spec\":{\"ports\":[{\"port\":8000}]}}", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *expected = NULL;
  char *none;
  JsonArray *ports;

  g_assert_true (json_parser_load_from_file (service, service_path, &error));
  g_assert_true (json_parser_load_from_file (node, node_path, &error));
  url = td_frontend_url_from_objects (json_node_get_object (json_parser_get_root (service)),
                                      json_node_get_object (json_parser_get_root (node)), 0, &error);
  g_assert_no_error (error);
  ports = json_object_get_array_member (json_object_get_object_member (json_node_get_object (json_parser_get_root (service)), "spec"), "ports");
  /* The real node's InternalIP (a hyperkit VM in that capture) and the Service's nodePort. */
  expected = g_strdup_printf ("http://192.168.64.107:%" G_GINT64_FORMAT,
                              json_object_get_int_member (json_array_get_object_element (ports, 0), "nodePort"));
  g_assert_cmpstr (url, ==, expected);

  none = td_frontend_url_from_objects (json_node_get_object (no_ports), json_node_get_object (json_parser_get_root (node)), 0, &error);
  g_assert_null (none);
  g_assert_error (error, TD_ERROR, TD_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "todo-backend has no node port"));
}

static void
test_url_responds_through_minikube_service (void)
{
  Fixture fixture = { 0 };
  g_autoptr(TdCheckResult) result = NULL;
  g_autofree char *setting = NULL;
  g_autofree char *log = NULL;
  g_autofree char *expected = NULL;
  TdProcess *tunnel;
  gint64 deadline;

  /* The double's API server is on 127.0.0.1, as with minikube's Docker driver on macOS: the URL
   * comes from the blocking `minikube service --url`, whose tunnel the deployment keeps. */
  start_frontend (&fixture, 200);
  setting = g_strconcat ("FAKE_MINIKUBE_SERVICE_URL=", fixture.frontend_url, NULL);
  fixture_start (&fixture, scenario_with_frontend (&fixture),
                 (const char * const []) { "FAKE_MINIKUBE_SERVICE=tunnel", setting, NULL });
  result = run_check (&fixture, "check: url-responds\nservice: todo-frontend\nnode_port: 30080\nexpect_status: 200\n");
  g_assert_cmpint (td_check_result_get_status (result), ==, TD_CHECK_STATUS_OK);
  expected = g_strdup_printf ("The Todo Chatbot answers at %s.", fixture.frontend_url);
  g_assert_cmpstr (td_check_result_get_message (result), ==, expected);
  g_assert_cmpstr (td_frontend_url_get_last (fixture.deployment), ==, fixture.frontend_url);
  g_assert_true (g_file_get_contents (fixture.fake->log, &log, NULL, NULL));
  g_assert_nonnull (strstr (log, "minikube service todo-frontend --url\n"));

  /* The tunnel lives while the deployment owns it, and stopping it ends the process. */
  tunnel = td_frontend_url_get_tunnel (fixture.deployment);
  g_assert_nonnull (tunnel);
  g_object_ref (tunnel);
  g_assert_true (td_process_get_running (tunnel));
  td_frontend_url_stop_tunnel (fixture.deployment);
  g_assert_null (td_frontend_url_get_tunnel (fixture.deployment));
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (td_process_get_running (tunnel) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (td_process_get_running (tunnel));
  g_object_unref (tunnel);
  fixture_stop (&fixture);
}

static void
test_url_responds_reports_a_wrong_status (void)
{
  Fixture fixture = { 0 };
  g_autoptr(TdCheckResult) result = NULL;
  g_autofree char *setting = NULL;

  start_frontend (&fixture, 503);
  setting = g_strconcat ("FAKE_MINIKUBE_SERVICE_URL=", fixture.frontend_url, NULL);
  fixture_start (&fixture, scenario_with_frontend (&fixture), (const char * const []) { setting, NULL });
  result = run_check (&fixture, "check: url-responds\nservice: todo-frontend\nexpect_status: 200\ntimeout_seconds: 1\n");
  g_assert_cmpint (td_check_result_get_status (result), ==, TD_CHECK_STATUS_FAILED);
  g_assert_nonnull (strstr (td_check_result_get_message (result), "did not answer 200 (last answer: HTTP 503)"));
  fixture_stop (&fixture);
}

static void
test_url_by_node_port (void)
{
  Fixture fixture = { 0 };
  g_autoptr(GAsyncResult) found = NULL;
  g_autoptr(GAsyncResult) probed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *log = NULL;

  start_frontend (&fixture, 200);
  fixture_start (&fixture, scenario_with_frontend (&fixture), NULL);
  td_frontend_url_find_async (fixture.deployment, "todo-frontend", 30080, TD_FRONTEND_ROUTE_NODE_PORT, NULL,
                              fake_tools_store_result, &found);
  url = td_frontend_url_find_finish (fake_tools_wait_result (&found, GUARD_SECONDS), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (url, ==, fixture.frontend_url);
  /* minikube was not asked. */
  g_file_get_contents (fixture.fake->log, &log, NULL, NULL);
  g_assert_null (log != NULL ? strstr (log, "minikube service") : NULL);

  td_frontend_url_probe_async (url, 200, 5, NULL, fake_tools_store_result, &probed);
  g_assert_true (td_frontend_url_probe_finish (fake_tools_wait_result (&probed, GUARD_SECONDS), &error));
  g_assert_no_error (error);
  fixture_stop (&fixture);
}

static void
test_url_missing_service (void)
{
  Fixture fixture = { 0 };
  g_autoptr(GAsyncResult) found = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  fixture_start (&fixture, kd_scenario_new_empty (), NULL);
  td_frontend_url_find_async (fixture.deployment, "todo-frontend", 0, TD_FRONTEND_ROUTE_NODE_PORT, NULL,
                              fake_tools_store_result, &found);
  url = td_frontend_url_find_finish (fake_tools_wait_result (&found, GUARD_SECONDS), &error);
  g_assert_null (url);
  g_assert_error (error, TD_KUBE_ERROR, TD_KUBE_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "The Service todo-frontend is not in namespace default: deploy the chart first.");
  fixture_stop (&fixture);
}

/* ---- the health analysis ---- */

static void
test_kagent_answer_parsing (void)
{
  g_autoptr(FakeTools) fake = fake_tools_new (all_tools, NULL);
  const char *states[] = { "completed", "failed", "empty" };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    {
      g_autofree char *setting = g_strconcat ("FAKE_KAGENT_INVOKE=", states[i], NULL);
      g_autoptr(FakeTools) tools = fake_tools_new (all_tools, (const char * const []) { setting, NULL });
      g_autoptr(FakeRun) run = fake_tools_run (tools, (const char * const []) { "kagent", "invoke", "-a", "k8s-agent", "-t", "x", NULL }, NULL);
      g_autofree char *answer = td_kagent_parse_answer (run->out, &error);

      g_assert_cmpint (run->status, ==, 0);   /* always 0: failure is in the JSON */
      switch (i)
        {
        case 0:
          g_assert_no_error (error);
          /* The last artifact's text parts, not the draft before it. */
          g_assert_cmpstr (answer, ==, "All 4 pods in default are Running.\nNo pod is in CrashLoopBackOff, OOMKilled, Pending or ImagePullBackOff.");
          break;
        case 1:
          g_assert_null (answer);
          g_assert_error (error, TD_ERROR, TD_ERROR_FAILED);
          g_assert_cmpstr (error->message, ==, "kagent's task ended as “failed”: failed to call the model: 401 Unauthorized");
          break;
        default:
          g_assert_null (answer);
          g_assert_error (error, TD_ERROR, TD_ERROR_FAILED);
          g_assert_nonnull (strstr (error->message, "kagent printed nothing"));
        }
      g_clear_error (&error);
    }
  g_assert_null (td_kagent_parse_answer ("Error: not JSON", &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_PARSE);
}

static gboolean
guard_fired (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static TdPodMonitor *
synced_monitor (Fixture *fixture, TdKubeClient **client)
{
  g_autoptr(GAsyncResult) connected = NULL;
  g_autoptr(GError) error = NULL;
  TdPodMonitor *monitor;
  gboolean timed_out = FALSE;
  guint guard;

  td_deployment_connect_async (fixture->deployment, NULL, fake_tools_store_result, &connected);
  *client = td_deployment_connect_finish (fixture->deployment, fake_tools_wait_result (&connected, GUARD_SECONDS), NULL, &error);
  g_assert_no_error (error);
  monitor = g_object_new (TD_TYPE_POD_MONITOR, "client", *client, "namespace", "default",
                          "label-selector", "app in (todo-backend,todo-frontend)", "watch", FALSE, NULL);
  td_pod_monitor_start (monitor);
  guard = g_timeout_add_seconds (GUARD_SECONDS, guard_fired, &timed_out);
  while (!td_pod_monitor_get_synced (monitor) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (guard);
  return monitor;
}

static GPtrArray *
read_audit (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *entries = td_audit_log_read_entries (td_deployment_get_audit_log (fixture->deployment), &error);

  g_assert_no_error (error);
  return entries;
}

static void
run_analysis (Fixture *fixture, gboolean use_kagent, GListModel *pods, TdHealthReport **report)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (td_audit_log_ensure (td_deployment_get_audit_log (fixture->deployment), &error));
  td_health_analysis_run_async (fixture->deployment, td_plan_lookup_task (fixture->plan, "T028"),
                                td_plan_lookup_task (fixture->plan, "T029"), use_kagent, pods, NULL,
                                fake_tools_store_result, &result);
  *report = td_health_analysis_run_finish (fake_tools_wait_result (&result, GUARD_SECONDS), &error);
  g_assert_no_error (error);
}

static void
test_analysis_by_kagent (void)
{
  Fixture fixture = { 0 };
  g_autoptr(GListStore) none = g_list_store_new (TD_TYPE_POD);
  g_autoptr(TdHealthReport) report = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *log = NULL;
  const TdAuditEntry *entry;

  fixture_start (&fixture, NULL, NULL);
  run_analysis (&fixture, TRUE, G_LIST_MODEL (none), &report);
  g_assert_false (report->builtin);
  g_assert_cmpstr (report->tag, ==, "KAGENT");
  g_assert_true (g_str_has_prefix (report->text, "All 4 pods in default are Running."));
  entries = read_audit (&fixture);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = entries->pdata[0];
  g_assert_cmpstr (entry->agent, ==, "KAGENT");
  g_assert_cmpstr (entry->prompt, ==, "Analyze health of all pods...");
  g_assert_cmpstr (entry->result, ==, "All 4 pods in default are Running.");
  g_assert_true (g_file_get_contents (fixture.fake->log, &log, NULL, NULL));
  g_assert_true (g_str_has_prefix (log, "kagent invoke -a k8s-agent -t Analyze the health of all pods in the default namespace."));
  fixture_stop (&fixture);
}

static void
check_builtin_fallback (gboolean use_kagent, const char *kagent_setting, const char *kagent_error)
{
  Fixture fixture = { 0 };
  g_autoptr(TdKubeClient) client = NULL;
  g_autoptr(TdPodMonitor) monitor = NULL;
  g_autoptr(TdHealthReport) report = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  const TdAuditEntry *entry;

  fixture_start (&fixture, load_scenario ("status-unhealthy.json"), (const char * const []) { kagent_setting, NULL });
  monitor = synced_monitor (&fixture, &client);
  run_analysis (&fixture, use_kagent, G_LIST_MODEL (monitor), &report);
  td_pod_monitor_stop (monitor);
  g_assert_true (report->builtin);
  g_assert_cmpstr (report->tag, ==, "KUBECTL");
  if (kagent_error != NULL)
    g_assert_nonnull (strstr (report->kagent_error, kagent_error));
  else
    g_assert_null (report->kagent_error);
  g_assert_true (g_str_has_prefix (report->text, "3 pods checked: 1 Running and ready, 2 unhealthy.\n"));
  g_assert_nonnull (strstr (report->text, "todo-backend-7f9c6d5b8-k2m4n (0/1, ImagePullBackOff): "));
  entries = read_audit (&fixture);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = entries->pdata[0];
  g_assert_cmpstr (entry->agent, ==, "KUBECTL");
  g_assert_cmpstr (entry->result, ==, "3 pods checked: 1 Running and ready, 2 unhealthy.");
  g_clear_object (&monitor);
  g_clear_object (&client);
  fixture_stop (&fixture);
}

static void
test_analysis_builtin_without_kagent (void)
{
  check_builtin_fallback (FALSE, "FAKE_KAGENT_INVOKE=completed", NULL);
}

static void
test_analysis_builtin_when_kagent_fails (void)
{
  check_builtin_fallback (TRUE, "FAKE_KAGENT_INVOKE=failed", "401 Unauthorized");
}

static void
test_analysis_builtin_when_kagent_is_silent (void)
{
  check_builtin_fallback (TRUE, "FAKE_KAGENT_INVOKE=empty", "kagent printed nothing");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/verify/pods-ready/passes", test_pods_ready_passes_when_pods_become_ready);
  g_test_add_func ("/verify/pods-ready/timeout-diagnoses", test_pods_ready_times_out_with_diagnoses);
  g_test_add_func ("/verify/pods-ready/no-pods", test_pods_ready_without_pods_points_at_deploy);
  g_test_add_func ("/verify/pods-ready/stops-early-when-stuck", test_pods_ready_stops_early_when_stuck);
  g_test_add_func ("/verify/pods-ready/stops-early-while-reconnecting", test_pods_ready_stops_early_while_reconnecting);
  g_test_add_func ("/verify/pods-ready/waits-for-a-starting-pod", test_pods_ready_waits_for_a_starting_pod);
  g_test_add_func ("/verify/pods-ready/outlasts-a-blip", test_pods_ready_outlasts_a_blip);
  g_test_add_func ("/verify/url/from-objects", test_url_from_real_objects);
  g_test_add_func ("/verify/url/minikube-service", test_url_responds_through_minikube_service);
  g_test_add_func ("/verify/url/wrong-status", test_url_responds_reports_a_wrong_status);
  g_test_add_func ("/verify/url/node-port", test_url_by_node_port);
  g_test_add_func ("/verify/url/missing-service", test_url_missing_service);
  g_test_add_func ("/verify/kagent/parse", test_kagent_answer_parsing);
  g_test_add_func ("/verify/analysis/kagent", test_analysis_by_kagent);
  g_test_add_func ("/verify/analysis/builtin", test_analysis_builtin_without_kagent);
  g_test_add_func ("/verify/analysis/kagent-failed", test_analysis_builtin_when_kagent_fails);
  g_test_add_func ("/verify/analysis/kagent-empty", test_analysis_builtin_when_kagent_is_silent);
  return g_test_run ();
}
