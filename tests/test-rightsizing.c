/* test-rightsizing.c: usage samples, the recommendation rule, values.yaml edits, sampling the
 * metrics API of the Kubernetes API double, and kagent's advice (the fake kagent) with its audit
 * line */
#include <glib/gstdio.h>
#include <string.h>

#include "td-error.h"
#include "td-kagent.h"
#include "td-rightsizing.h"
#include "fake-tools-util.h"
#include "kube-double/kd-server.h"


/* A PodMetricsList with one todo-backend pod and one todo-frontend pod (two containers). */
static JsonObject *
metrics_list (const char *backend_cpu, const char *backend_memory, const char *frontend_cpu, const char *frontend_memory)
{
  g_autofree char *json = g_strdup_printf (
    "{\"kind\":\"PodMetricsList\",\"items\":["
    "{\"metadata\":{\"name\":\"todo-backend-6d8f7c9b5-x2k4p\"},\"containers\":[{\"name\":\"backend\",\"usage\":{\"cpu\":\"%s\",\"memory\":\"%s\"}}]},"
    "{\"metadata\":{\"name\":\"todo-frontend-5b7c9d8f4-q7w3e\"},\"containers\":["
    "{\"name\":\"frontend\",\"usage\":{\"cpu\":\"%s\",\"memory\":\"%s\"}},{\"name\":\"sidecar\",\"usage\":{\"cpu\":\"0\",\"memory\":\"0\"}}]},"
    "{\"metadata\":{\"name\":\"coredns-78fcd69978-f6pqv\"},\"containers\":[{\"name\":\"coredns\",\"usage\":{\"cpu\":\"900m\",\"memory\":\"1Gi\"}}]}]}",
    backend_cpu, backend_memory, frontend_cpu, frontend_memory);
  JsonNode *node = json_from_string (json, NULL);
  JsonObject *object = json_object_ref (json_node_get_object (node));

  json_node_unref (node);
  return object;
}

static char *
bundled_values (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "charts", "todo-app", "values.yaml", NULL);
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static void
test_rule (void)
{
  g_autoptr(TdPlan) plan = td_plan_new_default (NULL);
  g_autoptr(TdUsageSamples) samples = td_usage_samples_new (plan);
  g_autofree char *values = bundled_values ();
  g_autoptr(GPtrArray) recommendations = NULL;
  TdRightsizing *backend, *frontend;

  /* 19 quiet scrapes and one burst: p95 is the quiet value, the peak the burst. */
  for (guint i = 0; i < 19; i++)
    {
      g_autoptr(JsonObject) list = metrics_list ("20m", "100Mi", "500u", "10Mi");
      g_assert_cmpuint (td_usage_samples_add (samples, list), ==, 2);   /* coredns is not ours */
    }
  {
    g_autoptr(JsonObject) burst = metrics_list ("100m", "200Mi", "1m", "12Mi");
    td_usage_samples_add (samples, burst);
  }
  recommendations = td_rightsizing_recommend (samples, values);
  g_assert_cmpuint (recommendations->len, ==, 2);
  backend = recommendations->pdata[0];
  frontend = recommendations->pdata[1];
  g_assert_cmpstr (backend->section, ==, "backend");
  g_assert_cmpuint (backend->n_samples, ==, 20);
  g_assert_cmpint (backend->cpu_p95, ==, 20 * 1000000);
  g_assert_cmpint (backend->cpu_peak, ==, 100 * 1000000);
  /* request = p95 × 1.2, limit = peak × 1.5 */
  g_assert_cmpstr (backend->recommended[0], ==, "24m");
  g_assert_cmpstr (backend->recommended[1], ==, "120Mi");
  g_assert_cmpstr (backend->recommended[2], ==, "150m");
  g_assert_cmpstr (backend->recommended[3], ==, "300Mi");
  g_assert_cmpstr (backend->current[0], ==, "100m");
  g_assert_cmpstr (backend->current[3], ==, "512Mi");
  /* Tiny usage: the floors. */
  g_assert_cmpstr (frontend->section, ==, "frontend");
  g_assert_cmpstr (frontend->recommended[0], ==, "10m");
  g_assert_cmpstr (frontend->recommended[1], ==, "64Mi");
  g_assert_cmpstr (frontend->recommended[2], ==, "100m");
  g_assert_cmpstr (frontend->recommended[3], ==, "128Mi");
  g_assert_cmpstr (frontend->current[2], ==, "200m");
}

static void
test_apply_keeps_the_rest (void)
{
  g_autoptr(TdPlan) plan = td_plan_new_default (NULL);
  g_autoptr(TdUsageSamples) samples = td_usage_samples_new (plan);
  g_autoptr(JsonObject) list = metrics_list ("20m", "100Mi", "40m", "70Mi");
  g_autofree char *values = bundled_values ();
  g_autofree char *updated = NULL;
  g_autoptr(GPtrArray) recommendations = NULL;
  g_autoptr(GPtrArray) reread = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TdYamlNode) tree = NULL;
  g_auto(GStrv) before = NULL;
  g_auto(GStrv) after = NULL;
  guint changed = 0;

  td_usage_samples_add (samples, list);
  recommendations = td_rightsizing_recommend (samples, values);
  updated = td_rightsizing_apply (values, recommendations, &error);
  g_assert_no_error (error);
  /* Only the eight resource lines differ. */
  before = g_strsplit (values, "\n", -1);
  after = g_strsplit (updated, "\n", -1);
  g_assert_cmpuint (g_strv_length (before), ==, g_strv_length (after));
  for (guint i = 0; before[i] != NULL; i++)
    changed += g_strcmp0 (before[i], after[i]) != 0;
  g_assert_cmpuint (changed, ==, 8);
  tree = td_yaml_parse (updated, -1, "values.yaml", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (td_yaml_mapping_get_string (td_yaml_mapping_get (td_yaml_mapping_get (td_yaml_mapping_get (tree, "backend"), "resources"), "requests"), "cpu"), ==, "24m");
  g_assert_cmpstr (td_yaml_mapping_get_string (td_yaml_mapping_get (tree, "frontend"), "nodePort"), ==, "30080");
  /* What was written is what a new recommendation reads as current. */
  reread = td_rightsizing_recommend (samples, updated);
  for (guint k = 0; k < 4; k++)
    g_assert_cmpstr (((TdRightsizing *) reread->pdata[1])->current[k], ==, ((TdRightsizing *) reread->pdata[1])->recommended[k]);

  g_assert_null (td_rightsizing_apply ("backend:\n  image: x\n", recommendations, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_INVALID);
}

static gboolean
sample_from (const char *scenario_json, TdUsageSamples *samples, GError **error)
{
  g_autofree char *dir = g_dir_make_tmp ("td-metrics-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "scenario.json", NULL);
  g_autoptr(KdServer) server = NULL;
  g_autoptr(TdKubeConnection) connection = NULL;
  g_autoptr(TdKubeClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  gboolean ok;

  g_assert_true (g_file_set_contents (path, scenario_json, -1, NULL));
  server = kd_server_new (kd_scenario_load (path, NULL), NULL, NULL);
  g_assert_nonnull (server);
  connection = td_kube_connection_new (kd_server_get_url (server));
  connection->certificate_authority_pem = kd_server_read_file (server, "ca.pem");
  connection->client_certificate_pem = kd_server_read_file (server, "client.pem");
  connection->client_key_pem = kd_server_read_file (server, "client.key");
  client = td_kube_client_new (connection, NULL);
  td_usage_sample_async (client, "default", 250, 50, samples, NULL, fake_tools_store_result, &result);
  fake_tools_wait_result (&result, 20);
  ok = td_usage_sample_finish (result, error);
  g_clear_object (&client);
  g_clear_pointer (&server, kd_server_free);
  g_remove (path);
  g_rmdir (dir);
  return ok;
}

static void
test_sampling_the_double (void)
{
  g_autoptr(TdPlan) plan = td_plan_new_default (NULL);
  g_autoptr(TdUsageSamples) samples = td_usage_samples_new (plan);
  g_autoptr(TdUsageSamples) none = td_usage_samples_new (plan);
  g_autoptr(GPtrArray) recommendations = NULL;
  g_autoptr(GPtrArray) nothing = NULL;
  g_autoptr(GError) error = NULL;
  TdRightsizing *backend;

  g_assert_true (sample_from ("{\"podMetrics\":[{\"metadata\":{\"name\":\"todo-backend-6d8f7c9b5-x2k4p\"},"
                              "\"timestamp\":\"2025-01-01T00:00:00Z\",\"window\":\"30s\","
                              "\"containers\":[{\"name\":\"backend\",\"usage\":{\"cpu\":\"7338891n\",\"memory\":\"14520Ki\"}}]}]}",
                              samples, &error));
  g_assert_no_error (error);
  recommendations = td_rightsizing_recommend (samples, NULL);
  g_assert_cmpuint (recommendations->len, ==, 1);
  backend = recommendations->pdata[0];
  g_assert_cmpuint (backend->n_samples, >=, 2);   /* read at once, then every 50 ms for 250 ms */
  g_assert_cmpint (backend->cpu_peak, ==, 7338891);
  g_assert_cmpint (backend->memory_peak, ==, 14520 * 1024);
  g_assert_null (backend->current[0]);

  /* metrics-server not answering: said at once, with the command that enables it. */
  g_assert_false (sample_from ("{\"faults\":[{\"match\":\"/apis/metrics.k8s.io\",\"fault\":\"http-500\"}]}", none, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "minikube addons enable metrics-server"));
  nothing = td_rightsizing_recommend (none, NULL);
  g_assert_cmpuint (nothing->len, ==, 0);
}

static gboolean
apply_with_helm (const char *helm_setting, const char *kagent_answer, char **out_values, GPtrArray **out_audit,
                 char **out_log, GError **error)
{
  g_autoptr(TdPlan) plan = td_plan_new_default (NULL);
  g_autoptr(TdUsageSamples) samples = td_usage_samples_new (plan);
  g_autoptr(JsonObject) list = metrics_list ("20m", "100Mi", "40m", "70Mi");
  g_autoptr(FakeTools) fake = fake_tools_new ((const char * const []) { "helm", NULL },
                                              (const char * const []) { helm_setting, NULL });
  g_autofree char *project = g_dir_make_tmp ("td-rightsize-XXXXXX", NULL);
  g_autofree char *values_path = g_build_filename (project, "charts", "todo-app", "values.yaml", NULL);
  g_autofree char *chart_dir = g_path_get_dirname (values_path);
  g_autofree char *values = bundled_values ();
  g_autoptr(TdDeployment) deployment = td_deployment_new (plan, fake->runner, project);
  g_autoptr(GPtrArray) recommendations = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  gboolean ok;

  g_assert_cmpint (g_mkdir_with_parents (chart_dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (values_path, values, -1, NULL));
  g_assert_true (td_audit_log_ensure (td_deployment_get_audit_log (deployment), NULL));
  td_usage_samples_add (samples, list);
  recommendations = td_rightsizing_recommend (samples, values);
  td_rightsizing_apply_async (deployment, recommendations, kagent_answer, td_plan_lookup_task (plan, "T031"),
                              td_plan_lookup_task (plan, "T032"), NULL, fake_tools_store_result, &result);
  fake_tools_wait_result (&result, 20);
  ok = td_rightsizing_apply_finish (result, error);
  g_assert_true (g_file_get_contents (values_path, out_values, NULL, NULL));
  *out_audit = td_audit_log_read_entries (td_deployment_get_audit_log (deployment), NULL);
  g_assert_true (g_file_get_contents (fake->log, out_log, NULL, NULL));
  fake_tools_remove_tree (project);
  return ok;
}

static void
test_apply_and_upgrade (void)
{
  g_autofree char *values = NULL;
  g_autofree char *log = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GError) error = NULL;
  TdAuditEntry *entry;

  g_assert_true (apply_with_helm ("FAKE_HELM_STATUS=deployed", NULL, &values, &audit, &log, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (values, "cpu: \"24m\""));
  g_assert_cmpstr (log, ==, "helm upgrade todo-app charts/todo-app\n");
  g_assert_cmpuint (audit->len, ==, 1);
  entry = audit->pdata[0];
  /* The wizard measured it, not kagent: the fallback tag. */
  g_assert_cmpstr (entry->agent, ==, "KUBECTL");
  g_assert_cmpstr (entry->prompt, ==, "Analyze CPU/memory and suggest optimized limits...");
  g_assert_cmpstr (entry->result, ==, "backend requests 24m/120Mi, limits 100m/150Mi; frontend requests 48m/84Mi, limits 100m/128Mi");
}

static void
test_apply_when_helm_fails (void)
{
  g_autofree char *values = NULL;
  g_autofree char *log = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (apply_with_helm ("FAKE_HELM_STATUS=pending-upgrade", NULL, &values, &audit, &log, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_EXITED);
  g_assert_nonnull (strstr (error->message, "another operation (install/upgrade/rollback) is in progress"));
  g_assert_cmpuint (audit->len, ==, 0);
}

/* T030's advice from the fake kagent (@tools, @setting), asked when @use_kagent; @out_log gets
 * the fake tools' call log. */
static TdRightsizingAdvice *
advise_with (const char * const *tools, const char *setting, gboolean use_kagent, char **out_log)
{
  g_autoptr(TdPlan) plan = td_plan_new_default (NULL);
  g_autoptr(FakeTools) fake = fake_tools_new (tools, (const char * const []) { setting, NULL });
  g_autofree char *project = g_dir_make_tmp ("td-advice-XXXXXX", NULL);
  g_autoptr(TdDeployment) deployment = td_deployment_new (plan, fake->runner, project);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  TdRightsizingAdvice *advice;

  td_rightsizing_advise_async (deployment, td_plan_lookup_task (plan, "T030"), use_kagent, NULL, fake_tools_store_result, &result);
  fake_tools_wait_result (&result, 20);
  advice = td_rightsizing_advise_finish (result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (advice);
  if (!g_file_get_contents (fake->log, out_log, NULL, NULL))
    *out_log = g_strdup ("");
  fake_tools_remove_tree (project);
  return advice;
}

static const char * const kagent_tool[] = { "kagent", NULL };

/* kagent asked the seed's prompt verbatim; its answer shown, labelled; the audit line under
 * KAGENT quotes its start after the measured figures that were applied. */
static void
test_kagent_advice (void)
{
  g_autoptr(TdPlan) plan = td_plan_new_default (NULL);
  g_autofree char *log = NULL;
  g_autofree char *expected_call = g_strconcat ("kagent invoke -a k8s-agent -t ",
                                                td_task_get_prompt (td_plan_lookup_task (plan, "T030")), "\n", NULL);
  g_autoptr(TdRightsizingAdvice) advice = advise_with (kagent_tool, "FAKE_KAGENT_INVOKE=completed", TRUE, &log);
  g_autofree char *long_answer = g_strnfill (300, 'x');
  g_autofree char *values = NULL;
  g_autofree char *helm_log = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GError) error = NULL;
  TdAuditEntry *entry;

  g_assert_cmpstr (log, ==, expected_call);
  g_assert_true (g_str_has_prefix (expected_call, "kagent invoke -a k8s-agent -t Analyze CPU and memory utilization for todo-frontend"));
  g_assert_cmpstr (advice->kagent_answer, ==,
                   "All 4 pods in default are Running.\nNo pod is in CrashLoopBackOff, OOMKilled, Pending or ImagePullBackOff.");
  g_assert_null (advice->kagent_error);

  g_assert_true (apply_with_helm ("FAKE_HELM_STATUS=deployed", advice->kagent_answer, &values, &audit, &helm_log, &error));
  g_assert_no_error (error);
  /* The measured figures are what values.yaml gets, whatever kagent said. */
  g_assert_nonnull (strstr (values, "cpu: \"24m\""));
  g_assert_cmpuint (audit->len, ==, 1);
  entry = audit->pdata[0];
  g_assert_cmpstr (entry->agent, ==, "KAGENT");
  g_assert_cmpstr (entry->prompt, ==, "Analyze CPU/memory and suggest optimized limits...");
  g_assert_cmpstr (entry->result, ==, "backend requests 24m/120Mi, limits 100m/150Mi; frontend requests 48m/84Mi, "
                                      "limits 100m/128Mi (measured; kagent advised: All 4 pods in default are Running.)");

  /* A long first line of kagent's is cut in the audit line; the applied figures stay whole. */
  g_clear_pointer (&values, g_free);
  g_clear_pointer (&helm_log, g_free);
  g_clear_pointer (&audit, g_ptr_array_unref);
  g_assert_true (apply_with_helm ("FAKE_HELM_STATUS=deployed", long_answer, &values, &audit, &helm_log, &error));
  g_assert_no_error (error);
  entry = audit->pdata[0];
  g_assert_cmpstr (entry->agent, ==, "KAGENT");
  g_assert_true (g_str_has_prefix (entry->result, "backend requests 24m/120Mi, limits 100m/150Mi; frontend requests 48m/84Mi, "
                                                  "limits 100m/128Mi (measured; kagent advised: xxx"));
  g_assert_true (g_str_has_suffix (entry->result, "x...)"));
  g_assert_cmpuint (g_utf8_strlen (entry->result, -1), <=, 200);
}

/* kagent failing, or not on PATH though the preflight found it: the built-in measurement, with
 * the reason; not installed: not asked at all. */
static void
test_kagent_fallback (void)
{
  struct {
    const char * const *tools;
    const char         *setting;
    gboolean            use_kagent;
    const char         *reason;    /* kagent_error contains it; NULL: no error (not asked) */
  } cases[] = {
    { kagent_tool, "FAKE_KAGENT_INVOKE=failed", TRUE,
      "kagent's task ended as “failed”: failed to call the model: 401 Unauthorized" },
    { kagent_tool, "FAKE_KAGENT_INVOKE=empty", TRUE, "kagent printed nothing" },
    { kagent_tool, "FAKE_KAGENT=fail", TRUE, "kagent failed (exit 1): Error: simulated failure" },
    { (const char * const []) { "helm", NULL }, "FAKE_HELM_STATUS=deployed", TRUE, "“kagent” is not installed or not on PATH" },
    { kagent_tool, "FAKE_KAGENT_INVOKE=completed", FALSE, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *log = NULL;
      g_autoptr(TdRightsizingAdvice) advice = advise_with (cases[i].tools, cases[i].setting, cases[i].use_kagent, &log);

      g_test_message ("%s, use_kagent %d: %s", cases[i].setting, cases[i].use_kagent, advice->kagent_error);
      g_assert_null (advice->kagent_answer);
      if (cases[i].reason == NULL)
        g_assert_null (advice->kagent_error);
      else
        g_assert_nonnull (strstr (advice->kagent_error, cases[i].reason));
      /* Not installed: kagent is not run. */
      g_assert_true ((cases[i].use_kagent && cases[i].tools == kagent_tool) == (strstr (log, "kagent invoke") != NULL));
    }
}

/* Runs every check of @preflight (no project) to its end. */
static void
run_preflight (TdPreflight *preflight)
{
  g_autoptr(GAsyncResult) result = NULL;

  td_preflight_run_async (preflight, NULL, NULL, fake_tools_store_result, &result);
  td_preflight_run_finish (preflight, fake_tools_wait_result (&result, 20), NULL);
}

static void
test_kagent_is_installed (void)
{
  g_autoptr(FakeTools) fake = fake_tools_new (kagent_tool, NULL);
  g_autoptr(FakeTools) none = fake_tools_new ((const char * const []) { "helm", NULL }, NULL);
  g_autoptr(TdPreflight) found = td_preflight_new (fake->runner);
  g_autoptr(TdPreflight) missing = td_preflight_new (none->runner);

  g_assert_false (td_kagent_is_installed (NULL));
  run_preflight (found);
  run_preflight (missing);
  g_assert_true (td_kagent_is_installed (found));
  g_assert_false (td_kagent_is_installed (missing));
}

/* The text of the rendered document of @kind named @name. */
static char *
rendered_document (const char *rendered, const char *kind, const char *name)
{
  g_auto(GStrv) documents = g_strsplit (rendered, "\n---", -1);
  g_autofree char *kind_line = g_strdup_printf ("kind: %s\n", kind);
  g_autofree char *name_line = g_strdup_printf ("name: %s\n", name);

  for (guint i = 0; documents[i] != NULL; i++)
    if (strstr (documents[i], kind_line) != NULL && strstr (documents[i], name_line) != NULL)
      return g_strdup (documents[i]);
  return NULL;
}

/* What right-sizing writes really governs the release: real helm renders the new requests and
 * limits into the Deployment (the chart reads them from values.yaml, not from literals). */
static void
test_rendered_resources_change (void)
{
  g_autofree char *helm = g_test_build_filename (G_TEST_DIST, "..", "_deps", "bin", "helm", NULL);
  g_autofree char *chart = g_test_build_filename (G_TEST_DIST, "..", "charts", "todo-app", NULL);
  g_autofree char *dir = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *values_path = NULL;
  g_autofree char *command = NULL;
  g_autofree char *rendered = NULL;
  g_autofree char *backend = NULL;
  g_autofree char *values = bundled_values ();
  g_autofree char *updated = NULL;
  g_autoptr(TdPlan) plan = td_plan_new_default (NULL);
  g_autoptr(TdUsageSamples) samples = td_usage_samples_new (plan);
  g_autoptr(JsonObject) list = metrics_list ("20m", "100Mi", "40m", "70Mi");
  g_autoptr(GPtrArray) recommendations = NULL;
  g_autoptr(GError) error = NULL;
  TdRightsizing *backend_recommendation = NULL;
  int status = -1;

  if (!g_file_test (helm, G_FILE_TEST_IS_EXECUTABLE))
    {
      fake_tools_real_tool_missing ("helm", "in _deps/bin, where build-aux/install-deps puts it");
      return;
    }
  dir = g_dir_make_tmp ("td-rightsizing-XXXXXX", NULL);
  copy = g_build_filename (dir, "todo-app", NULL);
  command = g_strdup_printf ("cp -a %s %s", chart, copy);
  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  td_usage_samples_add (samples, list);
  recommendations = td_rightsizing_recommend (samples, values);
  for (guint i = 0; i < recommendations->len; i++)
    if (g_str_equal (((TdRightsizing *) recommendations->pdata[i])->section, "backend"))
      backend_recommendation = recommendations->pdata[i];
  g_assert_nonnull (backend_recommendation);
  updated = td_rightsizing_apply (values, recommendations, &error);
  g_assert_no_error (error);
  values_path = g_build_filename (copy, "values.yaml", NULL);
  g_assert_true (g_file_set_contents (values_path, updated, -1, NULL));

  g_free (command);
  command = g_strdup_printf ("env KUBECONFIG=/dev/null %s template todo-app %s", helm, copy);
  g_assert_true (g_spawn_command_line_sync (command, &rendered, NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  backend = rendered_document (rendered, "Deployment", "todo-backend");
  g_assert_nonnull (backend);
  for (guint k = 0; k < 4; k++)
    {
      const char *resource = strchr (td_rightsizing_keys[k], '.') + 1;   /* "cpu" or "memory" */
      g_autofree char *line = g_strdup_printf ("%s: %s\n", resource, backend_recommendation->recommended[k]);
      g_autofree char *quoted = g_strdup_printf ("%s: \"%s\"\n", resource, backend_recommendation->recommended[k]);

      g_assert_true (strstr (backend, line) != NULL || strstr (backend, quoted) != NULL);
    }
  /* The seed's backend memory limit (512Mi) is gone from the rendered Deployment. */
  g_assert_null (strstr (backend, "memory: 512Mi"));
  g_assert_null (strstr (backend, "memory: \"512Mi\""));
  fake_tools_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rightsizing/rule", test_rule);
  g_test_add_func ("/rightsizing/apply", test_apply_keeps_the_rest);
  g_test_add_func ("/rightsizing/sampling", test_sampling_the_double);
  g_test_add_func ("/rightsizing/apply-upgrade", test_apply_and_upgrade);
  g_test_add_func ("/rightsizing/apply-helm-fails", test_apply_when_helm_fails);
  g_test_add_func ("/rightsizing/rendered-resources", test_rendered_resources_change);
  g_test_add_func ("/rightsizing/kagent/advice", test_kagent_advice);
  g_test_add_func ("/rightsizing/kagent/fallback", test_kagent_fallback);
  g_test_add_func ("/rightsizing/kagent/installed", test_kagent_is_installed);
  return g_test_run ();
}
