/* test-agent-output.c: the artifact out of an agent's raw output, from every shape the fake
 * kubectl-ai prints and from hand-written transcripts */
#include <string.h>

#include "fake-tools-util.h"
#include "td-agent-output.h"
#include "td-error.h"
#include "td-plan.h"

static char *
fixture_text (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "kubectl-ai", name, NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static void
assert_contains (const char *text, const char *part)
{
  if (text == NULL || strstr (text, part) == NULL)
    g_error ("“%s” does not contain “%s”", text, part);
}

/* The seed's prompt for @task_id, from the bundled plan. */
static char *
seed_prompt (const char *task_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdPlan) plan = td_plan_new_default (&error);

  g_assert_no_error (error);
  return g_strdup (td_task_get_prompt (td_plan_lookup_task (plan, task_id)));
}

typedef struct {
  const char          *mode;
  TdAgentOutputSource  source;
} ModeCase;

static const ModeCase mode_cases[] = {
  { "indented", TD_AGENT_OUTPUT_INDENTED },
  { "fenced",   TD_AGENT_OUTPUT_FENCED },
  { "heredoc",  TD_AGENT_OUTPUT_HEREDOC },
  { "runonce",  TD_AGENT_OUTPUT_APPROVAL },
  { "bare",     TD_AGENT_OUTPUT_PLAIN },
};

static const struct { const char *task; const char *file; const char *kind; } tasks[] = {
  { "T016", "backend-deployment.yaml",  "Deployment" },
  { "T017", "backend-service.yaml",     "Service" },
  { "T018", "frontend-deployment.yaml", "Deployment" },
  { "T019", "frontend-service.yaml",    "Service" },
  { "T020", "configmap.yaml",           "ConfigMap" },
};

/* Every shape the fake prints gives back exactly the manifest the fake meant, for every prompt. */
static void
test_fake_modes (gconstpointer data)
{
  const ModeCase *mode = data;
  g_autofree char *setting = g_strdup_printf ("FAKE_KUBECTL_AI_MODE=%s", mode->mode);
  const char *tools[] = { "kubectl-ai", NULL };
  const char *settings[] = { setting, NULL };
  g_autoptr(FakeTools) fake = fake_tools_new (tools, settings);

  for (guint i = 0; i < G_N_ELEMENTS (tasks); i++)
    {
      g_autofree char *prompt = seed_prompt (tasks[i].task);
      const char *argv[] = { "kubectl-ai", "--quiet", prompt, NULL };
      g_autoptr(FakeRun) run = fake_tools_run (fake, argv, NULL);
      g_autofree char *expected = fixture_text (tasks[i].file);
      g_autoptr(GError) error = NULL;
      TdAgentOutputSource source = 99;
      g_autofree char *manifest = NULL;

      /* The RunOnce refusal is an error exit; the manifest is still in its output. */
      g_assert_cmpint (run->status, ==, g_str_equal (mode->mode, "runonce") ? 1 : 0);
      if (!g_str_equal (mode->mode, "bare"))
        g_assert_nonnull (strchr (run->out, '\033'));
      manifest = td_agent_output_extract (run->out, -1, TD_AGENT_ARTIFACT_MANIFEST, "kubectl-ai",
                                          tasks[i].kind, &source, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (manifest, ==, expected);
      g_assert_cmpint (source, ==, mode->source);
    }
}

static void
test_fake_records_argv (void)
{
  const char *tools[] = { "kubectl-ai", NULL };
  g_autoptr(FakeTools) fake = fake_tools_new (tools, NULL);
  g_autofree char *prompt = seed_prompt ("T017");
  const char *argv[] = { "kubectl-ai", "--quiet", prompt, NULL };
  const char *skip[] = { "kubectl-ai", "--quiet", "--skip-permissions", prompt, NULL };
  const char *version[] = { "kubectl-ai", "version", NULL };
  g_autoptr(FakeRun) run = fake_tools_run (fake, argv, NULL);
  g_autoptr(FakeRun) refused = fake_tools_run (fake, skip, NULL);
  g_autoptr(FakeRun) version_run = fake_tools_run (fake, version, NULL);
  g_autofree char *log = NULL;
  g_autofree char *expected = g_strdup_printf ("kubectl-ai --quiet %s\n", prompt);

  g_assert_cmpint (run->status, ==, 0);
  g_assert_true (g_file_get_contents (fake->log, &log, NULL, NULL));
  assert_contains (log, expected);
  /* The fake fails loudly on the flag the wizard must never pass. */
  g_assert_cmpint (refused->status, ==, 98);
  assert_contains (refused->err, "--skip-permissions");
  g_assert_cmpint (version_run->status, ==, 0);
  g_assert_true (g_str_has_prefix (version_run->out, "version: 0.0.28\n"));
}

static void
test_fake_failures (void)
{
  const char *tools[] = { "kubectl-ai", NULL };
  const char *error_mode[] = { "FAKE_KUBECTL_AI_MODE=error", NULL };
  const char *maxiter_mode[] = { "FAKE_KUBECTL_AI_MODE=maxiter", NULL };
  g_autoptr(FakeTools) erring = fake_tools_new (tools, error_mode);
  g_autoptr(FakeTools) looping = fake_tools_new (tools, maxiter_mode);
  g_autofree char *prompt = seed_prompt ("T016");
  const char *argv[] = { "kubectl-ai", "--quiet", prompt, NULL };
  g_autoptr(FakeRun) failed = fake_tools_run (erring, argv, NULL);
  g_autoptr(FakeRun) stopped = fake_tools_run (looping, argv, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *none = NULL;
  g_autofree char *also_none = NULL;

  g_assert_cmpint (failed->status, ==, 1);
  assert_contains (failed->err, "GEMINI_API_KEY");
  none = td_agent_output_extract (failed->out, -1, TD_AGENT_ARTIFACT_MANIFEST, "kubectl-ai", NULL, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, TD_ERROR, TD_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "kubectl-ai printed nothing");
  g_clear_error (&error);

  /* "Maximum number of iterations reached." exits 0 and carries no YAML. */
  g_assert_cmpint (stopped->status, ==, 0);
  also_none = td_agent_output_extract (stopped->out, -1, TD_AGENT_ARTIFACT_MANIFEST, "kubectl-ai", NULL, NULL, &error);
  g_assert_null (also_none);
  g_assert_error (error, TD_ERROR, TD_ERROR_NOT_FOUND);
  assert_contains (error->message, "kubectl-ai stopped at its maximum number of iterations");
}

/* ── Hand-written transcripts ─────────────────────────────────────────────────────────────── */

static char *
extract (const char *output, const char *prefer_kind, TdAgentOutputSource *source, GError **error)
{
  return td_agent_output_extract (output, -1, TD_AGENT_ARTIFACT_MANIFEST, "kubectl-ai", prefer_kind, source, error);
}

static void
test_strip_ansi (void)
{
  g_autofree char *plain = td_agent_output_strip_ansi (
    "\033[1;38;5;228mbold\033[0m \033]8;;https://example.com\007link\033]8;;\007 crlf\r\n\033(Bend");

  g_assert_cmpstr (plain, ==, "bold link crlf\nend");
}

/* Glamour without a TTY: several blocks; the one of the wanted kind wins, prose is left out. */
static void
test_indented_prefers_kind (void)
{
  const char *output =
    "\033[0m  I need two objects: a Service and a Deployment.                              \033[0m\n"
    "                                                                                \n"
    "    apiVersion: v1                                                              \n"
    "    kind: Service                                                               \n"
    "    metadata:                                                                   \n"
    "      name: todo-backend                                                        \n"
    "                                                                                \n"
    "  And the Deployment, with its pods:                                            \n"
    "                                                                                \n"
    "    apiVersion: apps/v1                                                         \n"
    "    kind: Deployment                                                            \n"
    "    metadata:                                                                   \n"
    "      name: todo-backend                                                        \n"
    "                                                                                \n"
    "    spec:                                                                       \n"
    "      replicas: 2                                                               \n"
    "                                                                                \n"
    "  • A bullet that wraps onto a second line which                                \n"
    "    is indented like code but is not YAML.                                      \n";
  g_autoptr(GError) error = NULL;
  TdAgentOutputSource source;
  g_autofree char *first = extract (output, NULL, &source, &error);
  g_autofree char *deployment = extract (output, "Deployment", &source, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (first, ==, "apiVersion: v1\nkind: Service\nmetadata:\n  name: todo-backend\n");
  /* A blank line inside the block stays in it. */
  g_assert_cmpstr (deployment, ==, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: todo-backend\n\n"
                                   "spec:\n  replicas: 2\n");
  g_assert_cmpint (source, ==, TD_AGENT_OUTPUT_INDENTED);
}

/* A `Running:` line at column 0 before the markdown: the code block is still the one found. */
static void
test_indented_after_running_line (void)
{
  const char *output =
    "\033[32mRunning: kubectl get deployments -n default\033[0m\n"
    "\033[0m  No Deployment todo-frontend exists yet. Here it is:                          \033[0m\n"
    "                                                                                \n"
    "    apiVersion: apps/v1                                                         \n"
    "    kind: Deployment                                                            \n"
    "    metadata:                                                                   \n"
    "      name: todo-frontend                                                       \n"
    "                                                                                \n"
    "  Save it and apply it when you are ready.                                      \n";
  g_autoptr(GError) error = NULL;
  TdAgentOutputSource source;
  g_autofree char *manifest = extract (output, "Deployment", &source, &error);

  g_assert_no_error (error);
  g_assert_cmpint (source, ==, TD_AGENT_OUTPUT_INDENTED);
  g_assert_cmpstr (manifest, ==, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: todo-frontend\n");
}

static void
test_fenced_and_heredoc_variants (void)
{
  const char *fenced =
    "Here you go:\n"
    "```bash\nkubectl get pods\n```\n"
    "  ```yml\n  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: x\n  ---\n  apiVersion: v1\n  kind: Service\n  metadata:\n    name: y\n  ```\n";
  const char *heredoc =
    "\033[32mRunning: cat <<'END' | kubectl apply -f -\n"
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: todo-frontend-config\n\ndata:\n  EOF: \"not the end\"\n"
    "END\033[0m\n";
  g_autoptr(GError) error = NULL;
  TdAgentOutputSource source;
  g_autofree char *from_fence = extract (fenced, NULL, &source, &error);
  g_autofree char *from_heredoc = NULL;

  g_assert_no_error (error);
  /* The bash block is no manifest; the yml block holds two documents and is kept whole. */
  g_assert_cmpint (source, ==, TD_AGENT_OUTPUT_FENCED);
  g_assert_cmpstr (from_fence, ==, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n---\napiVersion: v1\n"
                                   "kind: Service\nmetadata:\n  name: y\n");

  from_heredoc = extract (heredoc, NULL, &source, &error);
  g_assert_no_error (error);
  g_assert_cmpint (source, ==, TD_AGENT_OUTPUT_HEREDOC);
  g_assert_cmpstr (from_heredoc, ==, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: todo-frontend-config\n\n"
                                     "data:\n  EOF: \"not the end\"\n");
}

static void
test_reasons (void)
{
  static const struct { const char *output; const char *reason; } cases[] = {
    { "RunOnce mode cannot handle permission requests. The following commands require approval:\n"
      "* kubectl delete deployment todo-backend\n",
      "kubectl-ai wanted to run commands that need approval, and none of them carried a Kubernetes manifest" },
    { "\033[31m  Error: the server could not find the requested resource          \033[0m\n",
      "kubectl-ai reported an error and printed no manifest: Error: the server could not find the requested resource" },
    { "  I created nothing. Which namespace do you mean?\n",
      "kubectl-ai's output holds no Kubernetes manifest" },
    /* YAML that is no Kubernetes object is not a manifest. */
    { "```yaml\nname: todo\nitems: [1, 2]\n```\n", "kubectl-ai's output holds no Kubernetes manifest" },
    { "   \n\033[0m\n", "kubectl-ai printed nothing" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *none = extract (cases[i].output, NULL, NULL, &error);

      g_assert_null (none);
      g_assert_error (error, TD_ERROR, TD_ERROR_NOT_FOUND);
      if (!g_str_has_prefix (error->message, cases[i].reason))
        g_error ("case %u: “%s” does not start with “%s”", i, error->message, cases[i].reason);
    }
}

static void
test_dockerfile (void)
{
  const char *output = "I wrote this Dockerfile:\n\n```dockerfile\nFROM python:3.11-slim\nRUN pip install x\n```\n";
  g_autoptr(GError) error = NULL;
  TdAgentOutputSource source;
  g_autofree char *dockerfile = td_agent_output_extract (output, -1, TD_AGENT_ARTIFACT_DOCKERFILE, "Gordon", NULL,
                                                         &source, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (dockerfile, ==, "FROM python:3.11-slim\nRUN pip install x\n");
  g_assert_cmpint (source, ==, TD_AGENT_OUTPUT_FENCED);
  g_assert_cmpstr (td_agent_output_source_describe (source, TD_AGENT_ARTIFACT_DOCKERFILE), ==, "fenced block");
}

static void
test_looks_plain (void)
{
  g_assert_true (td_agent_output_looks_plain ("# comment\n\napiVersion: v1\n", TD_AGENT_ARTIFACT_MANIFEST));
  g_assert_true (td_agent_output_looks_plain ("---\nkind: Service\n", TD_AGENT_ARTIFACT_MANIFEST));
  g_assert_false (td_agent_output_looks_plain ("  Here is the manifest:\n", TD_AGENT_ARTIFACT_MANIFEST));
  g_assert_false (td_agent_output_looks_plain ("\033[0mapiVersion: v1\n", TD_AGENT_ARTIFACT_MANIFEST));
  g_assert_true (td_agent_output_looks_plain ("# syntax=docker/dockerfile:1\nRUNN x\n", TD_AGENT_ARTIFACT_DOCKERFILE));
  g_assert_false (td_agent_output_looks_plain ("I wrote it:\n", TD_AGENT_ARTIFACT_DOCKERFILE));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (mode_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/agent-output/fake/%s", mode_cases[i].mode);

      g_test_add_data_func (path, &mode_cases[i], test_fake_modes);
    }
  g_test_add_func ("/agent-output/fake/records-argv", test_fake_records_argv);
  g_test_add_func ("/agent-output/fake/failures", test_fake_failures);
  g_test_add_func ("/agent-output/strip-ansi", test_strip_ansi);
  g_test_add_func ("/agent-output/indented-prefers-kind", test_indented_prefers_kind);
  g_test_add_func ("/agent-output/indented-after-running-line", test_indented_after_running_line);
  g_test_add_func ("/agent-output/fenced-and-heredoc", test_fenced_and_heredoc_variants);
  g_test_add_func ("/agent-output/reasons", test_reasons);
  g_test_add_func ("/agent-output/dockerfile", test_dockerfile);
  g_test_add_func ("/agent-output/looks-plain", test_looks_plain);
  return g_test_run ();
}
