/* td-pod-table.c
 *
 * The column view shows a GListStore that mirrors the monitor, and its cells are plain labels.
 * Monitor changes only mark what is stale; a flush copies them over, at most once per
 * TD_POD_TABLE_REDRAW_INTERVAL_MS: at once when the last flush is that old, else when it will be. */
#define G_LOG_DOMAIN "td-pod-table"

#include <glib/gi18n.h>

#include "td-pod-table.h"

typedef enum {
  COLUMN_NAME,
  COLUMN_READY,
  COLUMN_STATUS,
  COLUMN_RESTARTS,
  COLUMN_AGE,
  COLUMN_DIAGNOSIS,
  N_COLUMNS
} Column;

static const char *column_titles[N_COLUMNS] = {
  N_("Name"), N_("Ready"), N_("Status"), N_("Restarts"), N_("Age"), N_("What to Do"),
};

struct _TdPodTable
{
  AdwBin          parent_instance;

  TdPodMonitor   *monitor;
  GListStore     *shown;          /* of TdPod, what the column view displays */
  GHashTable     *bound_labels;   /* GtkLabel → TdPod (borrowed), the cells on screen */
  GHashTable     *dirty_pods;     /* TdPod set whose cells are stale */
  gboolean        rows_dirty;     /* pods were added or removed */
  gint64          last_flush_us;
  guint           flush_source;
  guint           clock_source;   /* refreshes AGE every few seconds */
  guint           n_redraws;

  GtkColumnView  *column_view;
  GtkWidget      *scroller;
  GtkLabel       *state_label;
  GtkStack       *stack;
  AdwStatusPage  *empty_page;
};

G_DEFINE_FINAL_TYPE (TdPodTable, td_pod_table, ADW_TYPE_BIN)

static const char *
cell_text (TdPod *pod, Column column)
{
  const char *text = NULL;

  switch (column)
    {
    case COLUMN_NAME:      text = td_pod_get_name (pod); break;
    case COLUMN_READY:     text = td_pod_get_ready (pod); break;
    case COLUMN_STATUS:    text = td_pod_get_status (pod); break;
    case COLUMN_RESTARTS:  text = td_pod_get_restarts (pod); break;
    case COLUMN_AGE:       text = td_pod_get_age (pod); break;
    case COLUMN_DIAGNOSIS: text = td_pod_get_diagnosis_text (pod); break;
    case N_COLUMNS:
    default:               break;
    }
  return text ? text : "";
}

static void
update_label (GtkLabel *label, TdPod *pod)
{
  Column column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (label), "column"));
  gboolean unhealthy = td_pod_get_diagnosis (pod) != NULL;

  gtk_label_set_label (label, cell_text (pod, column));
  if (column == COLUMN_STATUS || column == COLUMN_DIAGNOSIS)
    {
      if (unhealthy)
        gtk_widget_add_css_class (GTK_WIDGET (label), "error");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (label), "error");
    }
  if (column == COLUMN_DIAGNOSIS)
    gtk_widget_set_tooltip_text (GTK_WIDGET (label), unhealthy ? cell_text (pod, column) : NULL);
}

/* ---- flushing -------------------------------------------------------------------------------- */

static void
update_state_text (TdPodTable *self)
{
  g_autofree char *text = NULL;

  if (self->monitor == NULL)
    text = g_strdup (_("Not connected to a cluster yet"));
  else
    switch (td_pod_monitor_get_connection_state (self->monitor))
      {
      case TD_POD_MONITOR_CONNECTING:
        text = g_strdup (_("Connecting to the cluster…"));
        break;
      case TD_POD_MONITOR_CONNECTED:
        text = g_strdup_printf (_("Connected · %u of %u pods ready"), td_pod_monitor_get_n_ready (self->monitor),
                                g_list_model_get_n_items (G_LIST_MODEL (self->monitor)));
        break;
      case TD_POD_MONITOR_RECONNECTING:
        text = g_strdup_printf (_("Reconnecting in %u s: %s"), td_pod_monitor_get_retry_seconds (self->monitor),
                                td_pod_monitor_get_state_message (self->monitor));
        break;
      case TD_POD_MONITOR_ERROR:
        text = g_strdup_printf (_("Cannot watch the pods: %s"), td_pod_monitor_get_state_message (self->monitor));
        break;
      case TD_POD_MONITOR_STOPPED:
      default:
        text = g_strdup (_("Not watching"));
        break;
      }
  gtk_label_set_label (self->state_label, text);
}

static void
flush (TdPodTable *self)
{
  self->last_flush_us = g_get_monotonic_time ();
  g_clear_handle_id (&self->flush_source, g_source_remove);

  if (self->rows_dirty)
    {
      guint n = self->monitor ? g_list_model_get_n_items (G_LIST_MODEL (self->monitor)) : 0;
      g_autoptr(GPtrArray) pods = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < n; i++)
        g_ptr_array_add (pods, g_list_model_get_item (G_LIST_MODEL (self->monitor), i));
      g_list_store_splice (self->shown, 0, g_list_model_get_n_items (G_LIST_MODEL (self->shown)),
                           pods->pdata, pods->len);
      gtk_stack_set_visible_child (self->stack, n > 0 ? self->scroller : GTK_WIDGET (self->empty_page));
      self->rows_dirty = FALSE;
    }
  if (g_hash_table_size (self->dirty_pods) > 0)
    {
      GHashTableIter iter;
      gpointer label, pod;

      g_hash_table_iter_init (&iter, self->bound_labels);
      while (g_hash_table_iter_next (&iter, &label, &pod))
        if (g_hash_table_contains (self->dirty_pods, pod))
          update_label (label, pod);
      g_hash_table_remove_all (self->dirty_pods);
    }
  update_state_text (self);
  self->n_redraws++;
}

static gboolean
flush_timeout (gpointer user_data)
{
  TdPodTable *self = user_data;

  self->flush_source = 0;
  flush (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_flush (TdPodTable *self)
{
  gint64 interval_us = TD_POD_TABLE_REDRAW_INTERVAL_MS * 1000;
  gint64 since = g_get_monotonic_time () - self->last_flush_us;

  if (self->flush_source != 0)
    return;
  if (since >= interval_us)
    flush (self);
  else
    self->flush_source = g_timeout_add ((guint) ((interval_us - since + 999) / 1000), flush_timeout, self);
}

static void
on_items_changed (GListModel *model, guint position, guint removed, guint added, TdPodTable *self)
{
  self->rows_dirty = TRUE;
  schedule_flush (self);
}

static void
on_pod_changed (TdPodMonitor *monitor, TdPod *pod, const char *type, TdPodTable *self)
{
  g_hash_table_add (self->dirty_pods, g_object_ref (pod));
  schedule_flush (self);
}

static void
on_monitor_notify (TdPodTable *self)
{
  schedule_flush (self);
}

static gboolean
tick_clock (gpointer user_data)
{
  TdPodTable *self = user_data;
  guint n;

  if (self->monitor == NULL)
    return G_SOURCE_CONTINUE;
  /* AGE and "(5m ago)" move with time, not with events. */
  td_pod_monitor_refresh_times (self->monitor);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->monitor));
  for (guint i = 0; i < n; i++)
    g_hash_table_add (self->dirty_pods, g_list_model_get_item (G_LIST_MODEL (self->monitor), i));
  schedule_flush (self);
  return G_SOURCE_CONTINUE;
}

/* ---- cells ----------------------------------------------------------------------------------- */

static void
setup_cell (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer column)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  if (GPOINTER_TO_INT (column) == COLUMN_DIAGNOSIS)
    {
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 30);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      /* Three lines keep four pods in view; the whole advice is the tooltip, the accessible
       * name, and the failed gate's text. */
      gtk_label_set_lines (GTK_LABEL (label), 3);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
    }
  else
    gtk_widget_add_css_class (label, "numeric");
  g_object_set_data (G_OBJECT (label), "column", column);
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory, GtkListItem *item, TdPodTable *self)
{
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (item));
  TdPod *pod = gtk_list_item_get_item (item);

  g_hash_table_insert (self->bound_labels, label, pod);
  update_label (label, pod);
}

static void
unbind_cell (GtkSignalListItemFactory *factory, GtkListItem *item, TdPodTable *self)
{
  g_hash_table_remove (self->bound_labels, gtk_list_item_get_child (item));
}

static void
add_columns (TdPodTable *self)
{
  for (int c = 0; c < N_COLUMNS; c++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkColumnViewColumn *column;

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), GINT_TO_POINTER (c));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), self);
      g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell), self);
      column = gtk_column_view_column_new (_(column_titles[c]), factory);
      gtk_column_view_column_set_expand (column, c == COLUMN_DIAGNOSIS);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_append_column (self->column_view, column);
      g_object_unref (column);
    }
}

/* ---- API --------------------------------------------------------------------------------------- */

void
td_pod_table_set_monitor (TdPodTable *self, TdPodMonitor *monitor)
{
  g_return_if_fail (TD_IS_POD_TABLE (self));

  if (self->monitor == monitor)
    return;
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_set_object (&self->monitor, monitor);
  if (monitor != NULL)
    {
      g_signal_connect (monitor, "items-changed", G_CALLBACK (on_items_changed), self);
      g_signal_connect (monitor, "pod-changed", G_CALLBACK (on_pod_changed), self);
      g_signal_connect_swapped (monitor, "notify::connection-state", G_CALLBACK (on_monitor_notify), self);
      g_signal_connect_swapped (monitor, "notify::retry-seconds", G_CALLBACK (on_monitor_notify), self);
      g_signal_connect_swapped (monitor, "notify::n-ready", G_CALLBACK (on_monitor_notify), self);
    }
  self->rows_dirty = TRUE;
  schedule_flush (self);
}

TdPodMonitor *
td_pod_table_get_monitor (TdPodTable *self)
{
  g_return_val_if_fail (TD_IS_POD_TABLE (self), NULL);
  return self->monitor;
}

void
td_pod_table_show_error (TdPodTable *self, const char *message)
{
  g_autofree char *text = NULL;

  g_return_if_fail (TD_IS_POD_TABLE (self));
  text = g_strdup_printf (_("Cannot reach the cluster: %s"), message);
  gtk_label_set_label (self->state_label, text);
}

const char *
td_pod_table_get_state_text (TdPodTable *self)
{
  g_return_val_if_fail (TD_IS_POD_TABLE (self), NULL);
  return gtk_label_get_label (self->state_label);
}

guint
td_pod_table_get_n_redraws (TdPodTable *self)
{
  g_return_val_if_fail (TD_IS_POD_TABLE (self), 0);
  return self->n_redraws;
}

GStrv
td_pod_table_dup_rows (TdPodTable *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (TD_IS_POD_TABLE (self), NULL);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->shown)); i++)
    {
      g_autoptr(TdPod) pod = g_list_model_get_item (G_LIST_MODEL (self->shown), i);
      g_autoptr(GString) row = g_string_new (NULL);

      for (int c = 0; c < N_COLUMNS; c++)
        g_string_append_printf (row, "%s%s", c > 0 ? " " : "", cell_text (pod, c));
      g_strv_builder_add (builder, row->str);
    }
  return g_strv_builder_end (builder);
}

/* ---- GObject ------------------------------------------------------------------------------------ */

static void
td_pod_table_dispose (GObject *object)
{
  TdPodTable *self = TD_POD_TABLE (object);

  g_clear_handle_id (&self->flush_source, g_source_remove);
  g_clear_handle_id (&self->clock_source, g_source_remove);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);
  g_clear_pointer (&self->bound_labels, g_hash_table_unref);
  g_clear_pointer (&self->dirty_pods, g_hash_table_unref);
  g_clear_object (&self->shown);
  G_OBJECT_CLASS (td_pod_table_parent_class)->dispose (object);
}

static void
td_pod_table_class_init (TdPodTableClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = td_pod_table_dispose;
}

static void
td_pod_table_init (TdPodTable *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *frame = gtk_frame_new (NULL);
  g_autoptr(GtkSelectionModel) selection = NULL;

  self->shown = g_list_store_new (TD_TYPE_POD);
  self->bound_labels = g_hash_table_new (NULL, NULL);
  self->dirty_pods = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);

  selection = GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->shown))));
  self->column_view = GTK_COLUMN_VIEW (gtk_column_view_new (g_object_ref (selection)));
  gtk_column_view_set_show_row_separators (self->column_view, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->column_view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Pods"), -1);
  add_columns (self);

  self->empty_page = ADW_STATUS_PAGE (adw_status_page_new ());
  adw_status_page_set_icon_name (self->empty_page, "view-list-symbolic");
  adw_status_page_set_title (self->empty_page, _("No Pods Yet"));
  adw_status_page_set_description (self->empty_page, _("The Todo Chatbot's pods appear here as soon as Helm has deployed them."));
  gtk_widget_add_css_class (GTK_WIDGET (self->empty_page), "compact");

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_add_child (self->stack, GTK_WIDGET (self->empty_page));
  /* A column view only scrolls inside a scrolled window; this one grows with its rows up to a
   * point, so four pods show without scrolling. */
  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), GTK_WIDGET (self->column_view));
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (self->scroller), TRUE);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (self->scroller), 320);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (self->scroller), 520);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller), GTK_POLICY_AUTOMATIC, GTK_POLICY_AUTOMATIC);
  gtk_stack_add_child (self->stack, self->scroller);
  gtk_frame_set_child (GTK_FRAME (frame), GTK_WIDGET (self->stack));

  self->state_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->state_label, 0.0);
  gtk_label_set_wrap (self->state_label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "dim-label");
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->column_view),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, self->state_label, NULL, -1);

  gtk_box_append (GTK_BOX (box), frame);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->state_label));
  adw_bin_set_child (ADW_BIN (self), box);

  self->clock_source = g_timeout_add_seconds (5, tick_clock, self);
  update_state_text (self);
}

GtkWidget *
td_pod_table_new (void)
{
  return g_object_new (TD_TYPE_POD_TABLE, NULL);
}
