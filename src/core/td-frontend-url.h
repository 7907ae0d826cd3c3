/* td-frontend-url.h: where the deployed frontend answers, and whether it does (reference/k8s.md §5).
 *
 * A cluster reached at a routable address serves a NodePort Service at the node's InternalIP and
 * the Service's nodePort. A cluster whose API server is on 127.0.0.1 (minikube's Docker driver on
 * macOS, Windows, rootless) cannot be reached that way: `minikube service NAME --url` opens a tunnel
 * that lives only while that program runs, so the deployment owns the process until it goes away or
 * td_frontend_url_stop_tunnel() is called. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "td-deployment.h"

G_BEGIN_DECLS

typedef enum {
  TD_FRONTEND_ROUTE_AUTO,              /* minikube service when the API server is loopback, else node port */
  TD_FRONTEND_ROUTE_NODE_PORT,         /* http://<node InternalIP>:<nodePort> from the API */
  TD_FRONTEND_ROUTE_MINIKUBE_SERVICE,  /* the first URL `minikube service NAME --url` prints */
} TdFrontendRoute;

/* "http://IP:PORT" from a Service and a Node object; @preferred_node_port (0: any) picks among
 * several ports. Fails (TD_ERROR_FAILED) on a Service without a nodePort or a Node without an
 * InternalIP, saying why. */
char    *td_frontend_url_from_objects     (JsonObject     *service,
                                           JsonObject     *node,
                                           gint64          preferred_node_port,
                                           GError        **error);

/* Finds the URL of @service (in the plan's namespace) by @route. A Service that is not there
 * fails with TD_KUBE_ERROR_NOT_FOUND. */
void     td_frontend_url_find_async       (TdDeployment        *deployment,
                                           const char          *service,
                                           gint64               preferred_node_port,
                                           TdFrontendRoute      route,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
char    *td_frontend_url_find_finish      (GAsyncResult        *result,
                                           GError             **error);

/* GETs @url every second until it answers @expect_status, for at most @timeout_seconds. Fails
 * (TD_ERROR_TIMED_OUT) with the last status or connection error in the message. */
void     td_frontend_url_probe_async      (const char          *url,
                                           guint                expect_status,
                                           guint                timeout_seconds,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean td_frontend_url_probe_finish     (GAsyncResult        *result,
                                           GError             **error);

/* The URL the last find or url-responds check found for @deployment, or NULL. */
const char *td_frontend_url_get_last      (TdDeployment        *deployment);
/* The `minikube service` process that keeps the tunnel open, or NULL when the URL needs none.
 * Its "running" property says whether the tunnel is still alive. */
TdProcess *td_frontend_url_get_tunnel     (TdDeployment        *deployment);
/* Ends the `minikube service` process @deployment owns, if any. */
void     td_frontend_url_stop_tunnel      (TdDeployment        *deployment);

G_END_DECLS
