/* td-wizard-page.c */
#define G_LOG_DOMAIN "td-wizard-page"

#include <string.h>

#include "td-wizard-page.h"

typedef struct
{
  gboolean  complete;
  char     *title;
  TdPhase  *phase;
  TdDeployment *deployment;
  TdPreflight  *preflight;
  GHashTable   *action_groups;   /* prefix ("phase") → GSimpleActionGroup, for td_wizard_page_add_action () */
} TdWizardPagePrivate;

G_DEFINE_TYPE_WITH_PRIVATE (TdWizardPage, td_wizard_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_COMPLETE,
  PROP_TITLE,
  PROP_PHASE,
  PROP_DEPLOYMENT,
  PROP_PREFLIGHT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
td_wizard_page_real_apply_async (TdWizardPage *self, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, td_wizard_page_real_apply_async);
  g_task_return_boolean (task, TRUE);
}

static gboolean
td_wizard_page_real_apply_finish (TdWizardPage *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
td_wizard_page_finalize (GObject *object)
{
  TdWizardPagePrivate *priv = td_wizard_page_get_instance_private (TD_WIZARD_PAGE (object));

  g_free (priv->title);
  g_clear_object (&priv->phase);
  g_clear_object (&priv->deployment);
  g_clear_object (&priv->preflight);
  g_clear_pointer (&priv->action_groups, g_hash_table_unref);
  G_OBJECT_CLASS (td_wizard_page_parent_class)->finalize (object);
}

static void
td_wizard_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TdWizardPagePrivate *priv = td_wizard_page_get_instance_private (TD_WIZARD_PAGE (object));

  switch (prop_id)
    {
    case PROP_COMPLETE:
      g_value_set_boolean (value, priv->complete);
      break;
    case PROP_TITLE:
      g_value_set_string (value, priv->title);
      break;
    case PROP_PHASE:
      g_value_set_object (value, priv->phase);
      break;
    case PROP_DEPLOYMENT:
      g_value_set_object (value, priv->deployment);
      break;
    case PROP_PREFLIGHT:
      g_value_set_object (value, priv->preflight);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_wizard_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  TdWizardPage *self = TD_WIZARD_PAGE (object);
  TdWizardPagePrivate *priv = td_wizard_page_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_COMPLETE:
      td_wizard_page_set_complete (self, g_value_get_boolean (value));
      break;
    case PROP_TITLE:
      td_wizard_page_set_title (self, g_value_get_string (value));
      break;
    case PROP_PHASE:
      priv->phase = g_value_dup_object (value);
      break;
    case PROP_DEPLOYMENT:
      td_wizard_page_set_deployment (self, g_value_get_object (value));
      break;
    case PROP_PREFLIGHT:
      td_wizard_page_set_preflight (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_wizard_page_class_init (TdWizardPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = td_wizard_page_finalize;
  object_class->get_property = td_wizard_page_get_property;
  object_class->set_property = td_wizard_page_set_property;
  klass->apply_async = td_wizard_page_real_apply_async;
  klass->apply_finish = td_wizard_page_real_apply_finish;

  properties[PROP_COMPLETE] =
    g_param_spec_boolean ("complete", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PHASE] =
    g_param_spec_object ("phase", NULL, NULL, TD_TYPE_PHASE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DEPLOYMENT] =
    g_param_spec_object ("deployment", NULL, NULL, TD_TYPE_DEPLOYMENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Set during construction, so a page's constructed () sees the one given to g_object_new (). */
  properties[PROP_PREFLIGHT] =
    g_param_spec_object ("preflight", NULL, NULL, TD_TYPE_PREFLIGHT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
td_wizard_page_init (TdWizardPage *self)
{
}

gboolean
td_wizard_page_get_complete (TdWizardPage *self)
{
  TdWizardPagePrivate *priv = td_wizard_page_get_instance_private (self);

  g_return_val_if_fail (TD_IS_WIZARD_PAGE (self), FALSE);
  return priv->complete;
}

void
td_wizard_page_set_complete (TdWizardPage *self, gboolean complete)
{
  TdWizardPagePrivate *priv = td_wizard_page_get_instance_private (self);

  g_return_if_fail (TD_IS_WIZARD_PAGE (self));
  complete = !!complete;
  if (priv->complete == complete)
    return;
  priv->complete = complete;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETE]);
}

const char *
td_wizard_page_get_title (TdWizardPage *self)
{
  TdWizardPagePrivate *priv = td_wizard_page_get_instance_private (self);

  g_return_val_if_fail (TD_IS_WIZARD_PAGE (self), NULL);
  return priv->title;
}

void
td_wizard_page_set_title (TdWizardPage *self, const char *title)
{
  TdWizardPagePrivate *priv = td_wizard_page_get_instance_private (self);

  g_return_if_fail (TD_IS_WIZARD_PAGE (self));
  if (g_strcmp0 (priv->title, title) == 0)
    return;
  g_free (priv->title);
  priv->title = g_strdup (title);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

TdPhase *
td_wizard_page_get_phase (TdWizardPage *self)
{
  TdWizardPagePrivate *priv = td_wizard_page_get_instance_private (self);

  g_return_val_if_fail (TD_IS_WIZARD_PAGE (self), NULL);
  return priv->phase;
}

TdDeployment *
td_wizard_page_get_deployment (TdWizardPage *self)
{
  TdWizardPagePrivate *priv = td_wizard_page_get_instance_private (self);

  g_return_val_if_fail (TD_IS_WIZARD_PAGE (self), NULL);
  return priv->deployment;
}

void
td_wizard_page_set_deployment (TdWizardPage *self, TdDeployment *deployment)
{
  TdWizardPagePrivate *priv = td_wizard_page_get_instance_private (self);

  g_return_if_fail (TD_IS_WIZARD_PAGE (self));
  if (g_set_object (&priv->deployment, deployment))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEPLOYMENT]);
}

TdPreflight *
td_wizard_page_get_preflight (TdWizardPage *self)
{
  TdWizardPagePrivate *priv = td_wizard_page_get_instance_private (self);

  g_return_val_if_fail (TD_IS_WIZARD_PAGE (self), NULL);
  return priv->preflight;
}

void
td_wizard_page_set_preflight (TdWizardPage *self, TdPreflight *preflight)
{
  TdWizardPagePrivate *priv = td_wizard_page_get_instance_private (self);

  g_return_if_fail (TD_IS_WIZARD_PAGE (self));
  g_return_if_fail (preflight == NULL || TD_IS_PREFLIGHT (preflight));
  if (g_set_object (&priv->preflight, preflight))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PREFLIGHT]);
}

GSimpleAction *
td_wizard_page_add_action (TdWizardPage *self, const char *name, GCallback activate, gpointer owner)
{
  TdWizardPagePrivate *priv = td_wizard_page_get_instance_private (self);
  const char *dot = strchr (name, '.');
  g_autofree char *prefix = NULL;
  g_autoptr(GSimpleAction) action = NULL;
  GSimpleActionGroup *group;

  g_return_val_if_fail (TD_IS_WIZARD_PAGE (self), NULL);
  g_return_val_if_fail (dot != NULL, NULL);
  prefix = g_strndup (name, dot - name);
  if (priv->action_groups == NULL)
    priv->action_groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  group = g_hash_table_lookup (priv->action_groups, prefix);
  if (group == NULL)
    {
      /* The class's own actions with the same prefix are found first; the group holds the rest. */
      group = g_simple_action_group_new ();
      gtk_widget_insert_action_group (GTK_WIDGET (self), prefix, G_ACTION_GROUP (group));
      g_hash_table_insert (priv->action_groups, g_steal_pointer (&prefix), group);
    }
  action = g_simple_action_new (dot + 1, NULL);
  g_simple_action_set_enabled (action, FALSE);
  g_signal_connect_object (action, "activate", activate, owner, G_CONNECT_SWAPPED);
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (action));
  return action;
}

void
td_wizard_page_apply_async (TdWizardPage *self, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TD_IS_WIZARD_PAGE (self));
  TD_WIZARD_PAGE_GET_CLASS (self)->apply_async (self, cancellable, callback, user_data);
}

gboolean
td_wizard_page_apply_finish (TdWizardPage *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (TD_IS_WIZARD_PAGE (self), FALSE);
  return TD_WIZARD_PAGE_GET_CLASS (self)->apply_finish (self, result, error);
}

void
td_wizard_page_shown (TdWizardPage *self)
{
  g_return_if_fail (TD_IS_WIZARD_PAGE (self));
  if (TD_WIZARD_PAGE_GET_CLASS (self)->shown != NULL)
    TD_WIZARD_PAGE_GET_CLASS (self)->shown (self);
}
