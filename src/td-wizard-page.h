/* td-wizard-page.h: the base of every page in the wizard (gnome-initial-setup's page protocol).
 * A page sets `complete` when the user may go on; the window's Next button then runs the page's
 * async `apply`, and moves on only when it succeeds. */
#pragma once

#include <adwaita.h>

#include "td-deployment.h"
#include "td-phase.h"
#include "td-preflight.h"

G_BEGIN_DECLS

#define TD_TYPE_WIZARD_PAGE (td_wizard_page_get_type ())
G_DECLARE_DERIVABLE_TYPE (TdWizardPage, td_wizard_page, TD, WIZARD_PAGE, AdwBin)

struct _TdWizardPageClass
{
  AdwBinClass parent_class;

  /* Called when the user presses Next on a complete page. The default completes at once. */
  void     (*apply_async)  (TdWizardPage        *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data);
  gboolean (*apply_finish) (TdWizardPage        *self,
                            GAsyncResult        *result,
                            GError             **error);
  /* The page became the visible one. */
  void     (*shown)        (TdWizardPage        *self);
};

gboolean     td_wizard_page_get_complete (TdWizardPage        *self);
void         td_wizard_page_set_complete (TdWizardPage        *self,
                                          gboolean             complete);
const char  *td_wizard_page_get_title    (TdWizardPage        *self);
void         td_wizard_page_set_title    (TdWizardPage        *self,
                                          const char          *title);
/* The plan phase the page walks through, or NULL (Welcome). */
TdPhase     *td_wizard_page_get_phase    (TdWizardPage        *self);
/* The project being deployed, or NULL before a folder is chosen. Set by the window. */
TdDeployment *td_wizard_page_get_deployment (TdWizardPage     *self);
void         td_wizard_page_set_deployment (TdWizardPage      *self,
                                            TdDeployment      *deployment);
/* The preflight whose agent rows say which agents work (Gordon, kubectl-ai, kagent); may be NULL
 * (then no agent is offered). Set by the window. */
TdPreflight *td_wizard_page_get_preflight (TdWizardPage       *self);
void         td_wizard_page_set_preflight (TdWizardPage       *self,
                                           TdPreflight        *preflight);
/* For the parts of a page that are not the page itself (a group, a row's button): adds the action
 * @name ("phase.commit") to the page, so buttons anywhere in it and gtk_widget_activate_action() on
 * the page reach it. @activate (@owner) runs on activation until @owner is finalized. Returns the
 * action, owned by the page and disabled, for @owner to enable. */
GSimpleAction *td_wizard_page_add_action (TdWizardPage       *self,
                                          const char         *name,
                                          GCallback           activate,
                                          gpointer            owner);
void         td_wizard_page_apply_async  (TdWizardPage        *self,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean     td_wizard_page_apply_finish (TdWizardPage        *self,
                                          GAsyncResult        *result,
                                          GError             **error);
void         td_wizard_page_shown        (TdWizardPage        *self);

G_END_DECLS
