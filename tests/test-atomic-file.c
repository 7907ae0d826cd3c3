/* test-atomic-file.c: td_atomic_file_write replaces a file whole, keeps its mode, and a writer
 * killed half-way leaves the old file as it was.
 *
 * The kill test runs this binary again as a child ("--write-and-block PATH"): the child writes a
 * large file through td_atomic_file_write, and its test hook reports "half" on stdout once half is
 * written, then blocks reading stdin. The parent waits for that line, sends SIGKILL, and looks. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "td-atomic-file.h"
#include "td-error.h"

#define OLD_TEXT "the old contents\n"
#define LARGE_SIZE (8 * 1024 * 1024)

static char *
make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("td-atomic-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

/* Every name in @dir, sorted; removes the files and the directory when @remove. */
static GPtrArray *
list_dir (const char *dir, gboolean remove)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (handle);
  while ((name = g_dir_read_name (handle)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  if (remove)
    {
      for (guint i = 0; i < names->len; i++)
        {
          g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);

          g_assert_cmpint (g_unlink (path), ==, 0);
        }
      g_assert_cmpint (g_rmdir (dir), ==, 0);
    }
  return names;
}

static char *
read_file (const char *path, gsize *out_length)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, out_length, &error));
  g_assert_no_error (error);
  return text;
}

static void
test_new_file (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "Dockerfile.backend", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) names = NULL;
  struct stat info;

  g_assert_true (td_atomic_file_write (path, "FROM python:3.11-slim\n", -1, &error));
  g_assert_no_error (error);
  text = read_file (path, NULL);
  g_assert_cmpstr (text, ==, "FROM python:3.11-slim\n");
  g_assert_cmpint (g_stat (path, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 07777, ==, 0644);

  names = list_dir (dir, TRUE);   /* no temporary file is left behind */
  g_assert_cmpuint (names->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "Dockerfile.backend");
}

static void
test_replace_keeps_mode (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "run.sh", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) names = NULL;
  struct stat info;

  g_assert_true (g_file_set_contents (path, OLD_TEXT, -1, NULL));
  g_assert_cmpint (g_chmod (path, 0750), ==, 0);
  g_assert_true (td_atomic_file_write (path, "new\0with a NUL", 14, &error));
  g_assert_no_error (error);
  {
    gsize length;

    text = read_file (path, &length);
    g_assert_cmpuint (length, ==, 14);
    g_assert_cmpmem (text, length, "new\0with a NUL", 14);
  }
  g_assert_cmpint (g_stat (path, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 07777, ==, 0750);
  names = list_dir (dir, TRUE);
  g_assert_cmpuint (names->len, ==, 1);
}

static void
test_missing_directory (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "no-such-dir", "file", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) names = NULL;

  g_assert_false (td_atomic_file_write (path, "x", -1, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "no-such-dir"));
  names = list_dir (dir, TRUE);
  g_assert_cmpuint (names->len, ==, 0);
}

/* ── Killed half-way ─────────────────────────────────────────────────────────────────────── */

static void
block_at_half (gsize written, gsize total, gpointer user_data)
{
  char byte;

  if (written < total / 2)
    return;
  g_print ("half\n");
  fflush (stdout);
  /* Blocks until the parent kills us (or closes stdin, which it never does first). */
  while (read (STDIN_FILENO, &byte, 1) < 0 && errno == EINTR)
    ;
  _exit (3);
}

static int
run_child (const char *path)
{
  g_autofree char *large = g_malloc (LARGE_SIZE);
  g_autoptr(GError) error = NULL;

  memset (large, 'n', LARGE_SIZE);
  td_atomic_file_set_test_hook (block_at_half, NULL);
  td_atomic_file_write (path, large, LARGE_SIZE, &error);
  return 4;   /* never reached when the hook blocks */
}

static void
test_killed_midway (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "Dockerfile.frontend", NULL);
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *line = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) names = NULL;
  gboolean temp_seen = FALSE;

  g_assert_nonnull (self);
  g_assert_true (g_file_set_contents (path, OLD_TEXT, -1, NULL));
  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                            self, "--write-and-block", path, NULL);
  g_assert_no_error (error);

  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
  line = g_data_input_stream_read_line (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "half");

  g_subprocess_send_signal (child, SIGKILL);
  g_assert_true (g_subprocess_wait (child, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (child));
  g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);

  /* The final name still holds the old file, whole. */
  text = read_file (path, NULL);
  g_assert_cmpstr (text, ==, OLD_TEXT);

  /* The half-written temporary file is hidden beside it, never under the final name. */
  names = list_dir (dir, FALSE);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *temp_path = NULL;
      struct stat info;

      if (g_str_equal (name, "Dockerfile.frontend"))
        continue;
      g_assert_true (g_str_has_prefix (name, ".Dockerfile.frontend."));
      temp_path = g_build_filename (dir, name, NULL);
      g_assert_cmpint (g_stat (temp_path, &info), ==, 0);
      g_assert_cmpint (info.st_size, >=, LARGE_SIZE / 2);
      g_assert_cmpint (info.st_size, <, LARGE_SIZE);
      temp_seen = TRUE;
    }
  /* Proves the child really was killed in the middle of writing. */
  g_assert_true (temp_seen);
  g_ptr_array_unref (list_dir (dir, TRUE));
}

int
main (int argc, char *argv[])
{
  if (argc == 3 && g_str_equal (argv[1], "--write-and-block"))
    return run_child (argv[2]);

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/atomic-file/new-file", test_new_file);
  g_test_add_func ("/atomic-file/replace-keeps-mode", test_replace_keeps_mode);
  g_test_add_func ("/atomic-file/missing-directory", test_missing_directory);
  g_test_add_func ("/atomic-file/killed-midway", test_killed_midway);
  return g_test_run ();
}
