/* test-kubeconfig.c: kubeconfig loading, merging and resolving, checked against client-go's rules,
 * the shared fixtures and (when installed) the real kubectl */
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "fake-tools-util.h"
#include "td-error.h"
#include "td-kubeconfig.h"

typedef struct {
  char *dir;   /* a fresh temporary directory per test */
} Fixture;

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            remove_tree (child);
          else
            g_unlink (child);
        }
      g_dir_close (dir);
    }
  g_rmdir (path);
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("td-kubeconfig-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  remove_tree (fixture->dir);
  g_free (fixture->dir);
}

/* Writes @contents to @dir/@relative (parents created) and returns the path. */
static char *
write_file (const char *dir, const char *relative, const char *contents)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, relative, NULL);
  g_autofree char *parent = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

static char *
write_script (const char *dir, const char *relative, const char *contents)
{
  char *path = write_file (dir, relative, contents);

  g_assert_cmpint (g_chmod (path, 0700), ==, 0);
  return path;
}

static char *
fixture_path (const char *relative)
{
  const char *shared = g_getenv ("TD_SHARED_DIR");
  g_autofree char *path = NULL;

  g_assert_nonnull (shared);
  path = g_build_filename (shared, "fixtures", "k8s", relative, NULL);
  /* Lexically absolute, as client-go's filepath.Abs (and our loader) make it. */
  return g_canonicalize_filename (path, NULL);
}

static char *
read_text (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static char *
replace_all (const char *text, const char *from, const char *to)
{
  g_auto(GStrv) parts = g_strsplit (text, from, -1);

  return g_strjoinv (to, parts);
}

/* A loader that looks only where the test says, never at the user's real files. */
static TdKubeconfig *
new_kubeconfig (const char *home, const char *kubeconfig_env)
{
  TdKubeconfig *kubeconfig = td_kubeconfig_new ();

  td_kubeconfig_set_home_dir (kubeconfig, home);
  td_kubeconfig_set_kubeconfig_env (kubeconfig, kubeconfig_env);
  return kubeconfig;
}

static TdKubeconfig *
load_explicit (const char *path)
{
  g_autoptr(GError) error = NULL;
  TdKubeconfig *kubeconfig = new_kubeconfig ("/nonexistent-home", NULL);

  g_assert_true (td_kubeconfig_load (kubeconfig, path, &error));
  g_assert_no_error (error);
  return kubeconfig;
}

static JsonObject *
json_member_object (JsonNode *root, const char *kind, const char *name)
{
  JsonObject *entries = json_object_get_object_member (json_node_get_object (root), kind);

  g_assert_true (json_object_has_member (entries, name));
  return json_object_get_object_member (entries, name);
}

static void
store_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* The async variant, driven by a main loop as the app does. */
static TdKubeCredentials *
resolve_in_loop (TdKubeconfig *kubeconfig, const char *context, GError **error)
{
  GAsyncResult *result = NULL;
  TdKubeCredentials *creds;

  td_kubeconfig_resolve_async (kubeconfig, context, NULL, store_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  creds = td_kubeconfig_resolve_finish (kubeconfig, result, error);
  g_object_unref (result);
  return creds;
}

/* A plugin that counts its runs, records its arguments, environment and KUBERNETES_EXEC_INFO, and
 * prints @credential_json. */
static char *
write_plugin (const char *dir, const char *relative, const char *credential_json)
{
  g_autofree char *script = g_strdup_printf (
    "#!/bin/sh\n"
    "d='%s'\n"
    "n=$(cat \"$d/count\" 2>/dev/null || echo 0)\n"
    "echo $((n + 1)) > \"$d/count\"\n"
    "printf '%%s|' \"$@\" > \"$d/args\"\n"
    "printf '%%s' \"$PLUGIN_GREETING$AWS_PROFILE\" > \"$d/greeting\"\n"
    "printf '%%s' \"$KUBERNETES_EXEC_INFO\" > \"$d/info.json\"\n"
    "cat <<'EOF'\n%s\nEOF\n",
    dir, credential_json);
  return write_script (dir, relative, script);
}

static int
plugin_runs (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "count", NULL);
  g_autofree char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 0;
  return atoi (text);
}

static char *
read_in (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  return read_text (path);
}

/* ---- Merge fixtures ---- */

static char *
merge_kubeconfig_env (void)
{
  g_autofree char *a = fixture_path ("kubeconfig-merge/dir-a/config-a.yaml");
  g_autofree char *b = fixture_path ("kubeconfig-merge/dir-b/config-b.yaml");

  return g_strjoin (":", a, b, NULL);
}

static void
test_merge_matches_expected (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *env = merge_kubeconfig_env ();
  g_autofree char *merge_dir = fixture_path ("kubeconfig-merge");
  g_autofree char *expected_path = fixture_path ("kubeconfig-merge/expected-merged.json");
  g_autofree char *expected_raw = read_text (expected_path);
  g_autofree char *expected_text = replace_all (expected_raw, "<D>", merge_dir);
  g_autoptr(TdKubeconfig) kubeconfig = new_kubeconfig ("/nonexistent-home", env);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) actual = NULL;
  JsonObject *expected;
  const char * const *files;

  g_assert_true (td_kubeconfig_load (kubeconfig, NULL, &error));
  g_assert_no_error (error);
  files = td_kubeconfig_get_files (kubeconfig);
  g_assert_cmpuint (g_strv_length ((char **) files), ==, 2);
  g_assert_true (g_str_has_suffix (files[0], "/dir-a/config-a.yaml"));

  json_parser_load_from_data (parser, expected_text, -1, &error);
  g_assert_no_error (error);
  expected = json_node_get_object (json_parser_get_root (parser));
  /* Commentary and the prose "effective" block are not part of the config. */
  json_object_remove_member (expected, "_comment");
  json_object_remove_member (expected, "effective");

  actual = td_kubeconfig_to_json (kubeconfig);
  if (!json_node_equal (actual, json_parser_get_root (parser)))
    {
      g_autofree char *got = json_to_string (actual, TRUE);
      g_autofree char *want = json_to_string (json_parser_get_root (parser), TRUE);
      g_test_message ("merged config differs.\nGot:\n%s\nExpected:\n%s", got, want);
      g_test_fail ();
    }
  g_assert_cmpstr (td_kubeconfig_get_current_context (kubeconfig), ==, "dev");
}

/* The fixture's cert files do not exist, so resolving "dev" fails on the resolved CA path. */
static void
test_merge_fixture_missing_ca_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *env = merge_kubeconfig_env ();
  g_autofree char *ca = fixture_path ("kubeconfig-merge/dir-a/certs/ca.crt");
  g_autoptr(TdKubeconfig) kubeconfig = new_kubeconfig ("/nonexistent-home", env);
  g_autoptr(TdKubeCredentials) creds = NULL;
  g_autofree char *expected = NULL;

  g_assert_true (td_kubeconfig_load (kubeconfig, NULL, &error));
  creds = td_kubeconfig_resolve (kubeconfig, NULL, NULL, &error);
  g_assert_null (creds);
  g_assert_error (error, TD_ERROR, TD_ERROR_NOT_FOUND);
  expected = g_strdup_printf ("unable to read certificate-authority %s for cluster \"shared\"", ca);
  g_assert_true (g_str_has_prefix (error->message, expected));
}

/* The same two files copied into a temporary tree where the referenced files exist. */
static void
test_merge_effective (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *src_a = fixture_path ("kubeconfig-merge/dir-a/config-a.yaml");
  g_autofree char *src_b = fixture_path ("kubeconfig-merge/dir-b/config-b.yaml");
  g_autofree char *text_a = read_text (src_a);
  g_autofree char *text_b = read_text (src_b);
  g_autofree char *a = write_file (fixture->dir, "dir-a/config-a.yaml", text_a);
  g_autofree char *b = write_file (fixture->dir, "dir-b/config-b.yaml", text_b);
  g_autofree char *ca = write_file (fixture->dir, "dir-a/certs/ca.crt", "CA PEM\n");
  g_autofree char *crt = write_file (fixture->dir, "dir-a/certs/alice.crt", "ALICE CERT\n");
  g_autofree char *key = write_file (fixture->dir, "dir-a/certs/alice.key", "ALICE KEY\n");
  g_autofree char *tok = write_file (fixture->dir, "dir-b/secrets/bob.token", "  bob-token\n\n");
  g_autofree char *env = g_strjoin (":", a, b, NULL);
  g_autoptr(TdKubeconfig) kubeconfig = new_kubeconfig ("/nonexistent-home", env);
  g_autoptr(TdKubeCredentials) dev = NULL;
  g_autoptr(TdKubeCredentials) lab = NULL;
  g_autoptr(TdKubeCredentials) prod = NULL;

  g_assert_true (td_kubeconfig_load (kubeconfig, NULL, &error));
  g_assert_no_error (error);

  dev = td_kubeconfig_resolve (kubeconfig, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dev->context_name, ==, "dev");
  g_assert_cmpstr (dev->config_file, ==, a);
  g_assert_cmpstr (dev->namespace, ==, "team-a");
  g_assert_cmpstr (dev->server, ==, "https://first.example:6443");
  g_assert_null (dev->tls_server_name);            /* config-b's "shared" is ignored wholesale */
  g_assert_cmpstr (dev->ca_file, ==, ca);
  g_assert_cmpstr (dev->ca_pem, ==, "CA PEM\n");
  g_assert_cmpstr (dev->client_certificate_pem, ==, "ALICE CERT\n");
  g_assert_cmpstr (dev->client_key_pem, ==, "ALICE KEY\n");
  g_assert_null (dev->token);                      /* config-b's alice token is never used */
  g_assert_false (dev->insecure_skip_tls_verify);

  lab = resolve_in_loop (kubeconfig, "lab", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lab->namespace, ==, "default");
  g_assert_cmpstr (lab->config_file, ==, b);
  g_assert_true (lab->insecure_skip_tls_verify);
  g_assert_null (lab->ca_pem);
  g_assert_cmpstr (lab->token, ==, "bob-token");   /* tokenFile read and trimmed */

  /* "prod" runs the bare command "aws", looked up on PATH: a fake one goes first on PATH. */
  {
    g_autofree char *old_path = g_strdup (g_getenv ("PATH"));
    g_autofree char *bin = g_build_filename (fixture->dir, "bin", NULL);
    g_autofree char *new_path = g_strjoin (":", bin, old_path, NULL);
    g_autofree char *aws = write_plugin (fixture->dir, "bin/aws",
      "{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":\"ExecCredential\","
      "\"status\":{\"token\":\"eks-token\"}}");
    g_autoptr(JsonNode) json = td_kubeconfig_to_json (kubeconfig);
    const char *ca64 = json_object_get_string_member (json_member_object (json, "clusters", "prod-cluster"),
                                                      "certificate-authority-data");
    g_autofree char *ca_pem = (char *) g_base64_decode (ca64, &(gsize) { 0 });
    g_autofree char *args = NULL;
    g_autofree char *greeting = NULL;

    g_setenv ("PATH", new_path, TRUE);
    prod = td_kubeconfig_resolve (kubeconfig, "prod", NULL, &error);
    g_setenv ("PATH", old_path, TRUE);
    g_assert_no_error (error);
    g_assert_cmpstr (prod->token, ==, "eks-token");
    g_assert_cmpstr (prod->namespace, ==, "default");
    g_assert_cmpstr (prod->proxy_url, ==, "socks5://127.0.0.1:1080");
    g_assert_true (g_str_has_prefix (prod->ca_pem, "-----BEGIN CERTIFICATE-----"));
    g_assert_cmpstr (prod->ca_pem, ==, ca_pem);
    args = read_in (fixture->dir, "args");
    g_assert_cmpstr (args, ==, "eks|get-token|--cluster-name|prod|");
    greeting = read_in (fixture->dir, "greeting");
    g_assert_cmpstr (greeting, ==, "prod");   /* AWS_PROFILE from the exec env */
  }
}

static char *
run_kubectl (const char *kubectl, const char *env, const char *home, const char *const *args,
             char **stderr_text, int *status)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  char *stdout_text = NULL;

  g_subprocess_launcher_setenv (launcher, "KUBECONFIG", env, TRUE);
  g_subprocess_launcher_setenv (launcher, "HOME", home, TRUE);
  g_ptr_array_add (argv, (gpointer) kubectl);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &stdout_text, stderr_text, &error);
  g_assert_no_error (error);
  *status = g_subprocess_get_exit_status (process);
  return stdout_text;
}

static const char *
first_entry_string (JsonObject *config, const char *list, const char *body, const char *key)
{
  JsonArray *entries = json_object_get_array_member (config, list);
  JsonObject *entry;

  g_assert_cmpuint (json_array_get_length (entries), ==, 1);
  entry = json_object_get_object_member (json_array_get_object_element (entries, 0), body);
  return json_object_has_member (entry, key) ? json_object_get_string_member (entry, key) : NULL;
}

/* The real kubectl, offline: which cluster, user and namespace wins for every context, and the
 * same base64 error for the kind fixture's placeholders. */
static void
test_merge_against_kubectl (Fixture *fixture, gconstpointer data)
{
  g_autofree char *kubectl = g_find_program_in_path ("kubectl");
  g_autofree char *env = merge_kubeconfig_env ();
  g_autoptr(TdKubeconfig) kubeconfig = new_kubeconfig ("/nonexistent-home", env);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) ours = NULL;
  g_auto(GStrv) contexts = NULL;

  if (kubectl == NULL)
    {
      fake_tools_real_tool_missing ("kubectl", "on PATH");
      return;
    }
  g_assert_true (td_kubeconfig_load (kubeconfig, NULL, &error));
  ours = td_kubeconfig_to_json (kubeconfig);
  contexts = td_kubeconfig_dup_context_names (kubeconfig);
  g_assert_cmpuint (g_strv_length (contexts), ==, 3);

  for (guint i = 0; contexts[i] != NULL; i++)
    {
      const char *args[] = { "config", "view", "--minify", "--raw", "-o", "json", "--context", contexts[i], NULL };
      g_autofree char *err_text = NULL;
      int status = -1;
      g_autofree char *out = run_kubectl (kubectl, env, fixture->dir, args, &err_text, &status);
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *theirs, *context, *cluster;
      const char *namespace;

      g_assert_cmpint (status, ==, 0);
      json_parser_load_from_data (parser, out, -1, &error);
      g_assert_no_error (error);
      theirs = json_node_get_object (json_parser_get_root (parser));
      context = json_member_object (ours, "contexts", contexts[i]);
      g_assert_cmpstr (first_entry_string (theirs, "contexts", "context", "cluster"), ==,
                       json_object_get_string_member (context, "cluster"));
      g_assert_cmpstr (first_entry_string (theirs, "contexts", "context", "user"), ==,
                       json_object_get_string_member (context, "user"));
      namespace = json_object_has_member (context, "namespace") ? json_object_get_string_member (context, "namespace") : NULL;
      g_assert_cmpstr (first_entry_string (theirs, "contexts", "context", "namespace"), ==, namespace);
      cluster = json_member_object (ours, "clusters", json_object_get_string_member (context, "cluster"));
      g_assert_cmpstr (first_entry_string (theirs, "clusters", "cluster", "server"), ==,
                       json_object_get_string_member (cluster, "server"));
      g_assert_cmpstr (first_entry_string (theirs, "clusters", "cluster", "tls-server-name"), ==, NULL);
      g_assert_cmpstr (first_entry_string (theirs, "users", "user", "token"), ==, NULL);
    }

  /* kubectl reports the current context too. */
  {
    const char *args[] = { "config", "current-context", NULL };
    g_autofree char *err_text = NULL;
    int status = -1;
    g_autofree char *out = run_kubectl (kubectl, env, fixture->dir, args, &err_text, &status);

    g_assert_cmpint (status, ==, 0);
    g_assert_cmpstr (g_strstrip (out), ==, td_kubeconfig_get_current_context (kubeconfig));
  }

  /* The kind fixture's "-data" placeholders are not base64: kubectl and we both refuse it. */
  {
    g_autofree char *kind = fixture_path ("kubeconfig-kind.yaml");
    const char *args[] = { "config", "view", "--raw", NULL };
    g_autofree char *err_text = NULL;
    int status = -1;
    g_autofree char *out = run_kubectl (kubectl, kind, fixture->dir, args, &err_text, &status);
    g_autoptr(TdKubeconfig) ours_kind = new_kubeconfig ("/nonexistent-home", kind);

    g_assert_cmpint (status, !=, 0);
    g_assert_nonnull (strstr (err_text, "illegal base64 data at input byte 12"));
    g_assert_false (td_kubeconfig_load (ours_kind, NULL, &error));
    g_assert_nonnull (strstr (error->message, "illegal base64 data at input byte 12"));
  }
}

/* ---- The real kubeconfig fixtures ---- */

static void
test_minikube_macos (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = fixture_path ("kubeconfig-minikube-docker-macos.yaml");
  g_autoptr(TdKubeconfig) kubeconfig = load_explicit (path);
  g_autoptr(JsonNode) json = td_kubeconfig_to_json (kubeconfig);
  g_autoptr(TdKubeCredentials) creds = NULL;
  JsonObject *cluster = json_member_object (json, "clusters", "minikube");
  JsonObject *user = json_member_object (json, "users", "minikube");
  g_autofree char *text = read_text (path);
  g_autofree char *moved = replace_all (text, "/Users/medya", fixture->dir);
  g_autofree char *copy = write_file (fixture->dir, "kube/config", moved);
  g_autofree char *ca = write_file (fixture->dir, ".minikube/ca.crt", "MINIKUBE CA\n");
  g_autofree char *crt = write_file (fixture->dir, ".minikube/profiles/minikube/client.crt", "CLIENT CERT\n");
  g_autofree char *key = write_file (fixture->dir, ".minikube/profiles/minikube/client.key", "CLIENT KEY\n");
  g_autoptr(TdKubeconfig) moved_config = NULL;

  g_assert_cmpstr (td_kubeconfig_get_current_context (kubeconfig), ==, "minikube");
  g_assert_cmpstr (json_object_get_string_member (cluster, "server"), ==, "https://127.0.0.1:55000");
  /* Absolute paths stay as written; extensions are ignored (no such key in the view). */
  g_assert_cmpstr (json_object_get_string_member (cluster, "certificate-authority"), ==,
                   "/Users/medya/.minikube/ca.crt");
  g_assert_false (json_object_has_member (cluster, "extensions"));
  g_assert_cmpstr (json_object_get_string_member (user, "client-key"), ==,
                   "/Users/medya/.minikube/profiles/minikube/client.key");

  /* On this machine those macOS paths do not exist. */
  g_assert_null (td_kubeconfig_resolve (kubeconfig, NULL, NULL, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "/Users/medya/.minikube/ca.crt"));
  g_clear_error (&error);

  moved_config = load_explicit (copy);
  creds = td_kubeconfig_resolve (moved_config, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (creds->namespace, ==, "default");
  g_assert_cmpstr (creds->cluster_name, ==, "minikube");
  g_assert_cmpstr (creds->user_name, ==, "minikube");
  g_assert_cmpstr (creds->ca_file, ==, ca);
  g_assert_cmpstr (creds->ca_pem, ==, "MINIKUBE CA\n");
  g_assert_cmpstr (creds->client_certificate_pem, ==, "CLIENT CERT\n");
  g_assert_cmpstr (creds->client_key_pem, ==, "CLIENT KEY\n");
  g_assert_true (td_kubeconfig_server_is_loopback (creds->server));
}

static void
test_minikube_ha (void)
{
  g_autofree char *path = fixture_path ("kubeconfig-minikube-ha-linux.yaml");
  g_autoptr(TdKubeconfig) kubeconfig = load_explicit (path);
  g_autoptr(JsonNode) json = td_kubeconfig_to_json (kubeconfig);
  JsonObject *cluster = json_member_object (json, "clusters", "ha-demo");
  JsonObject *context = json_member_object (json, "contexts", "ha-demo");
  g_auto(GStrv) names = td_kubeconfig_dup_context_names (kubeconfig);
  const char *server = json_object_get_string_member (cluster, "server");

  g_assert_cmpstr (td_kubeconfig_get_current_context (kubeconfig), ==, "ha-demo");
  g_assert_cmpuint (g_strv_length (names), ==, 1);
  g_assert_cmpstr (server, ==, "https://192.168.49.254:8443");
  g_assert_false (td_kubeconfig_server_is_loopback (server));
  g_assert_cmpstr (json_object_get_string_member (context, "namespace"), ==, "default");
  g_assert_cmpstr (json_object_get_string_member (context, "user"), ==, "ha-demo");
}

/* kind: only -data fields and no namespace. The fixture's placeholders are replaced by real
 * base64 PEM so it can be resolved. */
static void
test_kind (Fixture *fixture, gconstpointer data)
{
  static const char ca_pem[] = "-----BEGIN CERTIFICATE-----\nKIND CA\n-----END CERTIFICATE-----\n";
  static const char cert_pem[] = "-----BEGIN CERTIFICATE-----\nKIND CLIENT\n-----END CERTIFICATE-----\n";
  static const char key_pem[] = "-----BEGIN EC PRIVATE KEY-----\nKIND KEY\n-----END EC PRIVATE KEY-----\n";
  g_autoptr(GError) error = NULL;
  g_autofree char *path = fixture_path ("kubeconfig-kind.yaml");
  g_autofree char *text = read_text (path);
  g_autofree char *ca64 = g_base64_encode ((const guchar *) ca_pem, strlen (ca_pem));
  g_autofree char *cert64 = g_base64_encode ((const guchar *) cert_pem, strlen (cert_pem));
  g_autofree char *key64 = g_base64_encode ((const guchar *) key_pem, strlen (key_pem));
  g_autofree char *step1 = replace_all (text, "definitelyacert", ca64);
  g_autofree char *step2 = replace_all (step1, "seemslegit", cert64);
  g_autofree char *step3 = replace_all (step2, "yup", key64);
  g_autofree char *copy = write_file (fixture->dir, "kind.yaml", step3);
  g_autoptr(TdKubeconfig) verbatim = new_kubeconfig ("/nonexistent-home", NULL);
  g_autoptr(TdKubeconfig) kubeconfig = NULL;
  g_autoptr(TdKubeCredentials) creds = NULL;
  g_autofree char *expected_prefix = g_strdup_printf ("%s:9:", path);

  /* Verbatim: the placeholder is not base64, which client-go refuses at load time. */
  g_assert_false (td_kubeconfig_load (verbatim, path, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, expected_prefix));
  g_assert_nonnull (strstr (error->message, "certificate-authority-data"));
  g_clear_error (&error);

  kubeconfig = load_explicit (copy);
  creds = td_kubeconfig_resolve (kubeconfig, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (creds->context_name, ==, "kind-kind");
  g_assert_cmpstr (creds->cluster_name, ==, "kind-kind");
  g_assert_cmpstr (creds->user_name, ==, "kind-kind");
  g_assert_cmpstr (creds->namespace, ==, "default");
  g_assert_cmpstr (creds->server, ==, "https://192.168.9.4:6443");
  g_assert_cmpstr (creds->ca_pem, ==, ca_pem);
  g_assert_null (creds->ca_file);
  g_assert_cmpstr (creds->client_certificate_pem, ==, cert_pem);
  g_assert_cmpstr (creds->client_key_pem, ==, key_pem);
  g_assert_false (creds->from_exec_plugin);
}

/* ---- Which files ---- */

static void
test_kubeconfig_list (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = write_file (fixture->dir, "a.yaml",
                                   "current-context: \"\"\ncontexts:\n- name: from-a\n  context: {cluster: c, user: u}\n");
  g_autofree char *b = write_file (fixture->dir, "b.yaml", "current-context: from-b\n");
  g_autofree char *empty = write_file (fixture->dir, "empty.yaml", "");
  g_autofree char *missing = g_build_filename (fixture->dir, "missing.yaml", NULL);
  g_autofree char *env = g_strjoin (":", a, missing, a, "", empty, b, a, NULL);
  g_autoptr(TdKubeconfig) kubeconfig = new_kubeconfig ("/nonexistent-home", env);
  const char * const *files;

  g_assert_true (td_kubeconfig_load (kubeconfig, NULL, &error));
  g_assert_no_error (error);
  files = td_kubeconfig_get_files (kubeconfig);
  g_assert_cmpuint (g_strv_length ((char **) files), ==, 3);
  g_assert_cmpstr (files[0], ==, a);
  g_assert_cmpstr (files[1], ==, empty);
  g_assert_cmpstr (files[2], ==, b);
  /* a.yaml sets it empty, so the first non-empty one wins. */
  g_assert_cmpstr (td_kubeconfig_get_current_context (kubeconfig), ==, "from-b");

  /* Every listed file missing: client-go's "no configuration" error. */
  td_kubeconfig_set_kubeconfig_env (kubeconfig, missing);
  g_assert_false (td_kubeconfig_load (kubeconfig, NULL, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_NOT_FOUND);
  g_assert_true (g_str_has_prefix (error->message, "invalid configuration: no configuration has been provided"));
  g_assert_nonnull (strstr (error->message, missing));
  g_assert_null (td_kubeconfig_get_current_context (kubeconfig));
}

static void
test_empty_file (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *empty = write_file (fixture->dir, "empty.yaml", "# nothing here\n");
  g_autoptr(TdKubeconfig) kubeconfig = load_explicit (empty);
  g_autoptr(JsonNode) json = td_kubeconfig_to_json (kubeconfig);
  g_autofree char *text = json_to_string (json, FALSE);
  g_autofree char *expected = NULL;

  g_assert_cmpstr (text, ==, "{\"current-context\":\"\",\"clusters\":{},\"contexts\":{},\"users\":{}}");
  g_assert_null (td_kubeconfig_resolve (kubeconfig, NULL, NULL, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_NOT_FOUND);
  expected = g_strdup_printf ("no current context is set in %s", empty);
  g_assert_true (g_str_has_prefix (error->message, expected));
}

static void
test_home_default (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdKubeconfig) kubeconfig = new_kubeconfig (fixture->dir, "");
  g_autofree char *config = NULL;

  g_assert_false (td_kubeconfig_load (kubeconfig, NULL, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "no configuration has been provided"));
  g_clear_error (&error);

  config = write_file (fixture->dir, ".kube/config", "current-context: home\n");
  g_assert_true (td_kubeconfig_load (kubeconfig, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (td_kubeconfig_get_files (kubeconfig)[0], ==, config);
  g_assert_cmpstr (td_kubeconfig_get_current_context (kubeconfig), ==, "home");
}

static void
test_explicit_path (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *listed = write_file (fixture->dir, "listed.yaml", "current-context: listed\n");
  g_autofree char *chosen = write_file (fixture->dir, "chosen.yaml",
                                        "contexts:\n- name: chosen\n  context: {cluster: c, user: u}\n");
  g_autofree char *missing = g_build_filename (fixture->dir, "nope.yaml", NULL);
  g_autoptr(TdKubeconfig) kubeconfig = new_kubeconfig (fixture->dir, listed);
  g_auto(GStrv) names = NULL;

  /* Used alone: nothing from the KUBECONFIG list is merged in. */
  g_assert_true (td_kubeconfig_load (kubeconfig, chosen, &error));
  g_assert_no_error (error);
  g_assert_null (td_kubeconfig_get_current_context (kubeconfig));
  names = td_kubeconfig_dup_context_names (kubeconfig);
  g_assert_cmpstr (names[0], ==, "chosen");
  g_assert_null (names[1]);
  g_assert_cmpuint (g_strv_length ((char **) td_kubeconfig_get_files (kubeconfig)), ==, 1);

  g_assert_false (td_kubeconfig_load (kubeconfig, missing, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, missing));
}

/* ---- Merge rules on files written here ---- */

static void
test_relative_paths (Fixture *fixture, gconstpointer data)
{
  g_autofree char *path = write_file (fixture->dir, "sub/cfg.yaml",
    "clusters:\n"
    "- name: c\n"
    "  cluster:\n"
    "    server: https://localhost:8443\n"
    "    certificate-authority: ../ca/./ca.crt\n"
    "    extensions:\n"
    "    - name: cluster_info\n"
    "      extension: {provider: minikube.sigs.k8s.io, nested: {deep: [1, 2]}}\n"
    "users:\n"
    "- name: relative\n"
    "  user:\n"
    "    client-certificate: certs/c.crt\n"
    "    client-key: /abs/c.key\n"
    "    tokenFile: tok\n"
    "    exec: {apiVersion: client.authentication.k8s.io/v1, command: ./bin/plugin}\n"
    "- name: bare\n"
    "  user:\n"
    "    exec: {apiVersion: client.authentication.k8s.io/v1, command: plugin, args: [a, b]}\n"
    "extensions:\n"
    "- name: top\n"
    "  extension: {x: y}\n"
    "preferences: {colors: true}\n");
  g_autoptr(TdKubeconfig) kubeconfig = load_explicit (path);
  g_autoptr(JsonNode) json = td_kubeconfig_to_json (kubeconfig);
  JsonObject *cluster = json_member_object (json, "clusters", "c");
  JsonObject *relative = json_member_object (json, "users", "relative");
  JsonObject *bare = json_member_object (json, "users", "bare");
  g_autofree char *ca = g_build_filename (fixture->dir, "ca", "ca.crt", NULL);
  g_autofree char *crt = g_build_filename (fixture->dir, "sub", "certs", "c.crt", NULL);
  g_autofree char *tok = g_build_filename (fixture->dir, "sub", "tok", NULL);
  g_autofree char *plugin = g_build_filename (fixture->dir, "sub", "bin", "plugin", NULL);

  g_assert_cmpstr (json_object_get_string_member (cluster, "certificate-authority"), ==, ca);
  g_assert_cmpstr (json_object_get_string_member (relative, "client-certificate"), ==, crt);
  g_assert_cmpstr (json_object_get_string_member (relative, "client-key"), ==, "/abs/c.key");
  g_assert_cmpstr (json_object_get_string_member (relative, "tokenFile"), ==, tok);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (relative, "exec"), "command"),
                   ==, plugin);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (bare, "exec"), "command"),
                   ==, "plugin");
}

static void
test_duplicate_names (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_file (fixture->dir, "dup.yaml",
    "clusters:\n"
    "- name: x\n"
    "  cluster: {server: https://one:6443}\n"
    "- name: x\n"
    "  cluster: {server: https://two:6443}\n");
  g_autofree char *other = write_file (fixture->dir, "other.yaml",
    "users:\n- name: u\n  user: {token: first}\n");
  g_autofree char *again = write_file (fixture->dir, "again.yaml",
    "users:\n- name: u\n  user: {token: second}\n");
  g_autofree char *env = g_strjoin (":", other, again, NULL);
  g_autoptr(TdKubeconfig) kubeconfig = new_kubeconfig ("/nonexistent-home", NULL);
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *expected = g_strdup_printf ("%s:4:9: duplicate name \"x\" in list", path);

  g_assert_false (td_kubeconfig_load (kubeconfig, path, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);

  /* The same name in two files is a merge, not an error: the first file's entry wins. */
  td_kubeconfig_set_kubeconfig_env (kubeconfig, env);
  g_assert_true (td_kubeconfig_load (kubeconfig, NULL, &error));
  g_assert_no_error (error);
  json = td_kubeconfig_to_json (kubeconfig);
  g_assert_cmpstr (json_object_get_string_member (json_member_object (json, "users", "u"), "token"), ==, "first");
}

static void
test_missing_references (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_file (fixture->dir, "refs.yaml",
    "current-context: no-such-context\n"
    "clusters:\n- name: c\n  cluster: {server: https://c:6443}\n"
    "users:\n- name: u\n  user: {token: t}\n"
    "contexts:\n"
    "- name: lost-cluster\n  context: {cluster: gone, user: u}\n"
    "- name: lost-user\n  context: {cluster: c, user: nobody}\n"
    "- name: fine\n  context: {cluster: c, user: u, namespace: ns}\n");
  g_autoptr(TdKubeconfig) kubeconfig = load_explicit (path);
  g_autoptr(TdKubeCredentials) fine = NULL;
  g_autofree char *want = NULL;

  g_assert_null (td_kubeconfig_resolve (kubeconfig, NULL, NULL, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_NOT_FOUND);
  want = g_strdup_printf ("context \"no-such-context\" not found in %s", path);
  g_assert_cmpstr (error->message, ==, want);
  g_clear_error (&error);
  g_clear_pointer (&want, g_free);

  g_assert_null (td_kubeconfig_resolve (kubeconfig, "foo", NULL, &error));
  want = g_strdup_printf ("context \"foo\" not found in %s", path);
  g_assert_cmpstr (error->message, ==, want);
  g_clear_error (&error);
  g_clear_pointer (&want, g_free);

  g_assert_null (resolve_in_loop (kubeconfig, "lost-cluster", &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_NOT_FOUND);
  want = g_strdup_printf ("cluster \"gone\" (used by context \"lost-cluster\" in %s) not found in %s", path, path);
  g_assert_cmpstr (error->message, ==, want);
  g_clear_error (&error);
  g_clear_pointer (&want, g_free);

  g_assert_null (td_kubeconfig_resolve (kubeconfig, "lost-user", NULL, &error));
  want = g_strdup_printf ("user \"nobody\" (used by context \"lost-user\" in %s) not found in %s", path, path);
  g_assert_cmpstr (error->message, ==, want);
  g_clear_error (&error);

  fine = td_kubeconfig_resolve (kubeconfig, "fine", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fine->namespace, ==, "ns");
  g_assert_cmpstr (fine->token, ==, "t");
}

/* ---- Validation while resolving ---- */

static void
assert_resolve_fails (const char *dir, const char *yaml, const char *expected_part)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_file (dir, "validate.yaml", yaml);
  g_autoptr(TdKubeconfig) kubeconfig = load_explicit (path);

  g_assert_null (td_kubeconfig_resolve (kubeconfig, NULL, NULL, &error));
  g_assert_nonnull (error);
  if (strstr (error->message, expected_part) == NULL)
    g_error ("expected “%s” in: %s", expected_part, error->message);
}

#define CONTEXT_CU "current-context: x\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\n"

static void
test_validation (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ca = write_file (fixture->dir, "ca.crt", "FILE CA\n");
  g_autofree char *yaml = NULL;
  g_autofree char *path = NULL;
  g_autoptr(TdKubeconfig) kubeconfig = NULL;
  g_autoptr(TdKubeCredentials) creds = NULL;

  assert_resolve_fails (fixture->dir,
    CONTEXT_CU "clusters:\n- name: c\n  cluster: {server: https://c, certificate-authority: ca.crt, insecure-skip-tls-verify: true}\n"
    "users:\n- name: u\n  user: {}\n",
    "specifying a root certificates file with the insecure flag is not allowed");
  assert_resolve_fails (fixture->dir,
    CONTEXT_CU "clusters:\n- name: c\n  cluster: {server: https://c}\n"
    "users:\n- name: u\n  user: {token: t, username: admin, password: p}\n",
    "more than one authentication method found for \"u\"");
  assert_resolve_fails (fixture->dir,
    CONTEXT_CU "clusters:\n- name: c\n  cluster: {server: https://c}\n"
    "users:\n- name: u\n  user: {client-certificate: ca.crt}\n",
    "client-key-data or client-key must be specified for \"u\"");
  assert_resolve_fails (fixture->dir,
    CONTEXT_CU "clusters:\n- name: c\n  cluster: {insecure-skip-tls-verify: true}\n"
    "users:\n- name: u\n  user: {}\n",
    "no server found for cluster \"c\"");
  assert_resolve_fails (fixture->dir,
    CONTEXT_CU "clusters:\n- name: c\n  cluster: {server: https://c, proxy-url: ftp://proxy}\n"
    "users:\n- name: u\n  user: {}\n",
    "invalid 'proxy-url' \"ftp://proxy\"");
  assert_resolve_fails (fixture->dir,
    CONTEXT_CU "clusters:\n- name: c\n  cluster: {server: https://c}\n"
    "users:\n- name: u\n  user: {tokenFile: missing.token}\n",
    "unable to read tokenFile");

  /* -data wins over the file (here missing); token wins over tokenFile (here missing). */
  yaml = g_strdup_printf (CONTEXT_CU
    "clusters:\n- name: c\n  cluster: {server: https://c, certificate-authority: nowhere.crt, certificate-authority-data: %s}\n"
    "users:\n- name: u\n  user: {token: direct, tokenFile: nowhere.token}\n",
    "REFUQSBDQQo=" /* "DATA CA\n" */);
  path = write_file (fixture->dir, "wins.yaml", yaml);
  kubeconfig = load_explicit (path);
  creds = td_kubeconfig_resolve (kubeconfig, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (creds->ca_pem, ==, "DATA CA\n");
  g_assert_null (creds->ca_file);
  g_assert_cmpstr (creds->token, ==, "direct");
  g_assert_false (creds->insecure_skip_tls_verify);

  /* Type errors point at the line. */
  g_clear_pointer (&path, g_free);
  path = write_file (fixture->dir, "types.yaml", "clusters:\n- name: c\n  cluster:\n    insecure-skip-tls-verify: maybe\n");
  g_clear_object (&kubeconfig);
  kubeconfig = new_kubeconfig ("/nonexistent-home", NULL);
  g_assert_false (td_kubeconfig_load (kubeconfig, path, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "types.yaml:4:31:"));
}

/* ---- exec plugins ---- */

static char *
exec_kubeconfig (const char *dir, const char *plugin, const char *extra_exec)
{
  g_autofree char *yaml = g_strdup_printf (
    "current-context: x\n"
    "contexts:\n- name: x\n  context: {cluster: c, user: u}\n"
    "clusters:\n- name: c\n  cluster: {server: https://127.0.0.1:6443, tls-server-name: kube, certificate-authority-data: REFUQSBDQQo=}\n"
    "users:\n"
    "- name: u\n"
    "  user:\n"
    "    exec:\n"
    "      apiVersion: client.authentication.k8s.io/v1\n"
    "      command: %s\n"
    "      args: [--flag, two words]\n"
    "      env: [{name: PLUGIN_GREETING, value: hello}]\n"
    "      interactiveMode: Never\n"
    "%s",
    plugin, extra_exec);
  return write_file (dir, "exec.yaml", yaml);
}

static void
test_exec_token (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *plugin = write_plugin (fixture->dir, "bin/plugin",
    "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
    "\"status\":{\"token\":\"plugin-token\",\"expirationTimestamp\":\"2999-01-01T00:00:00Z\"}}");
  g_autofree char *path = exec_kubeconfig (fixture->dir, "./bin/plugin", "      provideClusterInfo: true\n");
  g_autoptr(TdKubeconfig) kubeconfig = load_explicit (path);
  g_autoptr(TdKubeCredentials) creds = NULL;
  g_autoptr(TdKubeCredentials) again = NULL;
  g_autoptr(TdKubeCredentials) third = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *info = NULL;
  g_autofree char *args = NULL;
  g_autofree char *greeting = NULL;
  JsonObject *spec, *cluster;

  creds = resolve_in_loop (kubeconfig, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (creds->token, ==, "plugin-token");
  g_assert_true (creds->from_exec_plugin);
  g_assert_nonnull (creds->expires_at);
  g_assert_cmpint (g_date_time_get_year (creds->expires_at), ==, 2999);
  g_assert_cmpint (plugin_runs (fixture->dir), ==, 1);

  args = read_in (fixture->dir, "args");
  g_assert_cmpstr (args, ==, "--flag|two words|");
  greeting = read_in (fixture->dir, "greeting");
  g_assert_cmpstr (greeting, ==, "hello");
  info = read_in (fixture->dir, "info.json");
  json_parser_load_from_data (parser, info, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "kind"),
                   ==, "ExecCredential");
  spec = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "spec");
  g_assert_false (json_object_get_boolean_member (spec, "interactive"));
  cluster = json_object_get_object_member (spec, "cluster");
  g_assert_cmpstr (json_object_get_string_member (cluster, "server"), ==, "https://127.0.0.1:6443");
  g_assert_cmpstr (json_object_get_string_member (cluster, "tls-server-name"), ==, "kube");
  g_assert_cmpstr (json_object_get_string_member (cluster, "certificate-authority-data"), ==, "REFUQSBDQQo=");

  /* Cached until it expires... */
  again = td_kubeconfig_resolve (kubeconfig, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again->token, ==, "plugin-token");
  g_assert_cmpint (plugin_runs (fixture->dir), ==, 1);

  /* ...or until a 401 makes the client forget it. */
  td_kubeconfig_forget_exec_credential (kubeconfig, "u");
  third = td_kubeconfig_resolve (kubeconfig, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (plugin_runs (fixture->dir), ==, 2);
}

/* Inside Flatpak (a fake /.flatpak-info) the plugin is a host program: it runs through the fake
 * flatpak-spawn, which records its argv, with its environment and KUBERNETES_EXEC_INFO as --env=. */
static void
test_exec_on_flatpak_host (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *plugin = write_plugin (fixture->dir, "bin/plugin",
    "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
    "\"status\":{\"token\":\"host-token\"}}");
  g_autofree char *path = exec_kubeconfig (fixture->dir, "./bin/plugin", "      provideClusterInfo: true\n");
  g_autoptr(TdKubeconfig) kubeconfig = load_explicit (path);
  g_autoptr(TdRunner) runner = td_runner_new ();
  g_autoptr(TdKubeCredentials) creds = NULL;
  g_autofree char *spawn_dir = g_build_filename (fixture->dir, "spawn", NULL);
  g_autofree char *spawn_link = g_build_filename (spawn_dir, "flatpak-spawn", NULL);
  g_autofree char *fake_spawn = g_test_build_filename (G_TEST_DIST, "fake-tools", "flatpak-spawn", NULL);
  g_autofree char *info = write_file (fixture->dir, "flatpak-info", "[Application]\n");
  g_autofree char *log = g_build_filename (fixture->dir, "calls.log", NULL);
  g_autofree char *search_path = NULL;
  g_autofree char *calls = NULL;
  g_autofree char *expected_start = g_strdup ("flatpak-spawn --host --watch-bus --env=PLUGIN_GREETING=hello "
                                                     "--env=KUBERNETES_EXEC_INFO={");
  g_autofree char *expected_end = g_strdup_printf (" %s --flag two words\n", plugin);
  g_autofree char *args = NULL;
  g_autofree char *greeting = NULL;
  g_auto(GStrv) envp = g_get_environ ();

  g_assert_cmpint (g_mkdir (spawn_dir, 0700), ==, 0);
  g_assert_cmpint (symlink (fake_spawn, spawn_link), ==, 0);
  search_path = g_strconcat (spawn_dir, ":", g_environ_getenv (envp, "PATH"), NULL);
  envp = g_environ_setenv (envp, "PATH", search_path, TRUE);
  envp = g_environ_setenv (envp, "FAKE_TOOLS_LOG", log, TRUE);
  td_runner_set_environ (runner, (const char * const *) envp);
  td_runner_set_flatpak_info_path (runner, info);
  td_kubeconfig_set_runner (kubeconfig, runner);

  creds = resolve_in_loop (kubeconfig, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (creds->token, ==, "host-token");
  g_assert_cmpint (plugin_runs (fixture->dir), ==, 1);
  /* The --env= options reached the plugin, as the host's environment. */
  greeting = read_in (fixture->dir, "greeting");
  g_assert_cmpstr (greeting, ==, "hello");
  args = read_in (fixture->dir, "args");
  g_assert_cmpstr (args, ==, "--flag|two words|");
  calls = read_in (fixture->dir, "calls.log");
  g_assert_true (g_str_has_prefix (calls, expected_start));
  g_assert_true (g_str_has_suffix (calls, expected_end));
  g_assert_nonnull (strstr (calls, "\"server\":\"https://127.0.0.1:6443\""));
}

static void
test_exec_expired_and_no_cluster_info (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *plugin = write_plugin (fixture->dir, "bin/plugin",
    "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
    "\"status\":{\"token\":\"stale\",\"expirationTimestamp\":\"2001-01-01T00:00:00Z\"}}");
  g_autofree char *path = exec_kubeconfig (fixture->dir, plugin, "");
  g_autoptr(TdKubeconfig) kubeconfig = load_explicit (path);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *info = NULL;
  JsonObject *spec;

  for (int i = 1; i <= 2; i++)
    {
      g_autoptr(TdKubeCredentials) creds = resolve_in_loop (kubeconfig, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (creds->token, ==, "stale");
      g_assert_cmpint (plugin_runs (fixture->dir), ==, i);   /* already expired: never cached */
    }
  info = read_in (fixture->dir, "info.json");
  json_parser_load_from_data (parser, info, -1, &error);
  g_assert_no_error (error);
  spec = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "spec");
  g_assert_false (json_object_has_member (spec, "cluster"));
}

static void
test_exec_certificate (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *plugin = write_plugin (fixture->dir, "bin/plugin",
    "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{"
    "\"clientCertificateData\":\"-----BEGIN CERTIFICATE-----\\nEXEC CERT\\n-----END CERTIFICATE-----\\n\","
    "\"clientKeyData\":\"-----BEGIN RSA PRIVATE KEY-----\\nEXEC KEY\\n-----END RSA PRIVATE KEY-----\\n\"}}");
  g_autofree char *path = exec_kubeconfig (fixture->dir, plugin, "");
  g_autoptr(TdKubeconfig) kubeconfig = load_explicit (path);
  g_autoptr(TdKubeCredentials) creds = NULL;

  creds = td_kubeconfig_resolve (kubeconfig, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (creds->token);
  g_assert_null (creds->expires_at);
  g_assert_cmpstr (creds->client_certificate_pem, ==, "-----BEGIN CERTIFICATE-----\nEXEC CERT\n-----END CERTIFICATE-----\n");
  g_assert_cmpstr (creds->client_key_pem, ==, "-----BEGIN RSA PRIVATE KEY-----\nEXEC KEY\n-----END RSA PRIVATE KEY-----\n");
  g_assert_cmpstr (creds->ca_pem, ==, "DATA CA\n");
}

static void
assert_exec_fails (const char *dir, const char *plugin, const char *extra_exec, int code,
                   const char *const *expected_parts)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = exec_kubeconfig (dir, plugin, extra_exec);
  g_autoptr(TdKubeconfig) kubeconfig = load_explicit (path);

  g_assert_null (resolve_in_loop (kubeconfig, NULL, &error));
  g_assert_error (error, TD_ERROR, code);
  for (guint i = 0; expected_parts[i] != NULL; i++)
    if (strstr (error->message, expected_parts[i]) == NULL)
      g_error ("expected “%s” in: %s", expected_parts[i], error->message);
}

static void
test_exec_failures (Fixture *fixture, gconstpointer data)
{
  g_autofree char *failing = write_script (fixture->dir, "bin/failing",
    "#!/bin/sh\necho 'token expired, run: cloud login' >&2\nexit 3\n");
  g_autofree char *no_version = write_script (fixture->dir, "bin/no-version",
    "#!/bin/sh\necho '{\"kind\":\"ExecCredential\",\"status\":{\"token\":\"secret-value\"}}'\n");
  g_autofree char *wrong_version = write_script (fixture->dir, "bin/wrong-version",
    "#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"status\":{\"token\":\"t\"}}'\n");
  g_autofree char *half = write_script (fixture->dir, "bin/half",
    "#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"status\":{\"clientCertificateData\":\"PEM\"}}'\n");
  g_autofree char *garbage = write_script (fixture->dir, "bin/garbage", "#!/bin/sh\necho 'secret-value not json'\n");
  g_autofree char *missing = g_build_filename (fixture->dir, "bin", "does-not-exist", NULL);
  const char *hint = "      installHint: Install cloud-cli from https://example.com/cli\n";

  assert_exec_fails (fixture->dir, failing, hint, TD_ERROR_EXITED, (const char *[]) {
    "failed with exit code 3", "token expired, run: cloud login", "\n\nInstall cloud-cli from https://example.com/cli", NULL });
  assert_exec_fails (fixture->dir, missing, hint, TD_ERROR_NOT_FOUND, (const char *[]) {
    "exec: executable ", "not found", "Install cloud-cli", NULL });
  assert_exec_fails (fixture->dir, no_version, "", TD_ERROR_PARSE, (const char *[]) { "without apiVersion", NULL });
  assert_exec_fails (fixture->dir, wrong_version, "", TD_ERROR_INVALID, (const char *[]) {
    "configured to use API version client.authentication.k8s.io/v1, plugin returned version "
    "client.authentication.k8s.io/v1beta1", NULL });
  assert_exec_fails (fixture->dir, half, "", TD_ERROR_INVALID, (const char *[]) { "only certificate or key", NULL });
  assert_exec_fails (fixture->dir, garbage, "", TD_ERROR_PARSE, (const char *[]) { "decoding stdout", NULL });
}

/* The plugin's output holds the secret: it must not leak into error messages. */
static void
test_exec_errors_hide_output (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *garbage = write_script (fixture->dir, "bin/garbage", "#!/bin/sh\necho 'secret-value not json'\n");
  g_autofree char *path = exec_kubeconfig (fixture->dir, garbage, "");
  g_autoptr(TdKubeconfig) kubeconfig = load_explicit (path);

  g_assert_null (td_kubeconfig_resolve (kubeconfig, NULL, NULL, &error));
  g_assert_nonnull (error);
  g_assert_null (strstr (error->message, "secret-value"));
}

/* ---- Helpers ---- */

static void
test_loopback (void)
{
  g_assert_true (td_kubeconfig_server_is_loopback ("https://127.0.0.1:55000"));
  g_assert_true (td_kubeconfig_server_is_loopback ("https://[::1]:6443"));
  g_assert_true (td_kubeconfig_server_is_loopback ("https://localhost:8443"));
  g_assert_true (td_kubeconfig_server_is_loopback ("https://LOCALHOST"));
  g_assert_true (td_kubeconfig_server_is_loopback ("127.0.0.1:6443"));
  g_assert_false (td_kubeconfig_server_is_loopback ("https://192.168.49.2:8443"));
  g_assert_false (td_kubeconfig_server_is_loopback ("https://[2001:db8::1]:6443"));
  g_assert_false (td_kubeconfig_server_is_loopback ("https://localhost.example.com"));
  g_assert_false (td_kubeconfig_server_is_loopback (NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  g_test_add_func ("/kubeconfig/merge/expected", test_merge_matches_expected);
  g_test_add_func ("/kubeconfig/merge/missing-ca-file", test_merge_fixture_missing_ca_file);
  ADD ("/kubeconfig/merge/effective", test_merge_effective);
  ADD ("/kubeconfig/merge/kubectl", test_merge_against_kubectl);
  ADD ("/kubeconfig/real/minikube-macos", test_minikube_macos);
  g_test_add_func ("/kubeconfig/real/minikube-ha", test_minikube_ha);
  ADD ("/kubeconfig/real/kind", test_kind);
  ADD ("/kubeconfig/files/kubeconfig-list", test_kubeconfig_list);
  ADD ("/kubeconfig/files/empty", test_empty_file);
  ADD ("/kubeconfig/files/home", test_home_default);
  ADD ("/kubeconfig/files/explicit", test_explicit_path);
  ADD ("/kubeconfig/rules/relative-paths", test_relative_paths);
  ADD ("/kubeconfig/rules/duplicate-names", test_duplicate_names);
  ADD ("/kubeconfig/resolve/missing-references", test_missing_references);
  ADD ("/kubeconfig/resolve/validation", test_validation);
  ADD ("/kubeconfig/exec/token-cached", test_exec_token);
  ADD ("/kubeconfig/exec/flatpak-host", test_exec_on_flatpak_host);
  ADD ("/kubeconfig/exec/expired", test_exec_expired_and_no_cluster_info);
  ADD ("/kubeconfig/exec/certificate", test_exec_certificate);
  ADD ("/kubeconfig/exec/failures", test_exec_failures);
  ADD ("/kubeconfig/exec/hide-output", test_exec_errors_hide_output);
  g_test_add_func ("/kubeconfig/loopback", test_loopback);
#undef ADD

  return g_test_run ();
}
