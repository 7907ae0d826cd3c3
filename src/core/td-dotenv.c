/* td-dotenv.c: MINIMAL STAND-IN written on the runner branch so preflight builds and tests.
 * The real implementation comes from the dotenv branch; drop this file at merge. */
#define G_LOG_DOMAIN "td-dotenv"

#include <string.h>

#include "td-dotenv.h"
#include "td-error.h"

static char *
unquote (const char *value)
{
  gsize len = strlen (value);

  if (len >= 2 && (value[0] == '"' || value[0] == '\'') && value[len - 1] == value[0])
    return g_strndup (value + 1, len - 2);
  return g_strdup (value);
}

GHashTable *
td_dotenv_parse (const char  *text,
                 const char  *source,
                 GError     **error)
{
  g_autoptr(GHashTable) env = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *line = g_strstrip (g_strdup (lines[i]));
      const char *start = line;
      char *eq;
      g_autofree char *key = NULL;

      if (*start == '\0' || *start == '#')
        continue;
      if (g_str_has_prefix (start, "export "))
        start += strlen ("export ");

      eq = strchr (start, '=');
      if (eq == NULL)
        {
          /* No value in the message: the line may be a secret pasted without its key. */
          g_set_error (error, TD_ERROR, TD_ERROR_PARSE,
                       "%s:%u: expected KEY=VALUE", source ? source : ".env", i + 1);
          return NULL;
        }
      key = g_strstrip (g_strndup (start, eq - start));
      g_hash_table_replace (env, g_steal_pointer (&key), unquote (g_strstrip (eq + 1)));
    }
  return g_steal_pointer (&env);
}

GHashTable *
td_dotenv_load (const char  *path,
                GError     **error)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!g_file_get_contents (path, &text, NULL, &local_error))
    {
      g_set_error (error, TD_ERROR,
                   g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                     ? TD_ERROR_NOT_FOUND : TD_ERROR_FAILED,
                   "%s", local_error->message);
      return NULL;
    }
  return td_dotenv_parse (text, path, error);
}

GStrv
td_dotenv_missing (GHashTable         *env,
                   const char * const *required)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; required[i] != NULL; i++)
    {
      const char *value = g_hash_table_lookup (env, required[i]);

      if (value == NULL || *value == '\0')
        g_strv_builder_add (builder, required[i]);
    }
  return g_strv_builder_end (builder);
}
