/* kd-selector.c: label and field selector matching */
#define G_LOG_DOMAIN "kd-selector"

#include <string.h>

#include "kd-selector.h"

/* Splits on commas that are not inside parentheses: "a in (x,y),b" → "a in (x,y)", "b". */
static GPtrArray *
split_requirements (const char *selector)
{
  GPtrArray *parts = g_ptr_array_new_with_free_func (g_free);
  const char *start = selector;
  int depth = 0;

  for (const char *p = selector;; p++)
    {
      if (*p == '(')
        depth++;
      else if (*p == ')')
        depth--;
      if (*p == '\0' || (*p == ',' && depth == 0))
        {
          g_autofree char *part = g_strstrip (g_strndup (start, p - start));
          if (*part != '\0')
            g_ptr_array_add (parts, g_steal_pointer (&part));
          if (*p == '\0')
            break;
          start = p + 1;
        }
    }
  return parts;
}

static const char *
label_value (JsonObject *object, const char *key)
{
  JsonObject *metadata = json_object_has_member (object, "metadata")
                         ? json_object_get_object_member (object, "metadata") : NULL;
  JsonObject *labels;

  if (metadata == NULL || !json_object_has_member (metadata, "labels"))
    return NULL;
  labels = json_object_get_object_member (metadata, "labels");
  return labels != NULL ? json_object_get_string_member_with_default (labels, key, NULL) : NULL;
}

/* "k in (a, b)" / "k notin (a,b)" */
static gboolean
set_requirement (JsonObject *object, const char *requirement, gboolean *matches, GError **error)
{
  g_autoptr(GRegex) regex = g_regex_new ("^([^ !=()]+)\\s+(in|notin)\\s*\\(([^)]*)\\)$", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *key = NULL;
  g_autofree char *op = NULL;
  g_autofree char *list = NULL;
  g_auto(GStrv) values = NULL;
  const char *value;
  gboolean found = FALSE;

  if (!g_regex_match (regex, requirement, 0, &match))
    return g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                        "unable to parse requirement: %s", requirement), FALSE;
  key = g_match_info_fetch (match, 1);
  op = g_match_info_fetch (match, 2);
  list = g_match_info_fetch (match, 3);
  values = g_strsplit (list, ",", -1);
  value = label_value (object, key);
  for (guint i = 0; value != NULL && values[i] != NULL; i++)
    found |= strcmp (g_strstrip (values[i]), value) == 0;
  *matches = strcmp (op, "in") == 0 ? found : !found;
  return TRUE;
}

gboolean
kd_label_selector_matches (const char  *selector,
                           JsonObject  *object,
                           gboolean    *out_matches,
                           GError     **error)
{
  g_autoptr(GPtrArray) requirements = NULL;

  *out_matches = TRUE;
  if (selector == NULL)
    return TRUE;

  requirements = split_requirements (selector);
  for (guint i = 0; i < requirements->len && *out_matches; i++)
    {
      const char *requirement = requirements->pdata[i];
      const char *op;

      if (strchr (requirement, '('))
        {
          if (!set_requirement (object, requirement, out_matches, error))
            return FALSE;
        }
      else if ((op = strstr (requirement, "!=")) != NULL)
        {
          g_autofree char *key = g_strstrip (g_strndup (requirement, op - requirement));
          *out_matches = g_strcmp0 (label_value (object, key), g_strstrip ((char *) op + 2)) != 0;
        }
      else if ((op = strchr (requirement, '=')) != NULL)
        {
          g_autofree char *key = g_strstrip (g_strndup (requirement, op - requirement));
          g_autofree char *value = g_strdup (op[1] == '=' ? op + 2 : op + 1);
          *out_matches = g_strcmp0 (label_value (object, key), g_strstrip (value)) == 0;
        }
      else if (requirement[0] == '!')
        *out_matches = label_value (object, requirement + 1) == NULL;
      else
        *out_matches = label_value (object, requirement) != NULL;
    }
  return TRUE;
}

/* The string form of the field at a dotted @path, or NULL. */
static char *
field_value (JsonObject *object, const char *path)
{
  g_auto(GStrv) steps = g_strsplit (path, ".", -1);
  JsonNode *node = NULL;

  for (guint i = 0; steps[i] != NULL; i++)
    {
      if (object == NULL || !json_object_has_member (object, steps[i]))
        return NULL;
      node = json_object_get_member (object, steps[i]);
      object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
    }
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (node) ? "true" : "false");
  return NULL;
}

gboolean
kd_field_selector_matches (const char *selector,
                           JsonObject *object)
{
  g_autoptr(GPtrArray) requirements = NULL;

  if (selector == NULL)
    return TRUE;
  requirements = split_requirements (selector);
  for (guint i = 0; i < requirements->len; i++)
    {
      const char *requirement = requirements->pdata[i];
      const char *op = strchr (requirement, '=');
      gboolean negate;
      g_autofree char *path = NULL;
      g_autofree char *actual = NULL;
      const char *wanted;

      if (op == NULL)
        return FALSE;
      negate = op > requirement && op[-1] == '!';
      path = g_strndup (requirement, (op - requirement) - (negate ? 1 : 0));
      wanted = op[1] == '=' ? op + 2 : op + 1;
      actual = field_value (object, g_strstrip (path));
      if ((g_strcmp0 (actual != NULL ? actual : "", wanted) == 0) == negate)
        return FALSE;
    }
  return TRUE;
}
