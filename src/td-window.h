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

G_END_DECLS
