/* k8s-test-util.c: loading the Kubernetes fixtures and building pods for tests */
#include "k8s-test-util.h"

char *
fixture_path (const char *name)
{
  return g_build_filename (g_getenv ("TD_SHARED_DIR"), "fixtures", "k8s", name, NULL);
}

JsonNode *
load_fixture (const char *name)
{
  g_autofree char *path = fixture_path (name);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

/* The item called @name of a PodList fixture. */
JsonNode *
load_list_item (const char *list,
                const char *name)
{
  g_autoptr(JsonNode) root = load_fixture (list);
  JsonArray *items = json_object_get_array_member (json_node_get_object (root), "items");

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (g_strcmp0 (json_object_get_string_member (json_object_get_object_member (item, "metadata"), "name"), name) == 0)
        return json_node_copy (json_array_get_element (items, i));
    }
  g_assert_not_reached ();
}

static char *
format_time (gint64 unix_seconds)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (unix_seconds);

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
}

/* Parses JSON in which "{T-N}" stands for the timestamp N seconds before NOW, so that constructed
 * pods read like "restarted 4m24s ago" rather than like calendar arithmetic. */
JsonNode *
pod_from_template (const char *template)
{
  g_autoptr(GString) json = g_string_new (NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  const char *p = template;

  while (*p != '\0')
    {
      if (g_str_has_prefix (p, "{T-"))
        {
          char *end = NULL;
          gint64 seconds = g_ascii_strtoll (p + 3, &end, 10);
          g_autofree char *stamp = format_time (NOW - seconds);

          g_assert_true (end != NULL && *end == '}');
          g_string_append (json, stamp);
          p = end + 1;
        }
      else
        g_string_append_c (json, *p++);
    }
  g_assert_true (json_parser_load_from_data (parser, json->str, -1, &error));
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

