/* td-helm-lock-row.h: on a page that runs `helm upgrade --install`, the row that appears when the
 * release is stuck in a pending-* state: what happened, and "Clear Lock…" (phase.clear-lock), which
 * shows the exact command and runs it only on confirmation */
#pragma once

#include <adwaita.h>

#include "td-wizard-page.h"

G_BEGIN_DECLS

#define TD_TYPE_HELM_LOCK_ROW (td_helm_lock_row_get_type ())
G_DECLARE_FINAL_TYPE (TdHelmLockRow, td_helm_lock_row, TD, HELM_LOCK_ROW, AdwActionRow)

/* Hidden until td_helm_lock_row_check () finds a lock on @page's deployment; hidden again when
 * the deployment changes. */
GtkWidget *td_helm_lock_row_new   (TdWizardPage  *page);
/* Asks helm whether the plan's release is locked, and shows the row if so. */
void       td_helm_lock_row_check (TdHelmLockRow *self);
/* Hides the row (a new run starts). */
void       td_helm_lock_row_reset (TdHelmLockRow *self);

G_END_DECLS
