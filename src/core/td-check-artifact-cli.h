/* td-check-artifact-cli.h: `todo-deploy --check-artifact FILE --task TNNN`, without a display */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  TD_CHECK_ARTIFACT_MEETS_CONTRACT = 0,   /* no errors (warnings may be printed) */
  TD_CHECK_ARTIFACT_FAILS_CONTRACT = 1,   /* at least one error finding */
  TD_CHECK_ARTIFACT_CANNOT_CHECK   = 2,   /* unreadable or unparsable file, unknown task, no contract */
} TdCheckArtifactStatus;

/* Checks @file ("-" reads standard input) against the contract of @task_id in the plan in
 * @plan_file (--plan; NULL: the bundled plan).
 * Appends one line per finding to @out ("error: … (the seed asks for …)", "warning: …") and a
 * summary line; when the file cannot be checked, appends the reason to @err instead. Returns a
 * TdCheckArtifactStatus, which is the exit status. */
int td_check_artifact_cli_run (const char *file,
                               const char *task_id,
                               const char *plan_file,
                               GString    *out,
                               GString    *err);

G_END_DECLS
