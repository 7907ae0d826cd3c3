/* td-helm-lock-row.c */
#define G_LOG_DOMAIN "td-helm-lock-row"

#include <glib/gi18n.h>

#include "td-helm-lock.h"
#include "td-helm-lock-row.h"

struct _TdHelmLockRow
{
  AdwActionRow    parent_instance;

  TdWizardPage   *page;            /* the row's ancestor */
  TdHelmRelease  *locked_release;  /* NULL while the row is hidden */
  GCancellable   *cancellable;
};

G_DEFINE_FINAL_TYPE (TdHelmLockRow, td_helm_lock_row, ADW_TYPE_ACTION_ROW)

static void
show_lock (TdHelmLockRow *self, TdHelmRelease *locked)
{
  g_clear_pointer (&self->locked_release, td_helm_release_free);
  self->locked_release = locked;
  gtk_widget_set_visible (GTK_WIDGET (self), locked != NULL);
  if (locked != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self), locked->explanation);
}

static GCancellable *
fresh_cancellable (TdHelmLockRow *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  return self->cancellable;
}

static void
lock_checked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TdHelmLockRow) self = user_data;
  g_autoptr(GError) error = NULL;
  TdHelmRelease *locked = td_helm_lock_check_finish (TD_DEPLOYMENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  show_lock (self, locked);
}

void
td_helm_lock_row_check (TdHelmLockRow *self)
{
  TdDeployment *deployment;
  TdPlan *plan;

  g_return_if_fail (TD_IS_HELM_LOCK_ROW (self));
  deployment = td_wizard_page_get_deployment (self->page);
  if (deployment == NULL)
    return;
  plan = td_deployment_get_plan (deployment);
  td_helm_lock_check_async (deployment, td_yaml_mapping_get_string (td_plan_get_settings (plan), "release"),
                            fresh_cancellable (self), lock_checked, g_object_ref (self));
}

void
td_helm_lock_row_reset (TdHelmLockRow *self)
{
  g_return_if_fail (TD_IS_HELM_LOCK_ROW (self));
  show_lock (self, NULL);
}

static void
lock_cleared (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TdHelmLockRow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!td_helm_lock_clear_finish (TD_DEPLOYMENT (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        adw_action_row_set_subtitle (ADW_ACTION_ROW (self), error->message);
      return;
    }
  show_lock (self, NULL);
}

static void
on_clear_lock_response (AdwMessageDialog *dialog, const char *response, TdHelmLockRow *self)
{
  TdDeployment *deployment = td_wizard_page_get_deployment (self->page);

  if (!g_str_equal (response, "clear") || deployment == NULL || self->locked_release == NULL)
    return;
  td_helm_lock_clear_async (deployment, self->locked_release, fresh_cancellable (self), lock_cleared,
                            g_object_ref (self));
}

static void
clear_lock_activated (TdHelmLockRow *self)
{
  g_autofree char *command = NULL;
  GtkWidget *dialog;

  if (self->locked_release == NULL)
    return;
  command = g_strjoinv (" ", self->locked_release->fix_argv);
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), _("Clear the Helm Lock?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog), _("Todo Deploy will run “%s”. %s"),
                                  command, self->locked_release->explanation);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "clear", _("_Run It"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "clear", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_clear_lock_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* A check or clearing under way ends with the page: there is nothing left to show it in. */
static void
cancel_work (TdHelmLockRow *self)
{
  g_cancellable_cancel (self->cancellable);
}

static void
on_deployment_changed (TdHelmLockRow *self)
{
  cancel_work (self);
  show_lock (self, NULL);
}

static void
td_helm_lock_row_dispose (GObject *object)
{
  TdHelmLockRow *self = TD_HELM_LOCK_ROW (object);

  cancel_work (self);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->locked_release, td_helm_release_free);
  G_OBJECT_CLASS (td_helm_lock_row_parent_class)->dispose (object);
}

static void
td_helm_lock_row_class_init (TdHelmLockRowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = td_helm_lock_row_dispose;
}

static void
td_helm_lock_row_init (TdHelmLockRow *self)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (_("C_lear Lock…"));
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

  gtk_widget_add_css_class (icon, "warning");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "phase.clear-lock");
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), _("The Helm release is locked"));
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (self), 0);
  adw_action_row_add_prefix (ADW_ACTION_ROW (self), icon);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self), button);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
td_helm_lock_row_new (TdWizardPage *page)
{
  TdHelmLockRow *self = g_object_new (TD_TYPE_HELM_LOCK_ROW, NULL);

  self->page = page;
  /* Enabled always, as it was a class action: it does nothing while no lock is shown. */
  g_simple_action_set_enabled (td_wizard_page_add_action (page, "phase.clear-lock", G_CALLBACK (clear_lock_activated), self),
                               TRUE);
  g_signal_connect_object (page, "notify::deployment", G_CALLBACK (on_deployment_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (page, "destroy", G_CALLBACK (cancel_work), self, G_CONNECT_SWAPPED);
  return GTK_WIDGET (self);
}
