/* fake-tools-util.c: see fake-tools-util.h */
#include <unistd.h>

#include <glib/gstdio.h>

#include "fake-tools-util.h"

FakeTools *
fake_tools_new (const char * const *tools,
                const char * const *settings)
{
  FakeTools *fake = g_new0 (FakeTools, 1);
  g_auto(GStrv) envp = g_get_environ ();
  g_autofree char *no_flatpak = NULL;

  fake->dir = g_dir_make_tmp ("td-fake-tools-XXXXXX", NULL);
  g_assert_nonnull (fake->dir);
  fake->bin_dir = g_build_filename (fake->dir, "bin", NULL);
  fake->state_dir = g_build_filename (fake->dir, "state", NULL);
  fake->log = g_build_filename (fake->dir, "calls.log", NULL);
  fake->env_log = g_build_filename (fake->dir, "env.log", NULL);
  g_assert_cmpint (g_mkdir (fake->bin_dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (fake->state_dir, 0700), ==, 0);

  for (guint i = 0; tools[i] != NULL; i++)
    {
      g_autofree char *target = g_test_build_filename (G_TEST_DIST, "fake-tools", tools[i], NULL);
      g_autofree char *link = g_build_filename (fake->bin_dir, tools[i], NULL);

      g_assert_cmpint (symlink (target, link), ==, 0);
    }

  /* The test process may itself run under a docker-env: the fakes must see only what we give. */
  envp = g_environ_unsetenv (envp, "DOCKER_HOST");
  envp = g_environ_unsetenv (envp, "DOCKER_TLS_VERIFY");
  envp = g_environ_unsetenv (envp, "DOCKER_CERT_PATH");
  envp = g_environ_unsetenv (envp, "MINIKUBE_ACTIVE_DOCKERD");
  envp = g_environ_setenv (envp, "PATH", fake->bin_dir, TRUE);
  envp = g_environ_setenv (envp, "HOME", fake->dir, TRUE);
  envp = g_environ_setenv (envp, "FAKE_TOOLS_LOG", fake->log, TRUE);
  envp = g_environ_setenv (envp, "FAKE_TOOLS_ENV_LOG", fake->env_log, TRUE);
  envp = g_environ_setenv (envp, "FAKE_TOOLS_STATE", fake->state_dir, TRUE);
  envp = g_environ_setenv (envp, "FAKE_MINIKUBE_STEP_DELAY", "0.01", TRUE);
  for (guint i = 0; settings != NULL && settings[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (settings[i], "=", 2);
      envp = g_environ_setenv (envp, pair[0], pair[1], TRUE);
    }

  fake->runner = td_runner_new ();
  td_runner_set_environ (fake->runner, (const char * const *) envp);
  fake->envp = g_steal_pointer (&envp);
  no_flatpak = g_build_filename (fake->dir, "no-flatpak-info", NULL);
  td_runner_set_flatpak_info_path (fake->runner, no_flatpak);
  return fake;
}

void
fake_tools_remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          fake_tools_remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

void
fake_tools_free (FakeTools *fake)
{
  fake_tools_remove_tree (fake->dir);
  g_object_unref (fake->runner);
  g_strfreev (fake->envp);
  g_free (fake->dir);
  g_free (fake->bin_dir);
  g_free (fake->state_dir);
  g_free (fake->log);
  g_free (fake->env_log);
  g_free (fake);
}

void
fake_tools_enter_flatpak (FakeTools *fake)
{
  g_autofree char *info = g_build_filename (fake->dir, "flatpak-info", NULL);
  g_autofree char *sandbox_bin = g_build_filename (fake->dir, "sandbox-bin", NULL);
  g_autofree char *target = g_test_build_filename (G_TEST_DIST, "fake-tools", "flatpak-spawn", NULL);
  g_autofree char *link = g_build_filename (sandbox_bin, "flatpak-spawn", NULL);

  g_assert_true (g_file_set_contents (info, "[Application]\nname=io.github.tododeploy.TodoDeploy\n", -1, NULL));
  g_assert_cmpint (g_mkdir (sandbox_bin, 0700), ==, 0);
  g_assert_cmpint (symlink (target, link), ==, 0);
  fake->envp = g_environ_setenv (fake->envp, "PATH", sandbox_bin, TRUE);
  fake->envp = g_environ_setenv (fake->envp, "FAKE_FLATPAK_HOST_PATH", fake->bin_dir, TRUE);
  td_runner_set_environ (fake->runner, (const char * const *) fake->envp);
  td_runner_set_flatpak_info_path (fake->runner, info);
}

static void
on_ready (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

FakeRun *
fake_tools_run (FakeTools          *fake,
                const char * const *argv,
                const char * const *overlay)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  FakeRun *run = g_new0 (FakeRun, 1);

  td_runner_capture_async (fake->runner, argv, fake->dir, overlay, 30000, NULL, on_ready, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (td_runner_capture_finish (fake->runner, result, &run->out, &run->err,
                                           &run->status, &error));
  g_assert_no_error (error);
  return run;
}

void
fake_run_free (FakeRun *run)
{
  g_free (run->out);
  g_free (run->err);
  g_free (run);
}

GStrv
fake_tools_env_log (FakeTools *fake)
{
  g_autofree char *text = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (fake->env_log, &text, NULL, NULL))
    return g_strv_builder_end (builder);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (*lines[i] != '\0')
      g_strv_builder_add (builder, lines[i]);
  return g_strv_builder_end (builder);
}

char *
fake_tools_transcript (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "transcripts", name, NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

void
fake_tools_real_tool_missing (const char *tool, const char *where)
{
  g_autofree char *message = g_strdup_printf ("the real %s is not %s", tool, where);

  if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
    {
      g_autofree char *failure = g_strconcat (message, "; under CI=true that fails the test instead of skipping it", NULL);
      g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, failure);
    }
  else
    g_test_skip (message);
}

void
fake_tools_store_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
result_stored (gpointer slot)
{
  return *(GAsyncResult **) slot != NULL;
}

GAsyncResult *
fake_tools_wait_result (GAsyncResult **slot, guint guard_seconds)
{
  test_wait_until (result_stored, slot, guard_seconds, "an asynchronous call to finish (its callback never ran)");
  return *slot;
}
