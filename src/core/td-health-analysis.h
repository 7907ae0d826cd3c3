/* td-health-analysis.h: the Verify phase's health analysis (T028) and its audit line (T029).
 *
 * kagent is asked through td-kagent. Without kagent, or when it fails, the wizard's own pod
 * diagnosis over the live pods stands in, labelled as such and logged under the plan's
 * fallback_tag (KUBECTL). */
#pragma once

#include <gio/gio.h>

#include "td-deployment.h"
#include "td-kagent.h"

G_BEGIN_DECLS

/* The built-in analysis of @pods (a GListModel of TdPod): a count line, then one line per pod
 * that is not ready, with its diagnosis. */
char    *td_health_analysis_builtin      (GListModel    *pods);

typedef struct {
  char     *text;          /* the analysis, shown to the user */
  char     *tag;           /* the audit tag written: KAGENT, or the fallback tag (KUBECTL) */
  gboolean  builtin;       /* TRUE when the built-in analysis ran */
  char     *kagent_error;  /* why kagent's answer was not used, or NULL */
} TdHealthReport;

/* An audit entry's result template with its <…> placeholder replaced by @value (the first line of
 * it, at most 200 characters). */
char    *td_audit_result_fill            (const char    *result_template,
                                          const char    *value);

void     td_health_report_free           (TdHealthReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdHealthReport, td_health_report_free)

/* Asks kagent (`kagent invoke -a k8s-agent -t PROMPT`, the prompt of @agent_task) when
 * @use_kagent, else or on its failure analyses @pods itself; then appends @audit_task's line with
 * its result template filled with the analysis' first line. */
void            td_health_analysis_run_async  (TdDeployment        *deployment,
                                               TdTask              *agent_task,
                                               TdTask              *audit_task,
                                               gboolean             use_kagent,
                                               GListModel          *pods,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
TdHealthReport *td_health_analysis_run_finish (GAsyncResult        *result,
                                               GError             **error);

G_END_DECLS
