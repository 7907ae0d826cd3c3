/* test-preflight.c: the preflight rows for tools, agents and the project, against fake tools on a
 * PATH that holds nothing else */
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "td-core-enums.h"
#include "td-error.h"
#include "td-preflight.h"

static const char * const all_tools[] = {
  "minikube", "docker", "kubectl", "helm", "kubectl-ai", "kagent", NULL,
};

/* The values in the fixtures' .env files: none may ever appear in a row. */
static const char * const fixture_secrets[] = {
  "fake-db-password", "postgresql://", "sk-fake-openai-key-for-tests",
  "fake-better-auth-secret-for-tests", NULL,
};

typedef struct {
  char        *dir;       /* temporary: bin/ and the call log */
  char        *bin_dir;   /* the only directory on PATH: links to the chosen fake tools */
  char        *log;
  TdRunner    *runner;
  TdPreflight *preflight;
} Env;

/* A runner whose children see PATH = a directory holding only @tools (real ones stay hidden),
 * plus @settings ("FAKE_DOCKER_AI=missing", …). */
static Env *
env_new (const char * const *tools,
         const char * const *settings)
{
  Env *env = g_new0 (Env, 1);
  g_auto(GStrv) envp = g_get_environ ();
  g_autofree char *no_flatpak = NULL;

  env->dir = g_dir_make_tmp ("td-preflight-XXXXXX", NULL);
  g_assert_nonnull (env->dir);
  env->bin_dir = g_build_filename (env->dir, "bin", NULL);
  env->log = g_build_filename (env->dir, "calls.log", NULL);
  g_assert_cmpint (g_mkdir (env->bin_dir, 0700), ==, 0);

  for (guint i = 0; tools[i] != NULL; i++)
    {
      g_autofree char *target = g_test_build_filename (G_TEST_DIST, "fake-tools", tools[i], NULL);
      g_autofree char *link = g_build_filename (env->bin_dir, tools[i], NULL);

      g_assert_cmpint (symlink (target, link), ==, 0);
    }

  envp = g_environ_setenv (envp, "PATH", env->bin_dir, TRUE);
  envp = g_environ_setenv (envp, "FAKE_TOOLS_LOG", env->log, TRUE);
  for (guint i = 0; settings != NULL && settings[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (settings[i], "=", 2);
      envp = g_environ_setenv (envp, pair[0], pair[1], TRUE);
    }

  env->runner = td_runner_new ();
  td_runner_set_environ (env->runner, (const char * const *) envp);
  no_flatpak = g_build_filename (env->dir, "no-flatpak-info", NULL);
  td_runner_set_flatpak_info_path (env->runner, no_flatpak);
  env->preflight = td_preflight_new (env->runner);
  return env;
}

static void
env_free (Env *env)
{
  g_autoptr(GDir) bin = g_dir_open (env->bin_dir, 0, NULL);
  const char *name;

  while (bin != NULL && (name = g_dir_read_name (bin)) != NULL)
    {
      g_autofree char *path = g_build_filename (env->bin_dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (env->bin_dir);
  g_unlink (env->log);
  g_rmdir (env->dir);
  g_object_unref (env->preflight);
  g_object_unref (env->runner);
  g_free (env->bin_dir);
  g_free (env->log);
  g_free (env->dir);
  g_free (env);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Env, env_free)

static void
on_ready (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
run_preflight_in (Env           *env,
                  GFile         *project,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  td_preflight_run_async (env->preflight, project, cancellable, on_ready, &result);
  if (cancellable != NULL)
    g_cancellable_cancel (cancellable);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return td_preflight_run_finish (env->preflight, result, error);
}

/* Runs against tests/fixtures/projects/@fixture (NULL: no project chosen). */
static gboolean
run_preflight (Env        *env,
               const char *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) project = NULL;
  gboolean passed;

  if (fixture != NULL)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "projects", fixture,
                                                     NULL);
      project = g_file_new_for_path (path);
    }
  passed = run_preflight_in (env, project, NULL, &error);
  g_assert_no_error (error);
  return passed;
}

static TdPreflightCheck *
row (Env        *env,
     const char *id)
{
  TdPreflightCheck *check = td_preflight_lookup (env->preflight, id);

  g_assert_nonnull (check);
  return check;
}

static void
assert_row (Env           *env,
            const char    *id,
            TdCheckStatus  status,
            const char    *detail,
            const char    *fix)
{
  TdPreflightCheck *check = row (env, id);

  if (td_preflight_check_get_status (check) != status)
    g_error ("row %s: status %d, expected %d (detail: %s)", id,
             td_preflight_check_get_status (check), status, td_preflight_check_get_detail (check));
  g_assert_cmpstr (td_preflight_check_get_detail (check), ==, detail);
  g_assert_cmpstr (td_preflight_check_get_fix (check), ==, fix);
}

static void
assert_tool_ok (Env        *env,
                const char *id,
                const char *program,
                const char *version)
{
  TdPreflightCheck *check = row (env, id);
  g_autofree char *found = g_strdup_printf ("Found at %s/%s", env->bin_dir, program);

  g_assert_cmpint (td_preflight_check_get_status (check), ==, TD_CHECK_STATUS_OK);
  g_assert_cmpstr (td_preflight_check_get_version (check), ==, version);
  if (g_strcmp0 (id, "gordon") != 0)
    g_assert_cmpstr (td_preflight_check_get_detail (check), ==, found);
  g_assert_null (td_preflight_check_get_fix (check));
}

static void
assert_no_secrets (Env *env)
{
  GListModel *checks = td_preflight_get_checks (env->preflight);
  const char *props[] = { "id", "title", "version", "detail", "fix" };

  for (guint i = 0; i < g_list_model_get_n_items (checks); i++)
    {
      g_autoptr(GObject) check = g_list_model_get_item (checks, i);

      for (guint p = 0; p < G_N_ELEMENTS (props); p++)
        {
          g_autofree char *value = NULL;

          g_object_get (check, props[p], &value, NULL);
          for (guint s = 0; value != NULL && fixture_secrets[s] != NULL; s++)
            if (strstr (value, fixture_secrets[s]) != NULL)
              g_error ("a .env value leaked into %s of row %u: %s", props[p], i, value);
        }
    }
}

static char *
read_log (Env *env)
{
  char *text = NULL;

  if (!g_file_get_contents (env->log, &text, NULL, NULL))
    return g_strdup ("");
  return text;
}

static void
test_order (void)
{
  g_autoptr(Env) env = env_new (all_tools, NULL);
  const char *expected[] = {
    "minikube", "docker", "kubectl", "helm", "gordon", "kubectl-ai", "kagent",
    "backend-requirements", "backend-main", "frontend-package", "frontend-lockfile",
    "next-standalone", "env-file",
  };
  GListModel *checks = td_preflight_get_checks (env->preflight);

  g_assert_cmpuint (g_list_model_get_n_items (checks), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(TdPreflightCheck) check = g_list_model_get_item (checks, i);

      g_assert_cmpstr (td_preflight_check_get_id (check), ==, expected[i]);
      g_assert_cmpint (td_preflight_check_get_status (check), ==, TD_CHECK_STATUS_UNKNOWN);
      g_assert_cmpint (td_preflight_check_get_group (check), ==,
                       i < 4 ? TD_CHECK_GROUP_TOOL : i < 7 ? TD_CHECK_GROUP_AGENT : TD_CHECK_GROUP_PROJECT);
    }
  g_assert_true (td_preflight_check_get_required (row (env, "helm")));
  g_assert_false (td_preflight_check_get_required (row (env, "gordon")));
  g_assert_true (td_preflight_check_get_required (row (env, "env-file")));
}

static void
test_complete (void)
{
  g_autoptr(Env) env = env_new (all_tools, NULL);
  g_autofree char *log = NULL;

  g_assert_true (run_preflight (env, "complete"));

  assert_tool_ok (env, "minikube", "minikube", "v1.37.0");
  assert_tool_ok (env, "docker", "docker", "28.2.2");
  assert_tool_ok (env, "kubectl", "kubectl", "v1.32.4");
  assert_tool_ok (env, "helm", "helm", "v3.21.0");
  assert_tool_ok (env, "gordon", "docker", "v1.9.11");
  assert_tool_ok (env, "kubectl-ai", "kubectl-ai", "0.0.28");
  assert_tool_ok (env, "kagent", "kagent", "0.9.12");

  assert_row (env, "backend-requirements", TD_CHECK_STATUS_OK, "Found backend/requirements.txt", NULL);
  assert_row (env, "backend-main", TD_CHECK_STATUS_OK, "Found backend/main.py", NULL);
  assert_row (env, "frontend-package", TD_CHECK_STATUS_OK, "Found frontend/package.json", NULL);
  assert_row (env, "frontend-lockfile", TD_CHECK_STATUS_OK, "Found frontend/package-lock.json", NULL);
  assert_row (env, "next-standalone", TD_CHECK_STATUS_OK,
              "frontend/next.config.mjs sets output: 'standalone'", NULL);
  assert_row (env, "env-file", TD_CHECK_STATUS_OK,
              "DATABASE_URL, OPENAI_API_KEY and BETTER_AUTH_SECRET are set", NULL);
  assert_no_secrets (env);

  /* The exact commands, each run once; Gordon through "docker ai version", never "--help". */
  log = read_log (env);
  g_assert_nonnull (strstr (log, "minikube version --short\n"));
  g_assert_nonnull (strstr (log, "docker --version\n"));
  g_assert_nonnull (strstr (log, "kubectl version --client\n"));
  g_assert_nonnull (strstr (log, "helm version --short\n"));
  g_assert_nonnull (strstr (log, "docker ai version\n"));
  g_assert_nonnull (strstr (log, "kubectl-ai version\n"));
  g_assert_nonnull (strstr (log, "kagent version\n"));
  g_assert_null (strstr (log, "--help"));
}

static void
test_gordon_missing (void)
{
  const char *settings[] = { "FAKE_DOCKER_AI=missing", NULL };
  g_autoptr(Env) env = env_new (all_tools, settings);
  TdPreflightCheck *gordon;

  g_assert_true (run_preflight (env, "complete"));
  gordon = row (env, "gordon");
  g_assert_cmpint (td_preflight_check_get_status (gordon), ==, TD_CHECK_STATUS_WARNING);
  g_assert_null (td_preflight_check_get_version (gordon));
  g_assert_cmpstr (td_preflight_check_get_detail (gordon), ==,
                   "Gordon, Docker’s AI agent (the “docker ai” plugin), is not installed");
  g_assert_nonnull (strstr (td_preflight_check_get_fix (gordon), "Docker Desktop"));
  /* Docker itself is fine. */
  assert_tool_ok (env, "docker", "docker", "28.2.2");
}

static void
test_agents_missing_are_warnings (void)
{
  const char *required_only[] = { "minikube", "docker", "kubectl", "helm", NULL };
  g_autoptr(Env) env = env_new (required_only, NULL);

  g_assert_true (run_preflight (env, "complete"));
  assert_row (env, "kubectl-ai", TD_CHECK_STATUS_WARNING,
              "“kubectl-ai” is not installed or not on PATH",
              "Optional: install kubectl-ai from https://github.com/GoogleCloudPlatform/kubectl-ai; "
              "without it the wizard offers its bundled Helm chart");
  assert_row (env, "kagent", TD_CHECK_STATUS_WARNING,
              "“kagent” is not installed or not on PATH",
              "Optional: install the kagent CLI (https://kagent.dev/docs/kagent/getting-started/quickstart); "
              "without it the wizard uses its built-in health analysis");
  assert_tool_ok (env, "helm", "helm", "v3.21.0");
}

static void
test_required_missing_fails (void)
{
  const char *no_helm_no_docker[] = { "minikube", "kubectl", "kubectl-ai", "kagent", NULL };
  g_autoptr(Env) env = env_new (no_helm_no_docker, NULL);

  g_assert_false (run_preflight (env, "complete"));
  assert_row (env, "helm", TD_CHECK_STATUS_FAILED, "“helm” is not installed or not on PATH",
              "Install Helm: https://helm.sh/docs/intro/install/");
  assert_row (env, "docker", TD_CHECK_STATUS_FAILED, "“docker” is not installed or not on PATH",
              "Install Docker Engine: https://docs.docker.com/engine/install/");
  /* Without docker there is no Gordon either, but that stays a warning. */
  g_assert_cmpint (td_preflight_check_get_status (row (env, "gordon")), ==, TD_CHECK_STATUS_WARNING);
  assert_tool_ok (env, "minikube", "minikube", "v1.37.0");
}

static void
test_required_tool_fails_to_run (void)
{
  const char *settings[] = { "FAKE_MINIKUBE=fail", NULL };
  g_autoptr(Env) env = env_new (all_tools, settings);

  g_assert_false (run_preflight (env, "complete"));
  assert_row (env, "minikube", TD_CHECK_STATUS_FAILED,
              "“minikube version --short” failed (exit status 1): ❌  Exiting due to simulated failure",
              "Install Minikube: https://minikube.sigs.k8s.io/docs/start/");
}

static void
test_hanging_tool (void)
{
  const char *settings[] = { "FAKE_KUBECTL=hang", NULL };
  g_autoptr(Env) env = env_new (all_tools, settings);

  /* Long enough for the other fake tools to answer even on a loaded machine. */
  td_preflight_set_tool_timeout (env->preflight, 1500);
  g_assert_false (run_preflight (env, "complete"));
  assert_row (env, "kubectl", TD_CHECK_STATUS_FAILED,
              "“kubectl version --client” did not answer within 1.5 s",
              "Run “kubectl version --client” in a terminal to see what it waits for, then check again");
  assert_tool_ok (env, "helm", "helm", "v3.21.0");
}

static void
test_no_lockfile (void)
{
  g_autoptr(Env) env = env_new (all_tools, NULL);

  g_assert_false (run_preflight (env, "no-lockfile"));
  assert_row (env, "frontend-lockfile", TD_CHECK_STATUS_FAILED,
              "frontend/package-lock.json is missing: the frontend image runs “npm ci”, which needs it",
              "Run “npm install” in frontend/ to create package-lock.json");
  assert_row (env, "frontend-package", TD_CHECK_STATUS_OK, "Found frontend/package.json", NULL);
  g_assert_cmpint (td_preflight_check_get_status (row (env, "env-file")), ==, TD_CHECK_STATUS_OK);
}

static void
test_no_standalone (void)
{
  g_autoptr(Env) env = env_new (all_tools, NULL);

  /* A warning, not a failure: the wizard can add it in the Frontend Image phase. */
  g_assert_true (run_preflight (env, "no-standalone"));
  assert_row (env, "next-standalone", TD_CHECK_STATUS_WARNING,
              "frontend/next.config.mjs does not set output: 'standalone', which the frontend image needs",
              "Add output: 'standalone' to frontend/next.config.mjs; the wizard offers to add it in "
              "the Frontend Image phase");
}

static void
test_env_missing_key (void)
{
  g_autoptr(Env) env = env_new (all_tools, NULL);

  g_assert_false (run_preflight (env, "env-missing-key"));
  assert_row (env, "env-file", TD_CHECK_STATUS_FAILED, "Missing keys: OPENAI_API_KEY",
              "Add OPENAI_API_KEY to .env (one KEY=value per line)");
  assert_no_secrets (env);
}

static void
test_empty_project (void)
{
  g_autoptr(Env) env = env_new (all_tools, NULL);
  g_autofree char *dir = g_dir_make_tmp ("td-preflight-project-XXXXXX", NULL);
  g_autoptr(GFile) project = g_file_new_for_path (dir);
  g_autoptr(GError) error = NULL;

  g_assert_false (run_preflight_in (env, project, NULL, &error));
  g_assert_no_error (error);
  assert_row (env, "backend-main", TD_CHECK_STATUS_FAILED,
              "The backend image starts the FastAPI app from backend/main.py, which is missing",
              "Choose the repository’s top folder, the one that contains backend/ and frontend/");
  assert_row (env, "next-standalone", TD_CHECK_STATUS_WARNING,
              "No next.config.js, next.config.mjs or next.config.ts in frontend/",
              "Create frontend/next.config.mjs with output: 'standalone'; the wizard offers to add it "
              "in the Frontend Image phase");
  assert_row (env, "env-file", TD_CHECK_STATUS_FAILED, "No .env file in the project folder",
              "Create .env in the project folder with DATABASE_URL, OPENAI_API_KEY and "
              "BETTER_AUTH_SECRET (one KEY=value per line)");
  g_rmdir (dir);
}

static void
test_no_project (void)
{
  g_autoptr(Env) env = env_new (all_tools, NULL);

  g_assert_false (run_preflight (env, NULL));
  assert_row (env, "env-file", TD_CHECK_STATUS_UNKNOWN, "No project folder chosen yet",
              "Choose the Todo Chatbot project folder");
  assert_tool_ok (env, "kubectl", "kubectl", "v1.32.4");
}

static void
test_cancel (void)
{
  const char *settings[] = { "FAKE_MINIKUBE=hang", NULL };
  g_autoptr(Env) env = env_new (all_tools, settings);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GFile) project = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "projects", "complete", NULL);

  /* The default 10 s limit: only the cancel can end the hanging minikube this quickly. */
  project = g_file_new_for_path (path);
  g_assert_false (run_preflight_in (env, project, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_row (env, "minikube", TD_CHECK_STATUS_UNKNOWN, "Check stopped", NULL);
}

static void
test_sandboxed_runs_on_host (void)
{
  const char *with_spawn[] = { "minikube", "docker", "kubectl", "helm", "kubectl-ai", "kagent",
                               "flatpak-spawn", NULL };
  g_autoptr(Env) env = env_new (with_spawn, NULL);
  g_autofree char *info = g_build_filename (env->dir, "flatpak-info", NULL);
  g_autofree char *log = NULL;

  g_assert_true (g_file_set_contents (info, "[Application]\n", -1, NULL));
  td_runner_set_flatpak_info_path (env->runner, info);
  g_assert_true (run_preflight (env, "complete"));
  assert_row (env, "helm", TD_CHECK_STATUS_OK, "Found on the host", NULL);
  g_assert_cmpstr (td_preflight_check_get_version (row (env, "helm")), ==, "v3.21.0");

  log = read_log (env);
  g_assert_nonnull (strstr (log, "flatpak-spawn --host --watch-bus helm version --short\n"));
  g_assert_nonnull (strstr (log, "flatpak-spawn --host --watch-bus docker ai version\n"));
  g_unlink (info);
}

static void
test_sandboxed_host_tool_missing (void)
{
  const char *no_helm[] = { "minikube", "docker", "kubectl", "kubectl-ai", "kagent", "flatpak-spawn",
                            NULL };
  g_autoptr(Env) env = env_new (no_helm, NULL);
  g_autofree char *info = g_build_filename (env->dir, "flatpak-info", NULL);

  g_assert_true (g_file_set_contents (info, "[Application]\n", -1, NULL));
  td_runner_set_flatpak_info_path (env->runner, info);
  g_assert_false (run_preflight (env, "complete"));
  assert_row (env, "helm", TD_CHECK_STATUS_FAILED,
              "“helm” is not installed on the host or not on its PATH",
              "Install Helm: https://helm.sh/docs/intro/install/");
  g_unlink (info);
}

/* flatpak-spawn cannot reach the Flatpak service: every tool row names the missing permission and
 * the exact command that grants it, instead of calling the tools "not installed". */
static void
test_sandboxed_without_host_permission (gconstpointer mode)
{
  const char *with_spawn[] = { "minikube", "docker", "kubectl", "helm", "kubectl-ai", "kagent",
                               "flatpak-spawn", NULL };
  g_autofree char *setting = g_strdup_printf ("FAKE_FLATPAK_SPAWN=%s", (const char *) mode);
  const char *settings[] = { setting, NULL };
  g_autoptr(Env) env = env_new (with_spawn, settings);
  g_autofree char *info = g_build_filename (env->dir, "flatpak-info", NULL);
  const char *expected_fix =
    "Run “flatpak override --user --talk-name=org.freedesktop.Flatpak io.github.tododeploy.TodoDeploy” "
    "in a terminal, then restart Todo Deploy";
  g_autofree char *log = NULL;

  g_assert_true (g_file_set_contents (info, "[Application]\n", -1, NULL));
  td_runner_set_flatpak_info_path (env->runner, info);
  g_assert_false (run_preflight (env, "complete"));
  for (guint i = 0; all_tools[i] != NULL; i++)
    assert_row (env, all_tools[i], TD_CHECK_STATUS_FAILED,
                "Todo Deploy cannot start programs on the host: its Flatpak permission to talk to "
                "org.freedesktop.Flatpak is missing", expected_fix);
  assert_row (env, "gordon", TD_CHECK_STATUS_FAILED,
              "Todo Deploy cannot start programs on the host: its Flatpak permission to talk to "
              "org.freedesktop.Flatpak is missing", expected_fix);
  /* The tools were asked for through flatpak-spawn, and none of them ran. */
  log = read_log (env);
  g_assert_nonnull (strstr (log, "flatpak-spawn --host --watch-bus helm version --short\n"));
  g_assert_null (strstr (log, "\nhelm "));
  g_assert_false (g_str_has_prefix (log, "helm "));
  /* The project rows do not depend on the host. */
  g_assert_cmpint (td_preflight_check_get_status (row (env, "env-file")), ==, TD_CHECK_STATUS_OK);
  g_unlink (info);
}

static void
test_parse_version (void)
{
  const struct { const char *output; const char *version; } cases[] = {
    { "v1.37.0\n", "v1.37.0" },
    { "Docker version 28.2.2, build e6534b4\n", "28.2.2" },
    { "Client Version: v1.32.4-dispatcher\nKustomize Version: v5.5.0\n", "v1.32.4" },
    { "v3.21.0+g1a2b3c4\n", "v3.21.0" },
    { "version: 0.0.20\ncommit: 3b1f0e4\ndate: 2025-07-30T10:12:00Z\n", "0.0.20" },
    { "{\"build_date\":\"2025-09-12\",\"kagent_version\":\"0.9.12\"}", "0.9.12" },
    { "no version here, build 2025\n", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *version = td_preflight_parse_version (cases[i].output);
      g_assert_cmpstr (version, ==, cases[i].version);
    }
  g_assert_null (td_preflight_parse_version (NULL));
}

static void
test_status_icons (void)
{
  g_assert_cmpstr (td_check_status_icon_name (TD_CHECK_STATUS_OK), ==, "emblem-ok-symbolic");
  g_assert_cmpstr (td_check_status_icon_name (TD_CHECK_STATUS_FAILED), ==, "dialog-error-symbolic");
  g_assert_cmpstr (td_check_status_icon_name (TD_CHECK_STATUS_WARNING), ==, "dialog-warning-symbolic");
  g_assert_true (g_type_is_a (TD_TYPE_CHECK_STATUS, G_TYPE_ENUM));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/preflight/order", test_order);
  g_test_add_func ("/preflight/complete", test_complete);
  g_test_add_func ("/preflight/gordon-missing", test_gordon_missing);
  g_test_add_func ("/preflight/agents-missing-are-warnings", test_agents_missing_are_warnings);
  g_test_add_func ("/preflight/required-missing-fails", test_required_missing_fails);
  g_test_add_func ("/preflight/required-tool-fails-to-run", test_required_tool_fails_to_run);
  g_test_add_func ("/preflight/hanging-tool", test_hanging_tool);
  g_test_add_func ("/preflight/project/no-lockfile", test_no_lockfile);
  g_test_add_func ("/preflight/project/no-standalone", test_no_standalone);
  g_test_add_func ("/preflight/project/env-missing-key", test_env_missing_key);
  g_test_add_func ("/preflight/project/empty", test_empty_project);
  g_test_add_func ("/preflight/project/none", test_no_project);
  g_test_add_func ("/preflight/cancel", test_cancel);
  g_test_add_func ("/preflight/sandboxed-runs-on-host", test_sandboxed_runs_on_host);
  g_test_add_func ("/preflight/sandboxed-host-tool-missing", test_sandboxed_host_tool_missing);
  g_test_add_data_func ("/preflight/sandboxed-without-host-permission/service-unknown",
                        "service-unknown", test_sandboxed_without_host_permission);
  g_test_add_data_func ("/preflight/sandboxed-without-host-permission/access-denied",
                        "access-denied", test_sandboxed_without_host_permission);
  g_test_add_func ("/preflight/parse-version", test_parse_version);
  g_test_add_func ("/preflight/status-icons", test_status_icons);

  return g_test_run ();
}
