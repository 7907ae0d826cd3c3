/* td-status-cli.h: `todo-deploy --status`: the deployment's pods as `kubectl get pods` prints them,
 * plus a DIAGNOSIS column, from the Kubernetes API (list, and watch with --watch). */
#pragma once

#include <stdio.h>

#include <gio/gio.h>

G_BEGIN_DECLS

/* The parsed command line. NULL members take their defaults: the kubeconfig as kubectl finds it,
 * its current context, the context's namespace, the plan's pod selector, a table. */
typedef struct {
  const char *project;      /* --project DIR: must be a folder when given */
  const char *kubeconfig;   /* --kubeconfig FILE */
  const char *context;      /* --context NAME */
  const char *namespace_;   /* -n NAMESPACE */
  const char *selector;     /* -l SELECTOR */
  const char *output;       /* -o json */
  gboolean    watch;        /* --watch: print rows as pods change, until SIGINT or SIGTERM */
  const char *plan;         /* --plan FILE: the plan whose selector and diagnoses apply; NULL: the bundled one */
} TdStatusOptions;

/* The exit codes. */
enum {
  TD_STATUS_EXIT_READY = 0,      /* every selected pod is Ready */
  TD_STATUS_EXIT_NOT_READY = 1,  /* some pod is not Ready, or no pod matches */
  TD_STATUS_EXIT_ERROR = 2,      /* the configuration or the connection failed */
};

/* Runs the command: the table (or JSON) on @out, messages on @err. Returns the exit code. */
int   td_status_cli_run          (const TdStatusOptions *options,
                                  FILE                  *out,
                                  FILE                  *err);

/* NAME READY STATUS RESTARTS AGE DIAGNOSIS for @pods (a GListModel of TdPod), aligned as kubectl's
 * tabwriter aligns them: every column but the last padded to its widest cell plus 3 spaces. */
char *td_status_cli_format_table (GListModel            *pods);
/* [{"name", "ready", "status", "restarts", "age", "diagnosis": {"reason", "message", "hint"} | null}] */
char *td_status_cli_format_json  (GListModel            *pods);

G_END_DECLS
