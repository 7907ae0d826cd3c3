/* td-pod-diagnosis.h: why a pod is unhealthy and how to fix it in this deployment.
 *
 * Modelled on k8sgpt's pod analyser (reference/tools.md): the reason and the verbatim message come
 * from the pod status or its events; the hint adds the plain-language cause and the fix for the Todo
 * Chatbot deployment, and the phase id says which wizard phase applies the fix. */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#include "td-yaml.h"

/* What the analyser knows of the deployment, read from the plan's settings: the Secret, the
 * values file, the components (labels, image, image phase, port, probe path, crash hint) and,
 * for each diagnosis, the phase that fixes it (settings.diagnoses). Without rules (NULL) the
 * diagnoses are generic and point at no phase. */
typedef struct _TdPodDiagnosisRules TdPodDiagnosisRules;

/* Returns the title of phase @phase_id ("Helm Deploy"), or NULL when the plan has no such phase. */
typedef const char *(*TdPhaseTitleFunc) (const char *phase_id,
                                         gpointer    user_data);

/* Reads @settings (the plan's settings mapping); errors name the file, line and column. */
TdPodDiagnosisRules *td_pod_diagnosis_rules_new   (const TdYamlNode     *settings,
                                                   TdPhaseTitleFunc      phase_title,
                                                   gpointer              user_data,
                                                   GError              **error);
TdPodDiagnosisRules *td_pod_diagnosis_rules_ref   (TdPodDiagnosisRules  *rules);
void                 td_pod_diagnosis_rules_unref (TdPodDiagnosisRules  *rules);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdPodDiagnosisRules, td_pod_diagnosis_rules_unref)

typedef struct {
  char *reason;      /* "ErrImageNeverPull", "OOMKilled", "Unschedulable", "Unhealthy", … */
  char *message;     /* verbatim from the pod or the event; "" when Kubernetes gave none */
  char *hint;        /* the cause in plain words, and the fix for this deployment */
  char *phase_id;    /* the plan's phase where the fix is made (settings.diagnoses), or NULL */
  char *container;   /* the container concerned, or NULL for the pod as a whole */
  gboolean needs_action;   /* waiting will not make the pod ready: Kubernetes keeps retrying, but
                            * every retry fails the same way until the user makes the fix (the
                            * rules and their reasons: "What waiting cannot fix" in the .c) */
} TdPodDiagnosis;

#define TD_TYPE_POD_DIAGNOSIS (td_pod_diagnosis_get_type ())
GType           td_pod_diagnosis_get_type (void) G_GNUC_CONST;

/* NULL when the pod is healthy, still starting normally, finished successfully or being deleted.
 * @events (nullable) are core/v1 Event objects (or events.k8s.io/v1 ones); events about other
 * objects are ignored. */
TdPodDiagnosis *td_pod_diagnose           (JsonObject           *pod,
                                           JsonArray            *events,
                                           const TdPodDiagnosisRules *rules);
TdPodDiagnosis *td_pod_diagnosis_copy     (const TdPodDiagnosis *diagnosis);
void            td_pod_diagnosis_free     (TdPodDiagnosis       *diagnosis);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdPodDiagnosis, td_pod_diagnosis_free)

G_END_DECLS
