/* test-phase-runner.c: the Setup and Cluster phases end to end against the fake tools, and gate
 * checks that only read */
#include <glib/gstdio.h>
#include <string.h>

#include "fake-tools-util.h"
#include "td-audit-log.h"
#include "td-check-result.h"
#include "td-error.h"
#include "td-phase-runner.h"
#include "td-task-executor.h"

typedef struct {
  FakeTools    *fake;
  char         *project;
  TdPlan       *plan;
  TdDeployment *deployment;
  GPtrArray    *finished;    /* "T001 ok: summary" / "T004 error: message", in order */
} Fixture;

static char *
copy_fixture_project (void)
{
  g_autofree char *dir = g_dir_make_tmp ("td-phase-XXXXXX", NULL);
  g_autofree char *source = g_test_build_filename (G_TEST_DIST, "fixtures", "projects", "complete", NULL);
  g_autofree char *command = g_strdup_printf ("cp -a %s/. %s", source, dir);
  int status = -1;

  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&dir);
}

static void
on_task_finished (TdPhaseRunner *runner, TdTask *task, const char *summary, GError *error, Fixture *fixture)
{
  g_ptr_array_add (fixture->finished, g_strdup_printf ("%s %s: %s", td_task_get_id (task),
                                                       summary ? "ok" : "error",
                                                       summary ? summary : error->message));
}

static void
fixture_set_up (Fixture *fixture, const char * const *tools, const char * const *settings)
{
  fixture->fake = fake_tools_new (tools, settings);
  fixture->project = copy_fixture_project ();
  fixture->plan = td_plan_new_default (NULL);
  g_assert_nonnull (fixture->plan);
  fixture->deployment = td_deployment_new (fixture->plan, fixture->fake->runner, fixture->project);
  fixture->finished = g_ptr_array_new_with_free_func (g_free);
}

static void
fixture_tear_down (Fixture *fixture)
{
  g_clear_object (&fixture->deployment);
  g_clear_object (&fixture->plan);
  fake_tools_remove_tree (fixture->project);
  g_free (fixture->project);
  g_clear_pointer (&fixture->fake, fake_tools_free);
  g_clear_pointer (&fixture->finished, g_ptr_array_unref);
}

static void
got_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Runs @phase_id and returns whether its gate passed; @error gets a failure or a cancel. */
static gboolean
run_phase (Fixture *fixture, const char *phase_id, GCancellable *cancellable, GError **error)
{
  TdPhase *phase = td_plan_lookup_phase (fixture->plan, phase_id);
  g_autoptr(TdPhaseRunner) runner = td_phase_runner_new (fixture->deployment, phase);
  g_autoptr(GAsyncResult) result = NULL;

  g_signal_connect (runner, "task-finished", G_CALLBACK (on_task_finished), fixture);
  td_phase_runner_run_async (runner, cancellable, got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return td_phase_runner_run_finish (runner, result, error);
}

static GPtrArray *last_gate_results;

static void
on_gate_checked (TdPhaseRunner *runner, GPtrArray *results, gboolean passed, gpointer user_data)
{
  g_clear_pointer (&last_gate_results, g_ptr_array_unref);
  last_gate_results = g_ptr_array_ref (results);
}

static gboolean
check_gate (Fixture *fixture, const char *phase_id)
{
  TdPhase *phase = td_plan_lookup_phase (fixture->plan, phase_id);
  g_autoptr(TdPhaseRunner) runner = td_phase_runner_new (fixture->deployment, phase);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean passed;

  g_signal_connect (runner, "gate-checked", G_CALLBACK (on_gate_checked), NULL);
  td_phase_runner_check_gate_async (runner, NULL, got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  passed = td_phase_runner_check_gate_finish (runner, result, &error);
  g_assert_no_error (error);
  return passed;
}

static char *
read_project_file (Fixture *fixture, const char *relative)
{
  g_autofree char *path = g_build_filename (fixture->project, relative, NULL);
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return contents;
}

static guint
count_lines_containing (const char *text, const char *needle)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint n = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    n += strstr (lines[i], needle) != NULL;
  return n;
}

/* ---- Setup ------------------------------------------------------------------------------------ */

static void
test_setup_with_helm (void)
{
  static const char * const tools[] = { "helm", "minikube", "docker", NULL };
  Fixture f = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *audit = NULL;
  g_autofree char *chart = NULL;
  g_autofree char *calls = NULL;
  g_autofree char *templates = NULL;
  g_autoptr(GDir) dir = NULL;

  fixture_set_up (&f, tools, NULL);
  g_assert_true (run_phase (&f, "setup", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (td_phase_get_state (td_plan_lookup_phase (f.plan, "setup")), ==, TD_PHASE_STATE_PASSED);

  audit = read_project_file (&f, "phase-iv-audit.log");
  {
    g_autofree char *header = g_strconcat (td_plan_get_setting (f.plan, "audit_header"), "\n", NULL);
    g_assert_true (g_str_has_prefix (header, "# Phase IV Agent Delegation Audit Log — format: "));
    g_assert_true (g_str_has_prefix (audit, header));
  }
  chart = read_project_file (&f, "charts/todo-app/Chart.yaml");
  g_assert_true (g_str_has_prefix (chart, "name: todo-app\n") || strstr (chart, "\nname: todo-app\n") != NULL);
  g_assert_nonnull (strstr (chart, "description: Phase IV Todo Chatbot on Minikube\n"));
  g_assert_nonnull (strstr (chart, "version: 0.1.0\n"));
  g_assert_nonnull (strstr (chart, "appVersion: \"1.0.0\"\n"));
  /* helm create's example templates are gone; the skeleton's other files stay. */
  templates = g_build_filename (f.project, "charts", "todo-app", "templates", NULL);
  dir = g_dir_open (templates, 0, NULL);
  g_assert_nonnull (dir);
  g_assert_null (g_dir_read_name (dir));
  g_free (read_project_file (&f, "charts/todo-app/values.yaml"));
  g_assert_true (g_file_get_contents (f.fake->log, &calls, NULL, NULL));
  g_assert_cmpuint (count_lines_containing (calls, "helm create charts/todo-app"), ==, 1);

  /* Running it again changes nothing that is already there. */
  g_clear_pointer (&f.finished, g_ptr_array_unref);
  f.finished = g_ptr_array_new_with_free_func (g_free);
  g_assert_true (run_phase (&f, "setup", NULL, &error));
  g_assert_cmpstr (f.finished->pdata[0], ==, "T001 ok: phase-iv-audit.log is already there; kept as it is.");
  g_assert_cmpstr (f.finished->pdata[1], ==, "T002 ok: charts/todo-app already exists; kept as it is.");
  g_free (calls);
  g_assert_true (g_file_get_contents (f.fake->log, &calls, NULL, NULL));
  g_assert_cmpuint (count_lines_containing (calls, "helm create"), ==, 1);
  g_free (audit);
  audit = read_project_file (&f, "phase-iv-audit.log");
  g_assert_cmpuint (count_lines_containing (audit, "# Phase IV Agent Delegation Audit Log"), ==, 1);
  fixture_tear_down (&f);
}

static void
test_setup_without_helm_uses_bundled_skeleton (void)
{
  static const char * const tools[] = { "minikube", "docker", NULL };
  Fixture f = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *chart = NULL;

  fixture_set_up (&f, tools, NULL);
  g_assert_true (run_phase (&f, "setup", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (f.finished->pdata[1], "T002 ok: helm is not installed: installed the bundled chart skeleton (bundled reference)"));
  chart = read_project_file (&f, "charts/todo-app/Chart.yaml");
  g_assert_nonnull (strstr (chart, "name: todo-app"));
  g_assert_nonnull (strstr (chart, "appVersion: \"1.0.0\""));
  g_free (read_project_file (&f, "charts/todo-app/.helmignore"));
  fixture_tear_down (&f);
}

static void
test_setup_gate_on_empty_project (void)
{
  static const char * const tools[] = { "helm", NULL };
  Fixture f = { 0 };
  TdCheckResult *result;

  fixture_set_up (&f, tools, NULL);
  g_assert_false (check_gate (&f, "setup"));
  result = last_gate_results->pdata[0];
  g_assert_cmpint (td_check_result_get_status (result), ==, TD_CHECK_STATUS_FAILED);
  g_assert_cmpstr (td_check_result_get_message (result), ==, "Missing: charts/todo-app/Chart.yaml, phase-iv-audit.log");
  /* Checking alone never marks a phase failed: it simply has not passed yet. */
  g_assert_cmpint (td_phase_get_state (td_plan_lookup_phase (f.plan, "setup")), ==, TD_PHASE_STATE_PENDING);
  fixture_tear_down (&f);
}

/* ---- Cluster ----------------------------------------------------------------------------------- */

static const char *
env_value (const char * const *env, const char *key)
{
  gsize len = strlen (key);

  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    if (strncmp (env[i], key, len) == 0 && env[i][len] == '=')
      return env[i] + len + 1;
  return NULL;
}

static void
test_cluster_docker_env_reaches_docker_only (void)
{
  static const char * const tools[] = { "helm", "minikube", "docker", NULL };
  Fixture f = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *first_host = NULL;
  g_autofree char *audit = NULL;
  g_auto(GStrv) env_log = NULL;
  guint docker_calls = 0;

  fixture_set_up (&f, tools, NULL);
  g_assert_true (run_phase (&f, "cluster", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (td_phase_get_state (td_plan_lookup_phase (f.plan, "cluster")), ==, TD_PHASE_STATE_PASSED);
  first_host = g_strdup (env_value (td_deployment_get_docker_env (f.deployment), "DOCKER_HOST"));
  g_assert_nonnull (first_host);
  g_assert_true (g_str_has_prefix (first_host, "tcp://127.0.0.1:"));

  /* Every docker call saw DOCKER_HOST; no minikube call did. */
  env_log = fake_tools_env_log (f.fake);
  for (guint i = 0; env_log[i] != NULL; i++)
    {
      if (g_str_has_prefix (env_log[i], "docker "))
        {
          docker_calls++;
          g_assert_nonnull (strstr (env_log[i], first_host));
        }
      else
        g_assert_null (strstr (env_log[i], "DOCKER_HOST"));
    }
  g_assert_cmpuint (docker_calls, >=, 1);

  audit = read_project_file (&f, "phase-iv-audit.log");
  g_assert_nonnull (strstr (audit, "] [ENV] prompt=\"minikube start + eval $(minikube docker-env)\" result=\"Minikube Running, Docker context switched to Minikube daemon\"\n"));

  /* A restart moves the daemon's port: the phase reads docker-env again and docker follows. */
  g_assert_true (run_phase (&f, "cluster", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (env_value (td_deployment_get_docker_env (f.deployment), "DOCKER_HOST"), !=, first_host);
  g_assert_true (check_gate (&f, "cluster"));
  fixture_tear_down (&f);
}

static void
test_cluster_start_failure (void)
{
  static const char * const tools[] = { "minikube", "docker", NULL };
  static const char * const settings[] = { "FAKE_MINIKUBE_START=fail", NULL };
  Fixture f = { 0 };
  g_autoptr(GError) error = NULL;

  fixture_set_up (&f, tools, settings);
  g_assert_false (run_phase (&f, "cluster", NULL, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_EXITED);
  g_assert_true (g_str_has_prefix (error->message, "“minikube” failed (exit status"));
  g_assert_cmpint (td_phase_get_state (td_plan_lookup_phase (f.plan, "cluster")), ==, TD_PHASE_STATE_FAILED);
  g_assert_null (td_deployment_get_docker_env (f.deployment));
  fixture_tear_down (&f);
}

static gboolean
cancel_soon (gpointer cancellable)
{
  g_cancellable_cancel (cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_process_started (TdDeployment *deployment, TdProcess *process, const char *task_id, GCancellable *cancellable)
{
  g_timeout_add (200, cancel_soon, cancellable);
}

static void
test_cluster_cancel (void)
{
  static const char * const tools[] = { "minikube", "docker", NULL };
  static const char * const settings[] = { "FAKE_MINIKUBE_START=hang", NULL };
  Fixture f = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  gint64 started;

  fixture_set_up (&f, tools, settings);
  g_signal_connect (f.deployment, "process-started", G_CALLBACK (on_process_started), cancellable);
  started = g_get_monotonic_time ();
  g_assert_false (run_phase (&f, "cluster", cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* The hung start was stopped, not waited for (the fake would sleep for ten minutes). */
  g_assert_cmpint (g_get_monotonic_time () - started, <, 60 * G_USEC_PER_SEC);
  /* Cancelling leaves the phase ready to run again, not failed. */
  g_assert_cmpint (td_phase_get_state (td_plan_lookup_phase (f.plan, "cluster")), ==, TD_PHASE_STATE_READY);
  fixture_tear_down (&f);
}

/* ---- audit-entries gate --------------------------------------------------------------------------- */

static void
test_audit_entries_gate (void)
{
  static const char * const tools[] = { "helm", NULL };
  Fixture f = { 0 };
  TdAuditLog *log;
  TdGate *gate;
  TdCheckResult *audit_result = NULL;

  fixture_set_up (&f, tools, NULL);
  log = td_deployment_get_audit_log (f.deployment);
  g_assert_true (td_audit_log_append (log, "ENV", "p", "r", NULL));
  g_assert_true (td_audit_log_append (log, "GORDON", "p", "r", NULL));
  g_assert_false (check_gate (&f, "polish"));
  gate = td_phase_get_gate (td_plan_lookup_phase (f.plan, "polish"));
  for (guint i = 0; i < td_gate_get_n_checks (gate); i++)
    if (g_str_equal (td_gate_get_check_kind (gate, i), "audit-entries"))
      audit_result = last_gate_results->pdata[i];
  g_assert_nonnull (audit_result);
  g_assert_cmpstr (td_check_result_get_message (audit_result), ==,
                   "Entries missing: [GORDON] 1 of 2, [KUBECTL-AI] 0 of 5, [HELM] 0 of 1, [KAGENT] 0 of 2");

  /* The built-in analyser's KUBECTL entries stand in for KAGENT, and bundled references for the
   * agents that did not run. */
  g_assert_true (td_audit_log_append (log, "BUNDLED-GORDON", "p", "r", NULL));
  for (guint i = 0; i < 4; i++)
    g_assert_true (td_audit_log_append (log, "KUBECTL-AI", "p", "r", NULL));
  g_assert_true (td_audit_log_append (log, "BUNDLED-KUBECTL-AI", "p", "r", NULL));
  g_assert_true (td_audit_log_append (log, "HELM", "p", "r", NULL));
  g_assert_true (td_audit_log_append (log, "KUBECTL", "p", "r", NULL));
  g_assert_true (td_audit_log_append (log, "KAGENT", "p", "r", NULL));
  check_gate (&f, "polish");
  for (guint i = 0; i < td_gate_get_n_checks (gate); i++)
    if (g_str_equal (td_gate_get_check_kind (gate, i), "audit-entries"))
      audit_result = last_gate_results->pdata[i];
  g_assert_cmpint (td_check_result_get_status (audit_result), ==, TD_CHECK_STATUS_OK);
  fixture_tear_down (&f);
}

/* ---- T036 -------------------------------------------------------------------------------------- */

static void
test_quickstart_frontend_url (void)
{
  g_autofree char *created = td_quickstart_set_frontend_url (NULL, "http://192.168.49.2:30080");
  g_autofree char *appended = td_quickstart_set_frontend_url ("# Quickstart\n\nRun it.", "http://192.168.49.2:30080");
  g_autofree char *replaced = td_quickstart_set_frontend_url (appended, "http://127.0.0.1:41235");

  g_assert_true (g_str_has_prefix (created, "# Quickstart\n\n## 7. Open the Todo Chatbot\n\n<!-- todo-deploy: frontend URL -->\n"
                                            "The Todo Chatbot answers at <http://192.168.49.2:30080>"));
  g_assert_true (g_str_has_prefix (appended, "# Quickstart\n\nRun it.\n\n## 7. Open the Todo Chatbot\n\n"));
  /* A second run replaces the block: one URL, the new one, and the user's text kept. */
  g_assert_null (strstr (replaced, "192.168.49.2"));
  g_assert_nonnull (strstr (replaced, "<http://127.0.0.1:41235>"));
  g_assert_cmpuint (count_lines_containing (replaced, "todo-deploy: frontend URL"), ==, 1);
  g_assert_true (g_str_has_prefix (replaced, "# Quickstart\n\nRun it.\n"));
}

static void
test_quickstart_skipped_without_url (void)
{
  static const char * const tools[] = { "helm", NULL };
  Fixture f = { 0 };
  TdTask *task;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *path = NULL;

  fixture_set_up (&f, tools, NULL);
  task = td_plan_lookup_task (f.plan, "T036");
  td_task_executor_run_async (f.deployment, task, NULL, got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  summary = td_task_executor_run_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (summary, ==, "Skipped: the frontend URL is not known yet (the Verify phase's gate finds it).");
  path = g_build_filename (f.project, td_task_get_artifact (task), NULL);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  fixture_tear_down (&f);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/phase-runner/setup/with-helm", test_setup_with_helm);
  g_test_add_func ("/phase-runner/setup/without-helm", test_setup_without_helm_uses_bundled_skeleton);
  g_test_add_func ("/phase-runner/setup/gate-on-empty-project", test_setup_gate_on_empty_project);
  g_test_add_func ("/phase-runner/cluster/docker-env-reaches-docker-only", test_cluster_docker_env_reaches_docker_only);
  g_test_add_func ("/phase-runner/cluster/start-failure", test_cluster_start_failure);
  g_test_add_func ("/phase-runner/cluster/cancel", test_cluster_cancel);
  g_test_add_func ("/phase-runner/polish/audit-entries", test_audit_entries_gate);
  g_test_add_func ("/phase-runner/polish/quickstart-url", test_quickstart_frontend_url);
  g_test_add_func ("/phase-runner/polish/quickstart-skipped", test_quickstart_skipped_without_url);
  return g_test_run ();
}
