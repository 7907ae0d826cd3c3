/* td-build-progress.h: how far a `docker build` has got, read from the lines it prints.
 *
 * Understands both builders: BuildKit's `--progress=plain` on stderr (`#7 [builder 3/5] RUN …`,
 * `#7 DONE 2.9s`, `#7 CACHED`, `#7 ERROR: …`) and the legacy builder on stdout (`Step 3/10 : RUN …`,
 * `Successfully built …`). Feed it every line of both streams, in order, then call
 * td_build_progress_end () with the exit status. */
#pragma once

#include <glib-object.h>

#include "td-process.h"

G_BEGIN_DECLS

typedef enum {
  TD_BUILD_FORMAT_UNKNOWN,    /* nothing recognisable yet */
  TD_BUILD_FORMAT_BUILDKIT,
  TD_BUILD_FORMAT_LEGACY,
} TdBuildFormat;

#define TD_TYPE_BUILD_PROGRESS (td_build_progress_get_type ())
G_DECLARE_FINAL_TYPE (TdBuildProgress, td_build_progress, TD, BUILD_PROGRESS, GObject)

/* Properties (all read-only, all notify):
 *   format:        TdBuildFormat, from the first recognised line
 *   fraction:      0..1, never goes back; completed steps over all steps of all stages seen so far
 *                  (each stage has its own total); 1 only once the build succeeded
 *   current-step:  the step running now, normalised: "[builder 3/5] RUN python -m venv /opt/venv",
 *                  "[2/4] WORKDIR /app", "exporting to image"; NULL before the first
 *   error-message: what failed ("process \"/bin/sh -c pip install …\" did not complete
 *                  successfully: exit code: 1"), NULL while all is well
 *   failed-step:   the step that failed, as current-step shows it, or NULL
 *   finished:      the build is over (successfully or not) */
TdBuildProgress *td_build_progress_new               (void);

void             td_build_progress_feed_line         (TdBuildProgress *self,
                                                      TdStream         stream,
                                                      const char      *line);
/* The Dockerfile being built, so that the fraction counts the steps of stages BuildKit has not
 * reached yet (without it, a stage's steps count from the moment the stage first shows up, and
 * the bar can stall near the end of the first stage). Counts what BuildKit numbers (FROM, RUN,
 * COPY, ADD, WORKDIR) in the stages the last one needs. */
void             td_build_progress_set_dockerfile    (TdBuildProgress *self,
                                                      const char      *dockerfile_text);
/* Feeds every line of @text (for transcripts and captured output). */
void             td_build_progress_feed_text         (TdBuildProgress *self,
                                                      TdStream         stream,
                                                      const char      *text);
/* The program exited: marks the build finished; a non-zero status without an error line seen
 * becomes the error message. */
void             td_build_progress_end               (TdBuildProgress *self,
                                                      int              exit_status);

TdBuildFormat    td_build_progress_get_format        (TdBuildProgress *self);
double           td_build_progress_get_fraction      (TdBuildProgress *self);
const char      *td_build_progress_get_current_step  (TdBuildProgress *self);
const char      *td_build_progress_get_error_message (TdBuildProgress *self);
const char      *td_build_progress_get_failed_step   (TdBuildProgress *self);
gboolean         td_build_progress_get_finished      (TdBuildProgress *self);
/* finished and no error. */
gboolean         td_build_progress_get_succeeded     (TdBuildProgress *self);
/* The last lines the failed step printed (pip's or npm's own error), oldest first; NULL when
 * nothing failed or it printed nothing. */
GStrv            td_build_progress_dup_failed_output (TdBuildProgress *self);
/* How many steps are known and how many of them are complete (for "Step 7 of 16"). */
guint            td_build_progress_get_steps_total   (TdBuildProgress *self);
guint            td_build_progress_get_steps_done    (TdBuildProgress *self);

G_END_DECLS
