/* td-minikube.c: reading minikube's status and docker-env output, and sizing its memory */
#define G_LOG_DOMAIN "td-minikube"

#include <string.h>

#include <json-glib/json-glib.h>

#include "td-error.h"
#include "td-k8s-json.h"
#include "td-minikube.h"

/* What the desktop keeps for itself when we size the cluster. */
#define DESKTOP_RESERVE_MIB 2048
#define BASE_RECOMMENDED_MIB 4096
#define KAGENT_EXTRA_MIB 1024

static void
td_minikube_node_free (TdMinikubeNode *node)
{
  g_free (node->name);
  g_free (node->host);
  g_free (node->kubelet);
  g_free (node->apiserver);
  g_free (node->kubeconfig);
  g_free (node);
}

void
td_minikube_status_free (TdMinikubeStatus *status)
{
  if (status == NULL)
    return;
  g_ptr_array_unref (status->nodes);
  g_free (status->summary);
  g_free (status);
}

/* The first line of @text, shortened, for error messages about output we did not expect. */
static char *
first_line (const char *text)
{
  const char *end = strchr (text, '\n');
  gsize length = end != NULL ? (gsize) (end - text) : strlen (text);
  g_autofree char *line = g_strndup (text, MIN (length, 120));

  return g_strstrip (g_steal_pointer (&line));
}

char *
td_minikube_explain_status_exit (int exit_status)
{
  g_autoptr(GPtrArray) parts = NULL;
  g_autofree char *joined = NULL;

  if (exit_status == 0)
    return NULL;
  if (exit_status == TD_MINIKUBE_EXIT_NO_PROFILE)
    return g_strdup ("Minikube has no cluster yet: press Start to create one.");
  if (exit_status == (TD_MINIKUBE_STATUS_HOST_DOWN | TD_MINIKUBE_STATUS_CLUSTER_DOWN |
                      TD_MINIKUBE_STATUS_KUBECONFIG_WRONG))
    return g_strdup ("Minikube is stopped: press Start to start it.");
  if (exit_status < 0 || exit_status > 7)
    return g_strdup_printf ("minikube status failed with exit code %d: press Start to (re)start "
                            "the cluster, and see the log if that fails too.", exit_status);

  parts = g_ptr_array_new ();
  if (exit_status & TD_MINIKUBE_STATUS_HOST_DOWN)
    g_ptr_array_add (parts, "the Minikube machine (its container or VM) is not running");
  if (exit_status & TD_MINIKUBE_STATUS_CLUSTER_DOWN)
    g_ptr_array_add (parts, "Kubernetes inside Minikube is not running");
  if (exit_status & TD_MINIKUBE_STATUS_KUBECONFIG_WRONG)
    g_ptr_array_add (parts, "the kubectl configuration does not point at Minikube");
  g_ptr_array_add (parts, NULL);
  joined = g_strjoinv ("; ", (char **) parts->pdata);
  joined[0] = g_ascii_toupper (joined[0]);

  /* A wrong kubeconfig alone is repaired without a restart. */
  if (exit_status == TD_MINIKUBE_STATUS_KUBECONFIG_WRONG)
    return g_strdup_printf ("%s: run “minikube update-context” to repair it.", joined);
  return g_strdup_printf ("%s: press Start to start it.", joined);
}

static TdMinikubeNode *
node_from_json (JsonNode  *json,
                GError   **error)
{
  JsonObject *object;
  TdMinikubeNode *node;

  if (!JSON_NODE_HOLDS_OBJECT (json))
    {
      g_set_error_literal (error, TD_ERROR, TD_ERROR_PARSE,
                           "minikube status printed JSON that is not a node's status");
      return NULL;
    }
  object = json_node_get_object (json);
  if (td_json_get_string (object, "Host") == NULL)
    {
      g_set_error_literal (error, TD_ERROR, TD_ERROR_PARSE,
                           "minikube status printed JSON without a “Host” field: is this minikube?");
      return NULL;
    }

  node = g_new0 (TdMinikubeNode, 1);
  node->name = g_strdup (td_json_get_string (object, "Name"));
  node->host = g_strdup (td_json_get_string (object, "Host"));
  node->kubelet = g_strdup (td_json_get_string (object, "Kubelet"));
  node->apiserver = g_strdup (td_json_get_string (object, "APIServer"));
  node->kubeconfig = g_strdup (td_json_get_string (object, "Kubeconfig"));
  node->worker = td_json_get_bool (object, "Worker");
  return node;
}

/* Which of the node's components is not running, or NULL. Worker nodes have no API server
 * (minikube says "Irrelevant"). */
static const char *
node_problem (const TdMinikubeNode *node,
              const char          **state)
{
  if (g_strcmp0 (node->host, "Running") != 0)
    return (*state = node->host, "host");
  if (g_strcmp0 (node->kubelet, "Running") != 0)
    return (*state = node->kubelet, "kubelet");
  if (g_strcmp0 (node->apiserver, "Running") != 0 &&
      !(node->worker && g_strcmp0 (node->apiserver, "Irrelevant") == 0))
    return (*state = node->apiserver, "API server");
  return NULL;
}

TdMinikubeStatus *
td_minikube_status_parse (const char  *stdout_text,
                          int          exit_status,
                          GError     **error)
{
  g_autoptr(TdMinikubeStatus) status = g_new0 (TdMinikubeStatus, 1);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) json_error = NULL;
  g_autofree char *explanation = td_minikube_explain_status_exit (exit_status);
  g_autofree char *text = g_strstrip (g_strdup (stdout_text != NULL ? stdout_text : ""));
  JsonNode *root;
  const TdMinikubeNode *broken = NULL;
  const char *broken_part = NULL, *broken_state = NULL;

  status->nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) td_minikube_node_free);

  /* No profile: minikube prints a shrug, not JSON. */
  if (exit_status == TD_MINIKUBE_EXIT_NO_PROFILE)
    {
      status->summary = g_steal_pointer (&explanation);
      return g_steal_pointer (&status);
    }
  status->exists = TRUE;

  if (*text == '\0')
    {
      g_set_error (error, TD_ERROR, TD_ERROR_PARSE, "minikube status printed nothing%s%s",
                   explanation != NULL ? ". " : "", explanation != NULL ? explanation : "");
      return NULL;
    }
  if (!json_parser_load_from_data (parser, text, -1, &json_error))
    {
      g_autofree char *line = first_line (text);
      g_set_error (error, TD_ERROR, TD_ERROR_PARSE,
                   "minikube status printed something that is not its JSON status (“%s”): "
                   "check that “minikube” is Minikube and up to date", line);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *array = json_node_get_array (root);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          TdMinikubeNode *node = node_from_json (json_array_get_element (array, i), error);

          if (node == NULL)
            return NULL;
          g_ptr_array_add (status->nodes, node);
        }
    }
  else
    {
      TdMinikubeNode *node = node_from_json (root, error);

      if (node == NULL)
        return NULL;
      g_ptr_array_add (status->nodes, node);
    }
  if (status->nodes->len == 0)
    {
      g_set_error_literal (error, TD_ERROR, TD_ERROR_PARSE, "minikube status listed no nodes");
      return NULL;
    }

  for (guint i = 0; i < status->nodes->len && broken == NULL; i++)
    {
      broken_part = node_problem (g_ptr_array_index (status->nodes, i), &broken_state);
      if (broken_part != NULL)
        broken = g_ptr_array_index (status->nodes, i);
    }

  status->running = broken == NULL && exit_status == 0;
  if (status->running)
    status->summary = status->nodes->len == 1
                      ? g_strdup ("Minikube is running.")
                      : g_strdup_printf ("Minikube is running (%u nodes).", status->nodes->len);
  else if (explanation != NULL)
    status->summary = g_steal_pointer (&explanation);
  else if (broken != NULL)
    status->summary = g_strdup_printf ("The %s of Minikube node “%s” is %s: press Start to "
                                       "start it.", broken_part,
                                       broken->name != NULL ? broken->name : "?",
                                       broken_state != NULL ? broken_state : "missing");
  return g_steal_pointer (&status);
}

/* Only what docker-env is documented to print may enter docker's environment: a stray PATH= or
 * LD_PRELOAD= line must not. */
static gboolean
is_docker_env_key (const char *key)
{
  static const char * const prefixes[] = { "DOCKER_", "MINIKUBE_", "SSH_", NULL };

  if (g_strcmp0 (key, "NO_PROXY") == 0 || g_strcmp0 (key, "no_proxy") == 0)
    return TRUE;
  for (guint i = 0; prefixes[i] != NULL; i++)
    if (g_str_has_prefix (key, prefixes[i]) && key[strlen (prefixes[i])] != '\0')
      return TRUE;
  return FALSE;
}

static gboolean
is_env_name (const char *name)
{
  if (!g_ascii_isalpha (*name) && *name != '_')
    return FALSE;
  for (; *name != '\0'; name++)
    if (!g_ascii_isalnum (*name) && *name != '_')
      return FALSE;
  return TRUE;
}

GStrv
td_minikube_parse_docker_env (const char  *text,
                              GError     **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);
  gboolean has_host = FALSE;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *line = g_strstrip (g_strdup (lines[i]));
      g_autofree char *key = NULL;
      char *equals;

      if (*line == '\0' || *line == '#')
        continue;
      equals = strchr (line, '=');
      if (equals != NULL)
        key = g_strndup (line, equals - line);
      if (key == NULL || !is_env_name (key))
        {
          g_autofree char *shown = first_line (line);
          g_set_error (error, TD_ERROR, TD_ERROR_PARSE,
                       "minikube docker-env printed line %u as “%s”, not KEY=value: it must run "
                       "with “--shell none”", i + 1, shown);
          return NULL;
        }
      if (!is_docker_env_key (key))
        {
          g_set_error (error, TD_ERROR, TD_ERROR_PARSE,
                       "minikube docker-env printed %s (line %u), which is not a Docker or "
                       "Minikube setting: refusing to pass it to docker", key, i + 1);
          return NULL;
        }
      if (g_strcmp0 (key, "DOCKER_HOST") == 0)
        has_host = equals[1] != '\0';
      g_strv_builder_add (builder, line);
    }

  if (!has_host)
    {
      g_set_error_literal (error, TD_ERROR, TD_ERROR_PARSE,
                           "minikube docker-env did not say where Minikube's Docker is "
                           "(no DOCKER_HOST): is the cluster running with the docker runtime?");
      return NULL;
    }
  return g_strv_builder_end (builder);
}

gboolean
td_minikube_read_total_memory (const char  *meminfo_path,
                               guint64     *total_bytes,
                               GError     **error)
{
  const char *path = meminfo_path != NULL ? meminfo_path : "/proc/meminfo";
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &contents, NULL, error))
    return FALSE;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      guint64 kib;
      char *end;

      if (!g_str_has_prefix (lines[i], "MemTotal:"))
        continue;
      kib = g_ascii_strtoull (lines[i] + strlen ("MemTotal:"), &end, 10);
      while (*end == ' ')
        end++;
      /* The kernel always writes kB (meaning KiB). */
      if (kib == 0 || strcmp (end, "kB") != 0)
        break;
      *total_bytes = kib * 1024;
      return TRUE;
    }
  g_set_error (error, TD_ERROR, TD_ERROR_PARSE, "%s has no readable MemTotal line", path);
  return FALSE;
}

/* "4 GiB", "15.6 GiB", "900 MiB" */
static char *
format_mib (guint64 mib)
{
  if (mib < 1024)
    return g_strdup_printf ("%" G_GUINT64_FORMAT " MiB", mib);
  if (mib % 1024 == 0)
    return g_strdup_printf ("%" G_GUINT64_FORMAT " GiB", mib / 1024);
  return g_strdup_printf ("%.1f GiB", mib / 1024.0);
}

void
td_memory_hint_free (TdMemoryHint *hint)
{
  if (hint == NULL)
    return;
  g_free (hint->memory_flag);
  g_free (hint->sentence);
  g_free (hint);
}

TdMemoryHint *
td_minikube_memory_hint (guint64  total_bytes,
                         gboolean with_kagent)
{
  TdMemoryHint *hint = g_new0 (TdMemoryHint, 1);
  guint64 total_mib = total_bytes / (1024 * 1024);
  guint64 spare_mib = total_mib > DESKTOP_RESERVE_MIB ? total_mib - DESKTOP_RESERVE_MIB : 0;
  g_autofree char *total_text = format_mib (total_mib);
  g_autofree char *recommended_text = NULL;
  const char *what = with_kagent ? "the Todo Chatbot and kagent (about 1 GiB of its own)"
                                 : "the Todo Chatbot";

  hint->recommended_mib = BASE_RECOMMENDED_MIB + (with_kagent ? KAGENT_EXTRA_MIB : 0);
  recommended_text = format_mib (hint->recommended_mib);

  if (spare_mib >= hint->recommended_mib)
    {
      hint->fit = TD_MEMORY_FIT_ENOUGH;
      hint->memory_mib = hint->recommended_mib;
      hint->sentence = g_strdup_printf ("Minikube will get %s of this computer's %s: enough for %s.",
                                        recommended_text, total_text, what);
    }
  else if (spare_mib >= TD_MINIKUBE_MIN_MEMORY_MIB)
    {
      g_autofree char *given_text = NULL;

      /* Whole 256 MiB steps read better, but never below minikube's floor. */
      hint->fit = TD_MEMORY_FIT_TIGHT;
      hint->memory_mib = MAX (TD_MINIKUBE_MIN_MEMORY_MIB, spare_mib - spare_mib % 256);
      given_text = format_mib (hint->memory_mib);
      hint->sentence = g_strdup_printf ("This computer has %s of memory, so Minikube gets %s, less "
                                        "than the %s recommended for %s: pods may start slowly or "
                                        "be evicted.%s", total_text, given_text, recommended_text,
                                        what,
                                        with_kagent ? " Skipping kagent saves about 1 GiB." : "");
    }
  else
    {
      g_autofree char *needed_text = format_mib (hint->recommended_mib + DESKTOP_RESERVE_MIB);

      hint->fit = TD_MEMORY_FIT_TOO_LITTLE;
      hint->sentence = g_strdup_printf ("This computer has %s of memory: Minikube needs at least "
                                        "%d MiB besides the 2 GiB the desktop keeps, so it cannot "
                                        "start here. Use a computer with at least %s.", total_text,
                                        TD_MINIKUBE_MIN_MEMORY_MIB, needed_text);
      return hint;
    }
  hint->memory_flag = g_strdup_printf ("--memory=%umb", hint->memory_mib);
  return hint;
}
