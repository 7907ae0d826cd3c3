/* td-application.c: command line, app actions, one window per project */
#define G_LOG_DOMAIN "td-application"

#include <glib/gi18n.h>

#include "td-application.h"
#include "td-check-artifact-cli.h"
#include "td-status-cli.h"
#include "td-verify-cli.h"
#include "td-window.h"

struct _TdApplication
{
  AdwApplication parent_instance;

  char          *plan_file;   /* --plan FILE, absolute; NULL: the bundled plan */
};

G_DEFINE_FINAL_TYPE (TdApplication, td_application, ADW_TYPE_APPLICATION)

static TdWindow *
get_or_create_window (TdApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (td_window_new (self));
  return TD_WINDOW (window);
}

static void
td_application_activate (GApplication *app)
{
  gtk_window_present (GTK_WINDOW (get_or_create_window (TD_APPLICATION (app))));
}

/* --status: the pod table on stdout, without a window. */
static int
run_status (GVariantDict *options)
{
  TdStatusOptions status = { .watch = g_variant_dict_contains (options, "watch") };

  g_variant_dict_lookup (options, "plan", "^&ay", &status.plan);
  g_variant_dict_lookup (options, "project", "^&ay", &status.project);
  g_variant_dict_lookup (options, "kubeconfig", "^&ay", &status.kubeconfig);
  g_variant_dict_lookup (options, "context", "&s", &status.context);
  g_variant_dict_lookup (options, "namespace", "&s", &status.namespace_);
  g_variant_dict_lookup (options, "selector", "&s", &status.selector);
  g_variant_dict_lookup (options, "output", "&s", &status.output);
  return td_status_cli_run (&status, stdout, stderr);
}

static int
td_application_handle_local_options (GApplication *app, GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("todo-deploy %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (g_variant_dict_contains (options, "check-artifact"))
    {
      g_autoptr(GString) out = g_string_new (NULL);
      g_autoptr(GString) err = g_string_new (NULL);
      const char *file = NULL;
      const char *task = NULL;
      const char *plan = NULL;
      int status;

      g_variant_dict_lookup (options, "check-artifact", "^&ay", &file);
      g_variant_dict_lookup (options, "task", "&s", &task);
      g_variant_dict_lookup (options, "plan", "^&ay", &plan);
      status = td_check_artifact_cli_run (file, task, plan, out, err);
      g_print ("%s", out->str);
      g_printerr ("%s", err->str);
      return status;
    }
  if (g_variant_dict_contains (options, "status"))
    return run_status (options);
  if (g_variant_dict_contains (options, "verify"))
    {
      TdVerifyOptions verify = { NULL };

      g_variant_dict_lookup (options, "project", "^&ay", &verify.project);
      g_variant_dict_lookup (options, "kubeconfig", "^&ay", &verify.kubeconfig);
      g_variant_dict_lookup (options, "plan", "^&ay", &verify.plan);
      return td_verify_cli_run (&verify, NULL, stdout, stderr);
    }
  return -1;
}

static int
td_application_command_line (GApplication *app, GApplicationCommandLine *command_line)
{
  TdApplication *self = TD_APPLICATION (app);
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  const char *project = NULL;
  const char *plan = NULL;
  TdWindow *window;

  g_variant_dict_lookup (options, "project", "^&ay", &project);
  /* A plan given to a second launch applies to the window it opens, when it opens one. */
  if (g_variant_dict_lookup (options, "plan", "^&ay", &plan) && plan[0] != '\0' &&
      gtk_application_get_active_window (GTK_APPLICATION (self)) == NULL)
    {
      g_autoptr(GFile) file = g_application_command_line_create_file_for_arg (command_line, plan);
      g_autofree char *path = g_file_get_path (file);
      td_application_set_plan_file (self, path);
    }
  window = get_or_create_window (self);
  if (project != NULL && project[0] != '\0')
    {
      g_autoptr(GFile) file = g_application_command_line_create_file_for_arg (command_line, project);
      td_window_open_project (window, file);
    }
  gtk_window_present (GTK_WINDOW (window));
  return 0;
}

static void
td_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *log_accels[] = { "<Control>l", NULL };

  G_APPLICATION_CLASS (td_application_parent_class)->startup (app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.show-log", log_accels);
}

static void
quit_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  static const char *developers[] = { "The Todo Deploy developers", NULL };

  adw_show_about_window (gtk_application_get_active_window (app),
                         "application-name", _("Todo Deploy"),
                         "application-icon", APP_ID,
                         "developer-name", _("The Todo Deploy developers"),
                         "version", PACKAGE_VERSION,
                         "comments", _("Deploy the Todo Chatbot to a local Minikube cluster, step by step."),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "developers", developers,
                         NULL);
}

static const GActionEntry app_actions[] = {
  { .name = "quit", .activate = quit_activated },
  { .name = "about", .activate = about_activated },
};

static void
td_application_finalize (GObject *object)
{
  g_free (TD_APPLICATION (object)->plan_file);
  G_OBJECT_CLASS (td_application_parent_class)->finalize (object);
}

static void
td_application_class_init (TdApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = td_application_finalize;
  app_class->activate = td_application_activate;
  app_class->startup = td_application_startup;
  app_class->handle_local_options = td_application_handle_local_options;
  app_class->command_line = td_application_command_line;
}

static void
td_application_init (TdApplication *self)
{
  static const GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
    { "project", 'p', 0, G_OPTION_ARG_FILENAME, NULL, N_("Open the Todo Chatbot project in DIR"), N_("DIR") },
    { "plan", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Follow the deployment plan in FILE instead of the bundled one (also with --verify, --status and --check-artifact)"), N_("FILE") },
    { "check-artifact", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Check FILE (an artifact, or an agent’s raw output; - reads standard input) against the contract of the task given with --task, print what is wrong and exit"), N_("FILE") },
    { "task", 0, 0, G_OPTION_ARG_STRING, NULL, N_("The task (T007, T011, T016…) for --check-artifact"), N_("TNNN") },
    { "status", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the deployment's pods and their health, then exit"), NULL },
    { "verify", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Re-check every phase's gate without changing anything, then exit"), NULL },
    { "kubeconfig", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("With --status or --verify: the kubeconfig file to use"), N_("FILE") },
    { "context", 0, 0, G_OPTION_ARG_STRING, NULL, N_("With --status: the kubeconfig context to use"), N_("NAME") },
    { "namespace", 'n', 0, G_OPTION_ARG_STRING, NULL, N_("With --status: the namespace of the pods"), N_("NAMESPACE") },
    { "selector", 'l', 0, G_OPTION_ARG_STRING, NULL, N_("With --status: the pods' label selector"), N_("SELECTOR") },
    { "watch", 'w', 0, G_OPTION_ARG_NONE, NULL, N_("With --status: print pods as they change, until interrupted"), NULL },
    { "output", 'o', 0, G_OPTION_ARG_STRING, NULL, N_("With --status: \"json\" for JSON instead of a table"), N_("FORMAT") },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
}

TdApplication *
td_application_new (void)
{
  return g_object_new (TD_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       "resource-base-path", "/io/github/tododeploy/TodoDeploy",
                       NULL);
}

const char *
td_application_get_plan_file (TdApplication *self)
{
  g_return_val_if_fail (TD_IS_APPLICATION (self), NULL);
  return self->plan_file;
}

void
td_application_set_plan_file (TdApplication *self, const char *plan_file)
{
  g_return_if_fail (TD_IS_APPLICATION (self));
  g_free (self->plan_file);
  self->plan_file = g_strdup (plan_file);
}
