/* td-minikube.h: what `minikube status -o json` and `minikube docker-env --shell none` print, read
 * into plain data, and how much memory to give `minikube start`. Pure functions: no process runs
 * here (TdRunner runs minikube; these read what it printed). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The exit code of `minikube status` is a bitmask; 85 means there is no profile at all. */
typedef enum {
  TD_MINIKUBE_STATUS_HOST_DOWN       = 1 << 0,
  TD_MINIKUBE_STATUS_CLUSTER_DOWN    = 1 << 1,
  TD_MINIKUBE_STATUS_KUBECONFIG_WRONG = 1 << 2,
} TdMinikubeStatusBits;

#define TD_MINIKUBE_EXIT_NO_PROFILE 85

/* One node's line of the status. Fields hold minikube's words: "Running", "Stopped",
 * "Configured", "Misconfigured", "Irrelevant" (worker nodes have no API server), … */
typedef struct {
  char     *name;
  char     *host;
  char     *kubelet;
  char     *apiserver;
  char     *kubeconfig;
  gboolean  worker;
} TdMinikubeNode;

typedef struct {
  GPtrArray *nodes;        /* of TdMinikubeNode; empty when there is no cluster */
  gboolean   exists;       /* FALSE when minikube has no profile yet (exit 85) */
  /* Host, Kubelet and APIServer are Running on every node (a worker's "Irrelevant" API server
   * counts as fine) and the exit code says nothing is wrong. */
  gboolean   running;
  char      *summary;      /* one plain sentence for the user */
} TdMinikubeStatus;

/* Reads what `minikube status -o json` printed on stdout and its exit code. Exit 85 gives a
 * status with exists = FALSE (not an error). Output that is neither one status object nor an array
 * of them fails with TD_ERROR_PARSE. */
TdMinikubeStatus *td_minikube_status_parse        (const char  *stdout_text,
                                                   int          exit_status,
                                                   GError     **error);
void              td_minikube_status_free         (TdMinikubeStatus *status);

/* The exit code of `minikube status` in plain words ("Minikube is stopped: press Start to start
 * it."); NULL for 0. */
char             *td_minikube_explain_status_exit (int          exit_status);

/* Reads `minikube docker-env --shell none` into "KEY=value" entries for TdRunner's environment
 * overlay. Blank lines and '#' comments are skipped; any other line that is not KEY=value, and
 * output without DOCKER_HOST, fail with TD_ERROR_PARSE. */
GStrv             td_minikube_parse_docker_env    (const char  *text,
                                                   GError     **error);

/* How much memory `minikube start --memory` should ask for. */
typedef enum {
  TD_MEMORY_FIT_ENOUGH,       /* the recommended amount fits */
  TD_MEMORY_FIT_TIGHT,        /* less than recommended, but minikube will start */
  TD_MEMORY_FIT_TOO_LITTLE,   /* below minikube's floor once the desktop keeps its share */
} TdMemoryFit;

#define TD_MINIKUBE_MIN_MEMORY_MIB 1800  /* minikube start refuses less */

typedef struct {
  TdMemoryFit  fit;
  guint        memory_mib;    /* for --memory; 0 when fit is TOO_LITTLE */
  guint        recommended_mib;
  char        *memory_flag;   /* "--memory=4096mb", NULL when fit is TOO_LITTLE */
  char        *sentence;      /* for the user */
} TdMemoryHint;

/* MemTotal from @meminfo_path (NULL: /proc/meminfo), in bytes. */
gboolean          td_minikube_read_total_memory   (const char  *meminfo_path,
                                                   guint64     *total_bytes,
                                                   GError     **error);
TdMemoryHint     *td_minikube_memory_hint         (guint64      total_bytes,
                                                   gboolean     with_kagent);
void              td_memory_hint_free             (TdMemoryHint *hint);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdMinikubeStatus, td_minikube_status_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdMemoryHint, td_memory_hint_free)

G_END_DECLS
