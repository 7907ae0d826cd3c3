/* td-build-progress.c: progress of a docker build, from BuildKit's plain output or the legacy
 * builder's "Step i/n" lines */
#define G_LOG_DOMAIN "td-build-progress"

#include <string.h>

#include "td-build-progress.h"
#include "td-core-enums.h"

/* Lines of a step's own output kept so that a failure can show what pip or npm said. */
#define OUTPUT_TAIL_LINES 12

/* One BuildKit vertex (`#N …`). Steps carry their stage and position; the rest ([internal] loads,
 * "exporting to image") have stage NULL. */
typedef struct {
  char   *text;      /* normalised: "[builder 2/12] RUN …" */
  char   *stage;     /* "" for a single-stage file; NULL when not a step */
  guint   index;
  guint   total;
  GQueue  output;    /* of char *, the last OUTPUT_TAIL_LINES log lines */
} Vertex;

/* Steps complete in order within a stage, so a count is enough. */
typedef struct {
  guint total;
  guint done;
} Stage;

struct _TdBuildProgress
{
  GObject        parent_instance;

  TdBuildFormat  format;
  double         fraction;
  char          *current_step;
  char          *error_message;
  char          *failed_step;
  gboolean       finished;
  GStrv          failed_output;

  GHashTable    *vertices;        /* GUINT_TO_POINTER (N) → Vertex */
  GHashTable    *stages;          /* stage name → Stage */
  GHashTable    *expected;        /* stage name → GUINT_TO_POINTER (steps), from the Dockerfile */

  /* The legacy builder numbers steps across all stages. */
  guint          legacy_total;
  guint          legacy_current;
  guint          legacy_done;
  GQueue         legacy_output;   /* the current step's last lines */
};

G_DEFINE_FINAL_TYPE (TdBuildProgress, td_build_progress, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FORMAT,
  PROP_FRACTION,
  PROP_CURRENT_STEP,
  PROP_ERROR_MESSAGE,
  PROP_FAILED_STEP,
  PROP_FINISHED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
vertex_free (Vertex *vertex)
{
  g_free (vertex->text);
  g_free (vertex->stage);
  g_queue_clear_full (&vertex->output, g_free);
  g_free (vertex);
}

static void
push_tail (GQueue     *queue,
           const char *line)
{
  g_queue_push_tail (queue, g_strdup (line));
  while (queue->length > OUTPUT_TAIL_LINES)
    g_free (g_queue_pop_head (queue));
}

static GStrv
queue_to_strv (GQueue *queue)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (queue->length == 0)
    return NULL;
  for (GList *l = queue->head; l != NULL; l = l->next)
    g_strv_builder_add (builder, l->data);
  return g_strv_builder_end (builder);
}

static void
set_string (TdBuildProgress *self,
            char           **field,
            const char      *value,
            int              prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_format (TdBuildProgress *self,
            TdBuildFormat    format)
{
  if (self->format != TD_BUILD_FORMAT_UNKNOWN)
    return;
  self->format = format;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FORMAT]);
}

static void
set_finished (TdBuildProgress *self)
{
  if (self->finished)
    return;
  self->finished = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FINISHED]);
}

/* The first failure is the cause; later ones (other stages cancelled, the summary) are echoes. */
static void
set_error (TdBuildProgress *self,
           const char      *message,
           const char      *step,
           GQueue          *output)
{
  if (self->error_message != NULL)
    return;
  if (output != NULL)
    self->failed_output = queue_to_strv (output);
  set_string (self, &self->failed_step, step, PROP_FAILED_STEP);
  set_string (self, &self->error_message, message, PROP_ERROR_MESSAGE);
}

guint
td_build_progress_get_steps_total (TdBuildProgress *self)
{
  GHashTableIter iter;
  Stage *stage;
  guint total = 0;

  g_return_val_if_fail (TD_IS_BUILD_PROGRESS (self), 0);

  const char *name;
  gpointer expected;

  if (self->format == TD_BUILD_FORMAT_LEGACY)
    return self->legacy_total;
  g_hash_table_iter_init (&iter, self->stages);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, (gpointer *) &stage))
    total += MAX (stage->total, GPOINTER_TO_UINT (g_hash_table_lookup (self->expected, name)));
  /* Stages the Dockerfile promises that have not shown up yet. */
  g_hash_table_iter_init (&iter, self->expected);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, &expected))
    if (!g_hash_table_contains (self->stages, name))
      total += GPOINTER_TO_UINT (expected);
  return total;
}

guint
td_build_progress_get_steps_done (TdBuildProgress *self)
{
  GHashTableIter iter;
  Stage *stage;
  guint done = 0;

  g_return_val_if_fail (TD_IS_BUILD_PROGRESS (self), 0);

  if (self->format == TD_BUILD_FORMAT_LEGACY)
    return self->legacy_done;
  g_hash_table_iter_init (&iter, self->stages);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &stage))
    done += stage->done;
  return done;
}

/* Stages appear as the build reaches them, so the total can grow: the fraction is held where it
 * was rather than going back. It reaches 1 only when the build has succeeded (the image still has
 * to be exported after the last step). */
static void
update_fraction (TdBuildProgress *self)
{
  guint total = td_build_progress_get_steps_total (self);
  double fraction;

  if (self->finished && self->error_message == NULL)
    fraction = 1.0;
  else if (total == 0)
    return;
  else
    fraction = MIN (0.99, (double) td_build_progress_get_steps_done (self) / total);

  if (fraction <= self->fraction)
    return;
  self->fraction = fraction;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
}

static void
finish_successfully (TdBuildProgress *self)
{
  if (self->error_message != NULL)
    return;
  set_finished (self);
  update_fraction (self);
}

/* "12" or "12.345" followed by a space or the end: BuildKit's timestamp on a log line. Returns
 * where the text after it starts, or NULL. */
static const char *
skip_timestamp (const char *p)
{
  const char *start = p;

  while (g_ascii_isdigit (*p))
    p++;
  if (p == start || *p != '.')
    return NULL;
  p++;
  while (g_ascii_isdigit (*p))
    p++;
  if (*p == ' ')
    return p + 1;
  return *p == '\0' ? p : NULL;
}

/* "[builder  2/12] RUN x" → stage "builder", 2, 12, "[builder 2/12] RUN x". FALSE for vertices
 * that are not steps ("[internal] …", "[auth] …", "exporting to image"). */
static gboolean
parse_step_header (const char  *header,
                   char       **stage,
                   guint       *index,
                   guint       *total,
                   char       **text)
{
  const char *close;
  g_autofree char *inside = NULL;
  g_auto(GStrv) words = NULL;
  guint n_words;
  guint64 i, n;
  char *slash, *end;

  if (header[0] != '[' || (close = strchr (header, ']')) == NULL)
    return FALSE;
  inside = g_strndup (header + 1, close - header - 1);
  words = g_strsplit_set (g_strstrip (inside), " ", -1);
  n_words = 0;
  /* Drop the empty words the padding leaves. */
  for (guint r = 0; words[r] != NULL; r++)
    {
      if (*words[r] == '\0')
        {
          g_free (words[r]);
          continue;
        }
      words[n_words++] = words[r];
    }
  words[n_words] = NULL;
  if (n_words == 0 || n_words > 2 || (slash = strchr (words[n_words - 1], '/')) == NULL)
    return FALSE;

  i = g_ascii_strtoull (words[n_words - 1], &end, 10);
  if (end != slash || i == 0)
    return FALSE;
  n = g_ascii_strtoull (slash + 1, &end, 10);
  if (*end != '\0' || n == 0 || i > n)
    return FALSE;

  *stage = g_strdup (n_words == 2 ? words[0] : "");
  *index = i;
  *total = n;
  *text = n_words == 2
          ? g_strdup_printf ("[%s %u/%u]%s", words[0], (guint) i, (guint) n, close + 1)
          : g_strdup_printf ("[%u/%u]%s", (guint) i, (guint) n, close + 1);
  return TRUE;
}

static Stage *
lookup_stage (TdBuildProgress *self,
              const char      *name,
              guint            total)
{
  Stage *stage = g_hash_table_lookup (self->stages, name);

  if (stage == NULL)
    {
      stage = g_new0 (Stage, 1);
      g_hash_table_insert (self->stages, g_strdup (name), stage);
    }
  stage->total = MAX (stage->total, total);
  return stage;
}

static void
step_reached (TdBuildProgress *self,
              Vertex          *vertex,
              gboolean         complete)
{
  Stage *stage = lookup_stage (self, vertex->stage, vertex->total);
  /* A step starts only once the one before it is done; that also covers steps BuildKit never
   * prints because another stage shares them (the same FROM image). */
  guint done = complete ? vertex->index : vertex->index - 1;

  stage->done = MAX (stage->done, done);
  update_fraction (self);
}

static void
buildkit_vertex_started (TdBuildProgress *self,
                         guint            id,
                         const char      *header)
{
  Vertex *vertex = g_new0 (Vertex, 1);

  g_queue_init (&vertex->output);
  g_hash_table_insert (self->vertices, GUINT_TO_POINTER (id), vertex);
  if (parse_step_header (header, &vertex->stage, &vertex->index, &vertex->total, &vertex->text))
    {
      set_string (self, &self->current_step, vertex->text, PROP_CURRENT_STEP);
      step_reached (self, vertex, FALSE);
      return;
    }
  vertex->text = g_strdup (header);
  /* #0 names the builder instance; [internal] and [auth] are BuildKit's own chores. */
  if (id != 0 && header[0] != '[')
    set_string (self, &self->current_step, header, PROP_CURRENT_STEP);
}

static void
feed_buildkit (TdBuildProgress *self,
               const char      *line)
{
  const char *p = line + 1;
  const char *rest;
  guint64 id;
  char *end;
  Vertex *vertex;

  id = g_ascii_strtoull (p, &end, 10);
  if (end == p || (*end != ' ' && *end != '\0'))
    return;
  rest = *end == ' ' ? end + 1 : end;
  set_format (self, TD_BUILD_FORMAT_BUILDKIT);

  vertex = g_hash_table_lookup (self->vertices, GUINT_TO_POINTER ((guint) id));
  if (vertex == NULL)
    {
      buildkit_vertex_started (self, id, rest);
      return;
    }

  if (g_str_has_prefix (rest, "DONE") || g_strcmp0 (rest, "CACHED") == 0)
    {
      if (vertex->stage != NULL)
        step_reached (self, vertex, TRUE);
      else if (g_str_has_prefix (vertex->text, "exporting to "))
        finish_successfully (self);
    }
  else if (g_str_has_prefix (rest, "ERROR:") || g_str_has_prefix (rest, "ERROR "))
    {
      g_autofree char *message = g_strstrip (g_strdup (rest + strlen ("ERROR:")));
      set_error (self, message, vertex->text, &vertex->output);
    }
  else if (g_strcmp0 (rest, vertex->text) != 0)
    {
      /* A log line has a timestamp; progress lines ("sha256:… 3.5MB / 29MB") do not. The header
       * itself is printed again whenever output switches back to this vertex. */
      const char *log = skip_timestamp (rest);

      if (log != NULL)
        push_tail (&vertex->output, log);
    }
}

/* One FROM … [AS name] and what follows it. */
typedef struct {
  char      *name;       /* as BuildKit prints it: the AS name lowercased, else "stage-<index>" */
  char      *base;       /* the FROM argument, lowercased */
  guint      steps;
  GPtrArray *uses;       /* of char *: stages named in COPY --from= / --mount=from= */
  gboolean   needed;
} DockerStage;

static void
docker_stage_free (DockerStage *stage)
{
  g_free (stage->name);
  g_free (stage->base);
  g_ptr_array_unref (stage->uses);
  g_free (stage);
}

/* Joins continuation lines and drops comments and heredoc bodies: one instruction per entry. */
static GPtrArray *
dockerfile_instructions (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GPtrArray *instructions = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) current = g_string_new (NULL);
  g_autofree char *heredoc_end = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      const char *marker;

      if (heredoc_end != NULL)
        {
          if (g_strcmp0 (line, heredoc_end) == 0)
            g_clear_pointer (&heredoc_end, g_free);
          continue;
        }
      if (*line == '#' || (*line == '\0' && current->len == 0))
        continue;
      if (g_str_has_suffix (line, "\\"))
        {
          g_string_append_len (current, line, strlen (line) - 1);
          g_string_append_c (current, ' ');
          continue;
        }
      g_string_append (current, line);
      /* RUN <<EOF … EOF: the body is not instructions. */
      if ((marker = strstr (current->str, "<<")) != NULL)
        {
          const char *word = marker + 2;
          gsize length;

          if (*word == '-')
            word++;
          word += strspn (word, "\"'");
          length = strspn (word, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
          if (length > 0)
            heredoc_end = g_strndup (word, length);
        }
      g_ptr_array_add (instructions, g_string_free (g_steal_pointer (&current), FALSE));
      current = g_string_new (NULL);
    }
  return instructions;
}

static void
mark_needed (GPtrArray  *stages,
             const char *name)
{
  for (guint i = 0; i < stages->len; i++)
    {
      DockerStage *stage = g_ptr_array_index (stages, i);
      g_autofree char *index = g_strdup_printf ("%u", i);

      if (stage->needed || (g_strcmp0 (stage->name, name) != 0 && g_strcmp0 (index, name) != 0))
        continue;
      stage->needed = TRUE;
      mark_needed (stages, stage->base);
      for (guint u = 0; u < stage->uses->len; u++)
        mark_needed (stages, g_ptr_array_index (stage->uses, u));
    }
}

void
td_build_progress_set_dockerfile (TdBuildProgress *self,
                                  const char      *dockerfile_text)
{
  g_autoptr(GPtrArray) instructions = NULL;
  g_autoptr(GPtrArray) stages = NULL;
  DockerStage *stage = NULL;

  g_return_if_fail (TD_IS_BUILD_PROGRESS (self));

  g_hash_table_remove_all (self->expected);
  if (dockerfile_text == NULL)
    return;
  instructions = dockerfile_instructions (dockerfile_text);
  stages = g_ptr_array_new_with_free_func ((GDestroyNotify) docker_stage_free);

  for (guint i = 0; i < instructions->len; i++)
    {
      g_auto(GStrv) words = g_strsplit_set (g_ptr_array_index (instructions, i), " \t", -1);
      g_autofree char *keyword = g_ascii_strup (words[0], -1);

      if (g_strcmp0 (keyword, "FROM") == 0)
        {
          guint w = 1, n_words = g_strv_length (words);

          stage = g_new0 (DockerStage, 1);
          stage->uses = g_ptr_array_new_with_free_func (g_free);
          /* FROM [--platform=…] image [AS name] */
          while (w < n_words && (g_str_has_prefix (words[w], "--") || *words[w] == '\0'))
            w++;
          stage->base = g_ascii_strdown (w < n_words ? words[w] : "", -1);
          for (w++; w < n_words && *words[w] == '\0'; w++)
            ;
          if (w + 1 < n_words && g_ascii_strcasecmp (words[w], "AS") == 0)
            stage->name = g_ascii_strdown (words[w + 1], -1);
          else
            stage->name = g_strdup_printf ("stage-%u", stages->len);
          stage->steps = 1;
          g_ptr_array_add (stages, stage);
          continue;
        }
      if (stage == NULL)
        continue;  /* ARG before the first FROM */
      if (g_strcmp0 (keyword, "RUN") == 0 || g_strcmp0 (keyword, "COPY") == 0 ||
          g_strcmp0 (keyword, "ADD") == 0 || g_strcmp0 (keyword, "WORKDIR") == 0)
        stage->steps++;
      for (guint w = 1; words[w] != NULL; w++)
        {
          const char *from = NULL;

          if (g_str_has_prefix (words[w], "--from="))
            from = words[w] + strlen ("--from=");
          else if (g_str_has_prefix (words[w], "--mount=") && strstr (words[w], "from=") != NULL)
            from = strstr (words[w], "from=") + strlen ("from=");
          if (from != NULL)
            g_ptr_array_add (stage->uses, g_ascii_strdown (from, strcspn (from, ",")));
        }
    }
  if (stages->len == 0)
    return;

  /* BuildKit builds only what the last stage needs, and names no stage when there is one. */
  mark_needed (stages, ((DockerStage *) g_ptr_array_index (stages, stages->len - 1))->name);
  for (guint i = 0; i < stages->len; i++)
    {
      stage = g_ptr_array_index (stages, i);
      if (stage->needed)
        g_hash_table_insert (self->expected, g_strdup (stages->len == 1 ? "" : stage->name),
                             GUINT_TO_POINTER (stage->steps));
    }
  update_fraction (self);
}

/* "Step 3/10 : RUN pip install" */
static gboolean
feed_legacy_step (TdBuildProgress *self,
                  const char      *line)
{
  const char *p = line + strlen ("Step ");
  const char *colon = strstr (p, " : ");
  guint64 i, n = 0;
  char *end;
  g_autofree char *text = NULL;

  i = g_ascii_strtoull (p, &end, 10);
  if (end == p || colon == NULL)
    return FALSE;
  if (*end == '/')
    n = g_ascii_strtoull (end + 1, &end, 10);
  if (end != colon)
    return FALSE;

  set_format (self, TD_BUILD_FORMAT_LEGACY);
  self->legacy_current = i;
  self->legacy_total = MAX (self->legacy_total, n);
  self->legacy_done = MAX (self->legacy_done, i - 1);
  g_queue_clear_full (&self->legacy_output, g_free);
  text = n > 0 ? g_strdup_printf ("[%u/%u] %s", (guint) i, (guint) n, colon + 3)
               : g_strdup_printf ("[%u] %s", (guint) i, colon + 3);
  set_string (self, &self->current_step, text, PROP_CURRENT_STEP);
  update_fraction (self);
  return TRUE;
}

static gboolean
is_image_id (const char *text)
{
  gsize length = strlen (text);

  if (g_str_has_prefix (text, "sha256:"))
    text += strlen ("sha256:"), length -= strlen ("sha256:");
  if (length < 12)
    return FALSE;
  for (; *text != '\0'; text++)
    if (!g_ascii_isxdigit (*text))
      return FALSE;
  return TRUE;
}

static void
feed_legacy (TdBuildProgress *self,
             const char      *line)
{
  if (g_str_has_prefix (line, "Step ") && feed_legacy_step (self, line))
    return;
  if (g_str_has_prefix (line, "DEPRECATED: The legacy builder") ||
      g_str_has_prefix (line, "Sending build context to Docker daemon"))
    {
      set_format (self, TD_BUILD_FORMAT_LEGACY);
      return;
    }
  if (g_str_has_prefix (line, " ---> "))
    {
      /* " ---> Running in …" and " ---> Using cache" announce; a bare image id ends the step. */
      if (is_image_id (line + strlen (" ---> ")) && self->legacy_current > 0)
        {
          self->legacy_done = MAX (self->legacy_done, self->legacy_current);
          update_fraction (self);
        }
      return;
    }
  if (g_str_has_prefix (line, "Successfully built "))
    {
      set_format (self, TD_BUILD_FORMAT_LEGACY);
      self->legacy_done = self->legacy_total;
      update_fraction (self);
      return;
    }
  if (g_str_has_prefix (line, "Successfully tagged "))
    {
      finish_successfully (self);
      return;
    }
  if (g_str_has_prefix (line, "The command '") && strstr (line, "returned a non-zero code") != NULL)
    {
      set_error (self, line, self->current_step, &self->legacy_output);
      return;
    }
  if (g_str_has_prefix (line, "Error response from daemon: ") ||
      g_str_has_prefix (line, "unable to prepare context: "))
    {
      set_error (self, line, self->current_step, NULL);
      return;
    }
  if (self->legacy_current > 0 && !g_str_has_prefix (line, "Removing intermediate container ") &&
      *line != '\0')
    push_tail (&self->legacy_output, line);
}

void
td_build_progress_feed_line (TdBuildProgress *self,
                             TdStream         stream,
                             const char      *line)
{
  g_autofree char *trimmed = NULL;

  g_return_if_fail (TD_IS_BUILD_PROGRESS (self));
  g_return_if_fail (line != NULL);

  /* CRLF from a Windows-built transcript, and the odd trailing space. */
  trimmed = g_strchomp (g_strdup (line));
  g_object_freeze_notify (G_OBJECT (self));

  if (trimmed[0] == '#' && g_ascii_isdigit (trimmed[1]))
    feed_buildkit (self, trimmed);
  else if (g_str_has_prefix (trimmed, "unknown flag: "))
    {
      /* "unknown flag: --progress": a docker without BuildKit, given BuildKit's options. */
      set_error (self, trimmed, NULL, NULL);
    }
  else if (g_str_has_prefix (trimmed, "ERROR: ") && self->format != TD_BUILD_FORMAT_LEGACY)
    {
      /* BuildKit's last word: "ERROR: failed to build: failed to solve: …" (under the legacy
       * builder, a line like this is pip talking inside a RUN step). */
      set_error (self, trimmed + strlen ("ERROR: "), NULL, NULL);
      set_finished (self);
    }
  else if (self->format != TD_BUILD_FORMAT_BUILDKIT)
    feed_legacy (self, trimmed);

  g_object_thaw_notify (G_OBJECT (self));
}

void
td_build_progress_feed_text (TdBuildProgress *self,
                             TdStream         stream,
                             const char      *text)
{
  g_auto(GStrv) lines = NULL;

  g_return_if_fail (TD_IS_BUILD_PROGRESS (self));

  lines = g_strsplit (text != NULL ? text : "", "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      /* The split leaves an empty string after a final newline: not a line. */
      if (lines[i + 1] == NULL && lines[i][0] == '\0')
        break;
      td_build_progress_feed_line (self, stream, lines[i]);
    }
}

void
td_build_progress_end (TdBuildProgress *self,
                       int              exit_status)
{
  g_return_if_fail (TD_IS_BUILD_PROGRESS (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (exit_status != 0)
    {
      g_autofree char *message = g_strdup_printf ("docker build stopped with exit code %d",
                                                  exit_status);
      set_error (self, message, self->current_step, NULL);
      set_finished (self);
    }
  else
    finish_successfully (self);
  /* Exit 0 after an error line should not happen; the error stays, the build is still over. */
  set_finished (self);
  g_object_thaw_notify (G_OBJECT (self));
}

TdBuildFormat
td_build_progress_get_format (TdBuildProgress *self)
{
  g_return_val_if_fail (TD_IS_BUILD_PROGRESS (self), TD_BUILD_FORMAT_UNKNOWN);
  return self->format;
}

double
td_build_progress_get_fraction (TdBuildProgress *self)
{
  g_return_val_if_fail (TD_IS_BUILD_PROGRESS (self), 0.0);
  return self->fraction;
}

const char *
td_build_progress_get_current_step (TdBuildProgress *self)
{
  g_return_val_if_fail (TD_IS_BUILD_PROGRESS (self), NULL);
  return self->current_step;
}

const char *
td_build_progress_get_error_message (TdBuildProgress *self)
{
  g_return_val_if_fail (TD_IS_BUILD_PROGRESS (self), NULL);
  return self->error_message;
}

const char *
td_build_progress_get_failed_step (TdBuildProgress *self)
{
  g_return_val_if_fail (TD_IS_BUILD_PROGRESS (self), NULL);
  return self->failed_step;
}

gboolean
td_build_progress_get_finished (TdBuildProgress *self)
{
  g_return_val_if_fail (TD_IS_BUILD_PROGRESS (self), FALSE);
  return self->finished;
}

gboolean
td_build_progress_get_succeeded (TdBuildProgress *self)
{
  g_return_val_if_fail (TD_IS_BUILD_PROGRESS (self), FALSE);
  return self->finished && self->error_message == NULL;
}

GStrv
td_build_progress_dup_failed_output (TdBuildProgress *self)
{
  g_return_val_if_fail (TD_IS_BUILD_PROGRESS (self), NULL);
  return g_strdupv (self->failed_output);
}

TdBuildProgress *
td_build_progress_new (void)
{
  return g_object_new (TD_TYPE_BUILD_PROGRESS, NULL);
}

static void
td_build_progress_finalize (GObject *object)
{
  TdBuildProgress *self = TD_BUILD_PROGRESS (object);

  g_free (self->current_step);
  g_free (self->error_message);
  g_free (self->failed_step);
  g_strfreev (self->failed_output);
  g_hash_table_unref (self->vertices);
  g_hash_table_unref (self->stages);
  g_hash_table_unref (self->expected);
  g_queue_clear_full (&self->legacy_output, g_free);

  G_OBJECT_CLASS (td_build_progress_parent_class)->finalize (object);
}

static void
td_build_progress_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  TdBuildProgress *self = TD_BUILD_PROGRESS (object);

  switch (prop_id)
    {
    case PROP_FORMAT:
      g_value_set_enum (value, self->format);
      break;
    case PROP_FRACTION:
      g_value_set_double (value, self->fraction);
      break;
    case PROP_CURRENT_STEP:
      g_value_set_string (value, self->current_step);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    case PROP_FAILED_STEP:
      g_value_set_string (value, self->failed_step);
      break;
    case PROP_FINISHED:
      g_value_set_boolean (value, self->finished);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_build_progress_class_init (TdBuildProgressClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = td_build_progress_finalize;
  object_class->get_property = td_build_progress_get_property;

  properties[PROP_FORMAT] =
    g_param_spec_enum ("format", NULL, NULL, TD_TYPE_BUILD_FORMAT, TD_BUILD_FORMAT_UNKNOWN, flags);
  properties[PROP_FRACTION] = g_param_spec_double ("fraction", NULL, NULL, 0.0, 1.0, 0.0, flags);
  properties[PROP_CURRENT_STEP] = g_param_spec_string ("current-step", NULL, NULL, NULL, flags);
  properties[PROP_ERROR_MESSAGE] = g_param_spec_string ("error-message", NULL, NULL, NULL, flags);
  properties[PROP_FAILED_STEP] = g_param_spec_string ("failed-step", NULL, NULL, NULL, flags);
  properties[PROP_FINISHED] = g_param_spec_boolean ("finished", NULL, NULL, FALSE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
td_build_progress_init (TdBuildProgress *self)
{
  self->vertices = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) vertex_free);
  self->stages = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&self->legacy_output);
}
