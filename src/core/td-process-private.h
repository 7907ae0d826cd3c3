/* td-process-private.h: how TdRunner creates a TdProcess (not for other callers) */
#pragma once

#include "td-process.h"

G_BEGIN_DECLS

/* Starts @exec_argv through @launcher. @display_name names the program in messages
 * ("minikube start"); @timeout_ms 0 means no limit. */
TdProcess *td_process_start (GSubprocessLauncher *launcher,
                             const char * const  *exec_argv,
                             const char          *display_name,
                             guint                timeout_ms,
                             GError             **error);

G_END_DECLS
