/* td-plan.c: loads and validates the deployment plan (data/plan/phase-iv.yaml) */
#define G_LOG_DOMAIN "td-plan"

#include "td-error.h"
#include "td-plan.h"
#include "td-plan-private.h"

struct _TdPlan
{
  GObject           parent_instance;

  GBytes           *document;      /* owns the YAML tree */
  const char       *title;
  const TdYamlNode *settings;
  GListStore       *phases;
  GHashTable       *phase_by_id;   /* id → TdPhase (borrowed from phases) */
  GHashTable       *task_by_id;    /* id → TdTask (borrowed) */
  GHashTable       *task_phase;    /* task id → TdPhase (borrowed) */
  TdPodDiagnosisRules *diagnosis_rules;
};

G_DEFINE_FINAL_TYPE (TdPlan, td_plan, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_PHASES,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
td_plan_finalize (GObject *object)
{
  TdPlan *self = TD_PLAN (object);

  g_clear_pointer (&self->phase_by_id, g_hash_table_unref);
  g_clear_pointer (&self->task_by_id, g_hash_table_unref);
  g_clear_pointer (&self->task_phase, g_hash_table_unref);
  g_clear_pointer (&self->diagnosis_rules, td_pod_diagnosis_rules_unref);
  g_clear_object (&self->phases);
  g_clear_pointer (&self->document, g_bytes_unref);
  G_OBJECT_CLASS (td_plan_parent_class)->finalize (object);
}

static void
td_plan_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TdPlan *self = TD_PLAN (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_PHASES:
      g_value_set_object (value, self->phases);
      break;
    case PROP_SETTINGS:
      g_value_set_pointer (value, (gpointer) self->settings);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_plan_class_init (TdPlanClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = td_plan_finalize;
  object_class->get_property = td_plan_get_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PHASES] =
    g_param_spec_object ("phases", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* A const TdYamlNode * mapping, owned by the plan. */
  properties[PROP_SETTINGS] =
    g_param_spec_pointer ("settings", NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
td_plan_init (TdPlan *self)
{
  self->phases = g_list_store_new (TD_TYPE_PHASE);
  self->phase_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->task_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->task_phase = g_hash_table_new (g_str_hash, g_str_equal);
}

/* ── Validation helpers shared with td-phase.c, td-task.c and td-gate.c ───────────────────── */

gboolean
td_plan_check_mapping (const TdYamlNode   *node,
                       const char         *what,
                       const char * const *known,
                       const char * const *required,
                       GError            **error)
{
  if (node == NULL || node->kind != TD_YAML_MAPPING)
    return td_yaml_set_error (node, error, "a %s must be a mapping of keys to values", what);

  for (guint i = 0; i < node->keys->len; i++)
    {
      const TdYamlNode *key = node->keys->pdata[i];
      if (!g_strv_contains (known, key->value))
        {
          g_autofree char *list = g_strjoinv (", ", (char **) known);
          return td_yaml_set_error (key, error, "unknown key “%s” in a %s (known keys: %s)",
                                    key->value, what, list);
        }
    }
  for (guint i = 0; required[i] != NULL; i++)
    if (td_yaml_mapping_get (node, required[i]) == NULL)
      return td_yaml_set_error (node, error, "this %s has no “%s”, which it needs",
                                what, required[i]);
  return TRUE;
}

gboolean
td_plan_get_text (const TdYamlNode *mapping, const char *key, const char **out_text, GError **error)
{
  const TdYamlNode *value = td_yaml_mapping_get (mapping, key);

  *out_text = NULL;
  if (value == NULL || td_yaml_is_null (value))
    return TRUE;
  if (value->kind != TD_YAML_SCALAR)
    return td_yaml_set_error (value, error, "“%s” must be text, not a %s", key,
                              value->kind == TD_YAML_MAPPING ? "mapping" : "list");
  *out_text = value->value;
  return TRUE;
}

/* ── Loading ─────────────────────────────────────────────────────────────────────────────── */

gboolean
td_plan_read_name (const TdYamlNode *mapping, const char *key, const char *what,
                   const TdPlanName *names, guint n_names, const TdPlanName **out_entry, GError **error)
{
  const TdYamlNode *node = td_yaml_mapping_get (mapping, key);
  const char *text;
  g_autoptr(GString) known = NULL;

  *out_entry = NULL;
  if (node == NULL || td_yaml_is_null (node))
    return TRUE;
  text = td_yaml_scalar (node);
  for (guint i = 0; text != NULL && i < n_names; i++)
    if (g_str_equal (names[i].name, text))
      {
        if (names[i].needs != NULL && td_yaml_mapping_get (mapping, names[i].needs) == NULL)
          return td_yaml_set_error (node, error, "a %s “%s” needs “%s” beside it", what, text, names[i].needs);
        *out_entry = &names[i];
        return TRUE;
      }
  known = g_string_new (NULL);
  for (guint i = 0; i < n_names; i++)
    g_string_append_printf (known, "%s%s", i > 0 ? ", " : "", names[i].name);
  return td_yaml_set_error (node, error, "unknown %s “%s” (known: %s)", what, text ? text : "", known->str);
}

const char *
td_plan_name_of (const TdPlanName *names, guint n_names, int value)
{
  for (guint i = 0; i < n_names; i++)
    if (names[i].value == value)
      return names[i].name;
  return NULL;
}

static const TdYamlNode *
id_node (const TdYamlNode *mapping)
{
  return td_yaml_mapping_get (mapping, "id");
}

static gboolean
index_tasks (TdPlan *self, TdPhase *phase, GError **error)
{
  GListModel *tasks = td_phase_get_tasks (phase);

  for (guint i = 0; i < g_list_model_get_n_items (tasks); i++)
    {
      g_autoptr(TdTask) task = g_list_model_get_item (tasks, i);
      const char *id = td_task_get_id (task);
      TdTask *first = g_hash_table_lookup (self->task_by_id, id);

      if (first != NULL)
        {
          const TdYamlNode *first_id = id_node (td_task_get_node (first));
          return td_yaml_set_error (id_node (td_task_get_node (task)), error,
                                    "task id “%s” is used twice (first at line %u)",
                                    id, first_id->line);
        }
      g_hash_table_insert (self->task_by_id, (gpointer) id, task);
      g_hash_table_insert (self->task_phase, (gpointer) id, phase);
    }
  return TRUE;
}

/* Dependencies must name phases that come earlier, which also rules out cycles. */
static gboolean
check_depends_on (TdPlan *self, const TdYamlNode *phase_nodes, GError **error)
{
  for (guint p = 0; p < td_yaml_n_children (phase_nodes); p++)
    {
      const TdYamlNode *list = td_yaml_mapping_get (td_yaml_child (phase_nodes, p), "depends_on");
      g_autoptr(TdPhase) phase = g_list_model_get_item (G_LIST_MODEL (self->phases), p);

      for (guint d = 0; d < td_yaml_n_children (list); d++)
        {
          const TdYamlNode *dep_node = td_yaml_child (list, d);
          const char *dep = td_yaml_scalar (dep_node);
          TdPhase *target = g_hash_table_lookup (self->phase_by_id, dep);

          if (target == NULL)
            return td_yaml_set_error (dep_node, error,
                                      "phase “%s” depends on “%s”, which is not a phase in this plan",
                                      td_phase_get_id (phase), dep);
          if (td_phase_get_number (target) >= td_phase_get_number (phase))
            return td_yaml_set_error (dep_node, error,
                                      "phase “%s” depends on “%s”, which does not come before it; "
                                      "list phases in the order they run",
                                      td_phase_get_id (phase), dep);
        }
    }
  return TRUE;
}

static gboolean
check_settings (const TdYamlNode *settings, GError **error)
{
  static const char * const required[] = {
    "namespace", "release", "chart", "pod_selector", "expected_pods", "pods_timeout_seconds",
    "stabilisation_seconds", "audit_log", "audit_header", "required_env_keys", "secret_name",
    "values_file", "components", "diagnoses", NULL
  };

  if (settings->kind != TD_YAML_MAPPING)
    return td_yaml_set_error (settings, error, "“settings” must be a mapping");
  for (guint i = 0; required[i] != NULL; i++)
    if (td_yaml_mapping_get (settings, required[i]) == NULL)
      return td_yaml_set_error (settings, error, "the settings have no “%s”, which the wizard needs",
                                required[i]);
  return TRUE;
}

static const char *
phase_title (const char *phase_id, gpointer user_data)
{
  TdPhase *phase = g_hash_table_lookup (TD_PLAN (user_data)->phase_by_id, phase_id);

  return phase != NULL ? td_phase_get_title (phase) : NULL;
}

static gboolean
load (TdPlan *self, const TdYamlNode *root, GError **error)
{
  static const char * const known[] = { "title", "settings", "phases", NULL };
  const TdYamlNode *phase_nodes;

  if (!td_plan_check_mapping (root, "plan", known, known, error) ||
      !td_plan_get_text (root, "title", &self->title, error))
    return FALSE;
  if (self->title == NULL)
    return td_yaml_set_error (td_yaml_mapping_get (root, "title"), error,
                              "the plan's “title” must not be empty");

  self->settings = td_yaml_mapping_get (root, "settings");
  if (!check_settings (self->settings, error))
    return FALSE;

  phase_nodes = td_yaml_mapping_get (root, "phases");
  if (phase_nodes->kind != TD_YAML_SEQUENCE || td_yaml_n_children (phase_nodes) == 0)
    return td_yaml_set_error (phase_nodes, error, "“phases” must be a list with at least one phase");

  for (guint i = 0; i < td_yaml_n_children (phase_nodes); i++)
    {
      const TdYamlNode *node = td_yaml_child (phase_nodes, i);
      g_autoptr(TdPhase) phase = td_phase_new_from_yaml (self->document, node, i + 1, error);
      TdPhase *first;

      if (phase == NULL)
        return FALSE;
      first = g_hash_table_lookup (self->phase_by_id, td_phase_get_id (phase));
      if (first != NULL)
        return td_yaml_set_error (id_node (node), error,
                                  "phase id “%s” is used twice (first by phase %u)",
                                  td_phase_get_id (phase), td_phase_get_number (first));
      g_hash_table_insert (self->phase_by_id, (gpointer) td_phase_get_id (phase), phase);
      g_list_store_append (self->phases, phase);
      if (!index_tasks (self, phase, error))
        return FALSE;
    }

  if (!check_depends_on (self, phase_nodes, error))
    return FALSE;
  self->diagnosis_rules = td_pod_diagnosis_rules_new (self->settings, phase_title, self, error);
  return self->diagnosis_rules != NULL;
}

TdPlan *
td_plan_new_from_data (const char *data, gssize length, const char *source, GError **error)
{
  g_autoptr(TdPlan) self = NULL;
  TdYamlNode *root;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  root = td_yaml_parse (data, length, source, error);
  if (root == NULL)
    return NULL;

  self = g_object_new (TD_TYPE_PLAN, NULL);
  /* A GBytes is a ready-made reference count for the tree that every phase, task and gate
   * borrows from; its free function frees the tree when the last of them goes. */
  self->document = g_bytes_new_with_free_func (root, sizeof *root,
                                               (GDestroyNotify) td_yaml_node_free, root);
  if (!load (self, root, error))
    return NULL;
  return g_steal_pointer (&self);
}

TdPlan *
td_plan_new_from_file (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, TD_ERROR, TD_ERROR_NOT_FOUND, "Cannot read the plan %s: %s",
                   path, local_error->message);
      return NULL;
    }
  return td_plan_new_from_data (contents, length, path, error);
}

TdPlan *
td_plan_new_default (GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;
  const char *data;

  bytes = g_resources_lookup_data (TD_PLAN_RESOURCE_PATH, G_RESOURCE_LOOKUP_FLAGS_NONE,
                                   &local_error);
  if (bytes == NULL)
    {
      g_set_error (error, TD_ERROR, TD_ERROR_NOT_FOUND,
                   "The bundled deployment plan is missing (%s); reinstall Todo Deploy",
                   local_error->message);
      return NULL;
    }
  data = g_bytes_get_data (bytes, &length);
  return td_plan_new_from_data (data, length, "resource://" TD_PLAN_RESOURCE_PATH, error);
}

TdPlan *
td_plan_load (const char *file, GError **error)
{
  return file != NULL ? td_plan_new_from_file (file, error) : td_plan_new_default (error);
}

/* ── Getters ─────────────────────────────────────────────────────────────────────────────── */

const char *
td_plan_get_title (TdPlan *self)
{
  g_return_val_if_fail (TD_IS_PLAN (self), NULL);
  return self->title;
}

GListModel *
td_plan_get_phases (TdPlan *self)
{
  g_return_val_if_fail (TD_IS_PLAN (self), NULL);
  return G_LIST_MODEL (self->phases);
}

TdPhase *
td_plan_lookup_phase (TdPlan *self, const char *phase_id)
{
  g_return_val_if_fail (TD_IS_PLAN (self), NULL);
  g_return_val_if_fail (phase_id != NULL, NULL);
  return g_hash_table_lookup (self->phase_by_id, phase_id);
}

TdTask *
td_plan_lookup_task (TdPlan *self, const char *task_id)
{
  g_return_val_if_fail (TD_IS_PLAN (self), NULL);
  g_return_val_if_fail (task_id != NULL, NULL);
  return g_hash_table_lookup (self->task_by_id, task_id);
}

TdPhase *
td_plan_find_task_phase (TdPlan *self, const char *task_id)
{
  g_return_val_if_fail (TD_IS_PLAN (self), NULL);
  g_return_val_if_fail (task_id != NULL, NULL);
  return g_hash_table_lookup (self->task_phase, task_id);
}

const TdYamlNode *
td_plan_get_settings (TdPlan *self)
{
  g_return_val_if_fail (TD_IS_PLAN (self), NULL);
  return self->settings;
}

TdPodDiagnosisRules *
td_plan_get_diagnosis_rules (TdPlan *self)
{
  g_return_val_if_fail (TD_IS_PLAN (self), NULL);
  return self->diagnosis_rules;
}

const char *
td_plan_get_setting (TdPlan *self, const char *key)
{
  g_return_val_if_fail (TD_IS_PLAN (self), NULL);
  return td_yaml_mapping_get_string (self->settings, key);
}
