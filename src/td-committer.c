/* td-committer.c */
#define G_LOG_DOMAIN "td-committer"

#include <glib/gi18n.h>

#include "td-committer.h"
#include "td-git-commit.h"

struct _TdCommitter
{
  GObject         parent_instance;

  TdWizardPage   *page;     /* owns the committer */
  TdTaskRows     *rows;
  TdTask         *task;
  GSimpleAction  *action;   /* phase.commit, owned by the page */
  GCancellable   *cancellable;
};

G_DEFINE_FINAL_TYPE (TdCommitter, td_committer, G_TYPE_OBJECT)

static void
committed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TdCommitter) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = td_git_commit_run_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_simple_action_set_enabled (self->action, TRUE);
  td_task_rows_show (self->rows, self->task, ok ? TD_CHECK_STATUS_OK : TD_CHECK_STATUS_FAILED,
                     ok ? _("Committed.") : error->message);
}

static void
on_commit_response (AdwMessageDialog *dialog, const char *response, TdCommitter *self)
{
  GPtrArray *commands = g_object_get_data (G_OBJECT (dialog), "commands");
  TdDeployment *deployment = td_wizard_page_get_deployment (self->page);

  if (g_strcmp0 (response, "commit") != 0 || deployment == NULL)
    return;
  td_task_rows_set_status (self->rows, self->task, TD_CHECK_STATUS_RUNNING);
  g_simple_action_set_enabled (self->action, FALSE);
  if (self->cancellable == NULL)
    self->cancellable = g_cancellable_new ();
  td_git_commit_run_async (deployment, td_task_get_id (self->task), commands, self->cancellable, committed, g_object_ref (self));
}

static void
commit_activated (TdCommitter *self)
{
  TdDeployment *deployment = td_wizard_page_get_deployment (self->page);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self->page));
  g_autoptr(GPtrArray) commands = NULL;
  g_autofree char *text = NULL;
  GtkWidget *dialog, *label;

  if (deployment == NULL)
    return;
  commands = td_git_commit_commands (self->task, td_deployment_get_project_dir (deployment));
  if (commands == NULL)
    {
      td_task_rows_set_text (self->rows, self->task, _("None of the files to commit exists yet."));
      return;
    }
  text = td_git_commit_describe (commands);
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, _("Commit These Files?"),
                                   _("Todo Deploy will run exactly these commands in the project folder:"));
  label = gtk_label_new (text);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_widget_add_css_class (label, "monospace");
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), label);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "commit", _("C_ommit"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "commit", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "commands", g_steal_pointer (&commands), (GDestroyNotify) g_ptr_array_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_commit_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* A commit under way ends with the project or the page. */
static void
cancel_work (TdCommitter *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
}

static void
td_committer_dispose (GObject *object)
{
  TdCommitter *self = TD_COMMITTER (object);

  cancel_work (self);
  g_clear_object (&self->rows);
  g_clear_object (&self->task);
  G_OBJECT_CLASS (td_committer_parent_class)->dispose (object);
}

static void
td_committer_class_init (TdCommitterClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = td_committer_dispose;
}

static void
td_committer_init (TdCommitter *self)
{
}

TdCommitter *
td_committer_new (TdWizardPage *page, TdTaskRows *rows, TdTask *task)
{
  TdCommitter *self = g_object_new (TD_TYPE_COMMITTER, NULL);

  self->page = page;
  self->rows = g_object_ref (rows);
  self->task = g_object_ref (task);
  /* Enabled always, as it was a class action: without a project it does nothing. */
  self->action = td_wizard_page_add_action (page, "phase.commit", G_CALLBACK (commit_activated), self);
  g_simple_action_set_enabled (self->action, TRUE);
  td_task_rows_add_button (rows, task, _("_Commit…"), "phase.commit",
                           _("See the exact git commands, then run them if you agree"));
  g_signal_connect_object (page, "notify::deployment", G_CALLBACK (cancel_work), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (page, "destroy", G_CALLBACK (cancel_work), self, G_CONNECT_SWAPPED);
  return self;
}
