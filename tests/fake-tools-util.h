/* fake-tools-util.h: run the fake tools (tests/fake-tools) through a real TdRunner whose children
 * see a PATH holding only the chosen fakes, a call log, an environment log and a state directory */
#pragma once

#include "td-runner.h"
#include "wait-test-util.h"

typedef struct {
  char     *dir;        /* temporary; removed with everything in it */
  char     *bin_dir;    /* the only directory on PATH */
  char     *state_dir;  /* $FAKE_TOOLS_STATE */
  char     *log;        /* $FAKE_TOOLS_LOG */
  char     *env_log;    /* $FAKE_TOOLS_ENV_LOG */
  TdRunner *runner;
  GStrv     envp;       /* the runner's environment for its children */
} FakeTools;

typedef struct {
  char *out;
  char *err;
  int   status;
} FakeRun;

/* @tools: names from tests/fake-tools; @settings: "FAKE_MINIKUBE_STATUS=stopped", … */
FakeTools *fake_tools_new      (const char * const *tools,
                                const char * const *settings);
void       fake_tools_free     (FakeTools          *fake);
/* Makes the runner sandboxed, as inside Flatpak: a fake /.flatpak-info, and a sandbox PATH that
 * holds only the fake flatpak-spawn, which runs the commands with the tools' directory as the
 * host's PATH. */
void       fake_tools_enter_flatpak (FakeTools     *fake);
/* Runs @argv to its end through the runner (with @overlay, the docker-env style environment
 * overlay) and asserts it could be run. */
FakeRun   *fake_tools_run      (FakeTools          *fake,
                                const char * const *argv,
                                const char * const *overlay);
void       fake_run_free       (FakeRun            *run);
/* The lines of $FAKE_TOOLS_ENV_LOG so far (empty vector when there are none). */
GStrv      fake_tools_env_log  (FakeTools          *fake);
/* Reads tests/fixtures/transcripts/@name. */
char      *fake_tools_transcript (const char       *name);
/* Deletes @path and everything under it. */
void       fake_tools_remove_tree (const char      *path);

/* A test that needs the real @tool (helm, kubectl) and did not find it @where ("on PATH", "in
 * _deps/bin, where build-aux/install-deps puts it") calls this and returns. Locally the test is
 * skipped; under CI=true, where the real tools are installed, it fails instead, so that a CI run
 * cannot pass with the real-tool tests left out. */
void       fake_tools_real_tool_missing (const char *tool,
                                         const char *where);

/* An async call's callback that keeps its result: user_data is a GAsyncResult ** to fill. */
void           fake_tools_store_result (GObject      *source,
                                        GAsyncResult *result,
                                        gpointer      user_data);
/* Iterates the main context until *@slot is filled; fails the test after @guard_seconds, so a
 * hang fails instead of blocking the suite. */
GAsyncResult  *fake_tools_wait_result  (GAsyncResult **slot,
                                        guint          guard_seconds);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeTools, fake_tools_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeRun, fake_run_free)
