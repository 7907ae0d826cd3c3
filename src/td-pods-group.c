/* td-pods-group.c */
#define G_LOG_DOMAIN "td-pods-group"

#include <glib/gi18n.h>

#include "td-pod-table.h"
#include "td-pods-group.h"

struct _TdPodsGroup
{
  AdwPreferencesGroup  parent_instance;

  TdWizardPage        *page;   /* the group's ancestor */
  TdPodTable          *table;
  TdPodMonitor        *monitor;
  GCancellable        *connect_cancellable;
};

G_DEFINE_FINAL_TYPE (TdPodsGroup, td_pods_group, ADW_TYPE_PREFERENCES_GROUP)

static void
stop_monitor (TdPodsGroup *self)
{
  g_cancellable_cancel (self->connect_cancellable);
  g_clear_object (&self->connect_cancellable);
  if (self->monitor != NULL)
    td_pod_monitor_stop (self->monitor);
  if (self->table != NULL)
    td_pod_table_set_monitor (self->table, NULL);
  g_clear_object (&self->monitor);
}

static void
connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TdPodsGroup) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *context_namespace = NULL;
  g_autoptr(TdKubeClient) client = td_deployment_connect_finish (TD_DEPLOYMENT (source), result,
                                                                  &context_namespace, &error);
  TdPlan *plan = td_deployment_get_plan (TD_DEPLOYMENT (source));
  const char *namespace_ = td_yaml_mapping_get_string (td_plan_get_settings (plan), "namespace");
  const char *selector = td_yaml_mapping_get_string (td_plan_get_settings (plan), "pod_selector");

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->table == NULL)
    return;
  if (client == NULL)
    {
      td_pod_table_show_error (self->table, error->message);
      return;
    }
  self->monitor = td_pod_monitor_new (client, namespace_ ? namespace_ : context_namespace, selector);
  td_pod_monitor_set_diagnosis_rules (self->monitor, td_plan_get_diagnosis_rules (plan));
  td_pod_table_set_monitor (self->table, self->monitor);
  td_pod_monitor_start (self->monitor);
}

void
td_pods_group_start (TdPodsGroup *self)
{
  TdDeployment *deployment;

  g_return_if_fail (TD_IS_PODS_GROUP (self));
  deployment = td_wizard_page_get_deployment (self->page);
  if (deployment == NULL || self->monitor != NULL || self->connect_cancellable != NULL)
    return;
  self->connect_cancellable = g_cancellable_new ();
  td_deployment_connect_async (deployment, self->connect_cancellable, connected, g_object_ref (self));
}

TdPodMonitor *
td_pods_group_get_monitor (TdPodsGroup *self)
{
  g_return_val_if_fail (TD_IS_PODS_GROUP (self), NULL);
  return self->monitor;
}

static void
td_pods_group_dispose (GObject *object)
{
  TdPodsGroup *self = TD_PODS_GROUP (object);

  stop_monitor (self);
  self->table = NULL;
  G_OBJECT_CLASS (td_pods_group_parent_class)->dispose (object);
}

static void
td_pods_group_class_init (TdPodsGroupClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = td_pods_group_dispose;
}

static void
td_pods_group_init (TdPodsGroup *self)
{
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), _("Pods"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self),
                                         _("Live from the cluster's API, as kubectl get pods prints them."));
  self->table = TD_POD_TABLE (td_pod_table_new ());
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), GTK_WIDGET (self->table));
}

GtkWidget *
td_pods_group_new (TdWizardPage *page)
{
  TdPodsGroup *self = g_object_new (TD_TYPE_PODS_GROUP, NULL);

  self->page = page;
  /* A new project (or none) stops watching the old cluster; so does closing the page. */
  g_signal_connect_object (page, "notify::deployment", G_CALLBACK (stop_monitor), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (page, "destroy", G_CALLBACK (stop_monitor), self, G_CONNECT_SWAPPED);
  return GTK_WIDGET (self);
}
