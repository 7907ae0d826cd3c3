/* td-committer.h: the Finish page's commit task (T037): "Commit…" on its row (phase.commit) shows
 * the exact git commands in a dialog and runs them only when the user agrees */
#pragma once

#include "td-task-rows.h"
#include "td-wizard-page.h"

G_BEGIN_DECLS

#define TD_TYPE_COMMITTER (td_committer_get_type ())
G_DECLARE_FINAL_TYPE (TdCommitter, td_committer, TD, COMMITTER, GObject)

/* @task: the manual task whose `paths` are committed. Works while @page has a deployment; a new
 * one cancels a commit under way. */
TdCommitter *td_committer_new (TdWizardPage *page,
                               TdTaskRows   *rows,
                               TdTask       *task);

G_END_DECLS
