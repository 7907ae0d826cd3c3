/* td-kube-double: the Kubernetes API double as a program, for real kubectl and UI tests.
 * Prints "URL <url>" and "KUBECONFIG <path>" on stdout, then serves until SIGINT/SIGTERM. */
#include <glib-unix.h>
#include <stdio.h>

#include "kd-server.h"

static gboolean
on_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  g_autofree char *scenario_path = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *rollout_dir = NULL;
  gboolean verbose = FALSE;
  GOptionEntry entries[] = {
    { "scenario", 's', 0, G_OPTION_ARG_FILENAME, &scenario_path, "Scenario file (JSON)", "FILE" },
    { "dir", 'd', 0, G_OPTION_ARG_FILENAME, &dir, "Directory for certificates and kubeconfig (default: a new temporary one, removed on exit)", "DIR" },
    { "rollout-dir", 'r', 0, G_OPTION_ARG_FILENAME, &rollout_dir, "Roll out the Todo Chatbot's pods when the fake helm writes a rollout file here", "DIR" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Print each request on stderr when serving ends", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— a Kubernetes API test double");
  g_autoptr(GError) error = NULL;
  g_autoptr(KdScenario) scenario = NULL;
  g_autoptr(KdServer) server = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  scenario = scenario_path != NULL ? kd_scenario_load (scenario_path, &error) : kd_scenario_new_empty ();
  if (scenario == NULL)
    {
      g_printerr ("td-kube-double: %s\n", error->message);
      return 1;
    }
  server = kd_server_new (g_steal_pointer (&scenario), dir, &error);
  if (server == NULL)
    {
      g_printerr ("td-kube-double: %s\n", error->message);
      return 1;
    }

  if (rollout_dir != NULL && !kd_server_watch_rollouts (server, rollout_dir, &error))
    {
      g_printerr ("td-kube-double: %s\n", error->message);
      return 1;
    }

  printf ("URL %s\nKUBECONFIG %s\n", kd_server_get_url (server), kd_server_get_kubeconfig_path (server));
  fflush (stdout);

  g_unix_signal_add (SIGINT, on_signal, loop);
  g_unix_signal_add (SIGTERM, on_signal, loop);
  g_main_loop_run (loop);

  if (verbose)
    {
      GPtrArray *log = kd_server_get_request_log (server);
      for (guint i = 0; i < log->len; i++)
        g_printerr ("%s\n", (char *) log->pdata[i]);
    }
  return 0;
}
