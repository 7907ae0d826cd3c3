/* kd-server.h: the Kubernetes API test double: a SoupServer over mutual TLS that serves a
 * scripted cluster (see scenarios/README.md) well enough for the real kubectl */
#pragma once

#include <json-glib/json-glib.h>

#include "kd-scenario.h"

G_BEGIN_DECLS

typedef struct _KdServer KdServer;

/* Generates certificates in @dir (NULL: a new temporary directory, removed by kd_server_free()),
 * listens on 127.0.0.1 on a free port over HTTPS with client certificates required, and writes
 * @dir/kubeconfig. Takes @scenario. Serves from the thread-default main context. */
KdServer   *kd_server_new                   (KdScenario  *scenario,
                                             const char  *dir,
                                             GError     **error);
void        kd_server_free                  (KdServer    *server);
const char *kd_server_get_url               (KdServer    *server);
const char *kd_server_get_dir               (KdServer    *server);
const char *kd_server_get_kubeconfig_path   (KdServer    *server);
/* The contents of a file in the double's directory ("ca.pem", "client.key", "other-ca.pem", …). */
char       *kd_server_read_file             (KdServer    *server,
                                             const char  *name);
/* Starts the scenario's timeline now, if no pod watch has started it yet. */
void        kd_server_start_clock           (KdServer    *server);
/* The Authorization header of the last request, or NULL. */
const char *kd_server_get_last_authorization (KdServer   *server);
/* "METHOD /path?query" for every request so far, oldest first. */
GPtrArray  *kd_server_get_request_log       (KdServer    *server);
/* The stored Secret, or NULL. */
JsonObject *kd_server_get_secret            (KdServer    *server,
                                             const char  *namespace_,
                                             const char  *name);
/* Rolls out the Todo Chatbot's pods whenever the fake helm's `upgrade --install` writes a rollout
 * file into @dir (FAKE_KUBE_ROLLOUT_DIR; see kd-rollout.c and fake-tools/README.md). */
gboolean    kd_server_watch_rollouts        (KdServer    *server,
                                             const char  *dir,
                                             GError     **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KdServer, kd_server_free)

G_END_DECLS
