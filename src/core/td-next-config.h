/* td-next-config.h: the seed's T012 — does frontend/next.config.{js,mjs,ts} set
 * output: 'standalone' (the frontend image runs .next/standalone/server.js)? If not, the exact
 * edit that adds it, as new text and as a unified diff the user reviews before anything is written. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char     *path;           /* the file inspected (NULL when inspecting text) */
  char     *display_name;   /* "frontend/next.config.js" */
  gboolean  is_standalone;  /* output: 'standalone' (or "standalone") is already set */
  char     *original_text;
  char     *new_text;       /* the text with output: 'standalone' added; NULL when already set */
  char     *diff;           /* unified diff from original_text to new_text; NULL when already set */
} TdNextConfig;

void          td_next_config_free            (TdNextConfig  *config);

/* Inspects a config's text. Fails (TD_ERROR_INVALID, the message says why and what to do) when
 * `output` is set to another value (the message quotes it) or when no config object can be found
 * safely (a function export, an unusual shape): then the user edits the file by hand. */
TdNextConfig *td_next_config_inspect_text    (const char    *text,
                                              const char    *display_name,
                                              GError       **error);
/* Finds frontend/next.config.js, .mjs or .ts (Next.js's order) under @project_dir and inspects it;
 * TD_ERROR_NOT_FOUND when there is none. */
TdNextConfig *td_next_config_inspect_project (const char    *project_dir,
                                              GError       **error);

/* A unified diff (3 lines of context) between two texts that differ in one region, with
 * "--- a/NAME" / "+++ b/NAME" headers. */
char         *td_next_config_unified_diff    (const char    *old_text,
                                              const char    *new_text,
                                              const char    *display_name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdNextConfig, td_next_config_free)

G_END_DECLS
