/* td-runner.c: starts external programs (directly, or on the host through flatpak-spawn) */
#define G_LOG_DOMAIN "td-runner"

#include <string.h>

#include "td-error.h"
#include "td-process-private.h"
#include "td-runner.h"

#define DEFAULT_FLATPAK_INFO_PATH "/.flatpak-info"

struct _TdRunner {
  GObject  parent_instance;

  char    *flatpak_info_path;
  GStrv    environ;   /* NULL: our own environment */
};

enum {
  PROP_0,
  PROP_FLATPAK_INFO_PATH,
  PROP_SANDBOXED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (TdRunner, td_runner, G_TYPE_OBJECT)

static void
td_runner_finalize (GObject *object)
{
  TdRunner *self = TD_RUNNER (object);

  g_clear_pointer (&self->flatpak_info_path, g_free);
  g_clear_pointer (&self->environ, g_strfreev);

  G_OBJECT_CLASS (td_runner_parent_class)->finalize (object);
}

static void
td_runner_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  TdRunner *self = TD_RUNNER (object);

  switch (prop_id)
    {
    case PROP_FLATPAK_INFO_PATH:
      g_value_set_string (value, self->flatpak_info_path);
      break;
    case PROP_SANDBOXED:
      g_value_set_boolean (value, td_runner_get_sandboxed (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_runner_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  TdRunner *self = TD_RUNNER (object);

  switch (prop_id)
    {
    case PROP_FLATPAK_INFO_PATH:
      td_runner_set_flatpak_info_path (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_runner_class_init (TdRunnerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = td_runner_finalize;
  object_class->get_property = td_runner_get_property;
  object_class->set_property = td_runner_set_property;

  properties[PROP_FLATPAK_INFO_PATH] =
    g_param_spec_string ("flatpak-info-path", NULL, NULL, DEFAULT_FLATPAK_INFO_PATH,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SANDBOXED] =
    g_param_spec_boolean ("sandboxed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
td_runner_init (TdRunner *self)
{
  self->flatpak_info_path = g_strdup (DEFAULT_FLATPAK_INFO_PATH);
}

TdRunner *
td_runner_new (void)
{
  return g_object_new (TD_TYPE_RUNNER, NULL);
}

void
td_runner_set_flatpak_info_path (TdRunner   *self,
                                 const char *path)
{
  g_return_if_fail (TD_IS_RUNNER (self));

  if (path == NULL)
    path = DEFAULT_FLATPAK_INFO_PATH;
  if (g_strcmp0 (self->flatpak_info_path, path) == 0)
    return;

  g_free (self->flatpak_info_path);
  self->flatpak_info_path = g_strdup (path);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FLATPAK_INFO_PATH]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SANDBOXED]);
}

gboolean
td_runner_get_sandboxed (TdRunner *self)
{
  g_return_val_if_fail (TD_IS_RUNNER (self), FALSE);

  return g_file_test (self->flatpak_info_path, G_FILE_TEST_EXISTS);
}

void
td_runner_set_environ (TdRunner           *self,
                       const char * const *envp)
{
  g_return_if_fail (TD_IS_RUNNER (self));

  g_clear_pointer (&self->environ, g_strfreev);
  self->environ = g_strdupv ((char **) envp);
}

static GStrv
base_environ (TdRunner *self)
{
  return self->environ != NULL ? g_strdupv (self->environ) : g_get_environ ();
}

/* Looks @name up on @path_list the way execvp does; names with a slash are taken as they are. */
static char *
find_in_path (const char *name,
              const char *path_list)
{
  g_auto(GStrv) dirs = NULL;

  if (strchr (name, '/') != NULL)
    return g_file_test (name, G_FILE_TEST_IS_EXECUTABLE) ? g_strdup (name) : NULL;
  if (path_list == NULL)
    return NULL;

  dirs = g_strsplit (path_list, G_SEARCHPATH_SEPARATOR_S, -1);
  for (guint i = 0; dirs[i] != NULL; i++)
    {
      g_autofree char *candidate = g_build_filename (*dirs[i] != '\0' ? dirs[i] : ".", name, NULL);

      if (g_file_test (candidate, G_FILE_TEST_IS_EXECUTABLE) &&
          !g_file_test (candidate, G_FILE_TEST_IS_DIR))
        return g_steal_pointer (&candidate);
    }
  return NULL;
}

char *
td_runner_find_program (TdRunner   *self,
                        const char *name)
{
  g_auto(GStrv) env = NULL;

  g_return_val_if_fail (TD_IS_RUNNER (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  env = base_environ (self);
  return find_in_path (name, g_environ_getenv (env, "PATH"));
}

static gboolean
check_overlay (const char * const  *env_overlay,
               GError             **error)
{
  for (guint i = 0; env_overlay != NULL && env_overlay[i] != NULL; i++)
    {
      const char *eq = strchr (env_overlay[i], '=');

      if (eq == NULL || eq == env_overlay[i])
        {
          /* Not echoing the entry: it may hold a value we must not print. */
          g_set_error (error, TD_ERROR, TD_ERROR_INVALID,
                       "Environment entry %u is not of the form KEY=VALUE", i + 1);
          return FALSE;
        }
    }
  return TRUE;
}

char **
td_runner_build_argv (TdRunner           *self,
                      const char * const *argv,
                      const char         *cwd,
                      const char * const *env_overlay)
{
  g_autoptr(GStrvBuilder) builder = NULL;

  g_return_val_if_fail (TD_IS_RUNNER (self), NULL);
  g_return_val_if_fail (argv != NULL && argv[0] != NULL, NULL);

  builder = g_strv_builder_new ();
  if (td_runner_get_sandboxed (self))
    {
      /* --watch-bus: the host program dies with us even when flatpak-spawn is SIGKILLed. */
      g_strv_builder_add_many (builder, "flatpak-spawn", "--host", "--watch-bus", NULL);
      for (guint i = 0; env_overlay != NULL && env_overlay[i] != NULL; i++)
        {
          g_autofree char *option = g_strconcat ("--env=", env_overlay[i], NULL);
          g_strv_builder_add (builder, option);
        }
      if (cwd != NULL)
        {
          g_autofree char *option = g_strconcat ("--directory=", cwd, NULL);
          g_strv_builder_add (builder, option);
        }
    }
  g_strv_builder_addv (builder, (const char **) argv);

  return g_strv_builder_end (builder);
}

gboolean
td_runner_host_program_missing (int         exit_status,
                                const char *stderr_text)
{
  if (stderr_text == NULL)
    stderr_text = "";
  return exit_status == 127 ||
         (exit_status != 0 &&
          strstr (stderr_text, "Failed to start command") != NULL &&
          strstr (stderr_text, "No such file or directory") != NULL);
}

char **
td_runner_build_environ (TdRunner           *self,
                         const char * const *env_overlay)
{
  GStrv env;

  g_return_val_if_fail (TD_IS_RUNNER (self), NULL);

  env = base_environ (self);
  if (td_runner_get_sandboxed (self))
    return env;
  /* The overlay goes into this child's environment only, never into ours. */
  for (guint i = 0; env_overlay != NULL && env_overlay[i] != NULL; i++)
    {
      const char *eq = strchr (env_overlay[i], '=');
      g_autofree char *key = NULL;

      if (eq == NULL)
        continue;
      key = g_strndup (env_overlay[i], eq - env_overlay[i]);
      env = g_environ_setenv (env, key, eq + 1, TRUE);
    }
  return env;
}

/* "minikube start", "docker build", "kubectl-ai": short enough for a message. */
static char *
make_display_name (const char * const *argv)
{
  g_autofree char *base = g_path_get_basename (argv[0]);
  const char *sub = argv[1];

  if (sub != NULL && sub[0] != '-' && strlen (sub) <= 24 && strpbrk (sub, " \t\n/=") == NULL)
    return g_strconcat (base, " ", sub, NULL);
  return g_steal_pointer (&base);
}

static GError *
spawn_error (const char *program,
             GError     *error)
{
  if (g_error_matches (error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT))
    return g_error_new (TD_ERROR, TD_ERROR_NOT_FOUND,
                        "“%s” is not installed or not on PATH", program);
  if (g_error_matches (error, G_SPAWN_ERROR, G_SPAWN_ERROR_ACCES) ||
      g_error_matches (error, G_SPAWN_ERROR, G_SPAWN_ERROR_PERM))
    return g_error_new (TD_ERROR, TD_ERROR_PERMISSION,
                        "“%s” cannot be run: %s", program, error->message);
  if (g_error_matches (error, G_SPAWN_ERROR, G_SPAWN_ERROR_CHDIR))
    return g_error_new (TD_ERROR, TD_ERROR_NOT_FOUND,
                        "Could not start “%s” in its folder: %s", program, error->message);
  return g_error_new (TD_ERROR, TD_ERROR_FAILED,
                      "Could not start “%s”: %s", program, error->message);
}

TdProcess *
td_runner_spawn (TdRunner           *self,
                 const char * const *argv,
                 const char         *cwd,
                 const char * const *env_overlay,
                 guint               timeout_ms,
                 GError            **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) exec_argv = NULL;
  g_auto(GStrv) env = NULL;
  g_autofree char *display_name = NULL;
  g_autofree char *program_path = NULL;
  gboolean sandboxed;
  TdProcess *process;

  g_return_val_if_fail (TD_IS_RUNNER (self), NULL);
  g_return_val_if_fail (argv != NULL && argv[0] != NULL, NULL);

  if (!check_overlay (env_overlay, error))
    return NULL;

  sandboxed = td_runner_get_sandboxed (self);
  exec_argv = td_runner_build_argv (self, argv, cwd, env_overlay);
  display_name = make_display_name (argv);

  env = td_runner_build_environ (self, env_overlay);

  /* Checked up front so the message names the program, not a spawn internals error. */
  program_path = find_in_path (exec_argv[0], g_environ_getenv (env, "PATH"));
  if (program_path == NULL)
    {
      g_set_error (error, TD_ERROR, TD_ERROR_NOT_FOUND,
                   "“%s” is not installed or not on PATH", exec_argv[0]);
      return NULL;
    }

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE |
                                        G_SUBPROCESS_FLAGS_SEARCH_PATH_FROM_ENVP);
  /* stdin stays /dev/null (GSubprocess's default): agents append piped stdin to their prompt. */
  g_subprocess_launcher_set_environ (launcher, env);
  if (cwd != NULL && !sandboxed)
    g_subprocess_launcher_set_cwd (launcher, cwd);

  process = td_process_start (launcher, (const char * const *) exec_argv, display_name,
                              timeout_ms, &local_error);
  if (process == NULL)
    g_propagate_error (error, spawn_error (exec_argv[0], local_error));
  return process;
}

typedef struct {
  TdProcess *process;
  GString   *out;
  GString   *err;
  int        exit_status;
} Capture;

static void
capture_free (Capture *capture)
{
  g_clear_object (&capture->process);
  g_string_free (capture->out, TRUE);
  g_string_free (capture->err, TRUE);
  g_free (capture);
}

static void
on_capture_line (TdProcess  *process,
                 TdStream    stream,
                 const char *text,
                 gpointer    user_data)
{
  Capture *capture = user_data;
  GString *buffer = stream == TD_STREAM_STDERR ? capture->err : capture->out;

  g_string_append (buffer, text);
  g_string_append_c (buffer, '\n');
}

static void
on_capture_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Capture *capture = g_task_get_task_data (task);
  GError *error = NULL;

  g_signal_handlers_disconnect_by_func (capture->process, on_capture_line, capture);
  if (!td_process_wait_finish (TD_PROCESS (source), result, &capture->exit_status, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
td_runner_capture_async (TdRunner            *self,
                         const char * const  *argv,
                         const char          *cwd,
                         const char * const  *env_overlay,
                         guint                timeout_ms,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  Capture *capture;

  g_return_if_fail (TD_IS_RUNNER (self));
  g_return_if_fail (argv != NULL && argv[0] != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, td_runner_capture_async);

  capture = g_new0 (Capture, 1);
  capture->out = g_string_new (NULL);
  capture->err = g_string_new (NULL);
  g_task_set_task_data (task, capture, (GDestroyNotify) capture_free);

  capture->process = td_runner_spawn (self, argv, cwd, env_overlay, timeout_ms, &error);
  if (capture->process == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_signal_connect (capture->process, "line", G_CALLBACK (on_capture_line), capture);
  td_process_wait_async (capture->process, cancellable, on_capture_done, g_steal_pointer (&task));
}

gboolean
td_runner_capture_finish (TdRunner      *self,
                          GAsyncResult  *result,
                          char         **stdout_text,
                          char         **stderr_text,
                          int           *exit_status,
                          GError       **error)
{
  Capture *capture;

  g_return_val_if_fail (TD_IS_RUNNER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  capture = g_task_get_task_data (G_TASK (result));
  if (stdout_text != NULL)
    *stdout_text = g_strdup (capture->out->str);
  if (stderr_text != NULL)
    *stderr_text = g_strdup (capture->err->str);
  if (exit_status != NULL)
    *exit_status = capture->exit_status;
  return TRUE;
}
