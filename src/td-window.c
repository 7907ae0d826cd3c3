/* td-window.c: the wizard window (placeholder; the pages come next) */
#define G_LOG_DOMAIN "td-window"

#include <glib/gi18n.h>

#include "td-window.h"

struct _TdWindow
{
  AdwApplicationWindow parent_instance;
  GFile *project_dir;
};

G_DEFINE_FINAL_TYPE (TdWindow, td_window, ADW_TYPE_APPLICATION_WINDOW)

static void
td_window_dispose (GObject *object)
{
  TdWindow *self = TD_WINDOW (object);

  g_clear_object (&self->project_dir);
  G_OBJECT_CLASS (td_window_parent_class)->dispose (object);
}

static void
td_window_class_init (TdWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = td_window_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/tododeploy/TodoDeploy/td-window.ui");
}

static void
td_window_init (TdWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

TdWindow *
td_window_new (TdApplication *application)
{
  return g_object_new (TD_TYPE_WINDOW, "application", application, NULL);
}

void
td_window_open_project (TdWindow *self, GFile *project_dir)
{
  g_set_object (&self->project_dir, project_dir);
}
