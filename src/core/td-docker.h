/* td-docker.h: what `docker image inspect --format '{{.Size}}'` and `docker ps --format
 * '{{.Names}}'` print, read into plain data. Pure functions over captured output. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Reads the image size in bytes. A missing image ("No such image") fails with TD_ERROR_NOT_FOUND
 * ("… has not been built yet"), any other failure with TD_ERROR_EXITED, output that is not a bare
 * integer with TD_ERROR_PARSE. @image names the image in messages. */
gboolean  td_docker_parse_image_size (const char  *image,
                                      const char  *stdout_text,
                                      const char  *stderr_text,
                                      int          exit_status,
                                      guint64     *size_bytes,
                                      GError     **error);
/* Bytes as `docker images` prints them (decimal units, three significant digits): "72.9MB",
 * "281MB", "1.23GB". */
char     *td_docker_format_size      (guint64      size_bytes);
/* Whole decimal megabytes, rounded, for the seed's "image size <SIZE>MB" and its "< 300MB". */
guint64   td_docker_size_mb          (guint64      size_bytes);

/* TRUE when `docker ps --format '{{.Names}}'` lists a Kubernetes container (a name starting with
 * "k8s_"): docker is talking to Minikube's daemon, not the host's. */
gboolean  td_docker_ps_is_minikube   (const char  *stdout_text);

G_END_DECLS
