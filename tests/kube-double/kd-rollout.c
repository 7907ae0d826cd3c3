/* kd-rollout.c: what `helm upgrade --install` does to the double's cluster. The fake helm writes
 * "OUTCOME RELEASE REVISION" into a file rollout-RELEASE-REVISION in a directory the double watches;
 * the double then replaces the Todo Chatbot's pods with two backend and two frontend pods that are
 * ADDED Pending and, a moment later, MODIFIED to the outcome: running (Running 1/1),
 * image-pull-backoff (every pod), or create-container-config-error (the backend, whose envFrom names
 * the Secret; the frontend runs). They reach clients through the ordinary watch. */
#define G_LOG_DOMAIN "kd-rollout"

#include <gio/gio.h>
#include <string.h>

#include "kd-server-private.h"

#define TODO_SELECTOR "app in (todo-backend,todo-frontend)"
#define SETTLE_MS 100

struct _KdRollouts
{
  KdServer     *server;
  GFileMonitor *monitor;
  GHashTable   *seen;      /* file names already rolled out */
  GPtrArray    *settling;  /* JsonNode*: pods waiting for their MODIFIED */
  guint         settle_id;
};

static const struct {
  const char *app;
  const char *container;
  guint       port;
} components[] = {
  { "todo-backend",  "backend",  8000 },
  { "todo-frontend", "frontend", 3000 },
};

/* The part of a pod's status each state shows, as kubectl would read it. */
static char *
pod_status (const char *state, const char *container, const char *image, const char *started)
{
  const char *reason = NULL;
  g_autofree char *message = NULL;

  if (g_str_equal (state, "running"))
    return g_strdup_printf (
      "{\"phase\": \"Running\", \"hostIP\": \"192.168.49.2\", \"podIP\": \"10.244.0.20\","
      " \"conditions\": [{\"type\": \"Ready\", \"status\": \"True\"}, {\"type\": \"ContainersReady\", \"status\": \"True\"},"
      "                  {\"type\": \"PodScheduled\", \"status\": \"True\"}],"
      " \"containerStatuses\": [{\"name\": \"%s\", \"image\": \"%s\", \"ready\": true, \"started\": true,"
      "                          \"restartCount\": 0, \"state\": {\"running\": {\"startedAt\": \"%s\"}}}]}",
      container, image, started);
  if (g_str_equal (state, "image-pull-backoff"))
    {
      reason = "ImagePullBackOff";
      message = g_strdup_printf ("Back-off pulling image \\\"%s\\\"", image);
    }
  else if (g_str_equal (state, "create-container-config-error"))
    {
      reason = "CreateContainerConfigError";
      message = g_strdup ("couldn't find key OPENAI_API_KEY in Secret default/todo-backend-secret");
    }
  else
    reason = "ContainerCreating";
  return g_strdup_printf (
    "{\"phase\": \"Pending\", \"hostIP\": \"192.168.49.2\","
    " \"conditions\": [{\"type\": \"Ready\", \"status\": \"False\", \"reason\": \"ContainersNotReady\","
    "                   \"message\": \"containers with unready status: [%s]\"},"
    "                  {\"type\": \"PodScheduled\", \"status\": \"True\"}],"
    " \"containerStatuses\": [{\"name\": \"%s\", \"image\": \"%s\", \"ready\": false, \"started\": false,"
    "                          \"restartCount\": 0, \"state\": {\"waiting\": {\"reason\": \"%s\"%s%s%s}}}]}",
    container, container, image, reason, message ? ", \"message\": \"" : "", message ? message : "",
    message ? "\"" : "");
}

static JsonNode *
make_pod (const char *namespace_, guint component, const char *hash, guint replica, const char *state)
{
  const char *app = components[component].app;
  const char *container = components[component].container;
  g_autofree char *image = g_strdup_printf ("%s:latest", app);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *created = g_date_time_format_iso8601 (now);
  g_autofree char *status = pod_status (state, container, image, created);
  g_autofree char *uid = g_uuid_string_random ();
  g_autofree char *text = g_strdup_printf (
    "{\"metadata\": {\"name\": \"%s-%s-r%u\", \"namespace\": \"%s\", \"uid\": \"%s\","
    "              \"creationTimestamp\": \"%s\", \"labels\": {\"app\": \"%s\", \"pod-template-hash\": \"%s\"}},"
    " \"spec\": {\"nodeName\": \"minikube\", \"containers\": [{\"name\": \"%s\", \"image\": \"%s\","
    "           \"imagePullPolicy\": \"Never\", \"ports\": [{\"containerPort\": %u}]%s}]},"
    " \"status\": %s}",
    app, hash, replica, namespace_, uid, created, app, hash, container, image, components[component].port,
    component == 0 ? ", \"envFrom\": [{\"secretRef\": {\"name\": \"todo-backend-secret\"}}]" : "", status);

  return json_from_string (text, NULL);
}

static void
apply (KdServer *server, const char *type, JsonNode *pod)
{
  kd_watch_broadcast (server, kd_pod_store_apply (server->pods, type, pod));
}

static gboolean
settle (gpointer user_data)
{
  KdRollouts *rollouts = user_data;

  rollouts->settle_id = 0;
  for (guint i = 0; i < rollouts->settling->len; i++)
    apply (rollouts->server, "MODIFIED", rollouts->settling->pdata[i]);
  g_ptr_array_set_size (rollouts->settling, 0);
  return G_SOURCE_REMOVE;
}

static void
roll_out (KdRollouts *rollouts, const char *outcome, const char *release, const char *revision)
{
  KdServer *server = rollouts->server;
  const char *namespace_ = server->scenario->namespace_;
  g_autoptr(GPtrArray) old = kd_pod_store_list (server->pods, namespace_, TODO_SELECTOR, NULL, NULL);
  g_autoptr(GPtrArray) doomed = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autofree char *hash = g_strdup_printf ("%08x", g_str_hash (revision) ^ g_str_hash (release));

  /* Copies first: deleting from the store frees the objects the list borrows. */
  for (guint i = 0; old != NULL && i < old->len; i++)
    g_ptr_array_add (doomed, json_node_init_object (json_node_alloc (), old->pdata[i]));
  for (guint i = 0; i < doomed->len; i++)
    apply (server, "DELETED", doomed->pdata[i]);

  /* A rollout still settling is overtaken by this one. */
  g_clear_handle_id (&rollouts->settle_id, g_source_remove);
  settle (rollouts);
  for (guint component = 0; component < G_N_ELEMENTS (components); component++)
    for (guint replica = 1; replica <= 2; replica++)
      {
        g_autoptr(JsonNode) pending = make_pod (namespace_, component, hash, replica, "pending");
        const char *state = outcome;

        if (g_str_equal (outcome, "create-container-config-error") && component != 0)
          state = "running";
        apply (server, "ADDED", pending);
        g_ptr_array_add (rollouts->settling, make_pod (namespace_, component, hash, replica, state));
      }
  rollouts->settle_id = g_timeout_add (SETTLE_MS, settle, rollouts);
}

static void
on_changed (GFileMonitor *monitor, GFile *file, GFile *other, GFileMonitorEvent event, KdRollouts *rollouts)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *contents = NULL;
  g_auto(GStrv) words = NULL;

  if ((event != G_FILE_MONITOR_EVENT_CREATED && event != G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT) ||
      !g_str_has_prefix (name, "rollout-") || g_hash_table_contains (rollouts->seen, name))
    return;
  if (!g_file_load_contents (file, NULL, &contents, NULL, NULL, NULL))
    return;
  words = g_strsplit_set (g_strstrip (contents), " ", -1);
  if (g_strv_length (words) != 3)
    return;   /* not written yet: its CHANGES_DONE_HINT follows */
  if (!g_str_equal (words[0], "running") && !g_str_equal (words[0], "image-pull-backoff") &&
      !g_str_equal (words[0], "create-container-config-error"))
    {
      g_warning ("%s: unknown rollout outcome “%s”", name, words[0]);
      return;
    }
  g_hash_table_add (rollouts->seen, g_steal_pointer (&name));
  roll_out (rollouts, words[0], words[1], words[2]);
}

gboolean
kd_server_watch_rollouts (KdServer *server, const char *dir, GError **error)
{
  g_autoptr(GFile) directory = g_file_new_for_path (dir);
  KdRollouts *rollouts;
  GFileMonitor *monitor;

  g_return_val_if_fail (server->rollouts == NULL, FALSE);
  monitor = g_file_monitor_directory (directory, G_FILE_MONITOR_NONE, NULL, error);
  if (monitor == NULL)
    return FALSE;
  rollouts = g_new0 (KdRollouts, 1);
  rollouts->server = server;
  rollouts->monitor = monitor;
  rollouts->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  rollouts->settling = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_signal_connect (monitor, "changed", G_CALLBACK (on_changed), rollouts);
  server->rollouts = rollouts;
  return TRUE;
}

void
kd_rollouts_free (KdRollouts *rollouts)
{
  if (rollouts == NULL)
    return;
  g_clear_handle_id (&rollouts->settle_id, g_source_remove);
  g_file_monitor_cancel (rollouts->monitor);
  g_signal_handlers_disconnect_by_data (rollouts->monitor, rollouts);
  g_object_unref (rollouts->monitor);
  g_hash_table_unref (rollouts->seen);
  g_ptr_array_unref (rollouts->settling);
  g_free (rollouts);
}
