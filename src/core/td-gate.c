/* td-gate.c: a phase's checkpoint and the checks that decide it */
#define G_LOG_DOMAIN "td-gate"

#include "td-gate.h"
#include "td-plan-private.h"

struct _TdGate
{
  GObject     parent_instance;

  GBytes     *document;     /* keeps the YAML tree alive */
  const char *checkpoint;
  GPtrArray  *checks;       /* borrowed const TdYamlNode *, each a mapping with "check" */
};

G_DEFINE_FINAL_TYPE (TdGate, td_gate, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CHECKPOINT,
  PROP_N_CHECKS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The check kinds the wizard implements, and the parameters each one cannot do without. */
static const struct {
  const char *kind;
  const char *required[4];
} check_kinds[] = {
  { "files-exist",     { "paths" } },
  { "files-exactly",   { "directory", "names" } },
  { "minikube-status", { "components" } },
  { "docker-ps",       { "name_prefix" } },
  { "image-size",      { "image" } },
  { "helm-lint",       { "chart" } },
  { "helm-status",     { "release", "status" } },
  { "pods-ready",      { "selector", "count", "timeout_seconds" } },
  { "audit-entries",   { "file", "counts" } },
  { "url-responds",    { "service" } },
};

static void
td_gate_finalize (GObject *object)
{
  TdGate *self = TD_GATE (object);

  g_clear_pointer (&self->checks, g_ptr_array_unref);
  g_clear_pointer (&self->document, g_bytes_unref);
  G_OBJECT_CLASS (td_gate_parent_class)->finalize (object);
}

static void
td_gate_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TdGate *self = TD_GATE (object);

  switch (prop_id)
    {
    case PROP_CHECKPOINT:
      g_value_set_string (value, self->checkpoint);
      break;
    case PROP_N_CHECKS:
      g_value_set_uint (value, self->checks->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_gate_class_init (TdGateClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = td_gate_finalize;
  object_class->get_property = td_gate_get_property;

  properties[PROP_CHECKPOINT] =
    g_param_spec_string ("checkpoint", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_CHECKS] =
    g_param_spec_uint ("n-checks", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
td_gate_init (TdGate *self)
{
  self->checks = g_ptr_array_new ();
}

static gboolean
read_check (TdGate *self, const TdYamlNode *check, GError **error)
{
  const TdYamlNode *kind_node = td_yaml_mapping_get (check, "check");
  const char *kind = td_yaml_scalar (kind_node);

  if (check->kind != TD_YAML_MAPPING)
    return td_yaml_set_error (check, error, "a gate check must be a mapping with a “check:” kind");
  if (kind_node == NULL)
    return td_yaml_set_error (check, error, "this gate check has no “check:” naming its kind");

  for (guint i = 0; i < G_N_ELEMENTS (check_kinds); i++)
    {
      if (g_strcmp0 (check_kinds[i].kind, kind) != 0)
        continue;
      for (guint p = 0; p < G_N_ELEMENTS (check_kinds[i].required) && check_kinds[i].required[p]; p++)
        if (td_yaml_mapping_get (check, check_kinds[i].required[p]) == NULL)
          return td_yaml_set_error (check, error, "the %s check needs “%s”",
                                    kind, check_kinds[i].required[p]);
      g_ptr_array_add (self->checks, (gpointer) check);
      return TRUE;
    }

  return td_yaml_set_error (kind_node, error,
                            "unknown gate check kind “%s” (known kinds: files-exist, "
                            "files-exactly, minikube-status, docker-ps, image-size, helm-lint, "
                            "helm-status, pods-ready, audit-entries, url-responds)",
                            kind ? kind : "");
}

TdGate *
td_gate_new_from_yaml (GBytes *document, const TdYamlNode *node, GError **error)
{
  static const char * const known[] = { "checkpoint", "checks", NULL };
  g_autoptr(TdGate) self = NULL;
  const TdYamlNode *checks;

  if (!td_plan_check_mapping (node, "gate", known, known, error))
    return NULL;

  self = g_object_new (TD_TYPE_GATE, NULL);
  self->document = g_bytes_ref (document);
  if (!td_plan_get_text (node, "checkpoint", &self->checkpoint, error))
    return NULL;
  if (self->checkpoint == NULL)
    {
      td_yaml_set_error (td_yaml_mapping_get (node, "checkpoint"), error,
                         "a gate's checkpoint must not be empty");
      return NULL;
    }

  checks = td_yaml_mapping_get (node, "checks");
  if (checks->kind != TD_YAML_SEQUENCE)
    {
      td_yaml_set_error (checks, error, "“checks” must be a list of checks");
      return NULL;
    }
  for (guint i = 0; i < td_yaml_n_children (checks); i++)
    if (!read_check (self, td_yaml_child (checks, i), error))
      return NULL;

  return g_steal_pointer (&self);
}

const char *
td_gate_get_checkpoint (TdGate *self)
{
  g_return_val_if_fail (TD_IS_GATE (self), NULL);
  return self->checkpoint;
}

guint
td_gate_get_n_checks (TdGate *self)
{
  g_return_val_if_fail (TD_IS_GATE (self), 0);
  return self->checks->len;
}

const TdYamlNode *
td_gate_get_check (TdGate *self, guint index)
{
  g_return_val_if_fail (TD_IS_GATE (self), NULL);
  g_return_val_if_fail (index < self->checks->len, NULL);
  return self->checks->pdata[index];
}

const char *
td_gate_get_check_kind (TdGate *self, guint index)
{
  return td_yaml_mapping_get_string (td_gate_get_check (self, index), "check");
}
