/* td-dotenv.c: a .env reader. Values are secrets, so no error message ever quotes one: messages
 * name the file, the line and, once a "KEY=" has been read, the key. */
#define G_LOG_DOMAIN "td-dotenv"

#include <string.h>

#include "td-error.h"
#include "td-dotenv.h"

typedef struct {
  const char *p;        /* the cursor into the text */
  const char *source;
  guint       line;     /* of the cursor, from 1 */
} Reader;

static gboolean
is_blank (char c)
{
  return c == ' ' || c == '\t';
}

static gboolean
at_line_end (const Reader *r)
{
  return *r->p == '\0' || *r->p == '\n' || (*r->p == '\r' && (r->p[1] == '\n' || r->p[1] == '\0'));
}

static void
skip_blanks (Reader *r)
{
  while (is_blank (*r->p))
    r->p++;
}

static void
skip_to_next_line (Reader *r)
{
  while (*r->p != '\0' && *r->p != '\n')
    r->p++;
  if (*r->p == '\n')
    {
      r->p++;
      r->line++;
    }
}

G_GNUC_PRINTF (3, 4)
static gboolean
parse_error (GError     **error,
             const Reader *r,
             const char  *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, TD_ERROR, TD_ERROR_PARSE, "%s:%u: %s", r->source, r->line, message);
  return FALSE;
}

static char *
read_key (Reader *r)
{
  const char *start = r->p;

  if (!g_ascii_isalpha (*r->p) && *r->p != '_')
    return NULL;
  while (g_ascii_isalnum (*r->p) || *r->p == '_')
    r->p++;
  return g_strndup (start, r->p - start);
}

/* A quoted value may span lines (a PEM key); the error names the line it started on. */
static char *
read_quoted (Reader      *r,
             const char  *key,
             GError     **error)
{
  char quote = *r->p++;
  guint start_line = r->line;
  GString *value = g_string_new (NULL);

  for (; *r->p != '\0' && *r->p != quote; r->p++)
    {
      if (*r->p == '\n')
        r->line++;
      if (quote == '"' && *r->p == '\\' && r->p[1] != '\0')
        {
          r->p++;
          switch (*r->p)
            {
            case 'n':  g_string_append_c (value, '\n'); continue;
            case 't':  g_string_append_c (value, '\t'); continue;
            case '"':  g_string_append_c (value, '"'); continue;
            case '\\': g_string_append_c (value, '\\'); continue;
            default:   g_string_append_c (value, '\\'); break;  /* unknown: kept as written */
            }
          if (*r->p == '\n')
            r->line++;
        }
      g_string_append_c (value, *r->p);
    }

  if (*r->p != quote)
    {
      r->line = start_line;
      parse_error (error, r, "the value of %s has no closing %s quote", key,
                   quote == '"' ? "double" : "single");
      g_string_free (value, TRUE);
      return NULL;
    }
  r->p++;
  return g_string_free (value, FALSE);
}

/* Up to the end of the line or a " #" comment, without surrounding blanks. The cursor is past the
 * "=", so looking one character back is safe: "KEY= #x" is empty, "KEY=#x" is "#x". */
static char *
read_unquoted (Reader *r)
{
  const char *start = r->p;
  const char *end;

  while (!at_line_end (r) && !(*r->p == '#' && is_blank (r->p[-1])))
    r->p++;
  end = r->p;
  while (end > start && is_blank (end[-1]))
    end--;
  return g_strndup (start, end - start);
}

/* One assignment, from the first non-blank character of a line to the start of the next line. */
static gboolean
read_assignment (Reader      *r,
                 GHashTable  *env,
                 GError     **error)
{
  g_autofree char *key = NULL;
  char *value;

  if (g_str_has_prefix (r->p, "export") && is_blank (r->p[strlen ("export")]))
    {
      r->p += strlen ("export");
      skip_blanks (r);
    }

  key = read_key (r);
  skip_blanks (r);
  if (key == NULL || *r->p != '=')
    {
      /* The text could be a pasted secret: describe the problem without repeating it. */
      if (key != NULL && at_line_end (r))
        return parse_error (error, r, "expected KEY=VALUE, but the line has no “=”");
      return parse_error (error, r, "expected KEY=VALUE, where KEY is letters, digits and "
                          "underscores and does not start with a digit");
    }
  r->p++;
  skip_blanks (r);

  if (*r->p == '"' || *r->p == '\'')
    {
      value = read_quoted (r, key, error);
      if (value == NULL)
        return FALSE;
      skip_blanks (r);
      if (!at_line_end (r) && *r->p != '#')
        {
          g_free (value);
          return parse_error (error, r, "unexpected text after the quoted value of %s", key);
        }
    }
  else
    value = read_unquoted (r);

  /* A later assignment wins, as in a shell. */
  g_hash_table_replace (env, g_steal_pointer (&key), value);
  skip_to_next_line (r);
  return TRUE;
}

GHashTable *
td_dotenv_parse (const char  *text,
                 const char  *source,
                 GError     **error)
{
  g_autoptr(GHashTable) env = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  Reader r = { text, source ? source : ".env", 1 };

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  while (*r.p != '\0')
    {
      skip_blanks (&r);
      if (at_line_end (&r) || *r.p == '#')
        skip_to_next_line (&r);
      else if (!read_assignment (&r, env, error))
        return NULL;
    }
  return g_steal_pointer (&env);
}

GHashTable *
td_dotenv_load (const char  *path,
                GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_file_get_contents (path, &contents, NULL, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error (error, TD_ERROR, TD_ERROR_NOT_FOUND,
                     "There is no %s: create it with one KEY=VALUE line per setting", path);
      else
        g_set_error (error, TD_ERROR,
                     g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_ACCES)
                       ? TD_ERROR_PERMISSION : TD_ERROR_FAILED,
                     "Could not read %s: %s", path, local_error->message);
      return NULL;
    }
  return td_dotenv_parse (contents, path, error);
}

GStrv
td_dotenv_missing (GHashTable         *env,
                   const char * const *required)
{
  g_autoptr(GStrvBuilder) missing = g_strv_builder_new ();

  for (guint i = 0; required != NULL && required[i] != NULL; i++)
    {
      const char *value = env ? g_hash_table_lookup (env, required[i]) : NULL;

      if (value == NULL || *value == '\0')
        g_strv_builder_add (missing, required[i]);
    }
  return g_strv_builder_end (missing);
}
