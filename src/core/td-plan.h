/* td-plan.h: the deployment plan (data/plan/phase-iv.yaml) loaded into GObjects */
#pragma once

#include <gio/gio.h>

#include "td-phase.h"
#include "td-pod-diagnosis.h"

G_BEGIN_DECLS

#define TD_PLAN_RESOURCE_PATH "/io/github/tododeploy/TodoDeploy/plan/phase-iv.yaml"

#define TD_TYPE_PLAN (td_plan_get_type ())
G_DECLARE_FINAL_TYPE (TdPlan, td_plan, TD, PLAN, GObject)

/* The plan bundled in the GResource. */
TdPlan     *td_plan_new_default     (GError     **error);
TdPlan     *td_plan_new_from_file   (const char  *path,
                                     GError     **error);
/* The plan in @file, or the bundled plan when @file is NULL (`--plan FILE`). */
TdPlan     *td_plan_load            (const char  *file,
                                     GError     **error);
/* @source names the text in error messages ("file:line:column: …"). */
TdPlan     *td_plan_new_from_data   (const char  *data,
                                     gssize       length,
                                     const char  *source,
                                     GError     **error);

const char *td_plan_get_title       (TdPlan      *self);
GListModel *td_plan_get_phases      (TdPlan      *self);   /* of TdPhase, in order */
TdPhase    *td_plan_lookup_phase    (TdPlan      *self,
                                     const char  *phase_id);
TdTask     *td_plan_lookup_task     (TdPlan      *self,
                                     const char  *task_id);
/* The phase that holds @task_id, or NULL. */
TdPhase    *td_plan_find_task_phase (TdPlan      *self,
                                     const char  *task_id);
/* Settings the plan holds beyond phases: "namespace", "release", "selector", timeouts… */
const TdYamlNode *td_plan_get_settings (TdPlan   *self);
/* What the health analysis knows of this deployment (settings.components, settings.diagnoses…);
 * owned by the plan. */
TdPodDiagnosisRules *td_plan_get_diagnosis_rules (TdPlan *self);
/* The text of one of the settings ("audit_log", "release", "secret_name"…), or NULL. The loader
 * makes sure the ones the wizard needs are there. */
const char *td_plan_get_setting     (TdPlan      *self,
                                     const char  *key);

G_END_DECLS
