/* td-application.h */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TD_TYPE_APPLICATION (td_application_get_type ())
G_DECLARE_FINAL_TYPE (TdApplication, td_application, TD, APPLICATION, AdwApplication)

TdApplication *td_application_new           (void);
/* The plan given with --plan FILE (an absolute path), or NULL: the bundled plan. */
const char    *td_application_get_plan_file (TdApplication *self);
void           td_application_set_plan_file (TdApplication *self,
                                             const char    *plan_file);

G_END_DECLS
