/* widget-test-util.c */
#include "widget-test-util.h"

GtkWidget *
widget_test_find (GtkWidget *root, WidgetTestMatch match, gconstpointer data)
{
  if (match (root, data))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = widget_test_find (child, match, data);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
collect (GtkWidget *widget, WidgetTestMatch match, gconstpointer data, GPtrArray *found)
{
  if (match (widget, data))
    g_ptr_array_add (found, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect (child, match, data, found);
}

GPtrArray *
widget_test_find_all (GtkWidget *root, WidgetTestMatch match, gconstpointer data)
{
  GPtrArray *found = g_ptr_array_new ();

  collect (root, match, data, found);
  return found;
}

static gboolean
is_of_type (GtkWidget *widget, gconstpointer type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
}

GtkWidget *
widget_test_find_by_type (GtkWidget *root, GType type)
{
  return widget_test_find (root, is_of_type, GSIZE_TO_POINTER (type));
}

GPtrArray *
widget_test_find_all_by_type (GtkWidget *root, GType type)
{
  return widget_test_find_all (root, is_of_type, GSIZE_TO_POINTER (type));
}

static gboolean
is_label_with_prefix (GtkWidget *widget, gconstpointer prefix)
{
  return GTK_IS_LABEL (widget) && g_str_has_prefix (gtk_label_get_label (GTK_LABEL (widget)), prefix);
}

GtkLabel *
widget_test_find_label (GtkWidget *root, const char *prefix)
{
  return GTK_LABEL (widget_test_find (root, is_label_with_prefix, prefix));
}

static gboolean
triggers (GtkWidget *widget, gconstpointer action_name)
{
  return GTK_IS_ACTIONABLE (widget) &&
         g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0;
}

GtkWidget *
widget_test_find_actionable (GtkWidget *root, const char *action_name)
{
  return widget_test_find (root, triggers, action_name);
}

static gboolean
is_visible_and_triggers (GtkWidget *widget, gconstpointer action_name)
{
  return gtk_widget_get_visible (widget) && triggers (widget, action_name);
}

GtkWidget *
widget_test_find_visible_actionable (GtkWidget *root, const char *action_name)
{
  return widget_test_find (root, is_visible_and_triggers, action_name);
}

AdwMessageDialog *
widget_test_find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* borrowed */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);
      if (ADW_IS_MESSAGE_DIALOG (window))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

typedef struct {
  GObject    *object;
  const char *name;
  gboolean    value;
} PropertyWait;

static gboolean
property_has_value (gpointer data)
{
  PropertyWait *wait = data;
  gboolean current = FALSE;

  g_object_get (wait->object, wait->name, &current, NULL);
  return !current == !wait->value;
}

void
widget_test_wait_property_at (const char *file, int line, const char *func, GObject *object,
                              const char *name, gboolean value, const char *what)
{
  PropertyWait wait = { object, name, value };

  test_wait_until_at (file, line, func, property_has_value, &wait, WIDGET_TEST_DEADLINE_SECONDS, what);
}
