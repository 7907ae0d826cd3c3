/* td-atomic-file.h: replace a file so that a reader (or a crash) sees the old or the new contents,
 * never half of the new. Used when the user accepts an artifact into the project. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Writes @contents to a temporary file beside @path (".<name>.XXXXXX", so never under the final
 * name), flushes it to disk, gives it the mode of the file it replaces (0644 for a new file), and
 * renames it over @path. On failure the old file is untouched and the temporary file removed. */
gboolean td_atomic_file_write (const char  *path,
                               const char  *contents,
                               gssize       length,
                               GError     **error);

/* Tests only: called after each chunk is written to the temporary file, with the bytes written
 * so far. NULL removes it. */
typedef void (*TdAtomicFileTestHook) (gsize written, gsize total, gpointer user_data);
void     td_atomic_file_set_test_hook (TdAtomicFileTestHook hook,
                                       gpointer             user_data);

G_END_DECLS
