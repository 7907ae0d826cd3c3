/* test-flatpak-sandbox.c: Todo Deploy as it runs inside Flatpak. A fake /.flatpak-info makes the
 * runner sandboxed and the fake flatpak-spawn records its argv before running the command "on the
 * host": the Setup and Cluster phases, an image build and Gordon's terminal must all reach the host
 * through it, in the project folder, with the docker-env for docker only and never a secret. */
#include <adwaita.h>
#include <string.h>
#include <vte/vte.h>

#include "fake-tools-util.h"
#include "td-image-page.h"
#include "td-phase-runner.h"
#include "widget-test-util.h"

/* The values in the fixture project's .env: none may reach the host's argv or environment. */
static const char * const fixture_secrets[] = {
  "fake-db-password", "sk-fake-openai-key-for-tests", "fake-better-auth-secret-for-tests", NULL,
};
static const char * const secret_keys[] = {
  "DATABASE_URL", "OPENAI_API_KEY", "BETTER_AUTH_SECRET", NULL,
};

typedef struct {
  FakeTools    *fake;
  char         *project;
  TdPlan       *plan;
  TdDeployment *deployment;
  TdPreflight  *preflight;
  GtkWidget    *window;
} Fixture;

/* One flatpak-spawn call as recorded: its options and the host command line. */
typedef struct {
  gboolean  host;         /* --host */
  gboolean  watch_bus;    /* --watch-bus */
  char     *directory;    /* --directory=, or NULL */
  GStrv     env;          /* the --env= values, in order */
  char     *command;      /* "helm create charts/todo-app" */
} HostCall;

static void
host_call_free (HostCall *call)
{
  g_free (call->directory);
  g_strfreev (call->env);
  g_free (call->command);
  g_free (call);
}

/* @tools are on the host only: the sandbox's PATH holds nothing but flatpak-spawn. */
static void
fixture_set_up_with (Fixture *f, const char * const *tools)
{
  g_autofree char *source = g_test_build_filename (G_TEST_DIST, "fixtures", "projects", "complete", NULL);
  g_autofree char *command = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;

  f->fake = fake_tools_new (tools, NULL);
  fake_tools_enter_flatpak (f->fake);
  g_assert_true (td_runner_get_sandboxed (f->fake->runner));

  f->project = g_dir_make_tmp ("td-flatpak-XXXXXX", NULL);
  command = g_strdup_printf ("cp -a %s/. %s", source, f->project);
  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  f->plan = td_plan_new_default (&error);
  g_assert_no_error (error);
  f->deployment = td_deployment_new (f->plan, f->fake->runner, f->project);
  f->preflight = td_preflight_new (f->fake->runner);
}

static void
fixture_set_up (Fixture *f)
{
  static const char * const tools[] = { "helm", "minikube", "docker", NULL };

  fixture_set_up_with (f, tools);
}

static void
fixture_tear_down (Fixture *f)
{
  g_clear_pointer ((GtkWindow **) &f->window, gtk_window_destroy);
  g_clear_object (&f->preflight);
  g_clear_object (&f->deployment);
  g_clear_object (&f->plan);
  fake_tools_remove_tree (f->project);
  g_free (f->project);
  g_clear_pointer (&f->fake, fake_tools_free);
}

static void
on_task_finished (TdPhaseRunner *runner, TdTask *task, const char *summary, GError *error, GPtrArray *summaries)
{
  g_ptr_array_add (summaries, g_strdup_printf ("%s %s", td_task_get_id (task), summary ? summary : error->message));
}

/* Runs @phase_id to a passed gate; returns "T001 summary" for each task. */
static GPtrArray *
run_phase (Fixture *f, const char *phase_id)
{
  g_autoptr(TdPhaseRunner) runner = td_phase_runner_new (f->deployment, td_plan_lookup_phase (f->plan, phase_id));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *summaries = g_ptr_array_new_with_free_func (g_free);

  g_signal_connect (runner, "task-finished", G_CALLBACK (on_task_finished), summaries);
  td_phase_runner_run_async (runner, NULL, fake_tools_store_result, &result);
  fake_tools_wait_result (&result, WIDGET_TEST_DEADLINE_SECONDS);
  g_assert_true (td_phase_runner_run_finish (runner, result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (td_phase_get_state (td_plan_lookup_phase (f->plan, phase_id)), ==, TD_PHASE_STATE_PASSED);
  return summaries;
}

static char *
read_calls (Fixture *f)
{
  char *text = NULL;

  if (!g_file_get_contents (f->fake->log, &text, NULL, NULL))
    return g_strdup ("");
  return text;
}

static HostCall *
parse_host_call (const char *line)
{
  HostCall *call = g_new0 (HostCall, 1);
  g_autoptr(GStrvBuilder) env = g_strv_builder_new ();
  const char *rest = line + strlen ("flatpak-spawn ");

  /* Options first, each one word (the fakes' paths and docker-env values hold no spaces). */
  while (g_str_has_prefix (rest, "--"))
    {
      const char *end = strchr (rest, ' ');
      g_autofree char *option = end ? g_strndup (rest, end - rest) : g_strdup (rest);

      if (g_str_equal (option, "--host"))
        call->host = TRUE;
      else if (g_str_equal (option, "--watch-bus"))
        call->watch_bus = TRUE;
      else if (g_str_has_prefix (option, "--env="))
        g_strv_builder_add (env, option + strlen ("--env="));
      else if (g_str_has_prefix (option, "--directory="))
        call->directory = g_strdup (option + strlen ("--directory="));
      else
        g_error ("unexpected flatpak-spawn option %s in: %s", option, line);
      rest = end ? end + 1 : rest + strlen (rest);
    }
  call->env = g_strv_builder_end (env);
  call->command = g_strdup (rest);
  return call;
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The flatpak-spawn calls so far. Also asserts that every tool call the fakes logged came through
 * one of them: the same command lines, as many times (nothing ran "inside the sandbox"). Only for
 * single-line commands (Gordon's prompt spans lines). */
static GPtrArray *
host_calls (Fixture *f)
{
  g_autofree char *text = read_calls (f);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GPtrArray *calls = g_ptr_array_new_with_free_func ((GDestroyNotify) host_call_free);
  g_autoptr(GPtrArray) spawned = g_ptr_array_new ();
  g_autoptr(GPtrArray) ran = g_ptr_array_new ();

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (*lines[i] == '\0')
        continue;
      if (g_str_has_prefix (lines[i], "flatpak-spawn "))
        {
          HostCall *call = parse_host_call (lines[i]);

          g_ptr_array_add (calls, call);
          g_ptr_array_add (spawned, call->command);
        }
      else
        g_ptr_array_add (ran, lines[i]);
    }

  g_assert_cmpuint (calls->len, >, 0);
  g_assert_cmpuint (spawned->len, ==, ran->len);
  g_ptr_array_sort (spawned, compare_strings);
  g_ptr_array_sort (ran, compare_strings);
  for (guint i = 0; i < ran->len; i++)
    g_assert_cmpstr (spawned->pdata[i], ==, ran->pdata[i]);
  return calls;
}

static gboolean
strv_equal (const char * const *a, const char * const *b)
{
  guint n = a ? g_strv_length ((char **) a) : 0;

  if (n != (b ? g_strv_length ((char **) b) : 0))
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (!g_str_equal (a[i], b[i]))
      return FALSE;
  return TRUE;
}

/* Every call ran on the host, in the project folder, with Minikube's docker-env for docker and no
 * environment at all for anything else. Returns how many calls ran @program. */
static guint
assert_host_calls (Fixture *f, GPtrArray *calls, const char *program)
{
  const char * const *docker_env = td_deployment_get_docker_env (f->deployment);
  g_autofree char *prefix = g_strconcat (program, " ", NULL);
  guint n = 0;

  for (guint i = 0; i < calls->len; i++)
    {
      HostCall *call = calls->pdata[i];
      gboolean is_docker = g_str_has_prefix (call->command, "docker ");

      g_assert_true (call->host);
      g_assert_true (call->watch_bus);
      g_assert_cmpstr (call->directory, ==, f->project);
      if (!strv_equal ((const char * const *) call->env, is_docker ? docker_env : NULL))
        {
          g_autofree char *got = g_strjoinv (" ", call->env);
          g_error ("%s: got --env= %s", call->command, got);
        }
      n += g_str_has_prefix (call->command, prefix);
    }
  return n;
}

/* No .env value in any argv the host saw nor in any tool's Docker/Minikube environment, and no
 * .env key among the --env= options. */
static void
assert_no_secrets (Fixture *f, GPtrArray *calls)
{
  g_autofree char *text = read_calls (f);
  g_autofree char *env_text = NULL;

  g_file_get_contents (f->fake->env_log, &env_text, NULL, NULL);
  for (guint i = 0; fixture_secrets[i] != NULL; i++)
    {
      g_assert_null (strstr (text, fixture_secrets[i]));
      g_assert_null (env_text ? strstr (env_text, fixture_secrets[i]) : NULL);
    }
  for (guint i = 0; i < calls->len; i++)
    {
      HostCall *call = calls->pdata[i];

      for (guint j = 0; call->env[j] != NULL; j++)
        for (guint k = 0; secret_keys[k] != NULL; k++)
          g_assert_false (g_str_has_prefix (call->env[j], secret_keys[k]));
    }
}

/* ---- Setup and Cluster through TdPhaseRunner ------------------------------------------------------ */

static void
test_setup_and_cluster (void)
{
  Fixture f = { 0 };
  g_autoptr(GPtrArray) calls = NULL;
  g_autoptr(GPtrArray) summaries = NULL;
  const char * const *docker_env;

  fixture_set_up (&f);

  /* helm is on the host only: the chart comes from "helm create", not the bundled skeleton. */
  summaries = run_phase (&f, "setup");
  g_assert_cmpstr (summaries->pdata[1], ==, "T002 Created charts/todo-app and emptied its templates/ folder.");
  calls = host_calls (&f);
  g_assert_null (td_deployment_get_docker_env (f.deployment));
  g_assert_cmpuint (assert_host_calls (&f, calls, "helm"), ==, 1);
  g_assert_cmpstr (((HostCall *) calls->pdata[0])->command, ==, "helm create charts/todo-app");
  g_clear_pointer (&calls, g_ptr_array_unref);

  g_ptr_array_unref (run_phase (&f, "cluster"));
  docker_env = td_deployment_get_docker_env (f.deployment);
  g_assert_nonnull (docker_env);
  g_assert_nonnull (g_environ_getenv ((char **) docker_env, "DOCKER_HOST"));
  g_assert_nonnull (g_environ_getenv ((char **) docker_env, "DOCKER_CERT_PATH"));
  calls = host_calls (&f);
  g_assert_cmpuint (assert_host_calls (&f, calls, "minikube"), >=, 2);   /* start, docker-env, … */
  g_assert_cmpuint (assert_host_calls (&f, calls, "docker"), >=, 1);     /* the gate's docker ps */
  assert_no_secrets (&f, calls);
  fixture_tear_down (&f);
}

/* No helm on the host: flatpak-spawn says so, and T002 installs the bundled skeleton. */
static void
test_setup_without_host_helm (void)
{
  static const char * const tools[] = { "minikube", "docker", NULL };
  Fixture f = { 0 };
  g_autoptr(GPtrArray) summaries = NULL;
  g_autofree char *calls = NULL;
  g_autofree char *chart = NULL;
  g_autofree char *expected_call = NULL;

  fixture_set_up_with (&f, tools);
  summaries = run_phase (&f, "setup");
  g_assert_cmpstr (summaries->pdata[1], ==,
                   "T002 helm is not installed: installed the bundled chart skeleton (bundled reference) in charts/todo-app.");
  chart = g_build_filename (f.project, "charts", "todo-app", "Chart.yaml", NULL);
  g_assert_true (g_file_test (chart, G_FILE_TEST_IS_REGULAR));
  calls = read_calls (&f);
  expected_call = g_strdup_printf ("flatpak-spawn --host --watch-bus --directory=%s helm create charts/todo-app\n", f.project);
  g_assert_cmpstr (calls, ==, expected_call);
  fixture_tear_down (&f);
}

/* ---- an image build on the image page ------------------------------------------------------------ */

/* Runs the main loop until @page is idle. */
static void
wait_idle (TdImagePage *page)
{
  widget_test_wait_property (page, "busy", FALSE, "the image page to finish what it started");
}

/* The backend image page after a sandboxed Cluster phase, shown in a window (the terminal needs
 * one). */
static TdImagePage *
show_backend_page (Fixture *f)
{
  GtkWidget *page;

  g_ptr_array_unref (run_phase (f, "cluster"));
  td_phase_set_state (td_plan_lookup_phase (f->plan, "backend-image"), TD_PHASE_STATE_READY);
  page = g_object_ref_sink (td_image_page_new (td_plan_lookup_phase (f->plan, "backend-image"), f->preflight));
  td_wizard_page_set_deployment (TD_WIZARD_PAGE (page), f->deployment);
  f->window = adw_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1000, 1300);
  adw_window_set_content (ADW_WINDOW (f->window), page);
  gtk_window_present (GTK_WINDOW (f->window));
  return TD_IMAGE_PAGE (page);
}

static void
test_image_build (void)
{
  Fixture f = { 0 };
  g_autoptr(TdImagePage) page = NULL;
  g_autoptr(GPtrArray) calls = NULL;
  g_autofree char *shown_prefix = NULL;
  guint builds = 0;

  fixture_set_up (&f);
  page = show_backend_page (&f);
  /* The page shows the command as it really runs: through flatpak-spawn, docker-env as --env=. */
  shown_prefix = g_strdup_printf ("flatpak-spawn --host --watch-bus --env=%s",
                                  td_deployment_get_docker_env (f.deployment)[0]);
  g_assert_nonnull (widget_test_find_label (GTK_WIDGET (page), shown_prefix));

  gtk_widget_activate_action (GTK_WIDGET (page), "image.use-bundled", NULL);
  gtk_widget_activate_action (GTK_WIDGET (page), "image.accept", NULL);
  gtk_widget_activate_action (GTK_WIDGET (page), "image.build", NULL);
  g_assert_true (td_image_page_get_busy (page));
  wait_idle (page);
  g_assert_cmpint (td_phase_get_state (td_plan_lookup_phase (f.plan, "backend-image")), ==, TD_PHASE_STATE_PASSED);

  calls = host_calls (&f);
  assert_host_calls (&f, calls, "docker");
  for (guint i = 0; i < calls->len; i++)
    builds += g_str_has_prefix (((HostCall *) calls->pdata[i])->command,
                                "docker build -t todo-backend:latest -f Dockerfile.backend");
  g_assert_cmpuint (builds, ==, 1);
  assert_no_secrets (&f, calls);
  fixture_tear_down (&f);
}

/* ---- Gordon in the page's terminal ------------------------------------------------------------- */

static gboolean
gordon_asks_approval (gpointer terminal)
{
  g_autofree char *text = vte_terminal_get_text (terminal, NULL, NULL, NULL);

  return text != NULL && strstr (text, "Approve? [Y/n/a]") != NULL;
}

static void
test_gordon_terminal (void)
{
  Fixture f = { 0 };
  g_autoptr(TdImagePage) page = NULL;
  g_autoptr(GAsyncResult) preflight_result = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GRegex) regex = NULL;
  g_autofree char *calls = NULL;
  g_autofree char *scratch = NULL;
  g_autofree char *gordon_dir = NULL;
  VteTerminal *terminal;

  fixture_set_up (&f);
  /* Gordon is offered once the (sandboxed) preflight found "docker ai" on the host. */
  td_preflight_run_async (f.preflight, NULL, NULL, fake_tools_store_result, &preflight_result);
  fake_tools_wait_result (&preflight_result, WIDGET_TEST_DEADLINE_SECONDS);
  td_preflight_run_finish (f.preflight, preflight_result, NULL);
  g_assert_cmpint (td_preflight_check_get_status (td_preflight_lookup (f.preflight, "gordon")), ==, TD_CHECK_STATUS_OK);

  page = show_backend_page (&f);
  terminal = VTE_TERMINAL (widget_test_find_by_type (GTK_WIDGET (page), VTE_TYPE_TERMINAL));
  gtk_widget_activate_action (GTK_WIDGET (page), "image.run-gordon", NULL);
  g_assert_true (td_image_page_get_busy (page));
  widget_test_wait_until (gordon_asks_approval, terminal, "Gordon to ask \"Approve? [Y/n/a]\" in the terminal");
  vte_terminal_feed_child (terminal, "y\r", -1);
  wait_idle (page);
  g_assert_cmpint (td_image_page_get_candidate_source (page), ==, TD_IMAGE_SOURCE_GORDON);

  /* The terminal ran flatpak-spawn, in Gordon's scratch folder (under the cache folder, a path the
   * host shares), with no environment of ours. */
  calls = read_calls (&f);
  regex = g_regex_new ("^flatpak-spawn --host --watch-bus --directory=(\\S+) docker ai -C (\\S+) Create a multi-stage",
                       G_REGEX_MULTILINE, 0, NULL);
  g_assert_true (g_regex_match (regex, calls, 0, &match));
  scratch = g_match_info_fetch (match, 1);
  gordon_dir = g_match_info_fetch (match, 2);
  g_assert_cmpstr (gordon_dir, ==, scratch);
  g_assert_true (g_str_has_prefix (scratch, g_get_user_cache_dir ()));
  fixture_tear_down (&f);
}

int
main (int argc, char *argv[])
{
  g_autofree char *cache = g_dir_make_tmp ("td-flatpak-cache-XXXXXX", NULL);
  int status;

  /* Gordon's scratch copies go under the user cache folder: keep them in a temporary one. */
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/flatpak-sandbox/setup-and-cluster", test_setup_and_cluster);
  g_test_add_func ("/flatpak-sandbox/setup-without-host-helm", test_setup_without_host_helm);
  g_test_add_func ("/flatpak-sandbox/image-build", test_image_build);
  g_test_add_func ("/flatpak-sandbox/gordon-terminal", test_gordon_terminal);
  status = g_test_run ();
  fake_tools_remove_tree (cache);
  return status;
}
