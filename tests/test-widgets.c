/* test-widgets.c: every page and widget instantiates on the GTK 4.8 / libadwaita 1.2 floor and
 * behaves as the wizard needs */
#include <adwaita.h>
#include <glib/gstdio.h>

#include "td-audit-log-window.h"
#include "td-log-view.h"
#include "td-phase-page.h"
#include "td-plan.h"
#include "td-runner.h"
#include "td-sidebar-row.h"
#include "td-source-style.h"
#include "td-welcome-page.h"
#include "td-window.h"
#include "widget-test-util.h"

static gboolean
is_row_titled (GtkWidget *widget, gconstpointer prefix)
{
  return ADW_IS_PREFERENCES_ROW (widget) &&
         g_str_has_prefix (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), prefix);
}

/* Whether an AdwPreferencesRow under @widget has a title that starts with @prefix. */
static gboolean
has_row_titled (GtkWidget *widget, const char *prefix)
{
  return widget_test_find (widget, is_row_titled, prefix) != NULL;
}

static void
test_log_view_lines (void)
{
  TdLogView *view = TD_LOG_VIEW (g_object_ref_sink (td_log_view_new ()));
  const char *argv[] = { "minikube", "start", "--memory", "4 GiB", NULL };
  g_autofree char *text = NULL;

  td_log_view_append_command (view, argv);
  td_log_view_append_line (view, TD_STREAM_STDOUT, "😄  minikube v1.37.0");
  td_log_view_append_line (view, TD_STREAM_STDERR, "❗  warning");
  td_log_view_append_line (view, TD_STREAM_STDOUT, "\x1b[38;5;252m  Apply it later\x1b[0m");
  text = td_log_view_get_text (view);
  g_assert_cmpstr (text, ==, "$ minikube start --memory '4 GiB'\n😄  minikube v1.37.0\n❗  warning\n  Apply it later\n");
  g_assert_cmpuint (td_log_view_get_n_lines (view), ==, 4);
  g_object_unref (view);
}

static void
test_log_view_is_bounded (void)
{
  TdLogView *view = TD_LOG_VIEW (g_object_ref_sink (td_log_view_new ()));
  g_autofree char *text = NULL;

  for (guint i = 0; i < 6000; i++)
    {
      g_autofree char *line = g_strdup_printf ("line %u", i);
      td_log_view_append_line (view, TD_STREAM_STDOUT, line);
    }
  g_assert_cmpuint (td_log_view_get_n_lines (view), ==, 5000);
  text = td_log_view_get_text (view);
  g_assert_true (g_str_has_prefix (text, "line 1000\n"));
  g_assert_true (g_str_has_suffix (text, "line 5999\n"));
  g_object_unref (view);
}

typedef struct {
  GtkAdjustment *adj;
  double         upper, value, page_size;
  guint          still_frames;   /* frames drawn in a row with the same scroll range and position */
} Layout;

static gboolean
count_still_frames (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  Layout *layout = data;
  double upper = gtk_adjustment_get_upper (layout->adj);
  double value = gtk_adjustment_get_value (layout->adj);
  double page_size = gtk_adjustment_get_page_size (layout->adj);

  if (upper == layout->upper && value == layout->value && page_size == layout->page_size && page_size > 0)
    layout->still_frames++;
  else
    layout->still_frames = 0;
  layout->upper = upper;
  layout->value = value;
  layout->page_size = page_size;
  return G_SOURCE_CONTINUE;
}

static gboolean
layout_settled (gpointer data)
{
  return ((Layout *) data)->still_frames >= 3;
}

/* The text view measures new lines a few at a time, frame by frame, and the view follows (or not)
 * as the scroll range grows: waits until three frames in a row left the range and the position as
 * they were. */
static void
wait_layout_settled (GtkWidget *view, GtkAdjustment *adj)
{
  Layout layout = { adj, -1.0, -1.0, -1.0, 0 };
  guint tick = gtk_widget_add_tick_callback (view, count_still_frames, &layout, NULL);

  widget_test_wait_until (layout_settled, &layout,
                          "the log view to lay its lines out (its scroll range and position unchanged for three frames)");
  gtk_widget_remove_tick_callback (view, tick);
}

static GtkAdjustment *
log_view_adjustment (GtkWidget *view)
{
  for (GtkWidget *w = gtk_widget_get_first_child (view); w != NULL; w = gtk_widget_get_first_child (w))
    if (GTK_IS_SCROLLED_WINDOW (w))
      return gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (w));
  return NULL;
}

/* New output stays in view, also when the view is first shown after the lines arrived; a user
 * who scrolled up to read is left where they are. */
static void
test_log_view_follows_the_end (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *view = td_log_view_new ();
  GtkAdjustment *adj;

  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *line = g_strdup_printf ("early line %u", i);
      td_log_view_append_line (TD_LOG_VIEW (view), TD_STREAM_STDOUT, line);
    }
  gtk_window_set_default_size (GTK_WINDOW (window), 400, 200);
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_present (GTK_WINDOW (window));
  adj = log_view_adjustment (view);
  g_assert_nonnull (adj);
  wait_layout_settled (view, adj);
  g_assert_cmpfloat (gtk_adjustment_get_upper (adj), >, gtk_adjustment_get_page_size (adj));
  g_assert_cmpfloat (gtk_adjustment_get_value (adj) + gtk_adjustment_get_page_size (adj), >=, gtk_adjustment_get_upper (adj) - 12.0);

  for (guint i = 0; i < 100; i++)
    td_log_view_append_line (TD_LOG_VIEW (view), TD_STREAM_STDERR, "later line");
  wait_layout_settled (view, adj);
  g_assert_cmpfloat (gtk_adjustment_get_value (adj) + gtk_adjustment_get_page_size (adj), >=, gtk_adjustment_get_upper (adj) - 12.0);

  /* The user turns the wheel up to read: the view stays where they put it. */
  {
    GtkWidget *scroller = gtk_widget_get_first_child (view);
    GListModel *controllers = gtk_widget_observe_controllers (scroller);
    gboolean handled = FALSE;

    for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);
        if (GTK_IS_EVENT_CONTROLLER_SCROLL (controller) &&
            gtk_event_controller_get_propagation_phase (controller) == GTK_PHASE_CAPTURE)
          g_signal_emit_by_name (controller, "scroll", 0.0, -3.0, &handled);
      }
    g_object_unref (controllers);
  }
  gtk_adjustment_set_value (adj, 0.0);
  for (guint i = 0; i < 100; i++)
    td_log_view_append_line (TD_LOG_VIEW (view), TD_STREAM_STDOUT, "while reading");
  wait_layout_settled (view, adj);
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), ==, 0.0);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_phase_pages_list_their_tasks (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdPlan) plan = td_plan_new_default (&error);
  GListModel *phases;

  g_assert_no_error (error);
  phases = td_plan_get_phases (plan);
  g_assert_cmpuint (g_list_model_get_n_items (phases), ==, 8);
  for (guint i = 0; i < g_list_model_get_n_items (phases); i++)
    {
      g_autoptr(TdPhase) phase = g_list_model_get_item (phases, i);
      GtkWidget *page = g_object_ref_sink (td_phase_page_new (phase));
      GListModel *tasks = td_phase_get_tasks (phase);

      for (guint t = 0; t < g_list_model_get_n_items (tasks); t++)
        {
          g_autoptr(TdTask) task = g_list_model_get_item (tasks, t);
          g_autofree char *prefix = g_strdup_printf ("%s · ", td_task_get_id (task));
          g_assert_true (has_row_titled (page, prefix));
        }
      /* The page is complete exactly when its phase passed. */
      g_assert_false (td_wizard_page_get_complete (TD_WIZARD_PAGE (page)));
      td_phase_set_state (phase, TD_PHASE_STATE_PASSED);
      g_assert_true (td_wizard_page_get_complete (TD_WIZARD_PAGE (page)));
      g_object_unref (page);
    }
}

static void
test_sidebar_row_follows_state (void)
{
  g_autoptr(TdPlan) plan = td_plan_new_default (NULL);
  TdPhase *phase = td_plan_lookup_phase (plan, "cluster");
  GtkWidget *row = g_object_ref_sink (td_sidebar_row_new (phase));
  GtkWidget *welcome = g_object_ref_sink (td_sidebar_row_new (NULL));

  g_assert_true (td_sidebar_row_get_phase (TD_SIDEBAR_ROW (row)) == phase);
  g_assert_null (td_sidebar_row_get_phase (TD_SIDEBAR_ROW (welcome)));
  td_phase_set_state (phase, TD_PHASE_STATE_FAILED);
  g_assert_cmpint (td_phase_get_state (phase), ==, TD_PHASE_STATE_FAILED);
  g_object_unref (row);
  g_object_unref (welcome);
}

static void
test_audit_log_window_without_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("td-widgets-XXXXXX", NULL);
  g_autoptr(TdAuditLog) log = td_audit_log_new (dir, "phase-iv-audit.log", "# header");
  GtkWidget *window = td_audit_log_window_new (log);

  g_assert_true (TD_IS_AUDIT_LOG_WINDOW (window));
  gtk_window_destroy (GTK_WINDOW (window));
  g_rmdir (dir);
}

static void
test_window_starts_on_welcome (void)
{
  g_autoptr(TdApplication) app = td_application_new ();
  g_autoptr(GPtrArray) sidebar_rows = NULL;
  TdWindow *window;
  GtkWidget *next, *back;

  /* Windows need a started application; NON_UNIQUE keeps the test off the bus name. */
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  window = td_window_new (app);
  g_assert_true (TD_IS_WINDOW (window));
  /* Welcome plus the eight phases. */
  sidebar_rows = widget_test_find_all_by_type (GTK_WIDGET (window), TD_TYPE_SIDEBAR_ROW);
  g_assert_cmpuint (sidebar_rows->len, ==, 9);
  g_assert_true (has_row_titled (GTK_WIDGET (window), "Project Folder"));
  /* Nothing is complete yet, and Welcome is first: both Next and Back are disabled. */
  next = widget_test_find_actionable (GTK_WIDGET (window), "win.next");
  back = widget_test_find_actionable (GTK_WIDGET (window), "win.back");
  g_assert_nonnull (next);
  g_assert_nonnull (back);
  g_assert_false (gtk_widget_get_sensitive (next));
  g_assert_false (gtk_widget_get_sensitive (back));
  g_assert_nonnull (td_window_get_log_view (window));
  gtk_window_destroy (GTK_WINDOW (window));
}

static const char *
scheme_id (GtkSourceBuffer *buffer)
{
  GtkSourceStyleScheme *scheme = gtk_source_buffer_get_style_scheme (buffer);

  return scheme ? gtk_source_style_scheme_get_id (scheme) : NULL;
}

static void
test_source_style_follows_dark (void)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  g_autoptr(GtkSourceBuffer) buffer = gtk_source_buffer_new (NULL);

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  td_source_style_follow (buffer);
  g_assert_cmpstr (scheme_id (buffer), ==, "Adwaita");
  /* Switched while the view is shown: the code follows the window. */
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_true (adw_style_manager_get_dark (style));
  g_assert_cmpstr (scheme_id (buffer), ==, "Adwaita-dark");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  g_assert_cmpstr (scheme_id (buffer), ==, "Adwaita");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

static void
count_notify (guint *count)
{
  (*count)++;
}

static void
count_activation (GObject *owner)
{
  guint *count = g_object_get_data (owner, "count");

  (*count)++;
}

/* A part of a page adds an action under the page's own prefix: buttons in the page and
 * gtk_widget_activate_action () on it reach both kinds, and the part's ends with the part. */
static void
test_wizard_page_part_actions (void)
{
  g_autoptr(TdPlan) plan = td_plan_new_default (NULL);
  GtkWidget *page = g_object_ref_sink (td_phase_page_new (td_plan_lookup_phase (plan, "polish")));
  GObject *owner = g_object_new (G_TYPE_OBJECT, NULL);
  GtkWidget *button = gtk_button_new ();
  GSimpleAction *action;
  guint count = 0;

  g_object_set_data (owner, "count", &count);
  action = td_wizard_page_add_action (TD_WIZARD_PAGE (page), "phase.part-test", G_CALLBACK (count_activation), owner);
  g_assert_nonnull (action);
  g_assert_cmpstr (g_action_get_name (G_ACTION (action)), ==, "part-test");

  /* Disabled until its owner enables it. */
  g_assert_false (g_action_get_enabled (G_ACTION (action)));
  gtk_widget_activate_action (page, "phase.part-test", NULL);
  g_assert_cmpuint (count, ==, 0);
  g_simple_action_set_enabled (action, TRUE);
  g_assert_true (gtk_widget_activate_action (page, "phase.part-test", NULL));
  g_assert_cmpuint (count, ==, 1);

  /* A button inside the page follows it; the class's phase.run is still there beside it. */
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "phase.part-test");
  gtk_box_append (GTK_BOX (gtk_widget_get_parent (widget_test_find_actionable (page, "phase.run"))), button);
  g_assert_true (gtk_widget_get_sensitive (button) && gtk_widget_is_sensitive (button));
  g_simple_action_set_enabled (action, FALSE);
  g_assert_false (gtk_widget_is_sensitive (button));
  g_assert_true (gtk_widget_activate_action (page, "phase.run", NULL));

  /* Once its owner is gone, activating it does nothing. */
  g_simple_action_set_enabled (action, TRUE);
  g_object_unref (owner);
  g_assert_true (gtk_widget_activate_action (page, "phase.part-test", NULL));
  g_assert_cmpuint (count, ==, 1);
  g_object_unref (page);
}

/* The preflight is the base page's: set, read back, notified. */
static void
test_wizard_page_preflight (void)
{
  g_autoptr(TdPlan) plan = td_plan_new_default (NULL);
  g_autoptr(TdRunner) runner = td_runner_new ();
  g_autoptr(TdPreflight) preflight = td_preflight_new (runner);
  GtkWidget *page = g_object_ref_sink (td_phase_page_new (td_plan_lookup_phase (plan, "verify")));
  guint notified = 0;

  g_assert_null (td_wizard_page_get_preflight (TD_WIZARD_PAGE (page)));
  g_signal_connect_swapped (page, "notify::preflight", G_CALLBACK (count_notify), &notified);
  td_wizard_page_set_preflight (TD_WIZARD_PAGE (page), preflight);
  td_wizard_page_set_preflight (TD_WIZARD_PAGE (page), preflight);
  g_assert_true (td_wizard_page_get_preflight (TD_WIZARD_PAGE (page)) == preflight);
  g_assert_cmpuint (notified, ==, 1);
  td_wizard_page_set_preflight (TD_WIZARD_PAGE (page), NULL);
  g_assert_null (td_wizard_page_get_preflight (TD_WIZARD_PAGE (page)));
  g_assert_cmpuint (notified, ==, 2);
  g_object_unref (page);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/widgets/log-view/lines", test_log_view_lines);
  g_test_add_func ("/widgets/log-view/bounded", test_log_view_is_bounded);
  g_test_add_func ("/widgets/log-view/follows-the-end", test_log_view_follows_the_end);
  g_test_add_func ("/widgets/phase-page/tasks", test_phase_pages_list_their_tasks);
  g_test_add_func ("/widgets/wizard-page/part-actions", test_wizard_page_part_actions);
  g_test_add_func ("/widgets/wizard-page/preflight", test_wizard_page_preflight);
  g_test_add_func ("/widgets/sidebar-row/state", test_sidebar_row_follows_state);
  g_test_add_func ("/widgets/audit-log-window/no-file", test_audit_log_window_without_file);
  g_test_add_func ("/widgets/window/welcome", test_window_starts_on_welcome);
  g_test_add_func ("/widgets/source-style/follows-dark", test_source_style_follows_dark);
  return g_test_run ();
}
