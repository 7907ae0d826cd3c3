/* test-app-lifecycle.c: the real todo-deploy binary starts, answers on the session bus, shows
 * its version, and quits cleanly when asked through its app.quit action. */
#include <gio/gio.h>

#include "wait-test-util.h"

#define APP_ID "io.github.tododeploy.TodoDeploy"
#define APP_PATH "/io/github/tododeploy/TodoDeploy"

static char *
binary_path (void)
{
  return g_build_filename (g_getenv ("TD_BUILD_ROOT"), "src", "todo-deploy", NULL);
}

static void
test_version (void)
{
  g_autofree char *binary = binary_path ();
  const char *argv[] = { binary, "--version", NULL };
  g_autofree char *out = NULL;
  int status = -1;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (g_str_has_prefix (out, "todo-deploy "));
}

static gboolean
name_has_owner (GDBusConnection *bus, const char *name)
{
  g_autoptr(GVariant) reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                                            "org.freedesktop.DBus", "NameHasOwner",
                                                            g_variant_new ("(s)", name), G_VARIANT_TYPE ("(b)"),
                                                            G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  gboolean owned = FALSE;

  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return owned;
}

static void
on_name_appeared (GDBusConnection *bus, const char *name, const char *owner, gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

static gboolean
flag_set (gpointer flag)
{
  return *(gboolean *) flag;
}

static void
on_exited (GObject *source, GAsyncResult *result, gpointer user_data)
{
  gboolean *done = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *done = TRUE;
}

static void
test_start_and_quit (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autofree char *binary = binary_path ();
  g_autofree char *project = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "fixtures", "projects", "complete", NULL);
  g_autoptr(GSubprocess) app = NULL;
  g_autoptr(GVariant) reply = NULL;
  gboolean owned = FALSE;
  gboolean exited = FALSE;
  guint watch;

  if (bus == NULL || (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL))
    {
      g_test_skip ("needs a session bus and a display (run under xvfb-run dbus-run-session)");
      return;
    }
  g_assert_false (name_has_owner (bus, APP_ID));

  app = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, binary, "--project", project, NULL);
  g_assert_no_error (error);

  /* Started means: the window's application owns its name on the bus. */
  watch = g_bus_watch_name_on_connection (bus, APP_ID, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                          on_name_appeared, NULL, &owned, NULL);
  test_wait_until (flag_set, &owned, 30, "todo-deploy to own " APP_ID " on the session bus");
  g_bus_unwatch_name (watch);
  g_assert_true (name_has_owner (bus, APP_ID));

  reply = g_dbus_connection_call_sync (bus, APP_ID, APP_PATH, "org.gtk.Actions", "Activate",
                                       g_variant_new ("(s@av@a{sv})", "quit",
                                                      g_variant_new_array (G_VARIANT_TYPE_VARIANT, NULL, 0),
                                                      g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0)), NULL,
                                       G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
  g_assert_no_error (error);

  g_subprocess_wait_async (app, NULL, on_exited, &exited);
  test_wait_until (flag_set, &exited, 30, "todo-deploy to exit after its quit action");
  g_assert_true (exited);
  g_assert_true (g_subprocess_get_if_exited (app));
  g_assert_cmpint (g_subprocess_get_exit_status (app), ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/version", test_version);
  g_test_add_func ("/app/start-and-quit", test_start_and_quit);
  return g_test_run ();
}
