/* td-agent-output.c: see td-agent-output.h */
#define G_LOG_DOMAIN "td-agent-output"

#include <string.h>

#include "td-agent-output.h"
#include "td-dockerfile.h"
#include "td-error.h"
#include "td-yaml.h"

#define APPROVAL_SENTENCE "RunOnce mode cannot handle permission requests"
#define MAX_ITERATIONS_SENTENCE "Maximum number of iterations reached"

char *
td_agent_output_strip_ansi (const char *output)
{
  GString *clean = g_string_sized_new (strlen (output));
  const char *p = output;

  while (*p != '\0')
    {
      if (*p == '\r')
        p++;
      else if (*p != '\033')
        g_string_append_c (clean, *p++);
      else if (p[1] == '[')
        {
          /* CSI: parameters and intermediates, then one final byte in @–~. */
          p += 2;
          while (*p != '\0' && !(*p >= 0x40 && *p <= 0x7e))
            p++;
          if (*p != '\0')
            p++;
        }
      else if (p[1] == ']')
        {
          /* OSC (hyperlinks, titles): ends with BEL or ESC \. */
          p += 2;
          while (*p != '\0' && *p != '\007' && !(p[0] == '\033' && p[1] == '\\'))
            p++;
          p += *p == '\007' ? 1 : *p != '\0' ? 2 : 0;
        }
      else
        {
          /* Other escapes: intermediate bytes (ESC ( B selects a character set), then a final one. */
          p++;
          while (*p >= 0x20 && *p <= 0x2f)
            p++;
          if (*p != '\0')
            p++;
        }
    }
  return g_string_free (clean, FALSE);
}

/* ── Lines ─────────────────────────────────────────────────────────────────────────────────── */

static guint
indent_of (const char *line)
{
  return strspn (line, " ");
}

static gboolean
is_blank (const char *line)
{
  return line[strspn (line, " \t")] == '\0';
}

/* The lines of @text with trailing blanks (the 80-column padding) removed. */
static GStrv
split_lines (const char *text)
{
  GStrv lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    g_strchomp (lines[i]);
  return lines;
}

/* Lines [@from, @to) joined, each without the indentation they all share. */
static char *
join_dedented (GStrv lines, guint from, guint to)
{
  GString *text = g_string_new (NULL);
  guint common = G_MAXUINT;

  for (guint i = from; i < to; i++)
    if (!is_blank (lines[i]))
      common = MIN (common, indent_of (lines[i]));
  for (guint i = from; i < to; i++)
    g_string_append_printf (text, "%s\n", is_blank (lines[i]) ? "" : lines[i] + common);
  return g_string_free (text, FALSE);
}

/* ── What counts as the artifact ──────────────────────────────────────────────────────────── */

/* The kind of the first document when @text is Kubernetes YAML, else NULL. */
static char *
manifest_kind (const char *text)
{
  g_autoptr(GPtrArray) documents = td_yaml_parse_all (text, -1, "<agent output>", NULL);

  if (documents == NULL || documents->len == 0)
    return NULL;
  for (guint i = 0; i < documents->len; i++)
    {
      const TdYamlNode *document = documents->pdata[i];

      if (document->kind != TD_YAML_MAPPING ||
          td_yaml_mapping_get_string (document, "apiVersion") == NULL ||
          td_yaml_mapping_get_string (document, "kind") == NULL)
        return NULL;
    }
  return g_strdup (td_yaml_mapping_get_string (documents->pdata[0], "kind"));
}

/* What @text is when it is the wanted artifact ("Deployment", "Dockerfile"), else NULL. */
static char *
artifact_kind (const char *text, TdAgentArtifact artifact)
{
  g_autoptr(TdDockerfile) dockerfile = NULL;

  if (artifact == TD_AGENT_ARTIFACT_MANIFEST)
    return manifest_kind (text);
  dockerfile = td_dockerfile_parse (text, -1, "<agent output>", NULL);
  return dockerfile != NULL && td_dockerfile_get_n_stages (dockerfile) > 0 ? g_strdup ("Dockerfile") : NULL;
}

typedef struct {
  TdAgentArtifact  artifact;
  const char      *prefer_kind;
  char            *best;          /* the chosen block so far */
  gboolean         best_preferred;
} Search;

/* Offers a block; keeps the first one, or the first of the preferred kind. */
static void
offer (Search *search, char *block)
{
  g_autofree char *kind = artifact_kind (block, search->artifact);
  gboolean preferred = kind != NULL && search->prefer_kind != NULL && g_str_equal (kind, search->prefer_kind);

  if (kind != NULL && (search->best == NULL || (preferred && !search->best_preferred)))
    {
      g_free (search->best);
      search->best = block;
      search->best_preferred = preferred;
      return;
    }
  g_free (block);
}

static int
compare_guint (const guint *a, const guint *b)
{
  return *a < *b ? -1 : *a > *b;
}

/* ── The shapes ───────────────────────────────────────────────────────────────────────────── */

static void
find_fenced (Search *search, GStrv lines)
{
  for (guint i = 0; lines[i] != NULL; i++)
    {
      guint end;

      if (!g_str_has_prefix (lines[i] + indent_of (lines[i]), "```"))
        continue;
      for (end = i + 1; lines[end] != NULL && !g_str_has_prefix (lines[end] + indent_of (lines[end]), "```"); end++)
        ;
      if (lines[end] == NULL)
        return;
      offer (search, join_dedented (lines, i + 1, end));
      i = end;
    }
}

/* The heredoc delimiter in a command line (`<<EOF`, `<<-'EOF'`, `<< "END"`), or NULL. */
static char *
heredoc_delimiter (const char *line)
{
  const char *p = strstr (line, "<<");
  gsize n;

  if (p == NULL)
    return NULL;
  p += 2;
  if (*p == '-')
    p++;
  while (*p == ' ')
    p++;
  if (*p == '\'' || *p == '"')
    p++;
  n = strspn (p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
  return n > 0 ? g_strndup (p, n) : NULL;
}

/* Heredocs in `Running:` lines (@approval FALSE) or in the `* <command>` lines that follow the
 * RunOnce refusal (@approval TRUE). */
static void
find_heredocs (Search *search, GStrv lines, gboolean approval)
{
  gboolean in_approval_list = FALSE;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *text = lines[i] + indent_of (lines[i]);
      g_autofree char *delimiter = NULL;
      gboolean wanted;
      guint end;

      if (strstr (text, APPROVAL_SENTENCE) != NULL)
        {
          in_approval_list = TRUE;
          continue;
        }
      wanted = approval ? in_approval_list && (g_str_has_prefix (text, "* ") || g_str_has_prefix (text, "- "))
                        : g_str_has_prefix (text, "Running:");
      if (!wanted || (delimiter = heredoc_delimiter (text)) == NULL)
        continue;
      /* Blank lines may sit inside a heredoc: look on to the delimiter. */
      for (end = i + 1; lines[end] != NULL && !g_str_equal (lines[end] + indent_of (lines[end]), delimiter); end++)
        ;
      if (lines[end] == NULL)
        continue;
      offer (search, join_dedented (lines, i + 1, end));
      i = end;
    }
}

/* Runs of lines indented deeper than @margin (blank lines inside a run included). */
static void
find_indented_beyond (Search *search, GStrv lines, guint margin)
{
  for (guint i = 0; lines[i] != NULL; i++)
    {
      guint end = i, last = i;

      if (is_blank (lines[i]) || indent_of (lines[i]) <= margin)
        continue;
      for (; lines[end] != NULL && (is_blank (lines[end]) || indent_of (lines[end]) > margin); end++)
        if (!is_blank (lines[end]))
          last = end;
      offer (search, join_dedented (lines, i, last + 1));
      i = last;
    }
}

/* Code blocks of the non-TTY rendering: deeper than the prose's 2-space margin. Lines outside the
 * markdown (a `Running:` line at column 0) make the margin uncertain, so every indentation in the
 * text is tried as the margin, shallowest first (the outermost block wins). */
static void
find_indented (Search *search, GStrv lines)
{
  g_autoptr(GArray) margins = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; lines[i] != NULL; i++)
    {
      guint indent = indent_of (lines[i]);
      gboolean known = FALSE;

      if (is_blank (lines[i]))
        continue;
      for (guint j = 0; j < margins->len; j++)
        known |= g_array_index (margins, guint, j) == indent;
      if (!known)
        g_array_append_val (margins, indent);
    }
  g_array_sort (margins, (GCompareFunc) compare_guint);
  for (guint j = 0; j < margins->len && search->best == NULL; j++)
    find_indented_beyond (search, lines, g_array_index (margins, guint, j));
}

/* ── Why nothing was found ────────────────────────────────────────────────────────────────── */

static char *
explain_nothing (GStrv lines, const char *clean, TdAgentArtifact artifact, const char *agent)
{
  const char *what = artifact == TD_AGENT_ARTIFACT_MANIFEST ? "a Kubernetes manifest" : "a Dockerfile";

  if (clean[strspn (clean, " \t\n")] == '\0')
    return g_strdup_printf ("%s printed nothing", agent);
  if (strstr (clean, MAX_ITERATIONS_SENTENCE) != NULL)
    return g_strdup_printf ("%s stopped at its maximum number of iterations before it printed %s; "
                            "run it again, perhaps with a shorter prompt, or use the bundled reference",
                            agent, what);
  if (strstr (clean, APPROVAL_SENTENCE) != NULL)
    return g_strdup_printf ("%s wanted to run commands that need approval, and none of them carried %s; "
                            "ask it to print the YAML instead of applying it", agent, what);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *text = lines[i] + indent_of (lines[i]);

      if (g_str_has_prefix (text, "Error:") || g_str_has_prefix (text, "error:"))
        return g_strdup_printf ("%s reported an error and printed no %s: %s", agent,
                                artifact == TD_AGENT_ARTIFACT_MANIFEST ? "manifest" : "Dockerfile", text);
    }
  if (artifact == TD_AGENT_ARTIFACT_MANIFEST)
    return g_strdup_printf ("%s's output holds no Kubernetes manifest: no bare YAML, fenced block, heredoc or "
                            "indented block parses as objects with apiVersion and kind", agent);
  return g_strdup_printf ("%s's output holds no Dockerfile: no file, fenced block, heredoc or indented block "
                          "parses as a Dockerfile with a FROM line", agent);
}

char *
td_agent_output_extract (const char *output, gssize length, TdAgentArtifact artifact, const char *agent,
                         const char *prefer_kind, TdAgentOutputSource *out_source, GError **error)
{
  g_autofree char *copy = g_strndup (output, length < 0 ? strlen (output) : (gsize) length);
  g_autofree char *clean = td_agent_output_strip_ansi (copy);
  g_auto(GStrv) lines = split_lines (clean);
  g_autofree char *reason = NULL;
  g_autofree char *whole = NULL;
  Search search = { artifact, prefer_kind, NULL, FALSE };
  static const TdAgentOutputSource order[] = {
    TD_AGENT_OUTPUT_PLAIN, TD_AGENT_OUTPUT_FENCED, TD_AGENT_OUTPUT_HEREDOC,
    TD_AGENT_OUTPUT_APPROVAL, TD_AGENT_OUTPUT_INDENTED,
  };

  agent = agent != NULL ? agent : "The agent";
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      switch (order[i])
        {
        case TD_AGENT_OUTPUT_PLAIN:
          /* Only an output that carries nothing else: a heredoc inside the prose is not "plain". */
          if (strstr (copy, "\033") == NULL)
            offer (&search, g_strdup (copy));
          break;
        case TD_AGENT_OUTPUT_FENCED:
          find_fenced (&search, lines);
          break;
        case TD_AGENT_OUTPUT_HEREDOC:
        case TD_AGENT_OUTPUT_APPROVAL:
          find_heredocs (&search, lines, order[i] == TD_AGENT_OUTPUT_APPROVAL);
          break;
        case TD_AGENT_OUTPUT_INDENTED:
          find_indented (&search, lines);
          break;
        default:
          g_assert_not_reached ();
        }
      if (search.best != NULL)
        {
          if (out_source != NULL)
            *out_source = order[i];
          return search.best;
        }
    }
  reason = explain_nothing (lines, clean, artifact, agent);
  g_set_error_literal (error, TD_ERROR, TD_ERROR_NOT_FOUND, reason);
  return NULL;
}

const char *
td_agent_output_source_describe (TdAgentOutputSource source, TdAgentArtifact artifact)
{
  switch (source)
    {
    case TD_AGENT_OUTPUT_PLAIN:
      return artifact == TD_AGENT_ARTIFACT_MANIFEST ? "bare YAML" : "the whole output";
    case TD_AGENT_OUTPUT_FENCED:
      return "fenced block";
    case TD_AGENT_OUTPUT_HEREDOC:
      return "heredoc in a Running: line";
    case TD_AGENT_OUTPUT_APPROVAL:
      return "heredoc in the commands awaiting approval";
    case TD_AGENT_OUTPUT_INDENTED:
      return "indented block";
    default:
      return "unknown";
    }
}

gboolean
td_agent_output_looks_plain (const char *text, TdAgentArtifact artifact)
{
  g_auto(GStrv) lines = NULL;

  if (strchr (text, '\033') != NULL)
    return FALSE;
  lines = split_lines (text);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i] + indent_of (lines[i]);
      gsize word;

      if (*line == '\0' || *line == '#')
        continue;
      if (artifact == TD_AGENT_ARTIFACT_MANIFEST)
        return g_str_has_prefix (line, "---") || g_str_has_prefix (line, "apiVersion:") ||
               g_str_has_prefix (line, "kind:");
      /* A Dockerfile instruction: an upper-case word, then a blank. */
      word = strspn (line, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
      return word >= 2 && (line[word] == ' ' || line[word] == '\t');
    }
  return FALSE;
}
