/* td-status-icon.c */
#define G_LOG_DOMAIN "td-status-icon"

#include <glib/gi18n.h>

#include "td-status-icon.h"

struct _TdStatusIcon
{
  AdwBin         parent_instance;
  GtkStack      *stack;
  GtkImage      *idle;
  GtkSpinner    *spinner;
  GtkImage      *state;
  TdCheckStatus  status;
};

G_DEFINE_FINAL_TYPE (TdStatusIcon, td_status_icon, ADW_TYPE_BIN)

static void
td_status_icon_class_init (TdStatusIconClass *klass)
{
}

static void
td_status_icon_init (TdStatusIcon *self)
{
  self->stack = GTK_STACK (gtk_stack_new ());
  self->idle = GTK_IMAGE (gtk_image_new ());
  self->spinner = GTK_SPINNER (gtk_spinner_new ());
  self->state = GTK_IMAGE (gtk_image_new ());
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->idle), "idle");
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->spinner), "running");
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->state), "state");
  gtk_widget_set_valign (GTK_WIDGET (self), GTK_ALIGN_CENTER);
  adw_bin_set_child (ADW_BIN (self), GTK_WIDGET (self->stack));
}

GtkWidget *
td_status_icon_new (const char *idle_icon_name, const char *idle_description)
{
  TdStatusIcon *self = g_object_new (TD_TYPE_STATUS_ICON, NULL);

  gtk_image_set_from_icon_name (self->idle, idle_icon_name);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->idle), idle_description);
  td_status_icon_set_status (self, TD_CHECK_STATUS_UNKNOWN);
  return GTK_WIDGET (self);
}

void
td_status_icon_set_status (TdStatusIcon *self, TdCheckStatus status)
{
  GtkWidget *state;
  const char *words = NULL;

  g_return_if_fail (TD_IS_STATUS_ICON (self));

  self->status = status;
  state = GTK_WIDGET (self->state);
  gtk_spinner_set_spinning (self->spinner, status == TD_CHECK_STATUS_RUNNING);
  gtk_widget_remove_css_class (state, "success");
  gtk_widget_remove_css_class (state, "warning");
  gtk_widget_remove_css_class (state, "error");
  switch (status)
    {
    case TD_CHECK_STATUS_UNKNOWN:
      gtk_stack_set_visible_child_name (self->stack, "idle");
      words = gtk_widget_get_tooltip_text (GTK_WIDGET (self->idle));
      break;
    case TD_CHECK_STATUS_RUNNING:
      gtk_stack_set_visible_child_name (self->stack, "running");
      words = _("running");
      break;
    case TD_CHECK_STATUS_OK:
    case TD_CHECK_STATUS_WARNING:
    case TD_CHECK_STATUS_FAILED:
    default:
      gtk_image_set_from_icon_name (self->state, td_check_status_icon_name (status));
      gtk_widget_add_css_class (state, status == TD_CHECK_STATUS_OK ? "success"
                                       : status == TD_CHECK_STATUS_WARNING ? "warning" : "error");
      gtk_stack_set_visible_child_name (self->stack, "state");
      words = status == TD_CHECK_STATUS_OK ? _("done")
              : status == TD_CHECK_STATUS_WARNING ? _("needs attention") : _("failed");
      break;
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, words ? words : "", -1);
}

TdCheckStatus
td_status_icon_get_status (TdStatusIcon *self)
{
  g_return_val_if_fail (TD_IS_STATUS_ICON (self), TD_CHECK_STATUS_UNKNOWN);
  return self->status;
}
