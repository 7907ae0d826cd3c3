/* td-rightsizing-group.h: the Verify page's right-sizing (T030–T032). "Measure" on the metrics
 * task's row (phase.measure-usage) reads the pods' CPU and memory through the plan's stabilisation
 * window and, when the page's preflight found kagent, asks kagent T030's prompt meanwhile, showing
 * its answer on the row for comparison; "Enable metrics-server" (phase.enable-metrics) is offered when the metrics API is
 * missing; this group then shows the rule and a recommendation per values.yaml section, and
 * "Apply" on the upgrade task's row (phase.apply-rightsizing) writes them and runs helm upgrade. */
#pragma once

#include <adwaita.h>

#include "td-task-rows.h"
#include "td-wizard-page.h"

G_BEGIN_DECLS

#define TD_TYPE_RIGHTSIZING_GROUP (td_rightsizing_group_get_type ())
G_DECLARE_FINAL_TYPE (TdRightsizingGroup, td_rightsizing_group, TD, RIGHTSIZING_GROUP, AdwPreferencesGroup)

/* @usage_task: the agent task with the pod-metrics fallback; @upgrade_task: the command that
 * applies the values (may be NULL: nothing to apply); @audit_task: the one that logs the new
 * limits (may be NULL). Hidden until there are recommendations. Works while @page has a
 * deployment; a new one cancels the work under way. */
GtkWidget *td_rightsizing_group_new (TdWizardPage *page,
                                     TdTaskRows   *rows,
                                     TdTask       *usage_task,
                                     TdTask       *upgrade_task,
                                     TdTask       *audit_task);

G_END_DECLS
