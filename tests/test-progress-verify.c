/* test-progress-verify.c: saved progress and resuming by re-checking gates (td-progress), and
 * `todo-deploy --verify` (td-verify-cli), on a project where every gate can hold: fake tools, the
 * Kubernetes API double with four ready pods, and a local HTTP stand-in for the frontend */
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "td-progress.h"
#include "td-verify-cli.h"
#include "fake-tools-util.h"
#include "kube-double/kd-server.h"

#define GUARD_SECONDS 60

static const char * const all_tools[] = { "minikube", "docker", "helm", NULL };
static char *state_home;

/* ---- a deployed project ---- */

typedef struct {
  FakeTools  *fake;
  char       *project;
  KdServer   *server;
  SoupServer *frontend;
  char       *frontend_url;
} Deployed;

static void
frontend_handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer user_data)
{
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, "<html></html>", 13);
}

static void
write_file (const char *project, const char *relative, const char *contents)
{
  g_autofree char *path = g_build_filename (project, relative, NULL);
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
}

static const char ready_pod[] =
  "{\"ageSeconds\":600,\"metadata\":{\"name\":\"%s\",\"labels\":{\"app\":\"%s\"}},"
  "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"%s:latest\",\"imagePullPolicy\":\"Never\"}]},"
  "\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}],"
  "\"containerStatuses\":[{\"name\":\"c\",\"ready\":true,\"started\":true,\"restartCount\":0,"
  "\"state\":{\"running\":{\"startedAt\":\"2025-01-01T00:00:00Z\"}}}]}}";

static KdScenario *
four_ready_pods (void)
{
  g_autoptr(GString) json = g_string_new ("{\"namespace\":\"default\",\"watchEndMs\":-1,\"pods\":[");
  const char *apps[] = { "todo-backend", "todo-backend", "todo-frontend", "todo-frontend" };
  g_autofree char *dir = g_dir_make_tmp ("td-scenario-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "scenario.json", NULL);
  g_autoptr(GError) error = NULL;
  KdScenario *scenario;

  for (guint i = 0; i < G_N_ELEMENTS (apps); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s-%u", apps[i], i);
      g_string_append_printf (json, "%s", i > 0 ? "," : "");
      g_string_append_printf (json, ready_pod, name, apps[i], apps[i]);
    }
  g_string_append (json, "]}");
  g_assert_true (g_file_set_contents (path, json->str, -1, NULL));
  scenario = kd_scenario_load (path, &error);
  g_assert_no_error (error);
  fake_tools_remove_tree (dir);
  return scenario;
}

static void
append_audit (TdAuditLog *log, const char *tag, guint times)
{
  for (guint i = 0; i < times; i++)
    g_assert_true (td_audit_log_append (log, tag, "prompt", "result", NULL));
}

/* Every artifact, a started cluster, built images, a deployed release, ready pods, an answering
 * frontend, and a complete audit log. @settings add FAKE_… switches. */
static Deployed *
deployed_new (const char *extra_setting)
{
  Deployed *deployed = g_new0 (Deployed, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(TdAuditLog) log = NULL;
  g_autofree char *url_setting = NULL;
  g_autoptr(FakeRun) start = NULL;
  const char *templates[] = { "backend-deployment.yaml", "backend-service.yaml", "frontend-deployment.yaml",
                              "frontend-service.yaml", "configmap.yaml" };
  GSList *uris;

  deployed->frontend = soup_server_new (NULL, NULL);
  soup_server_add_handler (deployed->frontend, NULL, frontend_handler, NULL, NULL);
  g_assert_true (soup_server_listen_local (deployed->frontend, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  uris = soup_server_get_uris (deployed->frontend);
  deployed->frontend_url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  url_setting = g_strconcat ("FAKE_MINIKUBE_SERVICE_URL=", deployed->frontend_url, NULL);

  deployed->fake = fake_tools_new (all_tools, (const char * const []) {
    url_setting, "FAKE_DOCKER_IMAGE_SIZE=187654321",
    extra_setting ? extra_setting : "FAKE_HELM_STATUS=deployed", NULL });
  start = fake_tools_run (deployed->fake, (const char * const []) { "minikube", "start", NULL }, NULL);
  g_assert_cmpint (start->status, ==, 0);

  deployed->project = g_dir_make_tmp ("td-deployed-XXXXXX", NULL);
  write_file (deployed->project, "charts/todo-app/Chart.yaml", "apiVersion: v2\nname: todo-app\nversion: 0.1.0\n");
  for (guint i = 0; i < G_N_ELEMENTS (templates); i++)
    {
      g_autofree char *relative = g_build_filename ("charts/todo-app/templates", templates[i], NULL);
      write_file (deployed->project, relative, "# a template\n");
    }
  write_file (deployed->project, "Dockerfile.backend", "FROM python:3.11-slim\n");
  write_file (deployed->project, "Dockerfile.frontend", "FROM node:20-alpine\n");
  {
    g_autoptr(TdPlan) plan = td_plan_new_default (NULL);
    log = td_audit_log_new (deployed->project, td_plan_get_setting (plan, "audit_log"),
                            td_plan_get_setting (plan, "audit_header"));
  }
  g_assert_true (td_audit_log_ensure (log, NULL));
  append_audit (log, "ENV", 1);
  append_audit (log, "GORDON", 2);
  append_audit (log, "KUBECTL-AI", 5);
  append_audit (log, "HELM", 1);
  append_audit (log, "KAGENT", 1);
  append_audit (log, "KUBECTL", 1);   /* the built-in analysis stands in for one KAGENT line */

  deployed->server = kd_server_new (four_ready_pods (), NULL, &error);
  g_assert_no_error (error);
  return deployed;
}

static void
deployed_free (Deployed *deployed)
{
  kd_server_free (deployed->server);
  soup_server_disconnect (deployed->frontend);
  g_object_unref (deployed->frontend);
  g_free (deployed->frontend_url);
  fake_tools_remove_tree (deployed->project);
  g_free (deployed->project);
  fake_tools_free (deployed->fake);
  g_free (deployed);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Deployed, deployed_free)

/* Runs --verify in a thread-default context of its own (it runs its own loop), returning its
 * output lines. */
static GStrv
run_verify (Deployed *deployed, const char *project, int *out_status)
{
  TdVerifyOptions options = { .project = project, .kubeconfig = kd_server_get_kubeconfig_path (deployed->server) };
  g_autofree char *text = NULL;
  FILE *out = tmpfile ();
  FILE *err = tmpfile ();
  long size;

  *out_status = td_verify_cli_run (&options, deployed->fake->runner, out, err);
  size = ftell (out);
  text = g_malloc0 (size + 1);
  rewind (out);
  g_assert_cmpint (fread (text, 1, size, out), ==, size);
  fclose (out);
  fclose (err);
  return g_strsplit (g_strchomp (text), "\n", -1);
}

/* ---- --verify ---- */

static const char * const phase_ids[] = {
  "setup", "cluster", "backend-image", "frontend-image", "manifests", "deploy", "verify", "polish",
};

static void
test_verify_all_hold (void)
{
  g_autoptr(Deployed) deployed = deployed_new (NULL);
  g_auto(GStrv) lines = NULL;
  int status = -1;

  lines = run_verify (deployed, deployed->project, &status);
  g_assert_cmpuint (g_strv_length (lines), ==, G_N_ELEMENTS (phase_ids));
  for (guint i = 0; i < G_N_ELEMENTS (phase_ids); i++)
    {
      g_autofree char *prefix = g_strdup_printf ("%-15s PASS  ", phase_ids[i]);
      if (!g_str_has_prefix (lines[i], prefix))
        g_test_message ("line %u: %s", i, lines[i]);
      g_assert_true (g_str_has_prefix (lines[i], prefix));
    }
  g_assert_nonnull (strstr (lines[6], "pods-ready: 4 of 4 pods are Running and ready."));
  g_assert_nonnull (strstr (lines[6], deployed->frontend_url));
  g_assert_cmpint (status, ==, TD_VERIFY_EXIT_ALL_HOLD);
}

static void
test_verify_reports_a_failing_gate (void)
{
  g_autoptr(Deployed) deployed = deployed_new ("FAKE_HELM_STATUS=failed");
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) starts = NULL;
  g_autofree char *log = NULL;
  int status = -1;

  lines = run_verify (deployed, deployed->project, &status);
  g_assert_cmpint (status, ==, TD_VERIFY_EXIT_SOME_FAIL);
  g_assert_cmpuint (g_strv_length (lines), ==, G_N_ELEMENTS (phase_ids));
  g_assert_true (g_str_has_prefix (lines[5], "deploy          FAIL  helm-status: Release todo-app is failed."));
  g_assert_true (g_str_has_prefix (lines[6], "verify          PASS  "));
  /* Nothing was changed: no install, upgrade, start or build ran. */
  g_assert_true (g_file_get_contents (deployed->fake->log, &log, NULL, NULL));
  g_assert_null (strstr (log, "helm upgrade"));
  g_assert_null (strstr (log, "docker build"));
  starts = g_strsplit (log, "minikube start", -1);
  g_assert_cmpuint (g_strv_length (starts), ==, 2);  /* only the test's own */
}

static void
test_verify_without_project (void)
{
  g_autoptr(Deployed) deployed = deployed_new (NULL);
  g_autofree char *missing = g_build_filename (deployed->project, "no-such-folder", NULL);
  g_auto(GStrv) lines = NULL;
  int status = -1;

  lines = run_verify (deployed, missing, &status);
  g_assert_cmpint (status, ==, TD_VERIFY_EXIT_ERROR);
  g_assert_cmpstr (lines[0], ==, NULL);
}

/* ---- saved progress ---- */

static void
test_progress_round_trip (void)
{
  g_autofree char *a = g_dir_make_tmp ("td-project-a-XXXXXX", NULL);
  g_autofree char *b = g_dir_make_tmp ("td-project-b-XXXXXX", NULL);
  g_autofree char *path = td_progress_path_for (a);
  g_autofree char *a_dot = g_build_filename (a, ".", NULL);
  g_autofree char *path_dot = td_progress_path_for (a_dot);
  g_auto(GStrv) empty = td_progress_load (a, NULL);
  g_auto(GStrv) saved = NULL;
  g_auto(GStrv) other = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_str_has_prefix (path, state_home));
  g_assert_cmpstr (path, ==, path_dot);   /* the same folder, however it is written */
  g_assert_cmpuint (g_strv_length (empty), ==, 0);
  g_assert_true (td_progress_set_passed (a, "setup", TRUE, &error));
  g_assert_true (td_progress_set_passed (a, "cluster", TRUE, &error));
  g_assert_true (td_progress_set_passed (a, "setup", TRUE, &error));   /* no duplicate */
  g_assert_true (td_progress_set_passed (a, "backend-image", TRUE, &error));
  g_assert_true (td_progress_set_passed (a, "cluster", FALSE, &error));
  g_assert_no_error (error);
  saved = td_progress_load (a, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (saved, ((const char * const []) { "setup", "backend-image", NULL }));
  other = td_progress_load (b, &error);
  g_assert_cmpuint (g_strv_length (other), ==, 0);

  g_assert_true (g_file_set_contents (path, "{not json", -1, NULL));
  g_assert_null (td_progress_load (a, &error));
  g_assert_nonnull (error);
  g_remove (path);
  fake_tools_remove_tree (a);
  fake_tools_remove_tree (b);
}

static char *
resume (Deployed *deployed, GStrv *holding)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdPlan) plan = td_plan_new_default (NULL);
  g_autoptr(TdDeployment) deployment = td_deployment_new (plan, deployed->fake->runner, deployed->project);
  g_autoptr(GAsyncResult) result = NULL;
  char *phase_id;

  td_deployment_set_kubeconfig_path (deployment, kd_server_get_kubeconfig_path (deployed->server));
  td_progress_resume_async (deployment, NULL, fake_tools_store_result, &result);
  fake_tools_wait_result (&result, GUARD_SECONDS);
  phase_id = td_progress_resume_finish (result, holding, &error);
  g_assert_no_error (error);
  return phase_id;
}

static void
remove_progress (const char *project)
{
  g_autofree char *path = td_progress_path_for (project);

  g_remove (path);
}

static void
test_resume_rechecks_saved_phases (void)
{
  g_autoptr(Deployed) deployed = deployed_new (NULL);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *log = NULL;
  g_auto(GStrv) holding = NULL;
  g_auto(GStrv) holding_again = NULL;
  g_auto(GStrv) saved = NULL;

  /* Setup was saved; the cluster was not: resume stops there without checking it. */
  g_assert_true (td_progress_set_passed (deployed->project, "setup", TRUE, NULL));
  first = resume (deployed, &holding);
  g_assert_cmpstr (first, ==, "cluster");
  g_assert_cmpstrv (holding, ((const char * const []) { "setup", NULL }));
  g_assert_true (g_file_get_contents (deployed->fake->log, &log, NULL, NULL));
  g_assert_null (strstr (log, "minikube status"));

  /* Cluster and backend image saved, but the backend Dockerfile has gone since: the cluster is
   * re-checked and holds, the backend image no longer does and is forgotten. */
  g_assert_true (td_progress_set_passed (deployed->project, "cluster", TRUE, NULL));
  g_assert_true (td_progress_set_passed (deployed->project, "backend-image", TRUE, NULL));
  g_assert_true (td_progress_set_passed (deployed->project, "frontend-image", TRUE, NULL));
  {
    g_autofree char *dockerfile = g_build_filename (deployed->project, "Dockerfile.backend", NULL);
    g_assert_cmpint (g_remove (dockerfile), ==, 0);
  }
  second = resume (deployed, &holding_again);
  g_assert_cmpstr (second, ==, "backend-image");
  g_assert_cmpstrv (holding_again, ((const char * const []) { "setup", "cluster", NULL }));
  saved = td_progress_load (deployed->project, NULL);
  g_assert_cmpstrv (saved, ((const char * const []) { "setup", "cluster", "frontend-image", NULL }));
  remove_progress (deployed->project);
}

static void
test_resume_all_passed (void)
{
  g_autoptr(Deployed) deployed = deployed_new (NULL);
  g_autofree char *next = NULL;
  g_auto(GStrv) holding = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (phase_ids); i++)
    g_assert_true (td_progress_set_passed (deployed->project, phase_ids[i], TRUE, NULL));
  next = resume (deployed, &holding);
  g_assert_null (next);
  g_assert_cmpuint (g_strv_length (holding), ==, G_N_ELEMENTS (phase_ids));
  remove_progress (deployed->project);
}

int
main (int argc, char **argv)
{
  int status;

  /* GLib reads XDG_STATE_HOME once: point it at a temporary folder before anything asks. */
  state_home = g_dir_make_tmp ("td-state-XXXXXX", NULL);
  g_setenv ("XDG_STATE_HOME", state_home, TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/progress/round-trip", test_progress_round_trip);
  g_test_add_func ("/progress/resume-rechecks", test_resume_rechecks_saved_phases);
  g_test_add_func ("/progress/resume-all-passed", test_resume_all_passed);
  g_test_add_func ("/verify-cli/all-hold", test_verify_all_hold);
  g_test_add_func ("/verify-cli/failing-gate", test_verify_reports_a_failing_gate);
  g_test_add_func ("/verify-cli/no-project", test_verify_without_project);
  status = g_test_run ();
  fake_tools_remove_tree (state_home);
  g_free (state_home);
  return status;
}
