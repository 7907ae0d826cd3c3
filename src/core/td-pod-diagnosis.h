/* td-pod-diagnosis.h: why a pod is unhealthy and how to fix it in this deployment.
 *
 * Modelled on k8sgpt's pod analyser (reference/tools.md): the reason and the verbatim message come
 * from the pod status or its events; the hint adds the plain-language cause and the fix for the Todo
 * Chatbot deployment, and the phase id says which wizard phase applies the fix. */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The wizard phases a diagnosis can point at (the ids of data/plan/phase-iv.yaml). */
#define TD_PHASE_ID_CLUSTER        "cluster"
#define TD_PHASE_ID_BACKEND_IMAGE  "backend-image"
#define TD_PHASE_ID_FRONTEND_IMAGE "frontend-image"
#define TD_PHASE_ID_MANIFESTS      "manifests"
#define TD_PHASE_ID_DEPLOY         "deploy"
#define TD_PHASE_ID_VERIFY         "verify"

typedef struct {
  char *reason;      /* "ErrImageNeverPull", "OOMKilled", "Unschedulable", "Unhealthy", … */
  char *message;     /* verbatim from the pod or the event; "" when Kubernetes gave none */
  char *hint;        /* the cause in plain words, and the fix for this deployment */
  char *phase_id;    /* one of TD_PHASE_ID_*: where the fix is made */
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
                                           JsonArray            *events);
TdPodDiagnosis *td_pod_diagnosis_copy     (const TdPodDiagnosis *diagnosis);
void            td_pod_diagnosis_free     (TdPodDiagnosis       *diagnosis);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdPodDiagnosis, td_pod_diagnosis_free)

G_END_DECLS
