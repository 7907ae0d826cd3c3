/* td-helm.h: what `helm lint`, `helm status NAME -o json` and `helm list -o json` print, read into
 * plain data. Pure functions over captured output; TdRunner runs helm. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint  charts_linted;
  guint  charts_failed;
  GStrv  errors;      /* the text after "[ERROR] ", in order; never NULL */
  GStrv  warnings;    /* the text after "[WARNING] " */
} TdHelmLint;

/* Reads both streams of `helm lint DIR`: the "N chart(s) linted, M chart(s) failed" summary may
 * be on stdout or, after "Error: ", on stderr. No summary at all fails with TD_ERROR_PARSE. */
TdHelmLint    *td_helm_lint_parse      (const char  *stdout_text,
                                        const char  *stderr_text,
                                        GError     **error);
gboolean       td_helm_lint_passed     (const TdHelmLint *lint);
void           td_helm_lint_free       (TdHelmLint *lint);

/* One release, from `helm status -o json` or one entry of `helm list -o json`. */
typedef struct {
  char   *name;
  char   *namespace;
  char   *status;         /* "deployed", "failed", "pending-upgrade", … */
  guint   revision;
  char   *chart;          /* "todo-app-0.1.0"; NULL from helm status */
  char   *app_version;
  char   *description;    /* info.description from helm status ("Install complete") */
  /* For a release that blocks the next install: what happened in plain words, and the command
   * that clears it (argv, e.g. helm rollback todo-app). NULL otherwise. */
  char   *explanation;
  GStrv   fix_argv;
} TdHelmRelease;

/* Reads `helm status NAME -o json` (stdout, stderr, exit status). An unknown release
 * ("Error: release: not found") fails with TD_ERROR_NOT_FOUND; any other failure with
 * TD_ERROR_EXITED carrying helm's message; unreadable JSON with TD_ERROR_PARSE. */
TdHelmRelease *td_helm_status_parse    (const char  *stdout_text,
                                        const char  *stderr_text,
                                        int          exit_status,
                                        GError     **error);
/* Reads `helm list -o json`: an array of releases (empty for "[]"). */
GPtrArray     *td_helm_list_parse      (const char  *stdout_text,
                                        GError     **error);
/* deployed, and nothing in progress. */
gboolean       td_helm_release_is_deployed (const TdHelmRelease *release);
void           td_helm_release_free    (TdHelmRelease *release);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdHelmLint, td_helm_lint_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdHelmRelease, td_helm_release_free)

G_END_DECLS
