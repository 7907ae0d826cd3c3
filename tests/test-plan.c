/* test-plan.c: the bundled plan says what the seed says; broken plans are refused with a position */
#include <glib/gstdio.h>
#include <string.h>

#include "td-core-enums.h"
#include "td-error.h"
#include "td-plan.h"

/* ── What the seed says, read from seed/phase-iv-tasks.md ─────────────────────────────────── */

typedef struct {
  char      *id;
  guint      phase;          /* the "## Phase N" heading it sits under */
  gboolean   parallel;       /* [P] */
  char      *story;          /* [USn] or NULL */
  GString   *text;           /* every line of the task, for finding `commands` */
  char      *agent;          /* gordon / kubectl-ai / kagent when its code block calls one */
  char      *prompt;         /* the text inside the quotes of that code block */
  char      *invocation;     /* the whole code block, lines stripped and joined */
  GPtrArray *audit;          /* of char*[3]: tag, prompt, result */
} SeedTask;

typedef struct {
  char *heading;             /* "Phase 1: Setup (Shared Infrastructure)" */
  char *purpose;             /* **Purpose** or **Goal** paragraph, lines joined with spaces */
  char *checkpoint;          /* **Checkpoint** text, or NULL */
} SeedPhase;

typedef struct {
  GPtrArray *tasks;          /* of SeedTask*, in seed order */
  SeedPhase  phases[9];      /* 1-based */
  guint      n_phases;
} Seed;

static void
seed_task_free (SeedTask *task)
{
  g_free (task->id);
  g_free (task->story);
  g_string_free (task->text, TRUE);
  g_free (task->agent);
  g_free (task->prompt);
  g_free (task->invocation);
  g_ptr_array_unref (task->audit);
  g_free (task);
}

static void
seed_free (Seed *seed)
{
  g_ptr_array_unref (seed->tasks);
  for (guint i = 0; i < G_N_ELEMENTS (seed->phases); i++)
    {
      g_free (seed->phases[i].heading);
      g_free (seed->phases[i].purpose);
      g_free (seed->phases[i].checkpoint);
    }
  g_free (seed);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Seed, seed_free)

/* A code block "docker ai \"…\"" → agent and prompt. */
static void
seed_task_take_block (SeedTask *task, GPtrArray *lines)
{
  static const struct { const char *prefix; const char *agent; } callers[] = {
    { "docker ai \"", "gordon" },
    { "kubectl-ai \"", "kubectl-ai" },
    { "kagent \"", "kagent" },
  };
  g_autofree char *joined = NULL;

  g_ptr_array_add (lines, NULL);
  joined = g_strjoinv ("\n", (char **) lines->pdata);
  for (guint i = 0; i < G_N_ELEMENTS (callers); i++)
    {
      gsize prefix = strlen (callers[i].prefix);
      gsize length = strlen (joined);

      if (task->prompt != NULL || !g_str_has_prefix (joined, callers[i].prefix) ||
          joined[length - 1] != '"')
        continue;
      task->agent = g_strdup (callers[i].agent);
      task->prompt = g_strndup (joined + prefix, length - prefix - 1);
      task->invocation = g_strdup (joined);
    }
}

static Seed *
seed_load (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("TD_SHARED_DIR"), "seed", "phase-iv-tasks.md", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRegex) heading_re = g_regex_new ("^## Phase (\\d+): (.*)$", 0, 0, NULL);
  g_autoptr(GRegex) task_re = g_regex_new ("^- \\[[ x]\\] (T\\d{3}) (.*)$", 0, 0, NULL);
  g_autoptr(GRegex) audit_re =
    g_regex_new ("\\[<ISO[^>]*>\\]\\s+\\[([A-Z-]+)\\]\\s+prompt=\"([^\"]*)\"\\s+result=\"([^\"]*)\"",
                 0, 0, NULL);
  g_autoptr(GPtrArray) block = NULL;   /* lines of the code block being read */
  Seed *seed = g_new0 (Seed, 1);
  SeedTask *task = NULL;
  GString *paragraph = NULL;           /* the purpose being read */
  guint phase = 0;

  g_assert_nonnull (g_getenv ("TD_SHARED_DIR"));
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);

  seed->tasks = g_ptr_array_new_with_free_func ((GDestroyNotify) seed_task_free);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      const char *stripped = line + strspn (line, " ");
      g_autoptr(GMatchInfo) match = NULL;

      if (block != NULL)
        {
          if (g_str_has_prefix (stripped, "```"))
            {
              if (task != NULL)
                seed_task_take_block (task, block);
              g_clear_pointer (&block, g_ptr_array_unref);
            }
          else
            g_ptr_array_add (block, g_strdup (stripped));
          if (task != NULL)
            g_string_append_printf (task->text, "%s\n", stripped);
          continue;
        }
      if (g_str_has_prefix (stripped, "```"))
        {
          block = g_ptr_array_new_with_free_func (g_free);
          continue;
        }

      if (paragraph != NULL)
        {
          if (line[0] == '\0')
            {
              seed->phases[phase].purpose = g_string_free (paragraph, FALSE);
              paragraph = NULL;
            }
          else
            g_string_append_printf (paragraph, " %s", line);
          continue;
        }

      if (g_str_has_prefix (line, "## "))
        {
          task = NULL;
          phase = 0;
          if (g_regex_match (heading_re, line, 0, &match))
            {
              g_autofree char *number = g_match_info_fetch (match, 1);
              phase = atoi (number);
              g_assert_cmpuint (phase, <, G_N_ELEMENTS (seed->phases));
              seed->phases[phase].heading = g_strdup (line + 3);
              seed->n_phases = MAX (seed->n_phases, phase);
            }
          continue;
        }
      if (phase == 0)
        continue;

      if (g_str_has_prefix (line, "**Purpose**: ") || g_str_has_prefix (line, "**Goal**: "))
        {
          paragraph = g_string_new (strchr (line, ' ') + 1);
          continue;
        }
      if (g_str_has_prefix (line, "**Checkpoint**: "))
        {
          task = NULL;
          seed->phases[phase].checkpoint = g_strdup (line + strlen ("**Checkpoint**: "));
          continue;
        }

      if (g_regex_match (task_re, line, 0, &match))
        {
          g_autofree char *rest = g_match_info_fetch (match, 2);

          task = g_new0 (SeedTask, 1);
          task->id = g_match_info_fetch (match, 1);
          task->phase = phase;
          task->parallel = strstr (rest, "[P] ") == rest;
          if (strstr (rest, "[US") != NULL)
            task->story = g_strndup (strstr (rest, "[US") + 1, 3);
          task->text = g_string_new (NULL);
          task->audit = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
          g_ptr_array_add (seed->tasks, task);
        }
      if (task == NULL)
        continue;

      g_string_append_printf (task->text, "%s\n", stripped);
      g_clear_pointer (&match, g_match_info_free);
      if (g_regex_match (audit_re, line, 0, &match))
        {
          char **entry = g_new0 (char *, 4);
          for (guint k = 0; k < 3; k++)
            entry[k] = g_match_info_fetch (match, k + 1);
          g_ptr_array_add (task->audit, entry);
        }
    }
  /* Audit lines inside code blocks (T021) were skipped above: read them from the task text. */
  for (guint t = 0; t < seed->tasks->len; t++)
    {
      SeedTask *seed_task = seed->tasks->pdata[t];
      g_autoptr(GMatchInfo) match = NULL;

      if (seed_task->audit->len > 0)
        continue;
      g_regex_match (audit_re, seed_task->text->str, 0, &match);
      while (g_match_info_matches (match))
        {
          char **entry = g_new0 (char *, 4);
          for (guint k = 0; k < 3; k++)
            entry[k] = g_match_info_fetch (match, k + 1);
          g_ptr_array_add (seed_task->audit, entry);
          g_match_info_next (match, NULL);
        }
    }

  g_assert_null (paragraph);
  return seed;
}

static TdPlan *
load_bundled (void)
{
  g_autoptr(GError) error = NULL;
  TdPlan *plan = td_plan_new_default (&error);

  g_assert_no_error (error);
  g_assert_nonnull (plan);
  return plan;
}

/* ── The bundled plan ─────────────────────────────────────────────────────────────────────── */

static void
test_bundled_phases (void)
{
  static const char * const ids[] = {
    "setup", "cluster", "backend-image", "frontend-image", "manifests", "deploy", "verify", "polish"
  };
  g_autoptr(TdPlan) plan = load_bundled ();
  g_autoptr(Seed) seed = seed_load ();
  GListModel *phases = td_plan_get_phases (plan);

  g_assert_cmpuint (seed->n_phases, ==, G_N_ELEMENTS (ids));
  g_assert_cmpuint (g_list_model_get_n_items (phases), ==, G_N_ELEMENTS (ids));
  g_assert_nonnull (td_plan_get_title (plan));

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(TdPhase) phase = g_list_model_get_item (phases, i);
      const SeedPhase *seed_phase = &seed->phases[i + 1];
      TdGate *gate = td_phase_get_gate (phase);

      g_assert_cmpstr (td_phase_get_id (phase), ==, ids[i]);
      g_assert_true (td_plan_lookup_phase (plan, ids[i]) == phase);
      g_assert_cmpuint (td_phase_get_number (phase), ==, i + 1);
      g_assert_cmpuint (strlen (td_phase_get_title (phase)), >, 0);
      g_assert_cmpuint (strlen (td_phase_get_title (phase)), <=, 16);
      g_assert_cmpstr (td_phase_get_seed_title (phase), ==, seed_phase->heading);
      g_assert_cmpstr (td_phase_get_purpose (phase), ==, seed_phase->purpose);
      /* The eighth phase has no checkpoint in the seed: its purpose stands in. */
      g_assert_cmpstr (td_gate_get_checkpoint (gate), ==,
                       seed_phase->checkpoint ? seed_phase->checkpoint : seed_phase->purpose);
      g_assert_cmpuint (td_gate_get_n_checks (gate), >, 0);
      g_assert_cmpint (td_phase_get_state (phase), ==, TD_PHASE_STATE_PENDING);
    }
  g_assert_null (td_plan_lookup_phase (plan, "nowhere"));
}

static void
test_bundled_tasks_match_seed (void)
{
  g_autoptr(TdPlan) plan = load_bundled ();
  g_autoptr(Seed) seed = seed_load ();
  GListModel *phases = td_plan_get_phases (plan);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_plan_tasks = 0;

  g_assert_cmpuint (seed->tasks->len, ==, 37);
  for (guint i = 0; i < g_list_model_get_n_items (phases); i++)
    {
      g_autoptr(TdPhase) phase = g_list_model_get_item (phases, i);
      GListModel *tasks = td_phase_get_tasks (phase);

      for (guint j = 0; j < g_list_model_get_n_items (tasks); j++)
        {
          g_autoptr(TdTask) task = g_list_model_get_item (tasks, j);
          g_assert_false (g_hash_table_contains (seen, td_task_get_id (task)));
          g_hash_table_add (seen, (gpointer) td_task_get_id (task));
          n_plan_tasks++;
        }
    }
  g_assert_cmpuint (n_plan_tasks, ==, seed->tasks->len);

  for (guint i = 0; i < seed->tasks->len; i++)
    {
      const SeedTask *seed_task = seed->tasks->pdata[i];
      TdTask *task = td_plan_lookup_task (plan, seed_task->id);
      TdPhase *phase = td_plan_find_task_phase (plan, seed_task->id);

      g_test_message ("%s", seed_task->id);
      g_assert_nonnull (task);
      g_assert_cmpstr (td_task_get_id (task), ==, seed_task->id);
      g_assert_nonnull (phase);
      g_assert_cmpuint (td_phase_get_number (phase), ==, seed_task->phase);
      g_assert_cmpint (td_task_get_parallel (task), ==, seed_task->parallel);
      if (seed_task->story != NULL)
        g_assert_cmpstr (td_phase_get_story (phase), ==, seed_task->story);
      g_assert_cmpuint (strlen (td_task_get_title (task)), >, 0);
    }
  g_assert_null (td_plan_lookup_task (plan, "T038"));
  g_assert_null (td_plan_find_task_phase (plan, "T038"));
}

static void
test_bundled_prompts_verbatim (void)
{
  g_autoptr(TdPlan) plan = load_bundled ();
  g_autoptr(Seed) seed = seed_load ();
  guint n_agent_tasks = 0;

  for (guint i = 0; i < seed->tasks->len; i++)
    {
      const SeedTask *seed_task = seed->tasks->pdata[i];
      TdTask *task = td_plan_lookup_task (plan, seed_task->id);

      g_test_message ("%s", seed_task->id);
      if (seed_task->prompt == NULL)
        {
          g_assert_cmpint (td_task_get_kind (task), !=, TD_TASK_KIND_AGENT);
          g_assert_null (td_task_get_prompt (task));
          g_assert_null (td_task_get_agent (task));
          continue;
        }
      n_agent_tasks++;
      g_assert_cmpint (td_task_get_kind (task), ==, TD_TASK_KIND_AGENT);
      g_assert_cmpstr (td_task_get_agent (task), ==, seed_task->agent);
      g_assert_cmpstr (td_task_get_prompt (task), ==, seed_task->prompt);
      g_assert_null (td_task_get_command (task));
    }
  /* Two Gordon prompts, five kubectl-ai prompts, two kagent prompts. */
  g_assert_cmpuint (n_agent_tasks, ==, 9);
}

static void
test_bundled_commands_as_seed_shows_them (void)
{
  g_autoptr(TdPlan) plan = load_bundled ();
  g_autoptr(Seed) seed = seed_load ();

  for (guint i = 0; i < seed->tasks->len; i++)
    {
      const SeedTask *seed_task = seed->tasks->pdata[i];
      TdTask *task = td_plan_lookup_task (plan, seed_task->id);
      g_autofree char *quoted = NULL;

      if (td_task_get_kind (task) == TD_TASK_KIND_COMMAND)
        g_assert_nonnull (td_task_get_command (task));
      if (td_task_get_command (task) == NULL)
        continue;
      g_test_message ("%s: %s", seed_task->id, td_task_get_command (task));
      quoted = g_strdup_printf ("`%s`", td_task_get_command (task));
      g_assert_nonnull (strstr (seed_task->text->str, quoted));
    }
  /* The Secret never goes through argv. */
  g_assert_cmpint (td_task_get_kind (td_plan_lookup_task (plan, "T024")), ==, TD_TASK_KIND_API);
  g_assert_null (td_task_get_command (td_plan_lookup_task (plan, "T024")));
  g_assert_cmpint (td_task_get_kind (td_plan_lookup_task (plan, "T027")), ==, TD_TASK_KIND_WATCH);
  /* No shell eval: the wizard reads docker-env itself. */
  g_assert_null (strstr (td_task_get_run (td_plan_lookup_task (plan, "T005")), "eval"));
}

static void
test_bundled_audit_entries (void)
{
  g_autoptr(TdPlan) plan = load_bundled ();
  g_autoptr(Seed) seed = seed_load ();
  guint n_entries = 0;

  for (guint i = 0; i < seed->tasks->len; i++)
    {
      const SeedTask *seed_task = seed->tasks->pdata[i];
      TdTask *task = td_plan_lookup_task (plan, seed_task->id);

      g_test_message ("%s", seed_task->id);
      g_assert_cmpuint (td_task_get_n_audit_entries (task), ==, seed_task->audit->len);
      for (guint k = 0; k < seed_task->audit->len; k++)
        {
          char **expected = seed_task->audit->pdata[k];
          const TdTaskAuditEntry *entry = td_task_get_audit_entry (task, k);

          g_assert_cmpstr (entry->tag, ==, expected[0]);
          g_assert_cmpstr (entry->prompt, ==, expected[1]);
          g_assert_cmpstr (entry->result, ==, expected[2]);
          if (entry->about != NULL)
            g_assert_nonnull (td_plan_lookup_task (plan, entry->about));
          n_entries++;
        }
      if (seed_task->audit->len > 0)
        {
          char **first = seed_task->audit->pdata[0];
          g_assert_cmpstr (td_task_get_audit_tag (task), ==, first[0]);
          g_assert_cmpstr (td_task_get_audit_prompt (task), ==, first[1]);
          g_assert_cmpstr (td_task_get_audit_result (task), ==, first[2]);
        }
      else
        g_assert_null (td_task_get_audit_tag (task));
    }
  /* ENV, GORDON×2, KUBECTL-AI×5, HELM, KAGENT×2. */
  g_assert_cmpuint (n_entries, ==, 11);
}

/* Follows a dotted path; inside a list, the first item that has the key. */
static const TdYamlNode *
resolve (const TdYamlNode *node, const char *dotted)
{
  g_auto(GStrv) parts = g_strsplit (dotted, ".", -1);

  for (guint i = 0; parts[i] != NULL && node != NULL; i++)
    {
      if (node->kind == TD_YAML_SEQUENCE)
        {
          const TdYamlNode *found = NULL;
          for (guint k = 0; k < td_yaml_n_children (node) && found == NULL; k++)
            found = td_yaml_mapping_get (td_yaml_child (node, k), parts[i]);
          node = found;
        }
      else
        node = td_yaml_mapping_get (node, parts[i]);
    }
  return node;
}

static void
test_bundled_contracts (void)
{
  static const char * const artifact_tasks[] = { "T007", "T011", "T016", "T017", "T018", "T019", "T020" };
  g_autoptr(TdPlan) plan = load_bundled ();
  const TdYamlNode *values = td_yaml_mapping_get (td_plan_get_settings (plan), "values");
  guint n_governed = 0;

  g_assert_nonnull (values);
  for (guint i = 0; i < G_N_ELEMENTS (artifact_tasks); i++)
    {
      TdTask *task = td_plan_lookup_task (plan, artifact_tasks[i]);
      const TdYamlNode *contract = td_task_get_contract (task);
      const TdYamlNode *governed = td_yaml_mapping_get (contract, "values");

      g_test_message ("%s", artifact_tasks[i]);
      g_assert_nonnull (td_task_get_artifact (task));
      g_assert_nonnull (contract);
      g_assert_nonnull (governed);
      /* Every literal the chart parameterises equals the values.yaml default that governs it. */
      for (guint k = 0; k < td_yaml_n_children (governed); k++)
        {
          const char *key = ((TdYamlNode *) governed->keys->pdata[k])->value;
          const TdYamlNode *paths = td_yaml_child (governed, k);
          const char *literal = td_yaml_scalar (resolve (contract, key));
          g_autoptr(GString) expected = g_string_new (NULL);

          g_test_message ("%s: %s", artifact_tasks[i], key);
          g_assert_nonnull (literal);
          if (paths->kind == TD_YAML_SCALAR)
            g_string_append (expected, td_yaml_scalar (resolve (values, paths->value)));
          else
            for (guint p = 0; p < td_yaml_n_children (paths); p++)
              {
                const char *value = td_yaml_scalar (resolve (values, td_yaml_child (paths, p)->value));
                g_assert_nonnull (value);
                g_string_append_printf (expected, "%s%s", p > 0 ? ":" : "", value);
              }
          g_assert_cmpstr (literal, ==, expected->str);
          n_governed++;
        }
    }
  g_assert_cmpuint (n_governed, >, 30);

  /* Manifests never pull: the images live in Minikube's daemon. */
  g_assert_cmpstr (td_yaml_scalar (resolve (td_task_get_contract (td_plan_lookup_task (plan, "T016")),
                                            "container.imagePullPolicy")), ==, "Never");
  g_assert_cmpstr (td_yaml_scalar (resolve (td_task_get_contract (td_plan_lookup_task (plan, "T011")),
                                            "user.group")), ==, "nodejs");
  /* The frontend builds on node:20-alpine (what the seed's build used); node:18-alpine only warns. */
  {
    const TdYamlNode *frontend = td_task_get_contract (td_plan_lookup_task (plan, "T011"));
    const TdYamlNode *stages = td_yaml_mapping_get (frontend, "stages");

    g_assert_cmpuint (td_yaml_n_children (stages), ==, 3);
    for (guint i = 0; i < td_yaml_n_children (stages); i++)
      g_assert_cmpstr (td_yaml_mapping_get_string (td_yaml_child (stages, i), "from"), ==, "node:20-alpine");
    g_assert_nonnull (td_yaml_mapping_get_string (td_yaml_mapping_get (frontend, "base_images_with_warning"),
                                                  "node:18-alpine"));
    g_assert_cmpstr (td_yaml_scalar (resolve (td_task_get_contract (td_plan_lookup_task (plan, "T007")),
                                              "user.uid")), ==, "1000");
  }
  /* Tasks without artifacts carry no contract. */
  g_assert_null (td_task_get_contract (td_plan_lookup_task (plan, "T008")));
}

static const TdYamlNode *
find_check (TdPlan *plan, const char *phase_id, const char *kind)
{
  TdGate *gate = td_phase_get_gate (td_plan_lookup_phase (plan, phase_id));

  for (guint i = 0; i < td_gate_get_n_checks (gate); i++)
    if (g_strcmp0 (td_gate_get_check_kind (gate, i), kind) == 0)
      return td_gate_get_check (gate, i);
  return NULL;
}

static void
test_bundled_gates_and_settings (void)
{
  g_autoptr(TdPlan) plan = load_bundled ();
  const TdYamlNode *settings = td_plan_get_settings (plan);
  const TdYamlNode *backend_size = find_check (plan, "backend-image", "image-size");
  const TdYamlNode *frontend_size = find_check (plan, "frontend-image", "image-size");
  const TdYamlNode *pods = find_check (plan, "verify", "pods-ready");
  const TdYamlNode *counts = td_yaml_mapping_get (find_check (plan, "polish", "audit-entries"), "counts");
  const TdYamlNode *templates = find_check (plan, "manifests", "files-exactly");
  g_autoptr(GHashTable) tags = g_hash_table_new (g_str_hash, g_str_equal);
  GListModel *phases = td_plan_get_phases (plan);

  g_assert_cmpstr (td_yaml_mapping_get_string (settings, "namespace"), ==, "default");
  g_assert_cmpstr (td_yaml_mapping_get_string (settings, "release"), ==, "todo-app");
  g_assert_cmpstr (td_yaml_mapping_get_string (settings, "chart"), ==, "charts/todo-app");
  g_assert_cmpstr (td_yaml_mapping_get_string (settings, "audit_log"), ==, "phase-iv-audit.log");
  g_assert_cmpuint (td_yaml_n_children (td_yaml_mapping_get (settings, "required_env_keys")), ==, 3);

  g_assert_cmpstr (td_yaml_mapping_get_string (backend_size, "fail_above_mb"), ==, "300");
  g_assert_cmpstr (td_yaml_mapping_get_string (frontend_size, "warn_above_mb"), ==, "150");
  g_assert_null (td_yaml_mapping_get (frontend_size, "fail_above_mb"));
  g_assert_cmpstr (td_yaml_mapping_get_string (pods, "selector"), ==,
                   td_yaml_mapping_get_string (settings, "pod_selector"));
  g_assert_cmpstr (td_yaml_mapping_get_string (pods, "count"), ==,
                   td_yaml_mapping_get_string (settings, "expected_pods"));
  g_assert_cmpuint (td_yaml_n_children (td_yaml_mapping_get (templates, "names")), ==, 5);
  g_assert_nonnull (find_check (plan, "deploy", "helm-status"));
  g_assert_nonnull (find_check (plan, "cluster", "minikube-status"));

  /* The audit check counts exactly what the plan's tasks append. */
  for (guint i = 0; i < g_list_model_get_n_items (phases); i++)
    {
      g_autoptr(TdPhase) phase = g_list_model_get_item (phases, i);
      GListModel *tasks = td_phase_get_tasks (phase);
      for (guint j = 0; j < g_list_model_get_n_items (tasks); j++)
        {
          g_autoptr(TdTask) task = g_list_model_get_item (tasks, j);
          for (guint k = 0; k < td_task_get_n_audit_entries (task); k++)
            {
              const char *tag = td_task_get_audit_entry (task, k)->tag;
              g_hash_table_insert (tags, (gpointer) tag,
                                   GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (tags, tag)) + 1));
            }
        }
    }
  g_assert_cmpuint (td_yaml_n_children (counts), ==, g_hash_table_size (tags));
  for (guint k = 0; k < td_yaml_n_children (counts); k++)
    {
      const char *tag = ((TdYamlNode *) counts->keys->pdata[k])->value;
      gint64 count = 0;
      g_assert_true (td_yaml_get_int (td_yaml_child (counts, k), &count));
      g_assert_cmpuint (count, ==, GPOINTER_TO_UINT (g_hash_table_lookup (tags, tag)));
    }

  /* Stand-ins: the built-in analyser's KUBECTL for kagent, and a bundled reference (tagged
   * BUNDLED-<TAG>, never as the agent's work) for the agent that did not run. Each stands in for a
   * tag the check counts, and no stand-in is itself a counted tag. */
  {
    const TdYamlNode *stand_ins = td_yaml_mapping_get (find_check (plan, "polish", "audit-entries"), "stand_ins");
    static const char * const expected[][2] = {
      { "KUBECTL", "KAGENT" }, { "BUNDLED-GORDON", "GORDON" }, { "BUNDLED-KUBECTL-AI", "KUBECTL-AI" },
    };

    g_assert_nonnull (stand_ins);
    g_assert_cmpuint (td_yaml_n_children (stand_ins), ==, G_N_ELEMENTS (expected));
    for (guint k = 0; k < G_N_ELEMENTS (expected); k++)
      {
        g_assert_cmpstr (td_yaml_mapping_get_string (stand_ins, expected[k][0]), ==, expected[k][1]);
        g_assert_nonnull (td_yaml_mapping_get (counts, expected[k][1]));
        g_assert_null (td_yaml_mapping_get (counts, expected[k][0]));
      }
  }
}

static void
test_bundled_depends_on (void)
{
  static const struct { const char *phase; const char *depends_on; } expected[] = {
    { "setup", "" },
    { "cluster", "setup" },
    { "backend-image", "cluster" },
    { "frontend-image", "cluster" },
    { "manifests", "cluster" },
    { "deploy", "backend-image frontend-image manifests" },
    { "verify", "deploy" },
    { "polish", "verify" },
  };
  g_autoptr(TdPlan) plan = load_bundled ();

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      TdPhase *phase = td_plan_lookup_phase (plan, expected[i].phase);
      g_autofree char *joined = g_strjoinv (" ", (char **) td_phase_get_depends_on (phase));
      g_assert_cmpstr (joined, ==, expected[i].depends_on);
    }
}

/* ── Objects and properties ───────────────────────────────────────────────────────────────── */

static void
test_describe_action (void)
{
  g_autoptr(TdPlan) plan = load_bundled ();
  g_autoptr(Seed) seed = seed_load ();
  g_autofree char *build = td_task_describe_action (td_plan_lookup_task (plan, "T008"));
  g_autofree char *env = td_task_describe_action (td_plan_lookup_task (plan, "T005"));
  g_autofree char *secret = td_task_describe_action (td_plan_lookup_task (plan, "T024"));
  g_autofree char *watch = td_task_describe_action (td_plan_lookup_task (plan, "T027"));
  g_autofree char *audit = td_task_describe_action (td_plan_lookup_task (plan, "T006"));
  g_autofree char *audit5 = td_task_describe_action (td_plan_lookup_task (plan, "T021"));
  g_autofree char *chart = td_task_describe_action (td_plan_lookup_task (plan, "T003"));
  g_auto(GStrv) audit5_lines = g_strsplit (audit5, "\n", -1);

  /* Agent tasks show the call exactly as the seed's code block does. */
  for (guint i = 0; i < seed->tasks->len; i++)
    {
      const SeedTask *seed_task = seed->tasks->pdata[i];
      g_autofree char *action = NULL;

      if (seed_task->invocation == NULL)
        continue;
      action = td_task_describe_action (td_plan_lookup_task (plan, seed_task->id));
      g_assert_cmpstr (action, ==, seed_task->invocation);
    }

  g_assert_cmpstr (build, ==, "docker build -t todo-backend:latest -f Dockerfile.backend .");
  g_assert_cmpstr (env, ==, "minikube docker-env --shell none");
  g_assert_cmpstr (secret, ==, "Create Secret “todo-backend-secret” through the Kubernetes API "
                               "with DATABASE_URL, OPENAI_API_KEY, BETTER_AUTH_SECRET from .env");
  g_assert_cmpstr (watch, ==, "Watch pods (app in (todo-backend,todo-frontend)) until 4 are "
                              "Running and Ready, for at most 120 s");
  g_assert_cmpstr (audit, ==, "Append to the audit log:\n[ENV] prompt=\"minikube start + eval "
                              "$(minikube docker-env)\" result=\"Minikube Running, Docker context "
                              "switched to Minikube daemon\"");
  g_assert_cmpuint (g_strv_length (audit5_lines), ==, 6);
  g_assert_cmpstr (audit5_lines[5], ==, "[KUBECTL-AI] prompt=\"Create ConfigMap todo-frontend-config...\" "
                                        "result=\"configmap.yaml generated, NEXT_PUBLIC_API_URL set\"");
  g_assert_cmpstr (chart, ==, "Write charts/todo-app/Chart.yaml");
}

static void
test_properties (void)
{
  g_autoptr(TdPlan) plan = load_bundled ();
  TdTask *task = td_plan_lookup_task (plan, "T016");
  TdPhase *phase = td_plan_lookup_phase (plan, "manifests");
  g_autofree char *prompt = NULL;
  g_autofree char *agent = NULL;
  g_autoptr(GListModel) tasks = NULL;
  g_autoptr(TdGate) gate = NULL;
  g_auto(GStrv) depends_on = NULL;
  g_autofree char *story = NULL;
  g_autofree char *checkpoint = NULL;
  TdTaskKind kind = TD_TASK_KIND_MANUAL;
  gboolean parallel = FALSE;
  gpointer contract = NULL;
  guint number = 0;

  g_object_get (task, "kind", &kind, "prompt", &prompt, "agent", &agent, "parallel", &parallel,
                "contract", &contract, NULL);
  g_assert_cmpint (kind, ==, TD_TASK_KIND_AGENT);
  g_assert_cmpstr (prompt, ==, td_task_get_prompt (task));
  g_assert_cmpstr (agent, ==, "kubectl-ai");
  g_assert_true (parallel);
  g_assert_true (contract == td_task_get_contract (task));

  g_object_get (phase, "tasks", &tasks, "gate", &gate, "depends-on", &depends_on,
                "story", &story, "number", &number, NULL);
  g_assert_true (tasks == td_phase_get_tasks (phase));
  g_assert_true (gate == td_phase_get_gate (phase));
  g_assert_cmpstr (depends_on[0], ==, "cluster");
  g_assert_cmpstr (story, ==, "US3");
  g_assert_cmpuint (number, ==, 5);
  g_object_get (gate, "checkpoint", &checkpoint, NULL);
  g_assert_cmpstr (checkpoint, ==, td_gate_get_checkpoint (gate));

  g_assert_cmpstr (td_task_kind_to_string (TD_TASK_KIND_WATCH), ==, "watch");
  g_assert_cmpstr (td_task_kind_to_string (TD_TASK_KIND_API), ==, "api");
  g_assert_true (G_TYPE_IS_ENUM (TD_TYPE_TASK_KIND));
}

static void
count_notify (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  (*(guint *) user_data)++;
}

static void
test_phase_state (void)
{
  g_autoptr(TdPlan) plan = load_bundled ();
  TdPhase *phase = td_plan_lookup_phase (plan, "cluster");
  TdPhaseState state = TD_PHASE_STATE_PENDING;
  g_autoptr(GHashTable) icons = g_hash_table_new (g_str_hash, g_str_equal);
  guint notified = 0;

  g_signal_connect (phase, "notify::state", G_CALLBACK (count_notify), &notified);
  td_phase_set_state (phase, TD_PHASE_STATE_RUNNING);
  g_assert_cmpuint (notified, ==, 1);
  td_phase_set_state (phase, TD_PHASE_STATE_RUNNING);
  g_assert_cmpuint (notified, ==, 1);
  g_object_set (phase, "state", TD_PHASE_STATE_PASSED, NULL);
  g_assert_cmpuint (notified, ==, 2);
  g_object_get (phase, "state", &state, NULL);
  g_assert_cmpint (state, ==, TD_PHASE_STATE_PASSED);
  g_assert_cmpint (td_phase_get_state (td_plan_lookup_phase (plan, "setup")), ==, TD_PHASE_STATE_PENDING);

  g_assert_cmpstr (td_phase_state_to_string (TD_PHASE_STATE_PASSED), ==, "passed");
  g_assert_cmpstr (td_phase_state_to_string (TD_PHASE_STATE_FAILED), ==, "failed");
  for (TdPhaseState s = TD_PHASE_STATE_PENDING; s <= TD_PHASE_STATE_SKIPPED; s++)
    {
      const char *icon = td_phase_state_icon_name (s);
      g_assert_true (g_str_has_suffix (icon, "-symbolic"));
      g_hash_table_add (icons, (gpointer) icon);
    }
  g_assert_cmpuint (g_hash_table_size (icons), ==, TD_PHASE_STATE_SKIPPED + 1);
}

static void
test_objects_outlive_plan (void)
{
  TdPlan *plan = load_bundled ();
  g_autoptr(TdTask) task = g_object_ref (td_plan_lookup_task (plan, "T007"));
  g_autoptr(TdGate) gate = g_object_ref (td_phase_get_gate (td_plan_lookup_phase (plan, "setup")));
  GWeakRef weak;

  g_weak_ref_init (&weak, plan);
  g_object_unref (plan);
  g_assert_null (g_weak_ref_get (&weak));
  g_weak_ref_clear (&weak);

  g_assert_true (g_str_has_prefix (td_task_get_prompt (task), "Create a multi-stage Dockerfile"));
  g_assert_cmpstr (td_yaml_mapping_get_string (td_task_get_contract (task), "expose"), ==, "8000");
  g_assert_cmpstr (td_gate_get_check_kind (gate, 0), ==, "files-exist");
}

/* ── Plans that must be refused ───────────────────────────────────────────────────────────── */

/* Lines 1–3; the phases of each case start on line 4. */
#define PLAN_HEAD \
  "title: Test plan\n" \
  "settings: {namespace: default, release: r, chart: c, pod_selector: s, expected_pods: 1, pods_timeout_seconds: 1, " \
  "stabilisation_seconds: 1, audit_log: a.log, audit_header: \"# log\", required_env_keys: [A], secret_name: s, " \
  "values_file: v.yaml, components: {app: {labels: {app: a}, image: \"a:1\", image_phase: one, port: 80, " \
  "probe_path: /, crash_hint: H}}, diagnoses: {missing-local-image: image, invalid-image-name: image, image-pull-failed: image, missing-secret: image, wrong-secret-name: image, missing-secret-key: image, missing-configmap: image, config-error: image, out-of-memory: image, cannot-start: image, crash: image, probe-wrong-port: image, probe-failing: image, missing-secret-volume: image, mount-failed: image, sandbox-failed: image, broken-image: image, container-error: image, node-too-small: image, node-selector: image, unschedulable: image, evicted: image}}\n" \
  "phases:\n"

/* A phase named @id with one command task @task_id (8 lines from the "- id:" line to the gate). */
#define PHASE(id, task_id) \
  "  - id: " id "\n" \
  "    title: T\n" \
  "    seed_title: S\n" \
  "    purpose: P\n" \
  "    page: phase\n" \
  "    tasks:\n" \
  "      - {id: " task_id ", title: Do, kind: command, command: echo}\n" \
  "    gate: {checkpoint: C, checks: [{check: files-exist, paths: [a]}]}\n"

/* Every task the wizard treats specially says so in the bundled plan, and each phase names its page. */
static void
test_bundled_roles_actions_pages (void)
{
  g_autoptr(TdPlan) plan = td_plan_new_default (NULL);
  static const struct { const char *task; TdTaskRole role; } roles[] = {
    { "T002", TD_TASK_ROLE_CHART_SKELETON }, { "T004", TD_TASK_ROLE_MINIKUBE_START },
    { "T005", TD_TASK_ROLE_DOCKER_ENV }, { "T008", TD_TASK_ROLE_BUILD_IMAGE }, { "T012", TD_TASK_ROLE_STANDALONE_FIX },
    { "T013", TD_TASK_ROLE_BUILD_IMAGE }, { "T025", TD_TASK_ROLE_HELM_INSTALL }, { "T028", TD_TASK_ROLE_ANALYSE_HEALTH },
    { "T030", TD_TASK_ROLE_MEASURE }, { "T031", TD_TASK_ROLE_HELM_UPGRADE }, { "T007", TD_TASK_ROLE_NONE },
  };
  static const struct { const char *task; TdTaskAction action; } actions[] = {
    { "T001", TD_TASK_ACTION_CREATE_AUDIT_LOG }, { "T003", TD_TASK_ACTION_SET_FIELDS },
    { "T006", TD_TASK_ACTION_APPEND_AUDIT }, { "T021", TD_TASK_ACTION_APPEND_AUDIT },
    { "T022", TD_TASK_ACTION_WRITE_VALUES }, { "T036", TD_TASK_ACTION_RECORD_URL },
    { "T037", TD_TASK_ACTION_COMMIT }, { "T004", TD_TASK_ACTION_NONE },
  };
  static const struct { const char *phase; TdPageKind page; } pages[] = {
    { "setup", TD_PAGE_KIND_PHASE }, { "backend-image", TD_PAGE_KIND_IMAGE },
    { "frontend-image", TD_PAGE_KIND_IMAGE }, { "manifests", TD_PAGE_KIND_MANIFESTS }, { "verify", TD_PAGE_KIND_PHASE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    g_assert_cmpint (td_task_get_role (td_plan_lookup_task (plan, roles[i].task)), ==, roles[i].role);
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    g_assert_cmpint (td_task_get_action (td_plan_lookup_task (plan, actions[i].task)), ==, actions[i].action);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    g_assert_cmpint (td_phase_get_page (td_plan_lookup_phase (plan, pages[i].phase)), ==, pages[i].page);
  g_assert_cmpstr (td_task_role_to_string (TD_TASK_ROLE_BUILD_IMAGE), ==, "build-image");
  g_assert_cmpstr (td_task_action_to_string (TD_TASK_ACTION_RECORD_URL), ==, "record-url");
  g_assert_cmpstr (td_page_kind_to_string (TD_PAGE_KIND_MANIFESTS), ==, "manifests");
  g_assert_cmpstr (td_plan_get_setting (plan, "audit_log"), ==, "phase-iv-audit.log");
  g_assert_nonnull (td_plan_get_diagnosis_rules (plan));
}

/* The first lines of phase "one" (lines 4–9), up to its tasks. */
#define PHASE_ONE_HEAD \
  "  - id: one\n" \
  "    title: T\n" \
  "    seed_title: S\n" \
  "    purpose: P\n" \
  "    page: phase\n" \
  "    tasks:\n"

static void
test_minimal_plan_loads (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdPlan) plan = td_plan_new_from_data (PLAN_HEAD PHASE ("one", "T001") PHASE ("two", "T002"),
                                                  -1, "ok.yaml", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (td_plan_get_phases (plan)), ==, 2);
  g_assert_cmpstr (td_phase_get_id (td_plan_find_task_phase (plan, "T002")), ==, "two");
  g_assert_cmpuint (g_strv_length ((char **) td_phase_get_depends_on (td_plan_lookup_phase (plan, "one"))), ==, 0);
}

typedef struct {
  const char *name;
  const char *yaml;
  int         code;
  const char *message;
} BadPlan;

static const BadPlan bad_plans[] = {
  { "syntax",
    PLAN_HEAD
    "  - id: one\n"
    "    title: One: Two\n",
    TD_ERROR_PARSE,
    "bad.yaml:5:15: mapping values are not allowed in this context" },
  { "missing-gate",
    PLAN_HEAD
    "  - id: one\n"
    "    title: T\n"
    "    seed_title: S\n"
    "    purpose: P\n"
    "    page: phase\n"
    "    tasks: [{id: T001, title: Do, kind: command, command: echo}]\n",
    TD_ERROR_INVALID,
    "bad.yaml:4:5: this phase has no “gate”, which it needs" },
  { "missing-task-title",
    PLAN_HEAD
    PHASE_ONE_HEAD
    "      - id: T001\n"
    "        kind: command\n"
    "        command: echo\n"
    "    gate: {checkpoint: C, checks: []}\n",
    TD_ERROR_INVALID,
    "bad.yaml:10:9: this task has no “title”, which it needs" },
  { "missing-settings",
    "title: Test plan\n"
    "phases: []\n",
    TD_ERROR_INVALID,
    "bad.yaml:1:1: this plan has no “settings”, which it needs" },
  { "unknown-task-kind",
    PLAN_HEAD
    PHASE_ONE_HEAD
    "      - id: T001\n"
    "        title: Do\n"
    "        kind: shell\n"
    "    gate: {checkpoint: C, checks: []}\n",
    TD_ERROR_INVALID,
    "bad.yaml:12:15: unknown task kind “shell” (known kinds: command, agent, api, watch, check, manual)" },
  { "unknown-check-kind",
    PLAN_HEAD
    "  - id: one\n"
    "    title: T\n"
    "    seed_title: S\n"
    "    purpose: P\n"
    "    page: phase\n"
    "    tasks: [{id: T001, title: Do, kind: command, command: echo}]\n"
    "    gate:\n"
    "      checkpoint: C\n"
    "      checks:\n"
    "        - check: pods-happy\n",
    TD_ERROR_INVALID,
    "bad.yaml:13:18: unknown gate check kind “pods-happy” (known kinds: files-exist, files-exactly, "
    "minikube-status, docker-ps, image-size, helm-lint, helm-status, pods-ready, audit-entries, url-responds)" },
  { "check-without-kind",
    PLAN_HEAD
    "  - id: one\n"
    "    title: T\n"
    "    seed_title: S\n"
    "    purpose: P\n"
    "    page: phase\n"
    "    tasks: [{id: T001, title: Do, kind: command, command: echo}]\n"
    "    gate:\n"
    "      checkpoint: C\n"
    "      checks:\n"
    "        - paths: [a]\n",
    TD_ERROR_INVALID,
    "bad.yaml:13:11: this gate check has no “check:” naming its kind" },
  { "duplicate-task-id",
    PLAN_HEAD
    PHASE ("one", "T001")
    PHASE ("two", "T001"),
    TD_ERROR_INVALID,
    "bad.yaml:18:14: task id “T001” is used twice (first at line 10)" },
  { "duplicate-phase-id",
    PLAN_HEAD
    PHASE ("one", "T001")
    PHASE ("one", "T002"),
    TD_ERROR_INVALID,
    "bad.yaml:12:9: phase id “one” is used twice (first by phase 1)" },
  { "depends-on-unknown-phase",
    PLAN_HEAD
    PHASE ("one", "T001")
    PHASE ("two", "T002")
    "    depends_on: [one, nowhere]\n",
    TD_ERROR_INVALID,
    "bad.yaml:20:23: phase “two” depends on “nowhere”, which is not a phase in this plan" },
  { "depends-on-later-phase",
    PLAN_HEAD
    PHASE ("one", "T001")
    "    depends_on: [two]\n"
    PHASE ("two", "T002"),
    TD_ERROR_INVALID,
    "bad.yaml:12:18: phase “one” depends on “two”, which does not come before it; list phases in the order they run" },
  { "task-id-shape",
    PLAN_HEAD
    PHASE ("one", "T1"),
    TD_ERROR_INVALID,
    "bad.yaml:10:14: task id “T1” must be a T and three digits, like T007" },
  { "agent-without-prompt",
    PLAN_HEAD
    PHASE_ONE_HEAD
    "      - id: T001\n"
    "        title: Ask\n"
    "        kind: agent\n"
    "        agent: gordon\n"
    "    gate: {checkpoint: C, checks: []}\n",
    TD_ERROR_INVALID,
    "bad.yaml:12:15: task T001 is an agent task but has no “prompt”" },
  { "unknown-agent",
    PLAN_HEAD
    PHASE_ONE_HEAD
    "      - {id: T001, title: Ask, kind: agent, agent: clippy, prompt: hi}\n"
    "    gate: {checkpoint: C, checks: []}\n",
    TD_ERROR_INVALID,
    "bad.yaml:10:52: unknown agent “clippy” (known agents: gordon, kubectl-ai, kagent)" },
  { "command-without-command",
    PLAN_HEAD
    PHASE_ONE_HEAD
    "      - {id: T001, title: Run, kind: command}\n"
    "    gate: {checkpoint: C, checks: []}\n",
    TD_ERROR_INVALID,
    "bad.yaml:10:38: task T001 is a command task but has no “command”" },
  { "unknown-role",
    PLAN_HEAD
    PHASE_ONE_HEAD
    "      - {id: T001, title: Run, kind: command, command: echo, role: build-rocket}\n"
    "    gate: {checkpoint: C, checks: []}\n",
    TD_ERROR_INVALID,
    "bad.yaml:10:68: unknown task role “build-rocket” (known: chart-skeleton, minikube-start, docker-env, "
    "build-image, standalone-fix, helm-install, analyse-health, measure, helm-upgrade)" },
  { "role-of-another-kind",
    PLAN_HEAD
    PHASE_ONE_HEAD
    "      - {id: T001, title: Run, kind: command, command: echo, role: analyse-health}\n"
    "    gate: {checkpoint: C, checks: []}\n",
    TD_ERROR_INVALID,
    "bad.yaml:10:68: the role “analyse-health” is for agent tasks; task T001 is a command task" },
  { "manual-without-action",
    PLAN_HEAD
    PHASE_ONE_HEAD
    "      - {id: T001, title: Note, kind: manual}\n"
    "    gate: {checkpoint: C, checks: []}\n",
    TD_ERROR_INVALID,
    "bad.yaml:10:39: task T001 is a manual task but names no “action” (what the wizard does for it)" },
  { "unknown-action",
    PLAN_HEAD
    PHASE_ONE_HEAD
    "      - {id: T001, title: Note, kind: manual, action: dance}\n"
    "    gate: {checkpoint: C, checks: []}\n",
    TD_ERROR_INVALID,
    "bad.yaml:10:55: unknown manual action “dance” (known: create-audit-log, set-fields, append-audit, "
    "write-values, record-url, commit)" },
  { "action-without-its-key",
    PLAN_HEAD
    PHASE_ONE_HEAD
    "      - {id: T001, title: Note, kind: manual, action: commit}\n"
    "    gate: {checkpoint: C, checks: []}\n",
    TD_ERROR_INVALID,
    "bad.yaml:10:55: a manual action “commit” needs “paths” beside it" },
  { "unknown-page",
    PLAN_HEAD
    "  - id: one\n"
    "    title: T\n"
    "    seed_title: S\n"
    "    purpose: P\n"
    "    page: wizard\n"
    "    tasks: [{id: T001, title: Do, kind: command, command: echo}]\n"
    "    gate: {checkpoint: C, checks: []}\n",
    TD_ERROR_INVALID,
    "bad.yaml:8:11: unknown page “wizard” (known: phase, image, manifests)" },
  { "unknown-diagnosis",
    "title: Test plan\n"
    "settings: {namespace: default, release: r, chart: c, pod_selector: s, expected_pods: 1, pods_timeout_seconds: 1, "
    "stabilisation_seconds: 1, audit_log: a.log, audit_header: h, required_env_keys: [A], secret_name: s, "
    "values_file: v.yaml, components: {app: {labels: {app: a}, image: \"a:1\", image_phase: one, port: 80, "
    "probe_path: /, crash_hint: H}}, diagnoses: {tired-pod: one}}\n"
    "phases:\n"
    PHASE ("one", "T001"),
    TD_ERROR_INVALID,
    NULL /* checked below: the message lists the known diagnoses */ },
  { "unknown-task-key",
    PLAN_HEAD
    PHASE_ONE_HEAD
    "      - id: T001\n"
    "        title: Do\n"
    "        kind: command\n"
    "        command: echo\n"
    "        artefact: out.txt\n"
    "    gate: {checkpoint: C, checks: []}\n",
    TD_ERROR_INVALID,
    NULL /* checked by prefix below: the message lists the known keys */ },
};

static void
test_bad_plan (gconstpointer data)
{
  const BadPlan *bad = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TdPlan) plan = td_plan_new_from_data (bad->yaml, -1, "bad.yaml", &error);

  g_assert_null (plan);
  g_assert_error (error, TD_ERROR, bad->code);
  if (bad->message != NULL)
    g_assert_cmpstr (error->message, ==, bad->message);
  else if (g_str_equal (bad->name, "unknown-diagnosis"))
    g_assert_true (g_str_has_prefix (error->message, "bad.yaml:2:359: unknown diagnosis “tired-pod” (known: missing-local-image, "));
  else
    g_assert_true (g_str_has_prefix (error->message,
                                     "bad.yaml:14:9: unknown key “artefact” in a task (known keys: id, "));
}

static void
test_from_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-plan-XXXXXX", &error);
  g_autofree char *good = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(TdPlan) plan = NULL;

  g_assert_no_error (error);
  good = g_build_filename (dir, "good.yaml", NULL);
  bad = g_build_filename (dir, "bad.yaml", NULL);
  missing = g_build_filename (dir, "missing.yaml", NULL);
  g_assert_true (g_file_set_contents (good, PLAN_HEAD PHASE ("one", "T001"), -1, &error));
  g_assert_true (g_file_set_contents (bad, PLAN_HEAD PHASE ("one", "T1"), -1, &error));

  plan = td_plan_new_from_file (good, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (td_plan_get_title (plan), ==, "Test plan");
  g_assert_cmpstr (td_task_get_command (td_plan_lookup_task (plan, "T001")), ==, "echo");

  g_assert_null (td_plan_new_from_file (bad, &error));
  expected = g_strdup_printf ("%s:10:14: task id “T1” must be a T and three digits, like T007", bad);
  g_assert_error (error, TD_ERROR, TD_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);

  g_assert_null (td_plan_new_from_file (missing, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_error (&error);

  g_assert_cmpint (g_remove (good), ==, 0);
  g_assert_cmpint (g_remove (bad), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/plan/bundled/phases", test_bundled_phases);
  g_test_add_func ("/plan/bundled/tasks-match-seed", test_bundled_tasks_match_seed);
  g_test_add_func ("/plan/bundled/prompts-verbatim", test_bundled_prompts_verbatim);
  g_test_add_func ("/plan/bundled/commands", test_bundled_commands_as_seed_shows_them);
  g_test_add_func ("/plan/bundled/audit-entries", test_bundled_audit_entries);
  g_test_add_func ("/plan/bundled/contracts", test_bundled_contracts);
  g_test_add_func ("/plan/bundled/gates-and-settings", test_bundled_gates_and_settings);
  g_test_add_func ("/plan/bundled/depends-on", test_bundled_depends_on);
  g_test_add_func ("/plan/task/describe-action", test_describe_action);
  g_test_add_func ("/plan/properties", test_properties);
  g_test_add_func ("/plan/phase/state", test_phase_state);
  g_test_add_func ("/plan/objects-outlive-plan", test_objects_outlive_plan);
  g_test_add_func ("/plan/minimal", test_minimal_plan_loads);
  g_test_add_func ("/plan/bundled/roles-actions-pages", test_bundled_roles_actions_pages);
  g_test_add_func ("/plan/from-file", test_from_file);
  for (guint i = 0; i < G_N_ELEMENTS (bad_plans); i++)
    {
      g_autofree char *path = g_strdup_printf ("/plan/refused/%s", bad_plans[i].name);
      g_test_add_data_func (path, &bad_plans[i], test_bad_plan);
    }
  return g_test_run ();
}
