/* test-rightsizing.c: usage samples, the recommendation rule, values.yaml edits, and sampling the
 * metrics API of the Kubernetes API double */
#include <glib/gstdio.h>
#include <string.h>

#include "td-error.h"
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
guard_fired (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
store_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
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
  gboolean timed_out = FALSE, ok;
  guint guard;

  g_assert_true (g_file_set_contents (path, scenario_json, -1, NULL));
  server = kd_server_new (kd_scenario_load (path, NULL), NULL, NULL);
  g_assert_nonnull (server);
  connection = td_kube_connection_new (kd_server_get_url (server));
  connection->certificate_authority_pem = kd_server_read_file (server, "ca.pem");
  connection->client_certificate_pem = kd_server_read_file (server, "client.pem");
  connection->client_key_pem = kd_server_read_file (server, "client.key");
  client = td_kube_client_new (connection, NULL);
  td_usage_sample_async (client, "default", 250, 50, samples, NULL, store_result, &result);
  guard = g_timeout_add_seconds (20, guard_fired, &timed_out);
  while (result == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (guard);
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
apply_with_helm (const char *helm_setting, char **out_values, GPtrArray **out_audit, char **out_log, GError **error)
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
  gboolean timed_out = FALSE, ok;
  guint guard;

  g_assert_cmpint (g_mkdir_with_parents (chart_dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (values_path, values, -1, NULL));
  g_assert_true (td_audit_log_ensure (td_deployment_get_audit_log (deployment), NULL));
  td_usage_samples_add (samples, list);
  recommendations = td_rightsizing_recommend (samples, values);
  td_rightsizing_apply_async (deployment, recommendations, td_plan_lookup_task (plan, "T031"),
                              td_plan_lookup_task (plan, "T032"), NULL, store_result, &result);
  guard = g_timeout_add_seconds (20, guard_fired, &timed_out);
  while (result == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (guard);
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

  g_assert_true (apply_with_helm ("FAKE_HELM_STATUS=deployed", &values, &audit, &log, &error));
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

  g_assert_false (apply_with_helm ("FAKE_HELM_STATUS=pending-upgrade", &values, &audit, &log, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_EXITED);
  g_assert_nonnull (strstr (error->message, "another operation (install/upgrade/rollback) is in progress"));
  g_assert_cmpuint (audit->len, ==, 0);
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
      g_test_skip ("real helm is not in _deps/bin (build-aux/install-deps puts it there)");
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
  return g_test_run ();
}
