/* test-check-artifact-cli.c: the built `todo-deploy --check-artifact FILE --task TNNN`, run without
 * a display: its output lines and exit status 0 (meets the contract), 1 (does not), 2 (cannot check). */
#include <string.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

typedef struct {
  int    status;
  char  *out;
  char  *err;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static char *
fixture (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "fixtures", "dockerfiles", name, NULL);
}

/* Runs todo-deploy with @file and @task; @stdin_path, when set, is fed to its standard input. */
static void
run_cli (Run *run, const char *file, const char *task, const char *stdin_path)
{
  const char *build_root = g_getenv ("TD_BUILD_ROOT");
  g_autofree char *binary = NULL;
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (build_root);
  binary = g_build_filename (build_root, "src", "todo-deploy", NULL);
  /* No display: the check must not need one. */
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  if (stdin_path != NULL)
    g_subprocess_launcher_set_stdin_file_path (launcher, stdin_path);

  process = g_subprocess_launcher_spawn (launcher, &error, binary, "--check-artifact", file,
                                         "--task", task, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
  g_test_message ("exit %d\nstdout:\n%s\nstderr:\n%s", run->status, run->out, run->err);
}

static guint
count_lines_starting (const char *text, const char *prefix)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint count = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      count++;
  return count;
}

static gboolean
has_line (const char *text, const char *line)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  return g_strv_contains ((const char * const *) lines, line);
}

static void
test_good (void)
{
  g_autofree char *backend = g_test_build_filename (G_TEST_DIST, "..", "docker", "Dockerfile.backend", NULL);
  g_autofree char *frontend = g_test_build_filename (G_TEST_DIST, "..", "docker", "Dockerfile.frontend", NULL);
  g_autofree char *summary = g_strdup_printf ("%s meets the contract of T007 (0 warnings)", backend);
  g_auto(Run) run_backend = { 0 };
  g_auto(Run) run_frontend = { 0 };

  run_cli (&run_backend, backend, "T007", NULL);
  g_assert_cmpint (run_backend.status, ==, 0);
  g_assert_true (has_line (run_backend.out, summary));
  g_assert_cmpuint (count_lines_starting (run_backend.out, "error: "), ==, 0);
  g_assert_cmpstr (run_backend.err, ==, "");

  run_cli (&run_frontend, frontend, "T011", NULL);
  g_assert_cmpint (run_frontend.status, ==, 0);
  g_assert_cmpuint (count_lines_starting (run_frontend.out, "error: "), ==, 0);
}

static void
test_warnings_only (void)
{
  g_autofree char *file = fixture ("frontend-node18.Dockerfile");
  g_auto(Run) run = { 0 };

  run_cli (&run, file, "T011", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpuint (count_lines_starting (run.out, "warning: "), ==, 3);
  g_assert_true (has_line (run.out,
    "warning: line 9: stage “deps” is built FROM node:18-alpine: Node.js 18 reached end of life in "
    "April 2025; use node:20-alpine, as the seed's own build did. (the seed asks for FROM node:20-alpine)"));
}

static void
test_bad (void)
{
  g_autofree char *port = fixture ("backend-wrong-port.Dockerfile");
  g_autofree char *root = fixture ("backend-root.Dockerfile");
  g_autofree char *summary = g_strdup_printf ("%s does not meet the contract of T007: 2 errors, 0 warnings", root);
  g_auto(Run) run_port = { 0 };
  g_auto(Run) run_root = { 0 };

  run_cli (&run_port, port, "T007", NULL);
  g_assert_cmpint (run_port.status, ==, 1);
  g_assert_true (has_line (run_port.out,
                           "error: line 25: the image exposes 8080, not port 8000 (the seed asks for EXPOSE 8000)"));
  g_assert_cmpuint (count_lines_starting (run_port.out, "error: "), ==, 1);

  run_cli (&run_root, root, "T007", NULL);
  g_assert_cmpint (run_root.status, ==, 1);
  g_assert_true (has_line (run_root.out,
                           "error: line 14: no USER in the final stage, so the container runs as root "
                           "(the seed asks for USER appuser)"));
  g_assert_true (has_line (run_root.out, summary));
}

static void
test_cannot_check (void)
{
  g_autofree char *missing = fixture ("no-such.Dockerfile");
  g_autofree char *unparseable = fixture ("unparseable.Dockerfile");
  g_autofree char *good = g_test_build_filename (G_TEST_DIST, "..", "docker", "Dockerfile.backend", NULL);
  g_auto(Run) run_missing = { 0 };
  g_auto(Run) run_unparseable = { 0 };
  g_auto(Run) run_no_contract = { 0 };
  g_auto(Run) run_no_task = { 0 };

  run_cli (&run_missing, missing, "T007", NULL);
  g_assert_cmpint (run_missing.status, ==, 2);
  g_assert_true (g_str_has_prefix (run_missing.err, "Cannot read "));
  g_assert_cmpstr (run_missing.out, ==, "");

  run_cli (&run_unparseable, unparseable, "T007", NULL);
  g_assert_cmpint (run_unparseable.status, ==, 2);
  g_assert_nonnull (strstr (run_unparseable.err, "unparseable.Dockerfile:2: unknown instruction “RUNN”"));

  run_cli (&run_no_contract, good, "T012", NULL);
  g_assert_cmpint (run_no_contract.status, ==, 2);
  g_assert_nonnull (strstr (run_no_contract.err, "has no artifact contract"));

  run_cli (&run_no_task, good, "T999", NULL);
  g_assert_cmpint (run_no_task.status, ==, 2);
  g_assert_nonnull (strstr (run_no_task.err, "no task “T999”"));
}

static void
test_manifest (void)
{
  g_autofree char *configmap = g_test_build_filename (G_TEST_DIST, "fixtures", "manifests", "configmap.yaml", NULL);
  g_autofree char *service = g_test_build_filename (G_TEST_DIST, "fixtures", "manifests", "backend-service.yaml", NULL);
  g_auto(Run) run_good = { 0 };
  g_auto(Run) run_bad = { 0 };

  run_cli (&run_good, configmap, "T020", NULL);
  g_assert_cmpint (run_good.status, ==, 0);

  /* The backend Service checked as the frontend one (T019). */
  run_cli (&run_bad, service, "T019", NULL);
  g_assert_cmpint (run_bad.status, ==, 1);
  g_assert_true (has_line (run_bad.out,
                           "error: line 4: metadata.name is todo-backend (the seed asks for metadata.name: todo-frontend)"));
  g_assert_cmpuint (count_lines_starting (run_bad.out, "error: "), ==, 4);
}

static void
test_stdin (void)
{
  g_autofree char *bad = fixture ("backend-no-cmd.Dockerfile");
  g_auto(Run) run = { 0 };

  run_cli (&run, "-", "T007", bad);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_cmpuint (count_lines_starting (run.out, "error: line 14: no CMD"), ==, 1);
  g_assert_true (has_line (run.out, "<stdin> does not meet the contract of T007: 1 error, 0 warnings"));
}

/* kubectl-ai's raw output, as a file and on stdin: the manifest is extracted as the wizard does. */
static void
test_agent_output (void)
{
  g_autofree char *indented = g_test_build_filename (G_TEST_DIST, "fixtures", "kubectl-ai", "raw",
                                                     "backend-deployment-indented.txt", NULL);
  g_autofree char *runonce = g_test_build_filename (G_TEST_DIST, "fixtures", "kubectl-ai", "raw",
                                                    "frontend-service-runonce.txt", NULL);
  g_autofree char *maxiter = g_test_build_filename (G_TEST_DIST, "fixtures", "kubectl-ai", "raw", "maxiter.txt", NULL);
  g_auto(Run) run_file = { 0 };
  g_auto(Run) run_stdin = { 0 };
  g_auto(Run) run_none = { 0 };

  run_cli (&run_file, indented, "T016", NULL);
  g_assert_cmpint (run_file.status, ==, 0);
  g_assert_true (g_str_has_prefix (run_file.out, "extracted the manifest from kubectl-ai's output (indented block)\n"));
  g_assert_nonnull (strstr (run_file.out, "backend-deployment-indented.txt meets the contract of T016 (0 warnings)\n"));

  /* The frontend Service judged as the backend one (T017): found, then found wanting. */
  run_cli (&run_stdin, "-", "T017", runonce);
  g_assert_cmpint (run_stdin.status, ==, 1);
  g_assert_true (g_str_has_prefix (run_stdin.out,
                                   "extracted the manifest from kubectl-ai's output (heredoc in the commands awaiting approval)\n"));
  g_assert_true (has_line (run_stdin.out, "<stdin> does not meet the contract of T017: 4 errors, 0 warnings"));
  g_assert_true (has_line (run_stdin.out, "error: line 9: spec.type is NodePort (the seed asks for spec.type: ClusterIP)"));

  /* Gordon's answer with the Dockerfile in a fenced block. */
  {
    g_autofree char *dockerfile_path = g_test_build_filename (G_TEST_DIST, "..", "docker", "Dockerfile.backend", NULL);
    g_autofree char *dockerfile = NULL;
    g_autofree char *answer = NULL;
    g_autofree char *dir = g_dir_make_tmp ("td-check-cli-XXXXXX", NULL);
    g_autofree char *answer_path = g_build_filename (dir, "gordon.txt", NULL);
    g_auto(Run) run_gordon = { 0 };

    g_assert_true (g_file_get_contents (dockerfile_path, &dockerfile, NULL, NULL));
    answer = g_strdup_printf ("\033[1mHere is your Dockerfile:\033[0m\n\n```dockerfile\n%s```\n\nApprove? [Y/n/a]\n", dockerfile);
    g_assert_true (g_file_set_contents (answer_path, answer, -1, NULL));
    run_cli (&run_gordon, answer_path, "T007", NULL);
    g_assert_cmpint (run_gordon.status, ==, 0);
    g_assert_true (g_str_has_prefix (run_gordon.out, "extracted the Dockerfile from Gordon's output (fenced block)\n"));
    g_unlink (answer_path);
    g_rmdir (dir);
  }

  run_cli (&run_none, maxiter, "T019", NULL);
  g_assert_cmpint (run_none.status, ==, 1);
  g_assert_cmpstr (run_none.out, ==, "");
  g_assert_nonnull (strstr (run_none.err, "No manifest to check in "));
  g_assert_nonnull (strstr (run_none.err, "kubectl-ai stopped at its maximum number of iterations"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/check-artifact-cli/good", test_good);
  g_test_add_func ("/check-artifact-cli/warnings-only", test_warnings_only);
  g_test_add_func ("/check-artifact-cli/bad", test_bad);
  g_test_add_func ("/check-artifact-cli/cannot-check", test_cannot_check);
  g_test_add_func ("/check-artifact-cli/manifest", test_manifest);
  g_test_add_func ("/check-artifact-cli/stdin", test_stdin);
  g_test_add_func ("/check-artifact-cli/agent-output", test_agent_output);
  return g_test_run ();
}
