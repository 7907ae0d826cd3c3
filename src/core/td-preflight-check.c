/* td-preflight-check.c: one row of the preflight: what was checked, what was found, the fix */
#define G_LOG_DOMAIN "td-preflight-check"

#include "td-core-enums.h"
#include "td-preflight-check.h"

struct _TdPreflightCheck {
  GObject        parent_instance;

  char          *id;
  char          *title;
  TdCheckGroup   group;
  gboolean       required;
  TdCheckStatus  status;
  char          *version;
  char          *detail;
  char          *fix;
};

enum {
  PROP_0,
  PROP_ID,
  PROP_TITLE,
  PROP_GROUP,
  PROP_REQUIRED,
  PROP_STATUS,
  PROP_VERSION,
  PROP_DETAIL,
  PROP_FIX,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (TdPreflightCheck, td_preflight_check, G_TYPE_OBJECT)

static void
td_preflight_check_finalize (GObject *object)
{
  TdPreflightCheck *self = TD_PREFLIGHT_CHECK (object);

  g_free (self->id);
  g_free (self->title);
  g_free (self->version);
  g_free (self->detail);
  g_free (self->fix);

  G_OBJECT_CLASS (td_preflight_check_parent_class)->finalize (object);
}

static void
td_preflight_check_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  TdPreflightCheck *self = TD_PREFLIGHT_CHECK (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_GROUP:
      g_value_set_enum (value, self->group);
      break;
    case PROP_REQUIRED:
      g_value_set_boolean (value, self->required);
      break;
    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;
    case PROP_VERSION:
      g_value_set_string (value, self->version);
      break;
    case PROP_DETAIL:
      g_value_set_string (value, self->detail);
      break;
    case PROP_FIX:
      g_value_set_string (value, self->fix);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_preflight_check_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  TdPreflightCheck *self = TD_PREFLIGHT_CHECK (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;
    case PROP_TITLE:
      self->title = g_value_dup_string (value);
      break;
    case PROP_GROUP:
      self->group = g_value_get_enum (value);
      break;
    case PROP_REQUIRED:
      self->required = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_preflight_check_class_init (TdPreflightCheckClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;
  const GParamFlags result = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = td_preflight_check_finalize;
  object_class->get_property = td_preflight_check_get_property;
  object_class->set_property = td_preflight_check_set_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, construct);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, construct);
  properties[PROP_GROUP] = g_param_spec_enum ("group", NULL, NULL, TD_TYPE_CHECK_GROUP,
                                              TD_CHECK_GROUP_TOOL, construct);
  properties[PROP_REQUIRED] = g_param_spec_boolean ("required", NULL, NULL, TRUE, construct);
  properties[PROP_STATUS] = g_param_spec_enum ("status", NULL, NULL, TD_TYPE_CHECK_STATUS,
                                               TD_CHECK_STATUS_UNKNOWN, result);
  properties[PROP_VERSION] = g_param_spec_string ("version", NULL, NULL, NULL, result);
  properties[PROP_DETAIL] = g_param_spec_string ("detail", NULL, NULL, NULL, result);
  properties[PROP_FIX] = g_param_spec_string ("fix", NULL, NULL, NULL, result);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
td_preflight_check_init (TdPreflightCheck *self)
{
}

TdPreflightCheck *
td_preflight_check_new (const char   *id,
                        const char   *title,
                        TdCheckGroup  group,
                        gboolean      required)
{
  return g_object_new (TD_TYPE_PREFLIGHT_CHECK,
                       "id", id, "title", title, "group", group, "required", required,
                       NULL);
}

static void
replace_string (TdPreflightCheck *self,
                char            **field,
                const char       *value,
                guint             prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

void
td_preflight_check_set_result (TdPreflightCheck *self,
                               TdCheckStatus     status,
                               const char       *version,
                               const char       *detail,
                               const char       *fix)
{
  g_return_if_fail (TD_IS_PREFLIGHT_CHECK (self));

  /* Frozen so a row never shows the new status beside the old detail. */
  g_object_freeze_notify (G_OBJECT (self));
  if (self->status != status)
    {
      self->status = status;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
    }
  replace_string (self, &self->version, version, PROP_VERSION);
  replace_string (self, &self->detail, detail, PROP_DETAIL);
  replace_string (self, &self->fix, fix, PROP_FIX);
  g_object_thaw_notify (G_OBJECT (self));
}

const char *
td_preflight_check_get_id (TdPreflightCheck *self)
{
  g_return_val_if_fail (TD_IS_PREFLIGHT_CHECK (self), NULL);
  return self->id;
}

const char *
td_preflight_check_get_title (TdPreflightCheck *self)
{
  g_return_val_if_fail (TD_IS_PREFLIGHT_CHECK (self), NULL);
  return self->title;
}

TdCheckGroup
td_preflight_check_get_group (TdPreflightCheck *self)
{
  g_return_val_if_fail (TD_IS_PREFLIGHT_CHECK (self), TD_CHECK_GROUP_TOOL);
  return self->group;
}

gboolean
td_preflight_check_get_required (TdPreflightCheck *self)
{
  g_return_val_if_fail (TD_IS_PREFLIGHT_CHECK (self), FALSE);
  return self->required;
}

TdCheckStatus
td_preflight_check_get_status (TdPreflightCheck *self)
{
  g_return_val_if_fail (TD_IS_PREFLIGHT_CHECK (self), TD_CHECK_STATUS_UNKNOWN);
  return self->status;
}

const char *
td_preflight_check_get_version (TdPreflightCheck *self)
{
  g_return_val_if_fail (TD_IS_PREFLIGHT_CHECK (self), NULL);
  return self->version;
}

const char *
td_preflight_check_get_detail (TdPreflightCheck *self)
{
  g_return_val_if_fail (TD_IS_PREFLIGHT_CHECK (self), NULL);
  return self->detail;
}

const char *
td_preflight_check_get_fix (TdPreflightCheck *self)
{
  g_return_val_if_fail (TD_IS_PREFLIGHT_CHECK (self), NULL);
  return self->fix;
}

gboolean
td_preflight_check_get_passed (TdPreflightCheck *self)
{
  g_return_val_if_fail (TD_IS_PREFLIGHT_CHECK (self), FALSE);
  return self->status == TD_CHECK_STATUS_OK || self->status == TD_CHECK_STATUS_WARNING;
}

const char *
td_check_status_icon_name (TdCheckStatus status)
{
  switch (status)
    {
    case TD_CHECK_STATUS_RUNNING:
      return "content-loading-symbolic";
    case TD_CHECK_STATUS_OK:
      return "emblem-ok-symbolic";
    case TD_CHECK_STATUS_WARNING:
      return "dialog-warning-symbolic";
    case TD_CHECK_STATUS_FAILED:
      return "dialog-error-symbolic";
    case TD_CHECK_STATUS_UNKNOWN:
    default:
      return "radio-symbolic";
    }
}
