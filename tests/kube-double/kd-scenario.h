/* kd-scenario.h: a scripted cluster for the Kubernetes API double, read from a JSON file.
 * The format is described in scenarios/README.md. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct {
  gint64    after_ms;   /* after the clock starts */
  char     *type;       /* ADDED, MODIFIED, DELETED or BOOKMARK */
  JsonNode *pod;        /* NULL for BOOKMARK */
} KdTimelineStep;

typedef enum {
  KD_FAULT_DELAY,              /* answer normally, delay_ms later */
  KD_FAULT_HTTP_500,           /* 500 InternalError Status */
  KD_FAULT_HTTP_410,           /* 410 Expired Status (a list with a too-old RV or continue token) */
  KD_FAULT_WATCH_ERROR_410,    /* 200, then one ERROR event with a 410 Expired Status, then the end */
  KD_FAULT_CLOSE_MID_STREAM,   /* a watch's connection is cut after after_events events */
} KdFaultKind;

typedef struct {
  char        *match;        /* "list-pods", "watch-pods", "any", or a path prefix "/api/v1/..." */
  GArray      *requests;     /* guint, 1-based request numbers among those matching; NULL: every one */
  KdFaultKind  kind;
  guint        delay_ms;
  guint        after_events;
} KdFault;

typedef struct {
  char      *namespace_;          /* where pods without one live; "default" */
  guint64    resource_version;    /* of the first pod; later changes count up from there */
  GPtrArray *pods;                /* JsonNode*, the cluster at the start */
  GPtrArray *timeline;            /* KdTimelineStep*, by after_ms */
  gint64     watch_end_ms;        /* watches end this long after the clock starts; -1: never */
  gboolean   clock_at_start;      /* else the clock starts with the first pod watch */
  JsonArray *events, *nodes, *services, *secrets, *pod_metrics;
  GPtrArray *faults;              /* KdFault* */
  gboolean   alternative_certificate; /* serve other-server.pem, from an unrelated CA */
} KdScenario;

KdScenario *kd_scenario_new_empty (void);
KdScenario *kd_scenario_load      (const char  *path,
                                   GError     **error);
void        kd_scenario_free      (KdScenario  *scenario);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KdScenario, kd_scenario_free)

/* Where fixtures named in scenarios are looked up: $TD_SHARED_DIR/fixtures/k8s, else the build's
 * default. */
char *kd_fixture_path (const char *name);
JsonNode *kd_fixture_load (const char *name, GError **error);

G_END_DECLS
