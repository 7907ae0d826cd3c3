/* td-pod-health.h: a pod's READY / STATUS / RESTARTS / AGE exactly as `kubectl get pods` prints them.
 *
 * Pure functions over the pod's JSON (as the API server or a watch event returns it). "now" is passed
 * in as Unix seconds so that results are deterministic; the UI passes g_get_real_time () / G_USEC_PER_SEC. */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* apimachinery's HumanDuration for a duration in whole seconds: "<invalid>", "0s", "45s", "4m24s",
 * "5h31m", "6d23h", "49d", "3y12d"… */
char     *td_human_duration          (gint64       seconds);

/* Parses a Kubernetes timestamp (RFC 3339, "2025-08-23T12:13:39Z", fractions allowed) to Unix
 * seconds. FALSE for NULL, empty or malformed text. */
gboolean  td_k8s_time_parse          (const char  *text,
                                      gint64      *out_seconds);

/* The columns. Each returns a newly allocated string. */
char     *td_pod_health_ready        (JsonObject  *pod);             /* "1/1" */
char     *td_pod_health_status       (JsonObject  *pod);             /* "CrashLoopBackOff" */
char     *td_pod_health_restarts     (JsonObject  *pod,
                                      gint64       now);             /* "7 (4m24s ago)" or "0" */
char     *td_pod_health_age          (JsonObject  *pod,
                                      gint64       now);             /* "14m", "<unknown>" */
/* The -o wide columns. */
char     *td_pod_health_ip           (JsonObject  *pod);             /* "10.244.1.0" or "<none>" */
char     *td_pod_health_node         (JsonObject  *pod);             /* spec.nodeName or "<none>" */
char     *td_pod_health_nominated_node (JsonObject *pod);            /* "<none>" */
char     *td_pod_health_readiness_gates (JsonObject *pod);           /* "1/2" or "<none>" */

/* What the wizard's gate waits for: STATUS is "Running" and every container (sidecars included)
 * is ready, as in "1/1 Running". A Terminating or not-ready pod is not ready. */
gboolean  td_pod_health_is_ready     (JsonObject  *pod);

/* One row of the pod table. */
typedef struct {
  char     *name;
  char     *namespace;
  char     *ready;
  char     *status;
  char     *restarts;
  char     *age;
  gboolean  is_ready;
} TdPodRow;

#define TD_TYPE_POD_ROW (td_pod_row_get_type ())
GType     td_pod_row_get_type        (void) G_GNUC_CONST;
TdPodRow *td_pod_row_new             (JsonObject  *pod,
                                      gint64       now);
TdPodRow *td_pod_row_copy            (const TdPodRow *row);
void      td_pod_row_free            (TdPodRow    *row);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdPodRow, td_pod_row_free)

G_END_DECLS
