/* td-task.c: one seed task, read from its mapping in the plan */
#define G_LOG_DOMAIN "td-task"

#include "td-core-enums.h"
#include "td-plan-private.h"
#include "td-task.h"

struct _TdTask
{
  GObject           parent_instance;

  GBytes           *document;   /* keeps the YAML tree (and every string below) alive */
  const TdYamlNode *node;
  const char       *id;
  const char       *title;
  TdTaskKind        kind;
  TdTaskRole        role;
  TdTaskAction      action;
  const char       *command;
  const char       *run;
  const char       *agent;
  const char       *prompt;
  const char       *artifact;
  gboolean          parallel;
  GArray           *audit;      /* of TdTaskAuditEntry */
  const TdYamlNode *contract;
};

G_DEFINE_FINAL_TYPE (TdTask, td_task, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_TITLE,
  PROP_KIND,
  PROP_COMMAND,
  PROP_RUN,
  PROP_AGENT,
  PROP_PROMPT,
  PROP_ARTIFACT,
  PROP_PARALLEL,
  PROP_AUDIT_TAG,
  PROP_AUDIT_PROMPT,
  PROP_AUDIT_RESULT,
  PROP_CONTRACT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The agents the plan may name, and the program line the user sees for each. */
static const struct {
  const char *agent;
  const char *program;
} agents[] = {
  { "gordon", "docker ai" },
  { "kubectl-ai", "kubectl-ai" },
  { "kagent", "kagent" },
};

/* The roles and actions the plan may name: what kind of task each goes with, and the key it
 * reads beside it. The plan's header comment says what each does. */
static const TdPlanName roles[] = {
  { TD_TASK_ROLE_CHART_SKELETON, "chart-skeleton", TD_TASK_KIND_COMMAND, "artifact" },
  { TD_TASK_ROLE_MINIKUBE_START, "minikube-start", TD_TASK_KIND_COMMAND, "memory_flag" },
  { TD_TASK_ROLE_DOCKER_ENV,     "docker-env",     TD_TASK_KIND_COMMAND, NULL },
  { TD_TASK_ROLE_BUILD_IMAGE,    "build-image",    TD_TASK_KIND_COMMAND, NULL },
  { TD_TASK_ROLE_STANDALONE_FIX, "standalone-fix", TD_TASK_KIND_CHECK,   "expect" },
  { TD_TASK_ROLE_HELM_INSTALL,   "helm-install",   TD_TASK_KIND_COMMAND, NULL },
  { TD_TASK_ROLE_ANALYSE_HEALTH, "analyse-health", TD_TASK_KIND_AGENT,   NULL },
  { TD_TASK_ROLE_MEASURE,        "measure",        TD_TASK_KIND_AGENT,   "wait_seconds" },
  { TD_TASK_ROLE_HELM_UPGRADE,   "helm-upgrade",   TD_TASK_KIND_COMMAND, NULL },
};

static const TdPlanName actions[] = {
  { TD_TASK_ACTION_CREATE_AUDIT_LOG, "create-audit-log", TD_TASK_KIND_MANUAL, "artifact" },
  { TD_TASK_ACTION_SET_FIELDS,       "set-fields",       TD_TASK_KIND_MANUAL, "set" },
  { TD_TASK_ACTION_APPEND_AUDIT,     "append-audit",     TD_TASK_KIND_MANUAL, "audit" },
  { TD_TASK_ACTION_WRITE_VALUES,     "write-values",     TD_TASK_KIND_MANUAL, "content_from" },
  { TD_TASK_ACTION_RECORD_URL,       "record-url",       TD_TASK_KIND_MANUAL, "artifact" },
  { TD_TASK_ACTION_COMMIT,           "commit",           TD_TASK_KIND_MANUAL, "paths" },
};

static const char *
agent_program (const char *agent)
{
  for (guint i = 0; i < G_N_ELEMENTS (agents); i++)
    if (g_strcmp0 (agents[i].agent, agent) == 0)
      return agents[i].program;
  return NULL;
}

static void
td_task_finalize (GObject *object)
{
  TdTask *self = TD_TASK (object);

  g_clear_pointer (&self->audit, g_array_unref);
  g_clear_pointer (&self->document, g_bytes_unref);
  G_OBJECT_CLASS (td_task_parent_class)->finalize (object);
}

static void
td_task_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TdTask *self = TD_TASK (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_string (value, self->id); break;
    case PROP_TITLE: g_value_set_string (value, self->title); break;
    case PROP_KIND: g_value_set_enum (value, self->kind); break;
    case PROP_COMMAND: g_value_set_string (value, self->command); break;
    case PROP_RUN: g_value_set_string (value, td_task_get_run (self)); break;
    case PROP_AGENT: g_value_set_string (value, self->agent); break;
    case PROP_PROMPT: g_value_set_string (value, self->prompt); break;
    case PROP_ARTIFACT: g_value_set_string (value, self->artifact); break;
    case PROP_PARALLEL: g_value_set_boolean (value, self->parallel); break;
    case PROP_AUDIT_TAG: g_value_set_string (value, td_task_get_audit_tag (self)); break;
    case PROP_AUDIT_PROMPT: g_value_set_string (value, td_task_get_audit_prompt (self)); break;
    case PROP_AUDIT_RESULT: g_value_set_string (value, td_task_get_audit_result (self)); break;
    case PROP_CONTRACT: g_value_set_pointer (value, (gpointer) self->contract); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
string_property (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static void
td_task_class_init (TdTaskClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = td_task_finalize;
  object_class->get_property = td_task_get_property;

  properties[PROP_ID] = string_property ("id");
  properties[PROP_TITLE] = string_property ("title");
  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, TD_TYPE_TASK_KIND, TD_TASK_KIND_COMMAND,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_COMMAND] = string_property ("command");
  properties[PROP_RUN] = string_property ("run");
  properties[PROP_AGENT] = string_property ("agent");
  properties[PROP_PROMPT] = string_property ("prompt");
  properties[PROP_ARTIFACT] = string_property ("artifact");
  properties[PROP_PARALLEL] =
    g_param_spec_boolean ("parallel", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_AUDIT_TAG] = string_property ("audit-tag");
  properties[PROP_AUDIT_PROMPT] = string_property ("audit-prompt");
  properties[PROP_AUDIT_RESULT] = string_property ("audit-result");
  /* A const TdYamlNode *, owned by the task. */
  properties[PROP_CONTRACT] =
    g_param_spec_pointer ("contract", NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
td_task_init (TdTask *self)
{
  self->audit = g_array_new (FALSE, TRUE, sizeof (TdTaskAuditEntry));
}

/* ── Loading ─────────────────────────────────────────────────────────────────────────────── */

static gboolean
is_task_id (const char *id)
{
  return id[0] == 'T' && g_ascii_isdigit (id[1]) && g_ascii_isdigit (id[2]) &&
         g_ascii_isdigit (id[3]) && id[4] == '\0';
}

static gboolean
is_audit_tag (const char *tag)
{
  if (!g_ascii_isupper (tag[0]))
    return FALSE;
  for (const char *c = tag; *c; c++)
    if (!g_ascii_isupper (*c) && *c != '-')
      return FALSE;
  return TRUE;
}

static gboolean
read_audit_entry (TdTask *self, const TdYamlNode *node, GError **error)
{
  static const char * const known[] = { "tag", "prompt", "result", "about", "fallback_tag", NULL };
  static const char * const required[] = { "tag", "prompt", "result", NULL };
  TdTaskAuditEntry entry = { 0 };

  if (!td_plan_check_mapping (node, "audit entry", known, required, error) ||
      !td_plan_get_text (node, "tag", &entry.tag, error) ||
      !td_plan_get_text (node, "prompt", &entry.prompt, error) ||
      !td_plan_get_text (node, "result", &entry.result, error) ||
      !td_plan_get_text (node, "about", &entry.about, error) ||
      !td_plan_get_text (node, "fallback_tag", &entry.fallback_tag, error))
    return FALSE;

  if (entry.tag == NULL || !is_audit_tag (entry.tag))
    return td_yaml_set_error (td_yaml_mapping_get (node, "tag"), error,
                              "audit tag “%s” must be capital letters and dashes, like GORDON",
                              entry.tag ? entry.tag : "");
  if (entry.fallback_tag != NULL && !is_audit_tag (entry.fallback_tag))
    return td_yaml_set_error (td_yaml_mapping_get (node, "fallback_tag"), error,
                              "audit tag “%s” must be capital letters and dashes, like KUBECTL",
                              entry.fallback_tag);
  if (entry.about != NULL && !is_task_id (entry.about))
    return td_yaml_set_error (td_yaml_mapping_get (node, "about"), error,
                              "“about” must name a task id like T007, not “%s”", entry.about);
  if (entry.prompt == NULL || entry.result == NULL)
    return td_yaml_set_error (node, error, "an audit entry needs a prompt and a result");

  g_array_append_val (self->audit, entry);
  return TRUE;
}

static gboolean
read_audit (TdTask *self, const TdYamlNode *audit, GError **error)
{
  if (audit == NULL || td_yaml_is_null (audit))
    return TRUE;
  if (audit->kind != TD_YAML_SEQUENCE)
    return read_audit_entry (self, audit, error);
  for (guint i = 0; i < td_yaml_n_children (audit); i++)
    if (!read_audit_entry (self, td_yaml_child (audit, i), error))
      return FALSE;
  return TRUE;
}

static gboolean
read_kind (TdTask *self, const TdYamlNode *node, GError **error)
{
  g_autoptr(GEnumClass) kinds = g_type_class_ref (TD_TYPE_TASK_KIND);
  const char *text = td_yaml_scalar (node);
  const GEnumValue *value = text ? g_enum_get_value_by_nick (kinds, text) : NULL;

  if (value == NULL)
    return td_yaml_set_error (node, error,
                              "unknown task kind “%s” (known kinds: command, agent, api, watch, "
                              "check, manual)", text ? text : "");
  self->kind = value->value;
  return TRUE;
}

/* The keys each kind needs beyond id/title/kind, and the ones only some kinds may use. */
static gboolean
check_kind_keys (TdTask *self, const TdYamlNode *node, GError **error)
{
  const TdYamlNode *kind_node = td_yaml_mapping_get (node, "kind");
  const char *kind = td_task_kind_to_string (self->kind);

  if (self->kind == TD_TASK_KIND_COMMAND && self->command == NULL)
    return td_yaml_set_error (kind_node, error, "task %s is a command task but has no “command”",
                              self->id);
  if (self->kind == TD_TASK_KIND_AGENT)
    {
      if (self->agent == NULL)
        return td_yaml_set_error (kind_node, error,
                                  "task %s is an agent task but names no “agent” "
                                  "(gordon, kubectl-ai or kagent)", self->id);
      if (agent_program (self->agent) == NULL)
        return td_yaml_set_error (td_yaml_mapping_get (node, "agent"), error,
                                  "unknown agent “%s” (known agents: gordon, kubectl-ai, kagent)",
                                  self->agent);
      if (self->prompt == NULL)
        return td_yaml_set_error (kind_node, error, "task %s is an agent task but has no “prompt”",
                                  self->id);
      if (self->command != NULL)
        return td_yaml_set_error (td_yaml_mapping_get (node, "command"), error,
                                  "task %s is an agent task: it takes a prompt, not a command",
                                  self->id);
    }
  else if (self->agent != NULL || self->prompt != NULL)
    {
      const char *key = self->agent != NULL ? "agent" : "prompt";
      return td_yaml_set_error (td_yaml_mapping_get (node, key), error,
                                "task %s is a %s task: only agent tasks have an “%s”",
                                self->id, kind, key);
    }

  if (self->kind == TD_TASK_KIND_API || self->kind == TD_TASK_KIND_WATCH)
    {
      const TdYamlNode *spec = td_yaml_mapping_get (node, kind);
      if (spec == NULL || spec->kind != TD_YAML_MAPPING)
        return td_yaml_set_error (spec ? spec : kind_node, error,
                                  "task %s is a %s task and needs a “%s:” mapping saying what to do",
                                  self->id, kind, kind);
    }

  if (self->contract != NULL && self->contract->kind != TD_YAML_MAPPING)
    return td_yaml_set_error (self->contract, error, "a task's “contract” must be a mapping");
  return TRUE;
}

/* `role:` (any kind, as the role table allows) and `action:` (every manual task names one). */
static gboolean
read_role_and_action (TdTask *self, const TdYamlNode *node, GError **error)
{
  const TdPlanName *role = NULL, *action = NULL;

  if (!td_plan_read_name (node, "role", "task role", roles, G_N_ELEMENTS (roles), &role, error) ||
      !td_plan_read_name (node, "action", "manual action", actions, G_N_ELEMENTS (actions), &action, error))
    return FALSE;
  if (role != NULL && role->kind != (int) self->kind)
    return td_yaml_set_error (td_yaml_mapping_get (node, "role"), error,
                              "the role “%s” is for %s tasks; task %s is a %s task", role->name,
                              td_task_kind_to_string (role->kind), self->id, td_task_kind_to_string (self->kind));
  if (self->kind == TD_TASK_KIND_MANUAL && action == NULL)
    return td_yaml_set_error (td_yaml_mapping_get (node, "kind"), error,
                              "task %s is a manual task but names no “action” (what the wizard does for it)",
                              self->id);
  if (self->kind != TD_TASK_KIND_MANUAL && action != NULL)
    return td_yaml_set_error (td_yaml_mapping_get (node, "action"), error,
                              "task %s is a %s task: only manual tasks have an “action”",
                              self->id, td_task_kind_to_string (self->kind));
  self->role = role != NULL ? (TdTaskRole) role->value : TD_TASK_ROLE_NONE;
  self->action = action != NULL ? (TdTaskAction) action->value : TD_TASK_ACTION_NONE;
  return TRUE;
}

TdTask *
td_task_new_from_yaml (GBytes *document, const TdYamlNode *node, GError **error)
{
  static const char * const known[] = {
    "id", "title", "kind", "role", "action", "command", "run", "verify", "expect", "agent", "prompt",
    "artifact", "parallel", "audit", "contract", "api", "watch", "wait_seconds", "keep", "set",
    "paths", "content_from", "optional", "memory_flag", NULL
  };
  static const char * const required[] = { "id", "title", "kind", NULL };
  g_autoptr(TdTask) self = NULL;
  const TdYamlNode *parallel;

  if (!td_plan_check_mapping (node, "task", known, required, error))
    return NULL;

  self = g_object_new (TD_TYPE_TASK, NULL);
  self->document = g_bytes_ref (document);
  self->node = node;

  if (!td_plan_get_text (node, "id", &self->id, error))
    return NULL;
  if (self->id == NULL || !is_task_id (self->id))
    {
      td_yaml_set_error (td_yaml_mapping_get (node, "id"), error,
                         "task id “%s” must be a T and three digits, like T007",
                         self->id ? self->id : "");
      return NULL;
    }

  if (!td_plan_get_text (node, "title", &self->title, error) ||
      !read_kind (self, td_yaml_mapping_get (node, "kind"), error) ||
      !td_plan_get_text (node, "command", &self->command, error) ||
      !td_plan_get_text (node, "run", &self->run, error) ||
      !td_plan_get_text (node, "agent", &self->agent, error) ||
      !td_plan_get_text (node, "prompt", &self->prompt, error) ||
      !td_plan_get_text (node, "artifact", &self->artifact, error) ||
      !read_audit (self, td_yaml_mapping_get (node, "audit"), error))
    return NULL;

  parallel = td_yaml_mapping_get (node, "parallel");
  if (parallel != NULL && !td_yaml_get_bool (parallel, &self->parallel))
    {
      td_yaml_set_error (parallel, error, "“parallel” must be true or false");
      return NULL;
    }

  self->contract = td_yaml_mapping_get (node, "contract");
  if (td_yaml_is_null (self->contract))
    self->contract = NULL;

  if (!check_kind_keys (self, node, error) || !read_role_and_action (self, node, error))
    return NULL;

  return g_steal_pointer (&self);
}

/* ── Getters ─────────────────────────────────────────────────────────────────────────────── */

const char *
td_task_get_id (TdTask *self)
{
  g_return_val_if_fail (TD_IS_TASK (self), NULL);
  return self->id;
}

const char *
td_task_get_title (TdTask *self)
{
  g_return_val_if_fail (TD_IS_TASK (self), NULL);
  return self->title;
}

TdTaskKind
td_task_get_kind (TdTask *self)
{
  g_return_val_if_fail (TD_IS_TASK (self), TD_TASK_KIND_COMMAND);
  return self->kind;
}

TdTaskRole
td_task_get_role (TdTask *self)
{
  g_return_val_if_fail (TD_IS_TASK (self), TD_TASK_ROLE_NONE);
  return self->role;
}

TdTaskAction
td_task_get_action (TdTask *self)
{
  g_return_val_if_fail (TD_IS_TASK (self), TD_TASK_ACTION_NONE);
  return self->action;
}

const char *
td_task_get_command (TdTask *self)
{
  g_return_val_if_fail (TD_IS_TASK (self), NULL);
  return self->command;
}

const char *
td_task_get_run (TdTask *self)
{
  g_return_val_if_fail (TD_IS_TASK (self), NULL);
  return self->run != NULL ? self->run : self->command;
}

const char *
td_task_get_agent (TdTask *self)
{
  g_return_val_if_fail (TD_IS_TASK (self), NULL);
  return self->agent;
}

const char *
td_task_get_prompt (TdTask *self)
{
  g_return_val_if_fail (TD_IS_TASK (self), NULL);
  return self->prompt;
}

const char *
td_task_get_artifact (TdTask *self)
{
  g_return_val_if_fail (TD_IS_TASK (self), NULL);
  return self->artifact;
}

gboolean
td_task_get_parallel (TdTask *self)
{
  g_return_val_if_fail (TD_IS_TASK (self), FALSE);
  return self->parallel;
}

guint
td_task_get_n_audit_entries (TdTask *self)
{
  g_return_val_if_fail (TD_IS_TASK (self), 0);
  return self->audit->len;
}

const TdTaskAuditEntry *
td_task_get_audit_entry (TdTask *self, guint index)
{
  g_return_val_if_fail (TD_IS_TASK (self), NULL);
  g_return_val_if_fail (index < self->audit->len, NULL);
  return &g_array_index (self->audit, TdTaskAuditEntry, index);
}

static const TdTaskAuditEntry *
first_audit_entry (TdTask *self)
{
  return self->audit->len > 0 ? &g_array_index (self->audit, TdTaskAuditEntry, 0) : NULL;
}

const char *
td_task_get_audit_tag (TdTask *self)
{
  g_return_val_if_fail (TD_IS_TASK (self), NULL);
  return first_audit_entry (self) ? first_audit_entry (self)->tag : NULL;
}

const char *
td_task_get_audit_prompt (TdTask *self)
{
  g_return_val_if_fail (TD_IS_TASK (self), NULL);
  return first_audit_entry (self) ? first_audit_entry (self)->prompt : NULL;
}

const char *
td_task_get_audit_result (TdTask *self)
{
  g_return_val_if_fail (TD_IS_TASK (self), NULL);
  return first_audit_entry (self) ? first_audit_entry (self)->result : NULL;
}

const TdYamlNode *
td_task_get_contract (TdTask *self)
{
  g_return_val_if_fail (TD_IS_TASK (self), NULL);
  return self->contract;
}

const TdYamlNode *
td_task_get_node (TdTask *self)
{
  g_return_val_if_fail (TD_IS_TASK (self), NULL);
  return self->node;
}

/* ── Describing ──────────────────────────────────────────────────────────────────────────── */

static char *
join_scalars (const TdYamlNode *list, const char *separator)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < td_yaml_n_children (list); i++)
    {
      const char *item = td_yaml_scalar (td_yaml_child (list, i));
      if (item == NULL)
        continue;
      if (text->len > 0)
        g_string_append (text, separator);
      g_string_append (text, item);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
describe_api (TdTask *self)
{
  const TdYamlNode *api = td_yaml_mapping_get (self->node, "api");
  const char *resource = td_yaml_mapping_get_string (api, "create");
  const char *name = td_yaml_mapping_get_string (api, "name");
  g_autofree char *keys = join_scalars (td_yaml_mapping_get (api, "keys_from_env_file"), ", ");

  if (resource == NULL || name == NULL)
    return g_strdup (self->title);
  if (keys[0] == '\0')
    return g_strdup_printf ("Create %s “%s” through the Kubernetes API", resource, name);
  /* Name the keys, never their values. */
  return g_strdup_printf ("Create %s “%s” through the Kubernetes API with %s from .env",
                          resource, name, keys);
}

static char *
describe_watch (TdTask *self)
{
  const TdYamlNode *watch = td_yaml_mapping_get (self->node, "watch");
  const char *resource = td_yaml_mapping_get_string (watch, "resource");
  const char *selector = td_yaml_mapping_get_string (watch, "selector");
  const char *count = td_yaml_mapping_get_string (watch, "count");
  const char *timeout = td_yaml_mapping_get_string (watch, "timeout_seconds");

  if (resource == NULL || selector == NULL || count == NULL)
    return g_strdup (self->title);
  if (timeout == NULL)
    return g_strdup_printf ("Watch %s (%s) until %s are Running and Ready", resource, selector, count);
  return g_strdup_printf ("Watch %s (%s) until %s are Running and Ready, for at most %s s",
                          resource, selector, count, timeout);
}

static char *
describe_audit (TdTask *self)
{
  g_autoptr(GString) text = g_string_new ("Append to the audit log:");

  for (guint i = 0; i < self->audit->len; i++)
    {
      const TdTaskAuditEntry *entry = &g_array_index (self->audit, TdTaskAuditEntry, i);
      g_string_append_printf (text, "\n[%s] prompt=\"%s\" result=\"%s\"",
                              entry->tag, entry->prompt, entry->result);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

char *
td_task_describe_action (TdTask *self)
{
  g_return_val_if_fail (TD_IS_TASK (self), NULL);

  switch (self->kind)
    {
    case TD_TASK_KIND_AGENT:
      return g_strdup_printf ("%s \"%s\"", agent_program (self->agent), self->prompt);
    case TD_TASK_KIND_API:
      return describe_api (self);
    case TD_TASK_KIND_WATCH:
      return describe_watch (self);
    case TD_TASK_KIND_MANUAL:
      if (self->action == TD_TASK_ACTION_APPEND_AUDIT)
        return describe_audit (self);
      if (self->action != TD_TASK_ACTION_COMMIT && self->artifact != NULL)
        return g_strdup_printf ("Write %s", self->artifact);
      return g_strdup (self->title);
    case TD_TASK_KIND_COMMAND:
    case TD_TASK_KIND_CHECK:
    default:
      return g_strdup (td_task_get_run (self) ? td_task_get_run (self) : self->title);
    }
}

const char *
td_task_kind_to_string (TdTaskKind kind)
{
  g_autoptr(GEnumClass) kinds = g_type_class_ref (TD_TYPE_TASK_KIND);
  const GEnumValue *value = g_enum_get_value (kinds, kind);

  /* Nicks are static strings in the generated enum table, valid after the class is unref'd. */
  return value ? value->value_nick : NULL;
}

const char *
td_task_role_to_string (TdTaskRole role)
{
  return td_plan_name_of (roles, G_N_ELEMENTS (roles), role);
}

const char *
td_task_action_to_string (TdTaskAction action)
{
  return td_plan_name_of (actions, G_N_ELEMENTS (actions), action);
}

TdTask *
td_task_list_find_role (GListModel *tasks, TdTaskRole role)
{
  for (guint i = 0; i < g_list_model_get_n_items (tasks); i++)
    {
      g_autoptr(TdTask) task = g_list_model_get_item (tasks, i);
      if (task->role == role)
        return task;   /* the list keeps it alive */
    }
  return NULL;
}

TdTask *
td_task_list_find_action (GListModel *tasks, TdTaskAction action)
{
  for (guint i = 0; i < g_list_model_get_n_items (tasks); i++)
    {
      g_autoptr(TdTask) task = g_list_model_get_item (tasks, i);
      if (task->action == action)
        return task;
    }
  return NULL;
}
