/* test-pod-diagnosis.c: each unhealthy state gets its reason, the verbatim message, and the fix */
#include <string.h>

#include <json-glib/json-glib.h>

#include "td-plan.h"
#include "td-pod-diagnosis.h"
#include "k8s-test-util.h"

/* The bundled plan's rules: its components, Secret and fix phases (settings.diagnoses). */
static const TdPodDiagnosisRules *
rules (void)
{
  static TdPlan *plan;

  if (plan == NULL)
    {
      g_autoptr(GError) error = NULL;
      plan = td_plan_new_default (&error);
      g_assert_no_error (error);
    }
  return td_plan_get_diagnosis_rules (plan);
}

static JsonArray *
events_from_template (const char *template)
{
  g_autoptr(JsonNode) node = pod_from_template (template);

  return json_array_ref (json_node_get_array (node));
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (haystack == NULL || strstr (haystack, needle) == NULL)
    g_error ("“%s” does not contain “%s”", haystack, needle);
}

static TdPodDiagnosis *
diagnose_template (const char *pod_template,
                   const char *events_template)
{
  g_autoptr(JsonNode) pod = pod_from_template (pod_template);
  g_autoptr(JsonArray) events = events_template != NULL ? events_from_template (events_template) : NULL;

  return td_pod_diagnose (json_node_get_object (pod), events, rules ());
}

/* The first container status of a fixture pod, to turn it into a neighbouring state. */
static JsonObject *
first_status (JsonObject *pod)
{
  JsonArray *statuses = json_object_get_array_member (json_object_get_object_member (pod, "status"), "containerStatuses");

  return json_array_get_object_element (statuses, 0);
}

static JsonObject *
first_waiting (JsonObject *pod)
{
  return json_object_get_object_member (json_object_get_object_member (first_status (pod), "state"), "waiting");
}

/* A one-container Deployment pod of this project in a given state. */
#define TODO_POD(component, image, phase, state, extra) \
  "{\"metadata\": {\"name\": \"todo-" component "-5d9c7b8f6-x2x9q\", \"namespace\": \"default\", \"uid\": \"u-1\"," \
  "  \"creationTimestamp\": \"{T-600}\"}," \
  " \"spec\": {\"containers\": [{\"name\": \"todo-" component "\", \"image\": \"" image "\", \"imagePullPolicy\": \"Never\"," \
  "   \"ports\": [{\"containerPort\": 8000}]," \
  "   \"readinessProbe\": {\"httpGet\": {\"path\": \"/health\", \"port\": 8000}}," \
  "   \"resources\": {\"limits\": {\"cpu\": \"500m\", \"memory\": \"512Mi\"}}}]}," \
  " \"status\": {\"phase\": \"" phase "\"," \
  "  \"containerStatuses\": [{\"name\": \"todo-" component "\", \"image\": \"" image "\", \"restartCount\": 0," \
  "   \"ready\": false, \"state\": " state extra "}]}}"

static void
test_healthy (void)
{
  g_autoptr(JsonNode) node = load_fixture ("pod-running-ready.json");
  g_autoptr(TdPodDiagnosis) ready = td_pod_diagnose (json_node_get_object (node), NULL, rules ());
  g_autoptr(TdPodDiagnosis) starting = diagnose_template (
      TODO_POD ("backend", "todo-backend:latest", "Pending", "{\"waiting\": {\"reason\": \"ContainerCreating\"}}", ""),
      "[{\"reason\": \"Pulled\", \"type\": \"Normal\", \"message\": \"Container image already present\","
      "  \"involvedObject\": {\"name\": \"todo-backend-5d9c7b8f6-x2x9q\"}, \"lastTimestamp\": \"{T-5}\"}]");
  g_autoptr(TdPodDiagnosis) completed = diagnose_template (
      TODO_POD ("backend", "todo-backend:latest", "Succeeded",
                "{\"terminated\": {\"exitCode\": 0, \"reason\": \"Completed\"}}", ""), NULL);

  g_assert_null (ready);
  g_assert_null (starting);
  g_assert_null (completed);
}

static void
test_image_never_pull_backend (void)
{
  g_autoptr(TdPodDiagnosis) d = diagnose_template (
      TODO_POD ("backend", "todo-backend:latest", "Pending",
                "{\"waiting\": {\"reason\": \"ErrImageNeverPull\","
                " \"message\": \"Container image \\\"todo-backend:latest\\\" is not present with pull policy of Never\"}}", ""),
      NULL);

  g_assert_nonnull (d);
  g_assert_cmpstr (d->reason, ==, "ErrImageNeverPull");
  g_assert_cmpstr (d->message, ==, "Container image \"todo-backend:latest\" is not present with pull policy of Never");
  g_assert_cmpstr (d->phase_id, ==, "backend-image");
  g_assert_cmpstr (d->container, ==, "todo-backend");
  assert_contains (d->hint, "minikube docker-env");
  assert_contains (d->hint, "Cluster phase");
  assert_contains (d->hint, "Backend Image phase");
}

static void
test_image_pull_frontend (void)
{
  static const char * const reasons[] = { "ImagePullBackOff", "ErrImagePull" };

  for (gsize i = 0; i < G_N_ELEMENTS (reasons); i++)
    {
      g_autoptr(JsonNode) node = pod_from_template (
          TODO_POD ("frontend", "todo-frontend:latest", "Pending",
                    "{\"waiting\": {\"reason\": \"X\", \"message\": \"Back-off pulling image \\\"todo-frontend:latest\\\"\"}}", ""));
      g_autoptr(TdPodDiagnosis) d = NULL;

      json_object_set_string_member (first_waiting (json_node_get_object (node)), "reason", reasons[i]);
      d = td_pod_diagnose (json_node_get_object (node), NULL, rules ());
      g_assert_nonnull (d);
      g_assert_cmpstr (d->reason, ==, reasons[i]);
      g_assert_cmpstr (d->message, ==, "Back-off pulling image \"todo-frontend:latest\"");
      g_assert_cmpstr (d->phase_id, ==, "frontend-image");
      assert_contains (d->hint, "Frontend Image phase");
      assert_contains (d->hint, "docker-env");
      assert_contains (d->hint, "imagePullPolicy: Never");
    }
}

/* The real ImagePullBackOff pod pulls a misspelt image from a registry that does not exist. */
static void
test_image_pull_other_image (void)
{
  g_autoptr(JsonNode) node = load_fixture ("pod-imagepullbackoff.json");
  JsonObject *pod = json_node_get_object (node);
  g_autoptr(TdPodDiagnosis) d = td_pod_diagnose (pod, NULL, rules ());
  g_autoptr(TdPodDiagnosis) pull = NULL;

  g_assert_nonnull (d);
  g_assert_cmpstr (d->reason, ==, "ImagePullBackOff");
  g_assert_cmpstr (d->message, ==, "Back-off pulling image \"totallynonexistentregistry12345.io/doesnotexist/invalid:latest\"");
  g_assert_cmpstr (d->phase_id, ==, "manifests");
  assert_contains (d->hint, "totallynonexistentregistry12345.io/doesnotexist/invalid:latest");
  assert_contains (d->hint, "image name");
  g_assert_null (strstr (d->hint, "docker-env"));

  /* the same pod as ErrImagePull, with the runtime's own text */
  json_object_set_string_member (first_waiting (pod), "reason", "ErrImagePull");
  json_object_set_string_member (first_waiting (pod), "message", "failed to pull and unpack image: no such host");
  pull = td_pod_diagnose (pod, NULL, rules ());
  g_assert_cmpstr (pull->reason, ==, "ErrImagePull");
  g_assert_cmpstr (pull->message, ==, "failed to pull and unpack image: no such host");
  g_assert_cmpstr (pull->phase_id, ==, "manifests");
}

static void
test_config_error_secret (void)
{
  static const struct { const char *message; const char *phase; const char *needle; } cases[] = {
    { "secret \"todo-backend-secret\" not found", "deploy", "Helm Deploy phase" },
    { "secrets \"todo-backend-secret\" not found", "deploy", "Helm Deploy phase" },
    { "couldn't find key OPENAI_API_KEY in Secret default/todo-backend-secret", "deploy", "OPENAI_API_KEY" },
    { "configmap \"todo-frontend-config\" not found", "manifests", "todo-frontend-config" },
    { "something else entirely", "manifests", "Manifests phase" },
  };
  g_autoptr(JsonNode) node = load_fixture ("pod-createcontainerconfigerror.json");
  JsonObject *pod = json_node_get_object (node);
  g_autoptr(TdPodDiagnosis) fixture = td_pod_diagnose (pod, NULL, rules ());

  /* The fixture's secret "mysql" is not this deployment's: the name is what is wrong. */
  g_assert_nonnull (fixture);
  g_assert_cmpstr (fixture->reason, ==, "CreateContainerConfigError");
  g_assert_cmpstr (fixture->message, ==, "secret \"mysql\" not found");
  g_assert_cmpstr (fixture->phase_id, ==, "manifests");
  g_assert_cmpstr (fixture->container, ==, "mysql");
  assert_contains (fixture->hint, "mysql");
  assert_contains (fixture->hint, "todo-backend-secret");

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TdPodDiagnosis) d = NULL;

      json_object_set_string_member (first_waiting (pod), "message", cases[i].message);
      d = td_pod_diagnose (pod, NULL, rules ());
      g_test_message ("%s", cases[i].message);
      g_assert_cmpstr (d->reason, ==, "CreateContainerConfigError");
      g_assert_cmpstr (d->message, ==, cases[i].message);
      g_assert_cmpstr (d->phase_id, ==, cases[i].phase);
      assert_contains (d->hint, cases[i].needle);
    }

  {
    g_autoptr(TdPodDiagnosis) d = NULL;

    json_object_set_string_member (first_waiting (pod), "message",
                                   "couldn't find key OPENAI_API_KEY in Secret default/todo-backend-secret");
    d = td_pod_diagnose (pod, NULL, rules ());
    assert_contains (d->hint, ".env");
  }
}

static void
test_oomkilled (void)
{
  g_autoptr(JsonNode) node = load_list_item ("podlist-default-api.json", "analytics-exporter-fast-76897854c-cw5wh");
  g_autoptr(TdPodDiagnosis) d = td_pod_diagnose (json_node_get_object (node), NULL, rules ());
  g_autoptr(TdPodDiagnosis) state = diagnose_template (
      TODO_POD ("backend", "todo-backend:latest", "Running",
                "{\"terminated\": {\"exitCode\": 137, \"reason\": \"OOMKilled\"}}", ""), NULL);
  g_autoptr(TdPodDiagnosis) running_again = diagnose_template (
      TODO_POD ("backend", "todo-backend:latest", "Running", "{\"running\": {}}",
                ", \"lastState\": {\"terminated\": {\"exitCode\": 137, \"reason\": \"OOMKilled\", \"finishedAt\": \"{T-10}\"}}"),
      NULL);

  /* CrashLoopBackOff whose last termination was OOMKilled */
  g_assert_nonnull (d);
  g_assert_cmpstr (d->reason, ==, "OOMKilled");
  g_assert_cmpstr (d->message, ==, "back-off 5m0s restarting failed container=memory-eater "
                                   "pod=analytics-exporter-fast-76897854c-cw5wh_default(a954616f-1e09-4496-be7b-9d5322d99875)");
  g_assert_cmpstr (d->phase_id, ==, "deploy");
  assert_contains (d->hint, "values.yaml");
  assert_contains (d->hint, "limits.memory");

  /* OOMKilled as the current state; the hint proposes twice the current limit */
  g_assert_nonnull (state);
  g_assert_cmpstr (state->reason, ==, "OOMKilled");
  g_assert_cmpstr (state->phase_id, ==, "deploy");
  assert_contains (state->hint, "512Mi");
  assert_contains (state->hint, "1Gi");
  assert_contains (state->hint, "backend.resources.limits.memory");

  /* running again after an OOM kill, not ready yet */
  g_assert_nonnull (running_again);
  g_assert_cmpstr (running_again->reason, ==, "OOMKilled");
}

static void
test_crashloopbackoff (void)
{
  g_autoptr(JsonNode) node = load_fixture ("pod-crashloopbackoff.json");
  g_autoptr(TdPodDiagnosis) d = td_pod_diagnose (json_node_get_object (node), NULL, rules ());
  g_autoptr(TdPodDiagnosis) not_found = diagnose_template (
      TODO_POD ("frontend", "todo-frontend:latest", "Running", "{\"waiting\": {\"reason\": \"CrashLoopBackOff\", \"message\": \"back-off 40s\"}}",
                ", \"lastState\": {\"terminated\": {\"exitCode\": 127, \"reason\": \"Error\", \"finishedAt\": \"{T-10}\"}}"),
      NULL);

  g_assert_nonnull (d);
  g_assert_cmpstr (d->reason, ==, "CrashLoopBackOff");
  g_assert_cmpstr (d->message, ==, "back-off 5m0s restarting failed container=stress "
                                   "pod=frontend-service_default(d5d64096-dfff-4596-a955-e3e4a1bc6a1d)");
  assert_contains (d->hint, "last termination reason is Error, exit code 255");
  assert_contains (d->hint, "kubectl logs frontend-service -c stress --previous");
  g_assert_cmpstr (d->phase_id, ==, "deploy");

  /* exit 127: the image's command is missing, which the image phase fixes */
  g_assert_cmpstr (not_found->phase_id, ==, "frontend-image");
  assert_contains (not_found->hint, "exit code 127");
  assert_contains (not_found->hint, "Dockerfile");
}

static void
test_unschedulable (void)
{
  g_autoptr(JsonNode) node = load_fixture ("pod-pending-unschedulable.json");
  JsonObject *pod = json_node_get_object (node);
  g_autoptr(TdPodDiagnosis) selector = td_pod_diagnose (pod, NULL, rules ());
  g_autoptr(TdPodDiagnosis) memory = NULL;
  JsonObject *condition;

  g_assert_nonnull (selector);
  g_assert_cmpstr (selector->reason, ==, "Unschedulable");
  g_assert_cmpstr (selector->message, ==, "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. "
                                          "preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.");
  g_assert_null (selector->container);
  g_assert_cmpstr (selector->phase_id, ==, "manifests");
  assert_contains (selector->hint, "nodeSelector");

  condition = json_array_get_object_element (json_object_get_array_member (json_object_get_object_member (pod, "status"), "conditions"), 0);
  json_object_set_string_member (condition, "message", "0/1 nodes are available: 1 Insufficient memory. "
                                                       "preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.");
  memory = td_pod_diagnose (pod, NULL, rules ());
  g_assert_cmpstr (memory->reason, ==, "Unschedulable");
  assert_contains (memory->message, "Insufficient memory");
  g_assert_cmpstr (memory->phase_id, ==, "cluster");
  assert_contains (memory->hint, "--memory");
  assert_contains (memory->hint, "--cpus");
}

#define CREATING TODO_POD ("backend", "todo-backend:latest", "Pending", "{\"waiting\": {\"reason\": \"ContainerCreating\"}}", "")

static void
test_container_creating_events (void)
{
  g_autoptr(TdPodDiagnosis) mount = diagnose_template (CREATING,
      "[{\"reason\": \"Scheduled\", \"type\": \"Normal\", \"message\": \"Successfully assigned\", \"lastTimestamp\": \"{T-60}\","
      "  \"involvedObject\": {\"kind\": \"Pod\", \"name\": \"todo-backend-5d9c7b8f6-x2x9q\"}},"
      " {\"reason\": \"FailedMount\", \"type\": \"Warning\", \"lastTimestamp\": \"{T-30}\","
      "  \"message\": \"MountVolume.SetUp failed for volume \\\"env\\\" : secret \\\"todo-backend-secret\\\" not found\","
      "  \"involvedObject\": {\"kind\": \"Pod\", \"name\": \"todo-backend-5d9c7b8f6-x2x9q\"}},"
      " {\"reason\": \"FailedCreatePodSandBox\", \"type\": \"Warning\", \"lastTimestamp\": \"{T-1}\", \"message\": \"another pod\","
      "  \"involvedObject\": {\"kind\": \"Pod\", \"name\": \"todo-frontend-aaaa\"}}]");
  /* events.k8s.io/v1 spelling: note, regarding, eventTime */
  g_autoptr(TdPodDiagnosis) sandbox = diagnose_template (CREATING,
      "[{\"reason\": \"FailedCreatePodSandBox\", \"type\": \"Warning\", \"eventTime\": \"{T-3}\","
      "  \"note\": \"Failed to create pod sandbox: rpc error: code = Unknown desc = failed to set up sandbox container network\","
      "  \"regarding\": {\"kind\": \"Pod\", \"name\": \"todo-backend-5d9c7b8f6-x2x9q\", \"uid\": \"u-1\"}}]");
  /* a failure that was followed by progress is not the news any more */
  g_autoptr(TdPodDiagnosis) recovered = diagnose_template (CREATING,
      "[{\"reason\": \"Pulled\", \"type\": \"Normal\", \"message\": \"ok\", \"lastTimestamp\": \"{T-2}\"},"
      " {\"reason\": \"FailedMount\", \"type\": \"Warning\", \"message\": \"old\", \"lastTimestamp\": \"{T-90}\"}]");

  g_assert_nonnull (mount);
  g_assert_cmpstr (mount->reason, ==, "FailedMount");
  g_assert_cmpstr (mount->message, ==, "MountVolume.SetUp failed for volume \"env\" : secret \"todo-backend-secret\" not found");
  g_assert_cmpstr (mount->phase_id, ==, "deploy");

  g_assert_nonnull (sandbox);
  g_assert_cmpstr (sandbox->reason, ==, "FailedCreatePodSandBox");
  assert_contains (sandbox->message, "failed to set up sandbox container network");
  g_assert_cmpstr (sandbox->phase_id, ==, "cluster");

  g_assert_null (recovered);
}

#define NOT_READY(extra) TODO_POD ("backend", "todo-backend:latest", "Running", "{\"running\": {\"startedAt\": \"{T-100}\"}}", extra)

static void
test_running_not_ready (void)
{
  const char *events =
    "[{\"reason\": \"Unhealthy\", \"type\": \"Warning\", \"lastTimestamp\": \"{T-5}\","
    "  \"message\": \"Readiness probe failed: Get \\\"http://10.244.0.7:8000/health\\\": dial tcp 10.244.0.7:8000: connect: connection refused\"},"
    " {\"reason\": \"Unhealthy\", \"type\": \"Warning\", \"lastTimestamp\": \"{T-50}\", \"message\": \"Readiness probe failed: older\"},"
    " {\"reason\": \"Started\", \"type\": \"Normal\", \"lastTimestamp\": \"{T-1}\", \"message\": \"Started container todo-backend\"}]";
  g_autoptr(TdPodDiagnosis) d = diagnose_template (NOT_READY (""), events);
  g_autoptr(JsonNode) node = pod_from_template (NOT_READY (""));
  g_autoptr(JsonArray) event_array = events_from_template (events);
  g_autoptr(TdPodDiagnosis) wrong_port = NULL;
  g_autoptr(TdPodDiagnosis) quiet = diagnose_template (NOT_READY (""), NULL);
  g_autoptr(TdPodDiagnosis) crashed = NULL;

  /* the latest Unhealthy event, although a Normal one came after it */
  g_assert_nonnull (d);
  g_assert_cmpstr (d->reason, ==, "Unhealthy");
  g_assert_cmpstr (d->message, ==, "Readiness probe failed: Get \"http://10.244.0.7:8000/health\": "
                                   "dial tcp 10.244.0.7:8000: connect: connection refused");
  g_assert_cmpstr (d->phase_id, ==, "deploy");
  assert_contains (d->hint, "GET /health on port 8000");
  assert_contains (d->hint, "initialDelaySeconds");

  /* a probe on a port the container does not expose is a manifest mistake */
  json_object_set_int_member (
      json_object_get_object_member (
          json_object_get_object_member (
              json_array_get_object_element (
                  json_object_get_array_member (json_object_get_object_member (json_node_get_object (node), "spec"), "containers"), 0),
              "readinessProbe"),
          "httpGet"),
      "port", 8080);
  wrong_port = td_pod_diagnose (json_node_get_object (node), event_array, rules ());
  g_assert_cmpstr (wrong_port->phase_id, ==, "manifests");
  assert_contains (wrong_port->hint, "port 8080");

  /* no probe failure reported yet: still starting */
  g_assert_null (quiet);

  /* the real sock-shop pod: running again, not ready, 27 restarts after exit 1, no Unhealthy event */
  crashed = diagnose_template (
      "{\"metadata\": {\"name\": \"front-end-6bc5876d74-4lbfd\", \"creationTimestamp\": \"{T-3600000}\"},"
      " \"spec\": {\"containers\": [{\"name\": \"front-end\", \"image\": \"weaveworksdemos/front-end:0.3.12\"}]},"
      " \"status\": {\"phase\": \"Running\","
      "  \"containerStatuses\": [{\"name\": \"front-end\", \"ready\": false, \"restartCount\": 27,"
      "   \"state\": {\"running\": {\"startedAt\": \"{T-20}\"}},"
      "   \"lastState\": {\"terminated\": {\"exitCode\": 1, \"reason\": \"Error\", \"finishedAt\": \"{T-46}\"}}}]}}",
      "[{\"reason\": \"BackOff\", \"type\": \"Warning\", \"lastTimestamp\": \"{T-32}\","
      "  \"message\": \"Back-off restarting failed container front-end in pod front-end-6bc5876d74-4lbfd_sock-shop(30bb85e5-a688-4516-be69-77c3ec9c9aa7)\"}]");
  g_assert_nonnull (crashed);
  g_assert_cmpstr (crashed->reason, ==, "Error");
  assert_contains (crashed->message, "Back-off restarting failed container front-end");
  assert_contains (crashed->hint, "exit code 1");
}

static void
test_terminated_non_zero (void)
{
  g_autoptr(TdPodDiagnosis) d = diagnose_template (
      TODO_POD ("backend", "todo-backend:latest", "Failed",
                "{\"terminated\": {\"exitCode\": 3, \"reason\": \"Error\", \"message\": \"database unreachable\"}}", ""),
      NULL);
  g_autoptr(TdPodDiagnosis) no_reason = diagnose_template (
      TODO_POD ("backend", "todo-backend:latest", "Failed", "{\"terminated\": {\"exitCode\": 2}}", ""), NULL);

  g_assert_nonnull (d);
  g_assert_cmpstr (d->reason, ==, "Error");
  g_assert_cmpstr (d->message, ==, "database unreachable");
  assert_contains (d->hint, "exit code 3");
  assert_contains (d->hint, "DATABASE_URL");
  g_assert_cmpstr (d->phase_id, ==, "deploy");

  g_assert_nonnull (no_reason);
  g_assert_cmpstr (no_reason->reason, ==, "Error");
  g_assert_cmpstr (no_reason->message, ==, "");
  assert_contains (no_reason->hint, "exit code 2");
}

static void
test_init_container_first (void)
{
  /* an init container failing blocks everything after it, so it is what is reported */
  g_autoptr(TdPodDiagnosis) d = diagnose_template (
      "{\"metadata\": {\"name\": \"todo-backend-x\", \"creationTimestamp\": \"{T-600}\"},"
      " \"spec\": {\"initContainers\": [{\"name\": \"migrate\", \"image\": \"todo-backend:latest\"}],"
      "  \"containers\": [{\"name\": \"todo-backend\", \"image\": \"todo-backend:latest\"}]},"
      " \"status\": {\"phase\": \"Pending\","
      "  \"initContainerStatuses\": [{\"name\": \"migrate\", \"ready\": false,"
      "   \"state\": {\"waiting\": {\"reason\": \"ErrImageNeverPull\", \"message\": \"not present\"}}}],"
      "  \"containerStatuses\": [{\"name\": \"todo-backend\", \"ready\": false,"
      "   \"state\": {\"waiting\": {\"reason\": \"PodInitializing\"}}}]}}",
      NULL);

  g_assert_nonnull (d);
  g_assert_cmpstr (d->container, ==, "migrate");
  g_assert_cmpstr (d->phase_id, ==, "backend-image");
}

static void
test_pod_level (void)
{
  g_autoptr(TdPodDiagnosis) evicted = diagnose_template (
      "{\"metadata\": {\"name\": \"todo-backend-x\"}, \"spec\": {\"containers\": [{\"name\": \"a\"}]},"
      " \"status\": {\"phase\": \"Failed\", \"reason\": \"Evicted\","
      "  \"message\": \"The node was low on resource: memory. Threshold quantity: 100Mi, available: 91Mi.\"}}", NULL);
  g_autoptr(TdPodDiagnosis) terminating = diagnose_template (
      "{\"metadata\": {\"name\": \"todo-backend-x\", \"deletionTimestamp\": \"{T-3}\"},"
      " \"spec\": {\"containers\": [{\"name\": \"a\", \"image\": \"todo-backend:latest\"}]},"
      " \"status\": {\"phase\": \"Running\","
      "  \"containerStatuses\": [{\"name\": \"a\", \"state\": {\"waiting\": {\"reason\": \"ErrImageNeverPull\"}}}]}}", NULL);

  g_assert_nonnull (evicted);
  g_assert_cmpstr (evicted->reason, ==, "Evicted");
  g_assert_cmpstr (evicted->message, ==, "The node was low on resource: memory. Threshold quantity: 100Mi, available: 91Mi.");
  g_assert_cmpstr (evicted->phase_id, ==, "cluster");
  g_assert_null (terminating);
}

static void
test_boxed (void)
{
  g_autoptr(JsonNode) node = load_fixture ("pod-crashloopbackoff.json");
  g_autoptr(TdPodDiagnosis) d = td_pod_diagnose (json_node_get_object (node), NULL, rules ());
  g_autoptr(TdPodDiagnosis) copy = g_boxed_copy (TD_TYPE_POD_DIAGNOSIS, d);

  g_assert_true (copy != d);
  g_assert_cmpstr (copy->reason, ==, d->reason);
  g_assert_cmpstr (copy->message, ==, d->message);
  g_assert_cmpstr (copy->hint, ==, d->hint);
  g_assert_cmpstr (copy->phase_id, ==, d->phase_id);
  g_assert_cmpstr (copy->container, ==, d->container);
  g_assert_true (copy->needs_action);   /* seven restarts */
}

/* needs_action: the states that waiting will not clear, and the ones that may clear by themselves. */
static void
test_needs_action (void)
{
  static const struct {
    const char *pod;
    int         restarts;
    const char *reason;
    gboolean    needs_action;
  } cases[] = {
    /* this project's images exist in no registry, so no retry of the pull can succeed */
    { TODO_POD ("backend", "todo-backend:latest", "Pending", "{\"waiting\": {\"reason\": \"ErrImageNeverPull\"}}", ""),
      0, "ErrImageNeverPull", TRUE },
    { TODO_POD ("frontend", "todo-frontend:latest", "Pending", "{\"waiting\": {\"reason\": \"ImagePullBackOff\"}}", ""),
      0, "ImagePullBackOff", TRUE },
    { TODO_POD ("frontend", "todo-frontend:latest", "Pending", "{\"waiting\": {\"reason\": \"ErrImagePull\"}}", ""),
      0, "ErrImagePull", TRUE },
    /* a registry's image may only be slow to arrive */
    { TODO_POD ("backend", "ghcr.io/acme/todo-backend:1.2", "Pending", "{\"waiting\": {\"reason\": \"ImagePullBackOff\"}}", ""),
      0, "ImagePullBackOff", FALSE },
    { TODO_POD ("backend", "todo backend", "Pending", "{\"waiting\": {\"reason\": \"InvalidImageName\"}}", ""),
      0, "InvalidImageName", TRUE },
    { TODO_POD ("backend", "todo-backend:latest", "Pending",
                "{\"waiting\": {\"reason\": \"CreateContainerConfigError\", \"message\": \"secret \\\"todo-backend-secret\\\" not found\"}}", ""),
      0, "CreateContainerConfigError", TRUE },
    /* a crash may be a dependency that is late, until three starts have failed… */
    { TODO_POD ("backend", "todo-backend:latest", "Running", "{\"waiting\": {\"reason\": \"CrashLoopBackOff\"}}",
                ", \"lastState\": {\"terminated\": {\"exitCode\": 1, \"reason\": \"Error\"}}"),
      2, "CrashLoopBackOff", FALSE },
    { TODO_POD ("backend", "todo-backend:latest", "Running", "{\"waiting\": {\"reason\": \"CrashLoopBackOff\"}}",
                ", \"lastState\": {\"terminated\": {\"exitCode\": 1, \"reason\": \"Error\"}}"),
      3, "CrashLoopBackOff", TRUE },
    /* …or the image's command cannot run at all */
    { TODO_POD ("backend", "todo-backend:latest", "Running", "{\"waiting\": {\"reason\": \"CrashLoopBackOff\"}}",
                ", \"lastState\": {\"terminated\": {\"exitCode\": 127, \"reason\": \"Error\"}}"),
      1, "CrashLoopBackOff", TRUE },
    /* an OOM crash loop counts its restarts like any other */
    { TODO_POD ("backend", "todo-backend:latest", "Running", "{\"waiting\": {\"reason\": \"CrashLoopBackOff\"}}",
                ", \"lastState\": {\"terminated\": {\"exitCode\": 137, \"reason\": \"OOMKilled\"}}"),
      4, "OOMKilled", TRUE },
    { TODO_POD ("backend", "todo-backend:latest", "Running", "{\"waiting\": {\"reason\": \"CreateContainerError\"}}", ""),
      0, "CreateContainerError", FALSE },
    /* up again after a crash: it may stay up */
    { TODO_POD ("backend", "todo-backend:latest", "Running", "{\"running\": {}}",
                ", \"lastState\": {\"terminated\": {\"exitCode\": 1, \"reason\": \"Error\"}}"),
      5, "Error", FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = pod_from_template (cases[i].pod);
      g_autoptr(TdPodDiagnosis) d = NULL;

      json_object_set_int_member (first_status (json_node_get_object (node)), "restartCount", cases[i].restarts);
      d = td_pod_diagnose (json_node_get_object (node), NULL, rules ());
      g_assert_nonnull (d);
      g_assert_cmpstr (d->reason, ==, cases[i].reason);
      if (d->needs_action != cases[i].needs_action)
        g_error ("case %" G_GSIZE_FORMAT " (%s, %d restarts): needs_action is %d", i, cases[i].reason,
                 cases[i].restarts, d->needs_action);
    }
}

/* The real samples: a registry's image may yet arrive (transient); seven restarts of a crashing
 * container and a missing Secret will not end by themselves; an unschedulable pod is scheduled as
 * soon as room frees up. */
static void
test_needs_action_fixtures (void)
{
  static const struct {
    const char *fixture;
    gboolean    needs_action;
  } cases[] = {
    { "pod-imagepullbackoff.json", FALSE },
    { "pod-crashloopbackoff.json", TRUE },
    { "pod-createcontainerconfigerror.json", TRUE },
    { "pod-pending-unschedulable.json", FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = load_fixture (cases[i].fixture);
      g_autoptr(TdPodDiagnosis) d = td_pod_diagnose (json_node_get_object (node), NULL, rules ());

      g_assert_nonnull (d);
      if (d->needs_action != cases[i].needs_action)
        g_error ("%s: needs_action is %d", cases[i].fixture, d->needs_action);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pod-diagnosis/healthy", test_healthy);
  g_test_add_func ("/pod-diagnosis/image-never-pull-backend", test_image_never_pull_backend);
  g_test_add_func ("/pod-diagnosis/image-pull-frontend", test_image_pull_frontend);
  g_test_add_func ("/pod-diagnosis/image-pull-other-image", test_image_pull_other_image);
  g_test_add_func ("/pod-diagnosis/config-error-secret", test_config_error_secret);
  g_test_add_func ("/pod-diagnosis/oomkilled", test_oomkilled);
  g_test_add_func ("/pod-diagnosis/crashloopbackoff", test_crashloopbackoff);
  g_test_add_func ("/pod-diagnosis/unschedulable", test_unschedulable);
  g_test_add_func ("/pod-diagnosis/container-creating-events", test_container_creating_events);
  g_test_add_func ("/pod-diagnosis/running-not-ready", test_running_not_ready);
  g_test_add_func ("/pod-diagnosis/terminated-non-zero", test_terminated_non_zero);
  g_test_add_func ("/pod-diagnosis/init-container-first", test_init_container_first);
  g_test_add_func ("/pod-diagnosis/pod-level", test_pod_level);
  g_test_add_func ("/pod-diagnosis/boxed", test_boxed);
  g_test_add_func ("/pod-diagnosis/needs-action", test_needs_action);
  g_test_add_func ("/pod-diagnosis/needs-action-fixtures", test_needs_action_fixtures);
  return g_test_run ();
}
