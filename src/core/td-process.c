/* td-process.c: one running program, its two output streams, its time limit and its cancel */
#define G_LOG_DOMAIN "td-process"

#include <errno.h>
#include <signal.h>
#include <string.h>

#include "td-core-enums.h"
#include "td-error.h"
#include "td-process-private.h"

/* How long a program gets between SIGTERM and SIGKILL. */
#define KILL_GRACE_MS 2000

struct _TdProcess {
  GObject       parent_instance;

  GSubprocess  *subprocess;
  GStrv         argv;           /* as executed */
  char         *display_name;   /* for messages: "minikube start" */
  GMainContext *context;        /* where lines, timers and completions are dispatched */
  GPid          pgid;           /* the child leads its own process group */

  guint         timeout_ms;
  GSource      *timeout_source;
  GSource      *kill_source;

  guint         open_streams;   /* stdout and stderr still being read */
  gboolean      exited;         /* the child itself was reaped */
  gboolean      finished;       /* exited and both streams drained */
  gboolean      stop_requested; /* cancel or time-out sent signals */
  gboolean      timed_out;
  int           exit_status;

  GPtrArray    *waiters;        /* GTask*, completed once finished */
};

enum {
  PROP_0,
  PROP_ARGV,
  PROP_RUNNING,
  N_PROPS
};

enum {
  SIGNAL_LINE,
  SIGNAL_EXITED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TdProcess, td_process, G_TYPE_OBJECT)

typedef struct {
  TdProcess        *process;  /* strong: a running process keeps itself alive */
  TdStream          stream;
  GDataInputStream *data;
} StreamReader;

static void
stream_reader_free (StreamReader *reader)
{
  g_object_unref (reader->process);
  g_object_unref (reader->data);
  g_free (reader);
}

static void
destroy_source (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

static void
destroy_source_and_unref (gpointer source)
{
  g_source_destroy (source);
  g_source_unref (source);
}

static void
td_process_finalize (GObject *object)
{
  TdProcess *self = TD_PROCESS (object);

  destroy_source (&self->timeout_source);
  destroy_source (&self->kill_source);
  g_clear_object (&self->subprocess);
  g_clear_pointer (&self->argv, g_strfreev);
  g_clear_pointer (&self->display_name, g_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->waiters, g_ptr_array_unref);

  G_OBJECT_CLASS (td_process_parent_class)->finalize (object);
}

static void
td_process_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  TdProcess *self = TD_PROCESS (object);

  switch (prop_id)
    {
    case PROP_ARGV:
      g_value_set_boxed (value, self->argv);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, td_process_get_running (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_process_class_init (TdProcessClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = td_process_finalize;
  object_class->get_property = td_process_get_property;

  properties[PROP_ARGV] =
    g_param_spec_boxed ("argv", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_LINE] =
    g_signal_new ("line", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, TD_TYPE_STREAM, G_TYPE_STRING);
  signals[SIGNAL_EXITED] =
    g_signal_new ("exited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT);
}

static void
td_process_init (TdProcess *self)
{
  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
}

static void
complete_waiter (TdProcess *self,
                 GTask     *task)
{
  if (self->timed_out)
    {
      guint ms = self->timeout_ms;
      g_autofree char *limit = ms % 1000 == 0 ? g_strdup_printf ("%u s", ms / 1000)
                                              : g_strdup_printf ("%.1f s", ms / 1000.0);

      g_task_return_new_error (task, TD_ERROR, TD_ERROR_TIMED_OUT,
                               "“%s” did not finish within %s and was stopped",
                               self->display_name, limit);
    }
  else if (self->stop_requested)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             "“%s” was stopped", self->display_name);
  else
    g_task_return_int (task, self->exit_status);
}

static void
maybe_finish (TdProcess *self)
{
  g_autoptr(GPtrArray) waiters = NULL;

  if (self->finished || !self->exited || self->open_streams > 0)
    return;

  self->finished = TRUE;
  destroy_source (&self->timeout_source);
  /* A pending kill timer stays: it still reaches grandchildren that closed their output. */

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_signal_emit (self, signals[SIGNAL_EXITED], 0, self->exit_status);

  waiters = g_steal_pointer (&self->waiters);
  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < waiters->len; i++)
    complete_waiter (self, waiters->pdata[i]);
}

static void read_next_line (StreamReader *reader);

static void
on_line_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  StreamReader *reader = user_data;
  TdProcess *self = reader->process;
  g_autoptr(GError) error = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *line = NULL;
  gsize length = 0;

  raw = g_data_input_stream_read_line_finish (reader->data, result, &length, &error);
  if (raw == NULL)
    {
      /* EOF (or a broken pipe, which means the same here): this stream is drained. */
      if (error != NULL)
        g_debug ("Reading output of %s: %s", self->display_name, error->message);
      self->open_streams--;
      g_object_ref (self);
      stream_reader_free (reader);
      maybe_finish (self);
      g_object_unref (self);
      return;
    }

  if (length > 0 && raw[length - 1] == '\r')
    raw[--length] = '\0';
  /* Programs print whatever bytes they like; the log view needs valid UTF-8. */
  line = g_utf8_make_valid (raw, length);
  g_signal_emit (self, signals[SIGNAL_LINE], 0, reader->stream, line);

  read_next_line (reader);
}

static void
read_next_line (StreamReader *reader)
{
  g_data_input_stream_read_line_async (reader->data, G_PRIORITY_DEFAULT, NULL,
                                       on_line_read, reader);
}

static void
start_reading (TdProcess    *self,
               GInputStream *stream,
               TdStream      which)
{
  StreamReader *reader = g_new0 (StreamReader, 1);

  reader->process = g_object_ref (self);
  reader->stream = which;
  reader->data = g_data_input_stream_new (stream);
  self->open_streams++;
  read_next_line (reader);
}

static void
on_subprocess_exited (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(TdProcess) self = user_data;
  GSubprocess *subprocess = G_SUBPROCESS (source);

  /* Cannot fail: we pass no cancellable. */
  g_subprocess_wait_finish (subprocess, result, NULL);

  if (g_subprocess_get_if_exited (subprocess))
    self->exit_status = g_subprocess_get_exit_status (subprocess);
  else if (g_subprocess_get_if_signaled (subprocess))
    self->exit_status = 128 + g_subprocess_get_term_sig (subprocess);  /* as shells report it */
  else
    self->exit_status = -1;

  self->exited = TRUE;
  maybe_finish (self);
}

static GSource *
attach_timeout (TdProcess   *self,
                guint        ms,
                GSourceFunc  func)
{
  GSource *source = g_timeout_source_new (ms);

  g_source_set_callback (source, func, g_object_ref (self), g_object_unref);
  g_source_attach (source, self->context);
  return source;
}

static void
signal_group (TdProcess *self,
              int        sig)
{
  if (self->pgid <= 0)
    return;
  if (kill (-self->pgid, sig) != 0 && errno != ESRCH)
    g_warning ("Could not signal process group %d: %s", (int) self->pgid, g_strerror (errno));
}

static gboolean
on_kill_grace_over (gpointer user_data)
{
  TdProcess *self = user_data;

  signal_group (self, SIGKILL);
  g_clear_pointer (&self->kill_source, g_source_unref);
  return G_SOURCE_REMOVE;
}

static gboolean
on_timeout (gpointer user_data)
{
  TdProcess *self = user_data;

  g_clear_pointer (&self->timeout_source, g_source_unref);
  if (!self->stop_requested)
    self->timed_out = TRUE;
  td_process_cancel (self);
  return G_SOURCE_REMOVE;
}

static void
child_setup (gpointer user_data)
{
  /* Its own process group, so a cancel reaches everything it started. */
  setpgid (0, 0);
}

TdProcess *
td_process_start (GSubprocessLauncher *launcher,
                  const char * const  *exec_argv,
                  const char          *display_name,
                  guint                timeout_ms,
                  GError             **error)
{
  g_autoptr(TdProcess) self = NULL;
  const char *identifier;

  g_return_val_if_fail (G_IS_SUBPROCESS_LAUNCHER (launcher), NULL);
  g_return_val_if_fail (exec_argv != NULL && exec_argv[0] != NULL, NULL);

  self = g_object_new (TD_TYPE_PROCESS, NULL);
  self->argv = g_strdupv ((char **) exec_argv);
  self->display_name = g_strdup (display_name);
  self->context = g_main_context_ref_thread_default ();
  self->timeout_ms = timeout_ms;

  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  self->subprocess = g_subprocess_launcher_spawnv (launcher, exec_argv, error);
  if (self->subprocess == NULL)
    return NULL;

  identifier = g_subprocess_get_identifier (self->subprocess);
  self->pgid = identifier != NULL ? (GPid) g_ascii_strtoll (identifier, NULL, 10) : 0;

  start_reading (self, g_subprocess_get_stdout_pipe (self->subprocess), TD_STREAM_STDOUT);
  start_reading (self, g_subprocess_get_stderr_pipe (self->subprocess), TD_STREAM_STDERR);
  g_subprocess_wait_async (self->subprocess, NULL, on_subprocess_exited, g_object_ref (self));

  if (timeout_ms > 0)
    self->timeout_source = attach_timeout (self, timeout_ms, on_timeout);

  return g_steal_pointer (&self);
}

const char * const *
td_process_get_argv (TdProcess *self)
{
  g_return_val_if_fail (TD_IS_PROCESS (self), NULL);

  return (const char * const *) self->argv;
}

gboolean
td_process_get_running (TdProcess *self)
{
  g_return_val_if_fail (TD_IS_PROCESS (self), FALSE);

  return !self->finished;
}

void
td_process_cancel (TdProcess *self)
{
  g_return_if_fail (TD_IS_PROCESS (self));

  if (self->finished || self->stop_requested)
    return;

  self->stop_requested = TRUE;
  destroy_source (&self->timeout_source);
  signal_group (self, SIGTERM);
  self->kill_source = attach_timeout (self, KILL_GRACE_MS, on_kill_grace_over);
}

static gboolean
on_wait_cancelled (GCancellable *cancellable,
                   gpointer      user_data)
{
  td_process_cancel (TD_PROCESS (user_data));
  return G_SOURCE_REMOVE;
}

void
td_process_wait_async (TdProcess           *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TD_IS_PROCESS (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, td_process_wait_async);

  if (self->finished)
    {
      complete_waiter (self, task);
      return;
    }

  if (cancellable != NULL)
    {
      /* Dispatched on our context whatever thread cancels; lives as long as the task. */
      GSource *source = g_cancellable_source_new (cancellable);

      g_source_set_callback (source, G_SOURCE_FUNC (on_wait_cancelled),
                             g_object_ref (self), g_object_unref);
      g_source_attach (source, self->context);
      g_task_set_task_data (task, source, destroy_source_and_unref);
    }

  g_ptr_array_add (self->waiters, g_steal_pointer (&task));
}

gboolean
td_process_wait_finish (TdProcess     *self,
                        GAsyncResult  *result,
                        int           *exit_status,
                        GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  gssize status;

  g_return_val_if_fail (TD_IS_PROCESS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  status = g_task_propagate_int (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (exit_status != NULL)
    *exit_status = (int) status;
  return TRUE;
}
