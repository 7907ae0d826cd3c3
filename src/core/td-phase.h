/* td-phase.h: one of the seed's eight phases: its tasks, its gate, and where the user is in it */
#pragma once

#include <gio/gio.h>

#include "td-gate.h"
#include "td-task.h"

G_BEGIN_DECLS

typedef enum {
  TD_PHASE_STATE_PENDING,   /* waiting on an earlier phase */
  TD_PHASE_STATE_READY,     /* may start */
  TD_PHASE_STATE_RUNNING,
  TD_PHASE_STATE_PASSED,    /* its gate held */
  TD_PHASE_STATE_FAILED,
  TD_PHASE_STATE_SKIPPED,
} TdPhaseState;

/* Which page shows the phase, named by `page:` in the plan (td-phase.c's page table); the window's
 * page registry maps each to its page class. */
typedef enum {
  TD_PAGE_KIND_PHASE,      /* the generic page: tasks, the extras their roles ask for, the gate */
  TD_PAGE_KIND_IMAGE,      /* an agent writes a Dockerfile, reviewed, then the image is built */
  TD_PAGE_KIND_MANIFESTS,  /* agents write manifests, each reviewed and accepted into the chart */
} TdPageKind;

#define TD_TYPE_PHASE (td_phase_get_type ())
G_DECLARE_FINAL_TYPE (TdPhase, td_phase, TD, PHASE, GObject)

const char         *td_phase_get_id          (TdPhase *self);  /* "cluster" */
guint               td_phase_get_number      (TdPhase *self);  /* 1–8, the seed's numbering */
const char         *td_phase_get_title       (TdPhase *self);  /* "Cluster" (short, for the sidebar) */
const char         *td_phase_get_seed_title  (TdPhase *self);  /* "Phase 2: Foundational (Environment Init…)" */
const char         *td_phase_get_purpose     (TdPhase *self);
const char         *td_phase_get_story       (TdPhase *self);  /* "US1" or NULL */
/* Ids of the phases that must pass first. */
const char * const *td_phase_get_depends_on  (TdPhase *self);
GListModel         *td_phase_get_tasks       (TdPhase *self);  /* of TdTask */
TdGate             *td_phase_get_gate        (TdPhase *self);
TdPageKind          td_phase_get_page        (TdPhase *self);
TdPhaseState        td_phase_get_state       (TdPhase *self);
void                td_phase_set_state       (TdPhase *self,
                                              TdPhaseState state);

const char         *td_phase_state_to_string (TdPhaseState state);
/* The plan's name of @page: "image". */
const char         *td_page_kind_to_string   (TdPageKind page);
/* The symbolic icon name the sidebar shows for a state. */
const char         *td_phase_state_icon_name (TdPhaseState state);

G_END_DECLS
