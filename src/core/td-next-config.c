/* td-next-config.c: find the config object literal in next.config.* and add output: 'standalone'.
 *
 * Not a JavaScript parser: comments and string contents are blanked out first, so the searches
 * below only ever see code; anything that is not one of the usual shapes is refused rather than
 * guessed at. */
#define G_LOG_DOMAIN "td-next-config"

#include <string.h>

#include "td-error.h"
#include "td-next-config.h"

#define STANDALONE_PROPERTY "output: 'standalone',"

static const char * const config_names[] = { "next.config.js", "next.config.mjs", "next.config.ts", NULL };

void
td_next_config_free (TdNextConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->path);
  g_free (config->display_name);
  g_free (config->original_text);
  g_free (config->new_text);
  g_free (config->diff);
  g_free (config);
}

/* @text with comments turned into spaces and the insides of strings and template literals into
 * 'x' (newlines kept, so offsets and line numbers stay the same). */
static char *
blank_comments_and_strings (const char *text)
{
  char *code = g_strdup (text);
  gsize length = strlen (code);

  for (gsize i = 0; i < length; i++)
    {
      char c = code[i];

      if (c == '/' && code[i + 1] == '/')
        {
          for (; i < length && code[i] != '\n'; i++)
            code[i] = ' ';
        }
      else if (c == '/' && code[i + 1] == '*')
        {
          gsize start = i;
          const char *end = strstr (code + i + 2, "*/");
          gsize stop = end != NULL ? (gsize) (end - code) + 2 : length;

          for (i = start; i < stop; i++)
            if (code[i] != '\n')
              code[i] = ' ';
          i = stop - 1;
        }
      else if (c == '\'' || c == '"' || c == '`')
        {
          for (i++; i < length && code[i] != c; i++)
            {
              if (code[i] == '\\' && i + 1 < length)
                code[i++] = 'x';
              if (code[i] != '\n')
                code[i] = 'x';
            }
        }
    }
  return code;
}

static gboolean
is_identifier_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '$';
}

static const char *
skip_space (const char *p)
{
  while (g_ascii_isspace (*p))
    p++;
  return p;
}

static gboolean
refuse (GError **error, const char *display_name, const char *why)
{
  g_set_error (error, TD_ERROR, TD_ERROR_INVALID,
               "%s: %s, so Todo Deploy cannot add output: 'standalone' safely. Add the line "
               "output: 'standalone', to the object your config exports, then check again.",
               display_name, why);
  return FALSE;
}

/* From the start of an exported expression in @code, the offset of the config object's "{":
 * `{ … }`, `withPlugin({ … })`, `nextConfig` (declared as `const nextConfig[: Type] = { … }`). */
static gboolean
find_object (const char *code, const char *p, const char *display_name, gboolean follow_names,
             gsize *out_offset, GError **error)
{
  for (;;)
    {
      const char *start;
      const char *after;
      g_autofree char *name = NULL;

      p = skip_space (p);
      if (*p == '{')
        {
          *out_offset = p - code;
          return TRUE;
        }
      if (*p == '(' || g_str_has_prefix (p, "function") || g_str_has_prefix (p, "async"))
        return refuse (error, display_name, "the config is a function");
      if (!is_identifier_char (*p) || g_ascii_isdigit (*p))
        return refuse (error, display_name, "the exported value is not an object literal");

      for (start = p; is_identifier_char (*p) || *p == '.'; p++)
        ;
      name = g_strndup (start, p - start);
      after = skip_space (p);
      if (*after == '(')
        {
          p = after + 1;   /* a wrapper such as withBundleAnalyzer(…): look at its argument */
          continue;
        }
      if (g_str_has_prefix (after, "=>"))
        return refuse (error, display_name, "the config is a function");
      if (!follow_names || strchr (name, '.') != NULL)
        return refuse (error, display_name, "the exported value is not an object literal");

      {
        g_autofree char *escaped = g_regex_escape_string (name, -1);
        g_autofree char *pattern = g_strdup_printf ("\\b(?:const|let|var)\\s+%s\\s*(?::\\s*[\\w.$<>, ]+)?=\\s*",
                                                    escaped);
        g_autoptr(GRegex) regex = g_regex_new (pattern, 0, 0, NULL);
        g_autoptr(GMatchInfo) match = NULL;
        int end;

        if (!g_regex_match (regex, code, 0, &match))
          {
            g_autofree char *why = g_strdup_printf ("the exported %s is not declared in the file", name);

            return refuse (error, display_name, why);
          }
        g_match_info_fetch_pos (match, 0, NULL, &end);
        return find_object (code, code + end, display_name, FALSE, out_offset, error);
      }
    }
}

/* The offset of the "}" that closes the "{" at @open (in blanked code), or 0. */
static gsize
matching_brace (const char *code, gsize open)
{
  int depth = 0;

  for (gsize i = open; code[i] != '\0'; i++)
    {
      if (code[i] == '{' || code[i] == '[' || code[i] == '(')
        depth++;
      else if (code[i] == '}' || code[i] == ']' || code[i] == ')')
        if (--depth == 0)
          return i;
    }
  return 0;
}

/* The value of a top-level `output:` property of the object [@open, @close], as written, or NULL. */
static char *
find_output_value (const char *text, const char *code, gsize open, gsize close)
{
  int depth = 0;

  for (gsize i = open; i < close; i++)
    {
      const char *value;
      gsize end;

      if (code[i] == '{' || code[i] == '[' || code[i] == '(')
        depth++;
      else if (code[i] == '}' || code[i] == ']' || code[i] == ')')
        depth--;
      if (depth != 1 || strncmp (code + i, "output", 6) != 0 || is_identifier_char (code[i - 1]) ||
          is_identifier_char (code[i + 6]))
        continue;
      value = skip_space (code + i + 6);
      if (*value != ':')
        continue;
      value = skip_space (value + 1);
      /* Up to the next comma or the end of the object at this depth. */
      for (end = value - code, depth = 0; end < close; end++)
        {
          if (code[end] == '{' || code[end] == '[' || code[end] == '(')
            depth++;
          else if (code[end] == '}' || code[end] == ']' || code[end] == ')')
            depth--;
          else if ((code[end] == ',' || code[end] == '\n') && depth == 0)
            break;
        }
      return g_strstrip (g_strndup (text + (value - code), end - (value - code)));
    }
  return NULL;
}

/* The text with STANDALONE_PROPERTY as the first property of the object opening at @open. */
static char *
insert_property (const char *text, gsize open, gsize close)
{
  GString *result = g_string_new_len (text, open + 1);
  const char *first = skip_space (text + open + 1);
  const char *newline = memchr (text + open + 1, '\n', first - (text + open + 1));

  if (newline != NULL)
    {
      /* Multi-line: a line of its own, indented like the first property (or two spaces). */
      const char *indent_start = first;
      g_autofree char *indent = NULL;

      while (indent_start > text && (indent_start[-1] == ' ' || indent_start[-1] == '\t'))
        indent_start--;
      indent = (gsize) (first - text) == close
                 ? g_strdup_printf ("%.*s  ", (int) (first - indent_start), indent_start)
                 : g_strndup (indent_start, first - indent_start);
      g_string_append_len (result, text + open + 1, newline + 1 - (text + open + 1));
      g_string_append_printf (result, "%s" STANDALONE_PROPERTY "\n", indent);
      g_string_append (result, newline + 1);
    }
  else if ((gsize) (first - text) == close)
    {
      /* `{}` on one line: open it up. */
      const char *line_start = text + open;
      g_autofree char *indent = NULL;

      while (line_start > text && line_start[-1] != '\n')
        line_start--;
      indent = g_strndup (line_start, strspn (line_start, " \t"));
      g_string_append_printf (result, "\n%s  " STANDALONE_PROPERTY "\n%s", indent, indent);
      g_string_append (result, text + close);
    }
  else
    {
      g_string_append (result, " output: 'standalone',");
      g_string_append (result, text + open + 1);
    }
  return g_string_free (result, FALSE);
}

static gboolean
is_standalone_value (const char *value)
{
  return g_str_equal (value, "'standalone'") || g_str_equal (value, "\"standalone\"") ||
         g_str_equal (value, "`standalone`");
}

TdNextConfig *
td_next_config_inspect_text (const char *text, const char *display_name, GError **error)
{
  g_autoptr(TdNextConfig) config = g_new0 (TdNextConfig, 1);
  g_autofree char *code = blank_comments_and_strings (text);
  g_autoptr(GRegex) export_regex = g_regex_new ("\\bmodule\\.exports\\s*=|\\bexport\\s+default\\b", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *value = NULL;
  gsize open, close;
  int export_end;

  config->display_name = g_strdup (display_name);
  config->original_text = g_strdup (text);

  if (!g_regex_match (export_regex, code, 0, &match))
    {
      refuse (error, display_name, "it has no module.exports = … or export default …");
      return NULL;
    }
  g_match_info_fetch_pos (match, 0, NULL, &export_end);
  if (!find_object (code, code + export_end, display_name, TRUE, &open, error))
    return NULL;
  close = matching_brace (code, open);
  if (close == 0)
    {
      refuse (error, display_name, "the config object is never closed");
      return NULL;
    }

  value = find_output_value (text, code, open, close);
  if (value != NULL && is_standalone_value (value))
    {
      config->is_standalone = TRUE;
      return g_steal_pointer (&config);
    }
  if (value != NULL)
    {
      g_set_error (error, TD_ERROR, TD_ERROR_INVALID,
                   "%s already sets output: %s. The frontend image needs output: 'standalone'; "
                   "change it yourself if the other value is not needed, then check again.",
                   display_name, value);
      return NULL;
    }

  config->new_text = insert_property (text, open, close);
  config->diff = td_next_config_unified_diff (text, config->new_text, display_name);
  return g_steal_pointer (&config);
}

TdNextConfig *
td_next_config_inspect_project (const char *project_dir, GError **error)
{
  for (guint i = 0; config_names[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (project_dir, "frontend", config_names[i], NULL);
      g_autofree char *display_name = g_strconcat ("frontend/", config_names[i], NULL);
      g_autofree char *text = NULL;
      g_autoptr(GError) local_error = NULL;
      TdNextConfig *config;

      if (!g_file_get_contents (path, &text, NULL, &local_error))
        {
          if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            continue;
          g_set_error (error, TD_ERROR, TD_ERROR_FAILED, "Could not read %s: %s", display_name,
                       local_error->message);
          return NULL;
        }
      config = td_next_config_inspect_text (text, display_name, error);
      if (config != NULL)
        config->path = g_steal_pointer (&path);
      return config;
    }
  g_set_error (error, TD_ERROR, TD_ERROR_NOT_FOUND,
               "The project has no frontend/next.config.js, next.config.mjs or next.config.ts. "
               "Create frontend/next.config.js with module.exports = { output: 'standalone' };");
  return NULL;
}

/* Lines of @text without the empty piece after a final newline. */
static GStrv
split_lines (const char *text, guint *out_n_lines)
{
  GStrv lines = g_strsplit (text, "\n", -1);
  guint n = g_strv_length (lines);

  if (n > 0 && lines[n - 1][0] == '\0')
    {
      g_free (lines[n - 1]);
      lines[--n] = NULL;
    }
  *out_n_lines = n;
  return lines;
}

char *
td_next_config_unified_diff (const char *old_text, const char *new_text, const char *display_name)
{
  guint n_old, n_new, prefix = 0, suffix = 0, start, after;
  g_auto(GStrv) old_lines = split_lines (old_text, &n_old);
  g_auto(GStrv) new_lines = split_lines (new_text, &n_new);
  GString *diff = g_string_new (NULL);

  while (prefix < n_old && prefix < n_new && g_str_equal (old_lines[prefix], new_lines[prefix]))
    prefix++;
  while (suffix < n_old - prefix && suffix < n_new - prefix &&
         g_str_equal (old_lines[n_old - 1 - suffix], new_lines[n_new - 1 - suffix]))
    suffix++;
  if (prefix == n_old && prefix == n_new)
    return g_string_free (diff, FALSE);   /* no change: an empty diff */

  start = prefix >= 3 ? prefix - 3 : 0;
  after = MIN (suffix, 3);
  g_string_append_printf (diff, "--- a/%s\n+++ b/%s\n", display_name, display_name);
  g_string_append_printf (diff, "@@ -%u,%u +%u,%u @@\n",
                          start + 1, n_old - suffix - start + after,
                          start + 1, n_new - suffix - start + after);
  for (guint i = start; i < prefix; i++)
    g_string_append_printf (diff, " %s\n", old_lines[i]);
  for (guint i = prefix; i < n_old - suffix; i++)
    g_string_append_printf (diff, "-%s\n", old_lines[i]);
  for (guint i = prefix; i < n_new - suffix; i++)
    g_string_append_printf (diff, "+%s\n", new_lines[i]);
  for (guint i = n_old - suffix; i < n_old - suffix + after; i++)
    g_string_append_printf (diff, " %s\n", old_lines[i]);
  return g_string_free (diff, FALSE);
}
