/* td-artifact-check.c: contracts for Dockerfiles and Kubernetes manifests (see the header) */
#define G_LOG_DOMAIN "td-artifact-check"

#include <string.h>

#include "td-artifact-check.h"
#include "td-error.h"
#include "td-quantity.h"

void
td_artifact_finding_free (TdArtifactFinding *finding)
{
  if (finding == NULL)
    return;
  g_free (finding->message);
  g_free (finding->expected);
  g_free (finding);
}

static void add_finding (GPtrArray *findings, TdArtifactSeverity severity, guint line,
                         const char *expected, const char *format, ...) G_GNUC_PRINTF (5, 6);

static void
add_finding (GPtrArray *findings, TdArtifactSeverity severity, guint line, const char *expected,
             const char *format, ...)
{
  TdArtifactFinding *finding = g_new0 (TdArtifactFinding, 1);
  va_list args;

  va_start (args, format);
  finding->message = g_strdup_vprintf (format, args);
  va_end (args);
  finding->severity = severity;
  finding->expected = g_strdup (expected);
  finding->line = line;
  g_ptr_array_add (findings, finding);
}

guint
td_artifact_findings_count (GPtrArray *findings, TdArtifactSeverity severity)
{
  guint count = 0;

  for (guint i = 0; i < findings->len; i++)
    if (((TdArtifactFinding *) g_ptr_array_index (findings, i))->severity == severity)
      count++;
  return count;
}

char *
td_artifact_finding_format (const TdArtifactFinding *finding)
{
  GString *text = g_string_new (finding->severity == TD_ARTIFACT_SEVERITY_ERROR ? "error: " : "warning: ");

  if (finding->line > 0)
    g_string_append_printf (text, "line %u: ", finding->line);
  g_string_append (text, finding->message);
  if (finding->expected != NULL)
    g_string_append_printf (text, " (the seed asks for %s)", finding->expected);
  return g_string_free (text, FALSE);
}

/* ── Dockerfile helpers ──────────────────────────────────────────────────────────────────── */

typedef const TdDockerfileInstruction Instruction;
typedef const TdDockerfileStage Stage;

/* The instructions that build @stage's image in order: those of the stages it starts FROM, then
 * its own. ENV, USER, WORKDIR, EXPOSE and CMD are inherited that way. */
static GPtrArray *
stage_chain (const TdDockerfile *dockerfile, Stage *stage)
{
  GPtrArray *chain = g_ptr_array_new ();
  GPtrArray *stages = g_ptr_array_new ();

  for (Stage *s = stage; s != NULL;
       s = s->base_stage >= 0 ? td_dockerfile_get_stage (dockerfile, s->base_stage) : NULL)
    g_ptr_array_insert (stages, 0, (gpointer) s);
  for (guint i = 0; i < stages->len; i++)
    {
      Stage *s = g_ptr_array_index (stages, i);

      g_ptr_array_extend (chain, s->instructions, NULL, NULL);
    }
  g_ptr_array_unref (stages);
  return chain;
}

/* The last instruction with @keyword in @chain, or NULL. */
static Instruction *
last_instruction (GPtrArray *chain, const char *keyword)
{
  for (guint i = chain->len; i > 0; i--)
    {
      Instruction *instruction = g_ptr_array_index (chain, i - 1);

      if (g_str_equal (instruction->keyword, keyword))
        return instruction;
    }
  return NULL;
}

/* The working directory in effect when @chain[@until] runs (WORKDIR is relative to the last). */
static char *
workdir_at (GPtrArray *chain, guint until)
{
  char *workdir = g_strdup ("/");

  for (guint i = 0; i < until && i < chain->len; i++)
    {
      Instruction *instruction = g_ptr_array_index (chain, i);

      if (g_str_equal (instruction->keyword, "WORKDIR") && instruction->words[0] != NULL)
        {
          char *next = g_canonicalize_filename (instruction->words[0], workdir);

          g_free (workdir);
          workdir = next;
        }
    }
  return workdir;
}

/* "docker.io/library/python:3.11-slim@sha256:…" → "python:3.11-slim"; no tag → ":latest". */
static char *
normalize_image (const char *image)
{
  const char *name = image;
  const char *at = strchr (image, '@');
  g_autofree char *bare = NULL;
  const char *last_slash;

  for (const char *prefix = NULL; ; )
    {
      if (g_str_has_prefix (name, (prefix = "docker.io/")) ||
          g_str_has_prefix (name, (prefix = "index.docker.io/")) ||
          g_str_has_prefix (name, (prefix = "library/")))
        name += strlen (prefix);
      else
        break;
    }
  bare = at != NULL && at > name ? g_strndup (name, at - name) : g_strdup (name);
  last_slash = strrchr (bare, '/');
  if (strchr (last_slash != NULL ? last_slash : bare, ':') == NULL)
    {
      g_autofree char *tagged = g_strconcat (bare, ":latest", NULL);

      return g_ascii_strdown (tagged, -1);
    }
  return g_ascii_strdown (bare, -1);
}

/* The image a stage finally builds on (following FROM <earlier stage>). */
static const char *
stage_image (const TdDockerfile *dockerfile, Stage *stage)
{
  while (stage->base_stage >= 0)
    stage = td_dockerfile_get_stage (dockerfile, stage->base_stage);
  return stage->base;
}

static char *
describe_stage (const TdDockerfile *dockerfile, Stage *stage)
{
  gboolean final = stage->index + 1 == td_dockerfile_get_n_stages (dockerfile);

  if (stage->name != NULL)
    return g_strdup_printf ("stage “%s”", stage->name);
  if (final)
    return g_strdup_printf ("the final stage (stage %u)", stage->index + 1);
  return g_strdup_printf ("stage %u", stage->index + 1);
}

/* A path as a rooted, canonical string: "./backend/" in /app → "/app/backend". */
static char *
canonical_path (const char *path, const char *relative_to)
{
  return g_canonicalize_filename (path, relative_to);
}

/* TRUE when @path (canonical) is @wanted or ends with it as whole components:
 * "/app/.next/standalone" matches ".next/standalone". */
static gboolean
path_matches (const char *path, const char *wanted)
{
  g_autofree char *canonical = canonical_path (wanted, "/");
  gsize path_length = strlen (path);
  gsize wanted_length = strlen (canonical);

  if (g_str_equal (path, canonical))
    return TRUE;
  return path_length > wanted_length && g_str_has_suffix (path, canonical) &&
         g_str_equal (canonical, "/") == FALSE;
}

/* The words of each simple command in @words (split at && || ; | &). */
static GPtrArray *
split_commands (char **words)
{
  GPtrArray *commands = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *current = g_ptr_array_new ();

  for (guint i = 0; words != NULL && words[i] != NULL; i++)
    {
      const char *word = words[i];

      if (g_str_equal (word, "&&") || g_str_equal (word, "||") || g_str_equal (word, ";") ||
          g_str_equal (word, "|") || g_str_equal (word, "&"))
        {
          if (current->len > 0)
            g_ptr_array_add (commands, current);
          else
            g_ptr_array_unref (current);
          current = g_ptr_array_new ();
        }
      else
        g_ptr_array_add (current, (gpointer) word);
    }
  if (current->len > 0)
    g_ptr_array_add (commands, current);
  else
    g_ptr_array_unref (current);
  return commands;
}

/* Does one command in @words contain @wanted's words in order (extra options allowed)? */
static gboolean
runs_command (char **words, char **wanted)
{
  g_autoptr(GPtrArray) commands = split_commands (words);

  for (guint c = 0; c < commands->len; c++)
    {
      GPtrArray *command = g_ptr_array_index (commands, c);
      guint w = 0;

      for (guint i = 0; i < command->len && wanted[w] != NULL; i++)
        if (g_str_equal (g_ptr_array_index (command, i), wanted[w]))
          w++;
      if (wanted[w] == NULL)
        return TRUE;
    }
  return FALSE;
}

static char *
join_words (char **words)
{
  return g_strjoinv (" ", words);
}

static char *
format_exec_form (const char *keyword, char **words)
{
  GString *text = g_string_new (keyword);

  g_string_append (text, " [");
  for (guint i = 0; words[i] != NULL; i++)
    g_string_append_printf (text, "%s\"%s\"", i > 0 ? ", " : "", words[i]);
  g_string_append_c (text, ']');
  return g_string_free (text, FALSE);
}

/* A contract sequence of scalars as a vector of their values. */
static GStrv
scalar_list (const TdYamlNode *node)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  GStrv list;

  for (guint i = 0; node != NULL && node->kind == TD_YAML_SEQUENCE && i < td_yaml_n_children (node); i++)
    {
      const char *value = td_yaml_scalar (td_yaml_child (node, i));

      if (value != NULL)
        g_strv_builder_add (builder, value);
    }
  list = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return list;
}

/* ── Dockerfile checks ───────────────────────────────────────────────────────────────────── */

typedef struct {
  const TdYamlNode   *contract;
  const TdDockerfile *dockerfile;
  GPtrArray          *findings;
  Stage             **matched;      /* contract stage index → the Dockerfile's stage, or NULL */
  guint               n_contract_stages;
} DockerfileCheck;

/* Pairs the contract's stages with the Dockerfile's: by AS name first, then by position, the
 * contract's last stage always with the final stage (it is the image that gets built). */
static void
match_stages (DockerfileCheck *check)
{
  const TdYamlNode *stages = td_yaml_mapping_get (check->contract, "stages");
  guint n_stages = td_dockerfile_get_n_stages (check->dockerfile);
  g_autofree gboolean *taken = g_new0 (gboolean, n_stages);
  guint m = td_yaml_n_children (stages);

  check->n_contract_stages = m;
  check->matched = g_new0 (Stage *, m);
  for (guint j = 0; j < m; j++)
    {
      const char *name = td_yaml_mapping_get_string (td_yaml_child (stages, j), "name");

      for (guint i = 0; name != NULL && i < n_stages; i++)
        {
          Stage *stage = td_dockerfile_get_stage (check->dockerfile, i);

          if (!taken[i] && stage->name != NULL && g_ascii_strcasecmp (stage->name, name) == 0)
            {
              check->matched[j] = stage;
              taken[i] = TRUE;
            }
        }
    }
  for (guint j = 0; j < m; j++)
    {
      guint position = j + 1 == m ? n_stages - 1 : j;

      if (check->matched[j] == NULL && position < n_stages && !taken[position] &&
          (j + 1 == m || position + 1 < n_stages))
        {
          check->matched[j] = td_dockerfile_get_stage (check->dockerfile, position);
          taken[position] = TRUE;
        }
    }
}

static void
check_stage_count (DockerfileCheck *check)
{
  const TdYamlNode *stages = td_yaml_mapping_get (check->contract, "stages");
  guint n_stages = td_dockerfile_get_n_stages (check->dockerfile);
  guint m = check->n_contract_stages;
  g_autoptr(GString) expected = g_string_new (NULL);

  if (n_stages == m)
    return;
  g_string_printf (expected, "%u stages:", m);
  for (guint j = 0; j < m; j++)
    g_string_append_printf (expected, "%s %s", j > 0 ? "," : "",
                            td_yaml_mapping_get_string (td_yaml_child (stages, j), "name"));
  if (n_stages < m)
    add_finding (check->findings, TD_ARTIFACT_SEVERITY_ERROR,
                 td_dockerfile_get_stage (check->dockerfile, 0)->line, expected->str,
                 n_stages == 1 ? "a single-stage build: build tools and caches end up in the image"
                               : "only %u stages", n_stages);
  else
    add_finding (check->findings, TD_ARTIFACT_SEVERITY_WARNING, 0, expected->str,
                 "%u stages, more than the seed asks for", n_stages);
}

static void
check_base_image (DockerfileCheck *check, Stage *stage, const char *wanted)
{
  g_autofree char *label = describe_stage (check->dockerfile, stage);
  g_autofree char *actual = normalize_image (stage_image (check->dockerfile, stage));
  g_autofree char *normalized_wanted = normalize_image (wanted);
  g_autofree char *expected = g_strdup_printf ("FROM %s", wanted);
  const TdYamlNode *tolerated = td_yaml_mapping_get (check->contract, "base_images_with_warning");

  if (g_str_equal (actual, normalized_wanted))
    return;
  for (guint i = 0; tolerated != NULL && i < td_yaml_n_children (tolerated); i++)
    {
      const char *image = td_yaml_scalar (g_ptr_array_index (tolerated->keys, i));
      g_autofree char *normalized = normalize_image (image);

      if (g_str_equal (actual, normalized))
        {
          add_finding (check->findings, TD_ARTIFACT_SEVERITY_WARNING, stage->line, expected,
                       "%s is built FROM %s: %s", label, stage_image (check->dockerfile, stage),
                       td_yaml_scalar (td_yaml_child (tolerated, i)));
          return;
        }
    }
  add_finding (check->findings, TD_ARTIFACT_SEVERITY_ERROR, stage->line, expected,
               "%s is built FROM %s", label, stage_image (check->dockerfile, stage));
}

static void
check_workdir (DockerfileCheck *check, Stage *stage, const char *wanted)
{
  g_autoptr(GPtrArray) chain = stage_chain (check->dockerfile, stage);
  g_autofree char *label = describe_stage (check->dockerfile, stage);
  g_autofree char *expected = g_strdup_printf ("WORKDIR %s", wanted);
  g_autofree char *canonical_wanted = canonical_path (wanted, "/");

  for (guint i = 0; i <= chain->len; i++)
    {
      g_autofree char *workdir = workdir_at (chain, i);

      if (g_str_equal (workdir, canonical_wanted))
        return;
    }
  add_finding (check->findings, TD_ARTIFACT_SEVERITY_ERROR, stage->line, expected,
               "%s never works in %s", label, wanted);
}

/* One COPY/ADD entry of a stage's contract: { source, dest } from the build context, or
 * { from_stage, source?, dest?, what? } from an earlier stage. */
static void
check_copy (DockerfileCheck *check, Stage *stage, const TdYamlNode *entry)
{
  const char *source = td_yaml_mapping_get_string (entry, "source");
  const char *dest = td_yaml_mapping_get_string (entry, "dest");
  const char *from_stage = td_yaml_mapping_get_string (entry, "from_stage");
  const char *what = td_yaml_mapping_get_string (entry, "what");
  g_autoptr(GPtrArray) chain = stage_chain (check->dockerfile, stage);
  g_autofree char *label = describe_stage (check->dockerfile, stage);
  g_autoptr(GString) expected = g_string_new ("COPY ");
  Stage *wanted_stage = NULL;
  Instruction *wrong_dest = NULL;
  g_autofree char *wrong_dest_path = NULL;

  if (from_stage != NULL)
    {
      const TdYamlNode *stages = td_yaml_mapping_get (check->contract, "stages");

      for (guint j = 0; j < check->n_contract_stages; j++)
        if (g_strcmp0 (td_yaml_mapping_get_string (td_yaml_child (stages, j), "name"), from_stage) == 0)
          wanted_stage = check->matched[j];
      g_string_append_printf (expected, "--from=%s ", from_stage);
    }
  if (source != NULL)
    g_string_append (expected, source);
  else
    g_string_append_printf (expected, "of the %s", what != NULL ? what : "files");
  if (dest != NULL)
    g_string_append_printf (expected, " %s", dest);

  for (guint i = 0; i < chain->len; i++)
    {
      Instruction *instruction = g_ptr_array_index (chain, i);
      const char *from = td_dockerfile_instruction_get_flag (instruction, "from");
      guint n_words;
      gboolean source_found = FALSE;

      if (instruction->stage != (int) stage->index ||
          !(g_str_equal (instruction->keyword, "COPY") || g_str_equal (instruction->keyword, "ADD")))
        continue;
      if (from_stage == NULL ? from != NULL
                             : from == NULL || (wanted_stage != NULL
                                                ? td_dockerfile_lookup_stage (check->dockerfile, from) != wanted_stage
                                                : g_ascii_strcasecmp (from, from_stage) != 0))
        continue;

      n_words = g_strv_length (instruction->words);
      for (guint w = 0; w + 1 < n_words && !source_found; w++)
        {
          /* From the context, the path is as written; from a stage, it may be absolute. */
          g_autofree char *path = canonical_path (instruction->words[w], "/");
          g_autofree char *wanted = source != NULL ? canonical_path (source, "/") : NULL;

          source_found = source == NULL ||
                         (from_stage == NULL ? g_str_equal (path, wanted) : path_matches (path, source));
        }
      if (!source_found)
        continue;
      if (dest != NULL)
        {
          g_autofree char *workdir = workdir_at (chain, i);
          g_autofree char *actual = canonical_path (instruction->words[n_words - 1], workdir);
          g_autofree char *wanted = canonical_path (dest, workdir);

          if (!g_str_equal (actual, wanted))
            {
              wrong_dest = instruction;
              g_free (wrong_dest_path);
              wrong_dest_path = g_steal_pointer (&actual);
              continue;
            }
        }
      return;
    }

  if (wrong_dest != NULL)
    add_finding (check->findings, TD_ARTIFACT_SEVERITY_ERROR, wrong_dest->line, expected->str,
                 "%s copies %s to %s", label, source, wrong_dest_path);
  else if (from_stage != NULL)
    add_finding (check->findings, TD_ARTIFACT_SEVERITY_ERROR, stage->line, expected->str,
                 "%s does not copy %s from stage “%s”", label,
                 source != NULL ? source : what != NULL ? what : "anything", from_stage);
  else
    add_finding (check->findings, TD_ARTIFACT_SEVERITY_ERROR, stage->line, expected->str,
                 "%s does not copy %s from the build context", label, source);
}

static void
check_run (DockerfileCheck *check, Stage *stage, const char *command)
{
  g_auto(GStrv) wanted = td_dockerfile_split_words (command);
  g_autofree char *label = describe_stage (check->dockerfile, stage);
  g_autofree char *expected = g_strdup_printf ("RUN %s", command);

  for (guint i = 0; i < stage->instructions->len; i++)
    {
      Instruction *instruction = g_ptr_array_index (stage->instructions, i);

      if (g_str_equal (instruction->keyword, "RUN") && runs_command (instruction->words, wanted))
        return;
    }
  add_finding (check->findings, TD_ARTIFACT_SEVERITY_ERROR, stage->line, expected,
               "%s never runs “%s”", label, command);
}

/* The value @key has after @chain's ENV instructions, and the instruction that set it. */
static const char *
env_value (GPtrArray *chain, const char *key, Instruction **out_instruction)
{
  const char *value = NULL;

  *out_instruction = NULL;
  for (guint i = 0; i < chain->len; i++)
    {
      Instruction *instruction = g_ptr_array_index (chain, i);

      if (!g_str_equal (instruction->keyword, "ENV"))
        continue;
      for (guint p = 0; p < instruction->pairs->len; p++)
        {
          const TdDockerfileKeyValue *pair = g_ptr_array_index (instruction->pairs, p);

          if (g_str_equal (pair->key, key))
            {
              value = pair->value;
              *out_instruction = instruction;
            }
        }
    }
  return value;
}

static void
check_env (DockerfileCheck *check, Stage *stage, const TdYamlNode *env)
{
  g_autoptr(GPtrArray) chain = stage_chain (check->dockerfile, stage);
  g_autofree char *label = describe_stage (check->dockerfile, stage);

  for (guint i = 0; env != NULL && env->kind == TD_YAML_MAPPING && i < env->keys->len; i++)
    {
      const char *key = td_yaml_scalar (g_ptr_array_index (env->keys, i));
      const char *wanted = td_yaml_scalar (td_yaml_child (env, i));
      g_autofree char *expected = g_strdup_printf ("ENV %s=%s", key, wanted);
      Instruction *instruction;
      const char *value = env_value (chain, key, &instruction);

      if (value == NULL)
        add_finding (check->findings, TD_ARTIFACT_SEVERITY_ERROR, stage->line, expected,
                     "%s does not set %s", label, key);
      else if (g_strcmp0 (value, wanted) != 0)
        add_finding (check->findings, TD_ARTIFACT_SEVERITY_ERROR, instruction->line, expected,
                     "%s sets %s=%s", label, key, value);
    }
}

static void
check_stages (DockerfileCheck *check)
{
  const TdYamlNode *stages = td_yaml_mapping_get (check->contract, "stages");

  check_stage_count (check);
  for (guint j = 0; j < check->n_contract_stages; j++)
    {
      const TdYamlNode *wanted = td_yaml_child (stages, j);
      Stage *stage = check->matched[j];
      const char *name = td_yaml_mapping_get_string (wanted, "name");
      const char *from = td_yaml_mapping_get_string (wanted, "from");
      const char *workdir = td_yaml_mapping_get_string (wanted, "workdir");
      const TdYamlNode *copies = td_yaml_mapping_get (wanted, "copy");
      g_auto(GStrv) runs = scalar_list (td_yaml_mapping_get (wanted, "run"));

      if (stage == NULL)
        continue;   /* too few stages: reported once above */
      if (name != NULL && stage->name != NULL && g_ascii_strcasecmp (stage->name, name) != 0)
        {
          g_autofree char *expected = g_strdup_printf ("FROM … AS %s", name);

          add_finding (check->findings, TD_ARTIFACT_SEVERITY_WARNING, stage->line, expected,
                       "stage %u is named “%s”", stage->index + 1, stage->name);
        }
      if (from != NULL)
        check_base_image (check, stage, from);
      if (workdir != NULL)
        check_workdir (check, stage, workdir);
      for (guint c = 0; c < td_yaml_n_children (copies); c++)
        check_copy (check, stage, td_yaml_child (copies, c));
      for (guint r = 0; runs[r] != NULL; r++)
        check_run (check, stage, runs[r]);
      check_env (check, stage, td_yaml_mapping_get (wanted, "env"));
    }
}

/* A useradd/adduser/groupadd/addgroup command, as far as the checks need it. */
typedef struct {
  Instruction *instruction;
  gboolean     is_group;    /* groupadd/addgroup */
  const char  *name;
  const char  *id;          /* -u/--uid (users), -g/--gid (groups), or NULL */
  GPtrArray   *groups;      /* users: the groups it is put in */
} AccountCommand;

static void
account_command_free (gpointer data)
{
  AccountCommand *account = data;

  g_ptr_array_unref (account->groups);
  g_free (account);
}

/* Options that take a value, per program (busybox adduser's -g is the GECOS, useradd's a group). */
static gboolean
option_value_kind (const char *program, const char *option, char *kind)
{
  static const struct { const char *program; const char *option; char kind; } options[] = {
    /* u: uid/gid, g: a group the user joins, x: another option's value */
    { "useradd", "-u", 'u' }, { "useradd", "--uid", 'u' }, { "useradd", "-g", 'g' },
    { "useradd", "--gid", 'g' }, { "useradd", "-G", 'g' }, { "useradd", "--groups", 'g' },
    { "adduser", "-u", 'u' }, { "adduser", "--uid", 'u' }, { "adduser", "-G", 'g' },
    { "adduser", "--ingroup", 'g' }, { "adduser", "--gid", 'g' },
    { "groupadd", "-g", 'u' }, { "groupadd", "--gid", 'u' },
    { "addgroup", "-g", 'u' }, { "addgroup", "--gid", 'u' },
  };
  static const char * const with_values[] = {
    "-c", "--comment", "-d", "--home", "--home-dir", "-h", "-s", "--shell", "-k", "--skel",
    "-e", "--expiredate", "-f", "--inactive", "-p", "--password", "-K", "--key", "-R", "--root",
    "-b", "--base-dir", "-Z", "--selinux-user", "--gecos", "--firstuid", "--lastuid",
    "--conf", "-P", "--prefix", NULL
  };

  for (guint i = 0; i < G_N_ELEMENTS (options); i++)
    if (g_str_equal (options[i].program, program) && g_str_equal (options[i].option, option))
      {
        *kind = options[i].kind;
        return TRUE;
      }
  /* busybox adduser -g GECOS */
  if (g_str_equal (option, "-g") || g_strv_contains (with_values, option))
    {
      *kind = 'x';
      return TRUE;
    }
  return FALSE;
}

static AccountCommand *
parse_account_command (Instruction *instruction, GPtrArray *command)
{
  const char *program;
  AccountCommand *account;
  guint start = 0;

  /* "sudo useradd …", "/usr/sbin/useradd …" */
  if (start < command->len && g_str_equal (g_ptr_array_index (command, start), "sudo"))
    start++;
  if (start >= command->len)
    return NULL;
  program = strrchr (g_ptr_array_index (command, start), '/');
  program = program != NULL ? program + 1 : g_ptr_array_index (command, start);
  if (!g_str_equal (program, "useradd") && !g_str_equal (program, "adduser") &&
      !g_str_equal (program, "groupadd") && !g_str_equal (program, "addgroup"))
    return NULL;

  account = g_new0 (AccountCommand, 1);
  account->instruction = instruction;
  account->is_group = g_str_equal (program, "groupadd") || g_str_equal (program, "addgroup");
  account->groups = g_ptr_array_new ();
  for (guint i = start + 1; i < command->len; i++)
    {
      const char *word = g_ptr_array_index (command, i);
      g_autofree char *option = NULL;
      const char *value = NULL;
      char kind;

      if (word[0] != '-')
        {
          /* adduser USER GROUP (Debian) puts USER in GROUP */
          if (account->name == NULL)
            account->name = word;
          else if (!account->is_group)
            g_ptr_array_add (account->groups, (gpointer) word);
          continue;
        }
      option = g_strndup (word, strcspn (word, "="));
      if (!option_value_kind (program, option, &kind))
        continue;
      if (word[strlen (option)] == '=')
        value = word + strlen (option) + 1;
      else if (i + 1 < command->len)
        value = g_ptr_array_index (command, ++i);
      if (value == NULL || kind == 'x')
        continue;
      if (kind == 'u')
        account->id = value;
      else
        {
          g_auto(GStrv) groups = g_strsplit (value, ",", -1);

          for (guint g = 0; groups[g] != NULL; g++)
            if (groups[g][0] != '\0')
              g_ptr_array_add (account->groups,
                               (gpointer) g_intern_string (groups[g]));   /* outlives @groups */
        }
    }
  if (account->name == NULL)
    {
      account_command_free (account);
      return NULL;
    }
  return account;
}

static GPtrArray *
find_account_commands (GPtrArray *chain)
{
  GPtrArray *accounts = g_ptr_array_new_with_free_func (account_command_free);

  for (guint i = 0; i < chain->len; i++)
    {
      Instruction *instruction = g_ptr_array_index (chain, i);
      g_autoptr(GPtrArray) commands = NULL;

      if (!g_str_equal (instruction->keyword, "RUN"))
        continue;
      commands = split_commands (instruction->words);
      for (guint c = 0; c < commands->len; c++)
        {
          AccountCommand *account = parse_account_command (instruction, g_ptr_array_index (commands, c));

          if (account != NULL)
            g_ptr_array_add (accounts, account);
        }
    }
  return accounts;
}

static AccountCommand *
find_account (GPtrArray *accounts, gboolean is_group, const char *name)
{
  for (guint i = 0; i < accounts->len; i++)
    {
      AccountCommand *account = g_ptr_array_index (accounts, i);

      if (account->is_group == is_group && g_str_equal (account->name, name))
        return account;
    }
  return NULL;
}

static void
check_user (DockerfileCheck *check, Stage *final, GPtrArray *chain)
{
  const TdYamlNode *user = td_yaml_mapping_get (check->contract, "user");
  const char *name = td_yaml_mapping_get_string (user, "name");
  const char *uid = td_yaml_mapping_get_string (user, "uid");
  const char *group = td_yaml_mapping_get_string (user, "group");
  g_autoptr(GPtrArray) accounts = find_account_commands (chain);
  g_autofree char *expected_user = NULL;
  g_autofree char *expected_create = NULL;
  AccountCommand *created;
  Instruction *switch_to = last_instruction (chain, "USER");

  if (name == NULL)
    return;
  expected_user = g_strdup_printf ("USER %s", name);
  expected_create = g_strdup_printf ("useradd or adduser in a RUN, creating the user %s%s%s%s%s",
                                     name, uid != NULL ? " with uid " : "", uid != NULL ? uid : "",
                                     group != NULL ? " in group " : "", group != NULL ? group : "");

  created = find_account (accounts, FALSE, name);
  if (created == NULL)
    add_finding (check->findings, TD_ARTIFACT_SEVERITY_ERROR, final->line, expected_create,
                 "the final image never creates the user %s", name);
  else
    {
      if (uid != NULL && created->id == NULL)
        add_finding (check->findings, TD_ARTIFACT_SEVERITY_ERROR, created->instruction->line,
                     expected_create, "%s is created without a fixed uid, so it will not be %s",
                     name, uid);
      else if (uid != NULL && !g_str_equal (created->id, uid))
        add_finding (check->findings, TD_ARTIFACT_SEVERITY_ERROR, created->instruction->line,
                     expected_create, "%s is created with uid %s", name, created->id);
      if (group != NULL && find_account (accounts, TRUE, group) == NULL)
        add_finding (check->findings, TD_ARTIFACT_SEVERITY_ERROR, created->instruction->line,
                     expected_create, "the group %s is never created with groupadd or addgroup", group);
      else if (group != NULL && !g_ptr_array_find_with_equal_func (created->groups, group, g_str_equal, NULL))
        add_finding (check->findings, TD_ARTIFACT_SEVERITY_ERROR, created->instruction->line,
                     expected_create, "%s is not put in the group %s", name, group);
    }

  if (switch_to == NULL)
    {
      if (created != NULL)
        add_finding (check->findings, TD_ARTIFACT_SEVERITY_ERROR, final->line, expected_user,
                     "%s is created but never switched to: no USER in the final stage, so the "
                     "container runs as root", name);
      else
        add_finding (check->findings, TD_ARTIFACT_SEVERITY_ERROR, final->line, expected_user,
                     "no USER in the final stage, so the container runs as root");
    }
  else
    {
      const char *value = switch_to->words[0];
      g_autofree char *user_part = g_strndup (value, strcspn (value, ":"));

      if (g_str_equal (user_part, "root") || g_str_equal (user_part, "0"))
        add_finding (check->findings, TD_ARTIFACT_SEVERITY_ERROR, switch_to->line, expected_user,
                     "the container runs as root: USER %s", value);
      else if (!g_str_equal (user_part, name) && g_strcmp0 (user_part, uid) != 0)
        add_finding (check->findings, TD_ARTIFACT_SEVERITY_ERROR, switch_to->line, expected_user,
                     "the container runs as %s, not %s", value, name);
      else if (created != NULL && switch_to->line < created->instruction->line)
        add_finding (check->findings, TD_ARTIFACT_SEVERITY_ERROR, switch_to->line, expected_user,
                     "USER %s comes before the user is created (line %u)", value,
                     created->instruction->line);
    }
}

static void
check_expose (DockerfileCheck *check, Stage *final, GPtrArray *chain)
{
  const char *port = td_yaml_mapping_get_string (check->contract, "expose");
  g_autofree char *expected = NULL;
  Instruction *other = NULL;

  if (port == NULL)
    return;
  expected = g_strdup_printf ("EXPOSE %s", port);
  for (guint i = 0; i < chain->len; i++)
    {
      Instruction *instruction = g_ptr_array_index (chain, i);

      if (!g_str_equal (instruction->keyword, "EXPOSE"))
        continue;
      for (guint w = 0; instruction->words[w] != NULL; w++)
        {
          const char *word = instruction->words[w];
          gsize digits = strcspn (word, "/");

          if (strncmp (word, port, digits) == 0 && port[digits] == '\0' &&
              (word[digits] == '\0' || g_ascii_strcasecmp (word + digits, "/tcp") == 0))
            return;
        }
      other = instruction;
    }
  if (other != NULL)
    add_finding (check->findings, TD_ARTIFACT_SEVERITY_ERROR, other->line, expected,
                 "the image exposes %s, not port %s", other->arguments, port);
  else
    add_finding (check->findings, TD_ARTIFACT_SEVERITY_ERROR, final->line, expected,
                 "the final stage does not EXPOSE port %s", port);
}

/* CMD and ENTRYPOINT together are the argv the container starts with; shell forms are compared
 * by their words. */
static void
check_cmd (DockerfileCheck *check, Stage *final, GPtrArray *chain)
{
  g_auto(GStrv) wanted = scalar_list (td_yaml_mapping_get (check->contract, "cmd"));
  g_autofree char *expected = format_exec_form ("CMD", wanted);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_autofree char *actual = NULL;
  Instruction *entrypoint = last_instruction (chain, "ENTRYPOINT");
  Instruction *cmd = last_instruction (chain, "CMD");
  Instruction *blamed = cmd != NULL ? cmd : entrypoint;

  if (wanted[0] == NULL)
    return;
  if (entrypoint == NULL && cmd == NULL)
    {
      add_finding (check->findings, TD_ARTIFACT_SEVERITY_ERROR, final->line, expected,
                   "no CMD: the image does not say what to run");
      return;
    }
  if (entrypoint != NULL)
    g_strv_builder_addv (builder, (const char **) entrypoint->words);
  /* A shell-form ENTRYPOINT ignores CMD. */
  if (cmd != NULL && (entrypoint == NULL || entrypoint->form == TD_DOCKERFILE_FORM_EXEC))
    g_strv_builder_addv (builder, (const char **) cmd->words);
  argv = g_strv_builder_end (builder);
  actual = join_words (argv);

  if (!g_strv_equal ((const char * const *) argv, (const char * const *) wanted))
    add_finding (check->findings, TD_ARTIFACT_SEVERITY_ERROR, blamed->line, expected,
                 "the container starts “%s”", actual);
  else if (blamed->form == TD_DOCKERFILE_FORM_SHELL ||
           (entrypoint != NULL && entrypoint->form == TD_DOCKERFILE_FORM_SHELL))
    add_finding (check->findings, TD_ARTIFACT_SEVERITY_WARNING, blamed->line, expected,
                 "%s uses the shell form: /bin/sh runs as process 1 and %s never receives the "
                 "stop signal", blamed->keyword, wanted[0]);
}

GPtrArray *
td_artifact_check_dockerfile (const TdYamlNode *contract, const TdDockerfile *dockerfile)
{
  DockerfileCheck check = { contract, dockerfile, NULL, NULL, 0 };
  Stage *final = td_dockerfile_get_stage (dockerfile, td_dockerfile_get_n_stages (dockerfile) - 1);
  g_autoptr(GPtrArray) chain = stage_chain (dockerfile, final);

  check.findings = g_ptr_array_new_with_free_func ((GDestroyNotify) td_artifact_finding_free);
  match_stages (&check);
  check_stages (&check);
  check_user (&check, final, chain);
  check_expose (&check, final, chain);
  check_cmd (&check, final, chain);
  /* The final image's environment (build-time ENV is on its stage in the contract). */
  check_env (&check, final, td_yaml_mapping_get (contract, "env"));
  g_free (check.matched);
  return check.findings;
}

/* ── Entry point ─────────────────────────────────────────────────────────────────────────── */

GPtrArray *
td_artifact_check (const TdYamlNode *contract, const char *text, gssize length, const char *source,
                   GError **error)
{
  const char *type = td_yaml_mapping_get_string (contract, "type");

  if (g_strcmp0 (type, "dockerfile") == 0)
    {
      g_autoptr(TdDockerfile) dockerfile = td_dockerfile_parse (text, length, source, error);

      return dockerfile != NULL ? td_artifact_check_dockerfile (contract, dockerfile) : NULL;
    }
  if (g_strcmp0 (type, "manifest") == 0)
    {
      g_autoptr(GPtrArray) documents = td_yaml_parse_all (text, length, source, error);

      if (documents == NULL)
        return NULL;
      if (documents->len != 1 || ((TdYamlNode *) g_ptr_array_index (documents, 0))->kind != TD_YAML_MAPPING)
        {
          g_set_error (error, TD_ERROR, TD_ERROR_PARSE,
                       "%s: expected one Kubernetes object (a YAML mapping), found %u documents",
                       source, documents->len);
          return NULL;
        }
      return td_artifact_check_manifest (contract, g_ptr_array_index (documents, 0));
    }
  g_set_error (error, TD_ERROR, TD_ERROR_INVALID, "the contract's type “%s” is not one the checker knows",
               type != NULL ? type : "(none)");
  return NULL;
}

/* ── Manifest checks ─────────────────────────────────────────────────────────────────────── */

typedef struct {
  const TdYamlNode *contract;
  const TdYamlNode *manifest;
  GPtrArray        *findings;
} ManifestCheck;

/* The node at a dotted @path ("spec.template.spec") below @node, or NULL. */
static const TdYamlNode *
yaml_path (const TdYamlNode *node, const char *path)
{
  g_auto(GStrv) keys = g_strsplit (path, ".", -1);

  for (guint i = 0; keys[i] != NULL && node != NULL; i++)
    node = node->kind == TD_YAML_MAPPING ? td_yaml_mapping_get (node, keys[i]) : NULL;
  return td_yaml_is_null (node) ? NULL : node;
}

static guint
line_of (const TdYamlNode *node, const TdYamlNode *fallback)
{
  return node != NULL ? node->line : fallback != NULL ? fallback->line : 0;
}

/* The scalar at @path equals @wanted (numbers compared as numbers: "8000" and 8000). */
static gboolean
scalar_equals (const TdYamlNode *node, const char *wanted)
{
  gint64 a, b;
  const char *value = td_yaml_scalar (node);

  if (value == NULL)
    return FALSE;
  if (g_str_equal (value, wanted))
    return TRUE;
  return td_yaml_get_int (node, &a) && g_ascii_string_to_signed (wanted, 10, G_MININT64, G_MAXINT64, &b, NULL) &&
         a == b;
}

/* Checks the scalar at @path below @base; @label is how the message names it. */
static void
check_scalar (ManifestCheck *check, const TdYamlNode *base, const char *path, const char *label,
              const char *wanted, const char *when_missing)
{
  const TdYamlNode *node = yaml_path (base, path);
  g_autofree char *expected = g_strdup_printf ("%s: %s", label, wanted);

  if (wanted == NULL)
    return;
  if (node == NULL)
    add_finding (check->findings, TD_ARTIFACT_SEVERITY_ERROR, line_of (base, check->manifest), expected,
                 "%s is not set%s", label, when_missing != NULL ? when_missing : "");
  else if (!scalar_equals (node, wanted))
    add_finding (check->findings, TD_ARTIFACT_SEVERITY_ERROR, node->line, expected,
                 "%s is %s", label, td_yaml_scalar (node) != NULL ? td_yaml_scalar (node) : "not a value");
}

/* Every key: value of the contract mapping @wanted is in the mapping at @path. */
static void
check_labels (ManifestCheck *check, const char *path, const TdYamlNode *wanted)
{
  const TdYamlNode *labels = yaml_path (check->manifest, path);

  for (guint i = 0; wanted != NULL && wanted->kind == TD_YAML_MAPPING && i < wanted->keys->len; i++)
    {
      const char *key = td_yaml_scalar (g_ptr_array_index (wanted->keys, i));
      const char *value = td_yaml_scalar (td_yaml_child (wanted, i));
      const TdYamlNode *actual = labels != NULL && labels->kind == TD_YAML_MAPPING
                                   ? td_yaml_mapping_get (labels, key) : NULL;
      g_autofree char *expected = g_strdup_printf ("%s: {%s: %s}", path, key, value);

      if (actual == NULL)
        add_finding (check->findings, TD_ARTIFACT_SEVERITY_ERROR, line_of (labels, check->manifest),
                     expected, "%s has no %s", path, key);
      else if (!scalar_equals (actual, value))
        add_finding (check->findings, TD_ARTIFACT_SEVERITY_ERROR, actual->line, expected,
                     "%s has %s: %s", path, key, td_yaml_scalar (actual));
    }
}

static gboolean
same_quantity (const char *resource, const char *a, const char *b)
{
  gint64 x, y;

  if (g_str_equal (resource, "cpu"))
    return td_quantity_parse_millicores (a, &x, NULL) && td_quantity_parse_millicores (b, &y, NULL) && x == y;
  return td_quantity_parse_bytes (a, &x, NULL) && td_quantity_parse_bytes (b, &y, NULL) && x == y;
}

static void
check_resources (ManifestCheck *check, const TdYamlNode *container, const TdYamlNode *wanted)
{
  static const char * const kinds[] = { "requests", "limits" };

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      const TdYamlNode *wanted_kind = td_yaml_mapping_get (wanted, kinds[k]);

      for (guint i = 0; wanted_kind != NULL && wanted_kind->kind == TD_YAML_MAPPING && i < wanted_kind->keys->len; i++)
        {
          const char *resource = td_yaml_scalar (g_ptr_array_index (wanted_kind->keys, i));
          const char *value = td_yaml_scalar (td_yaml_child (wanted_kind, i));
          g_autofree char *path = g_strdup_printf ("resources.%s.%s", kinds[k], resource);
          const TdYamlNode *actual = yaml_path (container, path);
          g_autofree char *expected = g_strdup_printf ("%s: %s", path, value);

          if (actual == NULL)
            add_finding (check->findings, TD_ARTIFACT_SEVERITY_ERROR, container->line, expected,
                         "the container has no %s", path);
          else if (td_yaml_scalar (actual) == NULL || !same_quantity (resource, td_yaml_scalar (actual), value))
            add_finding (check->findings, TD_ARTIFACT_SEVERITY_ERROR, actual->line, expected,
                         "%s is %s", path, td_yaml_scalar (actual) != NULL ? td_yaml_scalar (actual) : "not a value");
        }
    }
}

/* A probe port may be a number or the name of one of the container's ports. */
static gboolean
probe_port_matches (const TdYamlNode *container, const TdYamlNode *port, const char *wanted)
{
  const TdYamlNode *ports = yaml_path (container, "ports");

  if (scalar_equals (port, wanted))
    return TRUE;
  for (guint i = 0; ports != NULL && i < td_yaml_n_children (ports); i++)
    {
      const TdYamlNode *entry = td_yaml_child (ports, i);

      if (g_strcmp0 (td_yaml_mapping_get_string (entry, "name"), td_yaml_scalar (port)) == 0)
        return scalar_equals (td_yaml_mapping_get (entry, "containerPort"), wanted);
    }
  return FALSE;
}

static void
check_probe (ManifestCheck *check, const TdYamlNode *container, const char *name, const TdYamlNode *wanted)
{
  const TdYamlNode *probe = yaml_path (container, name);
  const char *path = td_yaml_mapping_get_string (wanted, "path");
  const char *port = td_yaml_mapping_get_string (wanted, "port");
  static const char * const timings[] = { "initialDelaySeconds", "periodSeconds" };

  if (wanted == NULL)
    return;
  if (probe == NULL)
    {
      g_autofree char *expected = g_strdup_printf ("%s: httpGet path %s port %s", name, path, port);

      add_finding (check->findings, TD_ARTIFACT_SEVERITY_ERROR, container->line, expected,
                   "the container has no %s", name);
      return;
    }
  if (path != NULL)
    {
      g_autofree char *label = g_strdup_printf ("%s.httpGet.path", name);

      check_scalar (check, probe, "httpGet.path", label, path, ": the seed asks for an httpGet probe");
    }
  if (port != NULL)
    {
      const TdYamlNode *actual = yaml_path (probe, "httpGet.port");
      g_autofree char *expected = g_strdup_printf ("%s.httpGet.port: %s", name, port);

      if (actual != NULL && !probe_port_matches (container, actual, port))
        add_finding (check->findings, TD_ARTIFACT_SEVERITY_ERROR, actual->line, expected,
                     "%s.httpGet.port is %s", name, td_yaml_scalar (actual) != NULL ? td_yaml_scalar (actual) : "not a port");
      else if (actual == NULL && yaml_path (probe, "httpGet") != NULL)
        add_finding (check->findings, TD_ARTIFACT_SEVERITY_ERROR, probe->line, expected,
                     "%s.httpGet.port is not set", name);
    }
  for (guint i = 0; i < G_N_ELEMENTS (timings); i++)
    {
      g_autofree char *label = g_strdup_printf ("%s.%s", name, timings[i]);

      check_scalar (check, probe, timings[i], label, td_yaml_mapping_get_string (wanted, timings[i]), NULL);
    }
}

static void
check_env_from (ManifestCheck *check, const TdYamlNode *container, const TdYamlNode *wanted)
{
  const TdYamlNode *env_from = yaml_path (container, "envFrom");

  for (guint i = 0; i < td_yaml_n_children (wanted); i++)
    {
      const TdYamlNode *entry = td_yaml_child (wanted, i);
      const char *ref = entry->kind == TD_YAML_MAPPING && entry->keys->len > 0
                          ? td_yaml_scalar (g_ptr_array_index (entry->keys, 0)) : NULL;
      const char *name = ref != NULL ? td_yaml_scalar (td_yaml_child (entry, 0)) : NULL;
      g_autofree char *expected = g_strdup_printf ("envFrom: - %s: {name: %s}", ref, name);
      gboolean found = FALSE;

      if (ref == NULL || name == NULL)
        continue;
      for (guint j = 0; !found && j < td_yaml_n_children (env_from); j++)
        {
          const TdYamlNode *source = td_yaml_mapping_get (td_yaml_child (env_from, j), ref);

          found = g_strcmp0 (td_yaml_mapping_get_string (source, "name"), name) == 0;
        }
      if (!found)
        add_finding (check->findings, TD_ARTIFACT_SEVERITY_ERROR, line_of (env_from, container), expected,
                     "the container does not take its environment from %s %s", ref, name);
    }
}

/* The container the contract describes: the one running its image, else the first. */
static const TdYamlNode *
find_container (ManifestCheck *check, const char *image)
{
  const TdYamlNode *containers = yaml_path (check->manifest, "spec.template.spec.containers");
  g_autofree char *wanted = image != NULL ? normalize_image (image) : NULL;

  for (guint i = 0; wanted != NULL && i < td_yaml_n_children (containers); i++)
    {
      const char *candidate = td_yaml_mapping_get_string (td_yaml_child (containers, i), "image");
      g_autofree char *normalized = candidate != NULL ? normalize_image (candidate) : NULL;

      if (g_strcmp0 (normalized, wanted) == 0)
        return td_yaml_child (containers, i);
    }
  return td_yaml_n_children (containers) > 0 ? td_yaml_child (containers, 0) : NULL;
}

static void
check_container (ManifestCheck *check, const TdYamlNode *wanted)
{
  const char *image = td_yaml_mapping_get_string (wanted, "image");
  const char *port = td_yaml_mapping_get_string (wanted, "containerPort");
  const TdYamlNode *container = find_container (check, image);
  const TdYamlNode *ports;
  gboolean port_found = FALSE;

  if (container == NULL)
    {
      add_finding (check->findings, TD_ARTIFACT_SEVERITY_ERROR, line_of (yaml_path (check->manifest, "spec"), check->manifest),
                   "spec.template.spec.containers", "the Deployment has no containers");
      return;
    }
  if (image != NULL)
    {
      const char *actual = td_yaml_mapping_get_string (container, "image");
      g_autofree char *normalized = actual != NULL ? normalize_image (actual) : NULL;
      g_autofree char *normalized_wanted = normalize_image (image);
      g_autofree char *expected = g_strdup_printf ("image: %s", image);

      if (g_strcmp0 (normalized, normalized_wanted) != 0)
        add_finding (check->findings, TD_ARTIFACT_SEVERITY_ERROR, container->line, expected,
                     "the container runs the image %s", actual != NULL ? actual : "(none)");
    }
  check_scalar (check, container, "imagePullPolicy", "imagePullPolicy",
                td_yaml_mapping_get_string (wanted, "imagePullPolicy"),
                ": Kubernetes pulls :latest images from a registry, where this image does not exist");
  if (port != NULL)
    {
      g_autofree char *expected = g_strdup_printf ("containerPort: %s", port);

      ports = yaml_path (container, "ports");
      for (guint i = 0; i < td_yaml_n_children (ports); i++)
        port_found |= scalar_equals (td_yaml_mapping_get (td_yaml_child (ports, i), "containerPort"), port);
      if (!port_found)
        add_finding (check->findings, TD_ARTIFACT_SEVERITY_ERROR, line_of (ports, container), expected,
                     "the container does not declare containerPort %s", port);
    }
  check_env_from (check, container, td_yaml_mapping_get (wanted, "envFrom"));
  check_resources (check, container, td_yaml_mapping_get (wanted, "resources"));
  check_probe (check, container, "livenessProbe", td_yaml_mapping_get (wanted, "livenessProbe"));
  check_probe (check, container, "readinessProbe", td_yaml_mapping_get (wanted, "readinessProbe"));
}

static void
check_service_ports (ManifestCheck *check)
{
  const char *port = td_yaml_mapping_get_string (check->contract, "port");
  const char *target = td_yaml_mapping_get_string (check->contract, "targetPort");
  const char *node_port = td_yaml_mapping_get_string (check->contract, "nodePort");
  const TdYamlNode *ports = yaml_path (check->manifest, "spec.ports");
  const TdYamlNode *entry = NULL;
  g_autofree char *expected = g_strdup_printf ("port %s in spec.ports", port);

  if (port == NULL)
    return;
  for (guint i = 0; entry == NULL && i < td_yaml_n_children (ports); i++)
    if (scalar_equals (td_yaml_mapping_get (td_yaml_child (ports, i), "port"), port))
      entry = td_yaml_child (ports, i);
  if (entry == NULL)
    {
      add_finding (check->findings, TD_ARTIFACT_SEVERITY_ERROR, line_of (ports, check->manifest), expected,
                   "the Service has no port %s", port);
      return;
    }
  /* An unset targetPort is the port itself. */
  if (target != NULL && (td_yaml_mapping_get (entry, "targetPort") != NULL || !g_str_equal (target, port)))
    check_scalar (check, entry, "targetPort", "targetPort", target, NULL);
  check_scalar (check, entry, "nodePort", "nodePort", node_port,
                ": Kubernetes would pick a random one and the URL would change");
}

/* Deployments are apps/v1; Services and ConfigMaps v1 (older groups are gone from the API). */
static void
check_api_version (ManifestCheck *check, const char *kind)
{
  const char *wanted = g_str_equal (kind, "Deployment") ? "apps/v1" : "v1";

  check_scalar (check, check->manifest, "apiVersion", "apiVersion", wanted, NULL);
}

GPtrArray *
td_artifact_check_manifest (const TdYamlNode *contract, const TdYamlNode *manifest)
{
  ManifestCheck check = { contract, manifest, NULL };
  const char *kind = td_yaml_mapping_get_string (contract, "kind");
  const char *actual_kind = td_yaml_mapping_get_string (manifest, "kind");
  const TdYamlNode *data = td_yaml_mapping_get (contract, "data");

  check.findings = g_ptr_array_new_with_free_func ((GDestroyNotify) td_artifact_finding_free);
  if (kind != NULL && g_strcmp0 (actual_kind, kind) != 0)
    {
      g_autofree char *expected = g_strdup_printf ("kind: %s", kind);

      /* Nothing else can be compared meaningfully. */
      add_finding (check.findings, TD_ARTIFACT_SEVERITY_ERROR, line_of (td_yaml_mapping_get (manifest, "kind"), manifest),
                   expected, "the manifest is a %s", actual_kind != NULL ? actual_kind : "document without a kind");
      return check.findings;
    }
  if (kind != NULL)
    check_api_version (&check, kind);
  check_scalar (&check, manifest, "metadata.name", "metadata.name", td_yaml_mapping_get_string (contract, "name"), NULL);
  /* No namespace is fine: kubectl and Helm then use the current one. */
  if (yaml_path (manifest, "metadata.namespace") != NULL)
    check_scalar (&check, manifest, "metadata.namespace", "metadata.namespace",
                  td_yaml_mapping_get_string (contract, "namespace"), NULL);
  check_labels (&check, "metadata.labels", td_yaml_mapping_get (contract, "labels"));

  if (g_strcmp0 (kind, "Deployment") == 0)
    {
      check_scalar (&check, manifest, "spec.replicas", "spec.replicas",
                    td_yaml_mapping_get_string (contract, "replicas"), ": Kubernetes would run 1 pod");
      check_labels (&check, "spec.selector.matchLabels", td_yaml_mapping_get (contract, "selector"));
      /* Kubernetes rejects a Deployment whose pods do not carry its selector's labels. */
      check_labels (&check, "spec.template.metadata.labels", td_yaml_mapping_get (contract, "selector"));
      check_container (&check, td_yaml_mapping_get (contract, "container"));
    }
  else if (g_strcmp0 (kind, "Service") == 0)
    {
      const char *type = td_yaml_mapping_get_string (contract, "service_type");

      /* ClusterIP is the default type. */
      if (type != NULL && !(g_str_equal (type, "ClusterIP") && yaml_path (manifest, "spec.type") == NULL))
        check_scalar (&check, manifest, "spec.type", "spec.type", type, NULL);
      check_labels (&check, "spec.selector", td_yaml_mapping_get (contract, "selector"));
      check_service_ports (&check);
    }
  for (guint i = 0; data != NULL && data->kind == TD_YAML_MAPPING && i < data->keys->len; i++)
    {
      const char *key = td_yaml_scalar (g_ptr_array_index (data->keys, i));
      g_autofree char *label = g_strdup_printf ("data.%s", key);
      const TdYamlNode *map = yaml_path (manifest, "data");
      const TdYamlNode *value = map != NULL && map->kind == TD_YAML_MAPPING ? td_yaml_mapping_get (map, key) : NULL;
      g_autofree char *expected = g_strdup_printf ("%s: %s", label, td_yaml_scalar (td_yaml_child (data, i)));

      if (value == NULL)
        add_finding (check.findings, TD_ARTIFACT_SEVERITY_ERROR, line_of (map, manifest), expected,
                     "the ConfigMap has no %s", key);
      else if (g_strcmp0 (td_yaml_scalar (value), td_yaml_scalar (td_yaml_child (data, i))) != 0)
        add_finding (check.findings, TD_ARTIFACT_SEVERITY_ERROR, value->line, expected,
                     "%s is %s", label, td_yaml_scalar (value) != NULL ? td_yaml_scalar (value) : "not a string");
    }
  return check.findings;
}
