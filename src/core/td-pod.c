/* td-pod.c: a pod's JSON and its kubectl columns as notifying properties */
#define G_LOG_DOMAIN "td-pod"

#include "td-pod.h"

#include "td-k8s-json.h"
#include "td-pod-health.h"

struct _TdPod
{
  GObject parent_instance;

  JsonObject *object;
  JsonArray *events;
  char *name;
  char *namespace_;
  char *resource_version;
  char *ready;
  char *status;
  char *restarts;
  char *age;
  gboolean is_ready;
  TdPodDiagnosis *diagnosis;
  char *diagnosis_text;
  TdPodDiagnosisRules *rules;
};

G_DEFINE_FINAL_TYPE (TdPod, td_pod, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_OBJECT,
  PROP_NAME,
  PROP_NAMESPACE,
  PROP_RESOURCE_VERSION,
  PROP_READY,
  PROP_STATUS,
  PROP_RESTARTS,
  PROP_AGE,
  PROP_IS_READY,
  PROP_DIAGNOSIS,
  PROP_DIAGNOSIS_REASON,
  PROP_DIAGNOSIS_MESSAGE,
  PROP_DIAGNOSIS_HINT,
  PROP_DIAGNOSIS_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
td_pod_finalize (GObject *object)
{
  TdPod *self = TD_POD (object);

  g_clear_pointer (&self->object, json_object_unref);
  g_clear_pointer (&self->events, json_array_unref);
  g_free (self->name);
  g_free (self->namespace_);
  g_free (self->resource_version);
  g_free (self->ready);
  g_free (self->status);
  g_free (self->restarts);
  g_free (self->age);
  g_clear_pointer (&self->diagnosis, td_pod_diagnosis_free);
  g_clear_pointer (&self->rules, td_pod_diagnosis_rules_unref);
  g_free (self->diagnosis_text);

  G_OBJECT_CLASS (td_pod_parent_class)->finalize (object);
}

static void
td_pod_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TdPod *self = TD_POD (object);

  switch (prop_id)
    {
    case PROP_OBJECT:
      g_value_set_boxed (value, self->object);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_NAMESPACE:
      g_value_set_string (value, self->namespace_);
      break;
    case PROP_RESOURCE_VERSION:
      g_value_set_string (value, self->resource_version);
      break;
    case PROP_READY:
      g_value_set_string (value, self->ready);
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    case PROP_RESTARTS:
      g_value_set_string (value, self->restarts);
      break;
    case PROP_AGE:
      g_value_set_string (value, self->age);
      break;
    case PROP_IS_READY:
      g_value_set_boolean (value, self->is_ready);
      break;
    case PROP_DIAGNOSIS:
      g_value_set_boxed (value, self->diagnosis);
      break;
    case PROP_DIAGNOSIS_REASON:
      g_value_set_string (value, self->diagnosis != NULL ? self->diagnosis->reason : NULL);
      break;
    case PROP_DIAGNOSIS_MESSAGE:
      g_value_set_string (value, self->diagnosis != NULL ? self->diagnosis->message : NULL);
      break;
    case PROP_DIAGNOSIS_HINT:
      g_value_set_string (value, self->diagnosis != NULL ? self->diagnosis->hint : NULL);
      break;
    case PROP_DIAGNOSIS_TEXT:
      g_value_set_string (value, self->diagnosis_text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
string_property (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
}

static void
td_pod_class_init (TdPodClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = td_pod_finalize;
  object_class->get_property = td_pod_get_property;

  properties[PROP_OBJECT] =
    g_param_spec_boxed ("object", NULL, NULL, JSON_TYPE_OBJECT,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_NAME] = string_property ("name");
  properties[PROP_NAMESPACE] = string_property ("namespace");
  properties[PROP_RESOURCE_VERSION] = string_property ("resource-version");
  properties[PROP_READY] = string_property ("ready");
  properties[PROP_STATUS] = string_property ("status");
  properties[PROP_RESTARTS] = string_property ("restarts");
  properties[PROP_AGE] = string_property ("age");
  properties[PROP_IS_READY] =
    g_param_spec_boolean ("is-ready", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_DIAGNOSIS] =
    g_param_spec_boxed ("diagnosis", NULL, NULL, TD_TYPE_POD_DIAGNOSIS,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_DIAGNOSIS_REASON] = string_property ("diagnosis-reason");
  properties[PROP_DIAGNOSIS_MESSAGE] = string_property ("diagnosis-message");
  properties[PROP_DIAGNOSIS_HINT] = string_property ("diagnosis-hint");
  properties[PROP_DIAGNOSIS_TEXT] = string_property ("diagnosis-text");

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
td_pod_init (TdPod *self)
{
}

/* Takes @value; notifies @prop when it differs from *@field. */
static void
set_string (TdPod *self, char **field, char *value, guint prop)
{
  if (g_strcmp0 (*field, value) == 0)
    {
      g_free (value);
      return;
    }
  g_free (*field);
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static gboolean
diagnosis_equal (const TdPodDiagnosis *a, const TdPodDiagnosis *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_strcmp0 (a->reason, b->reason) == 0 && g_strcmp0 (a->message, b->message) == 0 &&
         g_strcmp0 (a->hint, b->hint) == 0 && g_strcmp0 (a->phase_id, b->phase_id) == 0 &&
         g_strcmp0 (a->container, b->container) == 0 && a->needs_action == b->needs_action;
}

static void
update_diagnosis (TdPod *self)
{
  g_autoptr(TdPodDiagnosis) diagnosis = td_pod_diagnose (self->object, self->events, self->rules);
  g_autoptr(TdPodDiagnosis) old = NULL;

  if (diagnosis_equal (diagnosis, self->diagnosis))
    return;
  old = g_steal_pointer (&self->diagnosis);
  self->diagnosis = g_steal_pointer (&diagnosis);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIAGNOSIS]);
  if (old == NULL || self->diagnosis == NULL || g_strcmp0 (old->reason, self->diagnosis->reason) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIAGNOSIS_REASON]);
  if (old == NULL || self->diagnosis == NULL || g_strcmp0 (old->message, self->diagnosis->message) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIAGNOSIS_MESSAGE]);
  if (old == NULL || self->diagnosis == NULL || g_strcmp0 (old->hint, self->diagnosis->hint) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIAGNOSIS_HINT]);
  set_string (self, &self->diagnosis_text,
              self->diagnosis != NULL ? g_strdup_printf ("%s: %s", self->diagnosis->reason, self->diagnosis->hint)
                                      : NULL,
              PROP_DIAGNOSIS_TEXT);
}

static void
recompute (TdPod *self, gint64 now)
{
  g_autoptr(TdPodRow) row = td_pod_row_new (self->object, now);
  JsonObject *metadata = td_json_get_object (self->object, "metadata");

  g_object_freeze_notify (G_OBJECT (self));
  set_string (self, &self->name, g_strdup (row->name), PROP_NAME);
  set_string (self, &self->namespace_, g_strdup (row->namespace), PROP_NAMESPACE);
  set_string (self, &self->resource_version, g_strdup (td_json_get_string (metadata, "resourceVersion")),
              PROP_RESOURCE_VERSION);
  set_string (self, &self->ready, g_steal_pointer (&row->ready), PROP_READY);
  set_string (self, &self->status, g_steal_pointer (&row->status), PROP_STATUS);
  set_string (self, &self->restarts, g_steal_pointer (&row->restarts), PROP_RESTARTS);
  set_string (self, &self->age, g_steal_pointer (&row->age), PROP_AGE);
  if (self->is_ready != row->is_ready)
    {
      self->is_ready = row->is_ready;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_READY]);
    }
  update_diagnosis (self);
  g_object_thaw_notify (G_OBJECT (self));
}

TdPod *
td_pod_new (JsonObject *object,
            gint64      now)
{
  TdPod *self;

  g_return_val_if_fail (object != NULL, NULL);

  self = g_object_new (TD_TYPE_POD, NULL);
  self->object = json_object_ref (object);
  recompute (self, now);
  return self;
}

void
td_pod_update (TdPod      *self,
               JsonObject *object,
               gint64      now)
{
  g_return_if_fail (TD_IS_POD (self));
  g_return_if_fail (object != NULL);

  if (object == self->object)
    return;
  g_object_freeze_notify (G_OBJECT (self));
  json_object_unref (self->object);
  self->object = json_object_ref (object);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OBJECT]);
  recompute (self, now);
  g_object_thaw_notify (G_OBJECT (self));
}

void
td_pod_refresh (TdPod  *self,
                gint64  now)
{
  g_return_if_fail (TD_IS_POD (self));
  recompute (self, now);
}

void
td_pod_set_diagnosis_rules (TdPod *self, TdPodDiagnosisRules *rules)
{
  g_return_if_fail (TD_IS_POD (self));

  if (rules == self->rules)
    return;
  g_clear_pointer (&self->rules, td_pod_diagnosis_rules_unref);
  self->rules = rules != NULL ? td_pod_diagnosis_rules_ref (rules) : NULL;
  update_diagnosis (self);
}

void
td_pod_set_events (TdPod     *self,
                   JsonArray *events)
{
  g_return_if_fail (TD_IS_POD (self));

  g_clear_pointer (&self->events, json_array_unref);
  self->events = events != NULL ? json_array_ref (events) : NULL;
  update_diagnosis (self);
}

JsonObject *
td_pod_get_object (TdPod *self)
{
  g_return_val_if_fail (TD_IS_POD (self), NULL);
  return self->object;
}

const char *
td_pod_get_name (TdPod *self)
{
  g_return_val_if_fail (TD_IS_POD (self), NULL);
  return self->name;
}

const char *
td_pod_get_namespace (TdPod *self)
{
  g_return_val_if_fail (TD_IS_POD (self), NULL);
  return self->namespace_;
}

const char *
td_pod_get_resource_version (TdPod *self)
{
  g_return_val_if_fail (TD_IS_POD (self), NULL);
  return self->resource_version;
}

const char *
td_pod_get_ready (TdPod *self)
{
  g_return_val_if_fail (TD_IS_POD (self), NULL);
  return self->ready;
}

const char *
td_pod_get_status (TdPod *self)
{
  g_return_val_if_fail (TD_IS_POD (self), NULL);
  return self->status;
}

const char *
td_pod_get_restarts (TdPod *self)
{
  g_return_val_if_fail (TD_IS_POD (self), NULL);
  return self->restarts;
}

const char *
td_pod_get_age (TdPod *self)
{
  g_return_val_if_fail (TD_IS_POD (self), NULL);
  return self->age;
}

gboolean
td_pod_get_is_ready (TdPod *self)
{
  g_return_val_if_fail (TD_IS_POD (self), FALSE);
  return self->is_ready;
}

const TdPodDiagnosis *
td_pod_get_diagnosis (TdPod *self)
{
  g_return_val_if_fail (TD_IS_POD (self), NULL);
  return self->diagnosis;
}

const char *
td_pod_get_diagnosis_text (TdPod *self)
{
  g_return_val_if_fail (TD_IS_POD (self), NULL);
  return self->diagnosis_text;
}

gboolean
td_pod_wants_events (TdPod *self)
{
  g_return_val_if_fail (TD_IS_POD (self), FALSE);

  if (self->is_ready)
    return FALSE;
  return g_strcmp0 (self->status, "Running") == 0 || g_strcmp0 (self->status, "ContainerCreating") == 0;
}
