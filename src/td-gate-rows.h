/* td-gate-rows.h: a phase's gate in a preferences group: the seed's checkpoint as its description,
 * one row per check with its status and what was found, and, when a check fails because of an
 * earlier phase, a "Go to <phase>" button (the window's win.go-to-phase action). Every page that
 * shows a gate shows it through this. */
#pragma once

#include <adwaita.h>

#include "td-check-result.h"
#include "td-plan.h"

G_BEGIN_DECLS

#define TD_TYPE_GATE_ROWS (td_gate_rows_get_type ())
G_DECLARE_FINAL_TYPE (TdGateRows, td_gate_rows, TD, GATE_ROWS, GObject)

/* Fills @group (which the page owns) with @gate's rows. */
TdGateRows *td_gate_rows_new          (AdwPreferencesGroup *group,
                                       TdGate              *gate);
/* Every row back to its parameters, showing @status (UNKNOWN, or RUNNING while checking). */
void        td_gate_rows_reset        (TdGateRows          *self,
                                       TdCheckStatus        status);
/* One TdCheckResult per check, in order; @plan names the phases for the "Go to" buttons (NULL:
 * no buttons). */
void        td_gate_rows_show_results (TdGateRows          *self,
                                       GPtrArray           *results,
                                       TdPlan              *plan);
guint       td_gate_rows_get_n_rows   (TdGateRows          *self);
/* The row of check @index, for pages that add something of their own to it. */
AdwActionRow *td_gate_rows_get_row    (TdGateRows          *self,
                                       guint                index);

/* One readable line of a check's parameters ("paths: Chart.yaml, phase-iv-audit.log"). */
char       *td_gate_rows_describe_check (const TdYamlNode  *check);

G_END_DECLS
