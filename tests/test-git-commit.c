/* test-git-commit.c: T037's commands, shown exactly and run with the real git in a temporary
 * repository */
#include "td-error.h"
#include "td-git-commit.h"
#include "fake-tools-util.h"

static TdRunner *
git_runner (const char *home)
{
  g_auto(GStrv) envp = g_get_environ ();
  TdRunner *runner = td_runner_new ();

  envp = g_environ_setenv (envp, "HOME", home, TRUE);
  envp = g_environ_setenv (envp, "GIT_CONFIG_NOSYSTEM", "1", TRUE);
  envp = g_environ_setenv (envp, "GIT_AUTHOR_NAME", "Test", TRUE);
  envp = g_environ_setenv (envp, "GIT_AUTHOR_EMAIL", "test@example.org", TRUE);
  envp = g_environ_setenv (envp, "GIT_COMMITTER_NAME", "Test", TRUE);
  envp = g_environ_setenv (envp, "GIT_COMMITTER_EMAIL", "test@example.org", TRUE);
  td_runner_set_environ (runner, (const char * const *) envp);
  return runner;
}

static void
write_file (const char *project, const char *relative)
{
  g_autofree char *path = g_build_filename (project, relative, NULL);
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (path, "x\n", -1, NULL));
}

static void
store_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
commit (TdDeployment *deployment, GPtrArray *commands, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  td_git_commit_run_async (deployment, "T037", commands, NULL, store_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return td_git_commit_run_finish (result, error);
}

static void
test_commands_and_commit (void)
{
  g_autofree char *project = g_dir_make_tmp ("td-git-XXXXXX", NULL);
  g_autoptr(TdRunner) runner = git_runner (project);
  g_autoptr(TdPlan) plan = td_plan_new_default (NULL);
  g_autoptr(TdDeployment) deployment = td_deployment_new (plan, runner, project);
  g_autoptr(GPtrArray) commands = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *described = NULL;
  g_autofree char *log = NULL;
  g_autofree char *git_dir = g_build_filename (project, ".git", NULL);
  const char *init[] = { "git", "init", "-q", project, NULL };
  const char *show[] = { "git", "-C", project, "show", "--name-only", "--format=%s", "HEAD", NULL };
  int status = -1;

  g_assert_true (g_spawn_sync (NULL, (char **) init, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, NULL));
  write_file (project, "Dockerfile.backend");
  write_file (project, "charts/todo-app/Chart.yaml");
  write_file (project, "phase-iv-audit.log");
  write_file (project, "unrelated.txt");

  commands = td_git_commit_commands (td_plan_lookup_task (plan, "T037"), project);
  described = td_git_commit_describe (commands);
  /* Only the paths that exist; the message quoted as a shell would need it. */
  g_assert_cmpstr (described, ==,
                   "git add -- Dockerfile.backend charts/ phase-iv-audit.log\n"
                   "git commit -m 'Phase IV: Dockerfiles, Helm chart and agent audit log for the Todo Chatbot on Minikube'\n");
  g_assert_true (commit (deployment, commands, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_sync (NULL, (char **) show, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &log, NULL, &status, NULL));
  g_assert_cmpstr (log, ==, TD_GIT_COMMIT_MESSAGE "\n\nDockerfile.backend\ncharts/todo-app/Chart.yaml\nphase-iv-audit.log\n");

  /* Nothing new to commit: git commit fails, and says why. */
  g_assert_false (commit (deployment, commands, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_EXITED);
  g_assert_true (g_str_has_prefix (error->message, "git commit failed: "));
  g_clear_error (&error);

  /* Outside a repository, git add fails first. */
  fake_tools_remove_tree (git_dir);
  g_assert_false (commit (deployment, commands, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_EXITED);
  g_assert_nonnull (strstr (error->message, "git add failed: fatal: not a git repository"));
  fake_tools_remove_tree (project);
}

static void
test_nothing_to_commit (void)
{
  g_autofree char *project = g_dir_make_tmp ("td-git-XXXXXX", NULL);
  g_autoptr(TdPlan) plan = td_plan_new_default (NULL);

  g_assert_null (td_git_commit_commands (td_plan_lookup_task (plan, "T037"), project));
  fake_tools_remove_tree (project);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  {
    g_autofree char *git = g_find_program_in_path ("git");
    if (git == NULL)
      return 77;   /* skipped: git is not installed */
  }
  g_test_add_func ("/git-commit/commands-and-commit", test_commands_and_commit);
  g_test_add_func ("/git-commit/nothing", test_nothing_to_commit);
  return g_test_run ();
}
