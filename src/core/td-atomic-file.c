/* td-atomic-file.c: temporary file, fsync, rename (see the header) */
#define G_LOG_DOMAIN "td-atomic-file"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "td-atomic-file.h"
#include "td-error.h"

#define CHUNK_SIZE (64 * 1024)

static TdAtomicFileTestHook test_hook;
static gpointer test_hook_data;

void
td_atomic_file_set_test_hook (TdAtomicFileTestHook hook, gpointer user_data)
{
  test_hook = hook;
  test_hook_data = user_data;
}

static gboolean
set_errno_error (GError **error, int saved_errno, const char *what, const char *path)
{
  g_set_error (error, TD_ERROR,
               saved_errno == EACCES || saved_errno == EPERM || saved_errno == EROFS
                 ? TD_ERROR_PERMISSION : TD_ERROR_FAILED,
               "Could not %s %s: %s", what, path, g_strerror (saved_errno));
  return FALSE;
}

static gboolean
write_all (int fd, const char *contents, gsize length, const char *path, GError **error)
{
  gsize written = 0;

  while (written < length)
    {
      gssize n = write (fd, contents + written, MIN (length - written, CHUNK_SIZE));

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return set_errno_error (error, errno, "write", path);
      written += n;
      if (test_hook != NULL)
        test_hook (written, length, test_hook_data);
    }
  return TRUE;
}

/* The rename is only durable once the directory entry is on disk too. */
static void
sync_directory (const char *directory)
{
  int fd = open (directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

gboolean
td_atomic_file_write (const char *path, const char *contents, gssize length, GError **error)
{
  g_autofree char *directory = g_path_get_dirname (path);
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *temp_path = NULL;
  mode_t mode = 0644;
  struct stat old;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (contents != NULL || length == 0, FALSE);

  if (length < 0)
    length = strlen (contents);
  if (stat (path, &old) == 0)
    mode = old.st_mode & 07777;

  temp_path = g_strdup_printf ("%s/.%s.XXXXXX", directory, name);
  fd = g_mkstemp_full (temp_path, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    return set_errno_error (error, errno, "create a temporary file in", directory);

  if (!write_all (fd, contents, length, temp_path, error))
    goto failed;
  if (fchmod (fd, mode) != 0)
    {
      set_errno_error (error, errno, "set the permissions of", temp_path);
      goto failed;
    }
  if (fsync (fd) != 0)
    {
      set_errno_error (error, errno, "flush", temp_path);
      goto failed;
    }
  if (close (fd) != 0)
    {
      fd = -1;
      set_errno_error (error, errno, "close", temp_path);
      goto failed;
    }
  fd = -1;
  if (g_rename (temp_path, path) != 0)
    {
      set_errno_error (error, errno, "replace", path);
      goto failed;
    }
  sync_directory (directory);
  return TRUE;

failed:
  if (fd >= 0)
    close (fd);
  g_unlink (temp_path);
  return FALSE;
}
