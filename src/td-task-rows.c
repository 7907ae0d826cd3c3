/* td-task-rows.c */
#define G_LOG_DOMAIN "td-task-rows"

#include <glib/gi18n.h>

#include "td-minikube.h"
#include "td-status-icon.h"
#include "td-task-executor.h"
#include "td-task-rows.h"

struct _TdTaskRows
{
  GObject     parent_instance;
  GHashTable *rows;   /* task id → AdwActionRow or AdwExpanderRow (owned by the group) */
};

G_DEFINE_FINAL_TYPE (TdTaskRows, td_task_rows, G_TYPE_OBJECT)

static const char *
task_kind_icon_name (TdTaskKind kind)
{
  switch (kind)
    {
    case TD_TASK_KIND_COMMAND: return "utilities-terminal-symbolic";
    case TD_TASK_KIND_AGENT:   return "avatar-default-symbolic";
    case TD_TASK_KIND_API:     return "network-server-symbolic";
    case TD_TASK_KIND_WATCH:   return "view-reveal-symbolic";
    case TD_TASK_KIND_CHECK:   return "system-search-symbolic";
    case TD_TASK_KIND_MANUAL:  return "document-edit-symbolic";
    default:                   return "emblem-system-symbolic";
    }
}

/* Rows here are plain text (use-markup off): commands and messages are shown as they are. */
static void
row_set_subtitle (GtkWidget *row, const char *text)
{
  if (ADW_IS_EXPANDER_ROW (row))
    adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), text ? text : "");
  else
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text ? text : "");
}

static GtkWidget *
make_prompt_label (const char *prompt)
{
  GtkWidget *label = gtk_label_new (prompt);

  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_bottom (label, 12);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  return label;
}

/* Each row has a status icon in front: the kind's icon until something happens, then a spinner,
 * a check mark or an error sign. The accessible label says the same in words. */
static GtkWidget *
make_task_row (TdTask *task)
{
  g_autofree char *title = g_strdup_printf ("%s · %s", td_task_get_id (task), td_task_get_title (task));
  g_auto(GStrv) argv = td_task_executor_build_argv (task, NULL);
  /* Show exactly what will run when it is a program; the plan's description otherwise. */
  g_autofree char *action = argv != NULL ? g_strjoinv (" ", argv) : td_task_describe_action (task);
  GtkWidget *status = td_status_icon_new (task_kind_icon_name (td_task_get_kind (task)),
                                         td_task_kind_to_string (td_task_get_kind (task)));
  GtkWidget *row;

  if (td_task_get_prompt (task) != NULL)
    {
      /* Agent tasks show the seed's exact prompt, so the user reads what will be asked. */
      row = adw_expander_row_new ();
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), make_prompt_label (td_task_get_prompt (task)));
      adw_expander_row_add_prefix (ADW_EXPANDER_ROW (row), status);
    }
  else
    {
      row = adw_action_row_new ();
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), status);
    }
  g_object_set_data (G_OBJECT (row), "status-icon", status);
  g_object_set_data_full (G_OBJECT (row), "action", g_strdup (action), g_free);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  row_set_subtitle (row, action);
  return row;
}

/* Before `minikube start`: how much memory the cluster needs, against what this computer has. */
static GtkWidget *
make_memory_hint_row (void)
{
  GtkWidget *row = adw_action_row_new ();
  g_autoptr(TdMemoryHint) hint = NULL;
  g_autoptr(GError) error = NULL;
  guint64 total = 0;
  GtkWidget *icon;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Memory"));
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  if (!td_minikube_read_total_memory (NULL, &total, &error))
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _("Minikube needs at least 4 GiB of memory for this deployment (5 GiB with kagent)."));
      icon = gtk_image_new_from_icon_name ("dialog-information-symbolic");
    }
  else
    {
      hint = td_minikube_memory_hint (total, FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), hint->sentence);
      icon = gtk_image_new_from_icon_name (hint->fit == TD_MEMORY_FIT_ENOUGH ? "dialog-information-symbolic"
                                                                             : "dialog-warning-symbolic");
      if (hint->fit != TD_MEMORY_FIT_ENOUGH)
        gtk_widget_add_css_class (icon, "warning");
    }
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  return row;
}

static void
td_task_rows_finalize (GObject *object)
{
  g_hash_table_unref (TD_TASK_ROWS (object)->rows);
  G_OBJECT_CLASS (td_task_rows_parent_class)->finalize (object);
}

static void
td_task_rows_class_init (TdTaskRowsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = td_task_rows_finalize;
}

static void
td_task_rows_init (TdTaskRows *self)
{
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

TdTaskRows *
td_task_rows_new (AdwPreferencesGroup *group, TdPhase *phase)
{
  TdTaskRows *self = g_object_new (TD_TYPE_TASK_ROWS, NULL);
  GListModel *tasks = td_phase_get_tasks (phase);

  for (guint i = 0; i < g_list_model_get_n_items (tasks); i++)
    {
      g_autoptr(TdTask) task = g_list_model_get_item (tasks, i);
      GtkWidget *row = make_task_row (task);

      g_hash_table_insert (self->rows, g_strdup (td_task_get_id (task)), row);
      adw_preferences_group_add (group, row);
      if (td_task_get_role (task) == TD_TASK_ROLE_MINIKUBE_START)
        adw_preferences_group_add (group, make_memory_hint_row ());
    }
  return self;
}

static GtkWidget *
lookup_row (TdTaskRows *self, TdTask *task)
{
  return task != NULL ? g_hash_table_lookup (self->rows, td_task_get_id (task)) : NULL;
}

void
td_task_rows_reset (TdTaskRows *self)
{
  GHashTableIter iter;
  gpointer row;

  g_return_if_fail (TD_IS_TASK_ROWS (self));
  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, NULL, &row))
    {
      td_status_icon_set_status (g_object_get_data (row, "status-icon"), TD_CHECK_STATUS_UNKNOWN);
      row_set_subtitle (row, g_object_get_data (row, "action"));
    }
}

void
td_task_rows_set_status (TdTaskRows *self, TdTask *task, TdCheckStatus status)
{
  GtkWidget *row;

  g_return_if_fail (TD_IS_TASK_ROWS (self));
  row = lookup_row (self, task);
  if (row != NULL)
    td_status_icon_set_status (g_object_get_data (G_OBJECT (row), "status-icon"), status);
}

void
td_task_rows_set_text (TdTaskRows *self, TdTask *task, const char *text)
{
  GtkWidget *row;

  g_return_if_fail (TD_IS_TASK_ROWS (self));
  row = lookup_row (self, task);
  if (row != NULL)
    row_set_subtitle (row, text);
}

void
td_task_rows_show (TdTaskRows *self, TdTask *task, TdCheckStatus status, const char *text)
{
  td_task_rows_set_status (self, task, status);
  td_task_rows_set_text (self, task, text);
}

void
td_task_rows_add_button (TdTaskRows *self, TdTask *task, const char *mnemonic, const char *action_name,
                         const char *tooltip)
{
  GtkWidget *row;
  GtkWidget *button;

  g_return_if_fail (TD_IS_TASK_ROWS (self));
  row = lookup_row (self, task);
  g_return_if_fail (row != NULL);
  button = gtk_button_new_with_mnemonic (mnemonic);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
  gtk_widget_set_tooltip_text (button, tooltip);
  if (ADW_IS_EXPANDER_ROW (row))
    adw_expander_row_add_action (ADW_EXPANDER_ROW (row), button);
  else
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
}
