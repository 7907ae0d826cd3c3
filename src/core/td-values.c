/* td-values.c */
#define G_LOG_DOMAIN "td-values"

#include <string.h>

#include "td-atomic-file.h"
#include "td-error.h"
#include "td-values.h"

#define HEADER "Defaults from the seed's T022, written by Todo Deploy. Right-sizing (T031) changes resources."

/* ---- building nodes --------------------------------------------------------------------------- */

static TdYamlNode *
node_new (TdYamlKind kind, const char *value)
{
  TdYamlNode *node = g_new0 (TdYamlNode, 1);

  node->kind = kind;
  node->value = g_strdup (value);
  node->source = g_intern_static_string ("<values>");
  if (kind != TD_YAML_SCALAR)
    node->children = g_ptr_array_new_with_free_func ((GDestroyNotify) td_yaml_node_free);
  if (kind == TD_YAML_MAPPING)
    node->keys = g_ptr_array_new_with_free_func ((GDestroyNotify) td_yaml_node_free);
  return node;
}

static int
mapping_index (const TdYamlNode *mapping, const char *key)
{
  for (guint i = 0; i < td_yaml_n_children (mapping); i++)
    if (g_strcmp0 (((TdYamlNode *) mapping->keys->pdata[i])->value, key) == 0)
      return (int) i;
  return -1;
}

/* Puts @child (taken) under @key, replacing what was there, keeping the key's place. */
static void
mapping_put (TdYamlNode *mapping, const char *key, TdYamlNode *child)
{
  int index = mapping_index (mapping, key);

  if (index < 0)
    {
      g_ptr_array_add (mapping->keys, node_new (TD_YAML_SCALAR, key));
      g_ptr_array_add (mapping->children, child);
      return;
    }
  td_yaml_node_free (mapping->children->pdata[index]);
  mapping->children->pdata[index] = child;
}

/* ---- reading ---------------------------------------------------------------------------------- */

TdYamlNode *
td_values_read (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  gsize length = 0;
  TdYamlNode *tree;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, TD_ERROR, TD_ERROR_NOT_FOUND, "%s does not exist.", path);
      return NULL;
    }
  if (!g_file_get_contents (path, &text, &length, error))
    return NULL;
  tree = td_yaml_parse (text, length, path, error);
  if (tree == NULL && error != NULL && *error != NULL)
    return NULL;
  if (tree == NULL || td_yaml_is_null (tree))
    {
      g_clear_pointer (&tree, td_yaml_node_free);
      return node_new (TD_YAML_MAPPING, NULL);
    }
  if (tree->kind != TD_YAML_MAPPING)
    {
      td_yaml_set_error (tree, error, "values.yaml must be a mapping of keys to values.");
      td_yaml_node_free (tree);
      return NULL;
    }
  return tree;
}

/* ---- writing ---------------------------------------------------------------------------------- */

/* Plain scalars that read back as the same text: no indicator first, no ": " or " #" inside. */
static gboolean
plain_is_safe (const char *text)
{
  gsize length = strlen (text);

  if (length == 0 || g_ascii_isspace (text[0]) || g_ascii_isspace (text[length - 1]))
    return FALSE;
  if (strchr ("-?:,[]{}#&*!|>'\"%@`", text[0]) != NULL)
    return FALSE;
  if (strstr (text, ": ") != NULL || strstr (text, " #") != NULL || text[length - 1] == ':')
    return FALSE;
  for (const char *p = text; *p; p++)
    if ((guchar) *p < 0x20)
      return FALSE;
  return TRUE;
}

static void
append_double_quoted (GString *out, const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p; p++)
    {
      switch (*p)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\r': g_string_append (out, "\\r"); break;
        default:
          if ((guchar) *p < 0x20)
            g_string_append_printf (out, "\\x%02x", (guchar) *p);
          else
            g_string_append_c (out, *p);
        }
    }
  g_string_append_c (out, '"');
}

static void
append_scalar (GString *out, const TdYamlNode *scalar)
{
  const char *text = scalar->value ? scalar->value : "";

  /* An unquoted empty scalar is YAML's null: keep it one. */
  if (!scalar->quoted && text[0] == '\0')
    g_string_append (out, "null");
  else if (scalar->quoted || !plain_is_safe (text))
    append_double_quoted (out, text);
  else
    g_string_append (out, text);
}

static void append_mapping (GString *out, const TdYamlNode *mapping, guint indent, gboolean spaced);
static void append_sequence (GString *out, const TdYamlNode *sequence, guint indent);

/* What follows "key:" or "-": the scalar on the same line, or a nested block on the next lines. */
static void
append_value (GString *out, const TdYamlNode *value, guint indent)
{
  if (value->kind == TD_YAML_SCALAR)
    {
      g_string_append_c (out, ' ');
      append_scalar (out, value);
      g_string_append_c (out, '\n');
    }
  else if (td_yaml_n_children (value) == 0)
    g_string_append (out, value->kind == TD_YAML_MAPPING ? " {}\n" : " []\n");
  else
    {
      g_string_append_c (out, '\n');
      if (value->kind == TD_YAML_MAPPING)
        append_mapping (out, value, indent, FALSE);
      else
        append_sequence (out, value, indent);
    }
}

static void
append_mapping (GString *out, const TdYamlNode *mapping, guint indent, gboolean spaced)
{
  for (guint i = 0; i < td_yaml_n_children (mapping); i++)
    {
      const TdYamlNode *key = mapping->keys->pdata[i];

      if (spaced && i > 0)
        g_string_append_c (out, '\n');
      g_string_append_printf (out, "%*s", (int) indent, "");
      append_scalar (out, key);
      g_string_append_c (out, ':');
      append_value (out, td_yaml_child (mapping, i), indent + 2);
    }
}

static void
append_sequence (GString *out, const TdYamlNode *sequence, guint indent)
{
  for (guint i = 0; i < td_yaml_n_children (sequence); i++)
    {
      const TdYamlNode *item = td_yaml_child (sequence, i);

      if (item->kind == TD_YAML_SCALAR || td_yaml_n_children (item) == 0)
        {
          g_string_append_printf (out, "%*s-", (int) indent, "");
          append_value (out, item, indent + 2);
        }
      else
        {
          /* "- " takes the place of the nested block's first indent. */
          g_autoptr(GString) nested = g_string_new (NULL);

          if (item->kind == TD_YAML_MAPPING)
            append_mapping (nested, item, indent + 2, FALSE);
          else
            append_sequence (nested, item, indent + 2);
          g_string_append_printf (out, "%*s- ", (int) indent, "");
          g_string_append (out, nested->str + indent + 2);
        }
    }
}

char *
td_values_to_text (const TdYamlNode *values, const char *header)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (values != NULL && values->kind == TD_YAML_MAPPING, NULL);
  if (header != NULL)
    {
      g_auto(GStrv) lines = g_strsplit (header, "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        g_string_append_printf (out, "# %s\n", lines[i]);
    }
  append_mapping (out, values, 0, TRUE);
  return g_string_free (out, FALSE);
}

gboolean
td_values_write (const char *path, const TdYamlNode *values, const char *header, GError **error)
{
  g_autofree char *text = td_values_to_text (values, header);

  return td_atomic_file_write (path, text, -1, error);
}

/* ---- trees ------------------------------------------------------------------------------------ */

TdYamlNode *
td_values_merge (const TdYamlNode *base, const TdYamlNode *overlay)
{
  TdYamlNode *merged;

  if (base->kind != TD_YAML_MAPPING || overlay->kind != TD_YAML_MAPPING)
    return td_yaml_node_copy (overlay);
  merged = td_yaml_node_copy (base);
  for (guint i = 0; i < td_yaml_n_children (overlay); i++)
    {
      const char *key = ((TdYamlNode *) overlay->keys->pdata[i])->value;
      const TdYamlNode *mine = td_yaml_mapping_get (merged, key);
      const TdYamlNode *theirs = td_yaml_child (overlay, i);

      mapping_put (merged, key, mine != NULL ? td_values_merge (mine, theirs) : td_yaml_node_copy (theirs));
    }
  return merged;
}

static gboolean
has_shape (const TdYamlNode *values, const TdYamlNode *shape, const char *prefix, char **out_missing)
{
  for (guint i = 0; i < td_yaml_n_children (shape); i++)
    {
      const char *key = ((TdYamlNode *) shape->keys->pdata[i])->value;
      const TdYamlNode *wanted = td_yaml_child (shape, i);
      const TdYamlNode *found = td_yaml_mapping_get (values, key);
      g_autofree char *path = prefix ? g_strconcat (prefix, ".", key, NULL) : g_strdup (key);

      if (found == NULL || (wanted->kind == TD_YAML_MAPPING && found->kind != TD_YAML_MAPPING))
        {
          if (out_missing != NULL)
            *out_missing = g_steal_pointer (&path);
          return FALSE;
        }
      if (wanted->kind == TD_YAML_MAPPING && !has_shape (found, wanted, path, out_missing))
        return FALSE;
    }
  return TRUE;
}

gboolean
td_values_has_shape (const TdYamlNode *values, const TdYamlNode *shape, char **out_missing)
{
  g_return_val_if_fail (values != NULL && shape != NULL, FALSE);
  if (shape->kind != TD_YAML_MAPPING)
    return TRUE;
  if (values->kind != TD_YAML_MAPPING)
    {
      if (out_missing != NULL)
        *out_missing = g_strdup ("(top level)");
      return FALSE;
    }
  return has_shape (values, shape, NULL, out_missing);
}

gboolean
td_values_is_helm_create_example (const TdYamlNode *values)
{
  const TdYamlNode *image = td_yaml_mapping_get (values, "image");

  if (values->kind != TD_YAML_MAPPING || td_yaml_mapping_get (values, "backend") != NULL ||
      td_yaml_mapping_get (values, "frontend") != NULL)
    return FALSE;
  return td_yaml_mapping_get (values, "replicaCount") != NULL ||
         (image != NULL && td_yaml_mapping_get (image, "repository") != NULL);
}

const TdYamlNode *
td_values_lookup (const TdYamlNode *values, const char *dotted_path)
{
  g_auto(GStrv) parts = g_strsplit (dotted_path, ".", -1);
  const TdYamlNode *node = values;

  for (guint i = 0; parts[i] != NULL && node != NULL; i++)
    node = td_yaml_mapping_get (node, parts[i]);
  return node;
}

gboolean
td_values_set_scalar (TdYamlNode *values, const char *dotted_path, const char *value, gboolean quoted)
{
  g_auto(GStrv) parts = g_strsplit (dotted_path, ".", -1);
  TdYamlNode *node = values;
  TdYamlNode *scalar;
  guint n = g_strv_length (parts);

  g_return_val_if_fail (n > 0, FALSE);
  for (guint i = 0; i + 1 < n; i++)
    {
      int index;

      if (node->kind != TD_YAML_MAPPING)
        return FALSE;
      index = mapping_index (node, parts[i]);
      if (index < 0)
        {
          mapping_put (node, parts[i], node_new (TD_YAML_MAPPING, NULL));
          index = mapping_index (node, parts[i]);
        }
      node = node->children->pdata[index];
    }
  if (node->kind != TD_YAML_MAPPING)
    return FALSE;
  scalar = node_new (TD_YAML_SCALAR, value);
  scalar->quoted = quoted;
  mapping_put (node, parts[n - 1], scalar);
  return TRUE;
}

gboolean
td_values_apply_defaults (const char *path, const TdYamlNode *defaults, TdValuesOutcome *out_outcome,
                          GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(TdYamlNode) existing = td_values_read (path, &local_error);
  g_autoptr(TdYamlNode) merged = NULL;
  TdValuesOutcome outcome;

  g_return_val_if_fail (defaults != NULL && defaults->kind == TD_YAML_MAPPING, FALSE);
  if (existing == NULL && !g_error_matches (local_error, TD_ERROR, TD_ERROR_NOT_FOUND))
    {
      /* Never overwrite a file we cannot read: it may hold the user's work. */
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (existing == NULL || td_yaml_n_children (existing) == 0 || td_values_is_helm_create_example (existing))
    {
      outcome = TD_VALUES_WRITTEN;
      if (!td_values_write (path, defaults, HEADER, error))
        return FALSE;
    }
  else if (td_values_has_shape (existing, defaults, NULL))
    outcome = TD_VALUES_KEPT;
  else
    {
      outcome = TD_VALUES_MERGED;
      merged = td_values_merge (defaults, existing);
      if (!td_values_write (path, merged, HEADER, error))
        return FALSE;
    }
  if (out_outcome != NULL)
    *out_outcome = outcome;
  return TRUE;
}
