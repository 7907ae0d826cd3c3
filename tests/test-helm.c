/* test-helm.c: helm lint, status and list output, literal and from the fake helm through TdRunner */
#include <string.h>

#include "fake-tools-util.h"
#include "td-error.h"
#include "td-helm.h"

static const char *helm_only[] = { "helm", NULL };

static void
assert_contains (const char *text,
                 const char *part)
{
  if (text == NULL || strstr (text, part) == NULL)
    g_error ("“%s” does not contain “%s”", text, part);
}

static void
test_lint_passed (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdHelmLint) lint = td_helm_lint_parse (
    "==> Linting charts/todo-app\n"
    "[INFO] Chart.yaml: icon is recommended\n"
    "\n"
    "1 chart(s) linted, 0 chart(s) failed\n", "", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (lint->charts_linted, ==, 1);
  g_assert_cmpuint (lint->charts_failed, ==, 0);
  g_assert_cmpuint (g_strv_length (lint->errors), ==, 0);
  g_assert_cmpuint (g_strv_length (lint->warnings), ==, 0);
  g_assert_true (td_helm_lint_passed (lint));
}

/* On failure the summary moves to stderr behind "Error: ". */
static void
test_lint_failed (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdHelmLint) lint = td_helm_lint_parse (
    "==> Linting charts/todo-app\n"
    "[INFO] Chart.yaml: icon is recommended\n"
    "[ERROR] templates/: parse error at (todo-app/templates/configmap.yaml:7): unexpected \"}\" in operand\n"
    "[ERROR] values.yaml: unable to parse YAML: error converting YAML to JSON: yaml: line 12: mapping values are not allowed in this context\n"
    "[WARNING] templates/backend-service.yaml: object name does not conform to Kubernetes naming requirements\n"
    "\n",
    "Error: 1 chart(s) linted, 1 chart(s) failed\n", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (lint->charts_linted, ==, 1);
  g_assert_cmpuint (lint->charts_failed, ==, 1);
  g_assert_false (td_helm_lint_passed (lint));
  g_assert_cmpuint (g_strv_length (lint->errors), ==, 2);
  g_assert_cmpstr (lint->errors[0], ==,
                   "templates/: parse error at (todo-app/templates/configmap.yaml:7): unexpected \"}\" in operand");
  g_assert_true (g_str_has_prefix (lint->errors[1], "values.yaml: unable to parse YAML"));
  g_assert_cmpuint (g_strv_length (lint->warnings), ==, 1);
  g_assert_true (g_str_has_prefix (lint->warnings[0], "templates/backend-service.yaml"));
}

static void
test_lint_unreadable (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdHelmLint) lint = td_helm_lint_parse (
    "", "Error: unable to check Chart.yaml file in chart: stat charts/todo-app/Chart.yaml: no such file or directory\n",
    &error);
  g_autoptr(TdHelmLint) nothing = NULL;

  g_assert_null (lint);
  g_assert_error (error, TD_ERROR, TD_ERROR_EXITED);
  assert_contains (error->message, "stat charts/todo-app/Chart.yaml: no such file or directory");
  g_clear_error (&error);

  /* A summary with something after it is not helm's summary. */
  nothing = td_helm_lint_parse ("1 chart(s) linted, 0 chart(s) failed, maybe\n", NULL, &error);
  g_assert_null (nothing);
  g_assert_error (error, TD_ERROR, TD_ERROR_PARSE);
}

static TdHelmRelease *
status_of (const char *json)
{
  g_autoptr(GError) error = NULL;
  TdHelmRelease *release = td_helm_status_parse (json, "", 0, &error);

  g_assert_no_error (error);
  g_assert_nonnull (release);
  return release;
}

static void
test_status_deployed (void)
{
  g_autoptr(TdHelmRelease) release = status_of (
    "{\"name\":\"todo-app\",\"info\":{\"first_deployed\":\"2026-11-21T10:02:41Z\","
    "\"last_deployed\":\"2026-11-21T10:12:33Z\",\"deleted\":\"\",\"description\":\"Upgrade complete\","
    "\"status\":\"deployed\",\"notes\":\"…\"},\"chart\":{\"metadata\":{\"name\":\"todo-app\","
    "\"version\":\"0.1.0\",\"appVersion\":\"1.0.0\"}},\"config\":{},\"version\":3,\"namespace\":\"default\"}");

  g_assert_cmpstr (release->name, ==, "todo-app");
  g_assert_cmpstr (release->namespace, ==, "default");
  g_assert_cmpstr (release->status, ==, "deployed");
  g_assert_cmpuint (release->revision, ==, 3);
  g_assert_cmpstr (release->description, ==, "Upgrade complete");
  g_assert_cmpstr (release->app_version, ==, "1.0.0");
  g_assert_true (td_helm_release_is_deployed (release));
  g_assert_null (release->explanation);
  g_assert_null (release->fix_argv);
}

static void
assert_fix (const TdHelmRelease *release,
            const char * const  *argv)
{
  g_assert_nonnull (release->fix_argv);
  if (!g_strv_equal ((const char * const *) release->fix_argv, argv))
    {
      g_autofree char *got = g_strjoinv (" ", release->fix_argv);
      g_error ("fix is “%s”", got);
    }
}

static void
test_status_pending (void)
{
  g_autoptr(TdHelmRelease) upgrade = status_of (
    "{\"name\":\"todo-app\",\"info\":{\"status\":\"pending-upgrade\",\"description\":\"Preparing upgrade\"},"
    "\"version\":4,\"namespace\":\"default\"}");
  g_autoptr(TdHelmRelease) install = status_of (
    "{\"name\":\"todo-app\",\"info\":{\"status\":\"pending-install\"},\"version\":1,\"namespace\":\"default\"}");
  g_autoptr(TdHelmRelease) rollback = status_of (
    "{\"name\":\"todo-app\",\"info\":{\"status\":\"pending-rollback\"},\"version\":5,\"namespace\":\"todo\"}");
  /* An upgrade can be pending at revision 1 only if the history was pruned: nothing to go back to. */
  g_autoptr(TdHelmRelease) lonely = status_of (
    "{\"name\":\"todo-app\",\"info\":{\"status\":\"pending-upgrade\"},\"version\":1,\"namespace\":\"default\"}");
  const char *rollback_default[] = { "helm", "rollback", "todo-app", NULL };
  const char *uninstall_default[] = { "helm", "uninstall", "todo-app", NULL };
  const char *rollback_todo[] = { "helm", "rollback", "todo-app", "--namespace", "todo", NULL };

  g_assert_false (td_helm_release_is_deployed (upgrade));
  assert_fix (upgrade, rollback_default);
  g_assert_cmpstr (upgrade->explanation, ==,
                   "A previous upgrade of todo-app was interrupted, and Helm still marks it as in "
                   "progress (pending-upgrade), which blocks every new install or upgrade. Rolling "
                   "back to the last good revision clears it: helm rollback todo-app");

  assert_fix (install, uninstall_default);
  assert_contains (install->explanation, "A previous install of todo-app was interrupted");
  assert_contains (install->explanation, "Removing the unfinished release clears it: helm uninstall todo-app");

  assert_fix (rollback, rollback_todo);
  assert_fix (lonely, uninstall_default);
}

static void
test_status_failed (void)
{
  g_autoptr(TdHelmRelease) release = status_of (
    "{\"name\":\"todo-app\",\"info\":{\"status\":\"failed\",\"description\":"
    "\"Upgrade \\\"todo-app\\\" failed: context deadline exceeded\"},\"version\":2,\"namespace\":\"default\"}");

  g_assert_false (td_helm_release_is_deployed (release));
  g_assert_null (release->fix_argv);
  g_assert_cmpstr (release->explanation, ==,
                   "The last install or upgrade of todo-app failed: Upgrade \"todo-app\" failed: "
                   "context deadline exceeded. Deploying again retries it.");
}

static void
test_status_errors (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (td_helm_status_parse ("", "Error: release: not found\n", 1, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_null (td_helm_status_parse ("", "Error: Kubernetes cluster unreachable: Get "
                                       "\"https://192.168.49.2:8443/version\": dial tcp "
                                       "192.168.49.2:8443: connect: no route to host\n", 1, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_EXITED);
  assert_contains (error->message, "Kubernetes cluster unreachable");
  g_clear_error (&error);

  /* The table helm prints without -o json. */
  g_assert_null (td_helm_status_parse ("NAME: todo-app\nLAST DEPLOYED: Sat Nov 21 10:12:33 2026\n"
                                       "STATUS: deployed\n", "", 0, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_PARSE);
  g_clear_error (&error);

  g_assert_null (td_helm_status_parse ("{\"name\":\"todo-app\",\"info\":{}}", "", 0, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_PARSE);
}

static void
test_list (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) empty = td_helm_list_parse ("[]\n", &error);
  g_autoptr(GPtrArray) one = NULL;
  TdHelmRelease *release;

  g_assert_no_error (error);
  g_assert_cmpuint (empty->len, ==, 0);

  one = td_helm_list_parse (
    "[{\"name\":\"todo-app\",\"namespace\":\"default\",\"revision\":\"3\",\"updated\":\"2026-11-21 "
    "10:12:33.987654321 +0000 UTC\",\"status\":\"deployed\",\"chart\":\"todo-app-0.1.0\","
    "\"app_version\":\"1.0.0\"},{\"name\":\"kagent\",\"namespace\":\"kagent\",\"revision\":\"1\","
    "\"updated\":\"2026-11-21 09:58:02 +0000 UTC\",\"status\":\"failed\",\"chart\":\"kagent-0.9.12\","
    "\"app_version\":\"0.9.12\"}]\n", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (one->len, ==, 2);
  release = g_ptr_array_index (one, 0);
  g_assert_cmpstr (release->name, ==, "todo-app");
  g_assert_cmpuint (release->revision, ==, 3);
  g_assert_cmpstr (release->chart, ==, "todo-app-0.1.0");
  g_assert_cmpstr (release->app_version, ==, "1.0.0");
  g_assert_true (td_helm_release_is_deployed (release));
  release = g_ptr_array_index (one, 1);
  g_assert_cmpstr (release->namespace, ==, "kagent");
  g_assert_false (td_helm_release_is_deployed (release));

  g_assert_null (td_helm_list_parse ("NAME\tNAMESPACE\tREVISION\n", &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_PARSE);
  g_clear_error (&error);
  g_assert_null (td_helm_list_parse ("[{\"namespace\":\"default\"}]", &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_PARSE);
}

static FakeRun *
helm (FakeTools  *fake,
      const char *first,
      ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, "helm");
  va_start (args, first);
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  return fake_tools_run (fake, (const char * const *) argv->pdata, NULL);
}

static void
test_fake_create_and_lint (void)
{
  const char *failing[] = { "FAKE_HELM_LINT=fail", NULL };
  g_autoptr(FakeTools) fake = fake_tools_new (helm_only, NULL);
  g_autoptr(FakeTools) broken = fake_tools_new (helm_only, failing);
  g_autoptr(FakeRun) created = helm (fake, "create", "todo-app", NULL);
  g_autoptr(FakeRun) linted = helm (fake, "lint", "todo-app", NULL);
  g_autoptr(FakeRun) failed = helm (broken, "lint", "charts/todo-app", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TdHelmLint) good = NULL;
  g_autoptr(TdHelmLint) bad = NULL;
  const char *files[] = { "Chart.yaml", "values.yaml", ".helmignore", "charts",
                          "templates/deployment.yaml", "templates/service.yaml",
                          "templates/_helpers.tpl", NULL };

  g_assert_cmpint (created->status, ==, 0);
  g_assert_cmpstr (created->out, ==, "Creating todo-app\n");
  for (guint i = 0; files[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (fake->dir, "todo-app", files[i], NULL);
      g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
    }

  g_assert_cmpint (linted->status, ==, 0);
  good = td_helm_lint_parse (linted->out, linted->err, &error);
  g_assert_no_error (error);
  g_assert_true (td_helm_lint_passed (good));

  g_assert_cmpint (failed->status, ==, 1);
  bad = td_helm_lint_parse (failed->out, failed->err, &error);
  g_assert_no_error (error);
  g_assert_false (td_helm_lint_passed (bad));
  g_assert_cmpuint (bad->charts_failed, ==, 1);
  g_assert_cmpuint (g_strv_length (bad->errors), ==, 1);
  g_assert_cmpuint (g_strv_length (bad->warnings), ==, 1);
  assert_contains (bad->errors[0], "nil pointer evaluating interface {}.repository");
}

static TdHelmRelease *
fake_status (FakeTools  *fake,
             GError    **error)
{
  g_autoptr(FakeRun) run = helm (fake, "status", "todo-app", "-o", "json", NULL);
  return td_helm_status_parse (run->out, run->err, run->status, error);
}

static GPtrArray *
fake_list (FakeTools *fake)
{
  g_autoptr(FakeRun) run = helm (fake, "list", "-o", "json", NULL);
  g_autoptr(GError) error = NULL;
  GPtrArray *releases = td_helm_list_parse (run->out, &error);

  g_assert_no_error (error);
  return releases;
}

static void
test_fake_install_lifecycle (void)
{
  g_autoptr(FakeTools) fake = fake_tools_new (helm_only, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TdHelmRelease) missing = fake_status (fake, &error);
  g_autoptr(TdHelmRelease) installed = NULL;
  g_autoptr(TdHelmRelease) upgraded = NULL;
  g_autoptr(GPtrArray) before = fake_list (fake);
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(FakeRun) install = NULL;
  g_autoptr(FakeRun) upgrade = NULL;

  g_assert_null (missing);
  g_assert_error (error, TD_ERROR, TD_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpuint (before->len, ==, 0);

  install = helm (fake, "upgrade", "--install", "todo-app", "charts/todo-app", NULL);
  g_assert_cmpint (install->status, ==, 0);
  assert_contains (install->out, "Installing it now.");
  installed = fake_status (fake, &error);
  g_assert_no_error (error);
  g_assert_true (td_helm_release_is_deployed (installed));
  g_assert_cmpuint (installed->revision, ==, 1);
  g_assert_cmpstr (installed->description, ==, "Install complete");

  upgrade = helm (fake, "upgrade", "--install", "todo-app", "charts/todo-app", NULL);
  g_assert_cmpint (upgrade->status, ==, 0);
  assert_contains (upgrade->out, "has been upgraded");
  upgraded = fake_status (fake, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (upgraded->revision, ==, 2);

  after = fake_list (fake);
  g_assert_cmpuint (after->len, ==, 1);
  g_assert_cmpuint (((TdHelmRelease *) g_ptr_array_index (after, 0))->revision, ==, 2);
}

/* A stuck release blocks the upgrade, and helm status explains how to clear it. */
static void
test_fake_pending (void)
{
  const char *settings[] = { "FAKE_HELM_STATUS=pending-upgrade", NULL };
  g_autoptr(FakeTools) fake = fake_tools_new (helm_only, settings);
  g_autoptr(FakeRun) upgrade = helm (fake, "upgrade", "--install", "todo-app", "charts/todo-app", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TdHelmRelease) release = NULL;
  const char *fix[] = { "helm", "rollback", "todo-app", NULL };

  g_assert_cmpint (upgrade->status, ==, 1);
  assert_contains (upgrade->err, "another operation (install/upgrade/rollback) is in progress");

  release = fake_status (fake, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (release->status, ==, "pending-upgrade");
  assert_fix (release, fix);
}

static void
test_fake_statuses (void)
{
  const struct {
    const char *status;
    const char *fix_verb;   /* NULL: nothing to clear */
  } cases[] = {
    { "deployed", NULL },
    { "failed", NULL },
    { "pending-install", "uninstall" },
    { "pending-upgrade", "rollback" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *setting = g_strconcat ("FAKE_HELM_STATUS=", cases[i].status, NULL);
      const char *settings[] = { setting, NULL };
      g_autoptr(FakeTools) fake = fake_tools_new (helm_only, settings);
      g_autoptr(GError) error = NULL;
      g_autoptr(TdHelmRelease) release = fake_status (fake, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (release->status, ==, cases[i].status);
      if (cases[i].fix_verb == NULL)
        g_assert_null (release->fix_argv);
      else
        g_assert_cmpstr (release->fix_argv[1], ==, cases[i].fix_verb);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/helm/lint/passed", test_lint_passed);
  g_test_add_func ("/helm/lint/failed", test_lint_failed);
  g_test_add_func ("/helm/lint/unreadable", test_lint_unreadable);
  g_test_add_func ("/helm/status/deployed", test_status_deployed);
  g_test_add_func ("/helm/status/pending", test_status_pending);
  g_test_add_func ("/helm/status/failed", test_status_failed);
  g_test_add_func ("/helm/status/errors", test_status_errors);
  g_test_add_func ("/helm/list", test_list);
  g_test_add_func ("/helm/fake/create-and-lint", test_fake_create_and_lint);
  g_test_add_func ("/helm/fake/install-lifecycle", test_fake_install_lifecycle);
  g_test_add_func ("/helm/fake/pending", test_fake_pending);
  g_test_add_func ("/helm/fake/statuses", test_fake_statuses);

  return g_test_run ();
}
