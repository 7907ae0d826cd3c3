/* td-verify-cli.c: every gate re-checked from the command line, changing nothing */
#define G_LOG_DOMAIN "td-verify-cli"

#include "td-check-result.h"
#include "td-deployment.h"
#include "td-frontend-url.h"
#include "td-gate-evaluator.h"
#include "td-verify-cli.h"

/* A check, not a wait: pods that are not ready now fail. */
#define VERIFY_WAIT_LIMIT_SECONDS 10

typedef struct {
  GMainLoop    *loop;
  TdDeployment *deployment;
  GListModel   *phases;
  guint         next;
  gboolean      all_hold;
  FILE         *out;
  FILE         *err;
} Verify;

/* One line per gate: the messages of its checks (only the failing ones when it fails), with any
 * line breaks flattened so each gate stays one line. */
static char *
gate_line (TdPhase *phase, GPtrArray *results, gboolean passed)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < results->len; i++)
    {
      TdCheckResult *result = results->pdata[i];

      if (!passed && td_check_result_get_passed (result))
        continue;
      if (text->len > 0)
        g_string_append (text, " · ");
      g_string_append_printf (text, "%s: %s", td_check_result_get_kind (result), td_check_result_get_message (result));
      if (!passed && td_check_result_get_fix (result) != NULL)
        g_string_append_printf (text, " → %s", td_check_result_get_fix (result));
    }
  for (char *c = text->str; *c != '\0'; c++)
    if (*c == '\n')
      *c = ' ';
  return g_strdup_printf ("%-15s %s  %s", td_phase_get_id (phase), passed ? "PASS" : "FAIL", text->str);
}

static void check_next_gate (Verify *verify);

static void
gate_checked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Verify *verify = user_data;
  g_autoptr(TdPhase) phase = g_list_model_get_item (verify->phases, verify->next);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autofree char *line = NULL;
  gboolean passed = FALSE;

  results = td_gate_evaluate_finish (result, &passed, &error);
  if (results == NULL)
    line = g_strdup_printf ("%-15s FAIL  %s", td_phase_get_id (phase), error->message);
  else
    line = gate_line (phase, results, passed);
  fprintf (verify->out, "%s\n", line);
  verify->all_hold = verify->all_hold && passed;
  verify->next++;
  check_next_gate (verify);
}

static void
check_next_gate (Verify *verify)
{
  g_autoptr(TdPhase) phase = NULL;

  if (verify->next >= g_list_model_get_n_items (verify->phases))
    {
      g_main_loop_quit (verify->loop);
      return;
    }
  phase = g_list_model_get_item (verify->phases, verify->next);
  td_gate_evaluate_async (verify->deployment, td_phase_get_gate (phase), NULL, gate_checked, verify);
}

static void
prepared (GObject *source, GAsyncResult *result, gpointer user_data)
{
  td_gate_prepare_finish (result);
  check_next_gate (user_data);
}

int
td_verify_cli_run (const TdVerifyOptions *options, TdRunner *runner, FILE *out, FILE *err)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdPlan) plan = td_plan_load (options->plan, &error);
  g_autoptr(TdRunner) own_runner = runner ? NULL : td_runner_new ();
  g_autofree char *project = g_canonicalize_filename (options->project ? options->project : ".", NULL);
  Verify verify = { .out = out, .err = err, .all_hold = TRUE };

  if (plan == NULL)
    {
      fprintf (err, "todo-deploy: %s\n", error->message);
      return TD_VERIFY_EXIT_ERROR;
    }
  if (!g_file_test (project, G_FILE_TEST_IS_DIR))
    {
      fprintf (err, "todo-deploy: the project folder %s does not exist\n", project);
      return TD_VERIFY_EXIT_ERROR;
    }
  verify.loop = g_main_loop_new (NULL, FALSE);
  verify.deployment = td_deployment_new (plan, runner ? runner : own_runner, project);
  verify.phases = td_plan_get_phases (plan);
  if (options->kubeconfig != NULL)
    td_deployment_set_kubeconfig_path (verify.deployment, options->kubeconfig);
  td_gate_set_wait_limit (verify.deployment, VERIFY_WAIT_LIMIT_SECONDS);
  td_gate_prepare_async (verify.deployment, NULL, prepared, &verify);
  g_main_loop_run (verify.loop);

  /* The url-responds check may have opened a `minikube service` tunnel: nothing stays behind. */
  td_frontend_url_stop_tunnel (verify.deployment);
  g_clear_object (&verify.deployment);
  g_main_loop_unref (verify.loop);
  return verify.all_hold ? TD_VERIFY_EXIT_ALL_HOLD : TD_VERIFY_EXIT_SOME_FAIL;
}
