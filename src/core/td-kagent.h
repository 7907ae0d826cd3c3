/* td-kagent.h: asking kagent's k8s-agent a task's prompt over its CLI (T028, T030).
 *
 * `kagent invoke -a k8s-agent -t PROMPT`, stdin /dev/null. kagent answers in one line of A2A JSON
 * and always exits 0, so success is read from the JSON (status.state, the text parts of the last
 * artifact). Callers fall back to the wizard's own analysis on any error but cancellation, and
 * show the error's message as the reason. */
#pragma once

#include <gio/gio.h>

#include "td-deployment.h"
#include "td-preflight.h"

G_BEGIN_DECLS

/* The answer in kagent's one line of A2A JSON: the text parts of artifacts[-1], joined. Fails
 * (TD_ERROR_FAILED) on empty output, on a state other than "completed" (quoting status.message),
 * on an answer without text; TD_ERROR_PARSE on output that is not JSON. */
char     *td_kagent_parse_answer   (const char          *stdout_text,
                                    GError             **error);

/* TRUE when @preflight (may be NULL) found a working kagent. */
gboolean  td_kagent_is_installed   (TdPreflight         *preflight);

/* Asks k8s-agent @agent_task's prompt, announced under the task's id. Finishes with the answer,
 * or an error saying why there is none (G_IO_ERROR_CANCELLED when cancelled). */
void      td_kagent_ask_async      (TdDeployment        *deployment,
                                    TdTask              *agent_task,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
char     *td_kagent_ask_finish     (GAsyncResult        *result,
                                    GError             **error);

G_END_DECLS
