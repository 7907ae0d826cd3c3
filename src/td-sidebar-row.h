/* td-sidebar-row.h: one entry of the wizard's sidebar: Welcome, or a phase with its state icon */
#pragma once

#include <gtk/gtk.h>

#include "td-phase.h"

G_BEGIN_DECLS

#define TD_TYPE_SIDEBAR_ROW (td_sidebar_row_get_type ())
G_DECLARE_FINAL_TYPE (TdSidebarRow, td_sidebar_row, TD, SIDEBAR_ROW, GtkListBoxRow)

/* @phase NULL makes the Welcome row. */
GtkWidget *td_sidebar_row_new       (TdPhase      *phase);
TdPhase   *td_sidebar_row_get_phase (TdSidebarRow *self);

G_END_DECLS
