/* td-kube-credentials.c: a reference-counted, immutable-once-built result of resolving a context */
#define G_LOG_DOMAIN "td-kube-credentials"

#include <string.h>

#include "td-kube-credentials.h"

G_DEFINE_BOXED_TYPE (TdKubeCredentials, td_kube_credentials,
                     td_kube_credentials_ref, td_kube_credentials_unref)

TdKubeCredentials *
td_kube_credentials_new (void)
{
  TdKubeCredentials *self = g_new0 (TdKubeCredentials, 1);

  g_atomic_ref_count_init (&self->ref_count);
  return self;
}

TdKubeCredentials *
td_kube_credentials_ref (TdKubeCredentials *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/* Secrets are wiped before they are freed so they do not linger in freed heap memory. */
static void
free_secret (char *secret)
{
  if (secret != NULL)
    {
      memset (secret, 0, strlen (secret));
      g_free (secret);
    }
}

void
td_kube_credentials_unref (TdKubeCredentials *self)
{
  g_return_if_fail (self != NULL);
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_free (self->context_name);
  g_free (self->cluster_name);
  g_free (self->user_name);
  g_free (self->namespace);
  g_free (self->config_file);
  g_free (self->server);
  g_free (self->tls_server_name);
  g_free (self->proxy_url);
  g_free (self->ca_file);
  g_free (self->ca_pem);
  g_free (self->client_certificate_pem);
  free_secret (self->client_key_pem);
  free_secret (self->token);
  g_free (self->username);
  free_secret (self->password);
  g_clear_pointer (&self->expires_at, g_date_time_unref);
  g_free (self);
}
