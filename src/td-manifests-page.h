/* td-manifests-page.h: the page of a phase whose manifests kubectl-ai writes (T016–T020): each
 * prompt word for word and editable, kubectl-ai run read-only (`--quiet`, stdin /dev/null, never
 * --skip-permissions) or the bundled reference, the extracted YAML reviewed against its contract,
 * Accept (templated into the chart), the T021 audit lines and the gate (files-exactly, helm lint) */
#pragma once

#include "td-preflight.h"
#include "td-wizard-page.h"

G_BEGIN_DECLS

typedef enum {
  TD_MANIFEST_SOURCE_NONE,
  TD_MANIFEST_SOURCE_KUBECTL_AI,   /* extracted from kubectl-ai's output */
  TD_MANIFEST_SOURCE_BUNDLED,      /* the bundled chart's template (no agent ran) */
} TdManifestSource;

/* Asked of kubectl-ai after every prompt, and shown with it: print, do not apply. */
#define TD_MANIFESTS_PROMPT_SUFFIX \
  "Print the complete manifest as YAML only. Do not apply it to the cluster and do not run any kubectl command that changes it."

#define TD_TYPE_MANIFESTS_PAGE (td_manifests_page_get_type ())
G_DECLARE_FINAL_TYPE (TdManifestsPage, td_manifests_page, TD, MANIFESTS_PAGE, TdWizardPage)

/* Property: busy (gboolean, read-only): a kubectl-ai run or the gate check is under way. */

/* TRUE when @phase has tasks that ask kubectl-ai for a manifest: such phases get this page. */
gboolean          td_manifests_page_handles_phase         (TdPhase         *phase);
/* @preflight: where the `kubectl-ai` row says whether kubectl-ai works; may be NULL. */
GtkWidget        *td_manifests_page_new                   (TdPhase         *phase,
                                                           TdPreflight     *preflight);
gboolean          td_manifests_page_get_busy              (TdManifestsPage *self);
/* The candidate under review for @task_id ("T016"), and where it came from. */
const char       *td_manifests_page_get_candidate         (TdManifestsPage *self,
                                                           const char      *task_id);
TdManifestSource  td_manifests_page_get_candidate_source  (TdManifestsPage *self,
                                                           const char      *task_id);

G_END_DECLS
