/* td-kube-client.h: a Kubernetes API client on one SoupSession (JSON requests, watch streams,
 * secrets). It takes already-resolved connection parameters; td-kubeconfig resolves them. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "td-kube-credentials.h"

G_BEGIN_DECLS

#define TD_KUBE_ERROR (td_kube_error_quark ())

/* HTTP failures carry the server's Status reason and message: "AlreadyExists: secrets "x" already
 * exists". Connection and certificate failures carry a message a newcomer can act on. */
typedef enum {
  TD_KUBE_ERROR_FAILED,            /* anything without a better code */
  TD_KUBE_ERROR_CONNECTION,        /* the server could not be reached */
  TD_KUBE_ERROR_TLS,               /* the server's certificate was refused, or the handshake failed */
  TD_KUBE_ERROR_BAD_RESPONSE,      /* the server's answer was not the JSON we asked for */
  TD_KUBE_ERROR_BAD_REQUEST,       /* 400 */
  TD_KUBE_ERROR_UNAUTHORIZED,      /* 401: the credentials were not accepted */
  TD_KUBE_ERROR_FORBIDDEN,         /* 403 */
  TD_KUBE_ERROR_NOT_FOUND,         /* 404 */
  TD_KUBE_ERROR_CONFLICT,          /* 409: AlreadyExists, or Conflict on a stale update */
  TD_KUBE_ERROR_GONE,              /* 410 Expired/Gone: the resourceVersion is too old, relist */
  TD_KUBE_ERROR_INVALID,           /* 422 */
  TD_KUBE_ERROR_TOO_MANY_REQUESTS, /* 429: back off */
  TD_KUBE_ERROR_SERVER,            /* 5xx */
} TdKubeError;

GQuark td_kube_error_quark (void);

/* A Status object (a non-2xx body, or the object of a watch ERROR event) as a GError in TD_KUBE_ERROR.
 * @http_status is used when the Status has no "code"; @status may be NULL (then only the HTTP
 * status is described). */
GError *td_kube_error_new_from_status (JsonNode *status,
                                       guint     http_status);

/* How to reach one cluster, already resolved from a kubeconfig: PEM text, not paths or base64. */
typedef struct {
  char     *server;                   /* https://HOST:PORT */
  char     *certificate_authority_pem; /* NULL: system trust; else the ONLY trust anchor */
  char     *client_certificate_pem;   /* with client_key_pem, or NULL */
  char     *client_key_pem;
  char     *token;                    /* sent as "Authorization: Bearer …", or NULL */
  char     *tls_server_name;          /* name to verify instead of the server's host, or NULL */
  gboolean  insecure_skip_tls_verify; /* accept any server certificate */
} TdKubeConnection;

#define TD_TYPE_KUBE_CONNECTION (td_kube_connection_get_type ())
GType             td_kube_connection_get_type (void) G_GNUC_CONST;
TdKubeConnection *td_kube_connection_new      (const char             *server);
TdKubeConnection *td_kube_connection_copy     (const TdKubeConnection *connection);
void              td_kube_connection_free     (TdKubeConnection       *connection);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdKubeConnection, td_kube_connection_free)

#define TD_TYPE_KUBE_CLIENT (td_kube_client_get_type ())
G_DECLARE_FINAL_TYPE (TdKubeClient, td_kube_client, TD, KUBE_CLIENT, GObject)

/* Fails (TD_ERROR_INVALID) on a server that is not an http(s) URL, a certificate or key that does
 * not parse, a client certificate without its key, or a CA together with insecure-skip-tls-verify. */
TdKubeClient *td_kube_client_new                       (const TdKubeConnection *connection,
                                                        GError                **error);
/* A client for what a kubeconfig context resolved to (server, CA, client certificate, token). */
TdKubeClient *td_kube_client_new_for_credentials       (TdKubeCredentials      *credentials,
                                                        GError                **error);
const char   *td_kube_client_get_server                (TdKubeClient *self);
/* TRUE when the server's certificate is not checked at all: the UI should warn. */
gboolean      td_kube_client_get_insecure_skip_tls_verify (TdKubeClient *self);
/* The name the server's certificate is checked against. SNI still carries the URL's host:
 * libsoup 3.2 has no way to change it. */
const char   *td_kube_client_get_tls_server_name       (TdKubeClient *self);

/* A JSON request. @path is absolute and may carry a query ("/api/v1/namespaces/default/pods?limit=500").
 * @body may be NULL. Finish with td_kube_client_request_finish(): the parsed response body (a JSON
 * null node for an empty body), or an error. Request and response bodies are never logged. */
void      td_kube_client_request_async  (TdKubeClient        *self,
                                         const char          *method,
                                         const char          *path,
                                         JsonNode            *body,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
JsonNode *td_kube_client_request_finish (TdKubeClient        *self,
                                         GAsyncResult        *result,
                                         GError             **error);

/* Shorthands for td_kube_client_request_async(); finish them with td_kube_client_request_finish(). */
void td_kube_client_get_async    (TdKubeClient *self, const char *path,
                                  GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void td_kube_client_post_async   (TdKubeClient *self, const char *path, JsonNode *body,
                                  GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void td_kube_client_put_async    (TdKubeClient *self, const char *path, JsonNode *body,
                                  GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void td_kube_client_delete_async (TdKubeClient *self, const char *path,
                                  GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);

/* A GET whose body is read incrementally (watches). On a 2xx answer returns the body stream and
 * sets @out_status; a non-2xx answer is read in full and returned as an error like the JSON helpers. */
void          td_kube_client_open_stream_async  (TdKubeClient        *self,
                                                 const char          *path,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
GInputStream *td_kube_client_open_stream_finish (TdKubeClient        *self,
                                                 GAsyncResult        *result,
                                                 guint               *out_status,
                                                 GError             **error);

/* Creates the Opaque Secret @name in @namespace with @data (key → plain value, base64-encoded here),
 * or replaces it with a PUT of the whole object when it already exists. Finish returns the stored
 * Secret; @out_created tells whether it was new. Values are never logged. */
void      td_kube_client_apply_secret_async  (TdKubeClient        *self,
                                              const char          *namespace_,
                                              const char          *name,
                                              GHashTable          *data,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
JsonNode *td_kube_client_apply_secret_finish (TdKubeClient        *self,
                                              GAsyncResult        *result,
                                              gboolean            *out_created,
                                              GError             **error);

G_END_DECLS
