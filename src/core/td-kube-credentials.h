/* td-kube-credentials.h: one kubeconfig context, resolved into what a Kubernetes client needs
 * (server, TLS trust, client certificate, bearer token), as client-go's ClientConfig() would. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define TD_TYPE_KUBE_CREDENTIALS (td_kube_credentials_get_type ())

typedef struct _TdKubeCredentials TdKubeCredentials;

/* Read-only for everyone but TdKubeconfig. Strings are NULL when unset, never "". */
struct _TdKubeCredentials {
  char      *context_name;
  char      *cluster_name;
  char      *user_name;
  char      *namespace;                  /* never NULL: "default" when the context sets none */
  char      *config_file;                /* the kubeconfig file the context came from */

  char      *server;                     /* https URL */
  char      *tls_server_name;            /* SNI and verified name; NULL = host of @server */
  gboolean   insecure_skip_tls_verify;   /* TRUE: the UI must warn that nothing is verified */
  gboolean   disable_compression;
  char      *proxy_url;                  /* NULL: http(s)_proxy from the environment apply */
  char      *ca_file;                    /* where @ca_pem was read from, NULL if from -data */
  char      *ca_pem;                     /* the only trust anchor; NULL = system roots */

  char      *client_certificate_pem;     /* with @client_key_pem, or both NULL */
  char      *client_key_pem;
  char      *token;                      /* Authorization: Bearer <token> */
  char      *username;                   /* basic auth */
  char      *password;

  gboolean   from_exec_plugin;           /* token or certificate came from an exec plugin */
  GDateTime *expires_at;                 /* exec credential expiry; NULL = until a 401 */

  /*< private >*/
  gatomicrefcount ref_count;
};

GType              td_kube_credentials_get_type (void) G_GNUC_CONST;
TdKubeCredentials *td_kube_credentials_new      (void);
TdKubeCredentials *td_kube_credentials_ref      (TdKubeCredentials *self);
void               td_kube_credentials_unref    (TdKubeCredentials *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdKubeCredentials, td_kube_credentials_unref)

G_END_DECLS
