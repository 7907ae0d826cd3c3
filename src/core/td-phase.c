/* td-phase.c: one of the plan's phases, its tasks and gate, and the user's progress through it */
#define G_LOG_DOMAIN "td-phase"

#include <string.h>

#include "td-core-enums.h"
#include "td-phase.h"
#include "td-plan-private.h"

struct _TdPhase
{
  GObject       parent_instance;

  GBytes       *document;     /* keeps the YAML tree (and the strings below) alive */
  const char   *id;
  guint         number;
  const char   *title;
  const char   *seed_title;
  const char   *purpose;
  const char   *story;
  char        **depends_on;
  GListStore   *tasks;
  TdGate       *gate;
  TdPageKind    page;
  TdPhaseState  state;
};

/* The pages a phase may name. */
static const TdPlanName pages[] = {
  { TD_PAGE_KIND_PHASE,     "phase",     -1, NULL },
  { TD_PAGE_KIND_IMAGE,     "image",     -1, NULL },
  { TD_PAGE_KIND_MANIFESTS, "manifests", -1, NULL },
};

G_DEFINE_FINAL_TYPE (TdPhase, td_phase, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NUMBER,
  PROP_TITLE,
  PROP_SEED_TITLE,
  PROP_PURPOSE,
  PROP_STORY,
  PROP_DEPENDS_ON,
  PROP_TASKS,
  PROP_GATE,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
td_phase_finalize (GObject *object)
{
  TdPhase *self = TD_PHASE (object);

  g_clear_pointer (&self->depends_on, g_strfreev);
  g_clear_object (&self->tasks);
  g_clear_object (&self->gate);
  g_clear_pointer (&self->document, g_bytes_unref);
  G_OBJECT_CLASS (td_phase_parent_class)->finalize (object);
}

static void
td_phase_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TdPhase *self = TD_PHASE (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_string (value, self->id); break;
    case PROP_NUMBER: g_value_set_uint (value, self->number); break;
    case PROP_TITLE: g_value_set_string (value, self->title); break;
    case PROP_SEED_TITLE: g_value_set_string (value, self->seed_title); break;
    case PROP_PURPOSE: g_value_set_string (value, self->purpose); break;
    case PROP_STORY: g_value_set_string (value, self->story); break;
    case PROP_DEPENDS_ON: g_value_set_boxed (value, self->depends_on); break;
    case PROP_TASKS: g_value_set_object (value, self->tasks); break;
    case PROP_GATE: g_value_set_object (value, self->gate); break;
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_phase_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  TdPhase *self = TD_PHASE (object);

  switch (prop_id)
    {
    case PROP_STATE:
      td_phase_set_state (self, g_value_get_enum (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
string_property (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static void
td_phase_class_init (TdPhaseClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = td_phase_finalize;
  object_class->get_property = td_phase_get_property;
  object_class->set_property = td_phase_set_property;

  properties[PROP_ID] = string_property ("id");
  properties[PROP_NUMBER] =
    g_param_spec_uint ("number", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] = string_property ("title");
  properties[PROP_SEED_TITLE] = string_property ("seed-title");
  properties[PROP_PURPOSE] = string_property ("purpose");
  properties[PROP_STORY] = string_property ("story");
  properties[PROP_DEPENDS_ON] =
    g_param_spec_boxed ("depends-on", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TASKS] =
    g_param_spec_object ("tasks", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_GATE] =
    g_param_spec_object ("gate", NULL, NULL, TD_TYPE_GATE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, TD_TYPE_PHASE_STATE, TD_PHASE_STATE_PENDING,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
td_phase_init (TdPhase *self)
{
  self->tasks = g_list_store_new (TD_TYPE_TASK);
  self->state = TD_PHASE_STATE_PENDING;
}

/* ── Loading ─────────────────────────────────────────────────────────────────────────────── */

static gboolean
is_phase_id (const char *id)
{
  if (!g_ascii_islower (id[0]))
    return FALSE;
  for (const char *c = id; *c; c++)
    if (!g_ascii_islower (*c) && !g_ascii_isdigit (*c) && *c != '-')
      return FALSE;
  return TRUE;
}

static gboolean
is_story (const char *story)
{
  return g_str_has_prefix (story, "US") && story[2] != '\0' &&
         strspn (story + 2, "0123456789") == strlen (story + 2);
}

/* Reads @key as non-empty text, with the error pointing at the value. */
static gboolean
get_required_text (const TdYamlNode *node, const char *key, const char **out, GError **error)
{
  if (!td_plan_get_text (node, key, out, error))
    return FALSE;
  if (*out == NULL || (*out)[0] == '\0')
    return td_yaml_set_error (td_yaml_mapping_get (node, key), error, "“%s” must not be empty", key);
  return TRUE;
}

static gboolean
read_depends_on (TdPhase *self, const TdYamlNode *list, GError **error)
{
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();

  if (list != NULL && !td_yaml_is_null (list))
    {
      if (list->kind != TD_YAML_SEQUENCE)
        return td_yaml_set_error (list, error, "“depends_on” must be a list of phase ids");
      for (guint i = 0; i < td_yaml_n_children (list); i++)
        {
          const char *id = td_yaml_scalar (td_yaml_child (list, i));
          if (id == NULL)
            return td_yaml_set_error (td_yaml_child (list, i), error,
                                      "“depends_on” must list phase ids");
          g_strv_builder_add (ids, id);
        }
    }
  self->depends_on = g_strv_builder_end (ids);
  return TRUE;
}

TdPhase *
td_phase_new_from_yaml (GBytes *document, const TdYamlNode *node, guint number, GError **error)
{
  static const char * const known[] = {
    "id", "title", "seed_title", "purpose", "story", "page", "depends_on", "tasks", "gate", NULL
  };
  static const char * const required[] = {
    "id", "title", "seed_title", "purpose", "page", "tasks", "gate", NULL
  };
  g_autoptr(TdPhase) self = NULL;
  const TdYamlNode *tasks;
  const TdPlanName *page = NULL;

  if (!td_plan_check_mapping (node, "phase", known, required, error))
    return NULL;

  self = g_object_new (TD_TYPE_PHASE, NULL);
  self->document = g_bytes_ref (document);
  self->number = number;

  if (!get_required_text (node, "id", &self->id, error))
    return NULL;
  if (!is_phase_id (self->id))
    {
      td_yaml_set_error (td_yaml_mapping_get (node, "id"), error,
                         "phase id “%s” must be lower-case letters, digits and dashes, like "
                         "backend-image", self->id);
      return NULL;
    }
  if (!get_required_text (node, "title", &self->title, error) ||
      !get_required_text (node, "seed_title", &self->seed_title, error) ||
      !get_required_text (node, "purpose", &self->purpose, error) ||
      !td_plan_get_text (node, "story", &self->story, error) ||
      !read_depends_on (self, td_yaml_mapping_get (node, "depends_on"), error) ||
      !td_plan_read_name (node, "page", "page", pages, G_N_ELEMENTS (pages), &page, error))
    return NULL;
  if (page == NULL)
    {
      td_yaml_set_error (td_yaml_mapping_get (node, "page"), error, "“page” must name the page that shows the phase");
      return NULL;
    }
  self->page = page->value;
  if (self->story != NULL && !is_story (self->story))
    {
      td_yaml_set_error (td_yaml_mapping_get (node, "story"), error,
                         "story “%s” must be like US1, or null", self->story);
      return NULL;
    }

  tasks = td_yaml_mapping_get (node, "tasks");
  if (tasks->kind != TD_YAML_SEQUENCE || td_yaml_n_children (tasks) == 0)
    {
      td_yaml_set_error (tasks, error, "“tasks” must be a list with at least one task");
      return NULL;
    }
  for (guint i = 0; i < td_yaml_n_children (tasks); i++)
    {
      g_autoptr(TdTask) task = td_task_new_from_yaml (document, td_yaml_child (tasks, i), error);
      if (task == NULL)
        return NULL;
      g_list_store_append (self->tasks, task);
    }

  self->gate = td_gate_new_from_yaml (document, td_yaml_mapping_get (node, "gate"), error);
  if (self->gate == NULL)
    return NULL;

  return g_steal_pointer (&self);
}

/* ── Getters ─────────────────────────────────────────────────────────────────────────────── */

TdPageKind
td_phase_get_page (TdPhase *self)
{
  g_return_val_if_fail (TD_IS_PHASE (self), TD_PAGE_KIND_PHASE);
  return self->page;
}

const char *
td_page_kind_to_string (TdPageKind page)
{
  return td_plan_name_of (pages, G_N_ELEMENTS (pages), page);
}

const char *
td_phase_get_id (TdPhase *self)
{
  g_return_val_if_fail (TD_IS_PHASE (self), NULL);
  return self->id;
}

guint
td_phase_get_number (TdPhase *self)
{
  g_return_val_if_fail (TD_IS_PHASE (self), 0);
  return self->number;
}

const char *
td_phase_get_title (TdPhase *self)
{
  g_return_val_if_fail (TD_IS_PHASE (self), NULL);
  return self->title;
}

const char *
td_phase_get_seed_title (TdPhase *self)
{
  g_return_val_if_fail (TD_IS_PHASE (self), NULL);
  return self->seed_title;
}

const char *
td_phase_get_purpose (TdPhase *self)
{
  g_return_val_if_fail (TD_IS_PHASE (self), NULL);
  return self->purpose;
}

const char *
td_phase_get_story (TdPhase *self)
{
  g_return_val_if_fail (TD_IS_PHASE (self), NULL);
  return self->story;
}

const char * const *
td_phase_get_depends_on (TdPhase *self)
{
  g_return_val_if_fail (TD_IS_PHASE (self), NULL);
  return (const char * const *) self->depends_on;
}

GListModel *
td_phase_get_tasks (TdPhase *self)
{
  g_return_val_if_fail (TD_IS_PHASE (self), NULL);
  return G_LIST_MODEL (self->tasks);
}

TdGate *
td_phase_get_gate (TdPhase *self)
{
  g_return_val_if_fail (TD_IS_PHASE (self), NULL);
  return self->gate;
}

TdPhaseState
td_phase_get_state (TdPhase *self)
{
  g_return_val_if_fail (TD_IS_PHASE (self), TD_PHASE_STATE_PENDING);
  return self->state;
}

void
td_phase_set_state (TdPhase *self, TdPhaseState state)
{
  g_return_if_fail (TD_IS_PHASE (self));

  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

const char *
td_phase_state_to_string (TdPhaseState state)
{
  g_autoptr(GEnumClass) states = g_type_class_ref (TD_TYPE_PHASE_STATE);
  const GEnumValue *value = g_enum_get_value (states, state);

  /* Nicks are static strings in the generated enum table. */
  return value ? value->value_nick : NULL;
}

const char *
td_phase_state_icon_name (TdPhaseState state)
{
  /* All in Adwaita's icon theme on the GTK 4.8 floor. */
  switch (state)
    {
    case TD_PHASE_STATE_PENDING: return "radio-symbolic";
    case TD_PHASE_STATE_READY: return "media-playback-start-symbolic";
    case TD_PHASE_STATE_RUNNING: return "content-loading-symbolic";
    case TD_PHASE_STATE_PASSED: return "emblem-ok-symbolic";
    case TD_PHASE_STATE_FAILED: return "dialog-error-symbolic";
    case TD_PHASE_STATE_SKIPPED: return "action-unavailable-symbolic";
    default: return "radio-symbolic";
    }
}
