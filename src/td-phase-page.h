/* td-phase-page.h: one page per plan phase: its tasks with their seed IDs and what each runs,
 * and the gate that lets the user go on. The preflight (TdWizardPage:preflight) decides between
 * kagent and the built-in health analysis. */
#pragma once

#include "td-wizard-page.h"

G_BEGIN_DECLS

#define TD_TYPE_PHASE_PAGE (td_phase_page_get_type ())
G_DECLARE_FINAL_TYPE (TdPhasePage, td_phase_page, TD, PHASE_PAGE, TdWizardPage)

GtkWidget  *td_phase_page_new             (TdPhase     *phase);
/* The address Open Todo Chatbot opens (the url-responds check's), or NULL while none is known. */
const char *td_phase_page_get_chatbot_url (TdPhasePage *self);

G_END_DECLS
