/* td-kube-client.c: JSON over one SoupSession, with kubeconfig-style TLS (own CA, client
 * certificates, bearer token) and Status bodies turned into errors a newcomer can read. */
#define G_LOG_DOMAIN "td-kube-client"

#include <libsoup/soup.h>
#include <string.h>

#include "td-error.h"
#include "td-kube-client.h"

G_DEFINE_QUARK (td-kube-error-quark, td_kube_error)

/* ---- TdKubeConnection ---- */

G_DEFINE_BOXED_TYPE (TdKubeConnection, td_kube_connection, td_kube_connection_copy, td_kube_connection_free)

TdKubeConnection *
td_kube_connection_new (const char *server)
{
  TdKubeConnection *connection = g_new0 (TdKubeConnection, 1);

  connection->server = g_strdup (server);
  return connection;
}

TdKubeConnection *
td_kube_connection_copy (const TdKubeConnection *connection)
{
  TdKubeConnection *copy = td_kube_connection_new (connection->server);

  copy->certificate_authority_pem = g_strdup (connection->certificate_authority_pem);
  copy->client_certificate_pem = g_strdup (connection->client_certificate_pem);
  copy->client_key_pem = g_strdup (connection->client_key_pem);
  copy->token = g_strdup (connection->token);
  copy->tls_server_name = g_strdup (connection->tls_server_name);
  copy->insecure_skip_tls_verify = connection->insecure_skip_tls_verify;
  return copy;
}

void
td_kube_connection_free (TdKubeConnection *connection)
{
  if (connection == NULL)
    return;
  g_free (connection->server);
  g_free (connection->certificate_authority_pem);
  g_free (connection->client_certificate_pem);
  g_free (connection->client_key_pem);
  g_free (connection->token);
  g_free (connection->tls_server_name);
  g_free (connection);
}

/* ---- Status → GError ---- */

static TdKubeError
code_for_http_status (guint status)
{
  switch (status)
    {
    case 400: return TD_KUBE_ERROR_BAD_REQUEST;
    case 401: return TD_KUBE_ERROR_UNAUTHORIZED;
    case 403: return TD_KUBE_ERROR_FORBIDDEN;
    case 404: return TD_KUBE_ERROR_NOT_FOUND;
    case 409: return TD_KUBE_ERROR_CONFLICT;
    case 410: return TD_KUBE_ERROR_GONE;
    case 422: return TD_KUBE_ERROR_INVALID;
    case 429: return TD_KUBE_ERROR_TOO_MANY_REQUESTS;
    default:  return status >= 500 && status < 600 ? TD_KUBE_ERROR_SERVER : TD_KUBE_ERROR_FAILED;
    }
}

GError *
td_kube_error_new_from_status (JsonNode *status,
                               guint     http_status)
{
  JsonObject *object = NULL;
  const char *reason = NULL;
  const char *message = NULL;
  guint code = http_status;

  if (status != NULL && JSON_NODE_HOLDS_OBJECT (status))
    object = json_node_get_object (status);
  if (object != NULL && g_strcmp0 (json_object_get_string_member_with_default (object, "kind", ""), "Status") == 0)
    {
      reason = json_object_get_string_member_with_default (object, "reason", NULL);
      message = json_object_get_string_member_with_default (object, "message", NULL);
      code = (guint) json_object_get_int_member_with_default (object, "code", http_status);
    }

  if (message != NULL && *message != '\0')
    {
      if (reason != NULL && *reason != '\0')
        return g_error_new (TD_KUBE_ERROR, code_for_http_status (code), "%s: %s", reason, message);
      return g_error_new (TD_KUBE_ERROR, code_for_http_status (code), "%s", message);
    }

  return g_error_new (TD_KUBE_ERROR, code_for_http_status (code),
                      "The cluster answered “%u %s”%s%s", code,
                      soup_status_get_phrase (code) != NULL ? soup_status_get_phrase (code) : "",
                      reason != NULL ? " with reason " : "", reason != NULL ? reason : "");
}

/* ---- TdKubeClient ---- */

struct _TdKubeClient
{
  GObject parent_instance;

  TdKubeConnection *connection;
  GUri *server_uri;
  char *base_url;                 /* server without a trailing '/' */
  GTlsCertificate *ca;            /* NULL: system trust */
  GTlsCertificate *client_certificate;
  SoupSession *session;
};

G_DEFINE_FINAL_TYPE (TdKubeClient, td_kube_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SERVER,
  PROP_INSECURE_SKIP_TLS_VERIFY,
  PROP_TLS_SERVER_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The certificate errors seen for a message, kept to explain a refused handshake. */
#define TLS_ERRORS_KEY "td-kube-tls-errors"
#define TLS_ERRORS_SEEN (1u << 31)

static void
td_kube_client_finalize (GObject *object)
{
  TdKubeClient *self = TD_KUBE_CLIENT (object);

  g_clear_object (&self->session);
  g_clear_object (&self->ca);
  g_clear_object (&self->client_certificate);
  g_clear_pointer (&self->server_uri, g_uri_unref);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->connection, td_kube_connection_free);

  G_OBJECT_CLASS (td_kube_client_parent_class)->finalize (object);
}

static void
td_kube_client_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TdKubeClient *self = TD_KUBE_CLIENT (object);

  switch (prop_id)
    {
    case PROP_SERVER:
      g_value_set_string (value, td_kube_client_get_server (self));
      break;
    case PROP_INSECURE_SKIP_TLS_VERIFY:
      g_value_set_boolean (value, td_kube_client_get_insecure_skip_tls_verify (self));
      break;
    case PROP_TLS_SERVER_NAME:
      g_value_set_string (value, td_kube_client_get_tls_server_name (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_kube_client_class_init (TdKubeClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = td_kube_client_finalize;
  object_class->get_property = td_kube_client_get_property;

  properties[PROP_SERVER] =
    g_param_spec_string ("server", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_INSECURE_SKIP_TLS_VERIFY] =
    g_param_spec_boolean ("insecure-skip-tls-verify", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TLS_SERVER_NAME] =
    g_param_spec_string ("tls-server-name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
td_kube_client_init (TdKubeClient *self)
{
}

static gboolean
configure (TdKubeClient           *self,
           const TdKubeConnection *connection,
           GError                **error)
{
  g_autoptr(GError) local_error = NULL;
  const char *scheme;

  if (connection->server == NULL || *connection->server == '\0')
    return g_set_error (error, TD_ERROR, TD_ERROR_INVALID,
                        "The cluster has no server address"), FALSE;

  self->server_uri = g_uri_parse (connection->server, G_URI_FLAGS_NONE, &local_error);
  scheme = self->server_uri != NULL ? g_uri_get_scheme (self->server_uri) : NULL;
  if (self->server_uri == NULL || g_uri_get_host (self->server_uri) == NULL ||
      (g_ascii_strcasecmp (scheme, "https") != 0 && g_ascii_strcasecmp (scheme, "http") != 0))
    return g_set_error (error, TD_ERROR, TD_ERROR_INVALID,
                        "The cluster's server address “%s” is not an https:// URL", connection->server), FALSE;

  self->base_url = g_strdup (connection->server);
  while (g_str_has_suffix (self->base_url, "/"))
    self->base_url[strlen (self->base_url) - 1] = '\0';

  if (connection->certificate_authority_pem != NULL && connection->insecure_skip_tls_verify)
    return g_set_error (error, TD_ERROR, TD_ERROR_INVALID,
                        "The cluster has both a certificate authority and insecure-skip-tls-verify; "
                        "remove one of them from the kubeconfig"), FALSE;

  if (connection->certificate_authority_pem != NULL)
    {
      self->ca = g_tls_certificate_new_from_pem (connection->certificate_authority_pem, -1, &local_error);
      if (self->ca == NULL)
        return g_set_error (error, TD_ERROR, TD_ERROR_INVALID,
                            "The cluster's certificate authority could not be read: %s",
                            local_error->message), FALSE;
    }

  if ((connection->client_certificate_pem != NULL) != (connection->client_key_pem != NULL))
    return g_set_error (error, TD_ERROR, TD_ERROR_INVALID,
                        "The user has a client certificate without its key (or a key without its "
                        "certificate); the kubeconfig needs both"), FALSE;

  if (connection->client_certificate_pem != NULL)
    {
      g_autofree char *pair = g_strconcat (connection->client_certificate_pem, "\n",
                                           connection->client_key_pem, NULL);

      self->client_certificate = g_tls_certificate_new_from_pem (pair, -1, &local_error);
      if (self->client_certificate == NULL)
        return g_set_error (error, TD_ERROR, TD_ERROR_INVALID,
                            "The user's client certificate or key could not be read: %s",
                            local_error->message), FALSE;
    }

  self->connection = td_kube_connection_copy (connection);
  return TRUE;
}

TdKubeClient *
td_kube_client_new (const TdKubeConnection *connection,
                    GError                **error)
{
  g_autoptr(TdKubeClient) self = g_object_new (TD_TYPE_KUBE_CLIENT, NULL);

  g_return_val_if_fail (connection != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!configure (self, connection, error))
    return NULL;

  /* No I/O timeout: a watch may rightly stay silent for minutes. Callers cancel instead. */
  self->session = soup_session_new_with_options ("timeout", 0,
                                                 "user-agent", "todo-deploy/" PACKAGE_VERSION,
                                                 NULL);
  /* With our own CA, nothing else is trusted: no database makes every handshake ask
   * accept-certificate, where the peer is verified against that CA alone. */
  if (self->ca != NULL)
    soup_session_set_tls_database (self->session, NULL);

  return g_steal_pointer (&self);
}

const char *
td_kube_client_get_server (TdKubeClient *self)
{
  g_return_val_if_fail (TD_IS_KUBE_CLIENT (self), NULL);
  return self->connection->server;
}

gboolean
td_kube_client_get_insecure_skip_tls_verify (TdKubeClient *self)
{
  g_return_val_if_fail (TD_IS_KUBE_CLIENT (self), FALSE);
  return self->connection->insecure_skip_tls_verify;
}

const char *
td_kube_client_get_tls_server_name (TdKubeClient *self)
{
  g_return_val_if_fail (TD_IS_KUBE_CLIENT (self), NULL);
  if (self->connection->tls_server_name != NULL && *self->connection->tls_server_name != '\0')
    return self->connection->tls_server_name;
  return g_uri_get_host (self->server_uri);
}

/* ---- TLS ---- */

static GTlsCertificateFlags
verify_peer (TdKubeClient         *self,
             GTlsCertificate      *peer,
             GTlsCertificateFlags  handshake_errors)
{
  g_autoptr(GSocketConnectable) identity = NULL;
  int port = g_uri_get_port (self->server_uri);

  identity = g_network_address_new (td_kube_client_get_tls_server_name (self), port > 0 ? port : 443);
  if (self->ca != NULL)
    return g_tls_certificate_verify (peer, identity, self->ca);

  /* System trust: the handshake already checked everything; only a different name to verify
   * against (tls-server-name) can turn its answer around. */
  if (handshake_errors == G_TLS_CERTIFICATE_BAD_IDENTITY && self->connection->tls_server_name != NULL)
    {
      g_autoptr(GTlsDatabase) database = g_tls_backend_get_default_database (g_tls_backend_get_default ());

      if (database != NULL)
        return g_tls_database_verify_chain (database, peer, G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER,
                                            identity, NULL, G_TLS_DATABASE_VERIFY_NONE, NULL, NULL);
    }
  return handshake_errors;
}

static gboolean
on_accept_certificate (SoupMessage          *message,
                       GTlsCertificate      *peer,
                       GTlsCertificateFlags  handshake_errors,
                       TdKubeClient         *self)
{
  GTlsCertificateFlags errors;

  if (self->connection->insecure_skip_tls_verify)
    return TRUE;

  errors = verify_peer (self, peer, handshake_errors);
  g_object_set_data (G_OBJECT (message), TLS_ERRORS_KEY, GUINT_TO_POINTER (errors | TLS_ERRORS_SEEN));
  return errors == 0;
}

static GError *
certificate_error (TdKubeClient         *self,
                   GTlsCertificateFlags  errors)
{
  const char *authority = self->ca != NULL ? "the certificate authority in your kubeconfig"
                                           : "any certificate authority this computer trusts";

  if (errors & (G_TLS_CERTIFICATE_UNKNOWN_CA | G_TLS_CERTIFICATE_INSECURE))
    return g_error_new (TD_KUBE_ERROR, TD_KUBE_ERROR_TLS,
                        "The cluster's certificate is not signed by %s. The cluster may have been "
                        "recreated since the kubeconfig was written: run “minikube update-context”, "
                        "or check the cluster's certificate-authority in the kubeconfig.", authority);
  if (errors & G_TLS_CERTIFICATE_BAD_IDENTITY)
    return g_error_new (TD_KUBE_ERROR, TD_KUBE_ERROR_TLS,
                        "The cluster's certificate is not valid for “%s”. The server address in the "
                        "kubeconfig may be out of date: run “minikube update-context”.",
                        td_kube_client_get_tls_server_name (self));
  if (errors & (G_TLS_CERTIFICATE_EXPIRED | G_TLS_CERTIFICATE_NOT_ACTIVATED))
    return g_error_new (TD_KUBE_ERROR, TD_KUBE_ERROR_TLS,
                        "The cluster's certificate has expired or is not valid yet. Check this "
                        "computer's clock; if it is right, restart the cluster (“minikube start”).");
  return g_error_new (TD_KUBE_ERROR, TD_KUBE_ERROR_TLS,
                      "The cluster's certificate was refused (%s).", authority);
}

/* A failure before any HTTP status: explain it in terms of the cluster. */
static GError *
transport_error (TdKubeClient *self,
                 SoupMessage  *message,
                 GError       *error)
{
  guint tls_errors = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (message), TLS_ERRORS_KEY));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  if ((tls_errors & TLS_ERRORS_SEEN) && (tls_errors & ~TLS_ERRORS_SEEN) != 0)
    return certificate_error (self, tls_errors & ~TLS_ERRORS_SEEN);

  if (error->domain == G_TLS_ERROR)
    {
      if (self->client_certificate == NULL)
        return g_error_new (TD_KUBE_ERROR, TD_KUBE_ERROR_TLS,
                            "The cluster at %s refused the secure connection (%s). It probably "
                            "requires a client certificate, and the kubeconfig's user has none.",
                            self->base_url, error->message);
      return g_error_new (TD_KUBE_ERROR, TD_KUBE_ERROR_TLS,
                          "The cluster at %s refused the secure connection (%s). Its certificate "
                          "authority may not have signed the kubeconfig's client certificate: run "
                          "“minikube update-context”, or check client-certificate in the kubeconfig.",
                          self->base_url, error->message);
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return g_error_new (TD_KUBE_ERROR, TD_KUBE_ERROR_CONNECTION,
                        "Nothing answers at %s. Is the cluster running? Check with “minikube status”.",
                        self->base_url);
  if (error->domain == G_RESOLVER_ERROR)
    return g_error_new (TD_KUBE_ERROR, TD_KUBE_ERROR_CONNECTION,
                        "The cluster's host name in %s could not be found: %s", self->base_url,
                        error->message);

  return g_error_new (TD_KUBE_ERROR, TD_KUBE_ERROR_CONNECTION,
                      "Could not talk to the cluster at %s: %s", self->base_url, error->message);
}

/* ---- requests ---- */

static SoupMessage *
build_message (TdKubeClient  *self,
               const char    *method,
               const char    *path,
               JsonNode      *body,
               GError       **error)
{
  g_autofree char *url = g_strconcat (self->base_url, path, NULL);
  g_autoptr(SoupMessage) message = NULL;
  SoupMessageHeaders *headers;

  message = soup_message_new (method, url);
  if (message == NULL)
    return g_set_error (error, TD_KUBE_ERROR, TD_KUBE_ERROR_FAILED,
                        "“%s” is not a valid request path", path), NULL;

  headers = soup_message_get_request_headers (message);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (self->connection->token != NULL && *self->connection->token != '\0')
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", self->connection->token, NULL);
      soup_message_headers_replace (headers, "Authorization", authorization);
    }

  if (body != NULL)
    {
      gsize length = 0;
      char *text = json_to_string (body, FALSE);
      g_autoptr(GBytes) bytes = NULL;

      length = strlen (text);
      bytes = g_bytes_new_take (text, length);
      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }

  if (self->client_certificate != NULL)
    soup_message_set_tls_client_certificate (message, self->client_certificate);
  g_signal_connect_object (message, "accept-certificate", G_CALLBACK (on_accept_certificate), self, 0);

  g_debug ("%s %s", method, path);
  return g_steal_pointer (&message);
}

/* The body of a finished message as JSON, or the error it stands for. */
static JsonNode *
response_to_json (SoupMessage  *message,
                  GBytes       *bytes,
                  GError      **error)
{
  guint status = soup_message_get_status (message);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) parse_error = NULL;
  gsize size = 0;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &size) : NULL;
  gboolean parsed = size > 0 && json_parser_load_from_data (parser, data, size, &parse_error);

  g_debug ("%s %s → %u", soup_message_get_method (message),
           g_uri_get_path (soup_message_get_uri (message)), status);

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      *error = td_kube_error_new_from_status (parsed ? json_parser_get_root (parser) : NULL, status);
      return NULL;
    }
  if (size == 0)
    return json_node_new (JSON_NODE_NULL);
  if (!parsed)
    return g_set_error (error, TD_KUBE_ERROR, TD_KUBE_ERROR_BAD_RESPONSE,
                        "The cluster's answer to %s was not JSON: %s",
                        g_uri_get_path (soup_message_get_uri (message)), parse_error->message), NULL;
  return json_parser_steal_root (parser);
}

static void
request_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TdKubeClient *self = g_task_get_source_object (task);
  SoupMessage *message = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  JsonNode *node;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (bytes == NULL)
    {
      g_task_return_error (task, transport_error (self, message, error));
      return;
    }

  node = response_to_json (message, bytes, &error);
  if (node == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
}

/* The task of one request, holding its message; when the message cannot be built, the task has
 * already completed with the error and *out_message is NULL. */
static GTask *
new_request_task (TdKubeClient *self, const char *method, const char *path, JsonNode *body,
                  GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data,
                  gpointer source_tag, SoupMessage **out_message)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;

  g_task_set_source_tag (task, source_tag);
  *out_message = build_message (self, method, path, body, &error);
  if (*out_message == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_set_task_data (task, *out_message, g_object_unref);
  return task;
}

void
td_kube_client_request_async (TdKubeClient        *self,
                              const char          *method,
                              const char          *path,
                              JsonNode            *body,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SoupMessage *message;

  g_return_if_fail (TD_IS_KUBE_CLIENT (self));
  g_return_if_fail (method != NULL && path != NULL);

  task = new_request_task (self, method, path, body, cancellable, callback, user_data,
                           td_kube_client_request_async, &message);
  if (message == NULL)
    return;
  soup_session_send_and_read_async (self->session, message, G_PRIORITY_DEFAULT, cancellable,
                                    request_done, g_steal_pointer (&task));
}

JsonNode *
td_kube_client_request_finish (TdKubeClient  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
td_kube_client_get_async (TdKubeClient *self, const char *path, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  td_kube_client_request_async (self, "GET", path, NULL, cancellable, callback, user_data);
}

void
td_kube_client_post_async (TdKubeClient *self, const char *path, JsonNode *body,
                           GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  td_kube_client_request_async (self, "POST", path, body, cancellable, callback, user_data);
}

void
td_kube_client_put_async (TdKubeClient *self, const char *path, JsonNode *body,
                          GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  td_kube_client_request_async (self, "PUT", path, body, cancellable, callback, user_data);
}

void
td_kube_client_delete_async (TdKubeClient *self, const char *path, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  td_kube_client_request_async (self, "DELETE", path, NULL, cancellable, callback, user_data);
}

/* ---- streams ---- */

static void
error_body_read (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SoupMessage *message = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) node = NULL;

  /* Whatever part of the body arrived is enough to explain the status. */
  g_output_stream_splice_finish (G_OUTPUT_STREAM (source), result, NULL);
  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (source));
  node = response_to_json (message, bytes, &error);
  g_task_return_error (task, g_steal_pointer (&error));
}

static void
stream_opened (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TdKubeClient *self = g_task_get_source_object (task);
  SoupMessage *message = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GOutputStream) sink = NULL;
  GCancellable *cancellable = g_task_get_cancellable (task);

  stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (stream == NULL)
    {
      g_task_return_error (task, transport_error (self, message, error));
      return;
    }

  if (SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (message)))
    {
      g_debug ("stream %s → %u", g_uri_get_path (soup_message_get_uri (message)),
               soup_message_get_status (message));
      g_task_return_pointer (task, g_steal_pointer (&stream), g_object_unref);
      return;
    }

  sink = g_memory_output_stream_new_resizable ();
  g_output_stream_splice_async (sink, stream,
                                G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                G_PRIORITY_DEFAULT, cancellable, error_body_read, g_steal_pointer (&task));
}

void
td_kube_client_open_stream_async (TdKubeClient        *self,
                                  const char          *path,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SoupMessage *message;

  g_return_if_fail (TD_IS_KUBE_CLIENT (self));
  g_return_if_fail (path != NULL);

  task = new_request_task (self, "GET", path, NULL, cancellable, callback, user_data,
                           td_kube_client_open_stream_async, &message);
  if (message == NULL)
    return;
  soup_session_send_async (self->session, message, G_PRIORITY_DEFAULT, cancellable,
                           stream_opened, g_steal_pointer (&task));
}

GInputStream *
td_kube_client_open_stream_finish (TdKubeClient  *self,
                                   GAsyncResult  *result,
                                   guint         *out_status,
                                   GError       **error)
{
  GInputStream *stream;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  stream = g_task_propagate_pointer (G_TASK (result), error);
  if (out_status != NULL)
    *out_status = stream != NULL ? soup_message_get_status (g_task_get_task_data (G_TASK (result))) : 0;
  return stream;
}

/* ---- secrets ---- */

typedef struct {
  char *put_path;
  JsonNode *secret;
  gboolean created;
} ApplySecret;

static void
apply_secret_free (ApplySecret *apply)
{
  g_free (apply->put_path);
  g_clear_pointer (&apply->secret, json_node_unref);
  g_free (apply);
}

static JsonNode *
build_secret (const char *namespace_,
              const char *name,
              GHashTable *data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GList) keys = g_list_sort (g_hash_table_get_keys (data), (GCompareFunc) strcmp);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "apiVersion");
  json_builder_add_string_value (builder, "v1");
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, "Secret");
  json_builder_set_member_name (builder, "metadata");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "namespace");
  json_builder_add_string_value (builder, namespace_);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "Opaque");
  json_builder_set_member_name (builder, "data");
  json_builder_begin_object (builder);
  for (GList *l = keys; l != NULL; l = l->next)
    {
      const char *value = g_hash_table_lookup (data, l->data);
      g_autofree char *encoded = g_base64_encode ((const guchar *) value, value != NULL ? strlen (value) : 0);

      json_builder_set_member_name (builder, l->data);
      json_builder_add_string_value (builder, encoded);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
secret_stored (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TdKubeClient *self = TD_KUBE_CLIENT (source);
  ApplySecret *apply = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  JsonNode *stored;

  stored = td_kube_client_request_finish (self, result, &error);
  if (stored != NULL)
    {
      g_task_return_pointer (task, stored, (GDestroyNotify) json_node_unref);
      return;
    }

  /* The name is taken: replace the whole object (Secrets allow an update without resourceVersion). */
  if (apply->created && g_error_matches (error, TD_KUBE_ERROR, TD_KUBE_ERROR_CONFLICT))
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      apply->created = FALSE;
      td_kube_client_put_async (self, apply->put_path, apply->secret, cancellable,
                                secret_stored, g_steal_pointer (&task));
      return;
    }
  g_task_return_error (task, g_steal_pointer (&error));
}

void
td_kube_client_apply_secret_async (TdKubeClient        *self,
                                   const char          *namespace_,
                                   const char          *name,
                                   GHashTable          *data,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *namespace_escaped = NULL;
  g_autofree char *post_path = NULL;
  g_autofree char *name_escaped = NULL;
  ApplySecret *apply;

  g_return_if_fail (TD_IS_KUBE_CLIENT (self));
  g_return_if_fail (namespace_ != NULL && name != NULL && data != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, td_kube_client_apply_secret_async);

  namespace_escaped = g_uri_escape_string (namespace_, NULL, FALSE);
  name_escaped = g_uri_escape_string (name, NULL, FALSE);
  post_path = g_strdup_printf ("/api/v1/namespaces/%s/secrets", namespace_escaped);

  apply = g_new0 (ApplySecret, 1);
  apply->put_path = g_strdup_printf ("%s/%s", post_path, name_escaped);
  apply->secret = build_secret (namespace_, name, data);
  apply->created = TRUE;
  g_task_set_task_data (task, apply, (GDestroyNotify) apply_secret_free);

  td_kube_client_post_async (self, post_path, apply->secret, cancellable,
                             secret_stored, g_steal_pointer (&task));
}

JsonNode *
td_kube_client_apply_secret_finish (TdKubeClient  *self,
                                    GAsyncResult  *result,
                                    gboolean      *out_created,
                                    GError       **error)
{
  JsonNode *stored;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  stored = g_task_propagate_pointer (G_TASK (result), error);
  if (out_created != NULL)
    *out_created = stored != NULL && ((ApplySecret *) g_task_get_task_data (G_TASK (result)))->created;
  return stored;
}

TdKubeClient *
td_kube_client_new_for_credentials (TdKubeCredentials *credentials, GError **error)
{
  g_autoptr(TdKubeConnection) connection = NULL;

  g_return_val_if_fail (credentials != NULL, NULL);
  connection = td_kube_connection_new (credentials->server);
  connection->certificate_authority_pem = g_strdup (credentials->ca_pem);
  connection->client_certificate_pem = g_strdup (credentials->client_certificate_pem);
  connection->client_key_pem = g_strdup (credentials->client_key_pem);
  connection->token = g_strdup (credentials->token);
  connection->tls_server_name = g_strdup (credentials->tls_server_name);
  connection->insecure_skip_tls_verify = credentials->insecure_skip_tls_verify;
  return td_kube_client_new (connection, error);
}
