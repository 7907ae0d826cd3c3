/* td-chatbot-group.h: "Todo Chatbot": the frontend address the url-responds check reached (kept by
 * the deployment, so the Finish page has it too), whether the `minikube service` tunnel that keeps
 * it open still runs, and "Open Todo Chatbot" (phase.open-chatbot); hidden while no address is
 * known */
#pragma once

#include <adwaita.h>

#include "td-wizard-page.h"

G_BEGIN_DECLS

#define TD_TYPE_CHATBOT_GROUP (td_chatbot_group_get_type ())
G_DECLARE_FINAL_TYPE (TdChatbotGroup, td_chatbot_group, TD, CHATBOT_GROUP, AdwPreferencesGroup)

/* Follows @page's deployment. */
GtkWidget  *td_chatbot_group_new     (TdWizardPage   *page);
/* Reads the address again (after a gate check, when the page is shown). */
void        td_chatbot_group_update  (TdChatbotGroup *self);
/* The address Open Todo Chatbot opens, or NULL while none is known. */
const char *td_chatbot_group_get_url (TdChatbotGroup *self);

G_END_DECLS
