/* td-sidebar-row.c */
#define G_LOG_DOMAIN "td-sidebar-row"

#include <glib/gi18n.h>

#include "td-sidebar-row.h"

struct _TdSidebarRow
{
  GtkListBoxRow  parent_instance;
  TdPhase       *phase;
  GtkImage      *state_icon;
  GtkLabel      *title_label;
};

G_DEFINE_FINAL_TYPE (TdSidebarRow, td_sidebar_row, GTK_TYPE_LIST_BOX_ROW)

static void
update_state (TdSidebarRow *self)
{
  TdPhaseState state = td_phase_get_state (self->phase);
  g_autofree char *description = NULL;

  gtk_image_set_from_icon_name (self->state_icon, td_phase_state_icon_name (state));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->state_icon), td_phase_state_to_string (state));
  /* A screen reader hears the phase, its number and its state in one go. */
  description = g_strdup_printf (_("Phase %u of 8: %s, %s"), td_phase_get_number (self->phase),
                                 td_phase_get_title (self->phase), td_phase_state_to_string (state));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);
  gtk_widget_remove_css_class (GTK_WIDGET (self->state_icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->state_icon), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->state_icon), "accent");
  if (state == TD_PHASE_STATE_PASSED)
    gtk_widget_add_css_class (GTK_WIDGET (self->state_icon), "success");
  else if (state == TD_PHASE_STATE_FAILED)
    gtk_widget_add_css_class (GTK_WIDGET (self->state_icon), "error");
  else if (state == TD_PHASE_STATE_RUNNING || state == TD_PHASE_STATE_READY)
    gtk_widget_add_css_class (GTK_WIDGET (self->state_icon), "accent");
}

static void
td_sidebar_row_dispose (GObject *object)
{
  TdSidebarRow *self = TD_SIDEBAR_ROW (object);

  g_clear_object (&self->phase);
  G_OBJECT_CLASS (td_sidebar_row_parent_class)->dispose (object);
}

static void
td_sidebar_row_class_init (TdSidebarRowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = td_sidebar_row_dispose;
}

static void
td_sidebar_row_init (TdSidebarRow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

  self->state_icon = GTK_IMAGE (gtk_image_new ());
  self->title_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->title_label, 0.0);
  gtk_label_set_ellipsize (self->title_label, PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (GTK_WIDGET (self->title_label), TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->state_icon));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->title_label));
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (self), box);
}

GtkWidget *
td_sidebar_row_new (TdPhase *phase)
{
  TdSidebarRow *self = g_object_new (TD_TYPE_SIDEBAR_ROW, NULL);

  if (phase == NULL)
    {
      gtk_image_set_from_icon_name (self->state_icon, "go-home-symbolic");
      gtk_label_set_label (self->title_label, _("Welcome"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Welcome"), -1);
      return GTK_WIDGET (self);
    }

  self->phase = g_object_ref (phase);
  {
    g_autofree char *title = g_strdup_printf ("%u. %s", td_phase_get_number (phase), td_phase_get_title (phase));
    gtk_label_set_label (self->title_label, title);
  }
  g_signal_connect_object (phase, "notify::state", G_CALLBACK (update_state), self, G_CONNECT_SWAPPED);
  update_state (self);
  return GTK_WIDGET (self);
}

TdPhase *
td_sidebar_row_get_phase (TdSidebarRow *self)
{
  g_return_val_if_fail (TD_IS_SIDEBAR_ROW (self), NULL);
  return self->phase;
}
