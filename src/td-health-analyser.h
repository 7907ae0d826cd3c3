/* td-health-analyser.h: the Verify page's health analysis (T028, its audit line T029): "Analyse" on
 * the task's row (phase.analyse-health) asks kagent when the preflight found it, else analyses the
 * live pods itself, and shows the answer, labelled with where it came from, in the row */
#pragma once

#include "td-pods-group.h"
#include "td-task-rows.h"
#include "td-wizard-page.h"

G_BEGIN_DECLS

#define TD_TYPE_HEALTH_ANALYSER (td_health_analyser_get_type ())
G_DECLARE_FINAL_TYPE (TdHealthAnalyser, td_health_analyser, TD, HEALTH_ANALYSER, GObject)

/* @task: the agent task with the pod-health fallback; @audit_task: the one that logs it (may be
 * NULL); @pods: where the live pods are (may be NULL: the analysis then sees none). Works while
 * @page has a deployment; a new one cancels an analysis under way. */
TdHealthAnalyser *td_health_analyser_new (TdWizardPage *page,
                                          TdTaskRows   *rows,
                                          TdTask       *task,
                                          TdTask       *audit_task,
                                          TdPodsGroup  *pods);

G_END_DECLS
