/* td-image-page.h: the page of a phase whose Dockerfile Gordon writes (backend and frontend images):
 * the seed's prompt, Gordon in a terminal or the bundled reference, review against the task's
 * contract, Accept, T012's standalone fix, the docker build with its progress, and the gate */
#pragma once

#include "td-preflight.h"
#include "td-wizard-page.h"

G_BEGIN_DECLS

typedef enum {
  TD_IMAGE_SOURCE_NONE,
  TD_IMAGE_SOURCE_GORDON,    /* written by Gordon in the scratch copy */
  TD_IMAGE_SOURCE_BUNDLED,   /* the reference that ships with Todo Deploy (no agent ran) */
} TdImageSource;

#define TD_TYPE_IMAGE_PAGE (td_image_page_get_type ())
G_DECLARE_FINAL_TYPE (TdImagePage, td_image_page, TD, IMAGE_PAGE, TdWizardPage)

/* Property: busy (gboolean, read-only): Gordon, a build, a gate check or the audit line is under way. */

/* TRUE when @phase has a task that asks Gordon for a Dockerfile: such phases get this page. */
gboolean       td_image_page_handles_phase         (TdPhase     *phase);
/* @preflight: where the `gordon` row says whether `docker ai` works; may be NULL (then Gordon is
 * offered as unavailable). */
GtkWidget     *td_image_page_new                   (TdPhase     *phase,
                                                    TdPreflight *preflight);
gboolean       td_image_page_get_busy              (TdImagePage *self);
/* The Dockerfile under review, and where it came from (NULL / NONE before one is chosen). */
const char    *td_image_page_get_candidate         (TdImagePage *self);
TdImageSource  td_image_page_get_candidate_source  (TdImagePage *self);

G_END_DECLS
