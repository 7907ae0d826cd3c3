/* td-secret-group.h: the Helm Deploy page's "Secret Values": a password row per key the project's
 * .env lacks, so the Secret can still be made; hidden while there is none */
#pragma once

#include <adwaita.h>

#include "td-deployment.h"

G_BEGIN_DECLS

#define TD_TYPE_SECRET_GROUP (td_secret_group_get_type ())
G_DECLARE_FINAL_TYPE (TdSecretGroup, td_secret_group, TD, SECRET_GROUP, AdwPreferencesGroup)

/* @secret_task: the task that creates the Secret (td_secret_task_handles ()). */
GtkWidget *td_secret_group_new     (TdTask        *secret_task);
/* A row per key @deployment's .env lacks (none without a deployment). */
void       td_secret_group_refresh (TdSecretGroup *self,
                                    TdDeployment  *deployment);
/* Hands the typed values to @deployment, for the Secret task to use. */
void       td_secret_group_store   (TdSecretGroup *self,
                                    TdDeployment  *deployment);

G_END_DECLS
