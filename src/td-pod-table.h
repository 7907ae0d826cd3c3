/* td-pod-table.h: the live pod table (NAME READY STATUS RESTARTS AGE, and what is wrong with the
 * unhealthy ones), bound to a TdPodMonitor. Changes are drawn at most once every 100 ms, and never
 * later than 100 ms after they arrive. */
#pragma once

#include <adwaita.h>

#include "td-pod-monitor.h"

G_BEGIN_DECLS

#define TD_POD_TABLE_REDRAW_INTERVAL_MS 100

#define TD_TYPE_POD_TABLE (td_pod_table_get_type ())
G_DECLARE_FINAL_TYPE (TdPodTable, td_pod_table, TD, POD_TABLE, AdwBin)

GtkWidget    *td_pod_table_new              (void);
/* @monitor may be NULL (no cluster yet). The table does not start or stop the monitor. */
void          td_pod_table_set_monitor      (TdPodTable   *self,
                                             TdPodMonitor *monitor);
TdPodMonitor *td_pod_table_get_monitor      (TdPodTable   *self);
/* No monitor could be made (no kubeconfig, no cluster): say why on the connection line. */
void          td_pod_table_show_error       (TdPodTable   *self,
                                             const char   *message);
/* What the connection line says ("Connected", "Reconnecting in 3 s: …"), for tests. */
const char   *td_pod_table_get_state_text   (TdPodTable   *self);
/* How many times the table applied a batch of changes (for tests of the coalescing). */
guint         td_pod_table_get_n_redraws    (TdPodTable   *self);
/* The rows as shown, one string per pod ("name ready status restarts age diagnosis"). */
GStrv         td_pod_table_dup_rows         (TdPodTable   *self);

G_END_DECLS
