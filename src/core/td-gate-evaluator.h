/* td-gate-evaluator.h: checks a phase's gate against the project and the cluster, changing nothing */
#pragma once

#include <gio/gio.h>

#include "td-check-result.h"
#include "td-deployment.h"

G_BEGIN_DECLS

/* Runs every check of @gate in order. */
void           td_gate_evaluate_async  (TdDeployment        *deployment,
                                        TdGate              *gate,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
/* The TdCheckResult of each check, in order; @out_passed is TRUE when every one passed (OK or
 * WARNING). NULL only on cancel. */
GPtrArray     *td_gate_evaluate_finish (GAsyncResult        *result,
                                        gboolean            *out_passed,
                                        GError             **error);

/* One check (a mapping with a `check:` kind), for callers that show progress per check. */
void           td_gate_check_async     (TdDeployment        *deployment,
                                        const TdYamlNode    *check,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
TdCheckResult *td_gate_check_finish    (GAsyncResult        *result,
                                        GError             **error);

/* Reads what the docker checks need when @deployment does not know it yet (Minikube's
 * docker-env, as the Cluster phase reads it; reading changes nothing). Never fails: without it
 * the docker checks say so themselves. For re-checking after a restart (resume, --verify). */
void           td_gate_prepare_async   (TdDeployment        *deployment,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
void           td_gate_prepare_finish  (GAsyncResult        *result);

/* Caps the checks that wait (pods-ready, url-responds) at @seconds for @deployment, for callers
 * that re-check rather than wait (resume, --verify); 0 removes the cap. */
void           td_gate_set_wait_limit  (TdDeployment        *deployment,
                                        guint                seconds);

G_END_DECLS
