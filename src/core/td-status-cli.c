/* td-status-cli.c: `todo-deploy --status`, on TdPodMonitor */
#define G_LOG_DOMAIN "td-status-cli"

#include <glib-unix.h>

#include "td-status-cli.h"

#include "td-kubeconfig.h"
#include "td-plan.h"
#include "td-pod-monitor.h"
#include "td-yaml.h"

/* kubectl's tabwriter: minwidth 6, padding 3, padded with spaces (printers.GetNewTabWriter). */
#define TAB_MIN_WIDTH 6
#define TAB_PADDING   3

/* ---- formatting ---- */

static const char * const table_header[] = { "NAME", "READY", "STATUS", "RESTARTS", "AGE", "DIAGNOSIS" };
#define N_COLUMNS G_N_ELEMENTS (table_header)

static GStrv
row_cells (TdPod *pod)
{
  const char *diagnosis = td_pod_get_diagnosis_text (pod);
  GStrvBuilder *builder = g_strv_builder_new ();
  GStrv cells;

  g_strv_builder_add_many (builder, td_pod_get_name (pod), td_pod_get_ready (pod), td_pod_get_status (pod),
                           td_pod_get_restarts (pod), td_pod_get_age (pod),
                           diagnosis != NULL ? diagnosis : "<none>", NULL);
  cells = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return cells;
}

/* Widens @widths (N_COLUMNS - 1 entries: the last column is never padded) to fit @cells. */
static void
measure (const char * const *cells, guint *widths)
{
  for (guint c = 0; c + 1 < N_COLUMNS; c++)
    widths[c] = MAX (widths[c], MAX ((guint) g_utf8_strlen (cells[c], -1) + TAB_PADDING, TAB_MIN_WIDTH));
}

static void
append_row (GString *out, const char * const *cells, const guint *widths)
{
  for (guint c = 0; c + 1 < N_COLUMNS; c++)
    {
      g_string_append (out, cells[c]);
      for (guint n = g_utf8_strlen (cells[c], -1); n < widths[c]; n++)
        g_string_append_c (out, ' ');
    }
  g_string_append (out, cells[N_COLUMNS - 1]);
  g_string_append_c (out, '\n');
}

static char *
format_table (GListModel *pods, guint *widths)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  GString *out = g_string_new (NULL);

  for (guint c = 0; c + 1 < N_COLUMNS; c++)
    widths[c] = 0;
  measure (table_header, widths);
  for (guint i = 0; i < g_list_model_get_n_items (pods); i++)
    {
      g_autoptr(TdPod) pod = g_list_model_get_item (pods, i);
      GStrv cells = row_cells (pod);

      measure ((const char * const *) cells, widths);
      g_ptr_array_add (rows, cells);
    }
  append_row (out, table_header, widths);
  for (guint i = 0; i < rows->len; i++)
    append_row (out, rows->pdata[i], widths);
  return g_string_free (out, FALSE);
}

char *
td_status_cli_format_table (GListModel *pods)
{
  guint widths[N_COLUMNS - 1];

  g_return_val_if_fail (G_IS_LIST_MODEL (pods), NULL);
  return format_table (pods, widths);
}

char *
td_status_cli_format_json (GListModel *pods)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (G_IS_LIST_MODEL (pods), NULL);

  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (pods); i++)
    {
      g_autoptr(TdPod) pod = g_list_model_get_item (pods, i);
      const TdPodDiagnosis *diagnosis = td_pod_get_diagnosis (pod);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, td_pod_get_name (pod));
      json_builder_set_member_name (builder, "ready");
      json_builder_add_string_value (builder, td_pod_get_ready (pod));
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder, td_pod_get_status (pod));
      json_builder_set_member_name (builder, "restarts");
      json_builder_add_string_value (builder, td_pod_get_restarts (pod));
      json_builder_set_member_name (builder, "age");
      json_builder_add_string_value (builder, td_pod_get_age (pod));
      json_builder_set_member_name (builder, "diagnosis");
      if (diagnosis == NULL)
        json_builder_add_null_value (builder);
      else
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "reason");
          json_builder_add_string_value (builder, diagnosis->reason);
          json_builder_set_member_name (builder, "message");
          json_builder_add_string_value (builder, diagnosis->message != NULL ? diagnosis->message : "");
          json_builder_set_member_name (builder, "hint");
          json_builder_add_string_value (builder, diagnosis->hint);
          json_builder_end_object (builder);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  return json_generator_to_data (generator, NULL);
}

/* ---- running ---- */

typedef struct {
  const TdStatusOptions *options;
  FILE *out;
  FILE *err;
  TdPodMonitor *monitor;
  gboolean done;
  gboolean printed;
  guint widths[N_COLUMNS - 1];
  int exit_code;
} Run;


static int
exit_code_for (TdPodMonitor *monitor)
{
  guint n_pods = g_list_model_get_n_items (G_LIST_MODEL (monitor));

  return n_pods > 0 && td_pod_monitor_get_n_ready (monitor) == n_pods ? TD_STATUS_EXIT_READY
                                                                      : TD_STATUS_EXIT_NOT_READY;
}

static void
print_initial (Run *run)
{
  GListModel *pods = G_LIST_MODEL (run->monitor);
  g_autofree char *text = NULL;

  if (g_strcmp0 (run->options->output, "json") == 0)
    text = td_status_cli_format_json (pods);
  else if (g_list_model_get_n_items (pods) > 0)
    text = format_table (pods, run->widths);
  if (text != NULL)
    fprintf (run->out, "%s%s", text, g_str_has_suffix (text, "\n") ? "" : "\n");
  if (g_list_model_get_n_items (pods) == 0)
    {
      g_autofree char *namespace_ = NULL;
      g_autofree char *selector = NULL;

      g_object_get (run->monitor, "namespace", &namespace_, "label-selector", &selector, NULL);
      fprintf (run->err, "No pods in namespace %s match the selector \"%s\": nothing is deployed yet.\n",
               namespace_, selector != NULL ? selector : "");
    }
  fflush (run->out);
  run->printed = TRUE;
}

/* --watch: one row per change, aligned with the first table where it fits. */
static void
on_pod_changed (TdPodMonitor *monitor, TdPod *pod, const char *type, Run *run)
{
  if (!run->printed)
    return;
  if (g_strcmp0 (run->options->output, "json") == 0)
    {
      g_autoptr(GListStore) one = g_list_store_new (TD_TYPE_POD);
      g_autofree char *text = NULL;

      g_list_store_append (one, pod);
      text = td_status_cli_format_json (G_LIST_MODEL (one));
      fprintf (run->out, "%s\n", text);
    }
  else
    {
      g_auto(GStrv) cells = row_cells (pod);
      g_autoptr(GString) line = g_string_new (NULL);

      measure ((const char * const *) cells, run->widths);
      append_row (line, (const char * const *) cells, run->widths);
      fputs (line->str, run->out);
    }
  fflush (run->out);
}

static void
check_progress (Run *run)
{
  TdPodMonitorState state = td_pod_monitor_get_connection_state (run->monitor);

  if (run->done)
    return;
  if (!td_pod_monitor_get_synced (run->monitor))
    {
      /* Before the first list, any failure is the answer: the cluster cannot be reached. */
      if (state == TD_POD_MONITOR_RECONNECTING || state == TD_POD_MONITOR_ERROR)
        {
          fprintf (run->err, "todo-deploy: cannot read the pods: %s\n", td_pod_monitor_get_state_message (run->monitor));
          run->exit_code = TD_STATUS_EXIT_ERROR;
          run->done = TRUE;
        }
      return;
    }
  if (!run->printed && td_pod_monitor_get_events_pending (run->monitor) == 0)
    {
      print_initial (run);
      run->exit_code = exit_code_for (run->monitor);
      run->done = !run->options->watch;
    }
}

static void
on_monitor_notify (GObject *object, GParamSpec *pspec, Run *run)
{
  check_progress (run);
  if (run->printed && run->options->watch && g_strcmp0 (pspec->name, "connection-state") == 0)
    {
      TdPodMonitor *monitor = run->monitor;

      if (td_pod_monitor_get_connection_state (monitor) == TD_POD_MONITOR_RECONNECTING &&
          td_pod_monitor_get_state_message (monitor) != NULL)
        fprintf (run->err, "Reconnecting in %u s: %s\n", td_pod_monitor_get_retry_seconds (monitor),
                 td_pod_monitor_get_state_message (monitor));
      else if (td_pod_monitor_get_connection_state (monitor) == TD_POD_MONITOR_ERROR)
        {
          fprintf (run->err, "todo-deploy: %s\n", td_pod_monitor_get_state_message (monitor));
          run->exit_code = TD_STATUS_EXIT_ERROR;
          run->done = TRUE;
        }
    }
}

static gboolean
on_signal (gpointer user_data)
{
  Run *run = user_data;

  run->done = TRUE;
  return G_SOURCE_CONTINUE;
}

static int
fail_early (FILE *err, const char *what, const GError *error)
{
  fprintf (err, "todo-deploy: %s: %s\n", what, error->message);
  return TD_STATUS_EXIT_ERROR;
}

int
td_status_cli_run (const TdStatusOptions *options,
                   FILE                  *out,
                   FILE                  *err)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdKubeconfig) kubeconfig = td_kubeconfig_new ();
  g_autoptr(TdRunner) runner = td_runner_new ();   /* exec plugins run on the host inside Flatpak */
  g_autoptr(TdKubeCredentials) credentials = NULL;
  g_autoptr(TdKubeClient) client = NULL;
  g_autoptr(TdPodMonitor) monitor = NULL;
  g_autoptr(TdPlan) plan = NULL;
  g_autofree char *selector = NULL;
  Run run = { .options = options, .out = out, .err = err, .exit_code = TD_STATUS_EXIT_ERROR };
  guint sigint_id, sigterm_id;

  g_return_val_if_fail (options != NULL, TD_STATUS_EXIT_ERROR);
  td_kubeconfig_set_runner (kubeconfig, runner);

  if (options->output != NULL && g_strcmp0 (options->output, "json") != 0)
    {
      fprintf (err, "todo-deploy: unknown output format \"%s\": use -o json, or leave -o out for a table\n",
               options->output);
      return TD_STATUS_EXIT_ERROR;
    }
  if (options->project != NULL && !g_file_test (options->project, G_FILE_TEST_IS_DIR))
    {
      fprintf (err, "todo-deploy: the project folder %s does not exist\n", options->project);
      return TD_STATUS_EXIT_ERROR;
    }

  plan = td_plan_load (options->plan, &error);
  if (plan == NULL)
    return fail_early (err, "cannot read the deployment plan", error);
  selector = g_strdup (options->selector != NULL ? options->selector : td_plan_get_setting (plan, "pod_selector"));
  if (!td_kubeconfig_load (kubeconfig, options->kubeconfig, &error))
    return fail_early (err, "cannot read the kubeconfig", error);
  credentials = td_kubeconfig_resolve (kubeconfig, options->context, NULL, &error);
  if (credentials == NULL)
    return fail_early (err, "cannot use the kubeconfig", error);
  client = td_kube_client_new_for_credentials (credentials, &error);
  if (client == NULL)
    return fail_early (err, "cannot use the kubeconfig", error);

  monitor = g_object_new (TD_TYPE_POD_MONITOR,
                          "client", client,
                          "namespace", options->namespace_ != NULL ? options->namespace_ : credentials->namespace,
                          "label-selector", selector,
                          "watch", options->watch,
                          NULL);
  td_pod_monitor_set_diagnosis_rules (monitor, td_plan_get_diagnosis_rules (plan));
  run.monitor = monitor;
  g_signal_connect (monitor, "notify", G_CALLBACK (on_monitor_notify), &run);
  g_signal_connect (monitor, "pod-changed", G_CALLBACK (on_pod_changed), &run);
  sigint_id = g_unix_signal_add (SIGINT, on_signal, &run);
  sigterm_id = g_unix_signal_add (SIGTERM, on_signal, &run);

  td_pod_monitor_start (monitor);
  while (!run.done)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  g_signal_handlers_disconnect_by_data (monitor, &run);
  td_pod_monitor_stop (monitor);
  if (run.printed && run.exit_code != TD_STATUS_EXIT_ERROR)
    run.exit_code = exit_code_for (monitor);
  return run.exit_code;
}
