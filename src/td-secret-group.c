/* td-secret-group.c */
#define G_LOG_DOMAIN "td-secret-group"

#include <glib/gi18n.h>

#include "td-secret-group.h"
#include "td-secret-task.h"

struct _TdSecretGroup
{
  AdwPreferencesGroup  parent_instance;

  TdTask              *secret_task;
  GPtrArray           *rows;   /* of AdwPasswordEntryRow, each with its key as "key" */
};

G_DEFINE_FINAL_TYPE (TdSecretGroup, td_secret_group, ADW_TYPE_PREFERENCES_GROUP)

static void
td_secret_group_dispose (GObject *object)
{
  TdSecretGroup *self = TD_SECRET_GROUP (object);

  g_clear_object (&self->secret_task);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  G_OBJECT_CLASS (td_secret_group_parent_class)->dispose (object);
}

static void
td_secret_group_class_init (TdSecretGroupClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = td_secret_group_dispose;
}

static void
td_secret_group_init (TdSecretGroup *self)
{
  self->rows = g_ptr_array_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), _("Secret Values"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self),
                                         _("The project's .env has no value for these keys. Type them in here: "
                                           "they go into the Secret through the Kubernetes API and are never "
                                           "written to disk, to a command line or to a log."));
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
td_secret_group_new (TdTask *secret_task)
{
  TdSecretGroup *self = g_object_new (TD_TYPE_SECRET_GROUP, NULL);

  self->secret_task = g_object_ref (secret_task);
  return GTK_WIDGET (self);
}

void
td_secret_group_refresh (TdSecretGroup *self, TdDeployment *deployment)
{
  g_auto(GStrv) missing = NULL;

  g_return_if_fail (TD_IS_SECRET_GROUP (self));
  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), self->rows->pdata[i]);
  g_ptr_array_set_size (self->rows, 0);
  missing = deployment != NULL ? td_secret_task_missing_keys (deployment, self->secret_task) : NULL;
  for (guint i = 0; missing != NULL && missing[i] != NULL; i++)
    {
      GtkWidget *row = adw_password_entry_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), missing[i]);
      g_object_set_data_full (G_OBJECT (row), "key", g_strdup (missing[i]), g_free);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
      g_ptr_array_add (self->rows, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self), self->rows->len > 0);
}

/* Typed values go to the deployment only when the phase runs: registering every keystroke would
 * teach the audit log's redaction fragments of the secret. */
void
td_secret_group_store (TdSecretGroup *self, TdDeployment *deployment)
{
  g_return_if_fail (TD_IS_SECRET_GROUP (self));
  for (guint i = 0; deployment != NULL && i < self->rows->len; i++)
    {
      GtkEditable *row = self->rows->pdata[i];
      td_deployment_set_entered_secret (deployment, g_object_get_data (G_OBJECT (row), "key"),
                                        gtk_editable_get_text (row));
    }
}
