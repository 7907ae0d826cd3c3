/* td-manifest-template.c: see td-manifest-template.h */
#define G_LOG_DOMAIN "td-manifest-template"

#include <string.h>

#include "td-error.h"
#include "td-manifest-template.h"

typedef struct {
  gsize  offset;        /* bytes into the text */
  gsize  length;
  char  *replacement;
} Edit;

static void
edit_free (Edit *edit)
{
  g_free (edit->replacement);
  g_free (edit);
}

/* The node at dotted @path below @node (mappings only), or NULL. */
static const TdYamlNode *
at_path (const TdYamlNode *node, const char *path)
{
  g_auto(GStrv) keys = g_strsplit (path, ".", -1);

  for (guint i = 0; keys[i] != NULL && node != NULL; i++)
    node = node->kind == TD_YAML_MAPPING ? td_yaml_mapping_get (node, keys[i]) : NULL;
  return node;
}

/* The item of sequence @list whose @key equals @wanted, else the first that has @key. */
static const TdYamlNode *
item_with (const TdYamlNode *list, const char *key, const char *wanted)
{
  const TdYamlNode *first = NULL;

  if (list == NULL || list->kind != TD_YAML_SEQUENCE)
    return NULL;
  for (guint i = 0; i < td_yaml_n_children (list); i++)
    {
      const TdYamlNode *value = td_yaml_mapping_get (td_yaml_child (list, i), key);

      if (value == NULL)
        continue;
      if (wanted != NULL && g_strcmp0 (td_yaml_scalar (value), wanted) == 0)
        return td_yaml_child (list, i);
      if (first == NULL)
        first = td_yaml_child (list, i);
    }
  return first;
}

/* The literal a key of a Deployment contract's `container:` names inside the container. */
static const TdYamlNode *
container_literal (const TdYamlNode *contract, const TdYamlNode *container, const char *key)
{
  const char *dot = strchr (key, '.');

  if (g_str_equal (key, "containerPort"))
    {
      const TdYamlNode *entry = item_with (td_yaml_mapping_get (container, "ports"), "containerPort",
                                           td_yaml_mapping_get_string (at_path (contract, "container"), "containerPort"));
      return entry != NULL ? td_yaml_mapping_get (entry, "containerPort") : NULL;
    }
  if (g_str_has_prefix (key, "envFrom."))
    {
      const TdYamlNode *entry = item_with (td_yaml_mapping_get (container, "envFrom"), key + strlen ("envFrom."), NULL);
      return entry != NULL ? at_path (td_yaml_mapping_get (entry, key + strlen ("envFrom.")), "name") : NULL;
    }
  /* The contract's probe path and port live under httpGet. */
  if (dot != NULL && (g_str_equal (dot, ".path") || g_str_equal (dot, ".port")) &&
      dot - key > (gssize) strlen ("Probe") && strncmp (dot - strlen ("Probe"), "Probe", strlen ("Probe")) == 0)
    {
      g_autofree char *probe = g_strndup (key, dot - key);
      g_autofree char *path = g_strdup_printf ("%s.httpGet.%s", probe, dot + 1);
      const TdYamlNode *node = at_path (container, path);
      gint64 number;

      /* A named port ("http") points at the container's port, which is templated already. */
      if (g_str_equal (dot + 1, "port") && (node == NULL || !td_yaml_get_int (node, &number)))
        return NULL;
      return node;
    }
  return at_path (container, key);
}

/* The node in @manifest holding the literal that the contract key @key describes, or NULL. */
static const TdYamlNode *
find_literal (const TdYamlNode *contract, const TdYamlNode *manifest, const char *key)
{
  if (g_str_has_prefix (key, "container."))
    {
      const TdYamlNode *containers = at_path (manifest, "spec.template.spec.containers");
      const TdYamlNode *container = item_with (containers, "image",
                                               td_yaml_mapping_get_string (at_path (contract, "container"), "image"));

      return container != NULL ? container_literal (contract, container, key + strlen ("container.")) : NULL;
    }
  if (g_str_equal (key, "replicas"))
    return at_path (manifest, "spec.replicas");
  if (g_str_equal (key, "name"))
    return at_path (manifest, "metadata.name");
  if (g_str_equal (key, "port") || g_str_equal (key, "targetPort") || g_str_equal (key, "nodePort"))
    {
      const TdYamlNode *entry = item_with (at_path (manifest, "spec.ports"), "port",
                                           td_yaml_mapping_get_string (contract, "port"));
      return entry != NULL ? td_yaml_mapping_get (entry, key) : NULL;
    }
  return at_path (manifest, key);
}

/* Byte offset of 1-based @line, @column (characters) in @text, or -1. */
static gssize
offset_of (const char *text, guint line, guint column)
{
  const char *p = text;

  for (guint l = 1; l < line; l++)
    {
      p = strchr (p, '\n');
      if (p == NULL)
        return -1;
      p++;
    }
  for (guint c = 1; c < column; c++)
    {
      if (*p == '\0' || *p == '\n')
        return -1;
      p = g_utf8_next_char (p);
    }
  return p - text;
}

/* How many bytes the scalar @node occupies at @start, or 0 when it is not on one line. */
static gsize
scalar_length (const TdYamlNode *node, const char *start)
{
  const char *p;

  if (*start == '"' || *start == '\'')
    {
      for (p = start + 1; *p != '\0' && *p != '\n'; p++)
        {
          if (*start == '"' && *p == '\\' && p[1] != '\0')
            p++;
          else if (*p == *start && !(*start == '\'' && p[1] == '\''))
            return p + 1 - start;
          else if (*p == '\'' && *start == '\'')
            p++;   /* '' inside single quotes */
        }
      return 0;
    }
  /* A plain scalar on one line is written exactly as its value. */
  if (node->value != NULL && *node->value != '\0' && strchr (node->value, '\n') == NULL &&
      strncmp (start, node->value, strlen (node->value)) == 0)
    return strlen (node->value);
  return 0;
}

/* `{{ .Values.a }}`, `{{ .Values.a | quote }}`, or for a list `"{{ .Values.a }}:{{ .Values.b }}"`. */
static char *
reference_for (const TdYamlNode *paths, const TdYamlNode *literal)
{
  gint64 number;

  if (paths->kind == TD_YAML_SEQUENCE)
    {
      GString *joined = g_string_new ("\"");

      for (guint i = 0; i < td_yaml_n_children (paths); i++)
        g_string_append_printf (joined, "%s{{ .Values.%s }}", i > 0 ? ":" : "", td_yaml_scalar (td_yaml_child (paths, i)));
      g_string_append_c (joined, '"');
      return g_string_free (joined, FALSE);
    }
  if (!literal->quoted && td_yaml_get_int (literal, &number))
    return g_strdup_printf ("{{ .Values.%s }}", td_yaml_scalar (paths));
  return g_strdup_printf ("{{ .Values.%s | quote }}", td_yaml_scalar (paths));
}

static int
by_offset_descending (gconstpointer a, gconstpointer b)
{
  const Edit *x = *(const Edit * const *) a;
  const Edit *y = *(const Edit * const *) b;

  return x->offset < y->offset ? 1 : x->offset > y->offset ? -1 : 0;
}

char *
td_manifest_template (const TdYamlNode *contract, const char *text, guint *out_n_templated, GError **error)
{
  const TdYamlNode *values = td_yaml_mapping_get (contract, "values");
  g_autoptr(GPtrArray) documents = NULL;
  g_autoptr(GPtrArray) edits = g_ptr_array_new_with_free_func ((GDestroyNotify) edit_free);
  g_autoptr(GString) result = g_string_new (text);
  const TdYamlNode *manifest;

  if (strstr (text, "{{") != NULL)
    {
      g_set_error_literal (error, TD_ERROR, TD_ERROR_INVALID,
                           "the manifest already holds Helm template braces ({{ … }}); it is used as it is");
      return NULL;
    }
  documents = td_yaml_parse_all (text, -1, "manifest", error);
  if (documents == NULL)
    return NULL;
  manifest = documents->len > 0 ? documents->pdata[0] : NULL;
  if (manifest == NULL || manifest->kind != TD_YAML_MAPPING)
    {
      g_set_error_literal (error, TD_ERROR, TD_ERROR_PARSE, "the manifest is not a Kubernetes object (a YAML mapping)");
      return NULL;
    }

  for (guint i = 0; values != NULL && values->kind == TD_YAML_MAPPING && i < values->keys->len; i++)
    {
      const char *key = td_yaml_scalar (values->keys->pdata[i]);
      const TdYamlNode *literal = find_literal (contract, manifest, key);
      gssize offset;
      gsize length;
      Edit *edit;
      gboolean duplicate = FALSE;

      if (literal == NULL || literal->kind != TD_YAML_SCALAR ||
          (offset = offset_of (text, literal->line, literal->column)) < 0 ||
          (length = scalar_length (literal, text + offset)) == 0)
        continue;
      /* Two keys may name one literal (a probe's port is the container's); the first wins. */
      for (guint j = 0; j < edits->len; j++)
        duplicate |= ((Edit *) edits->pdata[j])->offset == (gsize) offset;
      if (duplicate)
        continue;
      edit = g_new0 (Edit, 1);
      edit->offset = offset;
      edit->length = length;
      edit->replacement = reference_for (values->children->pdata[i], literal);
      g_ptr_array_add (edits, edit);
    }

  g_ptr_array_sort (edits, by_offset_descending);
  for (guint i = 0; i < edits->len; i++)
    {
      const Edit *edit = edits->pdata[i];

      g_string_erase (result, edit->offset, edit->length);
      g_string_insert (result, edit->offset, edit->replacement);
    }
  if (out_n_templated != NULL)
    *out_n_templated = edits->len;
  return g_string_free (g_steal_pointer (&result), FALSE);
}
