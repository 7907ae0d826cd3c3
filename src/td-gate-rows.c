/* td-gate-rows.c */
#define G_LOG_DOMAIN "td-gate-rows"

#include <glib/gi18n.h>

#include "td-gate-rows.h"
#include "td-status-icon.h"

typedef struct {
  AdwActionRow *row;
  TdStatusIcon *icon;
  GtkButton    *go_to;
  char         *parameters;
} GateRow;

struct _TdGateRows
{
  GObject  parent_instance;
  GArray  *rows;   /* of GateRow */
};

G_DEFINE_FINAL_TYPE (TdGateRows, td_gate_rows, G_TYPE_OBJECT)

static void
gate_row_clear (GateRow *row)
{
  g_free (row->parameters);
}

static void
td_gate_rows_finalize (GObject *object)
{
  g_array_unref (TD_GATE_ROWS (object)->rows);
  G_OBJECT_CLASS (td_gate_rows_parent_class)->finalize (object);
}

static void
td_gate_rows_class_init (TdGateRowsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = td_gate_rows_finalize;
}

static void
td_gate_rows_init (TdGateRows *self)
{
  self->rows = g_array_new (FALSE, TRUE, sizeof (GateRow));
  g_array_set_clear_func (self->rows, (GDestroyNotify) gate_row_clear);
}

char *
td_gate_rows_describe_check (const TdYamlNode *check)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < td_yaml_n_children (check); i++)
    {
      const char *key = ((TdYamlNode *) check->keys->pdata[i])->value;
      const TdYamlNode *value = td_yaml_child (check, i);

      if (g_str_equal (key, "check"))
        continue;
      if (text->len > 0)
        g_string_append (text, " · ");
      g_string_append_printf (text, "%s: ", key);
      if (value->kind == TD_YAML_SCALAR)
        g_string_append (text, value->value);
      else
        for (guint j = 0; j < td_yaml_n_children (value); j++)
          {
            const char *item = value->kind == TD_YAML_MAPPING
                                 ? ((TdYamlNode *) value->keys->pdata[j])->value
                                 : td_yaml_scalar (td_yaml_child (value, j));
            const char *item_value = value->kind == TD_YAML_MAPPING ? td_yaml_scalar (td_yaml_child (value, j)) : NULL;

            g_string_append_printf (text, "%s%s%s%s", j > 0 ? ", " : "", item ? item : "…",
                                    item_value ? " " : "", item_value ? item_value : "");
          }
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

TdGateRows *
td_gate_rows_new (AdwPreferencesGroup *group, TdGate *gate)
{
  TdGateRows *self = g_object_new (TD_TYPE_GATE_ROWS, NULL);
  g_autofree char *checkpoint = g_markup_escape_text (td_gate_get_checkpoint (gate), -1);

  adw_preferences_group_set_description (group, checkpoint);
  for (guint i = 0; i < td_gate_get_n_checks (gate); i++)
    {
      GateRow row = { 0 };

      row.row = ADW_ACTION_ROW (adw_action_row_new ());
      row.icon = TD_STATUS_ICON (td_status_icon_new ("radio-symbolic", _("not checked yet")));
      row.go_to = GTK_BUTTON (gtk_button_new ());
      row.parameters = td_gate_rows_describe_check (td_gate_get_check (gate, i));

      /* Plain text: check names and parameters are shown as they are. */
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row.row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row.row), td_gate_get_check_kind (gate, i));
      adw_action_row_set_subtitle_lines (row.row, 0);
      adw_action_row_set_subtitle (row.row, row.parameters);
      adw_action_row_add_prefix (row.row, GTK_WIDGET (row.icon));

      gtk_widget_set_valign (GTK_WIDGET (row.go_to), GTK_ALIGN_CENTER);
      gtk_widget_set_visible (GTK_WIDGET (row.go_to), FALSE);
      /* The action takes a phase id: a target of the right type from the start, set per result. */
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (row.go_to), g_variant_new_string (""));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (row.go_to), "win.go-to-phase");
      adw_action_row_add_suffix (row.row, GTK_WIDGET (row.go_to));

      adw_preferences_group_add (group, GTK_WIDGET (row.row));
      g_array_append_val (self->rows, row);
    }
  return self;
}

static void
show_fix_phase (GateRow *row, TdCheckResult *result, TdPlan *plan)
{
  const char *phase_id = result ? td_check_result_get_fix_phase (result) : NULL;
  TdPhase *target = phase_id && plan ? td_plan_lookup_phase (plan, phase_id) : NULL;
  g_autofree char *label = NULL;

  gtk_widget_set_visible (GTK_WIDGET (row->go_to), target != NULL && !td_check_result_get_passed (result));
  if (target == NULL)
    return;
  label = g_strdup_printf (_("Go to %s"), td_phase_get_title (target));
  gtk_button_set_label (row->go_to, label);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (row->go_to), g_variant_new_string (phase_id));
}

void
td_gate_rows_reset (TdGateRows *self, TdCheckStatus status)
{
  g_return_if_fail (TD_IS_GATE_ROWS (self));

  for (guint i = 0; i < self->rows->len; i++)
    {
      GateRow *row = &g_array_index (self->rows, GateRow, i);

      td_status_icon_set_status (row->icon, status);
      adw_action_row_set_subtitle (row->row, row->parameters);
      show_fix_phase (row, NULL, NULL);
    }
}

/* The focus once the target has its place: a button shown a moment ago has no size yet, and the
 * page's viewport can only scroll to what has one. */
static gboolean
focus_once_allocated (GtkWidget *target, GdkFrameClock *clock, gpointer user_data)
{
  if (!gtk_widget_get_mapped (target))
    return G_SOURCE_REMOVE;
  if (gtk_widget_get_width (target) <= 0)
    return G_SOURCE_CONTINUE;
  gtk_widget_grab_focus (target);
  return G_SOURCE_REMOVE;
}

/* A failed check below the fold is easy to miss: the first one comes into view, with the keyboard
 * focus (and a screen reader) on its way out, the Go to button, when it has one. Only on the page
 * shown: a result that arrives for another page must not pull the focus there. */
static void
bring_failure_into_view (TdGateRows *self, GPtrArray *results)
{
  for (guint i = 0; i < results->len && i < self->rows->len; i++)
    {
      GateRow *row = &g_array_index (self->rows, GateRow, i);
      GtkWidget *target = gtk_widget_get_visible (GTK_WIDGET (row->go_to)) ? GTK_WIDGET (row->go_to) : GTK_WIDGET (row->row);

      if (td_check_result_get_status (results->pdata[i]) != TD_CHECK_STATUS_FAILED)
        continue;
      if (gtk_widget_get_mapped (target))
        gtk_widget_add_tick_callback (target, focus_once_allocated, NULL, NULL);
      return;
    }
}

void
td_gate_rows_show_results (TdGateRows *self, GPtrArray *results, TdPlan *plan)
{
  g_return_if_fail (TD_IS_GATE_ROWS (self));

  for (guint i = 0; i < results->len && i < self->rows->len; i++)
    {
      GateRow *row = &g_array_index (self->rows, GateRow, i);
      TdCheckResult *result = results->pdata[i];
      g_autofree char *text = NULL;

      if (td_check_result_get_fix (result) != NULL)
        text = g_strdup_printf ("%s\n%s", td_check_result_get_message (result), td_check_result_get_fix (result));
      else
        text = g_strdup (td_check_result_get_message (result));
      td_status_icon_set_status (row->icon, td_check_result_get_status (result));
      adw_action_row_set_subtitle (row->row, text);
      show_fix_phase (row, result, plan);
    }
  bring_failure_into_view (self, results);
}

guint
td_gate_rows_get_n_rows (TdGateRows *self)
{
  g_return_val_if_fail (TD_IS_GATE_ROWS (self), 0);
  return self->rows->len;
}

AdwActionRow *
td_gate_rows_get_row (TdGateRows *self, guint index)
{
  g_return_val_if_fail (TD_IS_GATE_ROWS (self), NULL);
  g_return_val_if_fail (index < self->rows->len, NULL);
  return g_array_index (self->rows, GateRow, index).row;
}
