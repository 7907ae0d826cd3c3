/* td-welcome-page.h: choose the project folder and run the preflight */
#pragma once

#include "td-preflight.h"
#include "td-wizard-page.h"

G_BEGIN_DECLS

#define TD_TYPE_WELCOME_PAGE (td_welcome_page_get_type ())
G_DECLARE_FINAL_TYPE (TdWelcomePage, td_welcome_page, TD, WELCOME_PAGE, TdWizardPage)

/* @settings may be NULL (no schema installed): recent folders are then not remembered. */
GtkWidget *td_welcome_page_new             (TdPreflight   *preflight,
                                            GSettings     *settings);
GFile     *td_welcome_page_get_project_dir (TdWelcomePage *self);
void       td_welcome_page_set_project_dir (TdWelcomePage *self,
                                            GFile         *project_dir);
/* Runs the preflight again (tools may have been installed meanwhile). */
void       td_welcome_page_recheck         (TdWelcomePage *self);
/* Opens the folder chooser. */
void       td_welcome_page_choose_folder   (TdWelcomePage *self);

G_END_DECLS
