/* test-deploy-phase.c: the Helm Deploy phase (T022–T026) end to end against the fake helm and the
 * Kubernetes API double: values.yaml, the Secret through the API (POST, then 409 → PUT), helm
 * upgrade --install, the audit line, the gate, the pending-upgrade lock, missing .env keys, and the
 * pods the rollout starts. Secrets are sentinels that must appear nowhere but in the stored Secret. */
#include <glib/gstdio.h>
#include <string.h>

#include "fake-tools-util.h"
#include "kube-double/kd-server.h"
#include "td-check-result.h"
#include "td-error.h"
#include "td-helm-lock.h"
#include "td-phase-runner.h"
#include "td-pod-monitor.h"
#include "td-secret-task.h"
#include "td-values.h"

#define SENTINEL_DB     "postgresql://u:SENTINEL-db-7f3a@db/x"
#define SENTINEL_OPENAI "sk-SENTINEL-openai-91c2"
#define SENTINEL_AUTH   "SENTINEL-auth-55d0"
#define SENTINEL_TYPED  "SENTINEL-typed-e4b8"

static const char * const sentinels[] = { "SENTINEL", NULL };

/* Everything GLib logged, at every level, while the tests ran. */
static GString *captured_log;

static GLogWriterOutput
capture_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE") || g_str_equal (fields[i].key, "GLIB_DOMAIN"))
      {
        g_string_append_len (captured_log, fields[i].value,
                             fields[i].length < 0 ? (gssize) strlen (fields[i].value) : fields[i].length);
        g_string_append_c (captured_log, '\n');
      }
  /* Debug output is captured, not printed; warnings still fail the test as usual. */
  if (level & G_LOG_LEVEL_DEBUG)
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (level, fields, n_fields, user_data);
}

/* What `helm upgrade --install` makes the double's pods do, and what kubectl would show. */
typedef struct {
  const char *outcome;
  const char *backend_status;
  const char *frontend_status;
  guint       ready;
} RolloutCase;

typedef struct {
  char         *rollouts;     /* the directory the double watches */
  char         *env_dump;     /* every helm call's whole environment */
  FakeTools    *fake;
  KdServer     *server;
  char         *project;
  TdPlan       *plan;
  TdDeployment *deployment;
  GString      *log_view;     /* every line of every program, as the window's log view gets them */
  GPtrArray    *finished;     /* "T024 ok: …" / "T025 error: …" */
} Fixture;

static void
on_line (TdProcess *process, TdStream stream, const char *text, Fixture *fixture)
{
  g_string_append_printf (fixture->log_view, "%s\n", text);
}

static void
on_process_started (TdDeployment *deployment, TdProcess *process, const char *task_id, Fixture *fixture)
{
  g_auto(GStrv) argv = NULL;

  g_object_get (process, "argv", &argv, NULL);
  if (argv != NULL)
    {
      g_autofree char *line = g_strjoinv (" ", argv);
      g_string_append_printf (fixture->log_view, "$ %s\n", line);
    }
  g_signal_connect (process, "line", G_CALLBACK (on_line), fixture);
}

static void
on_task_finished (TdPhaseRunner *runner, TdTask *task, const char *summary, GError *error, Fixture *fixture)
{
  g_ptr_array_add (fixture->finished, g_strdup_printf ("%s %s: %s", td_task_get_id (task), summary ? "ok" : "error",
                                                       summary ? summary : error->message));
}

static void
write_project_file (Fixture *fixture, const char *relative, const char *text)
{
  g_autofree char *path = g_build_filename (fixture->project, relative, NULL);
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

static char *
read_file_or_empty (const char *path)
{
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return g_strdup ("");
  return text;
}

/* A project with the chart still as `helm create` left it, and .env as given; the double watching
 * the rollout directory the fake helm writes to. */
static void
fixture_set_up_with (Fixture *fixture, const char *dotenv, const char *rollout_outcome)
{
  g_autofree char *rollout_setting = NULL;
  g_autofree char *dump_setting = NULL;
  g_autofree char *outcome_setting = NULL;
  g_autoptr(GError) error = NULL;
  const char *tools[] = { "helm", NULL };

  fixture->rollouts = g_dir_make_tmp ("td-rollouts-XXXXXX", NULL);
  fixture->project = g_dir_make_tmp ("td-deploy-XXXXXX", NULL);
  /* Beside the rollout directory, so the double never sees it. */
  fixture->env_dump = g_strconcat (fixture->rollouts, ".env-dump", NULL);
  rollout_setting = g_strconcat ("FAKE_KUBE_ROLLOUT_DIR=", fixture->rollouts, NULL);
  dump_setting = g_strconcat ("FAKE_HELM_ENV_DUMP=", fixture->env_dump, NULL);
  outcome_setting = g_strconcat ("FAKE_HELM_ROLLOUT=", rollout_outcome ? rollout_outcome : "running", NULL);
  {
    const char *settings[] = { rollout_setting, dump_setting, outcome_setting, NULL };
    fixture->fake = fake_tools_new (tools, settings);
  }

  fixture->server = kd_server_new (kd_scenario_new_empty (), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (kd_server_watch_rollouts (fixture->server, fixture->rollouts, &error));
  g_assert_no_error (error);

  write_project_file (fixture, ".env", dotenv);
  write_project_file (fixture, "charts/todo-app/Chart.yaml", "apiVersion: v2\nname: todo-app\nversion: 0.1.0\n");
  write_project_file (fixture, "charts/todo-app/values.yaml",
                      "# Default values for todo-app.\nreplicaCount: 1\n\nimage:\n  repository: nginx\n"
                      "  pullPolicy: IfNotPresent\n  tag: \"\"\n\nresources: {}\n");

  fixture->plan = td_plan_new_default (&error);
  g_assert_no_error (error);
  fixture->deployment = td_deployment_new (fixture->plan, fixture->fake->runner, fixture->project);
  td_deployment_set_kubeconfig_path (fixture->deployment, kd_server_get_kubeconfig_path (fixture->server));
  fixture->log_view = g_string_new (NULL);
  g_signal_connect (fixture->deployment, "process-started", G_CALLBACK (on_process_started), fixture);
  fixture->finished = g_ptr_array_new_with_free_func (g_free);
}

static const char *complete_dotenv =
  "DATABASE_URL=" SENTINEL_DB "\n"
  "export OPENAI_API_KEY=\"" SENTINEL_OPENAI "\"\n"
  "BETTER_AUTH_SECRET='" SENTINEL_AUTH "'\n"
  "UNRELATED=not-for-the-secret\n";

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture_set_up_with (fixture, complete_dotenv, NULL);
}

/* A copy of the bundled plan with the release, the Secret, the audit log and the pod selector
 * renamed, loaded from a file as `--plan FILE` loads it. */
static const char * const renames[][2] = {
  { "release: &release todo-app", "release: &release demo-release" },
  { "helm install todo-app charts/todo-app", "helm install demo-release charts/todo-app" },
  { "helm upgrade --install todo-app charts/todo-app", "helm upgrade --install demo-release charts/todo-app" },
  { "secret_name: &secret_name todo-backend-secret", "secret_name: &secret_name demo-secret" },
  { "audit_log: &audit_log phase-iv-audit.log", "audit_log: &audit_log demo-audit.log" },
  { "pod_selector: &pod_selector \"app in (todo-backend,todo-frontend)\"", "pod_selector: &pod_selector \"app=demo\"" },
};

static char *
write_renamed_plan (const char *directory)
{
  g_autoptr(GBytes) bundled = g_resources_lookup_data (TD_PLAN_RESOURCE_PATH, 0, NULL);
  g_autofree char *text = g_strndup (g_bytes_get_data (bundled, NULL), g_bytes_get_size (bundled));
  char *path = g_build_filename (directory, "renamed-plan.yaml", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (renames); i++)
    {
      g_auto(GStrv) parts = g_strsplit (text, renames[i][0], -1);
      g_assert_cmpuint (g_strv_length (parts), >=, 2);   /* the copy really renames it */
      g_free (text);
      text = g_strjoinv (renames[i][1], parts);
    }
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static void
fixture_set_up_renamed (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *plan_file = NULL;

  fixture_set_up_with (fixture, complete_dotenv, NULL);
  plan_file = write_renamed_plan (fixture->rollouts);
  g_clear_object (&fixture->deployment);
  g_clear_object (&fixture->plan);
  fixture->plan = td_plan_load (plan_file, &error);
  g_assert_no_error (error);
  g_unlink (plan_file);
  fixture->deployment = td_deployment_new (fixture->plan, fixture->fake->runner, fixture->project);
  td_deployment_set_kubeconfig_path (fixture->deployment, kd_server_get_kubeconfig_path (fixture->server));
  g_signal_connect (fixture->deployment, "process-started", G_CALLBACK (on_process_started), fixture);
}

static void
fixture_set_up_rollout (Fixture *fixture, gconstpointer data)
{
  fixture_set_up_with (fixture, complete_dotenv, ((const RolloutCase *) data)->outcome);
}

static void
fixture_set_up_missing (Fixture *fixture, gconstpointer data)
{
  fixture_set_up_with (fixture, "DATABASE_URL=" SENTINEL_DB "\nBETTER_AUTH_SECRET=" SENTINEL_AUTH "\n", NULL);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_object (&fixture->deployment);
  g_clear_object (&fixture->plan);
  g_clear_pointer (&fixture->server, kd_server_free);
  fake_tools_remove_tree (fixture->project);
  fake_tools_remove_tree (fixture->rollouts);
  g_remove (fixture->env_dump);
  g_clear_pointer (&fixture->fake, fake_tools_free);
  g_string_free (fixture->log_view, TRUE);
  g_ptr_array_unref (fixture->finished);
  g_free (fixture->project);
  g_free (fixture->rollouts);
  g_free (fixture->env_dump);
}

static void
got_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static GPtrArray *last_gate_results;

static void
on_gate_checked (TdPhaseRunner *runner, GPtrArray *results, gboolean passed, gpointer user_data)
{
  g_clear_pointer (&last_gate_results, g_ptr_array_unref);
  last_gate_results = g_ptr_array_ref (results);
}

static gboolean
run_deploy (Fixture *fixture, GError **error)
{
  TdPhase *phase = td_plan_lookup_phase (fixture->plan, "deploy");
  g_autoptr(TdPhaseRunner) runner = td_phase_runner_new (fixture->deployment, phase);
  g_autoptr(GAsyncResult) result = NULL;

  g_assert_true (td_phase_runner_can_run_all (runner));
  g_ptr_array_set_size (fixture->finished, 0);
  g_signal_connect (runner, "task-finished", G_CALLBACK (on_task_finished), fixture);
  g_signal_connect (runner, "gate-checked", G_CALLBACK (on_gate_checked), NULL);
  td_phase_runner_run_async (runner, NULL, got_result, &result);
  return td_phase_runner_run_finish (runner, wait_for (&result), error);
}

static const char *
finished_line (Fixture *fixture, const char *task_id)
{
  for (guint i = 0; i < fixture->finished->len; i++)
    if (g_str_has_prefix (fixture->finished->pdata[i], task_id))
      return fixture->finished->pdata[i];
  return NULL;
}

static guint
count_requests (Fixture *fixture, const char *request)
{
  GPtrArray *log = kd_server_get_request_log (fixture->server);
  guint n = 0;

  for (guint i = 0; i < log->len; i++)
    if (g_str_equal (log->pdata[i], request))
      n++;
  return n;
}

static char *
stored_secret_value (Fixture *fixture, const char *key)
{
  JsonObject *secret = kd_server_get_secret (fixture->server, "default", "todo-backend-secret");
  JsonObject *data;
  gsize length = 0;
  g_autofree guchar *decoded = NULL;

  g_assert_nonnull (secret);
  data = json_object_get_object_member (secret, "data");
  g_assert_true (json_object_has_member (data, key));
  decoded = g_base64_decode (json_object_get_string_member (data, key), &length);
  return g_strndup ((const char *) decoded, length);
}

/* The sentinels must be nowhere a person or a log could read them. */
static void
assert_no_secret_leaked (Fixture *fixture)
{
  g_autofree char *audit_path = g_build_filename (fixture->project, "phase-iv-audit.log", NULL);
  g_autofree char *audit = read_file_or_empty (audit_path);
  g_autofree char *calls = read_file_or_empty (fixture->fake->log);
  g_autofree char *env_log = read_file_or_empty (fixture->fake->env_log);
  g_autofree char *env_dump = read_file_or_empty (fixture->env_dump);
  struct { const char *what; const char *text; } places[] = {
    { "audit log", audit }, { "fake tool calls", calls }, { "fake tool env log", env_log },
    { "helm's whole environment", env_dump }, { "log view", fixture->log_view->str },
    { "GLib log", captured_log->str },
  };

  /* The places were really written to, so finding nothing means something. */
  g_assert_nonnull (strstr (calls, "helm upgrade --install"));
  g_assert_nonnull (strstr (env_dump, "PATH"));
  g_assert_nonnull (strstr (fixture->log_view->str, "STATUS: deployed"));
  g_assert_nonnull (strstr (captured_log->str, "POST /api/v1/namespaces/default/secrets"));
  for (guint i = 0; i < G_N_ELEMENTS (places); i++)
    for (guint s = 0; sentinels[s] != NULL; s++)
      if (strstr (places[i].text, sentinels[s]) != NULL)
        g_error ("a secret value reached the %s:\n%s", places[i].what, places[i].text);
}

/* ---- the whole phase ------------------------------------------------------------------------ */

static void
test_deploy_end_to_end (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *values_path = g_build_filename (fixture->project, "charts", "todo-app", "values.yaml", NULL);
  g_autofree char *values_text = NULL;
  g_autoptr(TdYamlNode) values = NULL;
  const TdYamlNode *defaults = td_values_lookup (td_plan_get_settings (fixture->plan), "values");
  g_autoptr(TdAuditLog) audit = td_audit_log_new (fixture->project, td_plan_get_setting (fixture->plan, "audit_log"),
                                                  td_plan_get_setting (fixture->plan, "audit_header"));
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *calls = NULL;
  guint helm_lines = 0;

  g_assert_true (run_deploy (fixture, &error));
  g_assert_no_error (error);

  /* T022: the helm create example replaced by the seed's defaults, as block YAML. */
  g_assert_nonnull (strstr (finished_line (fixture, "T022"), "Wrote charts/todo-app/values.yaml"));
  g_assert_true (g_file_get_contents (values_path, &values_text, NULL, NULL));
  g_assert_null (strchr (values_text, '{'));
  g_assert_null (strstr (values_text, "nginx"));
  g_assert_nonnull (strstr (values_text, "\nbackend:\n  image: todo-backend\n"));
  g_assert_nonnull (strstr (values_text, "    limits:\n      cpu: \"500m\"\n      memory: \"512Mi\"\n"));
  values = td_values_read (values_path, &error);
  g_assert_no_error (error);
  g_assert_true (td_values_has_shape (values, defaults, NULL));
  g_assert_cmpstr (td_yaml_scalar (td_values_lookup (values, "frontend.nodePort")), ==, "30080");
  {
    /* The same values as the bundled chart's, which the real helm lints and renders. */
    g_autoptr(GBytes) bundled = td_deployment_lookup_bundled ("charts/todo-app/values.yaml", &error);
    g_autoptr(TdYamlNode) bundled_tree = NULL;
    g_autofree char *bundled_text = NULL;
    g_autofree char *written_text = NULL;

    g_assert_no_error (error);
    bundled_tree = td_yaml_parse (g_bytes_get_data (bundled, NULL), g_bytes_get_size (bundled), "bundled", &error);
    g_assert_no_error (error);
    bundled_text = td_values_to_text (bundled_tree, NULL);
    written_text = td_values_to_text (values, NULL);
    g_assert_cmpstr (written_text, ==, bundled_text);
  }

  /* T024: created with a POST, holding exactly the plan's keys. */
  g_assert_nonnull (strstr (finished_line (fixture, "T024"), "Created the Secret todo-backend-secret"));
  g_assert_cmpuint (count_requests (fixture, "POST /api/v1/namespaces/default/secrets"), ==, 1);
  g_assert_cmpuint (count_requests (fixture, "PUT /api/v1/namespaces/default/secrets/todo-backend-secret"), ==, 0);
  {
    g_autofree char *db = stored_secret_value (fixture, "DATABASE_URL");
    g_autofree char *openai = stored_secret_value (fixture, "OPENAI_API_KEY");
    g_autofree char *auth = stored_secret_value (fixture, "BETTER_AUTH_SECRET");
    JsonObject *secret = kd_server_get_secret (fixture->server, "default", "todo-backend-secret");

    g_assert_cmpstr (db, ==, SENTINEL_DB);
    g_assert_cmpstr (openai, ==, SENTINEL_OPENAI);
    g_assert_cmpstr (auth, ==, SENTINEL_AUTH);
    g_assert_cmpuint (json_object_get_size (json_object_get_object_member (secret, "data")), ==, 3);
  }

  /* T025: upgrade --install with exactly the plan's arguments. */
  calls = read_file_or_empty (fixture->fake->log);
  g_assert_nonnull (strstr (calls, "helm upgrade --install todo-app charts/todo-app\n"));
  g_assert_nonnull (strstr (fixture->log_view->str, "$ helm upgrade --install todo-app charts/todo-app\n"));

  /* T026: the seed's line; the gate saw the release deployed. */
  entries = td_audit_log_read_entries (audit, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      TdAuditEntry *entry = entries->pdata[i];
      if (g_str_equal (entry->agent, "HELM"))
        {
          helm_lines++;
          g_assert_cmpstr (entry->prompt, ==, "helm install todo-app charts/todo-app");
          g_assert_cmpstr (entry->result, ==, "Release todo-app deployed, STATUS=deployed");
        }
    }
  g_assert_cmpuint (helm_lines, ==, 1);
  g_assert_nonnull (last_gate_results);
  g_assert_cmpuint (last_gate_results->len, ==, 1);
  g_assert_cmpint (td_check_result_get_status (last_gate_results->pdata[0]), ==, TD_CHECK_STATUS_OK);
  g_assert_nonnull (strstr (td_check_result_get_message (last_gate_results->pdata[0]), "deployed"));

  assert_no_secret_leaked (fixture);

  /* A second run: values.yaml kept, the Secret replaced (409 → PUT), helm upgrades. */
  g_assert_true (run_deploy (fixture, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (finished_line (fixture, "T022"), "kept as it is"));
  g_assert_nonnull (strstr (finished_line (fixture, "T024"), "Updated the Secret todo-backend-secret"));
  g_assert_cmpuint (count_requests (fixture, "POST /api/v1/namespaces/default/secrets"), ==, 2);
  g_assert_cmpuint (count_requests (fixture, "PUT /api/v1/namespaces/default/secrets/todo-backend-secret"), ==, 1);
  {
    g_autofree char *openai = stored_secret_value (fixture, "OPENAI_API_KEY");
    g_assert_cmpstr (openai, ==, SENTINEL_OPENAI);
  }
  g_assert_nonnull (strstr (fixture->log_view->str, "has been upgraded"));
  assert_no_secret_leaked (fixture);
}

/* ---- values.yaml the user already has ----------------------------------------------------- */

static void
test_values_kept_or_merged (Fixture *fixture, gconstpointer data)
{
  const TdYamlNode *defaults = td_values_lookup (td_plan_get_settings (fixture->plan), "values");
  g_autofree char *path = g_build_filename (fixture->project, "charts", "todo-app", "values.yaml", NULL);
  g_autofree char *shaped = td_values_to_text (defaults, NULL);
  g_autoptr(GString) custom = g_string_new (shaped);
  g_autofree char *after = NULL;
  g_autoptr(TdYamlNode) merged = NULL;
  g_autoptr(GError) error = NULL;
  TdValuesOutcome outcome;

  /* Already the plan's shape (with a right-sized limit and a comment): not touched, byte for byte. */
  g_string_prepend (custom, "# mine\n");
  g_assert_cmpuint (g_string_replace (custom, "cpu: \"500m\"", "cpu: \"750m\"", 1), ==, 1);
  g_assert_true (g_file_set_contents (path, custom->str, -1, NULL));
  g_assert_true (td_values_apply_defaults (path, defaults, &outcome, &error));
  g_assert_no_error (error);
  g_assert_cmpint (outcome, ==, TD_VALUES_KEPT);
  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, custom->str);

  /* Partly ours: the user's values stay, the missing keys are added. */
  g_assert_true (g_file_set_contents (path, "backend:\n  replicas: 3\n  resources:\n    limits:\n      cpu: \"750m\"\nextra: kept\n", -1, NULL));
  g_assert_true (td_values_apply_defaults (path, defaults, &outcome, &error));
  g_assert_no_error (error);
  g_assert_cmpint (outcome, ==, TD_VALUES_MERGED);
  merged = td_values_read (path, &error);
  g_assert_no_error (error);
  g_assert_true (td_values_has_shape (merged, defaults, NULL));
  g_assert_cmpstr (td_yaml_scalar (td_values_lookup (merged, "backend.replicas")), ==, "3");
  g_assert_cmpstr (td_yaml_scalar (td_values_lookup (merged, "backend.resources.limits.cpu")), ==, "750m");
  g_assert_cmpstr (td_yaml_scalar (td_values_lookup (merged, "backend.resources.limits.memory")), ==, "512Mi");
  g_assert_cmpstr (td_yaml_scalar (td_values_lookup (merged, "extra")), ==, "kept");

  /* Unreadable YAML is never overwritten. */
  g_assert_true (g_file_set_contents (path, "backend: [unclosed\n", -1, NULL));
  g_assert_false (td_values_apply_defaults (path, defaults, &outcome, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_PARSE);
  g_clear_pointer (&after, g_free);
  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, "backend: [unclosed\n");
}

/* ---- missing .env keys ------------------------------------------------------------------------ */

static void
test_missing_keys (Fixture *fixture, gconstpointer data)
{
  TdTask *task = td_plan_lookup_task (fixture->plan, "T024");
  g_auto(GStrv) missing = td_secret_task_missing_keys (fixture->deployment, task);
  g_auto(GStrv) after = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (g_strv_length (missing), ==, 1);
  g_assert_cmpstr (missing[0], ==, "OPENAI_API_KEY");

  /* The run stops at T024, naming the key; nothing reaches the cluster or helm. */
  g_assert_false (run_deploy (fixture, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "OPENAI_API_KEY"));
  g_assert_null (strstr (error->message, "DATABASE_URL"));
  g_assert_cmpuint (count_requests (fixture, "POST /api/v1/namespaces/default/secrets"), ==, 0);
  g_assert_null (finished_line (fixture, "T025"));

  /* Typed in (the page's password row): now complete, and stored. */
  td_deployment_set_entered_secret (fixture->deployment, "OPENAI_API_KEY", SENTINEL_TYPED);
  after = td_secret_task_missing_keys (fixture->deployment, task);
  g_assert_cmpuint (g_strv_length (after), ==, 0);
  g_clear_error (&error);
  g_assert_true (run_deploy (fixture, &error));
  g_assert_no_error (error);
  {
    g_autofree char *openai = stored_secret_value (fixture, "OPENAI_API_KEY");
    g_autofree char *db = stored_secret_value (fixture, "DATABASE_URL");
    g_assert_cmpstr (openai, ==, SENTINEL_TYPED);
    g_assert_cmpstr (db, ==, SENTINEL_DB);
  }
  assert_no_secret_leaked (fixture);
}

/* ---- the pending-upgrade lock --------------------------------------------------------------- */

static void
test_pending_lock (Fixture *fixture, gconstpointer data)
{
  g_autofree char *status_file = g_build_filename (fixture->fake->state_dir, "helm-status-todo-app", NULL);
  g_autofree char *release_file = g_build_filename (fixture->fake->state_dir, "helm-release-todo-app", NULL);
  g_autoptr(GAsyncResult) checked = NULL;
  g_autoptr(GAsyncResult) cleared = NULL;
  g_autoptr(GAsyncResult) rechecked = NULL;
  g_autoptr(TdHelmRelease) locked = NULL;
  g_autoptr(TdHelmRelease) still = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *calls = NULL;

  g_assert_true (g_file_set_contents (status_file, "pending-upgrade\n", -1, NULL));
  g_assert_true (g_file_set_contents (release_file, "2\n", -1, NULL));

  g_assert_false (run_deploy (fixture, &error));
  g_assert_nonnull (strstr (finished_line (fixture, "T025"), "another operation"));
  g_clear_error (&error);

  td_helm_lock_check_async (fixture->deployment, "todo-app", NULL, got_result, &checked);
  locked = td_helm_lock_check_finish (fixture->deployment, wait_for (&checked), &error);
  g_assert_no_error (error);
  g_assert_nonnull (locked);
  g_assert_cmpstr (locked->status, ==, "pending-upgrade");
  g_assert_nonnull (strstr (locked->explanation, "helm rollback todo-app"));
  g_assert_cmpstrv (locked->fix_argv, ((const char *[]) { "helm", "rollback", "todo-app", NULL }));

  td_helm_lock_clear_async (fixture->deployment, locked, NULL, got_result, &cleared);
  g_assert_true (td_helm_lock_clear_finish (fixture->deployment, wait_for (&cleared), &error));
  g_assert_no_error (error);
  calls = read_file_or_empty (fixture->fake->log);
  g_assert_nonnull (strstr (calls, "helm rollback todo-app\n"));

  td_helm_lock_check_async (fixture->deployment, "todo-app", NULL, got_result, &rechecked);
  still = td_helm_lock_check_finish (fixture->deployment, wait_for (&rechecked), &error);
  g_assert_no_error (error);
  g_assert_null (still);

  g_assert_true (run_deploy (fixture, &error));
  g_assert_no_error (error);
}

static void
test_gate_explains_lock (Fixture *fixture, gconstpointer data)
{
  g_autofree char *status_file = g_build_filename (fixture->fake->state_dir, "helm-status-todo-app", NULL);
  g_autofree char *release_file = g_build_filename (fixture->fake->state_dir, "helm-release-todo-app", NULL);
  TdPhase *phase = td_plan_lookup_phase (fixture->plan, "deploy");
  g_autoptr(TdPhaseRunner) runner = td_phase_runner_new (fixture->deployment, phase);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (status_file, "pending-upgrade\n", -1, NULL));
  g_assert_true (g_file_set_contents (release_file, "2\n", -1, NULL));
  g_signal_connect (runner, "gate-checked", G_CALLBACK (on_gate_checked), NULL);
  td_phase_runner_check_gate_async (runner, NULL, got_result, &result);
  g_assert_false (td_phase_runner_check_gate_finish (runner, wait_for (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpint (td_check_result_get_status (last_gate_results->pdata[0]), ==, TD_CHECK_STATUS_FAILED);
  g_assert_nonnull (strstr (td_check_result_get_message (last_gate_results->pdata[0]), "pending-upgrade"));
  g_assert_cmpstr (td_check_result_get_fix (last_gate_results->pdata[0]), ==,
                   "Run “helm rollback todo-app”, then deploy again.");
}

/* ---- the pods the rollout starts ------------------------------------------------------------- */

static gboolean
pods_settled (TdPodMonitor *monitor, const RolloutCase *expected)
{
  GListModel *pods = G_LIST_MODEL (monitor);
  guint n = g_list_model_get_n_items (pods);

  if (n != 4)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TdPod) pod = g_list_model_get_item (pods, i);
      const char *wanted = g_str_has_prefix (td_pod_get_name (pod), "todo-backend-")
                             ? expected->backend_status : expected->frontend_status;

      if (g_strcmp0 (td_pod_get_status (pod), wanted) != 0)
        return FALSE;
    }
  return TRUE;
}

static gboolean
give_up (gpointer user_data)
{
  g_error ("the rollout's pods never settled");
  return G_SOURCE_REMOVE;
}

static void
test_rollout_pods (Fixture *fixture, gconstpointer data)
{
  const RolloutCase *expected = data;
  g_autoptr(GAsyncResult) connected = NULL;
  g_autoptr(TdKubeClient) client = NULL;
  g_autoptr(TdPodMonitor) monitor = NULL;
  g_autoptr(GError) error = NULL;
  const char *selector = td_yaml_mapping_get_string (td_plan_get_settings (fixture->plan), "pod_selector");
  guint guard;

  /* Before helm runs the cluster holds no pods of ours. */
  td_deployment_connect_async (fixture->deployment, NULL, got_result, &connected);
  client = td_deployment_connect_finish (fixture->deployment, wait_for (&connected), NULL, &error);
  g_assert_no_error (error);
  monitor = td_pod_monitor_new (client, "default", selector);
  td_pod_monitor_start (monitor);
  while (!td_pod_monitor_get_synced (monitor))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (monitor)), ==, 0);

  g_assert_true (run_deploy (fixture, &error));   /* helm deployed; the pods are another matter */
  g_assert_no_error (error);

  guard = g_timeout_add_seconds (20, give_up, NULL);
  while (!pods_settled (monitor, expected))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (guard);
  g_assert_cmpuint (td_pod_monitor_get_n_ready (monitor), ==, expected->ready);

  /* What the Verify page will show for a pod that does not run. */
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(TdPod) pod = g_list_model_get_item (G_LIST_MODEL (monitor), i);
      if (!td_pod_get_is_ready (pod))
        {
          g_assert_nonnull (td_pod_get_diagnosis (pod));
          g_assert_nonnull (td_pod_get_diagnosis_text (pod));
        }
    }
  td_pod_monitor_stop (monitor);
}

static const RolloutCase rollout_running = { "running", "Running", "Running", 4 };
static const RolloutCase rollout_image_pull = { "image-pull-backoff", "ImagePullBackOff", "ImagePullBackOff", 0 };
static const RolloutCase rollout_config = { "create-container-config-error", "CreateContainerConfigError", "Running", 2 };

/* Every command, message and audit line follows the plan's names, not the seed's. */
static void
test_renamed_plan (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *calls = NULL;
  g_autofree char *audit_path = g_build_filename (fixture->project, "demo-audit.log", NULL);
  g_autofree char *seed_audit_path = g_build_filename (fixture->project, "phase-iv-audit.log", NULL);
  g_autofree char *audit = NULL;

  g_assert_true (run_deploy (fixture, &error));
  g_assert_no_error (error);

  calls = read_file_or_empty (fixture->fake->log);
  g_assert_nonnull (strstr (calls, "helm upgrade --install demo-release charts/todo-app\n"));
  g_assert_nonnull (strstr (calls, "helm status demo-release"));
  g_assert_null (strstr (calls, "todo-app charts"));
  g_assert_nonnull (strstr (fixture->log_view->str, "$ helm upgrade --install demo-release charts/todo-app\n"));

  g_assert_nonnull (strstr (finished_line (fixture, "T024"), "demo-secret"));
  g_assert_nonnull (kd_server_get_secret (fixture->server, "default", "demo-secret"));
  g_assert_null (kd_server_get_secret (fixture->server, "default", "todo-backend-secret"));

  g_assert_nonnull (strstr (finished_line (fixture, "T026"), "demo-audit.log"));
  audit = read_file_or_empty (audit_path);
  g_assert_nonnull (strstr (audit, "[HELM] prompt=\"helm install demo-release charts/todo-app\" result=\"Release todo-app deployed"));
  g_assert_false (g_file_test (seed_audit_path, G_FILE_TEST_EXISTS));
  g_assert_cmpstr (td_plan_get_setting (fixture->plan, "pod_selector"), ==, "app=demo");
  g_unlink (audit_path);
}

int
main (int argc, char **argv)
{
  captured_log = g_string_new (NULL);
  g_log_set_debug_enabled (TRUE);
  g_log_set_writer_func (capture_writer, NULL, NULL);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/deploy-phase/end-to-end", Fixture, NULL, fixture_set_up, test_deploy_end_to_end, fixture_tear_down);
  g_test_add ("/deploy-phase/renamed-plan", Fixture, NULL, fixture_set_up_renamed, test_renamed_plan, fixture_tear_down);
  g_test_add ("/deploy-phase/values-kept-or-merged", Fixture, NULL, fixture_set_up, test_values_kept_or_merged,
              fixture_tear_down);
  g_test_add ("/deploy-phase/missing-keys", Fixture, NULL, fixture_set_up_missing, test_missing_keys, fixture_tear_down);
  g_test_add ("/deploy-phase/pending-lock", Fixture, NULL, fixture_set_up, test_pending_lock, fixture_tear_down);
  g_test_add ("/deploy-phase/gate-explains-lock", Fixture, NULL, fixture_set_up, test_gate_explains_lock,
              fixture_tear_down);
  g_test_add ("/deploy-phase/rollout/running", Fixture, &rollout_running, fixture_set_up_rollout,
              test_rollout_pods, fixture_tear_down);
  g_test_add ("/deploy-phase/rollout/image-pull-backoff", Fixture, &rollout_image_pull, fixture_set_up_rollout,
              test_rollout_pods, fixture_tear_down);
  g_test_add ("/deploy-phase/rollout/create-container-config-error", Fixture, &rollout_config,
              fixture_set_up_rollout, test_rollout_pods, fixture_tear_down);
  return g_test_run ();
}
