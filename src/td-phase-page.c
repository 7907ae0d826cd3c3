/* td-phase-page.c */
#define G_LOG_DOMAIN "td-phase-page"

#include <glib/gi18n.h>

#include "td-phase-page.h"

struct _TdPhasePage
{
  TdWizardPage          parent_instance;

  GtkLabel             *story_label;
  GtkLabel             *title_label;
  GtkLabel             *purpose_label;
  AdwPreferencesGroup  *tasks_group;
  AdwPreferencesGroup  *gate_group;
};

G_DEFINE_FINAL_TYPE (TdPhasePage, td_phase_page, TD_TYPE_WIZARD_PAGE)

static const char *
task_kind_icon_name (TdTaskKind kind)
{
  switch (kind)
    {
    case TD_TASK_KIND_COMMAND: return "utilities-terminal-symbolic";
    case TD_TASK_KIND_AGENT:   return "avatar-default-symbolic";
    case TD_TASK_KIND_API:     return "network-server-symbolic";
    case TD_TASK_KIND_WATCH:   return "view-reveal-symbolic";
    case TD_TASK_KIND_CHECK:   return "object-select-symbolic";
    case TD_TASK_KIND_MANUAL:  return "document-edit-symbolic";
    default:                   return "emblem-system-symbolic";
    }
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

static GtkWidget *
make_task_row (TdTask *task)
{
  g_autofree char *title = g_strdup_printf ("%s · %s", td_task_get_id (task), td_task_get_title (task));
  g_autofree char *action = td_task_describe_action (task);
  GtkWidget *icon = gtk_image_new_from_icon_name (task_kind_icon_name (td_task_get_kind (task)));
  GtkWidget *row;

  gtk_widget_set_tooltip_text (icon, td_task_kind_to_string (td_task_get_kind (task)));
  if (td_task_get_prompt (task) != NULL)
    {
      /* Agent tasks show the seed's exact prompt, so the user reads what will be asked. */
      row = adw_expander_row_new ();
      adw_expander_row_add_prefix (ADW_EXPANDER_ROW (row), icon);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), make_prompt_label (td_task_get_prompt (task)));
    }
  else
    {
      row = adw_action_row_new ();
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
    }
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (action != NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (action, -1);
      if (ADW_IS_EXPANDER_ROW (row))
        adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), escaped);
      else
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped);
    }
  return row;
}

/* One readable line per gate check: the kind, then its parameters. */
static char *
describe_check (const TdYamlNode *check)
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
      else if (value->kind == TD_YAML_SEQUENCE)
        for (guint j = 0; j < td_yaml_n_children (value); j++)
          {
            const char *item = td_yaml_scalar (td_yaml_child (value, j));
            g_string_append_printf (text, "%s%s", j > 0 ? ", " : "", item ? item : "…");
          }
      else
        g_string_append (text, "…");
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
populate (TdPhasePage *self, TdPhase *phase)
{
  GListModel *tasks = td_phase_get_tasks (phase);
  TdGate *gate = td_phase_get_gate (phase);
  g_autofree char *escaped_checkpoint = NULL;

  gtk_label_set_label (self->title_label, td_phase_get_seed_title (phase));
  gtk_label_set_label (self->purpose_label, td_phase_get_purpose (phase));
  gtk_widget_set_visible (GTK_WIDGET (self->story_label), td_phase_get_story (phase) != NULL);
  if (td_phase_get_story (phase) != NULL)
    gtk_label_set_label (self->story_label, td_phase_get_story (phase));

  for (guint i = 0; i < g_list_model_get_n_items (tasks); i++)
    {
      g_autoptr(TdTask) task = g_list_model_get_item (tasks, i);
      adw_preferences_group_add (self->tasks_group, make_task_row (task));
    }

  escaped_checkpoint = g_markup_escape_text (td_gate_get_checkpoint (gate), -1);
  adw_preferences_group_set_description (self->gate_group, escaped_checkpoint);
  for (guint i = 0; i < td_gate_get_n_checks (gate); i++)
    {
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *detail = describe_check (td_gate_get_check (gate, i));
      g_autofree char *escaped = g_markup_escape_text (detail, -1);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), td_gate_get_check_kind (gate, i));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("object-select-symbolic"));
      adw_preferences_group_add (self->gate_group, row);
    }
}

static void
on_phase_state_changed (TdPhasePage *self)
{
  TdPhase *phase = td_wizard_page_get_phase (TD_WIZARD_PAGE (self));

  td_wizard_page_set_complete (TD_WIZARD_PAGE (self),
                               td_phase_get_state (phase) == TD_PHASE_STATE_PASSED ||
                               td_phase_get_state (phase) == TD_PHASE_STATE_SKIPPED);
}

static void
td_phase_page_constructed (GObject *object)
{
  TdPhasePage *self = TD_PHASE_PAGE (object);
  TdPhase *phase = td_wizard_page_get_phase (TD_WIZARD_PAGE (self));

  G_OBJECT_CLASS (td_phase_page_parent_class)->constructed (object);

  td_wizard_page_set_title (TD_WIZARD_PAGE (self), td_phase_get_title (phase));
  populate (self, phase);
  g_signal_connect_object (phase, "notify::state", G_CALLBACK (on_phase_state_changed), self,
                           G_CONNECT_SWAPPED);
  on_phase_state_changed (self);
}

static void
td_phase_page_class_init (TdPhasePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = td_phase_page_constructed;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/tododeploy/TodoDeploy/td-phase-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TdPhasePage, story_label);
  gtk_widget_class_bind_template_child (widget_class, TdPhasePage, title_label);
  gtk_widget_class_bind_template_child (widget_class, TdPhasePage, purpose_label);
  gtk_widget_class_bind_template_child (widget_class, TdPhasePage, tasks_group);
  gtk_widget_class_bind_template_child (widget_class, TdPhasePage, gate_group);
}

static void
td_phase_page_init (TdPhasePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
td_phase_page_new (TdPhase *phase)
{
  return g_object_new (TD_TYPE_PHASE_PAGE, "phase", phase, NULL);
}
