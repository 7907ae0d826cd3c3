/* td-preflight.h: checks the tools on PATH (or on the host, inside Flatpak) and the project layout */
#pragma once

#include <gio/gio.h>

#include "td-preflight-check.h"
#include "td-runner.h"

G_BEGIN_DECLS

#define TD_TYPE_PREFLIGHT (td_preflight_get_type ())
G_DECLARE_FINAL_TYPE (TdPreflight, td_preflight, TD, PREFLIGHT, GObject)

TdPreflight *td_preflight_new         (TdRunner            *runner);
/* How long each tool's version command may take (10 s by default); past it the row fails. */
void         td_preflight_set_tool_timeout (TdPreflight    *self,
                                            guint           timeout_ms);
/* The first version number in a program's output, short form: "Client Version: v1.32.4" → "v1.32.4",
 * "v3.21.0+g1a2b3c4" → "v3.21.0", "Docker version 28.2.2, build e6534b4" → "28.2.2". */
char        *td_preflight_parse_version (const char    *output);
/* The checks, in display order (tools, agents, project). Rows update in place as they run. */
GListModel  *td_preflight_get_checks  (TdPreflight         *self);
TdPreflightCheck *td_preflight_lookup (TdPreflight         *self,
                                       const char          *id);
/* Runs every check; @project_dir may be NULL (project checks then say "choose a folder"). */
void         td_preflight_run_async   (TdPreflight         *self,
                                       GFile               *project_dir,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
/* TRUE when every required check passed. */
gboolean     td_preflight_run_finish  (TdPreflight         *self,
                                       GAsyncResult        *result,
                                       GError             **error);

G_END_DECLS
