/* td-helm-lock.h: a Helm release stuck in pending-install/-upgrade/-rollback blocks every later
 * `helm upgrade --install` ("another operation … is in progress"). This finds such a lock with
 * `helm status NAME -o json` and clears it with the command td-helm names (rollback or uninstall). */
#pragma once

#include <gio/gio.h>

#include "td-deployment.h"
#include "td-helm.h"

G_BEGIN_DECLS

/* Looks at @release. */
void           td_helm_lock_check_async  (TdDeployment        *deployment,
                                          const char          *release,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
/* The release when a lock blocks it (explanation and fix_argv set); NULL without an error when
 * nothing blocks it (deployed, failed, or not installed yet); NULL with an error when helm could
 * not tell. */
TdHelmRelease *td_helm_lock_check_finish (TdDeployment        *deployment,
                                          GAsyncResult        *result,
                                          GError             **error);
/* Runs @locked's fix_argv (announced like every program, so the log view shows it). */
void           td_helm_lock_clear_async  (TdDeployment        *deployment,
                                          const TdHelmRelease *locked,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean       td_helm_lock_clear_finish (TdDeployment        *deployment,
                                          GAsyncResult        *result,
                                          GError             **error);

G_END_DECLS
