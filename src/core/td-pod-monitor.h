/* td-pod-monitor.h: the live set of pods, kept by list + watch as client-go's Reflector keeps it
 * (reference/k8s.md §2.4), as a GListModel of TdPod sorted by namespace and name.
 *
 * List (resourceVersion "0" first, paged by 500), replace the store, watch from the list's
 * resourceVersion with bookmarks; re-watch at once when a watch ends, relist on 410 Gone, back off
 * (800 ms doubling to 30 s) on other failures. Pods that stay keep their TdPod, updated in place. */
#pragma once

#include <gio/gio.h>

#include "td-kube-client.h"
#include "td-pod.h"

G_BEGIN_DECLS

typedef enum {
  TD_POD_MONITOR_STOPPED,       /* not started, or stop() was called */
  TD_POD_MONITOR_CONNECTING,    /* the first list is under way */
  TD_POD_MONITOR_CONNECTED,     /* listed, and watching */
  TD_POD_MONITOR_RECONNECTING,  /* a request failed; "retry-seconds" until the next try */
  TD_POD_MONITOR_ERROR,         /* a failure that retrying will not fix (certificate, credentials, …) */
} TdPodMonitorState;

#define TD_TYPE_POD_MONITOR (td_pod_monitor_get_type ())
G_DECLARE_FINAL_TYPE (TdPodMonitor, td_pod_monitor, TD, POD_MONITOR, GObject)

/* Properties: "client", "namespace" (NULL: all namespaces), "label-selector" (NULL: every pod),
 * "watch" (default TRUE; FALSE lists once and stays CONNECTED without watching), construct-only; read-only "connection-state" (TdPodMonitorState), "state-message" (the failure,
 * for RECONNECTING and ERROR), "retry-seconds" (counts down while RECONNECTING), "synced" (TRUE
 * once a list has filled the store), "resource-version" (the last one seen), "n-ready" (pods that
 * are Ready), "events-pending" (event fetches under way for diagnoses).
 *
 * Signal "pod-changed" (TdPod *pod, const char *type): after an ADDED, MODIFIED or DELETED pod was
 * applied, from a watch event or from a relist. */
TdPodMonitor      *td_pod_monitor_new                  (TdKubeClient *client,
                                                        const char   *namespace_,
                                                        const char   *label_selector);
/* What the pods' diagnoses know of the deployment (td_plan_get_diagnosis_rules()); NULL: generic. */
void               td_pod_monitor_set_diagnosis_rules  (TdPodMonitor *self,
                                                        TdPodDiagnosisRules *rules);
/* Starts listing and watching (again, after stop() or an ERROR state). */
void               td_pod_monitor_start                (TdPodMonitor *self);
/* Cancels every request; the pods stay in the model. */
void               td_pod_monitor_stop                 (TdPodMonitor *self);

TdPodMonitorState  td_pod_monitor_get_connection_state (TdPodMonitor *self);
const char        *td_pod_monitor_get_state_message    (TdPodMonitor *self);
guint              td_pod_monitor_get_retry_seconds    (TdPodMonitor *self);
gboolean           td_pod_monitor_get_synced           (TdPodMonitor *self);
const char        *td_pod_monitor_get_resource_version (TdPodMonitor *self);
guint              td_pod_monitor_get_n_ready          (TdPodMonitor *self);
guint              td_pod_monitor_get_events_pending   (TdPodMonitor *self);
/* The pod called @name in @namespace_ (NULL: the monitor's namespace), or NULL. */
TdPod             *td_pod_monitor_lookup               (TdPodMonitor *self,
                                                        const char   *namespace_,
                                                        const char   *name);
/* Recomputes AGE and RESTARTS of every pod for the current time (the UI calls it every few seconds). */
void               td_pod_monitor_refresh_times        (TdPodMonitor *self);

G_END_DECLS
