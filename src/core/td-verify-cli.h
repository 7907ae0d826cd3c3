/* td-verify-cli.h: `todo-deploy --verify [--project DIR]`: re-checks every phase's gate without
 * changing anything, one line per gate, and exits 0 only when all of them hold. */
#pragma once

#include <stdio.h>

#include "td-runner.h"

G_BEGIN_DECLS

typedef struct {
  const char *project;      /* --project DIR; NULL: the current folder */
  const char *kubeconfig;   /* --kubeconfig FILE; NULL: as kubectl finds it */
  const char *plan;         /* --plan FILE; NULL: the bundled plan */
} TdVerifyOptions;

enum {
  TD_VERIFY_EXIT_ALL_HOLD = 0,
  TD_VERIFY_EXIT_SOME_FAIL = 1,
  TD_VERIFY_EXIT_ERROR = 2,      /* no project folder, or the plan could not be loaded */
};

/* Prints "PHASE  PASS|FAIL  message" per gate on @out, problems on @err. @runner (NULL: a new
 * one) starts the programs the checks need. Waiting checks are capped at a few seconds. */
int td_verify_cli_run (const TdVerifyOptions *options,
                       TdRunner              *runner,
                       FILE                  *out,
                       FILE                  *err);

G_END_DECLS
