/* td-preflight-check.h: one row of the Welcome page's preflight */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  TD_CHECK_STATUS_UNKNOWN,    /* not run yet */
  TD_CHECK_STATUS_RUNNING,
  TD_CHECK_STATUS_OK,
  TD_CHECK_STATUS_WARNING,    /* usable, but something deserves attention (an optional tool missing) */
  TD_CHECK_STATUS_FAILED,     /* a requirement is not met */
} TdCheckStatus;

typedef enum {
  TD_CHECK_GROUP_TOOL,
  TD_CHECK_GROUP_AGENT,
  TD_CHECK_GROUP_PROJECT,
} TdCheckGroup;

#define TD_TYPE_PREFLIGHT_CHECK (td_preflight_check_get_type ())
G_DECLARE_FINAL_TYPE (TdPreflightCheck, td_preflight_check, TD, PREFLIGHT_CHECK, GObject)

/* Properties: id, title, group, required, status, version, detail, fix (all notify). */
const char    *td_preflight_check_get_id       (TdPreflightCheck *self);  /* "minikube", "env-file" */
const char    *td_preflight_check_get_title    (TdPreflightCheck *self);  /* "Minikube" */
TdCheckGroup   td_preflight_check_get_group    (TdPreflightCheck *self);
gboolean       td_preflight_check_get_required (TdPreflightCheck *self);
TdCheckStatus  td_preflight_check_get_status   (TdPreflightCheck *self);
/* "v1.37.0" for tools; NULL otherwise. */
const char    *td_preflight_check_get_version  (TdPreflightCheck *self);
/* One line on what was found ("Found at /usr/bin/helm", "Missing keys: OPENAI_API_KEY"). */
const char    *td_preflight_check_get_detail   (TdPreflightCheck *self);
/* One line on how to fix it, or NULL when nothing needs fixing. */
const char    *td_preflight_check_get_fix      (TdPreflightCheck *self);

const char    *td_check_status_icon_name       (TdCheckStatus     status);

/* For TdPreflight (and tests) that fill the rows. */
TdPreflightCheck *td_preflight_check_new       (const char       *id,
                                                const char       *title,
                                                TdCheckGroup      group,
                                                gboolean          required);
/* Sets status, version, detail and fix together (one notify each, after all are set). */
void           td_preflight_check_set_result   (TdPreflightCheck *self,
                                                TdCheckStatus     status,
                                                const char       *version,
                                                const char       *detail,
                                                const char       *fix);
/* OK or WARNING: nothing here blocks the deployment. */
gboolean       td_preflight_check_get_passed   (TdPreflightCheck *self);

G_END_DECLS
