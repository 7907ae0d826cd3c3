/* td-check-result.h: the outcome of one gate check, in words a newcomer can act on */
#pragma once

#include <glib-object.h>

#include "td-preflight-check.h"

G_BEGIN_DECLS

#define TD_TYPE_CHECK_RESULT (td_check_result_get_type ())
G_DECLARE_FINAL_TYPE (TdCheckResult, td_check_result, TD, CHECK_RESULT, GObject)

/* @kind is the plan's check kind ("files-exist"); @message says what was found; @fix what to do,
 * or NULL when nothing needs doing. */
TdCheckResult *td_check_result_new         (const char    *kind,
                                            TdCheckStatus  status,
                                            const char    *message,
                                            const char    *fix);
const char    *td_check_result_get_kind    (TdCheckResult *self);
TdCheckStatus  td_check_result_get_status  (TdCheckResult *self);
const char    *td_check_result_get_message (TdCheckResult *self);
const char    *td_check_result_get_fix     (TdCheckResult *self);
/* OK or WARNING: the gate may pass. */
gboolean       td_check_result_get_passed  (TdCheckResult *self);
/* The id of the phase whose tasks fix a failure ("backend-image"), or NULL when the fix is made
 * where the check failed. */
void           td_check_result_set_fix_phase (TdCheckResult *self,
                                              const char    *phase_id);
const char    *td_check_result_get_fix_phase (TdCheckResult *self);

G_END_DECLS
