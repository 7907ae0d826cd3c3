/* td-kubeconfig.h: kubeconfig loading, merging and context resolution, as client-go does it.
 *
 * Which files: an explicit path alone (like --kubeconfig), else the KUBECONFIG list (':'-separated,
 * duplicates dropped, missing files skipped), else ~/.kube/config. Clusters, users and contexts are
 * merged by name, the whole entry from the first file that defines it; relative paths are made
 * absolute against the directory of the file they came from. Resolving a context reads the
 * certificate and token files and runs the user's exec plugin (its result is cached until it
 * expires). */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "td-kube-credentials.h"
#include "td-runner.h"

G_BEGIN_DECLS

#define TD_TYPE_KUBECONFIG (td_kubeconfig_get_type ())
G_DECLARE_FINAL_TYPE (TdKubeconfig, td_kubeconfig, TD, KUBECONFIG, GObject)

/* Properties: "home-dir" (default g_get_home_dir ()), "kubeconfig-env" (the KUBECONFIG-style list;
 * default: the KUBECONFIG environment variable when the object is made), "current-context"
 * (read-only, set by loading). Tests point the first two at temporary directories. */
TdKubeconfig       *td_kubeconfig_new                      (void);
void                td_kubeconfig_set_home_dir             (TdKubeconfig        *self,
                                                            const char          *home_dir);
const char         *td_kubeconfig_get_home_dir             (TdKubeconfig        *self);
void                td_kubeconfig_set_kubeconfig_env       (TdKubeconfig        *self,
                                                            const char          *kubeconfig_env);
const char         *td_kubeconfig_get_kubeconfig_env       (TdKubeconfig        *self);
/* Exec plugins then start the way @runner starts programs: on the host, inside Flatpak. NULL (the
 * default): directly. */
void                td_kubeconfig_set_runner               (TdKubeconfig        *self,
                                                            TdRunner            *runner);

/* Reads and merges the files (replacing whatever was loaded before). @explicit_path may be NULL.
 * Errors: TD_ERROR_NOT_FOUND when the explicit file is missing or no file exists at all,
 * TD_ERROR_PARSE / TD_ERROR_INVALID ("file:line:column: …") for a malformed file. */
gboolean            td_kubeconfig_load                     (TdKubeconfig        *self,
                                                            const char          *explicit_path,
                                                            GError             **error);
/* The files that were read, in precedence order (missing ones left out). */
const char * const *td_kubeconfig_get_files                (TdKubeconfig        *self);
const char         *td_kubeconfig_get_current_context      (TdKubeconfig        *self);
/* Every context name, sorted. */
char              **td_kubeconfig_dup_context_names        (TdKubeconfig        *self);
/* The merged configuration with resolved paths: {"current-context", "clusters": {name: {…}},
 * "contexts": {…}, "users": {…}} using the kubeconfig's own key names; empty fields left out. */
JsonNode           *td_kubeconfig_to_json                  (TdKubeconfig        *self);

/* Resolves @context_name (NULL: the current context) into credentials, running the user's exec
 * plugin when it has one and no cached credential is still valid. The sync variant blocks while
 * the plugin runs. Errors name the file and the missing context, cluster or user. */
TdKubeCredentials  *td_kubeconfig_resolve                  (TdKubeconfig        *self,
                                                            const char          *context_name,
                                                            GCancellable        *cancellable,
                                                            GError             **error);
void                td_kubeconfig_resolve_async            (TdKubeconfig        *self,
                                                            const char          *context_name,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
TdKubeCredentials  *td_kubeconfig_resolve_finish           (TdKubeconfig        *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);
/* Drops the cached exec credential of @user_name (call it after an HTTP 401, as client-go does). */
void                td_kubeconfig_forget_exec_credential   (TdKubeconfig        *self,
                                                            const char          *user_name);

/* TRUE when the host of @server_url is localhost or a loopback address (127.0.0.0/8, ::1): the
 * cluster is only reachable from this machine (decides whether `minikube service --url` is needed). */
gboolean            td_kubeconfig_server_is_loopback       (const char          *server_url);

G_END_DECLS
