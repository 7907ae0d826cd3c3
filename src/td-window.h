/* td-window.h */
#pragma once

#include <adwaita.h>

#include "td-application.h"
#include "td-log-view.h"

G_BEGIN_DECLS

#define TD_TYPE_WINDOW (td_window_get_type ())
G_DECLARE_FINAL_TYPE (TdWindow, td_window, TD, WINDOW, AdwApplicationWindow)

TdWindow *td_window_new          (TdApplication *application);
void      td_window_open_project (TdWindow      *self,
                                  GFile         *project_dir);
TdLogView *td_window_get_log_view (TdWindow      *self);
/* Shows the page of @phase_id (the win.go-to-phase action); FALSE when there is none. */
gboolean    td_window_go_to_phase          (TdWindow   *self,
                                            const char *phase_id);
/* The id of the phase whose page is shown, or NULL on Welcome. */
const char *td_window_get_current_phase_id (TdWindow   *self);

G_END_DECLS
