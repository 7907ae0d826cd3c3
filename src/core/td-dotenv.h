/* td-dotenv.h: reads a project's .env. Values are secrets: callers that show anything show keys. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Parses KEY=VALUE lines (optional "export ", '#' comments, single or double quotes, blank lines).
 * Returns key → value; NULL with an error naming file and line on malformed input. */
GHashTable *td_dotenv_parse      (const char  *text,
                                  const char  *source,
                                  GError     **error);
GHashTable *td_dotenv_load       (const char  *path,
                                  GError     **error);
/* Keys from @required that @env lacks or has empty, in @required's order. */
GStrv       td_dotenv_missing    (GHashTable         *env,
                                  const char * const *required);

G_END_DECLS
