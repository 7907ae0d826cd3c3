/* test-pod-table.c: the Verify page's live pod table against the Kubernetes API double */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "double-test-util.h"
#include "kube-double/kd-server.h"
#include "td-phase-page.h"
#include "td-plan.h"
#include "td-pod-table.h"
#include "widget-test-util.h"

static KdServer *
start_double (const char *scenario_path)
{
  g_autoptr(GError) error = NULL;
  KdScenario *scenario = kd_scenario_load (scenario_path, &error);
  KdServer *server;

  g_assert_no_error (error);
  server = kd_server_new (scenario, NULL, &error);
  g_assert_no_error (error);
  return server;
}

static gboolean
table_has_rows (gpointer data)
{
  g_auto(GStrv) rows = td_pod_table_dup_rows (data);
  return g_strv_length (rows) == 3;
}

typedef struct {
  KdServer     *server;
  TdPodTable   *table;
} Settled;

/* Every connection the page opened has been used: the watch reached the double, and the events
 * the diagnoses asked for have arrived. */
static gboolean
connections_settled (gpointer data)
{
  Settled *settled = data;
  GPtrArray *log = kd_server_get_request_log (settled->server);
  gboolean watching = FALSE;

  for (guint i = 0; log != NULL && i < log->len && !watching; i++)
    watching = strstr (log->pdata[i], "watch=") != NULL;
  return watching && td_pod_monitor_get_events_pending (td_pod_table_get_monitor (settled->table)) == 0;
}

static void
test_verify_page_shows_live_pods (void)
{
  g_autofree char *scenario = g_test_build_filename (G_TEST_DIST, "kube-double", "scenarios", "status-unhealthy.json", NULL);
  g_autoptr(KdServer) server = start_double (scenario);
  g_autoptr(TdPlan) plan = td_plan_new_default (NULL);
  g_autoptr(TdRunner) runner = td_runner_new ();
  g_autofree char *project = g_dir_make_tmp ("td-pod-table-XXXXXX", NULL);
  g_autoptr(TdDeployment) deployment = td_deployment_new (plan, runner, project);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *page = td_phase_page_new (td_plan_lookup_phase (plan, "verify"));
  TdPodTable *table = TD_POD_TABLE (widget_test_find_by_type (page, TD_TYPE_POD_TABLE));
  g_auto(GStrv) rows = NULL;
  gboolean found_diagnosis = FALSE;

  g_assert_nonnull (table);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  td_deployment_set_kubeconfig_path (deployment, kd_server_get_kubeconfig_path (server));
  td_wizard_page_set_deployment (TD_WIZARD_PAGE (page), deployment);
  td_wizard_page_shown (TD_WIZARD_PAGE (page));

  widget_test_wait_until (table_has_rows, table, "the pod table to show the three pods of the scenario");
  rows = td_pod_table_dup_rows (table);
  for (guint i = 0; rows[i] != NULL; i++)
    if (g_str_has_prefix (rows[i], "todo-backend-7f9c6d5b8-k2m4n 0/1 ImagePullBackOff 0 25m "))
      found_diagnosis = strstr (rows[i], "Minikube") != NULL;
  g_assert_true (found_diagnosis);
  g_assert_true (g_str_has_prefix (td_pod_table_get_state_text (table), "Connected"));

  /* The double closes its connections synchronously, which waits forever for a handshake still
   * in progress: let the events the diagnoses asked for arrive first. */
  {
    Settled settled = { server, table };
    widget_test_wait_until (connections_settled, &settled,
                            "the pod watch to reach the double and the events the diagnoses asked for to arrive");
  }

  /* A new project (or none) stops watching the old cluster. */
  td_wizard_page_set_deployment (TD_WIZARD_PAGE (page), NULL);
  g_assert_null (td_pod_table_get_monitor (table));
  gtk_window_destroy (GTK_WINDOW (window));
  g_rmdir (project);
}

static gboolean
table_shows_restarts (gpointer data)
{
  g_auto(GStrv) rows = td_pod_table_dup_rows (data);
  return rows[0] != NULL && g_str_has_prefix (rows[0], "busy-pod 1/1 Running 40 ");
}

static gboolean
monitor_has_pod (gpointer data)
{
  return g_list_model_get_n_items (data) == 1;
}

/* Forty changes ten milliseconds apart are drawn in batches, at most one per 100 ms. */
static void
test_redraws_are_coalesced (void)
{
  g_autofree char *dir = g_dir_make_tmp ("td-pod-table-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "busy.json", NULL);
  g_autoptr(GString) json = g_string_new ("{\"namespace\":\"default\",\"resourceVersion\":100,\"pods\":[");
  g_autoptr(KdServer) server = NULL;
  g_autoptr(TdKubeClient) client = NULL;
  g_autoptr(TdPodMonitor) monitor = NULL;
  TdPodTable *table = TD_POD_TABLE (g_object_ref_sink (td_pod_table_new ()));
  const char *pod = "{\"metadata\":{\"name\":\"busy-pod\",\"labels\":{\"app\":\"busy\"}},"
                    "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]},"
                    "\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}],"
                    "\"containerStatuses\":[{\"name\":\"c\",\"ready\":true,\"started\":true,\"restartCount\":%u,"
                    "\"state\":{\"running\":{\"startedAt\":\"2025-01-01T00:00:00Z\"}}}]}}";
  guint redraws_before;
  gint64 started;
  double elapsed_ms;

  g_string_append_printf (json, pod, 0);
  g_string_append (json, "],\"timeline\":[");
  for (guint i = 1; i <= 40; i++)
    {
      g_string_append_printf (json, "%s{\"afterMs\":%u,\"type\":\"MODIFIED\",\"pod\":", i > 1 ? "," : "", i * 10);
      g_string_append_printf (json, pod, i);
      g_string_append (json, "}");
    }
  g_string_append (json, "],\"watchEndMs\":-1}");
  g_assert_true (g_file_set_contents (path, json->str, -1, NULL));

  server = start_double (path);
  client = double_test_client (server, "ca.pem");
  monitor = td_pod_monitor_new (client, "default", "app=busy");
  td_pod_table_set_monitor (table, monitor);
  td_pod_monitor_start (monitor);
  widget_test_wait_until (monitor_has_pod, monitor, "the pod monitor to list busy-pod");

  redraws_before = td_pod_table_get_n_redraws (table);
  started = g_get_monotonic_time ();
  widget_test_wait_until (table_shows_restarts, table, "the pod table to show busy-pod's fortieth restart");
  elapsed_ms = (g_get_monotonic_time () - started) / 1000.0;
  /* Each batch is at least 100 ms after the one before, so in the time the forty changes took
   * there can be no more than elapsed/100 batches, plus the one that may start it. */
  g_assert_cmpuint (td_pod_table_get_n_redraws (table) - redraws_before, <=, (guint) (elapsed_ms / 100.0) + 2);
  g_assert_cmpuint (td_pod_table_get_n_redraws (table) - redraws_before, <, 40);

  td_pod_monitor_stop (monitor);
  td_pod_table_set_monitor (table, NULL);
  g_object_unref (table);
  g_remove (path);
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/pod-table/verify-page-live-pods", test_verify_page_shows_live_pods);
  g_test_add_func ("/pod-table/redraws-coalesced", test_redraws_are_coalesced);
  return g_test_run ();
}
