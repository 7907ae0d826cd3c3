/* td-welcome-page.c */
#define G_LOG_DOMAIN "td-welcome-page"

#include <glib/gi18n.h>

#include "td-welcome-page.h"

#define MAX_RECENT_PROJECTS 10

struct _TdWelcomePage
{
  TdWizardPage          parent_instance;

  GSettings            *settings;
  GFile                *project_dir;
  GCancellable         *cancellable;
  GtkFileChooserNative *chooser;
  gboolean              preflight_passed;
  gboolean              preflight_running;
  gboolean              rerun_pending;   /* asked to check again while a check was running */

  AdwActionRow         *project_row;
  AdwPreferencesGroup  *recent_group;
  GtkListBox           *recent_list;
  AdwPreferencesGroup  *tools_group;
  AdwPreferencesGroup  *agents_group;
  AdwPreferencesGroup  *checks_group;
  GtkSpinner           *preflight_spinner;
  GtkButton            *recheck_button;
  GPtrArray            *check_rows;
};

G_DEFINE_FINAL_TYPE (TdWelcomePage, td_welcome_page, TD_TYPE_WIZARD_PAGE)

/* The page runs the window's preflight; the other pages only read it. */
static TdPreflight *
preflight (TdWelcomePage *self)
{
  return td_wizard_page_get_preflight (TD_WIZARD_PAGE (self));
}

enum {
  PROP_0,
  PROP_PROJECT_DIR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_complete (TdWelcomePage *self)
{
  td_wizard_page_set_complete (TD_WIZARD_PAGE (self), self->project_dir != NULL && self->preflight_passed);
}

/* ---- preflight rows ---------------------------------------------------------------------- */

static void
update_check_row (AdwActionRow *row, TdPreflightCheck *check)
{
  GtkImage *icon = g_object_get_data (G_OBJECT (row), "status-icon");
  GtkLabel *version = g_object_get_data (G_OBJECT (row), "version-label");
  GtkSpinner *spinner = g_object_get_data (G_OBJECT (row), "spinner");
  TdCheckStatus status = td_preflight_check_get_status (check);
  const char *detail = td_preflight_check_get_detail (check);
  const char *fix = td_preflight_check_get_fix (check);
  g_autofree char *subtitle = NULL;
  const char *status_text;

  if (fix != NULL && status != TD_CHECK_STATUS_OK)
    subtitle = g_markup_printf_escaped ("%s\n<b>%s</b>", detail ? detail : "", fix);
  else
    subtitle = g_markup_escape_text (detail ? detail : "", -1);
  adw_action_row_set_subtitle (row, subtitle);
  gtk_label_set_label (version, td_preflight_check_get_version (check) ? td_preflight_check_get_version (check) : "");

  gtk_widget_set_visible (GTK_WIDGET (spinner), status == TD_CHECK_STATUS_RUNNING);
  gtk_spinner_set_spinning (spinner, status == TD_CHECK_STATUS_RUNNING);
  gtk_widget_set_visible (GTK_WIDGET (icon), status != TD_CHECK_STATUS_RUNNING);
  gtk_image_set_from_icon_name (icon, td_check_status_icon_name (status));
  gtk_widget_remove_css_class (GTK_WIDGET (icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (icon), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (icon), "error");
  switch (status)
    {
    case TD_CHECK_STATUS_OK:
      gtk_widget_add_css_class (GTK_WIDGET (icon), "success");
      status_text = _("passed");
      break;
    case TD_CHECK_STATUS_WARNING:
      gtk_widget_add_css_class (GTK_WIDGET (icon), "warning");
      status_text = _("needs attention");
      break;
    case TD_CHECK_STATUS_FAILED:
      gtk_widget_add_css_class (GTK_WIDGET (icon), "error");
      status_text = _("failed");
      break;
    case TD_CHECK_STATUS_RUNNING:
      status_text = _("checking");
      break;
    case TD_CHECK_STATUS_UNKNOWN:
    default:
      status_text = _("not checked yet");
      break;
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, status_text, -1);
}

static void
on_check_notify (TdPreflightCheck *check, GParamSpec *pspec, AdwActionRow *row)
{
  update_check_row (row, check);
}

static GtkWidget *
make_check_row (TdPreflightCheck *check)
{
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
  GtkWidget *icon = gtk_image_new ();
  GtkWidget *version = gtk_label_new (NULL);
  GtkWidget *spinner = gtk_spinner_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), td_preflight_check_get_title (check));
  adw_action_row_set_subtitle_lines (row, 0);
  gtk_widget_add_css_class (version, "dim-label");
  gtk_widget_add_css_class (version, "numeric");
  adw_action_row_add_prefix (row, icon);
  adw_action_row_add_prefix (row, spinner);
  adw_action_row_add_suffix (row, version);
  g_object_set_data (G_OBJECT (row), "status-icon", icon);
  g_object_set_data (G_OBJECT (row), "version-label", version);
  g_object_set_data (G_OBJECT (row), "spinner", spinner);
  g_signal_connect_object (check, "notify", G_CALLBACK (on_check_notify), row, 0);
  update_check_row (row, check);
  return GTK_WIDGET (row);
}

static void
build_check_rows (TdWelcomePage *self)
{
  GListModel *checks = td_preflight_get_checks (preflight (self));

  for (guint i = 0; i < g_list_model_get_n_items (checks); i++)
    {
      g_autoptr(TdPreflightCheck) check = g_list_model_get_item (checks, i);
      GtkWidget *row = make_check_row (check);
      AdwPreferencesGroup *group;

      switch (td_preflight_check_get_group (check))
        {
        case TD_CHECK_GROUP_TOOL:  group = self->tools_group; break;
        case TD_CHECK_GROUP_AGENT: group = self->agents_group; break;
        default:                   group = self->checks_group; break;
        }
      adw_preferences_group_add (group, row);
      g_ptr_array_add (self->check_rows, row);
    }
}

static void start_preflight (TdWelcomePage *self);

static void
preflight_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TdWelcomePage) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean passed = td_preflight_run_finish (TD_PREFLIGHT (source), result, &error);

  self->preflight_running = FALSE;
  if (self->rerun_pending && preflight (self) != NULL)
    {
      self->rerun_pending = FALSE;
      start_preflight (self);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    g_warning ("Preflight failed: %s", error->message);

  self->preflight_passed = passed;
  gtk_spinner_stop (self->preflight_spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->preflight_spinner), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->recheck_button), TRUE);
  update_complete (self);
}

static void
start_preflight (TdWelcomePage *self)
{
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->preflight_running = TRUE;
  td_preflight_run_async (preflight (self), self->project_dir, self->cancellable,
                          preflight_done, g_object_ref (self));
}

void
td_welcome_page_recheck (TdWelcomePage *self)
{
  g_return_if_fail (TD_IS_WELCOME_PAGE (self));

  self->preflight_passed = FALSE;
  update_complete (self);
  gtk_widget_set_visible (GTK_WIDGET (self->preflight_spinner), TRUE);
  gtk_spinner_start (self->preflight_spinner);
  gtk_widget_set_sensitive (GTK_WIDGET (self->recheck_button), FALSE);
  if (self->preflight_running)
    {
      /* The preflight runs one pass at a time: stop this one, start again when it has ended. */
      self->rerun_pending = TRUE;
      g_cancellable_cancel (self->cancellable);
      return;
    }
  start_preflight (self);
}

/* ---- project folder and recent folders ---------------------------------------------------- */

static void
remember_project (TdWelcomePage *self, GFile *dir)
{
  g_autofree char *path = g_file_get_path (dir);
  g_auto(GStrv) recent = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n = 1;

  if (self->settings == NULL || path == NULL)
    return;
  recent = g_settings_get_strv (self->settings, "recent-projects");
  g_strv_builder_add (builder, path);
  for (guint i = 0; recent[i] != NULL && n < MAX_RECENT_PROJECTS; i++)
    if (!g_str_equal (recent[i], path))
      {
        g_strv_builder_add (builder, recent[i]);
        n++;
      }
  {
    g_auto(GStrv) updated = g_strv_builder_end (builder);
    g_settings_set_strv (self->settings, "recent-projects", (const char * const *) updated);
  }
  g_settings_set_string (self->settings, "last-project", path);
}

static void
on_recent_row_activated (GtkListBox *list, GtkListBoxRow *row, TdWelcomePage *self)
{
  const char *path = g_object_get_data (G_OBJECT (row), "path");
  g_autoptr(GFile) dir = g_file_new_for_path (path);

  td_welcome_page_set_project_dir (self, dir);
}

static void
rebuild_recent (TdWelcomePage *self)
{
  g_auto(GStrv) recent = NULL;
  GtkWidget *child;
  guint shown = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recent_list))) != NULL)
    gtk_list_box_remove (self->recent_list, child);

  if (self->settings != NULL)
    recent = g_settings_get_strv (self->settings, "recent-projects");
  for (guint i = 0; recent != NULL && recent[i] != NULL; i++)
    {
      g_autoptr(GFile) dir = g_file_new_for_path (recent[i]);
      g_autofree char *name = g_file_get_basename (dir);
      g_autofree char *escaped = g_markup_escape_text (recent[i], -1);
      g_autofree char *escaped_name = g_markup_escape_text (name, -1);
      GtkWidget *row;

      if (self->project_dir != NULL && g_file_equal (dir, self->project_dir))
        continue;
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), escaped_name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      g_object_set_data_full (G_OBJECT (row), "path", g_strdup (recent[i]), g_free);
      gtk_list_box_append (self->recent_list, row);
      shown++;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->recent_group), shown > 0);
}

static void
update_project_row (TdWelcomePage *self)
{
  if (self->project_dir == NULL)
    {
      adw_action_row_set_subtitle (self->project_row, _("No folder chosen yet. Choose the folder that holds backend/ and frontend/."));
      return;
    }
  {
    g_autofree char *path = g_file_get_path (self->project_dir);
    g_autofree char *escaped = g_markup_escape_text (path ? path : "", -1);
    adw_action_row_set_subtitle (self->project_row, escaped);
  }
}

GFile *
td_welcome_page_get_project_dir (TdWelcomePage *self)
{
  g_return_val_if_fail (TD_IS_WELCOME_PAGE (self), NULL);
  return self->project_dir;
}

void
td_welcome_page_set_project_dir (TdWelcomePage *self, GFile *project_dir)
{
  g_return_if_fail (TD_IS_WELCOME_PAGE (self));

  if (self->project_dir != NULL && project_dir != NULL && g_file_equal (self->project_dir, project_dir))
    return;
  if (!g_set_object (&self->project_dir, project_dir))
    return;
  if (project_dir != NULL)
    remember_project (self, project_dir);
  update_project_row (self);
  rebuild_recent (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECT_DIR]);
  td_welcome_page_recheck (self);
}

static void
on_chooser_response (GtkNativeDialog *dialog, int response, TdWelcomePage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) dir = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      td_welcome_page_set_project_dir (self, dir);
    }
  g_clear_object (&self->chooser);
}

void
td_welcome_page_choose_folder (TdWelcomePage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  g_return_if_fail (TD_IS_WELCOME_PAGE (self));
  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Choose the Todo Chatbot Project Folder"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                               _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  if (self->project_dir != NULL)
    {
      g_autoptr(GFile) parent = g_file_get_parent (self->project_dir);
      if (parent != NULL)
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), parent, NULL);
    }
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
choose_folder_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  td_welcome_page_choose_folder (TD_WELCOME_PAGE (widget));
}

static void
recheck_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  td_welcome_page_recheck (TD_WELCOME_PAGE (widget));
}

/* ---- GObject -------------------------------------------------------------------------------- */

static void
td_welcome_page_dispose (GObject *object)
{
  TdWelcomePage *self = TD_WELCOME_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_object (&self->settings);
  g_clear_object (&self->project_dir);
  g_clear_pointer (&self->check_rows, g_ptr_array_unref);
  G_OBJECT_CLASS (td_welcome_page_parent_class)->dispose (object);
}

static void
td_welcome_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TdWelcomePage *self = TD_WELCOME_PAGE (object);

  switch (prop_id)
    {
    case PROP_PROJECT_DIR:
      g_value_set_object (value, self->project_dir);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_welcome_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  TdWelcomePage *self = TD_WELCOME_PAGE (object);

  switch (prop_id)
    {
    case PROP_PROJECT_DIR:
      td_welcome_page_set_project_dir (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_welcome_page_class_init (TdWelcomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = td_welcome_page_dispose;
  object_class->get_property = td_welcome_page_get_property;
  object_class->set_property = td_welcome_page_set_property;

  properties[PROP_PROJECT_DIR] =
    g_param_spec_object ("project-dir", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/tododeploy/TodoDeploy/td-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TdWelcomePage, project_row);
  gtk_widget_class_bind_template_child (widget_class, TdWelcomePage, recent_group);
  gtk_widget_class_bind_template_child (widget_class, TdWelcomePage, recent_list);
  gtk_widget_class_bind_template_child (widget_class, TdWelcomePage, tools_group);
  gtk_widget_class_bind_template_child (widget_class, TdWelcomePage, agents_group);
  gtk_widget_class_bind_template_child (widget_class, TdWelcomePage, checks_group);
  gtk_widget_class_bind_template_child (widget_class, TdWelcomePage, preflight_spinner);
  gtk_widget_class_bind_template_child (widget_class, TdWelcomePage, recheck_button);
  gtk_widget_class_bind_template_callback (widget_class, on_recent_row_activated);
  gtk_widget_class_install_action (widget_class, "welcome.choose-folder", NULL, choose_folder_action);
  gtk_widget_class_install_action (widget_class, "welcome.recheck", NULL, recheck_action);
}

static void
td_welcome_page_init (TdWelcomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->check_rows = g_ptr_array_new ();
  td_wizard_page_set_title (TD_WIZARD_PAGE (self), _("Welcome"));
}

GtkWidget *
td_welcome_page_new (TdPreflight *preflight, GSettings *settings)
{
  TdWelcomePage *self = g_object_new (TD_TYPE_WELCOME_PAGE, "preflight", preflight, NULL);

  self->settings = settings ? g_object_ref (settings) : NULL;
  build_check_rows (self);
  update_project_row (self);
  rebuild_recent (self);
  td_welcome_page_recheck (self);
  return GTK_WIDGET (self);
}
