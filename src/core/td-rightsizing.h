/* td-rightsizing.h: right-sizing requests and limits from observed usage (T030–T032).
 *
 * Samples the metrics API (metrics.k8s.io PodMetrics, reference/k8s.md §4.1) through the plan's
 * stabilisation window, groups the pods by the values.yaml section whose image their Deployment
 * runs (todo-backend-6d8f7c9b5-x2k4p → backend), and recommends with one rule, written out in
 * TD_RIGHTSIZING_RULE so the UI shows exactly what was done. Quantities are integers (nanocores,
 * bytes), never floats. When kagent is installed it is asked T030's prompt too and its answer is
 * shown and logged (KAGENT), but only as advice: its answer is free text, the figures are ours. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "td-deployment.h"

G_BEGIN_DECLS

#define TD_RIGHTSIZING_RULE \
  "request = p95 × 1.2, limit = peak × 1.5 (at least the request); at least 10m CPU and 64Mi memory " \
  "requested, and a limit of at least 100m CPU and 128Mi memory"

/* One values.yaml section (a Deployment): what was seen and what to set. The four quantities are
 * resources.requests.cpu, requests.memory, limits.cpu, limits.memory. */
typedef struct {
  char   *section;          /* "backend" */
  guint   n_samples;        /* pod samples seen (pods × scrapes) */
  gint64  cpu_p95;          /* nanocores */
  gint64  cpu_peak;
  gint64  memory_p95;       /* bytes */
  gint64  memory_peak;
  char   *current[4];       /* as values.yaml has them, or NULL */
  char   *recommended[4];   /* "12m", "96Mi" */
} TdRightsizing;

void td_rightsizing_free (TdRightsizing *rightsizing);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdRightsizing, td_rightsizing_free)

extern const char * const td_rightsizing_keys[4];   /* "requests.cpu", … */

typedef struct _TdUsageSamples TdUsageSamples;

/* Samples for the sections of @plan's values (settings.values.<section>.image). */
TdUsageSamples *td_usage_samples_new     (TdPlan           *plan);
void            td_usage_samples_free    (TdUsageSamples   *samples);
/* Adds one PodMetricsList: each pod's usage summed over its containers. Pods of no section are
 * ignored. Returns how many pods were counted. */
guint           td_usage_samples_add     (TdUsageSamples   *samples,
                                          JsonObject       *pod_metrics_list);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdUsageSamples, td_usage_samples_free)

/* The recommendation per section that has samples, against @values_text (values.yaml's text, for
 * the current values; may be NULL). A GPtrArray of TdRightsizing, in the plan's section order. */
GPtrArray      *td_rightsizing_recommend (TdUsageSamples   *samples,
                                          const char       *values_text);

/* @values_text with each recommendation written over section.resources.<key>, everything else
 * (comments, order, other values) kept. Fails (TD_ERROR_INVALID) when a key is not in the file. */
char           *td_rightsizing_apply     (const char       *values_text,
                                          GPtrArray        *recommendations,
                                          GError          **error);

/* Reads the metrics API for @namespace_ every @interval_ms for @duration_ms into @samples (the
 * first read at once). Fails at once when the metrics API is missing (404, 503: metrics-server is
 * not enabled or not ready yet), saying so; later failures are skipped. */
void            td_usage_sample_async    (TdKubeClient        *client,
                                          const char          *namespace_,
                                          guint                duration_ms,
                                          guint                interval_ms,
                                          TdUsageSamples      *samples,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean        td_usage_sample_finish   (GAsyncResult        *result,
                                          GError             **error);

/* "backend 24m/120Mi, limits 150m/300Mi; frontend …": the new values in a line. */
char           *td_rightsizing_summary   (GPtrArray        *recommendations);

/* T030's advice: kagent's answer to @usage_task's prompt when @use_kagent, or why there is none.
 * kagent's answer is free text, so the figures Apply writes are always the measured ones. */
typedef struct {
  char *kagent_answer;   /* NULL when kagent was not asked or gave no answer */
  char *kagent_error;    /* why kagent's answer is not there when it was asked; NULL when it answered
                          * or was not asked (not installed) */
} TdRightsizingAdvice;

void td_rightsizing_advice_free (TdRightsizingAdvice *advice);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdRightsizingAdvice, td_rightsizing_advice_free)

/* Fails only when cancelled: kagent failing is said in kagent_error. */
void                 td_rightsizing_advise_async  (TdDeployment        *deployment,
                                                   TdTask              *usage_task,
                                                   gboolean             use_kagent,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
TdRightsizingAdvice *td_rightsizing_advise_finish (GAsyncResult        *result,
                                                   GError             **error);

/* T031 and T032: writes @recommendations into @upgrade_task's artifact (values.yaml, atomically),
 * runs its command (`helm upgrade todo-app charts/todo-app`), then appends @audit_task's line:
 * under its tag (KAGENT) with a summary of @kagent_answer when kagent advised, else under its
 * fallback tag (the wizard's own measurement stands in for kagent). */
void            td_rightsizing_apply_async  (TdDeployment        *deployment,
                                             GPtrArray           *recommendations,
                                             const char          *kagent_answer,
                                             TdTask              *upgrade_task,
                                             TdTask              *audit_task,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean        td_rightsizing_apply_finish (GAsyncResult        *result,
                                             GError             **error);

G_END_DECLS
