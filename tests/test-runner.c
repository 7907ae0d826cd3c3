/* test-runner.c: the runner streams lines, stops whole process groups, keeps environments apart
 * and wraps programs in flatpak-spawn when sandboxed */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "td-error.h"
#include "td-runner.h"

typedef struct {
  GPtrArray *out;
  GPtrArray *err;
  gboolean   cancel_on_start;  /* cancel the process when it prints "started" */
  gboolean   exited;
  int        exited_status;
} Lines;

static void
lines_init (Lines *lines)
{
  lines->out = g_ptr_array_new_with_free_func (g_free);
  lines->err = g_ptr_array_new_with_free_func (g_free);
  lines->cancel_on_start = FALSE;
  lines->exited = FALSE;
  lines->exited_status = -1000;
}

static void
lines_clear (Lines *lines)
{
  g_ptr_array_unref (lines->out);
  g_ptr_array_unref (lines->err);
}

static const char *
line_at (GPtrArray *array,
         guint      index)
{
  g_assert_cmpuint (index, <, array->len);
  return array->pdata[index];
}

static void
on_line (TdProcess  *process,
         TdStream    stream,
         const char *text,
         gpointer    user_data)
{
  Lines *lines = user_data;

  g_assert_false (lines->exited);  /* every line comes before "exited" */
  g_ptr_array_add (stream == TD_STREAM_STDERR ? lines->err : lines->out, g_strdup (text));
  if (lines->cancel_on_start && g_str_equal (text, "started"))
    td_process_cancel (process);
}

static void
on_exited (TdProcess *process,
           int        status,
           gpointer   user_data)
{
  Lines *lines = user_data;

  lines->exited = TRUE;
  lines->exited_status = status;
}

static void
on_ready (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
iterate_until_ready (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* Runs @argv to its end, collecting lines; returns what wait_finish returns. */
static gboolean
run (TdRunner           *runner,
     const char * const *argv,
     const char         *cwd,
     const char * const *overlay,
     guint               timeout_ms,
     Lines              *lines,
     int                *exit_status,
     GError            **error)
{
  g_autoptr(TdProcess) process = td_runner_spawn (runner, argv, cwd, overlay, timeout_ms, error);
  g_autoptr(GAsyncResult) result = NULL;
  gboolean ok;

  if (process == NULL)
    return FALSE;
  g_assert_true (td_process_get_running (process));
  g_signal_connect (process, "line", G_CALLBACK (on_line), lines);
  g_signal_connect (process, "exited", G_CALLBACK (on_exited), lines);
  td_process_wait_async (process, NULL, on_ready, &result);
  ok = td_process_wait_finish (process, iterate_until_ready (&result), exit_status, error);
  g_assert_false (td_process_get_running (process));
  g_assert_true (lines->exited);
  return ok;
}

static void
test_partial_lines (void)
{
  g_autoptr(TdRunner) runner = td_runner_new ();
  g_autoptr(GError) error = NULL;
  /* Separate writes, with a pause so they arrive as separate reads; then a last line with no
   * newline, and a byte that is not UTF-8. */
  const char *argv[] = { "sh", "-c",
                         "printf 'a\\nb'; /bin/sleep 0.1; printf 'c\\n'; printf 'x\\377y\\r\\n'; "
                         "printf 'tail'", NULL };
  Lines lines;
  int status = -1;

  lines_init (&lines);
  g_assert_true (run (runner, argv, NULL, NULL, 0, &lines, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpuint (lines.out->len, ==, 4);
  g_assert_cmpstr (line_at (lines.out, 0), ==, "a");
  g_assert_cmpstr (line_at (lines.out, 1), ==, "bc");
  g_assert_true (g_utf8_validate (line_at (lines.out, 2), -1, NULL));
  g_assert_cmpstr (line_at (lines.out, 2), ==, "x\xef\xbf\xbdy");  /* U+FFFD, no trailing CR */
  g_assert_cmpstr (line_at (lines.out, 3), ==, "tail");
  g_assert_cmpuint (lines.err->len, ==, 0);
  lines_clear (&lines);
}

static void
test_stderr_separate_and_exit_status (void)
{
  g_autoptr(TdRunner) runner = td_runner_new ();
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "sh", "-c", "echo out1; echo err1 >&2; echo out2; exit 3", NULL };
  Lines lines;
  int status = -1;

  lines_init (&lines);
  g_assert_true (run (runner, argv, NULL, NULL, 0, &lines, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 3);
  g_assert_cmpint (lines.exited_status, ==, 3);
  g_assert_cmpuint (lines.out->len, ==, 2);
  g_assert_cmpstr (line_at (lines.out, 0), ==, "out1");
  g_assert_cmpstr (line_at (lines.out, 1), ==, "out2");
  g_assert_cmpuint (lines.err->len, ==, 1);
  g_assert_cmpstr (line_at (lines.err, 0), ==, "err1");
  lines_clear (&lines);
}

static void
test_stdin_is_dev_null (void)
{
  g_autoptr(TdRunner) runner = td_runner_new ();
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "sh", "-c", "readlink /proc/self/fd/0", NULL };
  Lines lines;
  int status = -1;

  lines_init (&lines);
  g_assert_true (run (runner, argv, NULL, NULL, 0, &lines, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (line_at (lines.out, 0), ==, "/dev/null");
  lines_clear (&lines);
}

static gboolean
process_is_gone (GPid pid)
{
  g_autofree char *stat_path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *stat = NULL;
  const char *after_name;

  if (!g_file_get_contents (stat_path, &stat, NULL, NULL))
    return TRUE;
  /* "pid (comm) S …": a zombie (Z) or dead (X) process is gone for our purposes. */
  after_name = strrchr (stat, ')');
  return after_name != NULL && (after_name[2] == 'Z' || after_name[2] == 'X');
}

/* The group is signalled before this returns; the reaper (init) may still need a moment. */
static gboolean
wait_until_gone (GPid pid)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (!process_is_gone (pid))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_usleep (10 * 1000);
    }
  return TRUE;
}

static void
check_cancel_kills_group (const char *script_prefix,
                          gboolean    through_cancellable)
{
  g_autoptr(TdRunner) runner = td_runner_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("td-runner-XXXXXX", NULL);
  g_autofree char *pid_file = g_build_filename (dir, "grandchild.pid", NULL);
  g_autofree char *script = g_strconcat (script_prefix,
                                         "/bin/sleep 300 & echo $! > \"$1\"; echo started; wait",
                                         NULL);
  const char *argv[] = { "sh", "-c", script, "sh", pid_file, NULL };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(TdProcess) process = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *pid_text = NULL;
  GPid grandchild;
  Lines lines;

  lines_init (&lines);
  lines.cancel_on_start = !through_cancellable;
  process = td_runner_spawn (runner, argv, NULL, NULL, 0, &error);
  g_assert_no_error (error);
  g_signal_connect (process, "line", G_CALLBACK (on_line), &lines);
  g_signal_connect (process, "exited", G_CALLBACK (on_exited), &lines);
  td_process_wait_async (process, cancellable, on_ready, &result);

  if (through_cancellable)
    {
      while (lines.out->len == 0)
        g_main_context_iteration (NULL, TRUE);
      g_cancellable_cancel (cancellable);
    }

  g_assert_false (td_process_wait_finish (process, iterate_until_ready (&result), NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (lines.exited);

  g_assert_true (g_file_get_contents (pid_file, &pid_text, NULL, NULL));
  grandchild = (GPid) g_ascii_strtoll (pid_text, NULL, 10);
  g_assert_cmpint (grandchild, >, 1);
  if (!wait_until_gone (grandchild))
    {
      kill (grandchild, SIGKILL);
      g_error ("grandchild %d survived the cancel", (int) grandchild);
    }

  lines_clear (&lines);
  g_unlink (pid_file);
  g_rmdir (dir);
}

static void
test_cancel_kills_group (void)
{
  check_cancel_kills_group ("", FALSE);
}

static void
test_cancellable_kills_group (void)
{
  check_cancel_kills_group ("", TRUE);
}

static void
test_cancel_escalates_to_sigkill (void)
{
  /* Both the shell and the sleep ignore SIGTERM (an ignored signal stays ignored across exec). */
  check_cancel_kills_group ("trap '' TERM; ", FALSE);
}

static void
test_timeout (void)
{
  g_autoptr(TdRunner) runner = td_runner_new ();
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "sh", "-c", "echo started; /bin/sleep 300", NULL };
  Lines lines;

  lines_init (&lines);
  g_assert_false (run (runner, argv, NULL, NULL, 1000, &lines, NULL, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_TIMED_OUT);
  g_assert_cmpstr (error->message, ==, "“sh” did not finish within 1 s and was stopped");
  g_assert_cmpstr (line_at (lines.out, 0), ==, "started");
  lines_clear (&lines);
}

static void
test_env_overlay_and_cwd (void)
{
  g_autoptr(TdRunner) runner = td_runner_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("td-runner-XXXXXX", NULL);
  g_autofree char *real_dir = realpath (dir, NULL);
  const char *argv[] = { "sh", "-c", "echo \"[$TD_TEST_OVERLAY]\"; pwd -P", NULL };
  const char *overlay[] = { "TD_TEST_OVERLAY=from overlay=1", NULL };
  const char *bad_overlay[] = { "NO_EQUALS_SIGN", NULL };
  Lines first, second;

  g_assert_null (g_getenv ("TD_TEST_OVERLAY"));

  lines_init (&first);
  g_assert_true (run (runner, argv, dir, overlay, 0, &first, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (line_at (first.out, 0), ==, "[from overlay=1]");
  g_assert_cmpstr (line_at (first.out, 1), ==, real_dir);
  /* Not leaked into our own environment… */
  g_assert_null (g_getenv ("TD_TEST_OVERLAY"));

  /* …nor into the next child. */
  lines_init (&second);
  g_assert_true (run (runner, argv, NULL, NULL, 0, &second, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (line_at (second.out, 0), ==, "[]");

  g_assert_null (td_runner_spawn (runner, argv, NULL, bad_overlay, 0, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_INVALID);

  lines_clear (&first);
  lines_clear (&second);
  g_rmdir (dir);
}

static void
test_missing_program (void)
{
  g_autoptr(TdRunner) runner = td_runner_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  const char *argv[] = { "td-no-such-program", "version", NULL };

  g_assert_null (td_runner_spawn (runner, argv, NULL, NULL, 0, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "“td-no-such-program” is not installed or not on PATH");
  g_clear_error (&error);

  td_runner_capture_async (runner, argv, NULL, NULL, 0, NULL, on_ready, &result);
  g_assert_false (td_runner_capture_finish (runner, iterate_until_ready (&result), NULL, NULL, NULL,
                                            &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_NOT_FOUND);
}

static void
test_capture (void)
{
  g_autoptr(TdRunner) runner = td_runner_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *argv[] = { "sh", "-c", "echo one; echo two >&2; printf three; exit 4", NULL };
  int status = -1;

  td_runner_capture_async (runner, argv, NULL, NULL, 5000, NULL, on_ready, &result);
  g_assert_true (td_runner_capture_finish (runner, iterate_until_ready (&result), &out, &err,
                                           &status, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (out, ==, "one\nthree\n");
  g_assert_cmpstr (err, ==, "two\n");
  g_assert_cmpint (status, ==, 4);
}

static void
test_not_sandboxed_argv (void)
{
  g_autoptr(TdRunner) runner = td_runner_new ();
  const char *argv[] = { "minikube", "start", NULL };
  const char *overlay[] = { "A=1", NULL };
  g_auto(GStrv) built = NULL;

  td_runner_set_flatpak_info_path (runner, "/nonexistent/td-test/.flatpak-info");
  g_assert_false (td_runner_get_sandboxed (runner));
  built = td_runner_build_argv (runner, argv, "/tmp", overlay);
  g_assert_cmpstrv (built, argv);
}

static void
test_flatpak_wrapping (void)
{
  g_autoptr(TdRunner) runner = td_runner_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("td-runner-XXXXXX", NULL);
  g_autofree char *info = g_build_filename (dir, "flatpak-info", NULL);
  g_autofree char *work = g_build_filename (dir, "work", NULL);
  g_autofree char *log = g_build_filename (dir, "calls.log", NULL);
  g_autofree char *fake_tools = g_test_build_filename (G_TEST_DIST, "fake-tools", NULL);
  g_autofree char *path = g_strconcat (fake_tools, ":/usr/bin:/bin", NULL);
  g_autofree char *directory_option = g_strconcat ("--directory=", work, NULL);
  g_autofree char *logged = NULL;
  g_autofree char *expected_joined = NULL;
  g_autofree char *expected_log = NULL;
  g_autofree char *real_work = NULL;
  g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "PATH", path, TRUE);
  g_auto(GStrv) built = NULL;
  g_autoptr(TdProcess) process = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  const char *argv[] = { "sh", "-c", "echo \"[$TD_FP_VAR]\"; pwd -P", NULL };
  const char *overlay[] = { "TD_FP_VAR=fp-value", "DOCKER_HOST=tcp://127.0.0.1:32842", NULL };
  const char *expected[] = { "flatpak-spawn", "--host", "--watch-bus", "--env=TD_FP_VAR=fp-value",
                             "--env=DOCKER_HOST=tcp://127.0.0.1:32842", directory_option,
                             "sh", "-c", argv[2], NULL };
  Lines lines;

  env = g_environ_setenv (env, "FAKE_TOOLS_LOG", log, TRUE);
  td_runner_set_environ (runner, (const char * const *) env);
  g_assert_true (g_mkdir (work, 0700) == 0);
  td_runner_set_flatpak_info_path (runner, info);
  g_assert_false (td_runner_get_sandboxed (runner));
  g_assert_true (g_file_set_contents (info, "[Application]\nname=" "io.github.tododeploy.TodoDeploy\n",
                                      -1, NULL));
  g_assert_true (td_runner_get_sandboxed (runner));

  built = td_runner_build_argv (runner, argv, work, overlay);
  g_assert_cmpstrv (built, expected);

  lines_init (&lines);
  process = td_runner_spawn (runner, argv, work, overlay, 5000, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (td_process_get_argv (process), expected);
  g_signal_connect (process, "line", G_CALLBACK (on_line), &lines);
  g_signal_connect (process, "exited", G_CALLBACK (on_exited), &lines);
  td_process_wait_async (process, NULL, on_ready, &result);
  g_assert_true (td_process_wait_finish (process, iterate_until_ready (&result), NULL, &error));
  g_assert_no_error (error);

  /* The fake flatpak-spawn applied --env and --directory, as the host would. */
  g_assert_cmpstr (line_at (lines.out, 0), ==, "[fp-value]");
  real_work = realpath (work, NULL);
  g_assert_cmpstr (line_at (lines.out, 1), ==, real_work);
  /* It saw exactly our argv (the log line is the argv joined by spaces). */
  g_assert_true (g_file_get_contents (log, &logged, NULL, NULL));
  expected_joined = g_strjoinv (" ", (char **) expected);
  expected_log = g_strconcat (expected_joined, "\n", NULL);
  g_assert_cmpstr (logged, ==, expected_log);
  /* The overlay went to flatpak-spawn's argv, not into the sandbox's environment of this test. */
  g_assert_null (g_getenv ("TD_FP_VAR"));

  lines_clear (&lines);
  g_unlink (log);
  g_unlink (info);
  g_rmdir (work);
  g_rmdir (dir);
}

static void
test_flatpak_spawn_missing (void)
{
  g_autoptr(TdRunner) runner = td_runner_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("td-runner-XXXXXX", NULL);
  g_autofree char *info = g_build_filename (dir, "flatpak-info", NULL);
  g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "PATH", dir, TRUE);
  const char *argv[] = { "sh", "-c", "true", NULL };

  g_assert_true (g_file_set_contents (info, "", -1, NULL));
  td_runner_set_flatpak_info_path (runner, info);
  td_runner_set_environ (runner, (const char * const *) env);
  g_assert_null (td_runner_spawn (runner, argv, NULL, NULL, 0, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "“flatpak-spawn” is not installed or not on PATH");

  g_unlink (info);
  g_rmdir (dir);
}

static void
test_host_program_missing (void)
{
  g_assert_true (td_runner_host_program_missing (127, "sh: 1: exec: helm: not found"));
  g_assert_true (td_runner_host_program_missing (1, "Portal call failed: Failed to start command: Failed to "
                                                    "execute child process “helm” (No such file or directory)"));
  /* A program that ran and failed, or a missing permission, is not a missing program. */
  g_assert_false (td_runner_host_program_missing (1, "Error: INSTALLATION FAILED: No such file or directory"));
  g_assert_false (td_runner_host_program_missing (1, "Portal call failed: org.freedesktop.DBus.Error.ServiceUnknown"));
  g_assert_false (td_runner_host_program_missing (0, "Failed to start command … No such file or directory"));
  g_assert_false (td_runner_host_program_missing (2, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/runner/lines/partial", test_partial_lines);
  g_test_add_func ("/runner/lines/stderr-and-exit-status", test_stderr_separate_and_exit_status);
  g_test_add_func ("/runner/stdin-is-dev-null", test_stdin_is_dev_null);
  g_test_add_func ("/runner/cancel/kills-group", test_cancel_kills_group);
  g_test_add_func ("/runner/cancel/cancellable", test_cancellable_kills_group);
  g_test_add_func ("/runner/cancel/sigkill-after-grace", test_cancel_escalates_to_sigkill);
  g_test_add_func ("/runner/timeout", test_timeout);
  g_test_add_func ("/runner/env-overlay-and-cwd", test_env_overlay_and_cwd);
  g_test_add_func ("/runner/missing-program", test_missing_program);
  g_test_add_func ("/runner/capture", test_capture);
  g_test_add_func ("/runner/flatpak/not-sandboxed", test_not_sandboxed_argv);
  g_test_add_func ("/runner/flatpak/wrapping", test_flatpak_wrapping);
  g_test_add_func ("/runner/flatpak/spawn-missing", test_flatpak_spawn_missing);
  g_test_add_func ("/runner/flatpak/host-program-missing", test_host_program_missing);

  return g_test_run ();
}
