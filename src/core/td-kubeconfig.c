/* td-kubeconfig.c: kubeconfig files read, merged and resolved the way client-go's clientcmd does */
#define G_LOG_DOMAIN "td-kubeconfig"

#include <string.h>

#include "td-error.h"
#include "td-kubeconfig.h"
#include "td-runner.h"
#include "td-yaml.h"

/* ---- The model: one struct per kind of entry, described by a field table ----
 *
 * The same table drives parsing, path resolution, freeing and the JSON view, so a field is
 * declared once. */

typedef enum {
  FIELD_STRING,
  FIELD_PATH,     /* made absolute against the directory of the file it came from */
  FIELD_BASE64,   /* kept as written, but must be valid base64 (Go decodes []byte at load) */
  FIELD_BOOL,
} FieldType;

typedef struct {
  const char *key;
  FieldType   type;
  gsize       offset;
} Field;

typedef struct {
  char *name;
  char *origin;   /* absolute path of the file the entry came from */
} Entry;

typedef struct {
  Entry    entry;
  char    *server;
  char    *tls_server_name;
  gboolean insecure_skip_tls_verify;
  char    *certificate_authority;
  char    *certificate_authority_data;
  char    *proxy_url;
  gboolean disable_compression;
} Cluster;

typedef struct {
  Entry entry;
  char *cluster;
  char *user;
  char *namespace;
} Context;

typedef struct {
  char  *name;
  char  *value;
} ExecEnv;

/* Reference-counted (g_rc_box) so that a plugin run in flight survives a reload. */
typedef struct {
  char      *api_version;
  char      *command;
  GStrv      args;
  GPtrArray *env;                 /* ExecEnv, in file order */
  char      *install_hint;
  char      *interactive_mode;
  gboolean   provide_cluster_info;
} ExecConfig;

typedef struct {
  Entry       entry;
  char       *client_certificate;
  char       *client_certificate_data;
  char       *client_key;
  char       *client_key_data;
  char       *token;
  char       *token_file;
  char       *username;
  char       *password;
  char       *auth_provider;       /* legacy auth-provider: only detected, not supported */
  ExecConfig *exec;
} User;

#define FIELD(type, member, key, kind) { key, kind, G_STRUCT_OFFSET (type, member) }

static const Field cluster_fields[] = {
  FIELD (Cluster, server, "server", FIELD_STRING),
  FIELD (Cluster, tls_server_name, "tls-server-name", FIELD_STRING),
  FIELD (Cluster, insecure_skip_tls_verify, "insecure-skip-tls-verify", FIELD_BOOL),
  FIELD (Cluster, certificate_authority, "certificate-authority", FIELD_PATH),
  FIELD (Cluster, certificate_authority_data, "certificate-authority-data", FIELD_BASE64),
  FIELD (Cluster, proxy_url, "proxy-url", FIELD_STRING),
  FIELD (Cluster, disable_compression, "disable-compression", FIELD_BOOL),
};

static const Field context_fields[] = {
  FIELD (Context, cluster, "cluster", FIELD_STRING),
  FIELD (Context, user, "user", FIELD_STRING),
  FIELD (Context, namespace, "namespace", FIELD_STRING),
};

static const Field user_fields[] = {
  FIELD (User, client_certificate, "client-certificate", FIELD_PATH),
  FIELD (User, client_certificate_data, "client-certificate-data", FIELD_BASE64),
  FIELD (User, client_key, "client-key", FIELD_PATH),
  FIELD (User, client_key_data, "client-key-data", FIELD_BASE64),
  FIELD (User, token, "token", FIELD_STRING),
  FIELD (User, token_file, "tokenFile", FIELD_PATH),
  FIELD (User, username, "username", FIELD_STRING),
  FIELD (User, password, "password", FIELD_STRING),
};

typedef enum {
  KIND_CLUSTER,
  KIND_CONTEXT,
  KIND_USER,
  N_KINDS,
} KindId;

typedef struct {
  const char  *list_key;    /* "clusters" */
  const char  *entry_key;   /* "cluster" */
  gsize        size;
  const Field *fields;
  guint        n_fields;
} Kind;

static const Kind kinds[N_KINDS] = {
  [KIND_CLUSTER] = { "clusters", "cluster", sizeof (Cluster), cluster_fields, G_N_ELEMENTS (cluster_fields) },
  [KIND_CONTEXT] = { "contexts", "context", sizeof (Context), context_fields, G_N_ELEMENTS (context_fields) },
  [KIND_USER] = { "users", "user", sizeof (User), user_fields, G_N_ELEMENTS (user_fields) },
};

#define FIELD_STR(entry, field) (*(char **) G_STRUCT_MEMBER_P ((entry), (field)->offset))
#define FIELD_BOOLEAN(entry, field) (*(gboolean *) G_STRUCT_MEMBER_P ((entry), (field)->offset))

/* An exec credential as the plugin returned it, kept until it expires. */
typedef struct {
  char      *token;
  char      *client_certificate_pem;
  char      *client_key_pem;
  GDateTime *expires_at;
} ExecCredential;

struct _TdKubeconfig {
  GObject     parent_instance;

  char       *home_dir;
  char       *kubeconfig_env;

  GPtrArray  *files;                 /* char*, NULL-terminated */
  char       *current_context;
  GHashTable *entries[N_KINDS];      /* name → Cluster / Context / User */
  GHashTable *exec_cache;            /* user name → ExecCredential */
  guint       generation;            /* bumped by every load, so late plugin results are dropped */
  TdRunner   *runner;                /* NULL: exec plugins start here, never on the Flatpak host */
};

G_DEFINE_FINAL_TYPE (TdKubeconfig, td_kubeconfig, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_HOME_DIR,
  PROP_KUBECONFIG_ENV,
  PROP_CURRENT_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
exec_env_free (ExecEnv *env)
{
  g_free (env->name);
  g_free (env->value);
  g_free (env);
}

static void
exec_config_clear (ExecConfig *exec)
{
  g_free (exec->api_version);
  g_free (exec->command);
  g_strfreev (exec->args);
  g_clear_pointer (&exec->env, g_ptr_array_unref);
  g_free (exec->install_hint);
  g_free (exec->interactive_mode);
}

static void
exec_config_release (ExecConfig *exec)
{
  g_rc_box_release_full (exec, (GDestroyNotify) exec_config_clear);
}

static void
exec_credential_free (ExecCredential *credential)
{
  g_free (credential->token);
  g_free (credential->client_certificate_pem);
  g_free (credential->client_key_pem);
  g_clear_pointer (&credential->expires_at, g_date_time_unref);
  g_free (credential);
}

static void
entry_free (KindId kind_id, Entry *entry)
{
  const Kind *kind = &kinds[kind_id];

  for (guint i = 0; i < kind->n_fields; i++)
    if (kind->fields[i].type != FIELD_BOOL)
      g_free (FIELD_STR (entry, &kind->fields[i]));
  if (kind_id == KIND_USER)
    {
      User *user = (User *) entry;
      g_free (user->auth_provider);
      g_clear_pointer (&user->exec, exec_config_release);
    }
  g_free (entry->name);
  g_free (entry->origin);
  g_free (entry);
}

static void cluster_free (gpointer entry) { entry_free (KIND_CLUSTER, entry); }
static void context_free (gpointer entry) { entry_free (KIND_CONTEXT, entry); }
static void user_free (gpointer entry) { entry_free (KIND_USER, entry); }

static const GDestroyNotify entry_free_funcs[N_KINDS] = { cluster_free, context_free, user_free };

/* ---- Parsing one file ---- */

/* Go's base64.StdEncoding (what []byte fields go through): padding required, '\r' and '\n'
 * ignored. On failure @bad_offset is the byte Go's CorruptInputError would name. */
static gboolean
base64_is_valid (const char *text, gsize *bad_offset)
{
  guint in_quantum = 0;           /* characters of the current 4-character quantum seen */
  gsize quantum_start = 0;
  gboolean padding = FALSE;       /* '=' seen in this quantum */
  gboolean finished = FALSE;      /* a padded quantum ended the data */

  for (gsize i = 0; text[i] != '\0'; i++)
    {
      char c = text[i];

      if (c == '\r' || c == '\n')
        continue;
      if (in_quantum == 0)
        quantum_start = i;
      if (finished ||
          (c == '=' && in_quantum < 2) ||
          (c != '=' && (padding || !(g_ascii_isalnum (c) || c == '+' || c == '/'))))
        {
          *bad_offset = i;
          return FALSE;
        }
      padding = padding || c == '=';
      if (++in_quantum == 4)
        {
          finished = padding;
          in_quantum = 0;
        }
    }
  if (in_quantum != 0)
    {
      *bad_offset = quantum_start;
      return FALSE;
    }
  return TRUE;
}

/* client-go's ResolveLocalPaths: relative paths are joined to the file's directory (and cleaned,
 * as filepath.Join does); empty and absolute ones stay. */
static char *
resolve_path (const char *dir, const char *path)
{
  if (path[0] == '\0' || g_path_is_absolute (path))
    return g_strdup (path);
  return g_canonicalize_filename (path, dir);
}

static gboolean
get_string (const TdYamlNode *node, const char *key, char **out, GError **error)
{
  const TdYamlNode *value = td_yaml_mapping_get (node, key);

  *out = NULL;
  if (td_yaml_is_null (value))
    return TRUE;
  if (value->kind != TD_YAML_SCALAR)
    return td_yaml_set_error (value, error, "“%s” must be a string", key);
  if (value->value[0] != '\0')
    *out = g_strdup (value->value);
  return TRUE;
}

static gboolean
get_bool (const TdYamlNode *node, const char *key, gboolean *out, GError **error)
{
  const TdYamlNode *value = td_yaml_mapping_get (node, key);

  *out = FALSE;
  if (td_yaml_is_null (value))
    return TRUE;
  if (!td_yaml_get_bool (value, out))
    return td_yaml_set_error (value, error, "“%s” must be true or false", key);
  return TRUE;
}

static gboolean
parse_fields (const Kind *kind, Entry *entry, const TdYamlNode *node, const char *dir, GError **error)
{
  for (guint i = 0; i < kind->n_fields; i++)
    {
      const Field *field = &kind->fields[i];
      char *text = NULL;
      gsize bad_offset = 0;

      if (field->type == FIELD_BOOL)
        {
          if (!get_bool (node, field->key, &FIELD_BOOLEAN (entry, field), error))
            return FALSE;
          continue;
        }
      if (!get_string (node, field->key, &text, error))
        return FALSE;
      if (text != NULL && field->type == FIELD_PATH)
        {
          char *absolute = resolve_path (dir, text);
          g_free (text);
          text = absolute;
        }
      else if (text != NULL && field->type == FIELD_BASE64 && !base64_is_valid (text, &bad_offset))
        {
          g_free (text);
          return td_yaml_set_error (td_yaml_mapping_get (node, field->key), error,
                                    "“%s” is not base64: illegal base64 data at input byte %" G_GSIZE_FORMAT
                                    " (paste the output of “base64 -w0 FILE”)",
                                    field->key, bad_offset);
        }
      FIELD_STR (entry, field) = text;
    }
  return TRUE;
}

static gboolean
parse_exec (const TdYamlNode *node, const char *dir, ExecConfig **out, GError **error)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  const TdYamlNode *list;
  ExecConfig *exec;

  if (node->kind != TD_YAML_MAPPING)
    return td_yaml_set_error (node, error, "“exec” must be a mapping");
  exec = g_rc_box_new0 (ExecConfig);
  exec->env = g_ptr_array_new_with_free_func ((GDestroyNotify) exec_env_free);
  *out = exec;   /* owned by the caller from here on, even on error */
  if (!get_string (node, "apiVersion", &exec->api_version, error) ||
      !get_string (node, "command", &exec->command, error) ||
      !get_string (node, "installHint", &exec->install_hint, error) ||
      !get_string (node, "interactiveMode", &exec->interactive_mode, error) ||
      !get_bool (node, "provideClusterInfo", &exec->provide_cluster_info, error))
    return FALSE;

  /* A bare command name is looked up on PATH; only one with a separator is a relative path. */
  if (exec->command != NULL && strchr (exec->command, G_DIR_SEPARATOR) != NULL)
    {
      char *absolute = resolve_path (dir, exec->command);
      g_free (exec->command);
      exec->command = absolute;
    }

  list = td_yaml_mapping_get (node, "args");
  if (!td_yaml_is_null (list) && list->kind != TD_YAML_SEQUENCE)
    return td_yaml_set_error (list, error, "“args” must be a list of strings");
  for (guint i = 0; i < td_yaml_n_children (list); i++)
    {
      const TdYamlNode *arg = td_yaml_child (list, i);
      if (arg->kind != TD_YAML_SCALAR)
        return td_yaml_set_error (arg, error, "“args” must be a list of strings");
      g_ptr_array_add (args, g_strdup (arg->value));
    }
  g_ptr_array_add (args, NULL);
  exec->args = (GStrv) g_ptr_array_free (g_steal_pointer (&args), FALSE);

  list = td_yaml_mapping_get (node, "env");
  if (!td_yaml_is_null (list) && list->kind != TD_YAML_SEQUENCE)
    return td_yaml_set_error (list, error, "“env” must be a list of {name, value}");
  for (guint i = 0; i < td_yaml_n_children (list); i++)
    {
      const TdYamlNode *item = td_yaml_child (list, i);
      ExecEnv *env;

      if (item->kind != TD_YAML_MAPPING)
        return td_yaml_set_error (item, error, "“env” must be a list of {name, value}");
      env = g_new0 (ExecEnv, 1);
      g_ptr_array_add (exec->env, env);
      if (!get_string (item, "name", &env->name, error) ||
          !get_string (item, "value", &env->value, error))
        return FALSE;
      if (env->name == NULL)
        return td_yaml_set_error (item, error, "an exec “env” entry has no name");
    }
  return TRUE;
}

static gboolean
parse_user_extras (User *user, const TdYamlNode *node, const char *dir, GError **error)
{
  const TdYamlNode *exec = td_yaml_mapping_get (node, "exec");
  const TdYamlNode *provider = td_yaml_mapping_get (node, "auth-provider");

  if (!td_yaml_is_null (provider))
    {
      const char *name = td_yaml_mapping_get_string (provider, "name");
      user->auth_provider = g_strdup (name != NULL ? name : "(unnamed)");
    }
  if (!td_yaml_is_null (exec))
    return parse_exec (exec, dir, &user->exec, error);
  return TRUE;
}

/* One list ("clusters", …) of one file. Every entry is parsed (so errors are found even in entries
 * that lose the merge), but only names not yet known are kept: the first file wins, wholesale. */
static gboolean
parse_list (TdKubeconfig *self, KindId kind_id, const TdYamlNode *root, const char *origin,
            const char *dir, GError **error)
{
  const Kind *kind = &kinds[kind_id];
  const TdYamlNode *list = td_yaml_mapping_get (root, kind->list_key);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  if (td_yaml_is_null (list))
    return TRUE;
  if (list->kind != TD_YAML_SEQUENCE)
    return td_yaml_set_error (list, error, "“%s” must be a list", kind->list_key);

  for (guint i = 0; i < td_yaml_n_children (list); i++)
    {
      const TdYamlNode *item = td_yaml_child (list, i);
      const TdYamlNode *name_node = td_yaml_mapping_get (item, "name");
      const TdYamlNode *body;
      const char *name;
      Entry *entry;
      gboolean ok;

      if (item->kind != TD_YAML_MAPPING)
        return td_yaml_set_error (item, error, "each item of “%s” must be a mapping with a name",
                                  kind->list_key);
      name = td_yaml_scalar (name_node);
      if (name == NULL)
        name = "";
      if (g_hash_table_contains (seen, name))
        return td_yaml_set_error (name_node, error, "duplicate name \"%s\" in list", name);
      g_hash_table_add (seen, (gpointer) name);

      body = td_yaml_mapping_get (item, kind->entry_key);
      if (!td_yaml_is_null (body) && body->kind != TD_YAML_MAPPING)
        return td_yaml_set_error (body, error, "“%s” must be a mapping", kind->entry_key);

      entry = g_malloc0 (kind->size);
      entry->name = g_strdup (name);
      entry->origin = g_strdup (origin);
      ok = parse_fields (kind, entry, body, dir, error);
      if (ok && kind_id == KIND_USER)
        ok = parse_user_extras ((User *) entry, body, dir, error);
      if (ok && !g_hash_table_contains (self->entries[kind_id], name))
        g_hash_table_insert (self->entries[kind_id], entry->name, entry);
      else
        entry_free (kind_id, entry);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static gboolean
load_file (TdKubeconfig *self, const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *origin = g_canonicalize_filename (path, NULL);
  g_autofree char *dir = g_path_get_dirname (origin);
  g_autoptr(TdYamlNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;
  const TdYamlNode *current;

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, TD_ERROR, TD_ERROR_FAILED, "error loading config file \"%s\": %s",
                   path, local_error->message);
      return FALSE;
    }
  root = td_yaml_parse (contents, length, path, error);
  if (root == NULL)
    return FALSE;
  /* A file with nothing but a null document is as empty as an empty file. */
  if (td_yaml_is_null (root))
    {
      g_ptr_array_insert (self->files, self->files->len - 1, g_strdup (origin));
      return TRUE;
    }
  if (root->kind != TD_YAML_MAPPING)
    return td_yaml_set_error (root, error, "a kubeconfig file must be a mapping (apiVersion, clusters, …)");

  current = td_yaml_mapping_get (root, "current-context");
  if (self->current_context == NULL && td_yaml_scalar (current) != NULL && current->value[0] != '\0')
    self->current_context = g_strdup (current->value);

  for (KindId kind_id = 0; kind_id < N_KINDS; kind_id++)
    if (!parse_list (self, kind_id, root, origin, dir, error))
      return FALSE;

  /* Keep the NULL terminator last. */
  g_ptr_array_insert (self->files, self->files->len - 1, g_strdup (origin));
  return TRUE;
}

static void
clear_loaded (TdKubeconfig *self)
{
  g_ptr_array_set_size (self->files, 0);
  g_ptr_array_add (self->files, NULL);
  g_clear_pointer (&self->current_context, g_free);
  for (KindId kind_id = 0; kind_id < N_KINDS; kind_id++)
    g_hash_table_remove_all (self->entries[kind_id]);
  g_hash_table_remove_all (self->exec_cache);
  self->generation++;
}

/* The precedence list: KUBECONFIG split on ':', duplicates removed keeping the first, else the
 * home file. */
static GPtrArray *
precedence_list (TdKubeconfig *self)
{
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);

  if (self->kubeconfig_env != NULL && self->kubeconfig_env[0] != '\0')
    {
      g_auto(GStrv) parts = g_strsplit (self->kubeconfig_env, G_SEARCHPATH_SEPARATOR_S, -1);
      for (guint i = 0; parts[i] != NULL; i++)
        if (parts[i][0] != '\0' &&
            !g_ptr_array_find_with_equal_func (paths, parts[i], g_str_equal, NULL))
          g_ptr_array_add (paths, g_strdup (parts[i]));
    }
  else
    g_ptr_array_add (paths, g_build_filename (self->home_dir, ".kube", "config", NULL));
  return paths;
}

gboolean
td_kubeconfig_load (TdKubeconfig *self, const char *explicit_path, GError **error)
{
  g_autoptr(GPtrArray) paths = NULL;
  gboolean ok = TRUE;

  g_return_val_if_fail (TD_IS_KUBECONFIG (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  clear_loaded (self);

  if (explicit_path != NULL && explicit_path[0] != '\0')
    {
      /* Like --kubeconfig: this file alone, and it must exist. */
      if (!g_file_test (explicit_path, G_FILE_TEST_EXISTS))
        {
          g_set_error (error, TD_ERROR, TD_ERROR_NOT_FOUND,
                       "the kubeconfig file %s does not exist; check the path, or run "
                       "“minikube start”, which writes one", explicit_path);
          return FALSE;
        }
      ok = load_file (self, explicit_path, error);
    }
  else
    {
      paths = precedence_list (self);
      for (guint i = 0; ok && i < paths->len; i++)
        if (g_file_test (paths->pdata[i], G_FILE_TEST_EXISTS))
          ok = load_file (self, paths->pdata[i], error);

      if (ok && self->files->len == 1)
        {
          g_ptr_array_add (paths, NULL);
          g_autofree char *looked = g_strjoinv (", ", (char **) paths->pdata);
          g_set_error (error, TD_ERROR, TD_ERROR_NOT_FOUND,
                       "invalid configuration: no configuration has been provided, try setting "
                       "KUBERNETES_MASTER environment variable (none of these kubeconfig files "
                       "exist: %s; “minikube start” writes ~/.kube/config)", looked);
          ok = FALSE;
        }
    }

  if (!ok)
    clear_loaded (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT_CONTEXT]);
  return ok;
}

const char * const *
td_kubeconfig_get_files (TdKubeconfig *self)
{
  g_return_val_if_fail (TD_IS_KUBECONFIG (self), NULL);
  return (const char * const *) self->files->pdata;
}

const char *
td_kubeconfig_get_current_context (TdKubeconfig *self)
{
  g_return_val_if_fail (TD_IS_KUBECONFIG (self), NULL);
  return self->current_context;
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static GPtrArray *
sorted_names (GHashTable *table)
{
  GPtrArray *names = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (names, key);
  g_ptr_array_sort (names, compare_strings);
  return names;
}

char **
td_kubeconfig_dup_context_names (TdKubeconfig *self)
{
  g_autoptr(GPtrArray) names = NULL;
  GStrvBuilder *builder;
  char **result;

  g_return_val_if_fail (TD_IS_KUBECONFIG (self), NULL);
  names = sorted_names (self->entries[KIND_CONTEXT]);
  builder = g_strv_builder_new ();
  for (guint i = 0; i < names->len; i++)
    g_strv_builder_add (builder, names->pdata[i]);
  result = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return result;
}

/* ---- The JSON view ---- */

static void
exec_to_json (const ExecConfig *exec, JsonBuilder *builder)
{
  json_builder_set_member_name (builder, "exec");
  json_builder_begin_object (builder);
  if (exec->api_version != NULL)
    {
      json_builder_set_member_name (builder, "apiVersion");
      json_builder_add_string_value (builder, exec->api_version);
    }
  if (exec->command != NULL)
    {
      json_builder_set_member_name (builder, "command");
      json_builder_add_string_value (builder, exec->command);
    }
  if (exec->args[0] != NULL)
    {
      json_builder_set_member_name (builder, "args");
      json_builder_begin_array (builder);
      for (guint i = 0; exec->args[i] != NULL; i++)
        json_builder_add_string_value (builder, exec->args[i]);
      json_builder_end_array (builder);
    }
  if (exec->env->len > 0)
    {
      json_builder_set_member_name (builder, "env");
      json_builder_begin_array (builder);
      for (guint i = 0; i < exec->env->len; i++)
        {
          const ExecEnv *env = exec->env->pdata[i];
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, env->name);
          json_builder_set_member_name (builder, "value");
          json_builder_add_string_value (builder, env->value != NULL ? env->value : "");
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }
  if (exec->install_hint != NULL)
    {
      json_builder_set_member_name (builder, "installHint");
      json_builder_add_string_value (builder, exec->install_hint);
    }
  if (exec->interactive_mode != NULL)
    {
      json_builder_set_member_name (builder, "interactiveMode");
      json_builder_add_string_value (builder, exec->interactive_mode);
    }
  /* Not omitempty in client-go's types, so always written. */
  json_builder_set_member_name (builder, "provideClusterInfo");
  json_builder_add_boolean_value (builder, exec->provide_cluster_info);
  json_builder_end_object (builder);
}

JsonNode *
td_kubeconfig_to_json (TdKubeconfig *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (TD_IS_KUBECONFIG (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "current-context");
  json_builder_add_string_value (builder, self->current_context != NULL ? self->current_context : "");
  for (KindId kind_id = 0; kind_id < N_KINDS; kind_id++)
    {
      const Kind *kind = &kinds[kind_id];
      g_autoptr(GPtrArray) names = sorted_names (self->entries[kind_id]);

      json_builder_set_member_name (builder, kind->list_key);
      json_builder_begin_object (builder);
      for (guint i = 0; i < names->len; i++)
        {
          Entry *entry = g_hash_table_lookup (self->entries[kind_id], names->pdata[i]);

          json_builder_set_member_name (builder, entry->name);
          json_builder_begin_object (builder);
          for (guint f = 0; f < kind->n_fields; f++)
            {
              const Field *field = &kind->fields[f];

              if (field->type == FIELD_BOOL && FIELD_BOOLEAN (entry, field))
                {
                  json_builder_set_member_name (builder, field->key);
                  json_builder_add_boolean_value (builder, TRUE);
                }
              else if (field->type != FIELD_BOOL && FIELD_STR (entry, field) != NULL)
                {
                  json_builder_set_member_name (builder, field->key);
                  json_builder_add_string_value (builder, FIELD_STR (entry, field));
                }
            }
          if (kind_id == KIND_USER && ((User *) entry)->exec != NULL)
            exec_to_json (((User *) entry)->exec, builder);
          json_builder_end_object (builder);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* ---- Resolving a context ---- */

static char *
describe_files (TdKubeconfig *self)
{
  if (self->files->len <= 1)
    return g_strdup ("(no kubeconfig file)");
  return g_strjoinv (", ", (char **) self->files->pdata);
}

static gboolean
read_text_file (const char *path, const char *what, const char *owner_kind, const char *owner,
                char **out, GError **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!g_file_get_contents (path, out, NULL, &local_error))
    {
      g_set_error (error, TD_ERROR, TD_ERROR_NOT_FOUND, "unable to read %s %s for %s \"%s\": %s",
                   what, path, owner_kind, owner, local_error->message);
      return FALSE;
    }
  return TRUE;
}

static char *
decode_base64_text (const char *text)
{
  gsize length = 0;
  g_autofree guchar *data = g_base64_decode (text, &length);

  return g_strndup ((const char *) data, length);
}

static gboolean
resolve_cluster (const Cluster *cluster, TdKubeCredentials *creds, GError **error)
{
  const char *where = cluster->entry.origin;
  gboolean has_ca = cluster->certificate_authority != NULL || cluster->certificate_authority_data != NULL;

  if (cluster->server == NULL)
    {
      g_set_error (error, TD_ERROR, TD_ERROR_INVALID,
                   "no server found for cluster \"%s\" in %s; add its “server: https://…” line",
                   cluster->entry.name, where);
      return FALSE;
    }
  if (cluster->proxy_url != NULL)
    {
      g_autofree char *scheme = g_uri_parse_scheme (cluster->proxy_url);
      if (scheme == NULL || !(g_ascii_strcasecmp (scheme, "http") == 0 ||
                              g_ascii_strcasecmp (scheme, "https") == 0 ||
                              g_ascii_strcasecmp (scheme, "socks5") == 0))
        {
          g_set_error (error, TD_ERROR, TD_ERROR_INVALID,
                       "invalid 'proxy-url' \"%s\" for cluster \"%s\" in %s: only http, https "
                       "and socks5 proxies are supported",
                       cluster->proxy_url, cluster->entry.name, where);
          return FALSE;
        }
    }
  if (has_ca && cluster->insecure_skip_tls_verify)
    {
      g_set_error (error, TD_ERROR, TD_ERROR_INVALID,
                   "cluster \"%s\" in %s sets both a certificate authority and "
                   "insecure-skip-tls-verify: specifying a root certificates file with the "
                   "insecure flag is not allowed; remove one of the two",
                   cluster->entry.name, where);
      return FALSE;
    }

  creds->cluster_name = g_strdup (cluster->entry.name);
  creds->server = g_strdup (cluster->server);
  creds->tls_server_name = g_strdup (cluster->tls_server_name);
  creds->insecure_skip_tls_verify = cluster->insecure_skip_tls_verify;
  creds->disable_compression = cluster->disable_compression;
  creds->proxy_url = g_strdup (cluster->proxy_url);

  /* -data overrides the file. */
  if (cluster->certificate_authority_data != NULL)
    creds->ca_pem = decode_base64_text (cluster->certificate_authority_data);
  else if (cluster->certificate_authority != NULL)
    {
      if (!read_text_file (cluster->certificate_authority, "certificate-authority", "cluster",
                           cluster->entry.name, &creds->ca_pem, error))
        return FALSE;
      creds->ca_file = g_strdup (cluster->certificate_authority);
    }
  return TRUE;
}

static gboolean
resolve_user (const User *user, TdKubeCredentials *creds, GError **error)
{
  const char *name = user->entry.name;
  const char *where = user->entry.origin;

  /* client-go counts these two methods; a client certificate may go with either. */
  if (user->token != NULL && (user->username != NULL || user->password != NULL))
    {
      g_set_error (error, TD_ERROR, TD_ERROR_INVALID,
                   "more than one authentication method found for \"%s\" in %s; found "
                   "[token basicAuth], only one is allowed", name, where);
      return FALSE;
    }
  if (user->exec != NULL && user->auth_provider != NULL)
    {
      g_set_error (error, TD_ERROR, TD_ERROR_INVALID,
                   "authProvider cannot be provided in combination with an exec plugin for \"%s\" in %s",
                   name, where);
      return FALSE;
    }
  if (user->auth_provider != NULL)
    {
      g_set_error (error, TD_ERROR, TD_ERROR_INVALID,
                   "user \"%s\" in %s uses the legacy auth-provider \"%s\", which Todo Deploy does not "
                   "support; switch it to an exec plugin (for example kubelogin)",
                   name, where, user->auth_provider);
      return FALSE;
    }

  creds->user_name = g_strdup (name);
  creds->username = g_strdup (user->username);
  creds->password = g_strdup (user->password);

  if (user->client_certificate != NULL || user->client_certificate_data != NULL)
    {
      if (user->client_key == NULL && user->client_key_data == NULL)
        {
          g_set_error (error, TD_ERROR, TD_ERROR_INVALID,
                       "client-key-data or client-key must be specified for \"%s\" in %s to use "
                       "the clientCert authentication method", name, where);
          return FALSE;
        }
      if (user->client_certificate_data != NULL)
        creds->client_certificate_pem = decode_base64_text (user->client_certificate_data);
      else if (!read_text_file (user->client_certificate, "client-cert", "user", name,
                                &creds->client_certificate_pem, error))
        return FALSE;
      if (user->client_key_data != NULL)
        creds->client_key_pem = decode_base64_text (user->client_key_data);
      else if (!read_text_file (user->client_key, "client-key", "user", name,
                                &creds->client_key_pem, error))
        return FALSE;
    }

  if (user->token != NULL)
    creds->token = g_strdup (user->token);
  else if (user->token_file != NULL)
    {
      g_autofree char *text = NULL;

      if (!read_text_file (user->token_file, "tokenFile", "user", name, &text, error))
        return FALSE;
      g_strstrip (text);
      if (text[0] == '\0')
        {
          g_set_error (error, TD_ERROR, TD_ERROR_INVALID,
                       "read empty token from file \"%s\" (tokenFile of user \"%s\")",
                       user->token_file, name);
          return FALSE;
        }
      creds->token = g_steal_pointer (&text);
    }
  return TRUE;
}

/* What a resolve needs to finish: the credentials so far and, when the exec plugin must run, the
 * running plugin. */
typedef struct {
  TdKubeCredentials *creds;
  ExecConfig        *exec;          /* a reference, or NULL */
  GSubprocess       *plugin;
  guint              generation;
} Resolution;

static void
resolution_free (Resolution *resolution)
{
  g_clear_pointer (&resolution->creds, td_kube_credentials_unref);
  g_clear_pointer (&resolution->exec, exec_config_release);
  g_clear_object (&resolution->plugin);
  g_free (resolution);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Resolution, resolution_free)

static gboolean
exec_credential_is_valid (const ExecCredential *credential)
{
  g_autoptr(GDateTime) now = NULL;

  if (credential->expires_at == NULL)
    return TRUE;
  now = g_date_time_new_now_utc ();
  return g_date_time_compare (now, credential->expires_at) < 0;
}

static void
apply_exec_credential (TdKubeCredentials *creds, const ExecCredential *credential)
{
  creds->from_exec_plugin = TRUE;
  if (credential->token != NULL)
    creds->token = g_strdup (credential->token);
  if (credential->client_certificate_pem != NULL)
    {
      g_free (creds->client_certificate_pem);
      g_free (creds->client_key_pem);
      creds->client_certificate_pem = g_strdup (credential->client_certificate_pem);
      creds->client_key_pem = g_strdup (credential->client_key_pem);
    }
  if (credential->expires_at != NULL)
    creds->expires_at = g_date_time_ref (credential->expires_at);
}

static char *
with_install_hint (const ExecConfig *exec, const char *message)
{
  if (exec->install_hint == NULL)
    return g_strdup (message);
  return g_strdup_printf ("%s\n\n%s", message, exec->install_hint);
}

static gboolean
exec_fail (const ExecConfig *exec, GError **error, int code, const char *format, ...) G_GNUC_PRINTF (4, 5);

static gboolean
exec_fail (const ExecConfig *exec, GError **error, int code, const char *format, ...)
{
  g_autofree char *message = NULL;
  g_autofree char *full = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  full = with_install_hint (exec, message);
  g_set_error_literal (error, TD_ERROR, code, full);
  return FALSE;
}

/* KUBERNETES_EXEC_INFO: an ExecCredential with the spec the plugin may read. */
static char *
build_exec_info (const ExecConfig *exec, const TdKubeCredentials *creds)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "apiVersion");
  json_builder_add_string_value (builder, exec->api_version);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, "ExecCredential");
  json_builder_set_member_name (builder, "spec");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "interactive");
  json_builder_add_boolean_value (builder, FALSE);
  if (exec->provide_cluster_info)
    {
      json_builder_set_member_name (builder, "cluster");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "server");
      json_builder_add_string_value (builder, creds->server);
      if (creds->tls_server_name != NULL)
        {
          json_builder_set_member_name (builder, "tls-server-name");
          json_builder_add_string_value (builder, creds->tls_server_name);
        }
      if (creds->insecure_skip_tls_verify)
        {
          json_builder_set_member_name (builder, "insecure-skip-tls-verify");
          json_builder_add_boolean_value (builder, TRUE);
        }
      if (creds->ca_pem != NULL)
        {
          g_autofree char *encoded = g_base64_encode ((const guchar *) creds->ca_pem, strlen (creds->ca_pem));
          json_builder_set_member_name (builder, "certificate-authority-data");
          json_builder_add_string_value (builder, encoded);
        }
      if (creds->proxy_url != NULL)
        {
          json_builder_set_member_name (builder, "proxy-url");
          json_builder_add_string_value (builder, creds->proxy_url);
        }
      if (creds->disable_compression)
        {
          json_builder_set_member_name (builder, "disable-compression");
          json_builder_add_boolean_value (builder, TRUE);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* Inside Flatpak the plugin (a cloud provider's CLI) is a host program: it runs through the
 * runner's flatpak-spawn argv, its environment passed as --env= options. */
static GSubprocess *
exec_plugin_spawn_on_host (TdRunner *runner, const ExecConfig *exec, const char * const *argv,
                           const char *exec_info, GError **error)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE |
                               G_SUBPROCESS_FLAGS_SEARCH_PATH_FROM_ENVP);
  g_autoptr(GStrvBuilder) overlay_builder = g_strv_builder_new ();
  g_autofree char *info_entry = g_strconcat ("KUBERNETES_EXEC_INFO=", exec_info, NULL);
  g_auto(GStrv) overlay = NULL;
  g_auto(GStrv) host_argv = NULL;
  g_auto(GStrv) env = NULL;

  for (guint i = 0; i < exec->env->len; i++)
    {
      const ExecEnv *entry = exec->env->pdata[i];
      g_autofree char *pair = g_strdup_printf ("%s=%s", entry->name, entry->value != NULL ? entry->value : "");

      g_strv_builder_add (overlay_builder, pair);
    }
  g_strv_builder_add (overlay_builder, info_entry);
  overlay = g_strv_builder_end (overlay_builder);
  host_argv = td_runner_build_argv (runner, argv, NULL, (const char * const *) overlay);
  env = td_runner_build_environ (runner, NULL);
  g_subprocess_launcher_set_environ (launcher, env);
  return g_subprocess_launcher_spawnv (launcher, (const char * const *) host_argv, error);
}

/* The one place that starts the plugin. stdin is /dev/null: we are never interactive. */
static GSubprocess *
exec_plugin_spawn (TdRunner *runner, const ExecConfig *exec, const char *exec_info, GError **error)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, exec->command);
  for (guint i = 0; exec->args[i] != NULL; i++)
    g_ptr_array_add (argv, exec->args[i]);
  g_ptr_array_add (argv, NULL);
  if (runner != NULL && td_runner_get_sandboxed (runner))
    return exec_plugin_spawn_on_host (runner, exec, (const char * const *) argv->pdata, exec_info, error);

  for (guint i = 0; i < exec->env->len; i++)
    {
      const ExecEnv *env = exec->env->pdata[i];
      g_subprocess_launcher_setenv (launcher, env->name, env->value != NULL ? env->value : "", TRUE);
    }
  g_subprocess_launcher_setenv (launcher, "KUBERNETES_EXEC_INFO", exec_info, TRUE);
  return g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, error);
}

static gboolean
check_exec_config (const ExecConfig *exec, const char *user_name, const char *where, GError **error)
{
  const char *problem = NULL;

  if (exec->command == NULL)
    problem = "command must be specified";
  else if (exec->api_version == NULL)
    problem = "apiVersion must be specified";
  else if (!g_str_equal (exec->api_version, "client.authentication.k8s.io/v1") &&
           !g_str_equal (exec->api_version, "client.authentication.k8s.io/v1beta1"))
    {
      g_set_error (error, TD_ERROR, TD_ERROR_INVALID,
                   "exec plugin of user \"%s\" in %s: invalid apiVersion \"%s\" (use "
                   "client.authentication.k8s.io/v1 or v1beta1)", user_name, where, exec->api_version);
      return FALSE;
    }
  else if (g_strcmp0 (exec->interactive_mode, "Always") == 0)
    problem = "interactiveMode Always needs a terminal, which Todo Deploy cannot give the plugin";
  if (problem != NULL)
    {
      g_set_error (error, TD_ERROR, TD_ERROR_INVALID, "exec plugin of user \"%s\" in %s: %s",
                   user_name, where, problem);
      return FALSE;
    }
  return TRUE;
}

static Resolution *
resolve_begin (TdKubeconfig *self, const char *context_name, GError **error)
{
  g_autoptr(Resolution) resolution = g_new0 (Resolution, 1);
  g_autofree char *files = describe_files (self);
  g_autofree char *exec_info = NULL;
  g_autoptr(GError) spawn_error = NULL;
  const char *name = context_name != NULL && context_name[0] != '\0' ? context_name : self->current_context;
  const Context *context;
  const Cluster *cluster;
  const User *user;
  const ExecCredential *cached;

  if (name == NULL)
    {
      g_set_error (error, TD_ERROR, TD_ERROR_NOT_FOUND,
                   "no current context is set in %s; choose one with “kubectl config use-context NAME”",
                   files);
      return NULL;
    }
  context = g_hash_table_lookup (self->entries[KIND_CONTEXT], name);
  if (context == NULL)
    {
      g_set_error (error, TD_ERROR, TD_ERROR_NOT_FOUND, "context \"%s\" not found in %s", name, files);
      return NULL;
    }
  if (context->cluster == NULL || context->user == NULL)
    {
      g_set_error (error, TD_ERROR, TD_ERROR_INVALID, "context \"%s\" in %s names no %s",
                   name, context->entry.origin, context->cluster == NULL ? "cluster" : "user");
      return NULL;
    }
  cluster = g_hash_table_lookup (self->entries[KIND_CLUSTER], context->cluster);
  if (cluster == NULL)
    {
      g_set_error (error, TD_ERROR, TD_ERROR_NOT_FOUND,
                   "cluster \"%s\" (used by context \"%s\" in %s) not found in %s",
                   context->cluster, name, context->entry.origin, files);
      return NULL;
    }
  user = g_hash_table_lookup (self->entries[KIND_USER], context->user);
  if (user == NULL)
    {
      g_set_error (error, TD_ERROR, TD_ERROR_NOT_FOUND,
                   "user \"%s\" (used by context \"%s\" in %s) not found in %s",
                   context->user, name, context->entry.origin, files);
      return NULL;
    }

  resolution->creds = td_kube_credentials_new ();
  resolution->generation = self->generation;
  resolution->creds->context_name = g_strdup (name);
  resolution->creds->config_file = g_strdup (context->entry.origin);
  resolution->creds->namespace = g_strdup (context->namespace != NULL ? context->namespace : "default");
  if (!resolve_cluster (cluster, resolution->creds, error) ||
      !resolve_user (user, resolution->creds, error))
    return NULL;

  /* A token in the kubeconfig wins over the plugin, as in client-go (it skips exec then). */
  if (user->exec == NULL || resolution->creds->token != NULL)
    return g_steal_pointer (&resolution);
  if (!check_exec_config (user->exec, user->entry.name, user->entry.origin, error))
    return NULL;

  cached = g_hash_table_lookup (self->exec_cache, user->entry.name);
  if (cached != NULL && exec_credential_is_valid (cached))
    {
      apply_exec_credential (resolution->creds, cached);
      return g_steal_pointer (&resolution);
    }

  resolution->exec = g_rc_box_acquire (user->exec);
  exec_info = build_exec_info (user->exec, resolution->creds);
  resolution->plugin = exec_plugin_spawn (self->runner, user->exec, exec_info, &spawn_error);
  if (resolution->plugin == NULL)
    {
      if (g_error_matches (spawn_error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT))
        exec_fail (user->exec, error, TD_ERROR_NOT_FOUND, "exec: executable %s not found",
                   user->exec->command);
      else
        exec_fail (user->exec, error, TD_ERROR_FAILED, "exec: %s", spawn_error->message);
      return NULL;
    }
  return g_steal_pointer (&resolution);
}

static const char *
member_string (JsonObject *object, const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* The plugin's stdout: an ExecCredential. Certificate and key are plain PEM, not base64. The
 * output is never quoted in messages: it holds the secret. */
static ExecCredential *
parse_exec_credential (const ExecConfig *exec, const char *output, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  ExecCredential *credential;
  JsonObject *root, *status;
  const char *api_version, *kind, *expiry;

  /* json-glib's message quotes the offending text, which may be the secret: give only the place. */
  if (!json_parser_load_from_data (parser, output, -1, &local_error) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      exec_fail (exec, error, TD_ERROR_PARSE,
                 "exec plugin %s did not print an ExecCredential: decoding stdout: %s", exec->command,
                 local_error != NULL ? "not valid JSON" : "not a JSON object");
      return NULL;
    }
  root = json_node_get_object (json_parser_get_root (parser));
  api_version = member_string (root, "apiVersion");
  kind = member_string (root, "kind");
  if (api_version == NULL)
    {
      exec_fail (exec, error, TD_ERROR_PARSE, "exec plugin %s returned an ExecCredential without apiVersion",
                 exec->command);
      return NULL;
    }
  if (!g_str_equal (api_version, exec->api_version))
    {
      exec_fail (exec, error, TD_ERROR_INVALID,
                 "exec plugin is configured to use API version %s, plugin returned version %s",
                 exec->api_version, api_version);
      return NULL;
    }
  if (kind != NULL && !g_str_equal (kind, "ExecCredential"))
    {
      exec_fail (exec, error, TD_ERROR_INVALID, "exec plugin %s returned a %s, not an ExecCredential",
                 exec->command, kind);
      return NULL;
    }
  status = json_object_has_member (root, "status") ? json_object_get_object_member (root, "status") : NULL;
  if (status == NULL)
    {
      exec_fail (exec, error, TD_ERROR_INVALID, "exec plugin didn't return a status field");
      return NULL;
    }

  credential = g_new0 (ExecCredential, 1);
  credential->token = g_strdup (member_string (status, "token"));
  credential->client_certificate_pem = g_strdup (member_string (status, "clientCertificateData"));
  credential->client_key_pem = g_strdup (member_string (status, "clientKeyData"));
  expiry = member_string (status, "expirationTimestamp");
  if (expiry != NULL && (credential->expires_at = g_date_time_new_from_iso8601 (expiry, NULL)) == NULL)
    {
      exec_credential_free (credential);
      exec_fail (exec, error, TD_ERROR_INVALID,
                 "exec plugin %s returned an expirationTimestamp that is not RFC 3339: %s",
                 exec->command, expiry);
      return NULL;
    }
  if ((credential->client_certificate_pem == NULL) != (credential->client_key_pem == NULL))
    {
      exec_credential_free (credential);
      exec_fail (exec, error, TD_ERROR_INVALID, "exec plugin returned only certificate or key, not both");
      return NULL;
    }
  if (credential->token == NULL && credential->client_certificate_pem == NULL)
    {
      exec_credential_free (credential);
      exec_fail (exec, error, TD_ERROR_INVALID, "exec plugin didn't return a token or cert/key pair");
      return NULL;
    }
  return credential;
}

/* After the plugin ended (@communicated FALSE: reading its output failed, @error is set). */
static gboolean
resolve_plugin_done (TdKubeconfig *self, Resolution *resolution, gboolean communicated,
                     const char *stdout_text, const char *stderr_text, GError **error)
{
  const ExecConfig *exec = resolution->exec;
  ExecCredential *credential;

  if (!communicated)
    return FALSE;
  if (!g_subprocess_get_if_exited (resolution->plugin) ||
      g_subprocess_get_exit_status (resolution->plugin) != 0)
    {
      g_autofree char *said = g_strstrip (g_strdup (stderr_text != NULL ? stderr_text : ""));

      if (!g_subprocess_get_if_exited (resolution->plugin))
        return exec_fail (exec, error, TD_ERROR_EXITED, "exec: executable %s was killed by signal %d%s%s",
                          exec->command, g_subprocess_get_term_sig (resolution->plugin),
                          said[0] != '\0' ? ": " : "", said);
      return exec_fail (exec, error, TD_ERROR_EXITED, "exec: executable %s failed with exit code %d%s%s",
                        exec->command, g_subprocess_get_exit_status (resolution->plugin),
                        said[0] != '\0' ? ": " : "", said);
    }
  credential = parse_exec_credential (exec, stdout_text != NULL ? stdout_text : "", error);
  if (credential == NULL)
    return FALSE;
  apply_exec_credential (resolution->creds, credential);
  if (resolution->generation == self->generation)
    g_hash_table_insert (self->exec_cache, g_strdup (resolution->creds->user_name), credential);
  else
    exec_credential_free (credential);
  return TRUE;
}

TdKubeCredentials *
td_kubeconfig_resolve (TdKubeconfig *self, const char *context_name, GCancellable *cancellable,
                       GError **error)
{
  g_autoptr(Resolution) resolution = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  gboolean communicated;

  g_return_val_if_fail (TD_IS_KUBECONFIG (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  resolution = resolve_begin (self, context_name, error);
  if (resolution == NULL)
    return NULL;
  if (resolution->plugin != NULL)
    {
      communicated = g_subprocess_communicate_utf8 (resolution->plugin, NULL, cancellable,
                                                    &stdout_text, &stderr_text, error);
      if (!communicated)
        g_subprocess_force_exit (resolution->plugin);
      if (!resolve_plugin_done (self, resolution, communicated, stdout_text, stderr_text, error))
        return NULL;
    }
  return g_steal_pointer (&resolution->creds);
}

static void
on_plugin_communicated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  TdKubeconfig *self = g_task_get_source_object (task);
  Resolution *resolution = g_task_get_task_data (task);
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  GError *error = NULL;
  gboolean communicated;

  communicated = g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result,
                                                       &stdout_text, &stderr_text, &error);
  if (!communicated)
    g_subprocess_force_exit (G_SUBPROCESS (source));
  if (!resolve_plugin_done (self, resolution, communicated, stdout_text, stderr_text, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, td_kube_credentials_ref (resolution->creds),
                           (GDestroyNotify) td_kube_credentials_unref);
}

void
td_kubeconfig_resolve_async (TdKubeconfig *self, const char *context_name, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  Resolution *resolution;
  GError *error = NULL;

  g_return_if_fail (TD_IS_KUBECONFIG (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, td_kubeconfig_resolve_async);

  resolution = resolve_begin (self, context_name, &error);
  if (resolution == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_set_task_data (task, resolution, (GDestroyNotify) resolution_free);
  if (resolution->plugin == NULL)
    {
      g_task_return_pointer (task, td_kube_credentials_ref (resolution->creds),
                             (GDestroyNotify) td_kube_credentials_unref);
      return;
    }
  g_subprocess_communicate_utf8_async (resolution->plugin, NULL, cancellable,
                                       on_plugin_communicated, g_steal_pointer (&task));
}

TdKubeCredentials *
td_kubeconfig_resolve_finish (TdKubeconfig *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
td_kubeconfig_forget_exec_credential (TdKubeconfig *self, const char *user_name)
{
  g_return_if_fail (TD_IS_KUBECONFIG (self));
  g_hash_table_remove (self->exec_cache, user_name);
}

gboolean
td_kubeconfig_server_is_loopback (const char *server_url)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GInetAddress) address = NULL;
  const char *host;

  if (server_url == NULL)
    return FALSE;
  uri = g_uri_parse (server_url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL)
    {
      /* client-go accepts "host:port" without a scheme and assumes https. */
      g_autofree char *with_scheme = g_strconcat ("https://", server_url, NULL);
      g_clear_pointer (&uri, g_uri_unref);
      uri = g_uri_parse (with_scheme, G_URI_FLAGS_NONE, NULL);
    }
  if (uri == NULL || (host = g_uri_get_host (uri)) == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0 || g_ascii_strcasecmp (host, "localhost.") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/* ---- GObject ---- */

void
td_kubeconfig_set_home_dir (TdKubeconfig *self, const char *home_dir)
{
  g_return_if_fail (TD_IS_KUBECONFIG (self));
  if (g_strcmp0 (self->home_dir, home_dir) == 0)
    return;
  g_free (self->home_dir);
  self->home_dir = g_strdup (home_dir != NULL ? home_dir : g_get_home_dir ());
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOME_DIR]);
}

void
td_kubeconfig_set_runner (TdKubeconfig *self, TdRunner *runner)
{
  g_return_if_fail (TD_IS_KUBECONFIG (self));
  g_return_if_fail (runner == NULL || TD_IS_RUNNER (runner));
  g_set_object (&self->runner, runner);
}

const char *
td_kubeconfig_get_home_dir (TdKubeconfig *self)
{
  g_return_val_if_fail (TD_IS_KUBECONFIG (self), NULL);
  return self->home_dir;
}

void
td_kubeconfig_set_kubeconfig_env (TdKubeconfig *self, const char *kubeconfig_env)
{
  g_return_if_fail (TD_IS_KUBECONFIG (self));
  if (g_strcmp0 (self->kubeconfig_env, kubeconfig_env) == 0)
    return;
  g_free (self->kubeconfig_env);
  self->kubeconfig_env = g_strdup (kubeconfig_env);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KUBECONFIG_ENV]);
}

const char *
td_kubeconfig_get_kubeconfig_env (TdKubeconfig *self)
{
  g_return_val_if_fail (TD_IS_KUBECONFIG (self), NULL);
  return self->kubeconfig_env;
}

TdKubeconfig *
td_kubeconfig_new (void)
{
  return g_object_new (TD_TYPE_KUBECONFIG, NULL);
}

static void
td_kubeconfig_finalize (GObject *object)
{
  TdKubeconfig *self = TD_KUBECONFIG (object);

  g_free (self->home_dir);
  g_free (self->kubeconfig_env);
  g_ptr_array_unref (self->files);
  g_free (self->current_context);
  for (KindId kind_id = 0; kind_id < N_KINDS; kind_id++)
    g_hash_table_unref (self->entries[kind_id]);
  g_hash_table_unref (self->exec_cache);
  g_clear_object (&self->runner);

  G_OBJECT_CLASS (td_kubeconfig_parent_class)->finalize (object);
}

static void
td_kubeconfig_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TdKubeconfig *self = TD_KUBECONFIG (object);

  switch (prop_id)
    {
    case PROP_HOME_DIR:
      g_value_set_string (value, self->home_dir);
      break;
    case PROP_KUBECONFIG_ENV:
      g_value_set_string (value, self->kubeconfig_env);
      break;
    case PROP_CURRENT_CONTEXT:
      g_value_set_string (value, self->current_context);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_kubeconfig_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  TdKubeconfig *self = TD_KUBECONFIG (object);

  switch (prop_id)
    {
    case PROP_HOME_DIR:
      td_kubeconfig_set_home_dir (self, g_value_get_string (value));
      break;
    case PROP_KUBECONFIG_ENV:
      td_kubeconfig_set_kubeconfig_env (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_kubeconfig_class_init (TdKubeconfigClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = td_kubeconfig_finalize;
  object_class->get_property = td_kubeconfig_get_property;
  object_class->set_property = td_kubeconfig_set_property;

  properties[PROP_HOME_DIR] =
    g_param_spec_string ("home-dir", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_KUBECONFIG_ENV] =
    g_param_spec_string ("kubeconfig-env", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CURRENT_CONTEXT] =
    g_param_spec_string ("current-context", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
td_kubeconfig_init (TdKubeconfig *self)
{
  self->home_dir = g_strdup (g_get_home_dir ());
  self->kubeconfig_env = g_strdup (g_getenv ("KUBECONFIG"));
  self->files = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->files, NULL);
  for (KindId kind_id = 0; kind_id < N_KINDS; kind_id++)
    self->entries[kind_id] = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, entry_free_funcs[kind_id]);
  self->exec_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) exec_credential_free);
}
