/* td-yaml.c: libyaml events → TdYamlNode tree, keeping marks for error messages */
#define G_LOG_DOMAIN "td-yaml"

#include <yaml.h>
#include <stdlib.h>
#include <string.h>

#include "td-error.h"
#include "td-yaml.h"

typedef struct {
  yaml_parser_t  parser;
  const char    *source;
  GHashTable    *anchors;   /* anchor name → borrowed TdYamlNode* */
} Builder;

static TdYamlNode *
node_new (TdYamlKind kind, const char *source, yaml_mark_t mark)
{
  TdYamlNode *node = g_new0 (TdYamlNode, 1);

  node->kind = kind;
  node->source = source;
  node->line = mark.line + 1;
  node->column = mark.column + 1;
  if (kind != TD_YAML_SCALAR)
    node->children = g_ptr_array_new_with_free_func ((GDestroyNotify) td_yaml_node_free);
  if (kind == TD_YAML_MAPPING)
    node->keys = g_ptr_array_new_with_free_func ((GDestroyNotify) td_yaml_node_free);
  return node;
}

void
td_yaml_node_free (TdYamlNode *node)
{
  if (node == NULL)
    return;
  g_free (node->value);
  g_clear_pointer (&node->keys, g_ptr_array_unref);
  g_clear_pointer (&node->children, g_ptr_array_unref);
  g_free (node);
}

static TdYamlNode *
node_copy (const TdYamlNode *node)
{
  TdYamlNode *copy = g_memdup2 (node, sizeof *node);

  copy->value = g_strdup (node->value);
  copy->keys = NULL;
  copy->children = NULL;
  if (node->kind != TD_YAML_SCALAR)
    {
      copy->children = g_ptr_array_new_with_free_func ((GDestroyNotify) td_yaml_node_free);
      for (guint i = 0; i < node->children->len; i++)
        g_ptr_array_add (copy->children, node_copy (node->children->pdata[i]));
    }
  if (node->kind == TD_YAML_MAPPING)
    {
      copy->keys = g_ptr_array_new_with_free_func ((GDestroyNotify) td_yaml_node_free);
      for (guint i = 0; i < node->keys->len; i++)
        g_ptr_array_add (copy->keys, node_copy (node->keys->pdata[i]));
    }
  return copy;
}

static gboolean
parser_error (Builder *b, GError **error)
{
  const yaml_mark_t *mark = b->parser.problem_mark.line || b->parser.problem_mark.column
                              ? &b->parser.problem_mark : &b->parser.context_mark;

  g_set_error (error, TD_ERROR, TD_ERROR_PARSE, "%s:%zu:%zu: %s%s%s",
               b->source, mark->line + 1, mark->column + 1,
               b->parser.problem ? b->parser.problem : "invalid YAML",
               b->parser.context ? " " : "",
               b->parser.context ? b->parser.context : "");
  return FALSE;
}

static gboolean
next_event (Builder *b, yaml_event_t *event, GError **error)
{
  if (!yaml_parser_parse (&b->parser, event))
    return parser_error (b, error);
  return TRUE;
}

static void
remember_anchor (Builder *b, const yaml_char_t *anchor, TdYamlNode *node)
{
  if (anchor != NULL)
    g_hash_table_insert (b->anchors, g_strdup ((const char *) anchor), node);
}

/* Builds the node that starts with @event (which this function takes ownership of). */
static TdYamlNode *
build_node (Builder *b, yaml_event_t *event, GError **error)
{
  TdYamlNode *node = NULL;

  switch (event->type)
    {
    case YAML_SCALAR_EVENT:
      node = node_new (TD_YAML_SCALAR, b->source, event->start_mark);
      node->value = g_strndup ((const char *) event->data.scalar.value, event->data.scalar.length);
      node->quoted = event->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
      remember_anchor (b, event->data.scalar.anchor, node);
      yaml_event_delete (event);
      return node;

    case YAML_ALIAS_EVENT:
      {
        const TdYamlNode *target = g_hash_table_lookup (b->anchors, event->data.alias.anchor);
        if (target == NULL)
          {
            g_set_error (error, TD_ERROR, TD_ERROR_PARSE, "%s:%zu:%zu: unknown alias *%s",
                         b->source, event->start_mark.line + 1, event->start_mark.column + 1,
                         (const char *) event->data.alias.anchor);
            yaml_event_delete (event);
            return NULL;
          }
        node = node_copy (target);
        node->line = event->start_mark.line + 1;
        node->column = event->start_mark.column + 1;
        yaml_event_delete (event);
        return node;
      }

    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
      {
        gboolean is_map = event->type == YAML_MAPPING_START_EVENT;
        yaml_event_type_t end = is_map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT;

        node = node_new (is_map ? TD_YAML_MAPPING : TD_YAML_SEQUENCE, b->source, event->start_mark);
        remember_anchor (b, is_map ? event->data.mapping_start.anchor
                                   : event->data.sequence_start.anchor, node);
        yaml_event_delete (event);

        for (;;)
          {
            yaml_event_t child_event;
            TdYamlNode *child;

            if (!next_event (b, &child_event, error))
              goto fail;
            if (child_event.type == end)
              {
                yaml_event_delete (&child_event);
                return node;
              }
            child = build_node (b, &child_event, error);
            if (child == NULL)
              goto fail;
            if (!is_map)
              {
                g_ptr_array_add (node->children, child);
                continue;
              }
            if (child->kind != TD_YAML_SCALAR)
              {
                td_yaml_set_error (child, error, "mapping keys must be plain text");
                td_yaml_node_free (child);
                goto fail;
              }
            for (guint i = 0; i < node->keys->len; i++)
              if (g_str_equal (((TdYamlNode *) node->keys->pdata[i])->value, child->value))
                {
                  td_yaml_set_error (child, error, "duplicate key “%s”", child->value);
                  td_yaml_node_free (child);
                  goto fail;
                }
            g_ptr_array_add (node->keys, child);
            if (!next_event (b, &child_event, error))
              goto fail;
            child = build_node (b, &child_event, error);
            if (child == NULL)
              goto fail;
            g_ptr_array_add (node->children, child);
          }
      }

    default:
      g_set_error (error, TD_ERROR, TD_ERROR_PARSE, "%s:%zu:%zu: unexpected YAML event",
                   b->source, event->start_mark.line + 1, event->start_mark.column + 1);
      yaml_event_delete (event);
      return NULL;
    }

fail:
  td_yaml_node_free (node);
  return NULL;
}

GPtrArray *
td_yaml_parse_all (const char *data, gssize length, const char *source, GError **error)
{
  g_autoptr(GPtrArray) docs = g_ptr_array_new_with_free_func ((GDestroyNotify) td_yaml_node_free);
  Builder b = { 0 };
  gboolean ok = FALSE;

  g_return_val_if_fail (data != NULL, NULL);

  if (length < 0)
    length = strlen (data);
  b.source = g_intern_string (source ? source : "<string>");
  b.anchors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  yaml_parser_initialize (&b.parser);
  yaml_parser_set_input_string (&b.parser, (const unsigned char *) data, length);

  for (;;)
    {
      yaml_event_t event;

      if (!next_event (&b, &event, error))
        break;
      if (event.type == YAML_STREAM_END_EVENT)
        {
          yaml_event_delete (&event);
          ok = TRUE;
          break;
        }
      if (event.type == YAML_DOCUMENT_START_EVENT)
        {
          yaml_event_t root_event;
          TdYamlNode *root;

          yaml_event_delete (&event);
          g_hash_table_remove_all (b.anchors);
          if (!next_event (&b, &root_event, error))
            break;
          root = build_node (&b, &root_event, error);
          if (root == NULL)
            break;
          /* An empty document ("---" and nothing, or only comments) is a null scalar. */
          if (td_yaml_is_null (root))
            td_yaml_node_free (root);
          else
            g_ptr_array_add (docs, root);
          continue;
        }
      yaml_event_delete (&event);
    }

  yaml_parser_delete (&b.parser);
  g_hash_table_unref (b.anchors);
  return ok ? g_steal_pointer (&docs) : NULL;
}

TdYamlNode *
td_yaml_parse (const char *data, gssize length, const char *source, GError **error)
{
  g_autoptr(GPtrArray) docs = td_yaml_parse_all (data, length, source, error);

  if (docs == NULL)
    return NULL;
  if (docs->len == 0)
    {
      /* An empty file is an empty mapping: kubeconfig and plan callers treat it that way. */
      yaml_mark_t start = { 0 };
      return node_new (TD_YAML_MAPPING, g_intern_string (source ? source : "<string>"), start);
    }
  if (docs->len > 1)
    {
      td_yaml_set_error (docs->pdata[1], error, "expected one YAML document, found several");
      return NULL;
    }
  return g_ptr_array_steal_index (docs, 0);
}

TdYamlNode *
td_yaml_parse_file (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  return td_yaml_parse (contents, length, path, error);
}

const TdYamlNode *
td_yaml_mapping_get (const TdYamlNode *node, const char *key)
{
  if (node == NULL || node->kind != TD_YAML_MAPPING)
    return NULL;
  for (guint i = 0; i < node->keys->len; i++)
    if (g_str_equal (((TdYamlNode *) node->keys->pdata[i])->value, key))
      return node->children->pdata[i];
  return NULL;
}

const char *
td_yaml_scalar (const TdYamlNode *node)
{
  if (node == NULL || node->kind != TD_YAML_SCALAR || td_yaml_is_null (node))
    return NULL;
  return node->value;
}

const char *
td_yaml_mapping_get_string (const TdYamlNode *node, const char *key)
{
  return td_yaml_scalar (td_yaml_mapping_get (node, key));
}

guint
td_yaml_n_children (const TdYamlNode *node)
{
  if (node == NULL || node->kind == TD_YAML_SCALAR)
    return 0;
  return node->children->len;
}

const TdYamlNode *
td_yaml_child (const TdYamlNode *node, guint index)
{
  g_return_val_if_fail (index < td_yaml_n_children (node), NULL);
  return node->children->pdata[index];
}

gboolean
td_yaml_is_null (const TdYamlNode *node)
{
  if (node == NULL)
    return TRUE;
  if (node->kind != TD_YAML_SCALAR || node->quoted)
    return FALSE;
  return node->value[0] == '\0' || g_str_equal (node->value, "~") ||
         g_str_equal (node->value, "null") || g_str_equal (node->value, "Null") ||
         g_str_equal (node->value, "NULL");
}

gboolean
td_yaml_get_bool (const TdYamlNode *node, gboolean *out_value)
{
  static const char *const yes[] = { "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", NULL };
  static const char *const no[] = { "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", NULL };

  if (node == NULL || node->kind != TD_YAML_SCALAR || node->quoted)
    return FALSE;
  if (g_strv_contains (yes, node->value))
    *out_value = TRUE;
  else if (g_strv_contains (no, node->value))
    *out_value = FALSE;
  else
    return FALSE;
  return TRUE;
}

gboolean
td_yaml_get_int (const TdYamlNode *node, gint64 *out_value)
{
  const char *text = td_yaml_scalar (node);

  if (text == NULL || node->quoted)
    return FALSE;
  return g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, out_value, NULL);
}

gboolean
td_yaml_set_error (const TdYamlNode *node, GError **error, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  if (node == NULL)
    g_set_error_literal (error, TD_ERROR, TD_ERROR_INVALID, message);
  else
    g_set_error (error, TD_ERROR, TD_ERROR_INVALID, "%s:%u:%u: %s",
                 node->source, node->line, node->column, message);
  return FALSE;
}

TdYamlNode *
td_yaml_node_copy (const TdYamlNode *node)
{
  g_return_val_if_fail (node != NULL, NULL);
  return node_copy (node);
}
