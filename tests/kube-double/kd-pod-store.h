/* kd-pod-store.h: the double's pods, with resourceVersions and a change history for watches */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct {
  char       *type;      /* ADDED, MODIFIED or DELETED */
  guint64     resource_version;
  JsonObject *object;    /* the pod after the change (its last state for DELETED) */
  JsonObject *previous;  /* the pod before a MODIFIED, for selector transitions; else NULL */
} KdPodEvent;

typedef struct _KdPodStore KdPodStore;

/* Pods from @pods (JsonNode*) get resourceVersions counting up from @first_resource_version. */
KdPodStore       *kd_pod_store_new              (GPtrArray   *pods,
                                                 guint64      first_resource_version);
void              kd_pod_store_free             (KdPodStore  *store);
guint64           kd_pod_store_get_resource_version (KdPodStore *store);
/* The RV before which history is gone: a watch from an older RV gets "too old resource version". */
guint64           kd_pod_store_get_oldest_resource_version (KdPodStore *store);
/* Pods (JsonObject*, borrowed) in @namespace_ (NULL: all) matching the selectors, by name. */
GPtrArray        *kd_pod_store_list             (KdPodStore  *store,
                                                 const char  *namespace_,
                                                 const char  *label_selector,
                                                 const char  *field_selector,
                                                 GError     **error);
/* Applies ADDED/MODIFIED/DELETED of @pod (copied), stamps a new RV, records and returns the event. */
const KdPodEvent *kd_pod_store_apply            (KdPodStore  *store,
                                                 const char  *type,
                                                 JsonNode    *pod);
/* Recorded events (KdPodEvent*, borrowed) with an RV above @resource_version. */
GPtrArray        *kd_pod_store_history_since    (KdPodStore  *store,
                                                 guint64      resource_version);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KdPodStore, kd_pod_store_free)

G_END_DECLS
