/* kd-certs.c: generates the double's certificates at test time with openssl req/x509 */
#define G_LOG_DOMAIN "kd-certs"

#include <gio/gio.h>

#include "kd-certs.h"

static gboolean
run_openssl (const char  *dir,
             const char **args,
             GError     **error)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *output = NULL;
  int status = 0;

  g_ptr_array_add (argv, (char *) "openssl");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (dir, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &output, &status, error))
    return FALSE;
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_set_error (error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED, "openssl %s failed: %s", args[0], output);
      return FALSE;
    }
  return TRUE;
}

static gboolean
make_ca (const char *dir, const char *name, const char *common_name, GError **error)
{
  g_autofree char *key = g_strconcat (name, ".key", NULL);
  g_autofree char *pem = g_strconcat (name, ".pem", NULL);
  g_autofree char *subject = g_strconcat ("/CN=", common_name, NULL);
  const char *args[] = {
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", key, "-out", pem, "-days", "2", "-subj", subject,
    "-addext", "basicConstraints=critical,CA:TRUE",
    "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature", NULL
  };
  return run_openssl (dir, args, error);
}

/* A leaf certificate @name.pem/@name.key signed by @ca, with the x509v3 @extensions. */
static gboolean
make_leaf (const char *dir, const char *name, const char *ca, const char *subject,
           const char *extensions, GError **error)
{
  g_autofree char *key = g_strconcat (name, ".key", NULL);
  g_autofree char *csr = g_strconcat (name, ".csr", NULL);
  g_autofree char *pem = g_strconcat (name, ".pem", NULL);
  g_autofree char *ext = g_strconcat (name, ".ext", NULL);
  g_autofree char *ext_path = g_build_filename (dir, ext, NULL);
  g_autofree char *ca_pem = g_strconcat (ca, ".pem", NULL);
  g_autofree char *ca_key = g_strconcat (ca, ".key", NULL);
  g_autofree char *serial = g_strdup_printf ("%u", g_random_int ());
  const char *req[] = {
    "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", key, "-out", csr, "-subj", subject, NULL
  };
  const char *sign[] = {
    "x509", "-req", "-in", csr, "-CA", ca_pem, "-CAkey", ca_key, "-set_serial", serial,
    "-days", "2", "-out", pem, "-extfile", ext, NULL
  };

  if (!g_file_set_contents (ext_path, extensions, -1, error))
    return FALSE;
  return run_openssl (dir, req, error) && run_openssl (dir, sign, error);
}

gboolean
kd_certs_generate (const char  *dir,
                   GError     **error)
{
  const char *server_ext =
    "basicConstraints=CA:FALSE\n"
    "keyUsage=critical,digitalSignature,keyEncipherment\n"
    "extendedKeyUsage=serverAuth\n"
    "subjectAltName=IP:127.0.0.1,DNS:localhost\n";
  const char *client_ext =
    "basicConstraints=CA:FALSE\n"
    "keyUsage=critical,digitalSignature,keyEncipherment\n"
    "extendedKeyUsage=clientAuth\n";

  return make_ca (dir, "ca", "td-kube-double-ca", error) &&
         make_leaf (dir, "server", "ca", "/CN=td-kube-double", server_ext, error) &&
         make_leaf (dir, "client", "ca", "/O=system:masters/CN=td-test", client_ext, error) &&
         make_ca (dir, "other-ca", "some-other-cluster-ca", error) &&
         make_leaf (dir, "other-server", "other-ca", "/CN=td-kube-double", server_ext, error);
}
