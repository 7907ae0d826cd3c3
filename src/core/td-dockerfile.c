/* td-dockerfile.c: the Dockerfile parser (see td-dockerfile.h) */
#define G_LOG_DOMAIN "td-dockerfile"

#include <string.h>
#include <json-glib/json-glib.h>

#include "td-dockerfile.h"
#include "td-error.h"

struct _TdDockerfile
{
  GPtrArray  *instructions;   /* of TdDockerfileInstruction */
  GPtrArray  *stages;         /* of TdDockerfileStage */
  GHashTable *directives;     /* lower-case name → value */
};

static const char * const known_keywords[] = {
  "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
  "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR", NULL
};

static void
key_value_free (gpointer data)
{
  TdDockerfileKeyValue *kv = data;

  g_free (kv->key);
  g_free (kv->value);
  g_free (kv);
}

static TdDockerfileKeyValue *
key_value_new (const char *key, gssize key_length, const char *value)
{
  TdDockerfileKeyValue *kv = g_new0 (TdDockerfileKeyValue, 1);

  kv->key = key_length < 0 ? g_strdup (key) : g_strndup (key, key_length);
  kv->value = g_strdup (value);
  return kv;
}

static void
instruction_free (gpointer data)
{
  TdDockerfileInstruction *instruction = data;

  g_free (instruction->keyword);
  g_free (instruction->arguments);
  g_clear_pointer (&instruction->flags, g_ptr_array_unref);
  g_strfreev (instruction->words);
  g_free (instruction->command);
  g_clear_pointer (&instruction->pairs, g_ptr_array_unref);
  g_free (instruction);
}

static void
stage_free (gpointer data)
{
  TdDockerfileStage *stage = data;

  g_free (stage->name);
  g_free (stage->base);
  g_ptr_array_unref (stage->instructions);
  g_free (stage);
}

void
td_dockerfile_free (TdDockerfile *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->stages);
  g_ptr_array_unref (self->instructions);
  g_hash_table_unref (self->directives);
  g_free (self);
}

/* ── Shell words ─────────────────────────────────────────────────────────────────────────── */

static void
flush_word (GPtrArray *words, GString *word, gboolean *in_word)
{
  if (*in_word)
    g_ptr_array_add (words, g_strdup (word->str));
  g_string_truncate (word, 0);
  *in_word = FALSE;
}

GStrv
td_dockerfile_split_words (const char *text)
{
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) word = g_string_new (NULL);
  gboolean in_word = FALSE;
  const char *p = text;

  while (*p != '\0')
    {
      char c = *p;

      if (c == ' ' || c == '\t' || c == '\r')
        {
          flush_word (words, word, &in_word);
          p++;
        }
      else if (c == '\n' || c == ';' || c == '&' || c == '|')
        {
          /* Operators separate commands; a newline (heredoc bodies) does too, as ";". */
          flush_word (words, word, &in_word);
          if ((c == '&' || c == '|') && p[1] == c)
            {
              g_ptr_array_add (words, g_strndup (p, 2));
              p += 2;
            }
          else
            {
              g_ptr_array_add (words, g_strdup (c == '\n' ? ";" : (char[]) { c, '\0' }));
              p++;
            }
        }
      else if (c == '\'')
        {
          const char *end = strchr (p + 1, '\'');

          if (end == NULL)
            end = p + strlen (p);
          g_string_append_len (word, p + 1, end - p - 1);
          in_word = TRUE;
          p = *end != '\0' ? end + 1 : end;
        }
      else if (c == '"')
        {
          p++;
          while (*p != '\0' && *p != '"')
            {
              if (*p == '\\' && p[1] != '\0' && strchr ("\"\\$`", p[1]) != NULL)
                p++;
              g_string_append_c (word, *p);
              p++;
            }
          if (*p == '"')
            p++;
          in_word = TRUE;
        }
      else if (c == '\\' && p[1] != '\0')
        {
          if (p[1] != '\n')   /* an escaped newline joins lines */
            g_string_append_c (word, p[1]);
          in_word = TRUE;
          p += 2;
        }
      else
        {
          g_string_append_c (word, c);
          in_word = TRUE;
          p++;
        }
    }
  flush_word (words, word, &in_word);
  g_ptr_array_add (words, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&words), FALSE);
}

/* ── Pieces of an instruction ────────────────────────────────────────────────────────────── */

/* ["a", "b"] → a NULL-terminated vector, or NULL when @text is not a JSON array of strings (then
 * Docker runs it as a shell command, and so do we). */
static GStrv
parse_json_array (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) words = NULL;
  JsonNode *root;
  JsonArray *array;

  if (text[0] != '[' || !json_parser_load_from_data (parser, text, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    return NULL;
  array = json_node_get_array (root);
  words = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        return NULL;
      g_ptr_array_add (words, g_strdup (json_node_get_string (element)));
    }
  g_ptr_array_add (words, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&words), FALSE);
}

static gboolean
keyword_takes_flags (const char *keyword)
{
  return g_str_equal (keyword, "FROM") || g_str_equal (keyword, "RUN") ||
         g_str_equal (keyword, "COPY") || g_str_equal (keyword, "ADD") ||
         g_str_equal (keyword, "HEALTHCHECK");
}

/* Moves past leading "--name[=value]" words, adding them to @flags; returns the rest. */
static const char *
take_flags (const char *p, GPtrArray *flags)
{
  for (;;)
    {
      const char *end;
      const char *equals;

      while (g_ascii_isspace (*p))
        p++;
      if (!g_str_has_prefix (p, "--"))
        return p;
      for (end = p; *end != '\0' && !g_ascii_isspace (*end); end++)
        ;
      equals = memchr (p, '=', end - p);
      if (equals != NULL)
        {
          g_autofree char *value = g_strndup (equals + 1, end - equals - 1);
          g_auto(GStrv) unquoted = td_dockerfile_split_words (value);

          g_ptr_array_add (flags, key_value_new (p + 2, equals - p - 2,
                                                 unquoted[0] != NULL ? unquoted[0] : ""));
        }
      else
        g_ptr_array_add (flags, key_value_new (p + 2, end - p - 2, ""));
      p = end;
    }
}

/* ENV/LABEL "K=V K2='v 2'" and the legacy ENV "K the rest"; ARG "NAME[=default]". */
static gboolean
parse_pairs (TdDockerfileInstruction *instruction, const char *source, GError **error)
{
  gboolean legacy_env = g_str_equal (instruction->keyword, "ENV") &&
                        instruction->words[0] != NULL && strchr (instruction->words[0], '=') == NULL;

  instruction->pairs = g_ptr_array_new_with_free_func (key_value_free);
  if (legacy_env)
    {
      const char *rest = instruction->arguments + strcspn (instruction->arguments, " \t");

      while (g_ascii_isspace (*rest))
        rest++;
      if (*rest == '\0')
        {
          g_set_error (error, TD_ERROR, TD_ERROR_PARSE,
                       "%s:%u: ENV %s has no value; write ENV %s=value",
                       source, instruction->line, instruction->words[0], instruction->words[0]);
          return FALSE;
        }
      g_ptr_array_add (instruction->pairs,
                       key_value_new (instruction->words[0], -1, rest));
      return TRUE;
    }

  for (guint i = 0; instruction->words[i] != NULL; i++)
    {
      const char *word = instruction->words[i];
      const char *equals = strchr (word, '=');

      if (equals == word || (equals == NULL && !g_str_equal (instruction->keyword, "ARG")))
        {
          g_set_error (error, TD_ERROR, TD_ERROR_PARSE,
                       "%s:%u: “%s” in %s is not NAME=value",
                       source, instruction->line, word, instruction->keyword);
          return FALSE;
        }
      if (equals == NULL)
        g_ptr_array_add (instruction->pairs, key_value_new (word, -1, NULL));
      else
        g_ptr_array_add (instruction->pairs, key_value_new (word, equals - word, equals + 1));
    }
  return TRUE;
}

static gboolean
parse_arguments (TdDockerfileInstruction *instruction, const char *source, GError **error)
{
  const char *keyword = instruction->keyword;
  const char *rest = instruction->arguments;

  instruction->flags = g_ptr_array_new_with_free_func (key_value_free);
  if (keyword_takes_flags (keyword))
    rest = take_flags (rest, instruction->flags);

  if (g_str_equal (keyword, "RUN") || g_str_equal (keyword, "CMD") ||
      g_str_equal (keyword, "ENTRYPOINT") || g_str_equal (keyword, "SHELL"))
    {
      instruction->words = parse_json_array (rest);
      if (instruction->words != NULL)
        instruction->form = TD_DOCKERFILE_FORM_EXEC;
      else if (g_str_equal (keyword, "SHELL"))
        {
          g_set_error (error, TD_ERROR, TD_ERROR_PARSE,
                       "%s:%u: SHELL needs a JSON array, e.g. SHELL [\"/bin/sh\", \"-c\"]",
                       source, instruction->line);
          return FALSE;
        }
      else
        {
          instruction->form = TD_DOCKERFILE_FORM_SHELL;
          instruction->command = g_strdup (rest);
          instruction->words = td_dockerfile_split_words (rest);
        }
    }
  else
    {
      instruction->form = TD_DOCKERFILE_FORM_WORDS;
      if (g_str_equal (keyword, "COPY") || g_str_equal (keyword, "ADD"))
        instruction->words = parse_json_array (rest);
      if (instruction->words == NULL)
        instruction->words = td_dockerfile_split_words (rest);
    }

  if (instruction->words[0] == NULL && instruction->form != TD_DOCKERFILE_FORM_EXEC)
    {
      g_set_error (error, TD_ERROR, TD_ERROR_PARSE, "%s:%u: %s has no arguments",
                   source, instruction->line, keyword);
      return FALSE;
    }
  if ((g_str_equal (keyword, "COPY") || g_str_equal (keyword, "ADD")) &&
      g_strv_length (instruction->words) < 2)
    {
      g_set_error (error, TD_ERROR, TD_ERROR_PARSE,
                   "%s:%u: %s needs a source and a destination (%s SOURCE… DEST)",
                   source, instruction->line, keyword, keyword);
      return FALSE;
    }
  if (g_str_equal (keyword, "ENV") || g_str_equal (keyword, "ARG") || g_str_equal (keyword, "LABEL"))
    return parse_pairs (instruction, source, error);
  return TRUE;
}

/* ── Lines, continuations, heredocs ──────────────────────────────────────────────────────── */

static gboolean
is_blank (const char *line)
{
  while (g_ascii_isspace (*line))
    line++;
  return *line == '\0';
}

static gboolean
is_comment (const char *line)
{
  while (g_ascii_isspace (*line))
    line++;
  return *line == '#';
}

/* "# name=value" at the top of the file; Docker stops looking at the first other line. */
static gboolean
parse_directive (const char *line, char **out_name, char **out_value)
{
  g_autoptr(GRegex) regex = g_regex_new ("^#\\s*([a-zA-Z][a-zA-Z0-9]*)\\s*=\\s*(.+?)\\s*$", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *name = NULL;

  if (!g_regex_match (regex, line, 0, &match))
    return FALSE;
  name = g_match_info_fetch (match, 1);
  *out_name = g_ascii_strdown (name, -1);
  *out_value = g_match_info_fetch (match, 2);
  return TRUE;
}

/* Strips a trailing escape character (and the blanks after it); TRUE when the line continues. */
static gboolean
strip_continuation (GString *text, char escape)
{
  gsize length = text->len;

  while (length > 0 && (text->str[length - 1] == ' ' || text->str[length - 1] == '\t'))
    length--;
  if (length == 0 || text->str[length - 1] != escape)
    return FALSE;
  g_string_truncate (text, length - 1);
  return TRUE;
}

/* RUN <<EOF … EOF: the bodies of every heredoc the instruction opens, read from @lines. */
static gboolean
read_heredocs (TdDockerfileInstruction *instruction, char **lines, guint n_lines, guint *index,
               const char *source, GError **error)
{
  g_autoptr(GRegex) regex = g_regex_new ("<<(-?)([\"']?)([A-Za-z_][A-Za-z0-9_]*)\\2", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GString) command = g_string_new (instruction->arguments);

  g_regex_match (regex, instruction->arguments, 0, &match);
  if (!g_match_info_matches (match))
    return TRUE;
  for (; g_match_info_matches (match); g_match_info_next (match, NULL))
    {
      g_autofree char *dash = g_match_info_fetch (match, 1);
      g_autofree char *terminator = g_match_info_fetch (match, 3);
      gboolean closed = FALSE;

      while (*index < n_lines)
        {
          const char *body_line = lines[(*index)++];
          const char *compared = body_line;

          if (dash[0] == '-')
            compared += strspn (compared, "\t");
          if (g_str_equal (compared, terminator))
            {
              closed = TRUE;
              break;
            }
          g_string_append_printf (command, "\n%s", body_line);
        }
      if (!closed)
        {
          g_set_error (error, TD_ERROR, TD_ERROR_PARSE,
                       "%s:%u: the heredoc <<%s is never closed by a line “%s”",
                       source, instruction->line, terminator, terminator);
          return FALSE;
        }
    }
  g_free (instruction->arguments);
  instruction->arguments = g_string_free (g_steal_pointer (&command), FALSE);
  instruction->end_line = *index;
  return TRUE;
}

static gboolean
add_to_stage (TdDockerfile *self, TdDockerfileInstruction *instruction, const char *source,
              GError **error)
{
  TdDockerfileStage *stage;

  if (g_str_equal (instruction->keyword, "FROM"))
    {
      char **words = instruction->words;
      guint n_words = g_strv_length (words);

      if (n_words != 1 && !(n_words == 3 && g_ascii_strcasecmp (words[1], "AS") == 0))
        {
          g_set_error (error, TD_ERROR, TD_ERROR_PARSE,
                       "%s:%u: FROM takes an image and an optional “AS name”, not “%s”",
                       source, instruction->line, instruction->arguments);
          return FALSE;
        }
      stage = g_new0 (TdDockerfileStage, 1);
      stage->index = self->stages->len;
      stage->name = n_words == 3 ? g_strdup (words[2]) : NULL;
      stage->base = g_strdup (words[0]);
      stage->base_stage = -1;
      for (guint i = 0; i < self->stages->len; i++)
        {
          TdDockerfileStage *earlier = g_ptr_array_index (self->stages, i);

          if (earlier->name != NULL && g_ascii_strcasecmp (earlier->name, words[0]) == 0)
            stage->base_stage = i;
        }
      stage->line = instruction->line;
      stage->instructions = g_ptr_array_new ();
      g_ptr_array_add (self->stages, stage);
    }
  else if (self->stages->len == 0)
    {
      if (g_str_equal (instruction->keyword, "ARG"))
        {
          instruction->stage = -1;
          return TRUE;
        }
      g_set_error (error, TD_ERROR, TD_ERROR_PARSE,
                   "%s:%u: %s comes before the first FROM; a Dockerfile starts with FROM "
                   "(only ARG may come before it)", source, instruction->line, instruction->keyword);
      return FALSE;
    }

  stage = g_ptr_array_index (self->stages, self->stages->len - 1);
  instruction->stage = stage->index;
  g_ptr_array_add (stage->instructions, instruction);
  return TRUE;
}

TdDockerfile *
td_dockerfile_parse (const char *text, gssize length, const char *source, GError **error)
{
  g_autoptr(TdDockerfile) self = g_new0 (TdDockerfile, 1);
  g_autofree char *copy = length < 0 ? g_strdup (text) : g_strndup (text, length);
  g_auto(GStrv) lines = NULL;
  guint n_lines;
  guint index = 0;
  char escape = '\\';

  if (source == NULL)
    source = "Dockerfile";
  self->instructions = g_ptr_array_new_with_free_func (instruction_free);
  self->stages = g_ptr_array_new_with_free_func (stage_free);
  self->directives = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (!g_utf8_validate (copy, -1, NULL))
    {
      g_set_error (error, TD_ERROR, TD_ERROR_PARSE, "%s: not UTF-8 text", source);
      return NULL;
    }
  lines = g_strsplit (copy, "\n", -1);
  n_lines = g_strv_length (lines);
  for (guint i = 0; i < n_lines; i++)
    if (g_str_has_suffix (lines[i], "\r"))
      lines[i][strlen (lines[i]) - 1] = '\0';
  /* A leading byte-order mark is not part of the first instruction. */
  if (n_lines > 0 && g_str_has_prefix (lines[0], "\xEF\xBB\xBF"))
    memmove (lines[0], lines[0] + 3, strlen (lines[0]) - 2);

  for (; index < n_lines; index++)
    {
      char *name = NULL, *value = NULL;

      if (!parse_directive (lines[index], &name, &value))
        break;
      if (g_str_equal (name, "escape"))
        {
          if (!g_str_equal (value, "\\") && !g_str_equal (value, "`"))
            {
              g_set_error (error, TD_ERROR, TD_ERROR_PARSE,
                           "%s:%u: the escape directive takes \\ or `, not “%s”",
                           source, index + 1, value);
              g_free (name);
              g_free (value);
              return NULL;
            }
          escape = value[0];
        }
      g_hash_table_replace (self->directives, name, value);
    }

  while (index < n_lines)
    {
      g_autoptr(GString) joined = NULL;
      TdDockerfileInstruction *instruction;
      const char *p;
      const char *keyword_end;
      guint start = index;

      if (is_blank (lines[index]) || is_comment (lines[index]))
        {
          index++;
          continue;
        }

      joined = g_string_new (lines[index++]);
      if (strip_continuation (joined, escape))
        while (index < n_lines)
          {
            const char *next = lines[index++];

            /* Comment and empty lines inside a continued instruction are dropped, as Docker does. */
            if (is_comment (next) || is_blank (next))
              continue;
            g_string_append (joined, next);
            if (!strip_continuation (joined, escape))
              break;
          }

      p = joined->str;
      while (g_ascii_isspace (*p))
        p++;
      for (keyword_end = p; *keyword_end != '\0' && !g_ascii_isspace (*keyword_end); keyword_end++)
        ;

      instruction = g_new0 (TdDockerfileInstruction, 1);
      instruction->keyword = g_ascii_strup (p, keyword_end - p);
      instruction->arguments = g_strstrip (g_strdup (keyword_end));
      instruction->line = start + 1;
      instruction->end_line = index;
      g_ptr_array_add (self->instructions, instruction);

      if (!g_strv_contains (known_keywords, instruction->keyword))
        {
          g_set_error (error, TD_ERROR, TD_ERROR_PARSE, "%s:%u: unknown instruction “%.*s”",
                       source, instruction->line, (int) (keyword_end - p), p);
          return NULL;
        }
      if ((g_str_equal (instruction->keyword, "RUN") || g_str_equal (instruction->keyword, "COPY") ||
           g_str_equal (instruction->keyword, "ADD")) &&
          !read_heredocs (instruction, lines, n_lines, &index, source, error))
        return NULL;
      if (!parse_arguments (instruction, source, error) ||
          !add_to_stage (self, instruction, source, error))
        return NULL;
    }

  if (self->stages->len == 0)
    {
      g_set_error (error, TD_ERROR, TD_ERROR_PARSE, "%s: no FROM instruction: this is not a Dockerfile",
                   source);
      return NULL;
    }
  return g_steal_pointer (&self);
}

guint
td_dockerfile_get_n_instructions (const TdDockerfile *self)
{
  return self->instructions->len;
}

const TdDockerfileInstruction *
td_dockerfile_get_instruction (const TdDockerfile *self, guint index)
{
  g_return_val_if_fail (index < self->instructions->len, NULL);
  return g_ptr_array_index (self->instructions, index);
}

guint
td_dockerfile_get_n_stages (const TdDockerfile *self)
{
  return self->stages->len;
}

const TdDockerfileStage *
td_dockerfile_get_stage (const TdDockerfile *self, guint index)
{
  g_return_val_if_fail (index < self->stages->len, NULL);
  return g_ptr_array_index (self->stages, index);
}

const TdDockerfileStage *
td_dockerfile_lookup_stage (const TdDockerfile *self, const char *name_or_index)
{
  guint64 index;

  for (guint i = 0; i < self->stages->len; i++)
    {
      const TdDockerfileStage *stage = g_ptr_array_index (self->stages, i);

      if (stage->name != NULL && g_ascii_strcasecmp (stage->name, name_or_index) == 0)
        return stage;
    }
  if (g_ascii_string_to_unsigned (name_or_index, 10, 0, G_MAXUINT, &index, NULL) &&
      index < self->stages->len)
    return g_ptr_array_index (self->stages, index);
  return NULL;
}

const char *
td_dockerfile_get_directive (const TdDockerfile *self, const char *name)
{
  return g_hash_table_lookup (self->directives, name);
}

const char *
td_dockerfile_instruction_get_flag (const TdDockerfileInstruction *instruction, const char *name)
{
  for (guint i = 0; instruction->flags != NULL && i < instruction->flags->len; i++)
    {
      const TdDockerfileKeyValue *flag = g_ptr_array_index (instruction->flags, i);

      if (g_str_equal (flag->key, name))
        return flag->value;
    }
  return NULL;
}
