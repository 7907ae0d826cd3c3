/* td-audit-log-window.h: shows the project's phase-iv-audit.log, read-only */
#pragma once

#include <adwaita.h>

#include "td-audit-log.h"

G_BEGIN_DECLS

#define TD_TYPE_AUDIT_LOG_WINDOW (td_audit_log_window_get_type ())
G_DECLARE_FINAL_TYPE (TdAuditLogWindow, td_audit_log_window, TD, AUDIT_LOG_WINDOW, AdwWindow)

GtkWidget *td_audit_log_window_new    (TdAuditLog       *log);
/* Reads the file again. */
void       td_audit_log_window_reload (TdAuditLogWindow *self);

G_END_DECLS
