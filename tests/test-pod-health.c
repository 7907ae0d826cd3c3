/* test-pod-health.c: READY / STATUS / RESTARTS / AGE exactly as `kubectl get pods` prints them */
#include <string.h>

#include <json-glib/json-glib.h>

#include "td-pod-health.h"
#include "k8s-test-util.h"

static void
assert_columns (JsonObject *pod,
                gint64      now,
                const char *ready,
                const char *status,
                const char *restarts)
{
  g_autofree char *got_ready = td_pod_health_ready (pod);
  g_autofree char *got_status = td_pod_health_status (pod);
  g_autofree char *got_restarts = td_pod_health_restarts (pod, now);

  g_assert_cmpstr (got_ready, ==, ready);
  g_assert_cmpstr (got_status, ==, status);
  g_assert_cmpstr (got_restarts, ==, restarts);
}

static void
assert_template (const char *template,
                 const char *ready,
                 const char *status,
                 const char *restarts)
{
  g_autoptr(JsonNode) pod = pod_from_template (template);

  assert_columns (json_node_get_object (pod), NOW, ready, status, restarts);
}

/* ---- HumanDuration ---- */

static void
test_human_duration (void)
{
  static const struct { gint64 seconds; const char *expected; } cases[] = {
    { -100, "<invalid>" }, { -2, "<invalid>" }, { -1, "0s" }, { 0, "0s" }, { 1, "1s" },
    { 59, "59s" }, { 60, "60s" }, { 119, "119s" },
    { 120, "2m" }, { 121, "2m1s" }, { 264, "4m24s" }, { 599, "9m59s" },
    { 600, "10m" }, { 601, "10m" }, { 10799, "179m" },
    { 10800, "3h" }, { 10859, "3h" }, { 10860, "3h1m" }, { 19860, "5h31m" }, { 28799, "7h59m" },
    { 28800, "8h" }, { 172799, "47h" },
    { 172800, "2d" }, { 176400, "2d1h" }, { 446400, "5d4h" }, { 691199, "7d23h" },
    { 691200, "8d" }, { 63071999, "729d" },
    { 63072000, "2y" }, { 63158400, "2y1d" }, { 252287999, "7y364d" },
    { 252288000, "8y" }, { 315792000, "10y" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = td_human_duration (cases[i].seconds);

      g_test_message ("%" G_GINT64_FORMAT " s", cases[i].seconds);
      g_assert_cmpstr (text, ==, cases[i].expected);
    }
}

static void
test_time_parse (void)
{
  gint64 seconds = 0;

  g_assert_true (td_k8s_time_parse ("2025-06-10T12:00:00Z", &seconds));
  g_assert_cmpint (seconds, ==, NOW);
  g_assert_true (td_k8s_time_parse ("2025-06-10T14:00:00.123456+02:00", &seconds));
  g_assert_cmpint (seconds, ==, NOW);
  g_assert_false (td_k8s_time_parse ("2025-08-2312:02:32Z", &seconds));
  g_assert_false (td_k8s_time_parse ("", &seconds));
  g_assert_false (td_k8s_time_parse (NULL, &seconds));
}

/* ---- the fixtures, against k8s.md §3.2's table ---- */

static void
test_fixture_running_ready (void)
{
  g_autoptr(JsonNode) node = load_fixture ("pod-running-ready.json");
  JsonObject *pod = json_node_get_object (node);
  gint64 created = 0;
  g_autofree char *age = NULL;

  g_assert_true (td_k8s_time_parse ("2022-02-17T21:51:01Z", &created));
  assert_columns (pod, created + 3 * 86400, "1/1", "Running", "0");
  age = td_pod_health_age (pod, created + 3 * 86400 + 5 * 3600);
  g_assert_cmpstr (age, ==, "3d5h");
  g_assert_true (td_pod_health_is_ready (pod));
}

static void
test_fixture_crashloopbackoff (void)
{
  g_autoptr(JsonNode) node = load_fixture ("pod-crashloopbackoff.json");
  JsonObject *pod = json_node_get_object (node);
  gint64 finished = 0;
  g_autofree char *age = NULL;

  /* lastState.terminated.finishedAt 12:13:39 → 4m24s later, like the real table's "255 (4m24s ago)" */
  g_assert_true (td_k8s_time_parse ("2025-08-23T12:13:39Z", &finished));
  assert_columns (pod, finished + 264, "0/1", "CrashLoopBackOff", "7 (4m24s ago)");
  age = td_pod_health_age (pod, finished + 264);
  g_assert_cmpstr (age, ==, "15m");   /* created 12:02:32 */
  g_assert_false (td_pod_health_is_ready (pod));
}

static void
test_fixture_oomkilled (void)
{
  /* The OOM pod of k8s.md's table ships inside the PodList fixture. */
  g_autoptr(JsonNode) node = load_list_item ("podlist-default-api.json", "analytics-exporter-fast-76897854c-cw5wh");
  JsonObject *pod = json_node_get_object (node);
  gint64 finished = 0;

  g_assert_true (td_k8s_time_parse ("2025-02-27T06:36:22Z", &finished));
  assert_columns (pod, finished + 87, "0/1", "CrashLoopBackOff", "6 (87s ago)");
  assert_columns (pod, finished + 5 * 60, "0/1", "CrashLoopBackOff", "6 (5m ago)");
}

static void
test_fixture_image_pull (void)
{
  g_autoptr(JsonNode) node = load_fixture ("pod-imagepullbackoff.json");
  JsonObject *pod = json_node_get_object (node);
  JsonObject *waiting;
  gint64 created = 0;

  g_assert_true (td_k8s_time_parse ("2025-07-01T09:14:59Z", &created));
  assert_columns (pod, created + 116, "0/1", "ImagePullBackOff", "0");

  /* pod-errimagepull.json is not in the fixtures: the same pod one moment earlier, with the reason
   * and the runtime's text from the real describe's "Failed to pull image" event. */
  waiting = json_object_get_object_member (
      json_object_get_object_member (
          json_array_get_object_element (
              json_object_get_array_member (json_object_get_object_member (pod, "status"), "containerStatuses"), 0),
          "state"),
      "waiting");
  json_object_set_string_member (waiting, "reason", "ErrImagePull");
  json_object_set_string_member (waiting, "message",
                                 "failed to pull and unpack image \"totallynonexistentregistry12345.io/doesnotexist/invalid:latest\": "
                                 "failed to resolve reference: no such host");
  assert_columns (pod, created + 30, "0/1", "ErrImagePull", "0");
}

/* The real `kubectl get pods -o wide` line of this very pod (raw/holmesgpt-54-kubectl-get-pods.txt). */
static void
test_fixture_image_pull_wide_row (void)
{
  g_autoptr(JsonNode) node = load_fixture ("pod-imagepullbackoff.json");
  JsonObject *pod = json_node_get_object (node);
  g_autofree char *path = fixture_path ("raw/holmesgpt-54-kubectl-get-pods.txt");
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) cells = NULL;
  g_autofree char *ready = td_pod_health_ready (pod);
  g_autofree char *status = td_pod_health_status (pod);
  g_autofree char *restarts = NULL;
  g_autofree char *age = NULL;
  g_autofree char *ip = td_pod_health_ip (pod);
  g_autofree char *node_name = td_pod_health_node (pod);
  g_autofree char *nominated = td_pod_health_nominated_node (pod);
  g_autofree char *gates = td_pod_health_readiness_gates (pod);
  gint64 created = 0;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  g_assert_true (g_str_has_prefix (lines[3], "fast-fail-pod "));
  cells = g_regex_split_simple ("\\s+", lines[3], 0, 0);
  g_assert_true (td_k8s_time_parse ("2025-07-01T09:14:59Z", &created));
  restarts = td_pod_health_restarts (pod, created + 116);
  age = td_pod_health_age (pod, created + 116);

  g_assert_cmpstr (ready, ==, cells[1]);
  g_assert_cmpstr (status, ==, cells[2]);
  g_assert_cmpstr (restarts, ==, cells[3]);
  g_assert_cmpstr (age, ==, cells[4]);
  g_assert_cmpstr (ip, ==, cells[5]);
  g_assert_cmpstr (node_name, ==, cells[6]);
  g_assert_cmpstr (nominated, ==, cells[7]);
  g_assert_cmpstr (gates, ==, cells[8]);
}

static void
test_fixture_pending_unschedulable (void)
{
  g_autoptr(JsonNode) node = load_fixture ("pod-pending-unschedulable.json");
  JsonObject *pod = json_node_get_object (node);
  g_autofree char *ip = td_pod_health_ip (pod);
  g_autofree char *node_name = td_pod_health_node (pod);

  assert_columns (pod, NOW, "0/1", "Pending", "0");
  g_assert_cmpstr (ip, ==, "<none>");
  g_assert_cmpstr (node_name, ==, "<none>");
}

static void
test_fixture_create_container_config_error (void)
{
  g_autoptr(JsonNode) node = load_fixture ("pod-createcontainerconfigerror.json");

  assert_columns (json_node_get_object (node), NOW, "0/1", "CreateContainerConfigError", "0");
}

/* pod-running-not-ready.json is not in the fixtures: rebuilt from the real describe
 * raw/holmesgpt-08-running-not-ready-describe.txt (Running, Ready False, 27 restarts, Last State
 * Error exit 1 finished Mon, 02 Jun 2025 14:22:09 +0200). */
static void
test_running_not_ready (void)
{
  assert_template ("{\"metadata\": {\"name\": \"front-end-6bc5876d74-4lbfd\", \"creationTimestamp\": \"{T-3600000}\"},"
                   " \"spec\": {\"containers\": [{\"name\": \"front-end\", \"image\": \"weaveworksdemos/front-end:0.3.12\"}]},"
                   " \"status\": {\"phase\": \"Running\","
                   "  \"conditions\": [{\"type\": \"Initialized\", \"status\": \"True\"}, {\"type\": \"Ready\", \"status\": \"False\"}],"
                   "  \"containerStatuses\": [{\"name\": \"front-end\", \"ready\": false, \"started\": true, \"restartCount\": 27,"
                   "   \"state\": {\"running\": {\"startedAt\": \"{T-20}\"}},"
                   "   \"lastState\": {\"terminated\": {\"exitCode\": 1, \"reason\": \"Error\", \"finishedAt\": \"{T-46}\"}}}]}}",
                   "0/1", "Running", "27 (46s ago)");
}

/* ---- constructed cases ---- */

#define POD_HEAD "{\"metadata\": {\"name\": \"p\", \"creationTimestamp\": \"{T-600}\"},"

static void
test_init_containers (void)
{
  /* first done, second running: Init:1/2 */
  assert_template (POD_HEAD
                   " \"spec\": {\"initContainers\": [{\"name\": \"a\"}, {\"name\": \"b\"}], \"containers\": [{\"name\": \"app\"}]},"
                   " \"status\": {\"phase\": \"Pending\", \"conditions\": [{\"type\": \"Initialized\", \"status\": \"False\"}],"
                   "  \"initContainerStatuses\": ["
                   "   {\"name\": \"a\", \"restartCount\": 0, \"state\": {\"terminated\": {\"exitCode\": 0, \"reason\": \"Completed\"}}},"
                   "   {\"name\": \"b\", \"restartCount\": 0, \"state\": {\"running\": {}}}],"
                   "  \"containerStatuses\": [{\"name\": \"app\", \"state\": {\"waiting\": {\"reason\": \"PodInitializing\"}}}]}}",
                   "0/1", "Init:1/2", "0");
  /* waiting for its turn with PodInitializing counts as not started */
  assert_template (POD_HEAD
                   " \"spec\": {\"initContainers\": [{\"name\": \"a\"}], \"containers\": [{\"name\": \"app\"}]},"
                   " \"status\": {\"phase\": \"Pending\","
                   "  \"initContainerStatuses\": [{\"name\": \"a\", \"state\": {\"waiting\": {\"reason\": \"PodInitializing\"}}}]}}",
                   "0/1", "Init:0/1", "0");
  /* failed with a reason; its restarts count while initializing */
  assert_template (POD_HEAD
                   " \"spec\": {\"initContainers\": [{\"name\": \"a\"}], \"containers\": [{\"name\": \"app\"}]},"
                   " \"status\": {\"phase\": \"Pending\","
                   "  \"initContainerStatuses\": [{\"name\": \"a\", \"restartCount\": 3,"
                   "   \"state\": {\"terminated\": {\"exitCode\": 1, \"reason\": \"Error\"}},"
                   "   \"lastState\": {\"terminated\": {\"exitCode\": 1, \"reason\": \"Error\", \"finishedAt\": \"{T-30}\"}}}]}}",
                   "0/1", "Init:Error", "3 (30s ago)");
  /* failed without a reason: exit code, or signal */
  assert_template (POD_HEAD
                   " \"spec\": {\"initContainers\": [{\"name\": \"a\"}], \"containers\": [{\"name\": \"app\"}]},"
                   " \"status\": {\"phase\": \"Pending\","
                   "  \"initContainerStatuses\": [{\"name\": \"a\", \"state\": {\"terminated\": {\"exitCode\": 3}}}]}}",
                   "0/1", "Init:ExitCode:3", "0");
  assert_template (POD_HEAD
                   " \"spec\": {\"initContainers\": [{\"name\": \"a\"}], \"containers\": [{\"name\": \"app\"}]},"
                   " \"status\": {\"phase\": \"Pending\","
                   "  \"initContainerStatuses\": [{\"name\": \"a\", \"state\": {\"terminated\": {\"exitCode\": 137, \"signal\": 9}}}]}}",
                   "0/1", "Init:Signal:9", "0");
  /* waiting with a reason */
  assert_template (POD_HEAD
                   " \"spec\": {\"initContainers\": [{\"name\": \"a\"}, {\"name\": \"b\"}], \"containers\": [{\"name\": \"app\"}]},"
                   " \"status\": {\"phase\": \"Pending\","
                   "  \"initContainerStatuses\": ["
                   "   {\"name\": \"a\", \"state\": {\"terminated\": {\"exitCode\": 0, \"reason\": \"Completed\"}}},"
                   "   {\"name\": \"b\", \"state\": {\"waiting\": {\"reason\": \"ImagePullBackOff\"}}}]}}",
                   "0/1", "Init:ImagePullBackOff", "0");
  /* all done: the app containers decide, and plain init restarts no longer count */
  assert_template (POD_HEAD
                   " \"spec\": {\"initContainers\": [{\"name\": \"a\"}], \"containers\": [{\"name\": \"app\"}]},"
                   " \"status\": {\"phase\": \"Running\", \"conditions\": [{\"type\": \"Initialized\", \"status\": \"True\"}, {\"type\": \"Ready\", \"status\": \"True\"}],"
                   "  \"initContainerStatuses\": [{\"name\": \"a\", \"restartCount\": 4,"
                   "   \"state\": {\"terminated\": {\"exitCode\": 0, \"reason\": \"Completed\"}},"
                   "   \"lastState\": {\"terminated\": {\"exitCode\": 1, \"finishedAt\": \"{T-500}\"}}}],"
                   "  \"containerStatuses\": [{\"name\": \"app\", \"ready\": true, \"restartCount\": 0, \"state\": {\"running\": {}}}]}}",
                   "1/1", "Running", "0");
  /* a failed init container while the Initialized condition is already True: the app containers
   * are counted, but as the running one sets no reason, kubectl keeps the init reason */
  assert_template (POD_HEAD
                   " \"spec\": {\"initContainers\": [{\"name\": \"a\"}], \"containers\": [{\"name\": \"app\"}]},"
                   " \"status\": {\"phase\": \"Running\", \"conditions\": [{\"type\": \"Initialized\", \"status\": \"True\"}],"
                   "  \"initContainerStatuses\": [{\"name\": \"a\", \"state\": {\"terminated\": {\"exitCode\": 2, \"reason\": \"Error\"}}}],"
                   "  \"containerStatuses\": [{\"name\": \"app\", \"ready\": true, \"state\": {\"running\": {}}}]}}",
                   "1/1", "Init:Error", "0");
}

static void
test_sidecars (void)
{
  const char *template =
    POD_HEAD
    " \"spec\": {\"initContainers\": [{\"name\": \"setup\"}, {\"name\": \"proxy\", \"restartPolicy\": \"Always\"}],"
    "  \"containers\": [{\"name\": \"app\"}]},"
    " \"status\": {\"phase\": \"Running\", \"conditions\": [{\"type\": \"Initialized\", \"status\": \"True\"}, {\"type\": \"Ready\", \"status\": \"True\"}],"
    "  \"initContainerStatuses\": ["
    "   {\"name\": \"setup\", \"restartCount\": 5, \"state\": {\"terminated\": {\"exitCode\": 0, \"reason\": \"Completed\"}},"
    "    \"lastState\": {\"terminated\": {\"exitCode\": 1, \"finishedAt\": \"{T-100}\"}}},"
    "   {\"name\": \"proxy\", \"restartCount\": 2, \"started\": true, \"ready\": %s, \"state\": {\"running\": {}},"
    "    \"lastState\": {\"terminated\": {\"exitCode\": 1, \"finishedAt\": \"{T-300}\"}}}],"
    "  \"containerStatuses\": [{\"name\": \"app\", \"ready\": true, \"restartCount\": 1, \"state\": {\"running\": {}},"
    "   \"lastState\": {\"terminated\": {\"exitCode\": 1, \"finishedAt\": \"{T-400}\"}}}]}}";
  g_autofree char *ready = g_strdup_printf (template, "true");
  g_autofree char *not_ready = g_strdup_printf (template, "false");
  g_autoptr(JsonNode) node = pod_from_template (ready);

  /* The sidecar counts in READY; its restarts count, the plain init container's do not; the last
   * restart is the latest of the sidecar's and the app's (5m ago), not the init container's. */
  assert_template (ready, "2/2", "Running", "3 (5m ago)");
  assert_template (not_ready, "1/2", "Running", "3 (5m ago)");
  g_assert_true (td_pod_health_is_ready (json_node_get_object (node)));

  /* a sidecar that has not started holds up initialization like any init container */
  assert_template (POD_HEAD
                   " \"spec\": {\"initContainers\": [{\"name\": \"proxy\", \"restartPolicy\": \"Always\"}], \"containers\": [{\"name\": \"app\"}]},"
                   " \"status\": {\"phase\": \"Pending\", \"conditions\": [{\"type\": \"Initialized\", \"status\": \"False\"}],"
                   "  \"initContainerStatuses\": [{\"name\": \"proxy\", \"started\": false, \"state\": {\"running\": {}}}]}}",
                   "0/2", "Init:0/1", "0");
}

static void
test_multi_container (void)
{
  /* the first container's reason wins */
  assert_template (POD_HEAD
                   " \"spec\": {\"containers\": [{\"name\": \"a\"}, {\"name\": \"b\"}]},"
                   " \"status\": {\"phase\": \"Running\","
                   "  \"containerStatuses\": ["
                   "   {\"name\": \"a\", \"restartCount\": 2, \"state\": {\"waiting\": {\"reason\": \"CrashLoopBackOff\"}},"
                   "    \"lastState\": {\"terminated\": {\"exitCode\": 1, \"reason\": \"Error\", \"finishedAt\": \"{T-70}\"}}},"
                   "   {\"name\": \"b\", \"restartCount\": 0, \"state\": {\"waiting\": {\"reason\": \"ErrImagePull\"}}}]}}",
                   "0/2", "CrashLoopBackOff", "2 (70s ago)");
  /* a ready one and a broken one */
  assert_template (POD_HEAD
                   " \"spec\": {\"containers\": [{\"name\": \"a\"}, {\"name\": \"b\"}]},"
                   " \"status\": {\"phase\": \"Running\","
                   "  \"containerStatuses\": ["
                   "   {\"name\": \"a\", \"ready\": true, \"restartCount\": 1, \"state\": {\"running\": {}},"
                   "    \"lastState\": {\"terminated\": {\"exitCode\": 1, \"finishedAt\": \"{T-7200}\"}}},"
                   "   {\"name\": \"b\", \"restartCount\": 3, \"state\": {\"waiting\": {\"reason\": \"ErrImagePull\"}},"
                   "    \"lastState\": {\"terminated\": {\"exitCode\": 1, \"finishedAt\": \"{T-3600}\"}}}]}}",
                   "1/2", "ErrImagePull", "4 (60m ago)");
  /* one finished, one running: back to Running or NotReady by the Ready condition */
  assert_template (POD_HEAD
                   " \"spec\": {\"containers\": [{\"name\": \"a\"}, {\"name\": \"b\"}]},"
                   " \"status\": {\"phase\": \"Running\", \"conditions\": [{\"type\": \"Ready\", \"status\": \"True\"}],"
                   "  \"containerStatuses\": ["
                   "   {\"name\": \"a\", \"state\": {\"terminated\": {\"exitCode\": 0, \"reason\": \"Completed\"}}},"
                   "   {\"name\": \"b\", \"ready\": true, \"state\": {\"running\": {}}}]}}",
                   "1/2", "Running", "0");
  assert_template (POD_HEAD
                   " \"spec\": {\"containers\": [{\"name\": \"a\"}, {\"name\": \"b\"}]},"
                   " \"status\": {\"phase\": \"Running\", \"conditions\": [{\"type\": \"Ready\", \"status\": \"False\"}],"
                   "  \"containerStatuses\": ["
                   "   {\"name\": \"a\", \"state\": {\"terminated\": {\"exitCode\": 0, \"reason\": \"Completed\"}}},"
                   "   {\"name\": \"b\", \"ready\": true, \"state\": {\"running\": {}}}]}}",
                   "1/2", "NotReady", "0");
  /* Completed with nothing running stays Completed */
  assert_template (POD_HEAD
                   " \"spec\": {\"containers\": [{\"name\": \"a\"}]},"
                   " \"status\": {\"phase\": \"Succeeded\","
                   "  \"containerStatuses\": [{\"name\": \"a\", \"state\": {\"terminated\": {\"exitCode\": 0, \"reason\": \"Completed\"}}}]}}",
                   "0/1", "Completed", "0");
}

static void
test_terminated_codes (void)
{
  assert_template (POD_HEAD
                   " \"spec\": {\"containers\": [{\"name\": \"a\"}]},"
                   " \"status\": {\"phase\": \"Failed\","
                   "  \"containerStatuses\": [{\"name\": \"a\", \"state\": {\"terminated\": {\"exitCode\": 143, \"signal\": 15}}}]}}",
                   "0/1", "Signal:15", "0");
  assert_template (POD_HEAD
                   " \"spec\": {\"containers\": [{\"name\": \"a\"}]},"
                   " \"status\": {\"phase\": \"Failed\","
                   "  \"containerStatuses\": [{\"name\": \"a\", \"state\": {\"terminated\": {\"exitCode\": 2}}}]}}",
                   "0/1", "ExitCode:2", "0");
  assert_template (POD_HEAD
                   " \"spec\": {\"containers\": [{\"name\": \"a\"}]},"
                   " \"status\": {\"phase\": \"Running\","
                   "  \"containerStatuses\": [{\"name\": \"a\", \"state\": {\"terminated\": {\"exitCode\": 137, \"reason\": \"OOMKilled\"}}}]}}",
                   "0/1", "OOMKilled", "0");
}

static void
test_pod_level_reasons (void)
{
  /* SchedulingGated */
  assert_template (POD_HEAD
                   " \"spec\": {\"containers\": [{\"name\": \"a\"}], \"schedulingGates\": [{\"name\": \"x\"}]},"
                   " \"status\": {\"phase\": \"Pending\", \"conditions\": [{\"type\": \"PodScheduled\", \"status\": \"False\", \"reason\": \"SchedulingGated\"}]}}",
                   "0/1", "SchedulingGated", "0");
  /* status.reason overrides the phase */
  assert_template (POD_HEAD
                   " \"spec\": {\"containers\": [{\"name\": \"a\"}]},"
                   " \"status\": {\"phase\": \"Failed\", \"reason\": \"Evicted\", \"message\": \"The node was low on resource: memory.\"}}",
                   "0/1", "Evicted", "0");
  /* NodeLost: "Unknown" only once the pod is being deleted */
  assert_template (POD_HEAD
                   " \"spec\": {\"containers\": [{\"name\": \"a\"}]},"
                   " \"status\": {\"phase\": \"Running\", \"reason\": \"NodeLost\"}}",
                   "0/1", "NodeLost", "0");
  assert_template ("{\"metadata\": {\"name\": \"p\", \"creationTimestamp\": \"{T-600}\", \"deletionTimestamp\": \"{T-5}\"},"
                   " \"spec\": {\"containers\": [{\"name\": \"a\"}]},"
                   " \"status\": {\"phase\": \"Running\", \"reason\": \"NodeLost\"}}",
                   "0/1", "Unknown", "0");
}

static void
test_terminating (void)
{
  const char *running =
    "{\"metadata\": {\"name\": \"p\", \"creationTimestamp\": \"{T-600}\", \"deletionTimestamp\": \"{T-5}\"},"
    " \"spec\": {\"containers\": [{\"name\": \"a\"}]},"
    " \"status\": {\"phase\": \"Running\", \"conditions\": [{\"type\": \"Ready\", \"status\": \"True\"}],"
    "  \"containerStatuses\": [{\"name\": \"a\", \"ready\": true, \"state\": {\"running\": {}}}]}}";
  g_autoptr(JsonNode) node = pod_from_template (running);

  assert_template (running, "1/1", "Terminating", "0");
  g_assert_false (td_pod_health_is_ready (json_node_get_object (node)));
  /* a finished pod being deleted keeps its final status */
  assert_template ("{\"metadata\": {\"name\": \"p\", \"creationTimestamp\": \"{T-600}\", \"deletionTimestamp\": \"{T-5}\"},"
                   " \"spec\": {\"containers\": [{\"name\": \"a\"}]},"
                   " \"status\": {\"phase\": \"Succeeded\","
                   "  \"containerStatuses\": [{\"name\": \"a\", \"state\": {\"terminated\": {\"exitCode\": 0, \"reason\": \"Completed\"}}}]}}",
                   "0/1", "Completed", "0");

  /* the DELETED event of the real watch stream carries a deletionTimestamp */
  {
    g_autofree char *path = fixture_path ("watch-pods-stream.ndjson");
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    gboolean seen = FALSE;

    g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
    lines = g_strsplit (text, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++)
      {
        g_autoptr(JsonParser) parser = json_parser_new ();
        JsonObject *event;

        if (*lines[i] == '\0')
          continue;
        g_assert_true (json_parser_load_from_data (parser, lines[i], -1, NULL));
        event = json_node_get_object (json_parser_get_root (parser));
        if (g_strcmp0 (json_object_get_string_member (event, "type"), "DELETED") == 0)
          {
            g_autofree char *status = td_pod_health_status (json_object_get_object_member (event, "object"));

            g_assert_cmpstr (status, ==, "Terminating");
            seen = TRUE;
          }
      }
    g_assert_true (seen);
  }
}

static void
test_restarts_without_time (void)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *age = NULL;

  /* restarts but no lastState.terminated.finishedAt: the bare count */
  assert_template ("{\"metadata\": {\"name\": \"p\"},"
                   " \"spec\": {\"containers\": [{\"name\": \"a\"}]},"
                   " \"status\": {\"phase\": \"Running\","
                   "  \"containerStatuses\": [{\"name\": \"a\", \"restartCount\": 3, \"state\": {\"running\": {}}}]}}",
                   "0/1", "Running", "3");
  node = pod_from_template ("{\"metadata\": {\"name\": \"p\"}, \"spec\": {}, \"status\": {}}");
  age = td_pod_health_age (json_node_get_object (node), NOW);
  g_assert_cmpstr (age, ==, "<unknown>");
  assert_columns (json_node_get_object (node), NOW, "0/0", "", "0");
}

/* ---- rows of the real `kubectl get pods -o wide` ---- */

typedef struct {
  const char *name;
  const char *pod;   /* template; the wide columns come from it too */
} WideRow;

#define WORKER ", \"nodeName\": \"kind-double-node-worker\""

static const WideRow wide_rows[] = {
  { "alertmanager-robusta-kube-prometheus-st-alertmanager-0",
    "{\"metadata\": {\"name\": \"alertmanager-robusta-kube-prometheus-st-alertmanager-0\", \"creationTimestamp\": \"{T-4233600}\"},"
    " \"spec\": {\"containers\": [{\"name\": \"alertmanager\"}, {\"name\": \"config-reloader\"}]" WORKER "},"
    " \"status\": {\"phase\": \"Running\", \"podIPs\": [{\"ip\": \"10.244.1.63\"}], \"conditions\": [{\"type\": \"Ready\", \"status\": \"True\"}],"
    "  \"initContainerStatuses\": [{\"name\": \"init-config-reloader\", \"state\": {\"terminated\": {\"exitCode\": 0, \"reason\": \"Completed\"}}}],"
    "  \"containerStatuses\": ["
    "   {\"name\": \"alertmanager\", \"ready\": true, \"restartCount\": 32, \"state\": {\"running\": {}},"
    "    \"lastState\": {\"terminated\": {\"exitCode\": 255, \"reason\": \"Unknown\", \"finishedAt\": \"{T-19870}\"}}},"
    "   {\"name\": \"config-reloader\", \"ready\": true, \"restartCount\": 32, \"state\": {\"running\": {}},"
    "    \"lastState\": {\"terminated\": {\"exitCode\": 255, \"reason\": \"Unknown\", \"finishedAt\": \"{T-19875}\"}}}]}}" },
  { "curl-deployment-6c67b4656-hlbw8",
    "{\"metadata\": {\"name\": \"curl-deployment-6c67b4656-hlbw8\", \"creationTimestamp\": \"{T-1814400}\"},"
    " \"spec\": {\"containers\": [{\"name\": \"curl\"}]" WORKER "},"
    " \"status\": {\"phase\": \"Running\", \"podIPs\": [{\"ip\": \"10.244.1.29\"}],"
    "  \"containerStatuses\": [{\"name\": \"curl\", \"ready\": true, \"restartCount\": 17, \"state\": {\"running\": {}},"
    "   \"lastState\": {\"terminated\": {\"exitCode\": 255, \"reason\": \"Unknown\", \"finishedAt\": \"{T-19899}\"}}}]}}" },
  { "customer-relations-webapp-7c67c65579-hr4wn",
    "{\"metadata\": {\"name\": \"customer-relations-webapp-7c67c65579-hr4wn\", \"creationTimestamp\": \"{T-518400}\"},"
    " \"spec\": {\"containers\": [{\"name\": \"webapp\"}]" WORKER "},"
    " \"status\": {\"phase\": \"Pending\", \"podIPs\": [{\"ip\": \"10.244.1.32\"}],"
    "  \"containerStatuses\": [{\"name\": \"webapp\", \"ready\": false, \"restartCount\": 0,"
    "   \"state\": {\"waiting\": {\"reason\": \"ImagePullBackOff\", \"message\": \"Back-off pulling image\"}}}]}}" },
  { "db-certs-authenticator-757f89d977-795x7",
    "{\"metadata\": {\"name\": \"db-certs-authenticator-757f89d977-795x7\", \"creationTimestamp\": \"{T-520000}\"},"
    " \"spec\": {\"containers\": [{\"name\": \"flask\"}]" WORKER "},"
    " \"status\": {\"phase\": \"Running\", \"podIPs\": [{\"ip\": \"10.244.1.42\"}],"
    "  \"containerStatuses\": [{\"name\": \"flask\", \"ready\": false, \"restartCount\": 255,"
    "   \"state\": {\"waiting\": {\"reason\": \"CrashLoopBackOff\"}},"
    "   \"lastState\": {\"terminated\": {\"exitCode\": 1, \"reason\": \"Error\", \"finishedAt\": \"{T-264}\"}}}]}}" },
  { "dnsutils-resolvconf",
    "{\"metadata\": {\"name\": \"dnsutils-resolvconf\", \"creationTimestamp\": \"{T-601200}\"},"
    " \"spec\": {\"containers\": [{\"name\": \"dnsutils\"}]" WORKER "},"
    " \"status\": {\"phase\": \"Succeeded\","
    "  \"containerStatuses\": [{\"name\": \"dnsutils\", \"ready\": false, \"restartCount\": 0,"
    "   \"state\": {\"terminated\": {\"exitCode\": 0, \"reason\": \"Completed\"}}}]}}" },
  { "get-data-24bnd",
    "{\"metadata\": {\"name\": \"get-data-24bnd\", \"creationTimestamp\": \"{T-1728000}\"},"
    " \"spec\": {\"containers\": [{\"name\": \"get-data\"}]" WORKER "},"
    " \"status\": {\"phase\": \"Failed\","
    "  \"containerStatuses\": [{\"name\": \"get-data\", \"ready\": false, \"restartCount\": 0,"
    "   \"state\": {\"terminated\": {\"exitCode\": 1, \"reason\": \"Error\"}}}]}}" },
  { "logging-agent",
    "{\"metadata\": {\"name\": \"logging-agent\", \"creationTimestamp\": \"{T-518500}\"},"
    " \"spec\": {\"initContainers\": [{\"name\": \"downloader\"}], \"containers\": [{\"name\": \"agent\"}]" WORKER "},"
    " \"status\": {\"phase\": \"Pending\", \"podIPs\": [{\"ip\": \"10.244.1.70\"}],"
    "  \"conditions\": [{\"type\": \"Initialized\", \"status\": \"False\"}],"
    "  \"initContainerStatuses\": [{\"name\": \"downloader\", \"ready\": false, \"restartCount\": 311,"
    "   \"state\": {\"waiting\": {\"reason\": \"CrashLoopBackOff\"}},"
    "   \"lastState\": {\"terminated\": {\"exitCode\": 1, \"reason\": \"Error\", \"finishedAt\": \"{T-200}\"}}}],"
    "  \"containerStatuses\": [{\"name\": \"agent\", \"ready\": false, \"restartCount\": 0,"
    "   \"state\": {\"waiting\": {\"reason\": \"PodInitializing\"}}}]}}" },
  { "payment-processing-worker-747ccfb9db-4wrhh",
    "{\"metadata\": {\"name\": \"payment-processing-worker-747ccfb9db-4wrhh\", \"creationTimestamp\": \"{T-518400}\"},"
    " \"spec\": {\"containers\": [{\"name\": \"worker\"}]" WORKER "},"
    " \"status\": {\"phase\": \"Running\", \"podIPs\": [{\"ip\": \"10.244.1.67\"}],"
    "  \"containerStatuses\": [{\"name\": \"worker\", \"ready\": false, \"restartCount\": 311,"
    "   \"state\": {\"waiting\": {\"reason\": \"CrashLoopBackOff\"}},"
    "   \"lastState\": {\"terminated\": {\"exitCode\": 1, \"reason\": \"Error\", \"finishedAt\": \"{T-104}\"}}}]}}" },
  { "redis-747ffc844f-f9ghd",
    "{\"metadata\": {\"name\": \"redis-747ffc844f-f9ghd\", \"creationTimestamp\": \"{T-79300}\"},"
    " \"spec\": {\"containers\": [{\"name\": \"redis\"}]},"
    " \"status\": {\"phase\": \"Pending\", \"conditions\": [{\"type\": \"PodScheduled\", \"status\": \"False\", \"reason\": \"Unschedulable\"}]}}" },
  { "robusta-grafana-8588b8fb85-rg4z5",
    "{\"metadata\": {\"name\": \"robusta-grafana-8588b8fb85-rg4z5\", \"creationTimestamp\": \"{T-4233700}\"},"
    " \"spec\": {\"containers\": [{\"name\": \"a\"}, {\"name\": \"b\"}, {\"name\": \"grafana\"}]" WORKER "},"
    " \"status\": {\"phase\": \"Running\", \"podIPs\": [{\"ip\": \"10.244.1.46\"}],"
    "  \"containerStatuses\": ["
    "   {\"name\": \"a\", \"ready\": true, \"restartCount\": 36, \"state\": {\"running\": {}},"
    "    \"lastState\": {\"terminated\": {\"exitCode\": 255, \"finishedAt\": \"{T-19890}\"}}},"
    "   {\"name\": \"b\", \"ready\": true, \"restartCount\": 36, \"state\": {\"running\": {}},"
    "    \"lastState\": {\"terminated\": {\"exitCode\": 255, \"finishedAt\": \"{T-19880}\"}}},"
    "   {\"name\": \"grafana\", \"ready\": true, \"restartCount\": 36, \"state\": {\"running\": {}},"
    "    \"lastState\": {\"terminated\": {\"exitCode\": 255, \"finishedAt\": \"{T-19885}\"}}}]}}" },
  { "robusta-kube-prometheus-st-operator-6885c8f675-xqrlh",
    "{\"metadata\": {\"name\": \"robusta-kube-prometheus-st-operator-6885c8f675-xqrlh\", \"creationTimestamp\": \"{T-4233650}\"},"
    " \"spec\": {\"containers\": [{\"name\": \"operator\"}]" WORKER "},"
    " \"status\": {\"phase\": \"Running\", \"podIPs\": [{\"ip\": \"10.244.1.30\"}],"
    "  \"containerStatuses\": [{\"name\": \"operator\", \"ready\": true, \"restartCount\": 53, \"state\": {\"running\": {}},"
    "   \"lastState\": {\"terminated\": {\"exitCode\": 255, \"finishedAt\": \"{T-19810}\"}}}]}}" },
  { "robusta-prometheus-node-exporter-2cxmv",
    "{\"metadata\": {\"name\": \"robusta-prometheus-node-exporter-2cxmv\", \"creationTimestamp\": \"{T-4233660}\"},"
    " \"spec\": {\"containers\": [{\"name\": \"node-exporter\"}], \"nodeName\": \"kind-double-node-control-plane\"},"
    " \"status\": {\"phase\": \"Running\", \"podIPs\": [{\"ip\": \"172.18.0.2\"}],"
    "  \"containerStatuses\": [{\"name\": \"node-exporter\", \"ready\": true, \"restartCount\": 32, \"state\": {\"running\": {}},"
    "   \"lastState\": {\"terminated\": {\"exitCode\": 255, \"finishedAt\": \"{T-19870}\"}}}]}}" },
  { "frontend-service",
    "{\"metadata\": {\"name\": \"frontend-service\", \"creationTimestamp\": \"{T-443000}\"},"
    " \"spec\": {\"containers\": [{\"name\": \"stress\"}]" WORKER "},"
    " \"status\": {\"phase\": \"Running\", \"podIPs\": [{\"ip\": \"10.244.1.45\"}],"
    "  \"containerStatuses\": [{\"name\": \"stress\", \"ready\": true, \"restartCount\": 4, \"state\": {\"running\": {}},"
    "   \"lastState\": {\"terminated\": {\"exitCode\": 255, \"reason\": \"Error\", \"finishedAt\": \"{T-19880}\"}}}]}}" },
  { "user-profile-import",
    "{\"metadata\": {\"name\": \"user-profile-import\", \"creationTimestamp\": \"{T-518460}\"},"
    " \"spec\": {\"containers\": [{\"name\": \"nginx\"}]},"
    " \"status\": {\"phase\": \"Pending\", \"conditions\": [{\"type\": \"PodScheduled\", \"status\": \"False\", \"reason\": \"Unschedulable\"}]}}" },
  { "user-profile-resources-659d4dd659-ksbgg",
    "{\"metadata\": {\"name\": \"user-profile-resources-659d4dd659-ksbgg\", \"creationTimestamp\": \"{T-3560}\"},"
    " \"spec\": {\"containers\": [{\"name\": \"app\"}]},"
    " \"status\": {\"phase\": \"Pending\"}}" },
};

/* The row's first nine columns; RESTARTS may hold a space ("64 (5h31m ago)"). */
static GStrv
real_wide_cells (const char *text,
                 const char *name)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) words = NULL;
      g_autoptr(GStrvBuilder) cells = g_strv_builder_new ();
      guint w = 0;

      if (!g_str_has_prefix (lines[i], name) || lines[i][strlen (name)] != ' ')
        continue;
      words = g_regex_split_simple ("\\s+", lines[i], 0, 0);
      for (guint column = 0; column < 9; column++)
        {
          if (column == 3 && words[w + 1] != NULL && words[w + 1][0] == '(')
            {
              g_autofree char *joined = g_strjoin (" ", words[w], words[w + 1], words[w + 2], NULL);

              g_strv_builder_add (cells, joined);
              w += 3;
            }
          else
            g_strv_builder_add (cells, words[w++]);
        }
      return g_strv_builder_end (cells);
    }
  g_assert_not_reached ();
}

static void
test_real_wide_rows (void)
{
  g_autofree char *path = fixture_path ("kubectl-get-pods-wide-real.txt");
  g_autofree char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  for (gsize i = 0; i < G_N_ELEMENTS (wide_rows); i++)
    {
      g_autoptr(JsonNode) node = pod_from_template (wide_rows[i].pod);
      JsonObject *pod = json_node_get_object (node);
      g_auto(GStrv) expected = real_wide_cells (text, wide_rows[i].name);
      g_autoptr(TdPodRow) row = td_pod_row_new (pod, NOW);
      g_autofree char *ip = td_pod_health_ip (pod);
      g_autofree char *node_name = td_pod_health_node (pod);
      g_autofree char *nominated = td_pod_health_nominated_node (pod);
      g_autofree char *gates = td_pod_health_readiness_gates (pod);

      g_test_message ("%s", wide_rows[i].name);
      g_assert_cmpstr (row->name, ==, expected[0]);
      g_assert_cmpstr (row->ready, ==, expected[1]);
      g_assert_cmpstr (row->status, ==, expected[2]);
      g_assert_cmpstr (row->restarts, ==, expected[3]);
      g_assert_cmpstr (row->age, ==, expected[4]);
      g_assert_cmpstr (ip, ==, expected[5]);
      g_assert_cmpstr (node_name, ==, expected[6]);
      g_assert_cmpstr (nominated, ==, expected[7]);
      g_assert_cmpstr (gates, ==, expected[8]);
    }
}

/* table-pods.json: the cells that do not depend on the clock. Its AGE and "(… ago)" strings are
 * marked illustrative and cannot all hold at one instant, so only the restart count is compared. */
static void
test_table_rows (void)
{
  g_autoptr(JsonNode) table = load_fixture ("table-pods.json");
  JsonArray *rows = json_object_get_array_member (json_node_get_object (table), "rows");

  g_assert_cmpuint (json_array_get_length (rows), ==, 3);
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonArray *cells = json_object_get_array_member (json_array_get_object_element (rows, i), "cells");
      const char *name = json_array_get_string_element (cells, 0);
      g_autoptr(JsonNode) node = load_list_item ("podlist-default-api.json", name);
      JsonObject *pod = json_node_get_object (node);
      g_autofree char *ready = td_pod_health_ready (pod);
      g_autofree char *status = td_pod_health_status (pod);
      g_autofree char *restarts = td_pod_health_restarts (pod, NOW);
      g_autofree char *ip = td_pod_health_ip (pod);
      g_autofree char *node_name = td_pod_health_node (pod);
      g_autofree char *nominated = td_pod_health_nominated_node (pod);
      g_autofree char *gates = td_pod_health_readiness_gates (pod);
      const char *expected_restarts = json_array_get_string_element (cells, 3);

      g_test_message ("%s", name);
      g_assert_cmpstr (ready, ==, json_array_get_string_element (cells, 1));
      g_assert_cmpstr (status, ==, json_array_get_string_element (cells, 2));
      g_assert_cmpint (g_ascii_strtoll (restarts, NULL, 10), ==, g_ascii_strtoll (expected_restarts, NULL, 10));
      g_assert_cmpint (strchr (restarts, '(') != NULL, ==, strchr (expected_restarts, '(') != NULL);
      g_assert_cmpstr (ip, ==, json_array_get_string_element (cells, 5));
      g_assert_cmpstr (node_name, ==, json_array_get_string_element (cells, 6));
      g_assert_cmpstr (nominated, ==, json_array_get_string_element (cells, 7));
      g_assert_cmpstr (gates, ==, json_array_get_string_element (cells, 8));
    }
}

static void
test_readiness_gates (void)
{
  g_autoptr(JsonNode) node = pod_from_template (
      POD_HEAD " \"spec\": {\"containers\": [{\"name\": \"a\"}],"
      "  \"readinessGates\": [{\"conditionType\": \"example.com/one\"}, {\"conditionType\": \"example.com/two\"}]},"
      " \"status\": {\"phase\": \"Running\", \"conditions\": [{\"type\": \"example.com/two\", \"status\": \"True\"}]}}");
  g_autofree char *gates = td_pod_health_readiness_gates (json_node_get_object (node));

  g_assert_cmpstr (gates, ==, "1/2");
}

static void
test_pod_row (void)
{
  g_autoptr(JsonNode) node = load_fixture ("pod-running-ready.json");
  g_autoptr(TdPodRow) row = td_pod_row_new (json_node_get_object (node), NOW);
  g_autoptr(TdPodRow) copy = NULL;

  g_assert_cmpstr (row->name, ==, "nginx-deployment-67d4bdd6f5-w6kd7");
  g_assert_cmpstr (row->namespace, ==, "default");
  g_assert_cmpstr (row->ready, ==, "1/1");
  g_assert_cmpstr (row->status, ==, "Running");
  g_assert_cmpstr (row->restarts, ==, "0");
  g_assert_cmpstr (row->age, ==, "3y113d");   /* 2022-02-17 → 2025-06-10: 1208 days */
  g_assert_true (row->is_ready);
  g_assert_true (G_TYPE_IS_BOXED (TD_TYPE_POD_ROW));
  copy = g_boxed_copy (TD_TYPE_POD_ROW, row);
  g_assert_true (copy != row);
  g_assert_cmpstr (copy->status, ==, row->status);
  g_assert_cmpstr (copy->age, ==, row->age);
  g_assert_true (copy->is_ready);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pod-health/human-duration", test_human_duration);
  g_test_add_func ("/pod-health/time-parse", test_time_parse);
  g_test_add_func ("/pod-health/fixture/running-ready", test_fixture_running_ready);
  g_test_add_func ("/pod-health/fixture/crashloopbackoff", test_fixture_crashloopbackoff);
  g_test_add_func ("/pod-health/fixture/oomkilled", test_fixture_oomkilled);
  g_test_add_func ("/pod-health/fixture/image-pull", test_fixture_image_pull);
  g_test_add_func ("/pod-health/fixture/image-pull-wide-row", test_fixture_image_pull_wide_row);
  g_test_add_func ("/pod-health/fixture/pending-unschedulable", test_fixture_pending_unschedulable);
  g_test_add_func ("/pod-health/fixture/create-container-config-error", test_fixture_create_container_config_error);
  g_test_add_func ("/pod-health/running-not-ready", test_running_not_ready);
  g_test_add_func ("/pod-health/init-containers", test_init_containers);
  g_test_add_func ("/pod-health/sidecars", test_sidecars);
  g_test_add_func ("/pod-health/multi-container", test_multi_container);
  g_test_add_func ("/pod-health/terminated-codes", test_terminated_codes);
  g_test_add_func ("/pod-health/pod-level-reasons", test_pod_level_reasons);
  g_test_add_func ("/pod-health/terminating", test_terminating);
  g_test_add_func ("/pod-health/restarts-without-time", test_restarts_without_time);
  g_test_add_func ("/pod-health/real-wide-rows", test_real_wide_rows);
  g_test_add_func ("/pod-health/table-rows", test_table_rows);
  g_test_add_func ("/pod-health/readiness-gates", test_readiness_gates);
  g_test_add_func ("/pod-health/row", test_pod_row);
  return g_test_run ();
}
