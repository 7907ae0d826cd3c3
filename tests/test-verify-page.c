/* test-verify-page.c: the Verify page against the Kubernetes API double and a local stand-in for
 * the frontend: a failing pods-ready gate offers "Go to <phase>", which the window follows; the
 * built-in health analysis is labelled and logged as KUBECTL; Open Todo Chatbot has the address
 * the url-responds check reached. */
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "td-application.h"
#include "td-frontend-url.h"
#include "td-gate-evaluator.h"
#include "td-phase-page.h"
#include "td-progress.h"
#include "td-window.h"
#include "fake-tools-util.h"
#include "kube-double/kd-server.h"
#include "widget-test-util.h"

static void
frontend_handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer user_data)
{
  (*(guint *) user_data)++;
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, "<html></html>", 13);
}

static char *browser_record;   /* where the stand-in browser writes the URL it was asked to open */

static gboolean
browser_opened (gpointer data)
{
  g_autofree char *text = NULL;

  return g_file_get_contents (browser_record, &text, NULL, NULL) && strchr (text, '\n') != NULL;
}

/* A desktop entry that handles http URLs by writing them to @record, as the default browser of a
 * data and config folder of the test's own. */
static void
register_stand_in_browser (const char *dir)
{
  g_autofree char *applications = g_build_filename (dir, "data", "applications", NULL);
  g_autofree char *config = g_build_filename (dir, "config", NULL);
  g_autofree char *desktop = g_build_filename (applications, "td-test-browser.desktop", NULL);
  g_autofree char *mimeapps = g_build_filename (config, "mimeapps.list", NULL);
  g_autofree char *data_home = g_build_filename (dir, "data", NULL);
  g_autofree char *entry = NULL;

  browser_record = g_build_filename (dir, "opened.txt", NULL);
  entry = g_strdup_printf ("[Desktop Entry]\nType=Application\nName=Test Browser\n"
                           "Exec=/bin/sh -c 'echo \"$1\" > %s' sh %%u\n"
                           "MimeType=x-scheme-handler/http;\n", browser_record);
  g_assert_cmpint (g_mkdir_with_parents (applications, 0755), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (config, 0755), ==, 0);
  g_assert_true (g_file_set_contents (desktop, entry, -1, NULL));
  g_assert_true (g_file_set_contents (mimeapps, "[Default Applications]\nx-scheme-handler/http=td-test-browser.desktop\n", -1, NULL));
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);   /* its mimeapps.list outranks the system's */
}

static gboolean
go_to_shown (gpointer data)
{
  return widget_test_find_visible_actionable (data, "win.go-to-phase") != NULL;
}

static gboolean
audit_has_a_line (gpointer data)
{
  g_autoptr(GPtrArray) entries = td_audit_log_read_entries (data, NULL);

  return entries != NULL && entries->len >= 1;
}

static void
test_verify_page (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *scenario_path = g_test_build_filename (G_TEST_DIST, "kube-double", "scenarios", "status-unhealthy.json", NULL);
  KdScenario *scenario = kd_scenario_load (scenario_path, &error);
  g_autoptr(SoupServer) frontend = soup_server_new (NULL, NULL);
  g_autofree char *frontend_url = NULL;
  g_autofree char *url_setting = NULL;
  g_autofree char *project = g_dir_make_tmp ("td-verify-page-XXXXXX", NULL);
  g_autoptr(FakeTools) fake = NULL;
  g_autoptr(KdServer) server = NULL;
  g_autoptr(TdPlan) plan = td_plan_new_default (NULL);
  g_autoptr(TdDeployment) deployment = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *service = NULL;
  TdPhase *verify = td_plan_lookup_phase (plan, "verify");
  TdAuditEntry *entry;
  GtkWidget *window, *page, *go_to, *open;
  GVariant *target;
  GSList *uris;
  guint frontend_hits = 0;

  g_assert_no_error (error);
  soup_server_add_handler (frontend, NULL, frontend_handler, &frontend_hits, NULL);
  g_assert_true (soup_server_listen_local (frontend, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  uris = soup_server_get_uris (frontend);
  frontend_url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  service = g_strdup_printf ("{\"metadata\":{\"name\":\"todo-frontend\",\"namespace\":\"default\"},"
                             "\"spec\":{\"type\":\"NodePort\",\"ports\":[{\"port\":3000,\"nodePort\":%d}]}}", 30080);
  json_array_add_element (scenario->services, json_from_string (service, NULL));
  server = kd_server_new (scenario, NULL, &error);
  g_assert_no_error (error);

  /* The double is on 127.0.0.1, so the address comes from `minikube service --url`. */
  url_setting = g_strconcat ("FAKE_MINIKUBE_SERVICE_URL=", frontend_url, NULL);
  fake = fake_tools_new ((const char * const []) { "minikube", NULL }, (const char * const []) { url_setting, NULL });
  deployment = td_deployment_new (plan, fake->runner, project);
  td_deployment_set_kubeconfig_path (deployment, kd_server_get_kubeconfig_path (server));
  g_assert_true (td_audit_log_ensure (td_deployment_get_audit_log (deployment), NULL));
  td_gate_set_wait_limit (deployment, 1);

  page = td_phase_page_new (verify);
  window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  td_phase_set_state (verify, TD_PHASE_STATE_READY);
  td_wizard_page_set_deployment (TD_WIZARD_PAGE (page), deployment);
  td_wizard_page_shown (TD_WIZARD_PAGE (page));   /* starts the live pod table */

  /* Nothing to go to, nothing to open before the gate is checked. */
  g_assert_null (widget_test_find_visible_actionable (page, "win.go-to-phase"));
  g_assert_null (td_phase_page_get_chatbot_url (TD_PHASE_PAGE (page)));

  g_assert_true (gtk_widget_activate_action (page, "phase.check-gate", NULL));
  widget_test_wait_until (go_to_shown, page, "the failed gate to offer a Go to button");
  /* Only checked, never run: a gate that does not hold leaves the phase as it was. */
  g_assert_cmpint (td_phase_get_state (verify), ==, TD_PHASE_STATE_READY);

  /* pods-ready failed on an image from a registry that does not exist: the manifest fixes it. */
  go_to = widget_test_find_visible_actionable (page, "win.go-to-phase");
  g_assert_nonnull (go_to);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (go_to)), ==, "Go to Manifests");
  target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (go_to));
  g_assert_cmpstr (g_variant_get_string (target, NULL), ==, "manifests");

  /* url-responds held: Open Todo Chatbot opens the address that answered. */
  g_assert_cmpstr (td_phase_page_get_chatbot_url (TD_PHASE_PAGE (page)), ==, frontend_url);
  g_assert_cmpuint (frontend_hits, >=, 1);
  open = widget_test_find_visible_actionable (page, "phase.open-chatbot");
  g_assert_nonnull (open);
  g_assert_true (gtk_widget_is_sensitive (open));
  /* The button opens it: the http handler registered in main() records what it was given. */
  g_assert_true (gtk_widget_activate_action (page, "phase.open-chatbot", NULL));
  widget_test_wait_until (browser_opened, NULL, "the stand-in browser to be asked to open the chatbot's address");
  {
    g_autofree char *opened = NULL;
    g_assert_true (g_file_get_contents (browser_record, &opened, NULL, NULL));
    g_assert_cmpstr (g_strstrip (opened), ==, frontend_url);
  }

  /* No preflight says kagent is there: the built-in analysis runs, labelled, logged as KUBECTL. */
  g_assert_true (gtk_widget_activate_action (page, "phase.analyse-health", NULL));
  widget_test_wait_until (audit_has_a_line, td_deployment_get_audit_log (deployment),
                          "the health analysis to write its line to the audit log");
  entries = td_audit_log_read_entries (td_deployment_get_audit_log (deployment), NULL);
  entry = entries->pdata[0];
  g_assert_cmpstr (entry->agent, ==, "KUBECTL");
  g_assert_cmpstr (entry->result, ==, "3 pods checked: 1 Running and ready, 2 unhealthy.");

  gtk_window_destroy (GTK_WINDOW (window));
  td_frontend_url_stop_tunnel (deployment);
  g_clear_object (&deployment);
  soup_server_disconnect (frontend);
  fake_tools_remove_tree (project);
}

/* One registered application for the window tests: a process registers only once. */
static TdApplication *
shared_application (void)
{
  static TdApplication *app;

  if (app == NULL)
    {
      app = td_application_new ();
      g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
      g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
    }
  return app;
}

static void
test_window_goes_to_phase (void)
{
  TdApplication *app = shared_application ();
  TdWindow *window;

  window = td_window_new (app);
  g_assert_null (td_window_get_current_phase_id (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.go-to-phase", "s", "manifests"));
  g_assert_cmpstr (td_window_get_current_phase_id (window), ==, "manifests");
  g_assert_true (td_window_go_to_phase (window, "deploy"));
  g_assert_cmpstr (td_window_get_current_phase_id (window), ==, "deploy");
  g_assert_false (td_window_go_to_phase (window, "no-such-phase"));
  g_assert_cmpstr (td_window_get_current_phase_id (window), ==, "deploy");
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
button_sensitive (gpointer data)
{
  GtkWidget *button = widget_test_find_visible_actionable (((GtkWidget **) data)[0], ((const char **) data)[1]);

  return button != NULL && gtk_widget_is_sensitive (button);
}

static void
wait_for_action (GtkWidget *page, const char *action)
{
  gpointer data[] = { page, (gpointer) action };
  g_autofree char *what = g_strdup_printf ("a shown, sensitive button for %s", action);

  widget_test_wait_until (button_sensitive, data, what);
}

/* The plan with a one-second stabilisation window, so measuring takes a second. */
static TdPlan *
plan_with_short_window (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "plan", "phase-iv.yaml", NULL);
  g_autofree char *text = NULL;
  g_autofree char *short_text = NULL;
  g_auto(GStrv) parts = NULL;
  g_autoptr(GError) error = NULL;
  TdPlan *plan;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  parts = g_strsplit (text, "stabilisation_seconds: &stabilisation 120", 2);
  g_assert_cmpuint (g_strv_length (parts), ==, 2);
  short_text = g_strjoinv ("stabilisation_seconds: &stabilisation 1", parts);
  plan = td_plan_new_from_data (short_text, -1, "phase-iv.yaml", &error);
  g_assert_no_error (error);
  return plan;
}

/* The subtitle of the first row under @widget whose subtitle starts with @prefix, or NULL. */
static const char *
find_row_subtitle (GtkWidget *widget, const char *prefix)
{
  const char *subtitle = NULL;

  if (ADW_IS_ACTION_ROW (widget))
    subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (widget));
  else if (ADW_IS_EXPANDER_ROW (widget))
    subtitle = adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (widget));
  if (subtitle != NULL && g_str_has_prefix (subtitle, prefix))
    return subtitle;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      const char *found = find_row_subtitle (child, prefix);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Measure, then Apply; @with_kagent: the preflight found the fake kagent, so T030 asks it too. */
static void
check_right_sizing (gboolean with_kagent)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("td-rs-scenario-XXXXXX", NULL);
  g_autofree char *scenario_path = g_build_filename (dir, "scenario.json", NULL);
  g_autofree char *project = g_dir_make_tmp ("td-rs-page-XXXXXX", NULL);
  g_autofree char *values_source = g_test_build_filename (G_TEST_DIST, "..", "charts", "todo-app", "values.yaml", NULL);
  g_autofree char *values_path = g_build_filename (project, "charts", "todo-app", "values.yaml", NULL);
  g_autofree char *values_dir = g_path_get_dirname (values_path);
  g_autofree char *values = NULL;
  g_autoptr(FakeTools) fake = NULL;
  g_autoptr(KdServer) server = NULL;
  g_autoptr(TdPlan) plan = plan_with_short_window ();
  g_autoptr(TdDeployment) deployment = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  GtkWidget *window, *page;
  TdAuditEntry *entry;

  g_assert_true (g_file_set_contents (scenario_path,
    "{\"podMetrics\":[{\"metadata\":{\"name\":\"todo-backend-6d8f7c9b5-x2k4p\"},\"timestamp\":\"2025-01-01T00:00:00Z\","
    "\"window\":\"30s\",\"containers\":[{\"name\":\"backend\",\"usage\":{\"cpu\":\"40m\",\"memory\":\"200Mi\"}}]}]}", -1, NULL));
  server = kd_server_new (kd_scenario_load (scenario_path, NULL), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (values_source, &values, NULL, NULL));
  g_assert_cmpint (g_mkdir_with_parents (values_dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (values_path, values, -1, NULL));
  g_clear_pointer (&values, g_free);

  fake = fake_tools_new ((const char * const []) { "helm", with_kagent ? "kagent" : NULL, NULL },
                         (const char * const []) { "FAKE_HELM_STATUS=deployed", NULL });
  deployment = td_deployment_new (plan, fake->runner, project);
  td_deployment_set_kubeconfig_path (deployment, kd_server_get_kubeconfig_path (server));
  g_assert_true (td_audit_log_ensure (td_deployment_get_audit_log (deployment), NULL));
  page = td_phase_page_new (td_plan_lookup_phase (plan, "verify"));
  window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  td_wizard_page_set_deployment (TD_WIZARD_PAGE (page), deployment);
  {
    g_autoptr(TdPreflight) preflight = td_preflight_new (fake->runner);
    g_autoptr(GAsyncResult) result = NULL;

    td_preflight_run_async (preflight, NULL, NULL, fake_tools_store_result, &result);
    fake_tools_wait_result (&result, WIDGET_TEST_DEADLINE_SECONDS);
    td_wizard_page_set_preflight (TD_WIZARD_PAGE (page), preflight);
  }

  g_assert_true (gtk_widget_activate_action (page, "phase.measure-usage", NULL));
  wait_for_action (page, "phase.apply-rightsizing");
  /* T030's row: kagent's answer, labelled, and which figures Apply uses; or the measurement's
   * label. */
  if (with_kagent)
    g_assert_true (g_str_has_suffix (find_row_subtitle (page, "kagent:\nAll 4 pods in default are Running."),
                                     "Apply uses the measured figures below; kagent's advice is shown for comparison."));
  else
    g_assert_nonnull (find_row_subtitle (page, "Measured by Todo Deploy from the metrics API (kagent is not installed)."));
  g_assert_true (gtk_widget_activate_action (page, "phase.apply-rightsizing", NULL));
  widget_test_wait_until (audit_has_a_line, td_deployment_get_audit_log (deployment),
                          "Apply to write the right-sizing line to the audit log");

  /* request = p95 × 1.2, limit = peak × 1.5: 40m → 48m / 60m→100m floor; 200Mi → 240Mi / 300Mi. */
  g_assert_true (g_file_get_contents (values_path, &values, NULL, NULL));
  g_assert_nonnull (strstr (values, "cpu: \"48m\"\n      memory: \"240Mi\"\n    limits:\n      cpu: \"100m\"\n      memory: \"300Mi\""));
  entries = td_audit_log_read_entries (td_deployment_get_audit_log (deployment), NULL);
  entry = entries->pdata[0];
  g_assert_cmpstr (entry->agent, ==, with_kagent ? "KAGENT" : "KUBECTL");
  g_assert_cmpstr (entry->result, ==, with_kagent ? "backend requests 48m/240Mi, limits 100m/300Mi (measured; kagent advised: "
                                                    "All 4 pods in default are Running.)"
                                                  : "backend requests 48m/240Mi, limits 100m/300Mi");

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&deployment);
  fake_tools_remove_tree (project);
  fake_tools_remove_tree (dir);
}

static void
test_right_sizing (void)
{
  check_right_sizing (FALSE);
}

static void
test_right_sizing_with_kagent (void)
{
  check_right_sizing (TRUE);
}

static gboolean
committed (gpointer data)
{
  g_autofree char *head = g_build_filename (data, ".git", "refs", "heads", NULL);
  g_autoptr(GDir) dir = g_dir_open (head, 0, NULL);

  return dir != NULL && g_dir_read_name (dir) != NULL;
}

static void
test_commit_after_confirmation (void)
{
  g_autofree char *project = g_dir_make_tmp ("td-commit-page-XXXXXX", NULL);
  g_autofree char *dockerfile = g_build_filename (project, "Dockerfile.backend", NULL);
  g_autoptr(TdPlan) plan = td_plan_new_default (NULL);
  g_autoptr(TdRunner) runner = td_runner_new ();
  g_autoptr(TdDeployment) deployment = NULL;
  g_auto(GStrv) envp = g_get_environ ();
  g_autofree char *git = g_find_program_in_path ("git");
  const char *init[] = { "git", "init", "-q", project, NULL };
  AdwMessageDialog *dialog;
  GtkWidget *window, *page, *label;

  if (git == NULL)
    {
      g_test_skip ("git is not installed");
      return;
    }
  envp = g_environ_setenv (envp, "HOME", project, TRUE);
  envp = g_environ_setenv (envp, "GIT_CONFIG_NOSYSTEM", "1", TRUE);
  envp = g_environ_setenv (envp, "GIT_AUTHOR_NAME", "Test", TRUE);
  envp = g_environ_setenv (envp, "GIT_AUTHOR_EMAIL", "test@example.org", TRUE);
  envp = g_environ_setenv (envp, "GIT_COMMITTER_NAME", "Test", TRUE);
  envp = g_environ_setenv (envp, "GIT_COMMITTER_EMAIL", "test@example.org", TRUE);
  td_runner_set_environ (runner, (const char * const *) envp);
  g_assert_true (g_spawn_sync (NULL, (char **) init, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL));
  g_assert_true (g_file_set_contents (dockerfile, "FROM x\n", -1, NULL));
  deployment = td_deployment_new (plan, runner, project);

  page = td_phase_page_new (td_plan_lookup_phase (plan, "polish"));
  window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  td_wizard_page_set_deployment (TD_WIZARD_PAGE (page), deployment);

  /* The commands are shown first; nothing has run yet. */
  g_assert_true (gtk_widget_activate_action (page, "phase.commit", NULL));
  dialog = widget_test_find_message_dialog ();
  g_assert_nonnull (dialog);
  label = adw_message_dialog_get_extra_child (dialog);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (label)), ==,
                   "git add -- Dockerfile.backend\n"
                   "git commit -m 'Phase IV: Dockerfiles, Helm chart and agent audit log for the Todo Chatbot on Minikube'\n");
  g_assert_false (committed (project));
  adw_message_dialog_response (dialog, "commit");
  widget_test_wait_until (committed, project, "git to commit in the project (a branch under .git/refs/heads)");

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&deployment);
  fake_tools_remove_tree (project);
}

static gboolean
window_on_phase (gpointer data)
{
  return g_strcmp0 (td_window_get_current_phase_id (((TdWindow **) data)[0]), ((const char **) data)[1]) == 0;
}

static void
test_window_resumes (void)
{
  TdApplication *app = shared_application ();
  g_autofree char *project = g_dir_make_tmp ("td-resume-XXXXXX", NULL);
  g_autofree char *chart = g_build_filename (project, "charts", "todo-app", "Chart.yaml", NULL);
  g_autofree char *chart_dir = g_path_get_dirname (chart);
  g_autofree char *audit = g_build_filename (project, "phase-iv-audit.log", NULL);
  g_autoptr(GFile) dir = g_file_new_for_path (project);
  g_auto(GStrv) saved = NULL;
  g_autoptr(FakeTools) fake = fake_tools_new ((const char * const []) { "minikube", "docker", NULL }, NULL);
  g_autofree char *old_path = g_strdup (g_getenv ("PATH"));
  TdWindow *window;
  gpointer data[2];

  /* The window's runner inherits this environment: only the fakes, and no cluster in their state. */
  g_setenv ("PATH", fake->bin_dir, TRUE);
  g_setenv ("FAKE_TOOLS_STATE", fake->state_dir, TRUE);

  /* Setup passed last time and its files are still there; Cluster was saved too, but without a
   * cluster its gate no longer holds: the window opens on Cluster and forgets it. */
  g_assert_cmpint (g_mkdir_with_parents (chart_dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (chart, "name: todo-app\n", -1, NULL));
  g_assert_true (g_file_set_contents (audit, "# header\n", -1, NULL));
  g_assert_true (td_progress_set_passed (project, "setup", TRUE, NULL));
  g_assert_true (td_progress_set_passed (project, "cluster", TRUE, NULL));

  window = td_window_new (app);
  td_window_open_project (window, dir);
  data[0] = window;
  data[1] = (gpointer) "cluster";
  widget_test_wait_until (window_on_phase, data, "the window to open on the Cluster phase");
  saved = td_progress_load (project, NULL);
  g_assert_cmpstrv (saved, ((const char * const []) { "setup", NULL }));
  gtk_window_destroy (GTK_WINDOW (window));
  g_setenv ("PATH", old_path, TRUE);
  g_unsetenv ("FAKE_TOOLS_STATE");
  {
    g_autofree char *progress = td_progress_path_for (project);
    g_remove (progress);
  }
  fake_tools_remove_tree (project);
}

int
main (int argc, char *argv[])
{
  g_autofree char *state_home = g_dir_make_tmp ("td-state-XXXXXX", NULL);
  int status;

  g_setenv ("XDG_STATE_HOME", state_home, TRUE);
  register_stand_in_browser (state_home);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/verify-page/gate-go-to-analysis-open", test_verify_page);
  g_test_add_func ("/verify-page/window-go-to-phase", test_window_goes_to_phase);
  g_test_add_func ("/verify-page/right-sizing", test_right_sizing);
  g_test_add_func ("/verify-page/right-sizing-kagent", test_right_sizing_with_kagent);
  g_test_add_func ("/verify-page/commit", test_commit_after_confirmation);
  g_test_add_func ("/verify-page/window-resumes", test_window_resumes);
  status = g_test_run ();
  fake_tools_remove_tree (state_home);
  return status;
}
