/* td-runner.h: starts every external program Todo Deploy runs.
 *
 * Streams stdout and stderr line by line, cancels the whole process group, enforces a time limit,
 * takes a working directory and an environment overlay (for example `minikube docker-env`), and
 * inside Flatpak (when /.flatpak-info exists) runs the program on the host through
 * `flatpak-spawn --host --watch-bus --env=… --directory=…`. */
#pragma once

#include <gio/gio.h>

#include "td-process.h"

G_BEGIN_DECLS

#define TD_TYPE_RUNNER (td_runner_get_type ())
G_DECLARE_FINAL_TYPE (TdRunner, td_runner, TD, RUNNER, GObject)

TdRunner   *td_runner_new                   (void);
/* Where to look for the Flatpak marker; "/.flatpak-info" by default (tests point it elsewhere). */
void        td_runner_set_flatpak_info_path (TdRunner            *self,
                                             const char          *path);
gboolean    td_runner_get_sandboxed         (TdRunner            *self);
/* The environment children start from; NULL (the default) means ours. Tests use it to put fake
 * tools on PATH without touching the test process's own environment. */
void        td_runner_set_environ           (TdRunner            *self,
                                             const char * const  *envp);
/* Where @name would be found on the children's PATH (inside Flatpak: the sandbox's), or NULL. */
char       *td_runner_find_program          (TdRunner            *self,
                                             const char          *name);
/* The argv that would really be executed for @argv (with the flatpak-spawn prefix when
 * sandboxed). Shown in the UI so the user sees exactly what runs. */
char      **td_runner_build_argv            (TdRunner            *self,
                                             const char * const  *argv,
                                             const char          *cwd,
                                             const char * const  *env_overlay);
/* Inside Flatpak a program missing on the host is not a spawn error but flatpak-spawn failing: a
 * shell's 127, or the portal's "Failed to start command: … No such file or directory" (exit 1).
 * @stderr_text: what the run printed on stderr (NULL counts as empty). */
gboolean    td_runner_host_program_missing  (int                  exit_status,
                                             const char          *stderr_text);
/* The environment a child started with @env_overlay gets (ours or td_runner_set_environ's, plus
 * the overlay; inside Flatpak the overlay travels as --env= options instead). For callers that
 * start programs themselves, such as a terminal widget. */
char      **td_runner_build_environ         (TdRunner            *self,
                                             const char * const  *env_overlay);

/* Starts @argv. @env_overlay is NULL or a NULL-terminated list of "KEY=VALUE" added to this
 * program's environment only. @timeout_ms 0 means no limit. Lines arrive through the
 * TdProcess::line signal on the thread-default main context. */
TdProcess  *td_runner_spawn                 (TdRunner            *self,
                                             const char * const  *argv,
                                             const char          *cwd,
                                             const char * const  *env_overlay,
                                             guint                timeout_ms,
                                             GError             **error);

/* Convenience: run to completion and collect the output (for short commands: versions, status). */
void        td_runner_capture_async         (TdRunner            *self,
                                             const char * const  *argv,
                                             const char          *cwd,
                                             const char * const  *env_overlay,
                                             guint                timeout_ms,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
/* Returns FALSE only when the program could not be run to its end (missing program, timeout,
 * cancel). A non-zero exit is not an error here: read @exit_status. */
gboolean    td_runner_capture_finish        (TdRunner            *self,
                                             GAsyncResult        *result,
                                             char               **stdout_text,
                                             char               **stderr_text,
                                             int                 *exit_status,
                                             GError             **error);

G_END_DECLS
