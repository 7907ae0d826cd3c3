/* td-docker.c: reading docker image inspect and docker ps output */
#define G_LOG_DOMAIN "td-docker"

#include <string.h>

#include "td-docker.h"
#include "td-error.h"

gboolean
td_docker_parse_image_size (const char  *image,
                            const char  *stdout_text,
                            const char  *stderr_text,
                            int          exit_status,
                            guint64     *size_bytes,
                            GError     **error)
{
  g_autofree char *text = g_strstrip (g_strdup (stdout_text != NULL ? stdout_text : ""));
  g_autoptr(GError) number_error = NULL;
  guint64 size;

  if (exit_status != 0)
    {
      g_autofree char *reason = g_strstrip (g_strdup (stderr_text != NULL ? stderr_text : ""));

      /* "Error: No such image: todo-backend:latest" (older clients: "Error response from daemon:
       * No such image: …"). */
      if (strstr (reason, "No such image") != NULL)
        g_set_error (error, TD_ERROR, TD_ERROR_NOT_FOUND,
                     "The image %s has not been built yet (in the Docker that docker-env points "
                     "at)", image);
      else
        g_set_error (error, TD_ERROR, TD_ERROR_EXITED, "docker image inspect %s failed: %s",
                     image, *reason != '\0' ? reason : "it printed no reason");
      return FALSE;
    }

  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, &size, &number_error))
    {
      g_set_error (error, TD_ERROR, TD_ERROR_PARSE,
                   "docker image inspect %s printed “%.40s”, not a size in bytes", image, text);
      return FALSE;
    }
  *size_bytes = size;
  return TRUE;
}

char *
td_docker_format_size (guint64 size_bytes)
{
  static const char * const units[] = { "B", "kB", "MB", "GB", "TB", "PB" };
  double size = (double) size_bytes;
  guint unit = 0;

  while (size >= 1000.0 && unit + 1 < G_N_ELEMENTS (units))
    {
      size /= 1000.0;
      unit++;
    }
  /* Three significant digits: 999.7MB would print as "1e+03MB", so it moves up to "1GB". */
  if (size >= 999.5 && unit + 1 < G_N_ELEMENTS (units))
    {
      size /= 1000.0;
      unit++;
    }
  return g_strdup_printf ("%.3g%s", size, units[unit]);
}

guint64
td_docker_size_mb (guint64 size_bytes)
{
  return size_bytes / 1000000 + (size_bytes % 1000000 >= 500000 ? 1 : 0);
}

gboolean
td_docker_ps_is_minikube (const char *stdout_text)
{
  g_auto(GStrv) names = g_strsplit (stdout_text != NULL ? stdout_text : "", "\n", -1);

  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_has_prefix (g_strstrip (names[i]), "k8s_"))
      return TRUE;
  return FALSE;
}
