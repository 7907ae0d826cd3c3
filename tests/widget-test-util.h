/* widget-test-util.h: what the widget tests share. Finding a widget in a page by what it is (its
 * type, its label, the action it triggers), the message dialog on screen, and waiting for what a
 * page does (see wait-test-util.h): until a condition holds, with a deadline that fails the test
 * saying what was awaited, never a fixed sleep.
 *
 * Every finder walks @root and its descendants depth first, @root included, and returns the first
 * widget that matches (borrowed), or NULL. The widget tests link widget-test-util.c
 * (tests/meson.build). Typical use:
 *
 *   gtk_widget_activate_action (page, "image.build", NULL);
 *   widget_test_wait_property (page, "busy", FALSE, "the image page to finish its build");
 *   g_assert_nonnull (widget_test_find_label (page, "Built todo-backend"));
 */
#pragma once

#include <adwaita.h>

#include "wait-test-util.h"

/* How long a widget test waits for one thing before it fails: long enough for a build against
 * the fakes on a loaded machine, short enough that a hang ends the test. */
#define WIDGET_TEST_DEADLINE_SECONDS 60

/* Iterates the main context until @condition (@data) holds; after WIDGET_TEST_DEADLINE_SECONDS
 * fails with "timed out after 60 s waiting for @what". @condition: gboolean (*) (gpointer). */
#define widget_test_wait_until(condition, data, what) \
  test_wait_until ((condition), (data), WIDGET_TEST_DEADLINE_SECONDS, (what))

/* Waits, as widget_test_wait_until, until the boolean property @name of @object is @value; e.g.
 * a page's "busy" to be FALSE once what it started has finished. */
#define widget_test_wait_property(object, name, value, what) \
  widget_test_wait_property_at (__FILE__, __LINE__, G_STRFUNC, G_OBJECT (object), (name), (value), (what))

/* Whether @widget is the one looked for; @data is the finder's. */
typedef gboolean (*WidgetTestMatch) (GtkWidget     *widget,
                                     gconstpointer  data);

GtkWidget        *widget_test_find                    (GtkWidget       *root,
                                                       WidgetTestMatch  match,
                                                       gconstpointer    data);
/* Every match, depth first (a new array of borrowed widgets; empty when there is none). */
GPtrArray        *widget_test_find_all                (GtkWidget       *root,
                                                       WidgetTestMatch  match,
                                                       gconstpointer    data);
/* An instance of @type or of a subclass. */
GtkWidget        *widget_test_find_by_type            (GtkWidget       *root,
                                                       GType            type);
GPtrArray        *widget_test_find_all_by_type        (GtkWidget       *root,
                                                       GType            type);
/* A GtkLabel whose label (as set, markup included) starts with @prefix. */
GtkLabel         *widget_test_find_label              (GtkWidget       *root,
                                                       const char      *prefix);
/* A GtkActionable whose action is @action_name ("win.next", "phase.run"), shown or not. */
GtkWidget        *widget_test_find_actionable         (GtkWidget       *root,
                                                       const char      *action_name);
/* The same, among the widgets that are visible themselves (gtk_widget_get_visible). */
GtkWidget        *widget_test_find_visible_actionable (GtkWidget       *root,
                                                       const char      *action_name);
/* The first AdwMessageDialog among the toplevel windows. */
AdwMessageDialog *widget_test_find_message_dialog     (void);

void              widget_test_wait_property_at        (const char      *file,
                                                       int              line,
                                                       const char      *func,
                                                       GObject         *object,
                                                       const char      *name,
                                                       gboolean         value,
                                                       const char      *what);
