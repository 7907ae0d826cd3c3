/* td-gate-evaluator.c: one function per check kind; each answers with a TdCheckResult */
#define G_LOG_DOMAIN "td-gate-evaluator"

#include "td-audit-log.h"
#include "td-docker.h"
#include "td-frontend-url.h"
#include "td-error.h"
#include "td-gate-evaluator.h"
#include "td-helm.h"
#include "td-minikube.h"
#include "td-pod-monitor.h"

typedef void (*CheckFunc) (TdDeployment *deployment, const TdYamlNode *check, GTask *task);

#define WAIT_LIMIT_KEY "td-gate-wait-limit"

void
td_gate_set_wait_limit (TdDeployment *deployment, guint seconds)
{
  g_object_set_data (G_OBJECT (deployment), WAIT_LIMIT_KEY, GUINT_TO_POINTER (seconds));
}

/* The check's `timeout_seconds` (else @fallback), within the deployment's wait limit. */
static guint
check_wait_seconds (TdDeployment *deployment, const TdYamlNode *check, gint64 fallback)
{
  guint limit = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (deployment), WAIT_LIMIT_KEY));
  gint64 seconds = fallback;

  td_yaml_get_int (td_yaml_mapping_get (check, "timeout_seconds"), &seconds);
  seconds = CLAMP (seconds, 1, 3600);
  return limit > 0 ? MIN ((guint) seconds, limit) : (guint) seconds;
}

static void
return_result (GTask *task, const char *kind, TdCheckStatus status, const char *message, const char *fix)
{
  g_task_return_pointer (task, td_check_result_new (kind, status, message, fix), g_object_unref);
}

/* ---- files-exist, files-exactly --------------------------------------------------------------- */

static void
check_files_exist (TdDeployment *deployment, const TdYamlNode *check, GTask *task)
{
  const TdYamlNode *paths = td_yaml_mapping_get (check, "paths");
  g_autoptr(GString) missing = g_string_new (NULL);
  guint n_missing = 0;

  for (guint i = 0; i < td_yaml_n_children (paths); i++)
    {
      const char *relative = td_yaml_scalar (td_yaml_child (paths, i));
      g_autofree char *path = relative ? td_deployment_project_path (deployment, relative) : NULL;

      if (path != NULL && g_file_test (path, G_FILE_TEST_EXISTS))
        continue;
      g_string_append_printf (missing, "%s%s", n_missing++ > 0 ? ", " : "", relative ? relative : "?");
    }
  if (n_missing == 0)
    {
      return_result (task, "files-exist", TD_CHECK_STATUS_OK,
                     td_yaml_n_children (paths) == 1 ? "The file is there." : "All the files are there.", NULL);
      return;
    }
  {
    g_autofree char *message = g_strdup_printf ("Missing: %s", missing->str);
    return_result (task, "files-exist", TD_CHECK_STATUS_FAILED, message,
                   "Run this phase's tasks: they create these files.");
  }
}

/* Helm renders neither NOTES.txt nor partials (_name.tpl) as objects, so they never count. */
static gboolean
is_helm_non_object (const char *name)
{
  return g_str_equal (name, "NOTES.txt") || name[0] == '_';
}

static void
check_files_exactly (TdDeployment *deployment, const TdYamlNode *check, GTask *task)
{
  const char *directory = td_yaml_mapping_get_string (check, "directory");
  const TdYamlNode *names = td_yaml_mapping_get (check, "names");
  g_autofree char *path = td_deployment_project_path (deployment, directory ? directory : "");
  g_autoptr(GHashTable) expected = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) missing = g_string_new (NULL);
  g_autoptr(GString) extra = g_string_new (NULL);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;

  for (guint i = 0; i < td_yaml_n_children (names); i++)
    if (td_yaml_scalar (td_yaml_child (names, i)) != NULL)
      g_hash_table_add (expected, (gpointer) td_yaml_scalar (td_yaml_child (names, i)));

  dir = g_dir_open (path, 0, &error);
  if (dir == NULL)
    {
      g_autofree char *message = g_strdup_printf ("The folder %s does not exist yet.", directory);
      return_result (task, "files-exactly", TD_CHECK_STATUS_FAILED, message,
                     "Run this phase's tasks: they write the files into it.");
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      if (g_hash_table_remove (expected, name) || is_helm_non_object (name))
        continue;
      g_string_append_printf (extra, "%s%s", extra->len ? ", " : "", name);
    }
  for (guint i = 0; i < td_yaml_n_children (names); i++)
    {
      const char *wanted = td_yaml_scalar (td_yaml_child (names, i));
      if (wanted != NULL && g_hash_table_contains (expected, wanted))
        g_string_append_printf (missing, "%s%s", missing->len ? ", " : "", wanted);
    }

  if (missing->len == 0 && extra->len == 0)
    return_result (task, "files-exactly", TD_CHECK_STATUS_OK, "Exactly the expected files are there.", NULL);
  else if (missing->len > 0)
    {
      g_autofree char *message = g_strdup_printf ("Missing in %s: %s", directory, missing->str);
      return_result (task, "files-exactly", TD_CHECK_STATUS_FAILED, message,
                     "Generate or accept the missing files in this phase.");
    }
  else
    {
      g_autofree char *message = g_strdup_printf ("%s also holds files the plan does not expect: %s",
                                                  directory, extra->str);
      return_result (task, "files-exactly", TD_CHECK_STATUS_FAILED, message,
                     "Helm would deploy them too. Move them out of the folder, or delete them.");
    }
}

/* ---- audit-entries ------------------------------------------------------------------------------ */

static void
check_audit_entries (TdDeployment *deployment, const TdYamlNode *check, GTask *task)
{
  const TdYamlNode *counts = td_yaml_mapping_get (check, "counts");
  const TdYamlNode *stand_ins = td_yaml_mapping_get (check, "stand_ins");
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) short_of = g_string_new (NULL);

  entries = td_audit_log_read_entries (td_deployment_get_audit_log (deployment), &error);
  if (entries == NULL)
    {
      return_result (task, "audit-entries", TD_CHECK_STATUS_FAILED, error->message,
                     "The Setup phase creates the audit log; run it again.");
      return;
    }
  for (guint i = 0; i < entries->len; i++)
    {
      const TdAuditEntry *entry = entries->pdata[i];
      const char *tag = entry->agent;
      const char *stands_for = td_yaml_mapping_get_string (stand_ins, tag);

      if (stands_for != NULL)
        tag = stands_for;
      g_hash_table_insert (seen, g_strdup (tag),
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (seen, tag)) + 1));
    }
  for (guint i = 0; i < td_yaml_n_children (counts); i++)
    {
      const char *tag = ((const TdYamlNode *) counts->keys->pdata[i])->value;
      gint64 wanted = 0;
      guint have = GPOINTER_TO_UINT (g_hash_table_lookup (seen, tag));

      if (!td_yaml_get_int (td_yaml_child (counts, i), &wanted) || have >= wanted)
        continue;
      g_string_append_printf (short_of, "%s[%s] %u of %" G_GINT64_FORMAT,
                              short_of->len ? ", " : "", tag, have, wanted);
    }
  if (short_of->len == 0)
    {
      g_autofree char *message = g_strdup_printf ("Every required entry is there (%u lines).", entries->len);
      return_result (task, "audit-entries", TD_CHECK_STATUS_OK, message, NULL);
    }
  else
    {
      g_autofree char *message = g_strdup_printf ("Entries missing: %s", short_of->str);
      return_result (task, "audit-entries", TD_CHECK_STATUS_FAILED, message,
                     "Each phase writes its own entries: re-run the phases whose entries are missing.");
    }
}

/* ---- checks that run a program ------------------------------------------------------------------ */

/* Reads what the program printed; called only when it ran to its end. */
typedef void (*OutputFunc) (const TdYamlNode *check, const char *out, const char *err, int status, GTask *task);

typedef struct {
  const TdYamlNode *check;   /* borrowed from the plan, which outlives the evaluation */
  OutputFunc        read_output;
  char             *kind;
} CaptureCheck;

static void
capture_check_free (CaptureCheck *data)
{
  g_free (data->kind);
  g_free (data);
}

static void
check_output_captured (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  CaptureCheck *data = g_task_get_task_data (task);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;

  if (!td_deployment_capture_finish (TD_DEPLOYMENT (source), result, &out, &err, &status, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        return_result (task, data->kind, TD_CHECK_STATUS_FAILED, error->message, NULL);
      return;
    }
  data->read_output (data->check, out, err, status, task);
}

static void
run_check_program (TdDeployment *deployment, const TdYamlNode *check, GTask *task,
                   const char * const *argv, OutputFunc read_output)
{
  CaptureCheck *data = g_new0 (CaptureCheck, 1);

  data->check = check;
  data->read_output = read_output;
  data->kind = g_strdup (td_yaml_mapping_get_string (check, "check"));
  g_task_set_task_data (task, data, (GDestroyNotify) capture_check_free);
  /* A gate check reads; a minute is far more than any of them needs, and a hung tool must not
   * hang the wizard. */
  td_deployment_capture_async (deployment, argv, NULL, 60 * 1000, g_task_get_cancellable (task),
                               check_output_captured, g_object_ref (task));
}

static void
read_minikube_status (const TdYamlNode *check, const char *out, const char *err, int status, GTask *task)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdMinikubeStatus) parsed = td_minikube_status_parse (out, status, &error);

  if (parsed == NULL)
    {
      return_result (task, "minikube-status", TD_CHECK_STATUS_FAILED, error->message,
                     "Run the Cluster phase again; if it keeps failing, run “minikube delete” and start over.");
      return;
    }
  if (parsed->running)
    return_result (task, "minikube-status", TD_CHECK_STATUS_OK, parsed->summary, NULL);
  else
    return_result (task, "minikube-status", TD_CHECK_STATUS_FAILED, parsed->summary,
                   parsed->exists ? "Run the Cluster phase: it starts Minikube."
                                  : "Run the Cluster phase: it creates and starts the cluster.");
}

static void
check_minikube_status (TdDeployment *deployment, const TdYamlNode *check, GTask *task)
{
  static const char * const argv[] = { "minikube", "status", "-o", "json", NULL };

  run_check_program (deployment, check, task, argv, read_minikube_status);
}

static void
read_docker_ps (const TdYamlNode *check, const char *out, const char *err, int status, GTask *task)
{
  if (status != 0)
    {
      g_autofree char *message = g_strdup_printf ("docker ps failed: %s", g_strstrip ((char *) err));
      return_result (task, "docker-ps", TD_CHECK_STATUS_FAILED, message,
                     "Run the Cluster phase again: Minikube's Docker daemon moves to a new port after every start.");
      return;
    }
  if (td_docker_ps_is_minikube (out))
    return_result (task, "docker-ps", TD_CHECK_STATUS_OK,
                   "docker talks to Minikube's Docker daemon (it runs the k8s_ containers).", NULL);
  else
    return_result (task, "docker-ps", TD_CHECK_STATUS_FAILED,
                   "docker talks to your computer's own Docker daemon, not Minikube's: images built now would be invisible to the cluster.",
                   "Run the Cluster phase: it reads minikube docker-env for every later docker command.");
}

static void
check_docker_ps (TdDeployment *deployment, const TdYamlNode *check, GTask *task)
{
  static const char * const argv[] = { "docker", "ps", "--format", "{{.Names}}", NULL };

  if (td_deployment_get_docker_env (deployment) == NULL)
    {
      return_result (task, "docker-ps", TD_CHECK_STATUS_FAILED,
                     "Todo Deploy has not read Minikube's docker-env yet.",
                     "Run the Cluster phase: it reads minikube docker-env for every later docker command.");
      return;
    }
  run_check_program (deployment, check, task, argv, read_docker_ps);
}

static void
read_image_size (const TdYamlNode *check, const char *out, const char *err, int status, GTask *task)
{
  const char *image = td_yaml_mapping_get_string (check, "image");
  g_autoptr(GError) error = NULL;
  g_autofree char *size_text = NULL;
  g_autofree char *message = NULL;
  guint64 bytes = 0;
  gint64 fail_above = 0, warn_above = 0;
  guint64 mb;

  if (!td_docker_parse_image_size (image, out, err, status, &bytes, &error))
    {
      return_result (task, "image-size", TD_CHECK_STATUS_FAILED, error->message,
                     "Build the image in this phase (with Minikube's docker-env, which Todo Deploy applies).");
      return;
    }
  mb = td_docker_size_mb (bytes);
  size_text = td_docker_format_size (bytes);
  if (td_yaml_get_int (td_yaml_mapping_get (check, "fail_above_mb"), &fail_above) && mb > (guint64) fail_above)
    {
      message = g_strdup_printf ("%s is %s, above the %" G_GINT64_FORMAT " MB limit.", image, size_text, fail_above);
      return_result (task, "image-size", TD_CHECK_STATUS_FAILED, message,
                     "Check that the Dockerfile uses a slim base image and a multi-stage build, then build again.");
      return;
    }
  if (td_yaml_get_int (td_yaml_mapping_get (check, "warn_above_mb"), &warn_above) && mb > (guint64) warn_above)
    {
      message = g_strdup_printf ("%s is %s, above the %" G_GINT64_FORMAT " MB target.", image, size_text, warn_above);
      return_result (task, "image-size", TD_CHECK_STATUS_WARNING, message,
                     "It will run; a smaller image starts faster. The seed itself recorded 281 MB here.");
      return;
    }
  message = g_strdup_printf ("%s is in Minikube's Docker, %s.", image, size_text);
  return_result (task, "image-size", TD_CHECK_STATUS_OK, message, NULL);
}

static void
check_image_size (TdDeployment *deployment, const TdYamlNode *check, GTask *task)
{
  const char *image = td_yaml_mapping_get_string (check, "image");
  const char *argv[] = { "docker", "image", "inspect", image, "--format", "{{.Size}}", NULL };

  run_check_program (deployment, check, task, argv, read_image_size);
}

static void
read_helm_lint (const TdYamlNode *check, const char *out, const char *err, int status, GTask *task)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdHelmLint) lint = td_helm_lint_parse (out, err, &error);
  g_autofree char *message = NULL;

  if (lint == NULL)
    {
      return_result (task, "helm-lint", TD_CHECK_STATUS_FAILED, error->message, NULL);
      return;
    }
  if (td_helm_lint_passed (lint) && status == 0)
    {
      message = g_strdup_printf ("%u chart(s) linted, 0 chart(s) failed%s", lint->charts_linted,
                                 g_strv_length (lint->warnings) > 0 ? " (with warnings)" : "");
      return_result (task, "helm-lint", TD_CHECK_STATUS_OK, message, NULL);
      return;
    }
  message = g_strdup_printf ("helm lint found a problem: %s",
                             lint->errors[0] != NULL ? lint->errors[0] : "see the output");
  return_result (task, "helm-lint", TD_CHECK_STATUS_FAILED, message,
                 "Fix the manifest it names in the Manifests phase, then check again.");
}

static void
check_helm_lint (TdDeployment *deployment, const TdYamlNode *check, GTask *task)
{
  const char *argv[] = { "helm", "lint", td_yaml_mapping_get_string (check, "chart"), NULL };

  run_check_program (deployment, check, task, argv, read_helm_lint);
}

static void
read_helm_status (const TdYamlNode *check, const char *out, const char *err, int status, GTask *task)
{
  const char *wanted = td_yaml_mapping_get_string (check, "status");
  g_autoptr(GError) error = NULL;
  g_autoptr(TdHelmRelease) release = td_helm_status_parse (out, err, status, &error);
  g_autofree char *message = NULL;
  g_autofree char *fix = NULL;

  if (release == NULL)
    {
      return_result (task, "helm-status", TD_CHECK_STATUS_FAILED, error->message,
                     "Deploy the release in the Helm Deploy phase.");
      return;
    }
  if (g_strcmp0 (release->status, wanted ? wanted : "deployed") == 0)
    {
      message = g_strdup_printf ("Release %s is %s (revision %u).", release->name, release->status, release->revision);
      return_result (task, "helm-status", TD_CHECK_STATUS_OK, message, NULL);
      return;
    }
  message = g_strdup_printf ("Release %s is %s.%s%s", release->name, release->status,
                             release->explanation ? " " : "", release->explanation ? release->explanation : "");
  if (release->fix_argv != NULL)
    {
      g_autofree char *command = g_strjoinv (" ", release->fix_argv);
      fix = g_strdup_printf ("Run “%s”, then deploy again.", command);
    }
  return_result (task, "helm-status", TD_CHECK_STATUS_FAILED, message, fix ? fix : "Deploy again in the Helm Deploy phase.");
}

static void
check_helm_status (TdDeployment *deployment, const TdYamlNode *check, GTask *task)
{
  const char *argv[] = { "helm", "status", td_yaml_mapping_get_string (check, "release"), "-o", "json", NULL };

  run_check_program (deployment, check, task, argv, read_helm_status);
}

/* ---- pods-ready ---------------------------------------------------------------------------------- */

/* Waits, on a live list + watch, until `count` pods matching `selector` are Running with every
 * container ready; at the time limit names each pod that is not, with its diagnosis. It stops
 * waiting sooner when the pods cannot get there by themselves (pods_ready_stuck). */
typedef struct {
  char         *selector;
  guint         count;
  guint         timeout_seconds;
  guint         stuck_seconds;
  gint64        started;   /* monotonic µs, for how long it waited */
  TdPodMonitor *monitor;
  guint         timeout_id;
  guint         stuck_id;  /* runs while every pod that is not ready needs a fix */
  gulong        ready_id, synced_id, state_id, changed_id;
  GSource      *cancel_source;
  gboolean      done;
  TdCheckResult *result;   /* the answer, until the idle callback returns it */
  GError       *error;
} PodsReady;

static void
pods_ready_free (PodsReady *data)
{
  g_clear_handle_id (&data->timeout_id, g_source_remove);
  g_clear_handle_id (&data->stuck_id, g_source_remove);
  if (data->cancel_source != NULL)
    {
      g_source_destroy (data->cancel_source);
      g_source_unref (data->cancel_source);
    }
  if (data->monitor != NULL)
    {
      g_clear_signal_handler (&data->ready_id, data->monitor);
      g_clear_signal_handler (&data->synced_id, data->monitor);
      g_clear_signal_handler (&data->state_id, data->monitor);
      g_clear_signal_handler (&data->changed_id, data->monitor);
      td_pod_monitor_stop (data->monitor);
      g_object_unref (data->monitor);
    }
  g_clear_object (&data->result);
  g_clear_error (&data->error);
  g_free (data->selector);
  g_free (data);
}

static gboolean
pods_ready_return_later (gpointer user_data)
{
  GTask *task = user_data;
  PodsReady *data = g_task_get_task_data (task);

  if (data->error != NULL)
    g_task_return_error (task, g_steal_pointer (&data->error));
  else
    g_task_return_pointer (task, g_steal_pointer (&data->result), g_object_unref);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

/* Ends the check once. The answer goes out from an idle callback: this often runs inside one of
 * the monitor's own signals, and the task's end drops the monitor. */
static void
pods_ready_return (GTask *task, TdCheckResult *result, GError *error)
{
  PodsReady *data = g_task_get_task_data (task);

  if (data->done)
    return;
  data->done = TRUE;
  data->result = result;
  data->error = error;
  g_clear_handle_id (&data->timeout_id, g_source_remove);
  g_clear_handle_id (&data->stuck_id, g_source_remove);
  if (data->monitor != NULL)
    td_pod_monitor_stop (data->monitor);
  /* At default priority: a busy UI (spinners, a live table) would starve an idle one. */
  g_idle_add_full (G_PRIORITY_DEFAULT, pods_ready_return_later, task, NULL);
}

/* Fails the check with @summary, then the pods that are not ready with their diagnosis: pods in
 * the same state with the same diagnosis (a Deployment's replicas) share one line, so the advice is
 * read once. The first diagnosis gives the fix and the phase that makes it. */
static void
pods_ready_fail (GTask *task, const char *summary)
{
  PodsReady *data = g_task_get_task_data (task);
  GListModel *pods = G_LIST_MODEL (data->monitor);
  g_autoptr(GString) message = g_string_new (summary);
  /* "(0/1, ImagePullBackOff): <diagnosis>" → the names in that state, in the pods' order */
  g_autoptr(GPtrArray) states = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_ptr_array_unref);
  const TdPodDiagnosis *first = NULL;
  TdCheckResult *result;
  guint n = g_list_model_get_n_items (pods);

  if (n == 0)
    g_string_append_printf (message, " No pod matches “%s”.", data->selector);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TdPod) pod = g_list_model_get_item (pods, i);
      const TdPodDiagnosis *diagnosis = td_pod_get_diagnosis (pod);
      g_autofree char *state = NULL;
      GPtrArray *pods_in_state;

      if (td_pod_get_is_ready (pod))
        continue;
      state = g_strdup_printf ("(%s, %s): %s", td_pod_get_ready (pod), td_pod_get_status (pod),
                               diagnosis ? td_pod_get_diagnosis_text (pod) : "still starting");
      pods_in_state = g_hash_table_lookup (names, state);
      if (pods_in_state == NULL)
        {
          pods_in_state = g_ptr_array_new_with_free_func (g_free);
          g_hash_table_insert (names, state, pods_in_state);
          g_ptr_array_add (states, g_steal_pointer (&state));
        }
      g_ptr_array_add (pods_in_state, g_strdup (td_pod_get_name (pod)));
      if (first == NULL)
        first = diagnosis;
    }
  for (guint i = 0; i < states->len; i++)
    {
      GPtrArray *pods_in_state = g_hash_table_lookup (names, states->pdata[i]);
      g_autofree char *joined = NULL;

      g_ptr_array_add (pods_in_state, NULL);
      joined = g_strjoinv (", ", (char **) pods_in_state->pdata);
      g_string_append_printf (message, "\n%s %s", joined, (const char *) states->pdata[i]);
    }
  result = td_check_result_new ("pods-ready", TD_CHECK_STATUS_FAILED, message->str,
                                first ? first->hint
                                      : n == 0 ? "Deploy the chart in the Helm Deploy phase."
                                               : "The pods may need longer: check again in a minute.");
  td_check_result_set_fix_phase (result, first ? first->phase_id : n == 0 ? "deploy" : NULL);
  pods_ready_return (task, result, NULL);
}

static gboolean
on_pods_ready_timeout (gpointer user_data)
{
  GTask *task = user_data;
  PodsReady *data = g_task_get_task_data (task);
  g_autofree char *summary = g_strdup_printf ("%u of %u pods are ready after %u s.",
                                              td_pod_monitor_get_n_ready (data->monitor), data->count,
                                              data->timeout_seconds);

  data->timeout_id = 0;
  pods_ready_fail (task, summary);
  return G_SOURCE_REMOVE;
}

/* TRUE when waiting cannot make `count` pods ready: short of it, every pod that is not ready has a
 * diagnosis that needs the user (TdPodDiagnosis.needs_action), and these pods together with the
 * ready ones make up the count, so no pod still to be created could fill the gap. One pod still
 * starting, or one with a problem that may pass, keeps the check waiting. The pods are the last
 * ones seen, also while the monitor reconnects: a watch that ends and starts again is routine
 * (the server ends each one at its deadline), and a relist that changes a pod says so. */
static gboolean
pods_ready_stuck (PodsReady *data)
{
  GListModel *pods = G_LIST_MODEL (data->monitor);
  guint n = g_list_model_get_n_items (pods);
  guint n_ready = td_pod_monitor_get_n_ready (data->monitor);
  guint n_stuck = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TdPod) pod = g_list_model_get_item (pods, i);
      const TdPodDiagnosis *diagnosis = td_pod_get_diagnosis (pod);

      if (td_pod_get_is_ready (pod))
        continue;
      if (diagnosis == NULL || !diagnosis->needs_action)
        return FALSE;
      n_stuck++;
    }
  return n_stuck > 0 && n_ready < data->count && n_ready + n_stuck >= data->count;
}

static gboolean
on_pods_ready_stuck (gpointer user_data)
{
  GTask *task = user_data;
  PodsReady *data = g_task_get_task_data (task);
  guint waited = (guint) ((g_get_monotonic_time () - data->started) / G_USEC_PER_SEC);
  g_autofree char *summary = NULL;

  data->stuck_id = 0;
  summary = g_strdup_printf ("%u of %u pods are ready. Stopped waiting after %u s instead of %u s: the pods "
                             "that are not ready are stuck on problems that will not go away by themselves, so "
                             "waiting longer would not help.",
                             td_pod_monitor_get_n_ready (data->monitor), data->count, waited, data->timeout_seconds);
  pods_ready_fail (task, summary);
  return G_SOURCE_REMOVE;
}

static void
pods_ready_update (GTask *task)
{
  PodsReady *data = g_task_get_task_data (task);
  TdPodMonitor *monitor = data->monitor;

  if (data->done || !td_pod_monitor_get_synced (monitor))
    {
      if (!data->done && td_pod_monitor_get_connection_state (monitor) == TD_POD_MONITOR_ERROR)
        {
          TdCheckResult *result = td_check_result_new ("pods-ready", TD_CHECK_STATUS_FAILED,
                                                       td_pod_monitor_get_state_message (monitor),
                                                       "Start the cluster in the Cluster phase.");
          td_check_result_set_fix_phase (result, "cluster");
          pods_ready_return (task, result, NULL);
        }
      return;
    }
  if (td_pod_monitor_get_n_ready (monitor) >= data->count)
    {
      g_autofree char *message = g_strdup_printf ("%u of %u pods are Running and ready.",
                                                  td_pod_monitor_get_n_ready (monitor), data->count);
      pods_ready_return (task, td_check_result_new ("pods-ready", TD_CHECK_STATUS_OK, message, NULL), NULL);
      return;
    }
  /* Stuck must hold for stuck_seconds on end: any change that breaks it starts the count again. */
  if (!pods_ready_stuck (data))
    g_clear_handle_id (&data->stuck_id, g_source_remove);
  else if (data->stuck_id == 0)
    data->stuck_id = g_timeout_add (data->stuck_seconds * 1000, on_pods_ready_stuck, task);
}

static void
on_pods_ready_changed (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  pods_ready_update (user_data);
}

static gboolean
on_pods_ready_cancelled (GCancellable *cancellable, gpointer user_data)
{
  PodsReady *data = g_task_get_task_data (user_data);

  if (!data->done)
    pods_ready_return (user_data, NULL, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled"));
  return G_SOURCE_REMOVE;
}

static void
pods_ready_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  PodsReady *data = g_task_get_task_data (task);
  TdDeployment *deployment = TD_DEPLOYMENT (source);
  const char *plan_namespace = td_yaml_mapping_get_string (td_plan_get_settings (td_deployment_get_plan (deployment)), "namespace");
  g_autofree char *context_namespace = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TdKubeClient) client = td_deployment_connect_finish (deployment, result, &context_namespace, &error);

  if (client == NULL)
    {
      TdCheckResult *check_result = NULL;

      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          check_result = td_check_result_new ("pods-ready", TD_CHECK_STATUS_FAILED, error->message,
                                              "Start the cluster in the Cluster phase: it writes the kubeconfig.");
          td_check_result_set_fix_phase (check_result, "cluster");
        }
      pods_ready_return (task, check_result, check_result ? NULL : g_steal_pointer (&error));
      return;
    }
  data->monitor = td_pod_monitor_new (client, plan_namespace ? plan_namespace : context_namespace, data->selector);
  td_pod_monitor_set_diagnosis_rules (data->monitor, td_plan_get_diagnosis_rules (td_deployment_get_plan (deployment)));
  data->ready_id = g_signal_connect (data->monitor, "notify::n-ready", G_CALLBACK (on_pods_ready_changed), task);
  data->synced_id = g_signal_connect (data->monitor, "notify::synced", G_CALLBACK (on_pods_ready_changed), task);
  data->state_id = g_signal_connect (data->monitor, "notify::connection-state", G_CALLBACK (on_pods_ready_changed), task);
  /* A pod turning from ContainerCreating to ImagePullBackOff changes no count, only its diagnosis. */
  data->changed_id = g_signal_connect_swapped (data->monitor, "pod-changed", G_CALLBACK (pods_ready_update), task);
  data->timeout_id = g_timeout_add_seconds (data->timeout_seconds, on_pods_ready_timeout, task);
  if (g_task_get_cancellable (task) != NULL)
    {
      data->cancel_source = g_cancellable_source_new (g_task_get_cancellable (task));
      g_source_set_callback (data->cancel_source, G_SOURCE_FUNC (on_pods_ready_cancelled), task, NULL);
      g_source_attach (data->cancel_source, g_main_context_get_thread_default ());
    }
  td_pod_monitor_start (data->monitor);
}

/* How long the pods must stay stuck (pods_ready_stuck) before the check gives up. Seeing every
 * unready pod stuck once is not enough: a status can read ErrImagePull or CreateContainerConfigError
 * for a moment (a Secret the kubelet's cache has not seen yet), and the kubelet retries a failed
 * start after 10 s, the first step of its back-off. A state that outlasts that retry is what the
 * next ones will give too. The check's optional `stuck_seconds` sets another time. */
#define PODS_READY_STUCK_SECONDS 10

static guint
pods_ready_stuck_seconds (const TdYamlNode *check)
{
  gint64 seconds = PODS_READY_STUCK_SECONDS;

  td_yaml_get_int (td_yaml_mapping_get (check, "stuck_seconds"), &seconds);
  return (guint) CLAMP (seconds, 1, 3600);
}

static void
check_pods_ready (TdDeployment *deployment, const TdYamlNode *check, GTask *task)
{
  PodsReady *data = g_new0 (PodsReady, 1);
  gint64 count = 1;

  td_yaml_get_int (td_yaml_mapping_get (check, "count"), &count);
  data->selector = g_strdup (td_yaml_mapping_get_string (check, "selector"));
  data->count = (guint) CLAMP (count, 1, G_MAXINT);
  data->timeout_seconds = check_wait_seconds (deployment, check, 120);
  data->stuck_seconds = pods_ready_stuck_seconds (check);
  data->started = g_get_monotonic_time ();
  g_task_set_task_data (task, data, (GDestroyNotify) pods_ready_free);
  /* The dispatcher drops its reference when this returns; the wait keeps one until it ends. */
  td_deployment_connect_async (deployment, g_task_get_cancellable (task), pods_ready_connected, g_object_ref (task));
}

/* ---- url-responds -------------------------------------------------------------------------------- */

#define URL_RESPONDS_DEFAULT_SECONDS 60

static void
url_probed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  TdDeployment *deployment = g_task_get_source_object (task);
  const char *url = td_frontend_url_get_last (deployment);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (!td_frontend_url_probe_finish (result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        return_result (task, "url-responds", TD_CHECK_STATUS_FAILED, error->message,
                       "The pods may be ready but not yet serving: check again; if it persists, look at the frontend pod's log.");
      return;
    }
  message = g_strdup_printf ("The Todo Chatbot answers at %s.", url);
  return_result (task, "url-responds", TD_CHECK_STATUS_OK, message, NULL);
}

static void
url_found (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  const TdYamlNode *check = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  guint wait_seconds = check_wait_seconds (g_task_get_source_object (task), check, URL_RESPONDS_DEFAULT_SECONDS);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = td_frontend_url_find_finish (result, &error);
  gint64 expect_status = 200;

  if (url == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        {
          /* A missing Service is the chart's to create; anything else is reaching the cluster. */
          gboolean no_service = g_error_matches (error, TD_KUBE_ERROR, TD_KUBE_ERROR_NOT_FOUND);
          TdCheckResult *check_result = td_check_result_new ("url-responds", TD_CHECK_STATUS_FAILED, error->message,
                                                             no_service ? "Deploy the chart in the Helm Deploy phase: it creates the Service."
                                                                        : "Start the cluster in the Cluster phase.");
          td_check_result_set_fix_phase (check_result, no_service ? "deploy" : "cluster");
          g_task_return_pointer (task, check_result, g_object_unref);
        }
      return;
    }
  td_yaml_get_int (td_yaml_mapping_get (check, "expect_status"), &expect_status);
  td_frontend_url_probe_async (url, (guint) expect_status, wait_seconds,
                               cancellable, url_probed, g_steal_pointer (&task));
}

static void
check_url_responds (TdDeployment *deployment, const TdYamlNode *check, GTask *task)
{
  gint64 node_port = 0;

  td_yaml_get_int (td_yaml_mapping_get (check, "node_port"), &node_port);
  g_task_set_task_data (task, (gpointer) check, NULL);
  td_frontend_url_find_async (deployment, td_yaml_mapping_get_string (check, "service"), node_port,
                              TD_FRONTEND_ROUTE_AUTO, g_task_get_cancellable (task), url_found, g_object_ref (task));
}

/* ---- preparing a re-check ------------------------------------------------------------------------- */

static void
docker_env_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autofree char *out = NULL;
  g_auto(GStrv) env = NULL;
  int status = -1;

  if (td_deployment_capture_finish (TD_DEPLOYMENT (source), result, &out, NULL, &status, NULL) && status == 0 &&
      (env = td_minikube_parse_docker_env (out, NULL)) != NULL)
    td_deployment_set_docker_env (TD_DEPLOYMENT (source), (const char * const *) env);
  g_task_return_boolean (task, TRUE);
}

void
td_gate_prepare_async (TdDeployment *deployment, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  static const char * const argv[] = { "minikube", "docker-env", "--shell", "none", NULL };
  g_autoptr(GTask) task = g_task_new (deployment, cancellable, callback, user_data);

  g_task_set_source_tag (task, td_gate_prepare_async);
  if (td_deployment_get_docker_env (deployment) != NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  td_deployment_capture_async (deployment, argv, NULL, 30 * 1000, cancellable, docker_env_read, g_steal_pointer (&task));
}

void
td_gate_prepare_finish (GAsyncResult *result)
{
  g_task_propagate_boolean (G_TASK (result), NULL);
}

/* ---- dispatch ------------------------------------------------------------------------------------ */

static const struct {
  const char *kind;
  CheckFunc   func;
} check_kinds[] = {
  { "files-exist", check_files_exist },
  { "files-exactly", check_files_exactly },
  { "audit-entries", check_audit_entries },
  { "minikube-status", check_minikube_status },
  { "docker-ps", check_docker_ps },
  { "image-size", check_image_size },
  { "helm-lint", check_helm_lint },
  { "helm-status", check_helm_status },
  { "pods-ready", check_pods_ready },
  { "url-responds", check_url_responds },
};

void
td_gate_check_async (TdDeployment *deployment, const TdYamlNode *check, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (deployment, cancellable, callback, user_data);
  const char *kind = td_yaml_mapping_get_string (check, "check");

  g_task_set_source_tag (task, td_gate_check_async);
  for (guint i = 0; i < G_N_ELEMENTS (check_kinds); i++)
    if (g_strcmp0 (kind, check_kinds[i].kind) == 0)
      {
        check_kinds[i].func (deployment, check, task);
        return;
      }
  {
    g_autofree char *message = g_strdup_printf ("This version of Todo Deploy cannot check “%s” yet.", kind);
    return_result (task, kind, TD_CHECK_STATUS_FAILED, message, NULL);
  }
}

TdCheckResult *
td_gate_check_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct {
  TdGate    *gate;
  GPtrArray *results;
  guint      next;
  gboolean   passed;
} EvaluateData;

static void
evaluate_data_free (EvaluateData *data)
{
  g_clear_object (&data->gate);
  g_clear_pointer (&data->results, g_ptr_array_unref);
  g_free (data);
}

static void evaluate_next (GTask *task);

static void
check_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  EvaluateData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  TdCheckResult *check_result = td_gate_check_finish (result, &error);

  if (check_result == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data->passed = data->passed && td_check_result_get_passed (check_result);
  g_ptr_array_add (data->results, check_result);
  evaluate_next (g_steal_pointer (&task));
}

static void
evaluate_next (GTask *task)
{
  EvaluateData *data = g_task_get_task_data (task);
  TdDeployment *deployment = g_task_get_source_object (task);

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  if (data->next >= td_gate_get_n_checks (data->gate))
    {
      g_task_return_pointer (task, g_ptr_array_ref (data->results), (GDestroyNotify) g_ptr_array_unref);
      g_object_unref (task);
      return;
    }
  td_gate_check_async (deployment, td_gate_get_check (data->gate, data->next++),
                       g_task_get_cancellable (task), check_done, task);
}

void
td_gate_evaluate_async (TdDeployment *deployment, TdGate *gate, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (deployment, cancellable, callback, user_data);
  EvaluateData *data = g_new0 (EvaluateData, 1);

  g_task_set_source_tag (task, td_gate_evaluate_async);
  data->gate = g_object_ref (gate);
  data->results = g_ptr_array_new_with_free_func (g_object_unref);
  data->passed = TRUE;
  g_task_set_task_data (task, data, (GDestroyNotify) evaluate_data_free);
  evaluate_next (task);
}

GPtrArray *
td_gate_evaluate_finish (GAsyncResult *result, gboolean *out_passed, GError **error)
{
  GTask *task = G_TASK (result);
  EvaluateData *data = g_task_get_task_data (task);
  GPtrArray *results = g_task_propagate_pointer (task, error);

  if (out_passed != NULL)
    *out_passed = results != NULL && data->passed;
  return results;
}
