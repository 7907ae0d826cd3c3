/* kd-server-private.h: what the double's request handlers share */
#pragma once

#include <libsoup/soup.h>

#include "kd-pod-store.h"
#include "kd-scenario.h"
#include "kd-server.h"

G_BEGIN_DECLS

struct _KdServer
{
  KdScenario *scenario;
  KdPodStore *pods;
  SoupServer *soup;
  char *dir;
  gboolean own_dir;
  char *url;
  char *kubeconfig_path;
  JsonArray *table_columns;     /* from fixtures/k8s/table-pods.json */
  GHashTable *secrets;          /* "namespace/name" → JsonObject* */
  guint64 other_resource_version;
  GPtrArray *request_log;
  char *last_authorization;
  guint *fault_counts;          /* per scenario fault: matching requests so far */

  gboolean clock_started;
  gboolean timeline_over;       /* watches end once the timeline is over */
  GArray *timers;               /* guint source ids of timeline steps and delays */
  GList *watches;               /* KdWatch* */
  struct _KdRollouts *rollouts; /* kd-rollout.c, when watching a rollout directory */
};

typedef struct _KdWatch KdWatch;
typedef struct _KdRollouts KdRollouts;

/* kd-rollout.c */
void kd_rollouts_free         (KdRollouts        *rollouts);

/* Sends @body with @status as application/json. */
void kd_server_respond_json   (SoupServerMessage *msg,
                               guint              status,
                               JsonNode          *body);
/* A Status failure body, as the apiserver builds it. */
void kd_server_respond_status (SoupServerMessage *msg,
                               guint              code,
                               const char        *reason,
                               const char        *message);

/* kd-watch.c */
void kd_watch_start           (KdServer          *server,
                               SoupServerMessage *msg,
                               const char        *namespace_,
                               GHashTable        *query,
                               gboolean           as_table,
                               KdFault           *fault);
void kd_watch_broadcast       (KdServer          *server,
                               const KdPodEvent  *event);
void kd_watch_broadcast_bookmark (KdServer       *server);
void kd_watch_end_all         (KdServer          *server);
void kd_watch_free_all        (KdServer          *server);

G_END_DECLS
