/* td-chatbot-group.c */
#define G_LOG_DOMAIN "td-chatbot-group"

#include <glib/gi18n.h>

#include "td-chatbot-group.h"
#include "td-frontend-url.h"

struct _TdChatbotGroup
{
  AdwPreferencesGroup  parent_instance;

  TdWizardPage        *page;     /* the group's ancestor */
  AdwActionRow        *row;
  GSimpleAction       *action;   /* phase.open-chatbot, owned by the page */
  char                *url;
};

G_DEFINE_FINAL_TYPE (TdChatbotGroup, td_chatbot_group, ADW_TYPE_PREFERENCES_GROUP)

void
td_chatbot_group_update (TdChatbotGroup *self)
{
  TdDeployment *deployment;
  TdProcess *tunnel;
  const char *url;
  g_autofree char *subtitle = NULL;

  g_return_if_fail (TD_IS_CHATBOT_GROUP (self));
  deployment = td_wizard_page_get_deployment (self->page);
  url = deployment ? td_frontend_url_get_last (deployment) : NULL;
  tunnel = deployment ? td_frontend_url_get_tunnel (deployment) : NULL;
  g_free (self->url);
  self->url = g_strdup (url);
  gtk_widget_set_visible (GTK_WIDGET (self), url != NULL);
  /* Where minikube needs a tunnel, the URL works only while its process runs: say so. */
  if (url != NULL && tunnel != NULL)
    {
      subtitle = g_strdup_printf (td_process_get_running (tunnel)
                                    ? _("%s\nKept open by “minikube service todo-frontend --url”, running; Todo Deploy stops it when it closes.")
                                    : _("%s\nThe “minikube service” tunnel has ended: check the gate again to reopen it."),
                                  url);
      g_signal_handlers_disconnect_by_func (tunnel, td_chatbot_group_update, self);
      g_signal_connect_object (tunnel, "notify::running", G_CALLBACK (td_chatbot_group_update), self, G_CONNECT_SWAPPED);
    }
  adw_action_row_set_subtitle (self->row, subtitle ? subtitle : url ? url : "");
  g_simple_action_set_enabled (self->action, url != NULL);
}

const char *
td_chatbot_group_get_url (TdChatbotGroup *self)
{
  g_return_val_if_fail (TD_IS_CHATBOT_GROUP (self), NULL);
  return self->url;
}

static void
open_activated (TdChatbotGroup *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->url == NULL)
    return;
  /* Inside Flatpak the OpenURI portal opens the browser. */
  gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->url, GDK_CURRENT_TIME);
}

static void
td_chatbot_group_finalize (GObject *object)
{
  g_free (TD_CHATBOT_GROUP (object)->url);
  G_OBJECT_CLASS (td_chatbot_group_parent_class)->finalize (object);
}

static void
td_chatbot_group_class_init (TdChatbotGroupClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = td_chatbot_group_finalize;
}

static void
td_chatbot_group_init (TdChatbotGroup *self)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Open Todo Chatbot"));

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), _("Todo Chatbot"));
  self->row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->row), _("Address"));
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_widget_add_css_class (button, "pill");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "phase.open-chatbot");
  adw_action_row_add_suffix (self->row, button);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), GTK_WIDGET (self->row));
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
td_chatbot_group_new (TdWizardPage *page)
{
  TdChatbotGroup *self = g_object_new (TD_TYPE_CHATBOT_GROUP, NULL);

  self->page = page;
  self->action = td_wizard_page_add_action (page, "phase.open-chatbot", G_CALLBACK (open_activated), self);
  g_signal_connect_object (page, "notify::deployment", G_CALLBACK (td_chatbot_group_update), self, G_CONNECT_SWAPPED);
  return GTK_WIDGET (self);
}
