/* td-log-view.c: a read-only, bounded, auto-scrolling text view of program output */
#define G_LOG_DOMAIN "td-log-view"

#include <glib/gi18n.h>
#include <string.h>

#include "td-agent-output.h"
#include "td-log-view.h"

/* Enough for a docker build's whole log; older lines are dropped so memory stays bounded. */
#define MAX_LINES 5000

struct _TdLogView
{
  AdwBin         parent_instance;
  GtkTextView   *text_view;
  GtkTextBuffer *buffer;
  GtkScrolledWindow *scroller;
  guint          n_lines;
  gboolean       follow;     /* keep the newest line in view; off while the user reads above */
  GtkTextMark   *end_mark;
  guint          check_source;
};

G_DEFINE_FINAL_TYPE (TdLogView, td_log_view, ADW_TYPE_BIN)

static gboolean
is_scrolled_to_end (TdLogView *self)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->scroller);

  return gtk_adjustment_get_value (adj) + gtk_adjustment_get_page_size (adj)
         >= gtk_adjustment_get_upper (adj) - 12.0;   /* the bottom margin may stay below the end */
}

/* Scroll to the newest line. A mark, not the adjustment: the text view lays lines out lazily and
 * keeps its top line in place while it does, so only scrolling to a mark lands at the real end. */
static void
show_end (TdLogView *self)
{
  if (self->follow)
    gtk_text_view_scroll_to_mark (self->text_view, self->end_mark, 0.0, TRUE, 0.0, 1.0);
}

static gboolean
check_end_after_scroll (gpointer user_data)
{
  TdLogView *self = user_data;

  self->follow = is_scrolled_to_end (self);
  self->check_source = 0;
  return G_SOURCE_REMOVE;
}

/* Only the user's own scrolling changes whether the view follows: up to read stops it, back down
 * to the end starts it again. */
static gboolean
on_user_scroll (GtkEventControllerScroll *controller, double dx, double dy, TdLogView *self)
{
  if (dy < 0)
    self->follow = FALSE;
  else if (dy > 0 && self->check_source == 0)
    self->check_source = g_timeout_add (100, check_end_after_scroll, self);
  return FALSE;
}

static void
trim_to_limit (TdLogView *self)
{
  GtkTextIter start, cut;
  guint excess;

  if (self->n_lines <= MAX_LINES)
    return;
  excess = self->n_lines - MAX_LINES;
  gtk_text_buffer_get_start_iter (self->buffer, &start);
  gtk_text_buffer_get_iter_at_line (self->buffer, &cut, excess);
  gtk_text_buffer_delete (self->buffer, &start, &cut);
  self->n_lines -= excess;
}

static void
append_with_tag (TdLogView *self, const char *text, const char *tag)
{
  GtkTextIter end;

  gtk_text_buffer_get_end_iter (self->buffer, &end);
  gtk_text_buffer_insert_with_tags_by_name (self->buffer, &end, text, -1, tag, NULL);
  gtk_text_buffer_get_end_iter (self->buffer, &end);
  gtk_text_buffer_insert (self->buffer, &end, "\n", 1);
  self->n_lines++;
  trim_to_limit (self);
  show_end (self);
}

void
td_log_view_append_command (TdLogView *self, const char * const *argv)
{
  g_autoptr(GString) line = g_string_new ("$");

  g_return_if_fail (TD_IS_LOG_VIEW (self));
  for (guint i = 0; argv != NULL && argv[i] != NULL; i++)
    {
      g_autofree char *quoted = NULL;
      gboolean plain = argv[i][0] != '\0' && strpbrk (argv[i], " \t\n'\"$`\\|&;<>()*?") == NULL;

      quoted = plain ? g_strdup (argv[i]) : g_shell_quote (argv[i]);
      g_string_append_c (line, ' ');
      g_string_append (line, quoted);
    }
  append_with_tag (self, line->str, "command");
}

void
td_log_view_append_line (TdLogView *self, TdStream stream, const char *text)
{
  g_autofree char *plain = NULL;

  g_return_if_fail (TD_IS_LOG_VIEW (self));
  /* Programs such as kubectl-ai colour their output even when it is not a terminal: show the
   * text, not the escape codes. */
  plain = strchr (text, '\x1b') != NULL ? td_agent_output_strip_ansi (text) : NULL;
  append_with_tag (self, plain ? plain : text, stream == TD_STREAM_STDERR ? "stderr" : NULL);
}

static void
on_process_line (TdProcess *process, TdStream stream, const char *text, TdLogView *self)
{
  td_log_view_append_line (self, stream, text);
}

void
td_log_view_follow_process (TdLogView *self, TdProcess *process)
{
  g_return_if_fail (TD_IS_LOG_VIEW (self));
  g_return_if_fail (TD_IS_PROCESS (process));

  td_log_view_append_command (self, td_process_get_argv (process));
  g_signal_connect_object (process, "line", G_CALLBACK (on_process_line), self, 0);
}

void
td_log_view_clear (TdLogView *self)
{
  g_return_if_fail (TD_IS_LOG_VIEW (self));
  gtk_text_buffer_set_text (self->buffer, "", 0);
  self->n_lines = 0;
}

char *
td_log_view_get_text (TdLogView *self)
{
  GtkTextIter start, end;

  g_return_val_if_fail (TD_IS_LOG_VIEW (self), NULL);
  gtk_text_buffer_get_bounds (self->buffer, &start, &end);
  return gtk_text_buffer_get_text (self->buffer, &start, &end, FALSE);
}

guint
td_log_view_get_n_lines (TdLogView *self)
{
  g_return_val_if_fail (TD_IS_LOG_VIEW (self), 0);
  return self->n_lines;
}

static void
td_log_view_dispose (GObject *object)
{
  TdLogView *self = TD_LOG_VIEW (object);

  g_clear_handle_id (&self->check_source, g_source_remove);
  G_OBJECT_CLASS (td_log_view_parent_class)->dispose (object);
}

static void
td_log_view_class_init (TdLogViewClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = td_log_view_dispose;
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "tdlogview");
}

static void
td_log_view_init (TdLogView *self)
{
  self->scroller = GTK_SCROLLED_WINDOW (gtk_scrolled_window_new ());
  self->text_view = GTK_TEXT_VIEW (gtk_text_view_new ());
  self->buffer = gtk_text_view_get_buffer (self->text_view);

  gtk_text_view_set_editable (self->text_view, FALSE);
  gtk_text_view_set_monospace (self->text_view, TRUE);
  gtk_text_view_set_wrap_mode (self->text_view, GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_left_margin (self->text_view, 12);
  gtk_text_view_set_right_margin (self->text_view, 12);
  gtk_text_view_set_top_margin (self->text_view, 6);
  gtk_text_view_set_bottom_margin (self->text_view, 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->text_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Program output"), -1);
  gtk_text_buffer_create_tag (self->buffer, "command", "weight", PANGO_WEIGHT_BOLD, NULL);
  gtk_text_buffer_create_tag (self->buffer, "stderr", "foreground", "#77767b", NULL);

  gtk_scrolled_window_set_child (self->scroller, GTK_WIDGET (self->text_view));
  self->follow = TRUE;
  {
    GtkTextIter end;
    GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);

    gtk_text_buffer_get_end_iter (self->buffer, &end);
    self->end_mark = gtk_text_buffer_create_mark (self->buffer, "end", &end, FALSE);
    gtk_event_controller_set_propagation_phase (scroll, GTK_PHASE_CAPTURE);
    g_signal_connect (scroll, "scroll", G_CALLBACK (on_user_scroll), self);
    gtk_widget_add_controller (GTK_WIDGET (self->scroller), scroll);
    /* Lines that arrived while the log was hidden: show the newest when it appears. */
    g_signal_connect_swapped (self->text_view, "map", G_CALLBACK (show_end), self);
    /* The text view measures lines a few at a time after they arrive, so the end keeps moving
     * for a while after the last line: follow it until the user scrolls away. */
    g_signal_connect_swapped (gtk_scrolled_window_get_vadjustment (self->scroller), "notify::upper",
                              G_CALLBACK (show_end), self);
  }  gtk_scrolled_window_set_policy (self->scroller, GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (GTK_WIDGET (self->scroller), TRUE);
  adw_bin_set_child (ADW_BIN (self), GTK_WIDGET (self->scroller));
}

GtkWidget *
td_log_view_new (void)
{
  return g_object_new (TD_TYPE_LOG_VIEW, NULL);
}
