/* td-pods-group.h: the Verify page's "Pods": the live pod table, fed by a TdPodMonitor on the
 * plan's namespace and pod selector once the page is shown */
#pragma once

#include <adwaita.h>

#include "td-pod-monitor.h"
#include "td-wizard-page.h"

G_BEGIN_DECLS

#define TD_TYPE_PODS_GROUP (td_pods_group_get_type ())
G_DECLARE_FINAL_TYPE (TdPodsGroup, td_pods_group, TD, PODS_GROUP, AdwPreferencesGroup)

/* Stops watching when @page's deployment changes. */
GtkWidget    *td_pods_group_new         (TdWizardPage *page);
/* Connects to the cluster of @page's deployment and starts watching, unless it already does. */
void          td_pods_group_start       (TdPodsGroup  *self);
/* The live pods (a GListModel of TdPod), or NULL while not watching. */
TdPodMonitor *td_pods_group_get_monitor (TdPodsGroup  *self);

G_END_DECLS
