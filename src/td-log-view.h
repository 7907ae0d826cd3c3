/* td-log-view.h: the live output of the programs the wizard runs */
#pragma once

#include <adwaita.h>

#include "td-process.h"

G_BEGIN_DECLS

#define TD_TYPE_LOG_VIEW (td_log_view_get_type ())
G_DECLARE_FINAL_TYPE (TdLogView, td_log_view, TD, LOG_VIEW, AdwBin)

GtkWidget *td_log_view_new             (void);
/* Shows "$ argv…" as a heading for the lines that follow. */
void       td_log_view_append_command  (TdLogView          *self,
                                        const char * const *argv);
void       td_log_view_append_line     (TdLogView          *self,
                                        TdStream            stream,
                                        const char         *text);
/* Follows @process's lines until it exits. */
void       td_log_view_follow_process  (TdLogView          *self,
                                        TdProcess          *process);
void       td_log_view_clear           (TdLogView          *self);
/* The whole text, for copying and for tests. */
char      *td_log_view_get_text        (TdLogView          *self);
guint      td_log_view_get_n_lines     (TdLogView          *self);

G_END_DECLS
