/* kd-certs.h: a throw-away PKI for the Kubernetes API double, made with the openssl command */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Writes into @dir: ca.pem/ca.key (the cluster CA), server.pem/server.key (SAN IP:127.0.0.1,
 * DNS:localhost, signed by the CA), client.pem/client.key (CN td-test, O system:masters, signed by
 * the CA), and other-ca.pem plus other-server.pem/other-server.key: the same server identity from
 * an unrelated CA, to test a client that must refuse it. */
gboolean kd_certs_generate (const char  *dir,
                            GError     **error);

G_END_DECLS
