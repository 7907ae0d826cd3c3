/* td-status-icon.h: what sits in front of a task or check row: the row's own icon until something
 * happens, then a spinner, a check mark or an error sign, said in words to screen readers too */
#pragma once

#include <adwaita.h>

#include "td-preflight-check.h"

G_BEGIN_DECLS

#define TD_TYPE_STATUS_ICON (td_status_icon_get_type ())
G_DECLARE_FINAL_TYPE (TdStatusIcon, td_status_icon, TD, STATUS_ICON, AdwBin)

/* @idle_icon_name shows while the status is UNKNOWN, with @idle_description as its tooltip. */
GtkWidget     *td_status_icon_new        (const char    *idle_icon_name,
                                          const char    *idle_description);
void           td_status_icon_set_status (TdStatusIcon  *self,
                                          TdCheckStatus  status);
TdCheckStatus  td_status_icon_get_status (TdStatusIcon  *self);

G_END_DECLS
