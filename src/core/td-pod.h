/* td-pod.h: one pod as a GObject for list models: the pod's JSON and its kubectl columns
 * (READY, STATUS, RESTARTS, AGE) and diagnosis as properties. The object stays the same while the
 * pod changes, and only the properties whose values changed notify, so a GtkColumnView row bound
 * to it updates in place. */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "td-pod-diagnosis.h"

G_BEGIN_DECLS

#define TD_TYPE_POD (td_pod_get_type ())
G_DECLARE_FINAL_TYPE (TdPod, td_pod, TD, POD, GObject)

/* Properties (all read-only): "object" (JsonObject, boxed), "name", "namespace",
 * "resource-version", "ready" ("1/1"), "status" ("Running"), "restarts" ("2 (5m ago)"), "age",
 * "is-ready", "diagnosis" (TdPodDiagnosis, boxed, NULL when healthy), "diagnosis-reason",
 * "diagnosis-message", "diagnosis-hint" (NULL when healthy), "diagnosis-text" ("reason: hint"). */

/* @now is Unix seconds, for RESTARTS and AGE. */
TdPod                *td_pod_new                   (JsonObject  *object,
                                                    gint64       now);
/* Replaces the pod's JSON (a newer state of the same pod) and notifies what changed. */
void                  td_pod_update                (TdPod       *self,
                                                    JsonObject  *object,
                                                    gint64       now);
/* Recomputes the time-dependent columns (AGE, RESTARTS' "ago") for @now. */
void                  td_pod_refresh               (TdPod       *self,
                                                    gint64       now);
/* What the diagnosis knows of the deployment (NULL: generic diagnoses); re-diagnoses. */
void                  td_pod_set_diagnosis_rules   (TdPod       *self,
                                                    TdPodDiagnosisRules *rules);
/* The pod's core/v1 Events (NULL: none known), used by the diagnosis to quote probe failures. */
void                  td_pod_set_events            (TdPod       *self,
                                                    JsonArray   *events);

JsonObject           *td_pod_get_object            (TdPod       *self);
const char           *td_pod_get_name              (TdPod       *self);
const char           *td_pod_get_namespace         (TdPod       *self);
const char           *td_pod_get_resource_version  (TdPod       *self);
const char           *td_pod_get_ready             (TdPod       *self);
const char           *td_pod_get_status            (TdPod       *self);
const char           *td_pod_get_restarts          (TdPod       *self);
const char           *td_pod_get_age               (TdPod       *self);
gboolean              td_pod_get_is_ready          (TdPod       *self);
const TdPodDiagnosis *td_pod_get_diagnosis         (TdPod       *self);
/* "Unhealthy: The container runs but is not ready: …", or NULL when healthy. */
const char           *td_pod_get_diagnosis_text    (TdPod       *self);

/* TRUE when the diagnosis may need the pod's events: it runs but is not ready (a failing probe),
 * or its containers are still being created (a volume that cannot be mounted). */
gboolean              td_pod_wants_events          (TdPod       *self);

G_END_DECLS
