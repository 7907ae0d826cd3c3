/* td-window.c: the wizard window: sidebar of phases, one page per phase, Back/Next */
#define G_LOG_DOMAIN "td-window"

#include <glib/gi18n.h>

#include "td-audit-log.h"
#include "td-audit-log-window.h"
#include "td-deployment.h"
#include "td-frontend-url.h"
#include "td-image-page.h"
#include "td-manifests-page.h"
#include "td-log-view.h"
#include "td-phase-page.h"
#include "td-plan.h"
#include "td-preflight.h"
#include "td-progress.h"
#include "td-runner.h"
#include "td-sidebar-row.h"
#include "td-welcome-page.h"
#include "td-window.h"

struct _TdWindow
{
  AdwApplicationWindow  parent_instance;

  char                 *plan_file;      /* --plan FILE, or NULL for the bundled plan */
  TdPlan               *plan;
  TdRunner             *runner;
  TdPreflight          *preflight;
  TdDeployment         *deployment;     /* NULL until a project folder is chosen */
  GSettings            *settings;
  GCancellable         *cancellable;    /* cancelled when the window closes */
  GCancellable         *resume_cancellable; /* the re-check of a reopened project's saved phases */
  GPtrArray            *pages;          /* of TdWizardPage, Welcome first */
  guint                 current;
  gboolean              applying;

  AdwLeaflet           *leaflet;
  GtkWidget            *content_box;
  GtkListBox           *sidebar_list;
  AdwWindowTitle       *window_title;
  GtkStack             *page_stack;
  GtkRevealer          *log_revealer;
  TdLogView            *log_view;
  AdwToastOverlay      *toast_overlay;
};

G_DEFINE_FINAL_TYPE (TdWindow, td_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_PLAN_FILE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The page registry: which page class shows a phase, by the `page:` the plan gives it (after
 * gnome-initial-setup's page table). */
typedef GtkWidget *(*TdPageConstructor) (TdPhase *phase, TdPreflight *preflight);

static GtkWidget *
generic_phase_page_new (TdPhase *phase, TdPreflight *preflight)
{
  GtkWidget *page = td_phase_page_new (phase);

  td_wizard_page_set_preflight (TD_WIZARD_PAGE (page), preflight);
  return page;
}

static const struct {
  TdPageKind         page;
  TdPageConstructor  construct;
} page_registry[] = {
  { TD_PAGE_KIND_PHASE,     generic_phase_page_new },
  { TD_PAGE_KIND_IMAGE,     td_image_page_new },
  { TD_PAGE_KIND_MANIFESTS, td_manifests_page_new },
};

static GtkWidget *
page_for_phase (TdPhase *phase, TdPreflight *preflight)
{
  for (guint i = 0; i < G_N_ELEMENTS (page_registry); i++)
    if (page_registry[i].page == td_phase_get_page (phase))
      return page_registry[i].construct (phase, preflight);
  g_return_val_if_reached (NULL);
}

static TdWizardPage *
current_page (TdWindow *self)
{
  return self->pages->pdata[self->current];
}

static TdWelcomePage *
welcome_page (TdWindow *self)
{
  return TD_WELCOME_PAGE (self->pages->pdata[0]);
}

static void
update_navigation (TdWindow *self)
{
  TdWizardPage *page = current_page (self);
  gboolean last = self->current + 1 >= self->pages->len;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.back", self->current > 0 && !self->applying);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.next",
                                 !last && !self->applying && td_wizard_page_get_complete (page));
}

/* A phase may start once Welcome is done and every phase it depends on has passed. */
static void
update_phase_readiness (TdWindow *self)
{
  gboolean welcome_done = td_wizard_page_get_complete (self->pages->pdata[0]);
  GListModel *phases = td_plan_get_phases (self->plan);

  for (guint i = 0; i < g_list_model_get_n_items (phases); i++)
    {
      g_autoptr(TdPhase) phase = g_list_model_get_item (phases, i);
      const char * const *deps = td_phase_get_depends_on (phase);
      TdPhaseState state = td_phase_get_state (phase);
      gboolean ready = welcome_done;

      if (state != TD_PHASE_STATE_PENDING && state != TD_PHASE_STATE_READY)
        continue;
      for (guint d = 0; ready && deps != NULL && deps[d] != NULL; d++)
        {
          TdPhase *dep = td_plan_lookup_phase (self->plan, deps[d]);
          ready = dep != NULL && (td_phase_get_state (dep) == TD_PHASE_STATE_PASSED ||
                                  td_phase_get_state (dep) == TD_PHASE_STATE_SKIPPED);
        }
      td_phase_set_state (phase, ready ? TD_PHASE_STATE_READY : TD_PHASE_STATE_PENDING);
    }
}

/* The sidebar marks the page shown, not the row the keyboard focus passes: a selecting list would
 * select each row Tab goes through and leave the mark on a phase that is not shown. */
static void
mark_current_row (TdWindow *self)
{
  GtkListBoxRow *row;

  for (guint i = 0; (row = gtk_list_box_get_row_at_index (self->sidebar_list, i)) != NULL; i++)
    {
      gboolean current = i == self->current;

      if (current)
        gtk_widget_set_state_flags (GTK_WIDGET (row), GTK_STATE_FLAG_SELECTED, FALSE);
      else
        gtk_widget_unset_state_flags (GTK_WIDGET (row), GTK_STATE_FLAG_SELECTED);
      gtk_accessible_update_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_SELECTED, current, -1);
    }
}

static void
show_page (TdWindow *self, guint index)
{
  TdWizardPage *page;

  g_return_if_fail (index < self->pages->len);
  self->current = index;
  page = current_page (self);
  gtk_stack_set_visible_child (self->page_stack, GTK_WIDGET (page));
  adw_window_title_set_title (self->window_title, td_wizard_page_get_title (page));
  mark_current_row (self);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  update_navigation (self);
  td_wizard_page_shown (page);
}

static void
on_page_complete_changed (TdWindow *self)
{
  update_phase_readiness (self);
  update_navigation (self);
}

static void
on_sidebar_row_activated (GtkListBox *list, GtkListBoxRow *row, TdWindow *self)
{
  if (self->applying)
    return;
  show_page (self, gtk_list_box_row_get_index (row));
}

static void
apply_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TdWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  TdWizardPage *page = TD_WIZARD_PAGE (source);

  if (!td_wizard_page_apply_finish (page, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      self->applying = FALSE;
      update_navigation (self);
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
      return;
    }
  self->applying = FALSE;
  if (self->current + 1 < self->pages->len)
    show_page (self, self->current + 1);
  else
    update_navigation (self);
}

static void
next_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TdWindow *self = TD_WINDOW (widget);
  TdWizardPage *page = current_page (self);

  if (self->applying || !td_wizard_page_get_complete (page) || self->current + 1 >= self->pages->len)
    return;
  self->applying = TRUE;
  update_navigation (self);
  td_wizard_page_apply_async (page, self->cancellable, apply_done, g_object_ref (self));
}

static void
back_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TdWindow *self = TD_WINDOW (widget);

  if (self->current > 0 && !self->applying)
    show_page (self, self->current - 1);
}

/* The index of the page that walks through @phase_id, or 0 (Welcome) when there is none. */
static guint
page_index_for_phase (TdWindow *self, const char *phase_id)
{
  for (guint i = 1; i < self->pages->len; i++)
    {
      TdPhase *phase = td_wizard_page_get_phase (self->pages->pdata[i]);

      if (phase != NULL && g_strcmp0 (td_phase_get_id (phase), phase_id) == 0)
        return i;
    }
  return 0;
}

static void
go_to_phase_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  td_window_go_to_phase (TD_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
show_sidebar_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TdWindow *self = TD_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
open_project_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TdWindow *self = TD_WINDOW (widget);

  show_page (self, 0);
  td_welcome_page_choose_folder (welcome_page (self));
}

static void
show_audit_log_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TdWindow *self = TD_WINDOW (widget);
  GFile *project = td_welcome_page_get_project_dir (welcome_page (self));
  g_autofree char *path = project ? g_file_get_path (project) : NULL;
  GtkWindow *dialog;

  if (path == NULL)
    {
      adw_toast_overlay_add_toast (self->toast_overlay,
                                   adw_toast_new (_("Choose a project folder first: the audit log lives in it.")));
      return;
    }
  {
    g_autoptr(TdAuditLog) log = td_audit_log_new (path, td_plan_get_setting (self->plan, "audit_log"),
                                                  td_plan_get_setting (self->plan, "audit_header"));
    dialog = GTK_WINDOW (td_audit_log_window_new (log));
  }
  gtk_window_set_transient_for (dialog, GTK_WINDOW (self));
  gtk_window_present (dialog);
}

static void
on_log_visible_changed (TdWindow *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "show-log");
  g_autoptr(GVariant) state = g_action_get_state (action);

  gtk_revealer_set_reveal_child (self->log_revealer, g_variant_get_boolean (state));
}

static void
show_log_change_state (GSimpleAction *action, GVariant *state, gpointer user_data)
{
  TdWindow *self = user_data;

  g_simple_action_set_state (action, state);
  if (self->settings != NULL)
    g_settings_set_boolean (self->settings, "log-visible", g_variant_get_boolean (state));
  on_log_visible_changed (self);
}

static void on_log_visible_changed (TdWindow *self);

static void
on_process_started (TdDeployment *deployment, TdProcess *process, const char *task_id, TdWindow *self)
{
  GAction *show_log = g_action_map_lookup_action (G_ACTION_MAP (self), "show-log");

  td_log_view_follow_process (self->log_view, process);
  /* Programs' output is part of being honest about what runs: show it as it streams (without
   * changing the saved preference, which is the user's own choice). */
  g_simple_action_set_state (G_SIMPLE_ACTION (show_log), g_variant_new_boolean (TRUE));
  on_log_visible_changed (self);
}

/* Passed phases are remembered per project; a failed one is forgotten. */
static void
on_phase_state_changed (TdPhase *phase, GParamSpec *pspec, TdWindow *self)
{
  TdPhaseState state = td_phase_get_state (phase);
  g_autoptr(GError) error = NULL;

  if (self->deployment == NULL || (state != TD_PHASE_STATE_PASSED && state != TD_PHASE_STATE_FAILED))
    return;
  if (!td_progress_set_passed (td_deployment_get_project_dir (self->deployment), td_phase_get_id (phase),
                               state == TD_PHASE_STATE_PASSED, &error))
    g_warning ("Progress not saved: %s", error->message);
}

static void
resumed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TdWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) holding = NULL;
  g_autofree char *next_phase = td_progress_resume_finish (result, &holding, &error);

  if (error != NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not re-check the saved progress: %s", error->message);
      return;
    }
  if (holding == NULL || holding[0] == NULL)
    return;
  for (guint i = 0; holding[i] != NULL; i++)
    td_phase_set_state (td_plan_lookup_phase (self->plan, holding[i]), TD_PHASE_STATE_PASSED);
  update_phase_readiness (self);
  if (!self->applying)
    show_page (self, next_phase ? page_index_for_phase (self, next_phase) : self->pages->len - 1);
  {
    g_autofree char *message = g_strdup_printf (_("Welcome back: %u phases still hold."), g_strv_length (holding));
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
  }
}

static void
on_project_dir_changed (TdWindow *self)
{
  GFile *dir = td_welcome_page_get_project_dir (welcome_page (self));
  g_autofree char *name = dir ? g_file_get_basename (dir) : NULL;
  g_autofree char *path = dir ? g_file_get_path (dir) : NULL;
  GListModel *phases = td_plan_get_phases (self->plan);

  adw_window_title_set_subtitle (self->window_title, name);

  /* A new project starts from the beginning: its phases have not been checked yet. */
  if (self->deployment != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->deployment, self);
      td_frontend_url_stop_tunnel (self->deployment);
    }
  g_clear_object (&self->deployment);
  if (path != NULL)
    {
      self->deployment = td_deployment_new (self->plan, self->runner, path);
      g_signal_connect (self->deployment, "process-started", G_CALLBACK (on_process_started), self);
    }
  for (guint i = 0; i < g_list_model_get_n_items (phases); i++)
    {
      g_autoptr(TdPhase) phase = g_list_model_get_item (phases, i);
      td_phase_set_state (phase, TD_PHASE_STATE_PENDING);
    }
  for (guint i = 0; i < self->pages->len; i++)
    td_wizard_page_set_deployment (self->pages->pdata[i], self->deployment);
  td_log_view_clear (self->log_view);
  update_phase_readiness (self);

  /* A project opened before continues where it stopped, once its saved phases hold again. */
  g_cancellable_cancel (self->resume_cancellable);
  g_clear_object (&self->resume_cancellable);
  if (self->deployment != NULL)
    {
      self->resume_cancellable = g_cancellable_new ();
      td_progress_resume_async (self->deployment, self->resume_cancellable, resumed, g_object_ref (self));
    }
}

static GSettings *
lookup_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  /* Running from a build tree without the schema must not abort: recent folders are simply
   * not remembered then. */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    {
      g_message ("GSettings schema %s not found; settings will not be saved", APP_ID);
      return NULL;
    }
  return g_settings_new_full (schema, NULL, NULL);
}

static void
add_page (TdWindow *self, GtkWidget *page, TdPhase *phase)
{
  gtk_stack_add_child (self->page_stack, page);
  g_ptr_array_add (self->pages, page);
  gtk_list_box_append (self->sidebar_list, td_sidebar_row_new (phase));
  g_signal_connect_object (page, "notify::complete", G_CALLBACK (on_page_complete_changed), self,
                           G_CONNECT_SWAPPED);
}

static void
build_pages (TdWindow *self)
{
  g_autoptr(GError) error = NULL;
  GListModel *phases;

  self->plan = td_plan_load (self->plan_file, &error);
  if (self->plan == NULL)
    {
      /* The bundled plan failing is a packaging bug, a --plan file an author's mistake: both are
       * shown plainly, with the file, line and column. */
      GtkWidget *status = adw_status_page_new ();
      adw_status_page_set_icon_name (ADW_STATUS_PAGE (status), "dialog-error-symbolic");
      adw_status_page_set_title (ADW_STATUS_PAGE (status), _("The Deployment Plan Could Not Be Loaded"));
      adw_status_page_set_description (ADW_STATUS_PAGE (status), error->message);
      gtk_stack_add_child (self->page_stack, status);
      g_critical ("%s", error->message);
      return;
    }

  add_page (self, td_welcome_page_new (self->preflight, self->settings), NULL);
  g_signal_connect_object (self->pages->pdata[0], "notify::project-dir",
                           G_CALLBACK (on_project_dir_changed), self, G_CONNECT_SWAPPED);

  phases = td_plan_get_phases (self->plan);
  for (guint i = 0; i < g_list_model_get_n_items (phases); i++)
    {
      g_autoptr(TdPhase) phase = g_list_model_get_item (phases, i);
      GtkWidget *page = page_for_phase (phase, self->preflight);

      add_page (self, page, phase);
      g_signal_connect_object (phase, "notify::state", G_CALLBACK (on_phase_state_changed), self, 0);
    }
  update_phase_readiness (self);
  show_page (self, 0);
}

static gboolean
td_window_close_request (GtkWindow *window)
{
  TdWindow *self = TD_WINDOW (window);

  g_cancellable_cancel (self->cancellable);
  /* The `minikube service` tunnel lives only for the chatbot's address: it ends with the window. */
  if (self->deployment != NULL)
    td_frontend_url_stop_tunnel (self->deployment);
  if (self->settings != NULL)
    {
      int width, height;
      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
      g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
    }
  return GTK_WINDOW_CLASS (td_window_parent_class)->close_request (window);
}

static void
td_window_dispose (GObject *object)
{
  TdWindow *self = TD_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->resume_cancellable);
  g_clear_object (&self->resume_cancellable);
  g_clear_pointer (&self->pages, g_ptr_array_unref);
  g_clear_object (&self->preflight);
  if (self->deployment != NULL)
    g_signal_handlers_disconnect_by_data (self->deployment, self);
  g_clear_object (&self->deployment);
  g_clear_object (&self->runner);
  g_clear_object (&self->plan);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (td_window_parent_class)->dispose (object);
}

static void
td_window_finalize (GObject *object)
{
  g_free (TD_WINDOW (object)->plan_file);
  G_OBJECT_CLASS (td_window_parent_class)->finalize (object);
}

static void
td_window_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  TdWindow *self = TD_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PLAN_FILE:
      self->plan_file = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_window_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TdWindow *self = TD_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PLAN_FILE:
      g_value_set_string (value, self->plan_file);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_window_constructed (GObject *object)
{
  G_OBJECT_CLASS (td_window_parent_class)->constructed (object);
  /* After the properties: the plan file decides the pages. */
  build_pages (TD_WINDOW (object));
}

static void
td_window_class_init (TdWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = td_window_dispose;
  object_class->finalize = td_window_finalize;
  object_class->set_property = td_window_set_property;
  object_class->get_property = td_window_get_property;
  object_class->constructed = td_window_constructed;
  window_class->close_request = td_window_close_request;

  /* The plan the window follows: a file (`--plan FILE`), or NULL for the bundled plan. */
  properties[PROP_PLAN_FILE] =
    g_param_spec_string ("plan-file", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (TD_TYPE_LOG_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/tododeploy/TodoDeploy/td-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TdWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, TdWindow, content_box);
  gtk_widget_class_bind_template_child (widget_class, TdWindow, sidebar_list);
  gtk_widget_class_bind_template_child (widget_class, TdWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, TdWindow, page_stack);
  gtk_widget_class_bind_template_child (widget_class, TdWindow, log_revealer);
  gtk_widget_class_bind_template_child (widget_class, TdWindow, log_view);
  gtk_widget_class_bind_template_child (widget_class, TdWindow, toast_overlay);
  gtk_widget_class_bind_template_callback (widget_class, on_sidebar_row_activated);

  gtk_widget_class_install_action (widget_class, "win.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "win.show-sidebar", NULL, show_sidebar_action);
  gtk_widget_class_install_action (widget_class, "win.open-project", NULL, open_project_action);
  gtk_widget_class_install_action (widget_class, "win.show-audit-log", NULL, show_audit_log_action);
  gtk_widget_class_install_action (widget_class, "win.go-to-phase", "s", go_to_phase_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open-project", NULL);
}

/* Alt+Right and Alt+Left are Next and Back wherever the focus is. As class bindings they come
 * last, after the controls between the focus and the window have had the key: one of those
 * treats Alt+Left as Left and moves the focus instead. Caught on the way down, they come first. */
static void
add_navigation_shortcuts (TdWindow *self)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();
  GtkShortcutController *shortcuts = GTK_SHORTCUT_CONTROLLER (controller);

  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (shortcuts, gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Right, GDK_ALT_MASK),
                                                                     gtk_named_action_new ("win.next")));
  gtk_shortcut_controller_add_shortcut (shortcuts, gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Left, GDK_ALT_MASK),
                                                                     gtk_named_action_new ("win.back")));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

static void
td_window_init (TdWindow *self)
{
  const GActionEntry entries[] = {
    { .name = "show-log", .state = "false", .change_state = show_log_change_state },
  };

  gtk_widget_init_template (GTK_WIDGET (self));
  add_navigation_shortcuts (self);
  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);

  self->cancellable = g_cancellable_new ();
  self->pages = g_ptr_array_new ();
  self->settings = lookup_settings ();
  self->runner = td_runner_new ();
  self->preflight = td_preflight_new (self->runner);

  if (self->settings != NULL)
    {
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (self->settings, "window-width"),
                                   g_settings_get_int (self->settings, "window-height"));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
      g_action_group_change_action_state (G_ACTION_GROUP (self), "show-log",
                                          g_variant_new_boolean (g_settings_get_boolean (self->settings, "log-visible")));
    }
}

TdWindow *
td_window_new (TdApplication *application)
{
  return g_object_new (TD_TYPE_WINDOW, "application", application,
                       "plan-file", application != NULL ? td_application_get_plan_file (application) : NULL,
                       NULL);
}

void
td_window_open_project (TdWindow *self, GFile *project_dir)
{
  g_return_if_fail (TD_IS_WINDOW (self));

  if (self->pages->len == 0)
    return;
  td_welcome_page_set_project_dir (welcome_page (self), project_dir);
  show_page (self, 0);
}

TdLogView *
td_window_get_log_view (TdWindow *self)
{
  g_return_val_if_fail (TD_IS_WINDOW (self), NULL);
  return self->log_view;
}

gboolean
td_window_go_to_phase (TdWindow *self, const char *phase_id)
{
  guint index;

  g_return_val_if_fail (TD_IS_WINDOW (self), FALSE);
  index = page_index_for_phase (self, phase_id);
  if (index == 0 || self->applying)
    return FALSE;
  show_page (self, index);
  return TRUE;
}

const char *
td_window_get_current_phase_id (TdWindow *self)
{
  TdPhase *phase;

  g_return_val_if_fail (TD_IS_WINDOW (self), NULL);
  if (self->pages->len == 0)
    return NULL;
  phase = td_wizard_page_get_phase (current_page (self));
  return phase ? td_phase_get_id (phase) : NULL;
}
