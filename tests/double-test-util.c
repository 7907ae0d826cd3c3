/* double-test-util.c */
#include "double-test-util.h"

TdKubeClient *
double_test_client (KdServer *server, const char *ca_file)
{
  g_autoptr(TdKubeConnection) connection = td_kube_connection_new (kd_server_get_url (server));
  g_autoptr(GError) error = NULL;
  TdKubeClient *client;

  connection->certificate_authority_pem = kd_server_read_file (server, ca_file);
  connection->client_certificate_pem = kd_server_read_file (server, "client.pem");
  connection->client_key_pem = kd_server_read_file (server, "client.key");
  client = td_kube_client_new (connection, &error);
  g_assert_no_error (error);
  return client;
}
