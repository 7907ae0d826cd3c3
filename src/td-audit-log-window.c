/* td-audit-log-window.c */
#define G_LOG_DOMAIN "td-audit-log-window"

#include <glib/gi18n.h>

#include "td-audit-log-window.h"

struct _TdAuditLogWindow
{
  AdwWindow       parent_instance;
  TdAuditLog     *log;
  AdwWindowTitle *window_title;
  GtkStack       *stack;
  GtkTextView    *text_view;
  AdwStatusPage  *empty_page;
};

G_DEFINE_FINAL_TYPE (TdAuditLogWindow, td_audit_log_window, ADW_TYPE_WINDOW)

void
td_audit_log_window_reload (TdAuditLogWindow *self)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (TD_IS_AUDIT_LOG_WINDOW (self));
  adw_window_title_set_subtitle (self->window_title, td_audit_log_get_path (self->log));
  if (!g_file_get_contents (td_audit_log_get_path (self->log), &contents, NULL, &error))
    {
      if (g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        adw_status_page_set_description (self->empty_page,
                                         _("The Setup phase creates it. Every agent call and every gate result is recorded there."));
      else
        adw_status_page_set_description (self->empty_page, error->message);
      gtk_stack_set_visible_child (self->stack, GTK_WIDGET (self->empty_page));
      return;
    }
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), contents, -1);
  gtk_stack_set_visible_child_name (self->stack, "log");
}

static void
reload_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  td_audit_log_window_reload (TD_AUDIT_LOG_WINDOW (widget));
}

static void
td_audit_log_window_dispose (GObject *object)
{
  TdAuditLogWindow *self = TD_AUDIT_LOG_WINDOW (object);

  g_clear_object (&self->log);
  G_OBJECT_CLASS (td_audit_log_window_parent_class)->dispose (object);
}

static void
td_audit_log_window_class_init (TdAuditLogWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = td_audit_log_window_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/tododeploy/TodoDeploy/td-audit-log-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TdAuditLogWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, TdAuditLogWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TdAuditLogWindow, text_view);
  gtk_widget_class_bind_template_child (widget_class, TdAuditLogWindow, empty_page);
  gtk_widget_class_install_action (widget_class, "audit.reload", NULL, reload_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "audit.reload", NULL);
}

static void
td_audit_log_window_init (TdAuditLogWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
td_audit_log_window_new (TdAuditLog *log)
{
  TdAuditLogWindow *self = g_object_new (TD_TYPE_AUDIT_LOG_WINDOW, NULL);

  self->log = g_object_ref (log);
  td_audit_log_window_reload (self);
  return GTK_WIDGET (self);
}
