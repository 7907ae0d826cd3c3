/* bench-pod-monitor.c: figures for TdPodMonitor against the API double, printed, never asserted.
 *
 * 1. Throughput: a watch stream of 10,000 MODIFIED events (pods built on the pod-running-ready
 *    fixture), consumed by TdPodMonitor, and by the real `kubectl get pods -w -o name` on a fresh
 *    double with the same timeline. Events/s from the first event to the last.
 * 2. Latency with 1,000 pods: one MODIFIED at a time, from the double applying it to the TdPod
 *    having been updated (TLS, chunked HTTP, JSON, the model): p50 and p99.
 *
 * Usage: bench-pod-monitor [KUBECTL]   (without KUBECTL the kubectl figure is left out) */
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "td-pod-monitor.h"
#include "../kube-double/kd-server-private.h"

#define N_STREAM_EVENTS 10000
#define N_STREAM_PODS   100
#define N_LATENCY_PODS  1000
#define N_LATENCY_RUNS  2000
#define GUARD_SECONDS   40

static JsonNode *
make_pod (JsonNode *fixture, guint index, guint generation)
{
  /* json_node_copy() would share the object: a deep copy through the text. */
  g_autofree char *text = json_to_string (fixture, FALSE);
  JsonNode *node = json_from_string (text, NULL);
  JsonObject *metadata = json_object_get_object_member (json_node_get_object (node), "metadata");
  JsonObject *labels = json_object_new ();
  g_autofree char *name = g_strdup_printf ("bench-%04u", index);
  g_autofree char *uid = g_strdup_printf ("00000000-0000-0000-0000-%012u", index);
  g_autofree char *seq = g_strdup_printf ("%u", generation);

  json_object_set_string_member (metadata, "name", name);
  json_object_set_string_member (metadata, "namespace", "default");
  json_object_set_string_member (metadata, "uid", uid);
  json_object_remove_member (metadata, "resourceVersion");
  json_object_set_string_member (labels, "app", "bench");
  json_object_set_string_member (labels, "generation", seq);
  json_object_set_object_member (metadata, "labels", labels);
  return node;
}

static KdServer *
start_double (guint n_pods, guint n_events)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) fixture = kd_fixture_load ("pod-running-ready.json", &error);
  KdScenario *scenario = kd_scenario_new_empty ();
  KdServer *server;

  if (fixture == NULL)
    g_error ("%s", error->message);
  for (guint i = 0; i < n_pods; i++)
    g_ptr_array_add (scenario->pods, make_pod (fixture, i, 0));
  for (guint i = 0; i < n_events; i++)
    {
      KdTimelineStep *step = g_new0 (KdTimelineStep, 1);

      step->after_ms = 0;
      step->type = g_strdup ("MODIFIED");
      step->pod = make_pod (fixture, i % n_pods, i + 1);
      g_ptr_array_add (scenario->timeline, step);
    }
  scenario->watch_end_ms = -1;
  server = kd_server_new (scenario, NULL, &error);
  if (server == NULL)
    g_error ("%s", error->message);
  return server;
}

static TdKubeClient *
client_for (KdServer *server)
{
  g_autoptr(TdKubeConnection) connection = td_kube_connection_new (kd_server_get_url (server));
  g_autoptr(GError) error = NULL;
  TdKubeClient *client;

  connection->certificate_authority_pem = kd_server_read_file (server, "ca.pem");
  connection->client_certificate_pem = kd_server_read_file (server, "client.pem");
  connection->client_key_pem = kd_server_read_file (server, "client.key");
  client = td_kube_client_new (connection, &error);
  if (client == NULL)
    g_error ("%s", error->message);
  return client;
}

static gboolean
guard_fired (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Stops the monitor and drops the client before the double goes (see test-pod-monitor.c). */
static void
shut_down (TdPodMonitor **monitor, TdKubeClient **client)
{
  td_pod_monitor_stop (*monitor);
  g_clear_object (monitor);
  g_clear_object (client);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

/* ---- throughput ---- */

typedef struct {
  guint count;
  gint64 first_us;
  gint64 last_us;
} Stream;

static void
note_event (Stream *stream)
{
  gint64 now = g_get_monotonic_time ();

  if (stream->count++ == 0)
    stream->first_us = now;
  stream->last_us = now;
}

static void
on_stream_pod_changed (TdPodMonitor *monitor, TdPod *pod, const char *type, Stream *stream)
{
  if (td_pod_monitor_get_synced (monitor))
    note_event (stream);
}

static double
events_per_second (const Stream *stream)
{
  return stream->count > 1 ? (stream->count - 1) / ((stream->last_us - stream->first_us) / (double) G_USEC_PER_SEC) : 0;
}

static void
bench_monitor_stream (void)
{
  g_autoptr(KdServer) server = start_double (N_STREAM_PODS, N_STREAM_EVENTS);
  g_autoptr(TdKubeClient) client = client_for (server);
  g_autoptr(TdPodMonitor) monitor = td_pod_monitor_new (client, "default", "app=bench");
  Stream stream = { 0 };
  gboolean timed_out = FALSE;
  guint guard = g_timeout_add_seconds (GUARD_SECONDS, guard_fired, &timed_out);

  g_signal_connect (monitor, "pod-changed", G_CALLBACK (on_stream_pod_changed), &stream);
  td_pod_monitor_start (monitor);
  while (stream.count < N_STREAM_EVENTS && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (guard);

  printf ("watch stream, %u events:  TdPodMonitor            %8.0f events/s (%u events in %.3f s)%s\n",
          N_STREAM_EVENTS, events_per_second (&stream), stream.count,
          (stream.last_us - stream.first_us) / (double) G_USEC_PER_SEC, timed_out ? "  [gave up]" : "");
  shut_down (&monitor, &client);
}

typedef struct {
  GDataInputStream *lines;
  Stream stream;
  guint lines_read;
  gboolean ended;
} KubectlRun;

static void
kubectl_line (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KubectlRun *run = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result, NULL, NULL);

  if (line == NULL)
    {
      run->ended = TRUE;
      return;
    }
  /* The listed pods come first, one line each; then one line per event. */
  if (++run->lines_read > N_STREAM_PODS)
    note_event (&run->stream);
  if (run->stream.count < N_STREAM_EVENTS)
    g_data_input_stream_read_line_async (run->lines, G_PRIORITY_DEFAULT, NULL, kubectl_line, run);
  else
    run->ended = TRUE;
}

static void
bench_kubectl_stream (const char *kubectl)
{
  g_autoptr(KdServer) server = start_double (N_STREAM_PODS, N_STREAM_EVENTS);
  g_autoptr(GError) error = NULL;
  g_autofree char *cache = g_dir_make_tmp ("td-bench-kubectl-XXXXXX", &error);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GSubprocess) process = NULL;
  KubectlRun run = { 0 };
  gboolean timed_out = FALSE;
  guint guard;

  g_subprocess_launcher_setenv (launcher, "HOME", cache, TRUE);
  g_subprocess_launcher_setenv (launcher, "KUBECACHEDIR", cache, TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, kubectl, "--kubeconfig", kd_server_get_kubeconfig_path (server),
                                         "get", "pods", "-l", "app=bench", "-w", "-o", "name", NULL);
  if (process == NULL)
    {
      printf ("watch stream: kubectl could not start: %s\n", error->message);
      return;
    }
  run.lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  guard = g_timeout_add_seconds (GUARD_SECONDS, guard_fired, &timed_out);
  g_data_input_stream_read_line_async (run.lines, G_PRIORITY_DEFAULT, NULL, kubectl_line, &run);
  while (!run.ended && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (guard);

  printf ("watch stream, %u events:  kubectl get pods -w -o name %4.0f events/s (%u events in %.3f s)%s\n",
          N_STREAM_EVENTS, events_per_second (&run.stream), run.stream.count,
          (run.stream.last_us - run.stream.first_us) / (double) G_USEC_PER_SEC, timed_out ? "  [gave up]" : "");

  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, NULL);
  g_object_unref (run.lines);
  remove_tree (cache);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* ---- latency ---- */

typedef struct {
  const char *waiting_for;     /* the pod whose update is on its way */
  gint64 arrived_us;
} Latency;

static void
on_latency_pod_changed (TdPodMonitor *monitor, TdPod *pod, const char *type, Latency *latency)
{
  if (latency->waiting_for != NULL && strcmp (td_pod_get_name (pod), latency->waiting_for) == 0)
    {
      latency->arrived_us = g_get_monotonic_time ();
      latency->waiting_for = NULL;
    }
}

static int
compare_gint64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

static void
bench_latency (void)
{
  g_autoptr(KdServer) server = start_double (N_LATENCY_PODS, 0);
  g_autoptr(TdKubeClient) client = client_for (server);
  g_autoptr(TdPodMonitor) monitor = td_pod_monitor_new (client, "default", "app=bench");
  g_autoptr(JsonNode) fixture = kd_fixture_load ("pod-running-ready.json", NULL);
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (gint64));
  Latency latency = { 0 };
  gboolean timed_out = FALSE;
  guint guard = g_timeout_add_seconds (GUARD_SECONDS, guard_fired, &timed_out);
  gint64 sync_start = g_get_monotonic_time (), sync_us;

  g_signal_connect (monitor, "pod-changed", G_CALLBACK (on_latency_pod_changed), &latency);
  td_pod_monitor_start (monitor);
  while (!td_pod_monitor_get_synced (monitor) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  sync_us = g_get_monotonic_time () - sync_start;
  /* The watch must be open before the first change, or it would be replayed, not streamed. */
  while (server->watches == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  for (guint i = 0; i < N_LATENCY_RUNS && !timed_out; i++)
    {
      g_autoptr(JsonNode) pod = make_pod (fixture, (i * 7) % N_LATENCY_PODS, i + 1);
      g_autofree char *name = g_strdup_printf ("bench-%04u", (i * 7) % N_LATENCY_PODS);
      gint64 sent_us;

      latency.waiting_for = name;
      sent_us = g_get_monotonic_time ();
      kd_watch_broadcast (server, kd_pod_store_apply (server->pods, "MODIFIED", pod));
      while (latency.waiting_for != NULL && !timed_out)
        g_main_context_iteration (NULL, TRUE);
      if (latency.waiting_for == NULL)
        {
          gint64 sample = latency.arrived_us - sent_us;
          g_array_append_val (samples, sample);
        }
    }
  if (!timed_out)
    g_source_remove (guard);

  g_array_sort (samples, compare_gint64);
  printf ("list of %u pods (2 pages):  %.1f ms\n", N_LATENCY_PODS, sync_us / 1000.0);
  if (samples->len > 0)
    printf ("event -> model latency, %u pods, %u events:  p50 %.3f ms  p99 %.3f ms  max %.3f ms%s\n",
            N_LATENCY_PODS, samples->len,
            g_array_index (samples, gint64, samples->len / 2) / 1000.0,
            g_array_index (samples, gint64, MIN (samples->len - 1, samples->len * 99 / 100)) / 1000.0,
            g_array_index (samples, gint64, samples->len - 1) / 1000.0, timed_out ? "  [gave up]" : "");
  shut_down (&monitor, &client);
}

int
main (int argc, char **argv)
{
  const char *kubectl = argc > 1 && argv[1][0] != '\0' ? argv[1] : NULL;

  bench_monitor_stream ();
  if (kubectl != NULL)
    bench_kubectl_stream (kubectl);
  else
    printf ("watch stream: no kubectl given, its figure is left out\n");
  bench_latency ();
  return 0;
}
