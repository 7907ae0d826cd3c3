/* td-process.h: one running program started by TdRunner */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  TD_STREAM_STDOUT,
  TD_STREAM_STDERR,
} TdStream;

#define TD_TYPE_PROCESS (td_process_get_type ())
G_DECLARE_FINAL_TYPE (TdProcess, td_process, TD, PROCESS, GObject)

/* Signals:
 *   line (TdStream stream, const char *text): one complete line, without its newline. A final
 *     line without a newline is delivered when the stream ends.
 *   exited (int exit_status): after both streams are drained. */

const char * const *td_process_get_argv        (TdProcess           *self);  /* as executed */
gboolean            td_process_get_running     (TdProcess           *self);
/* Sends SIGTERM to the whole process group, then SIGKILL after a grace period. */
void                td_process_cancel          (TdProcess           *self);

/* Completes when the program has exited and all its output has been delivered. Cancelling
 * @cancellable cancels the process (as td_process_cancel) and completes with
 * G_IO_ERROR_CANCELLED. A time-out completes with TD_ERROR_TIMED_OUT. */
void                td_process_wait_async      (TdProcess           *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean            td_process_wait_finish     (TdProcess           *self,
                                                GAsyncResult        *result,
                                                int                 *exit_status,
                                                GError             **error);

G_END_DECLS
