/* test-build-progress.c: docker build progress from the BuildKit and legacy transcripts, line by
 * line, and from the fake docker run through TdRunner */
#include <string.h>

#include "fake-tools-util.h"
#include "td-build-progress.h"
#include "td-core-enums.h"
#include "td-error.h"

/* Watches the properties while lines go in: the fraction may never go back or leave 0..1, and
 * "finished" is announced once. */
typedef struct {
  TdBuildProgress *progress;
  double           last_fraction;
  guint            fraction_notifies;
  guint            finished_notifies;
} Watch;

static void
on_fraction (GObject    *object,
             GParamSpec *pspec,
             gpointer    user_data)
{
  Watch *watch = user_data;
  double fraction = td_build_progress_get_fraction (TD_BUILD_PROGRESS (object));

  g_assert_cmpfloat (fraction, >=, watch->last_fraction);
  g_assert_cmpfloat (fraction, <=, 1.0);
  watch->last_fraction = fraction;
  watch->fraction_notifies++;
}

static void
on_finished (GObject    *object,
             GParamSpec *pspec,
             gpointer    user_data)
{
  ((Watch *) user_data)->finished_notifies++;
}

static Watch *
watch_new (void)
{
  Watch *watch = g_new0 (Watch, 1);

  watch->progress = td_build_progress_new ();
  g_signal_connect (watch->progress, "notify::fraction", G_CALLBACK (on_fraction), watch);
  g_signal_connect (watch->progress, "notify::finished", G_CALLBACK (on_finished), watch);
  return watch;
}

static void
watch_free (Watch *watch)
{
  g_object_unref (watch->progress);
  g_free (watch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Watch, watch_free)

/* Feeds the transcript's lines up to and including the first one that starts with @stop (all of
 * them when @stop is NULL); returns the index of the next line. */
static guint
feed_until (TdBuildProgress *progress,
            TdStream         stream,
            char           **lines,
            guint            from,
            const char      *stop)
{
  guint i;

  for (i = from; lines[i] != NULL; i++)
    {
      if (lines[i + 1] == NULL && *lines[i] == '\0')
        break;  /* after the final newline */
      td_build_progress_feed_line (progress, stream, lines[i]);
      if (stop != NULL && g_str_has_prefix (lines[i], stop))
        return i + 1;
    }
  g_assert_null (stop);
  return i;
}

static GStrv
transcript_lines (const char *name)
{
  g_autofree char *text = fake_tools_transcript (name);
  return g_strsplit (text, "\n", -1);
}

static char *
bundled_dockerfile (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "docker", name, NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

/* With the Dockerfile, all ten steps of both stages count from the start. */
static void
test_buildkit_backend (void)
{
  g_autoptr(Watch) watch = watch_new ();
  TdBuildProgress *progress = watch->progress;
  g_auto(GStrv) lines = transcript_lines ("backend-buildkit.txt");
  g_autofree char *dockerfile = bundled_dockerfile ("Dockerfile.backend");
  guint next;

  td_build_progress_set_dockerfile (progress, dockerfile);
  g_assert_cmpint (td_build_progress_get_format (progress), ==, TD_BUILD_FORMAT_UNKNOWN);
  g_assert_cmpuint (td_build_progress_get_steps_total (progress), ==, 10);

  /* BuildKit's own loads are no steps. */
  next = feed_until (progress, TD_STREAM_STDERR, lines, 0, "#3 DONE");
  g_assert_cmpint (td_build_progress_get_format (progress), ==, TD_BUILD_FORMAT_BUILDKIT);
  g_assert_null (td_build_progress_get_current_step (progress));
  g_assert_cmpuint (td_build_progress_get_steps_done (progress), ==, 0);
  g_assert_cmpfloat (td_build_progress_get_fraction (progress), ==, 0.0);

  /* The FROM header is printed twice (output switched to #5 and back): still one step. */
  next = feed_until (progress, TD_STREAM_STDERR, lines, next, "#4 DONE");
  g_assert_true (g_str_has_prefix (td_build_progress_get_current_step (progress),
                                   "[builder 1/5] FROM docker.io/library/python:3.11-slim@sha256:"));
  g_assert_cmpuint (td_build_progress_get_steps_done (progress), ==, 1);
  g_assert_cmpfloat_with_epsilon (td_build_progress_get_fraction (progress), 0.1, 1e-9);

  next = feed_until (progress, TD_STREAM_STDERR, lines, next, "#9 [builder 5/5]");
  g_assert_cmpstr (td_build_progress_get_current_step (progress), ==,
                   "[builder 5/5] RUN pip install --no-cache-dir -r requirements.txt");
  g_assert_cmpfloat_with_epsilon (td_build_progress_get_fraction (progress), 0.4, 1e-9);

  /* stage-1's FROM and WORKDIR were builder's (merged): starting its step 3 means 2 are done. */
  next = feed_until (progress, TD_STREAM_STDERR, lines, next, "#10 [stage-1 3/5]");
  g_assert_cmpuint (td_build_progress_get_steps_total (progress), ==, 10);
  g_assert_cmpuint (td_build_progress_get_steps_done (progress), ==, 7);
  g_assert_cmpfloat_with_epsilon (td_build_progress_get_fraction (progress), 0.7, 1e-9);

  /* All steps done, the image still being exported: not 1 yet. */
  next = feed_until (progress, TD_STREAM_STDERR, lines, next, "#12 DONE");
  g_assert_cmpuint (td_build_progress_get_steps_done (progress), ==, 10);
  g_assert_cmpfloat (td_build_progress_get_fraction (progress), <, 1.0);
  g_assert_false (td_build_progress_get_finished (progress));

  feed_until (progress, TD_STREAM_STDERR, lines, next, NULL);
  g_assert_cmpstr (td_build_progress_get_current_step (progress), ==, "exporting to image");
  g_assert_true (td_build_progress_get_finished (progress));
  g_assert_true (td_build_progress_get_succeeded (progress));
  g_assert_cmpfloat (td_build_progress_get_fraction (progress), ==, 1.0);
  g_assert_null (td_build_progress_get_error_message (progress));
  g_assert_null (td_build_progress_dup_failed_output (progress));

  td_build_progress_end (progress, 0);
  g_assert_true (td_build_progress_get_succeeded (progress));
  g_assert_cmpuint (watch->finished_notifies, ==, 1);
  g_assert_cmpuint (watch->fraction_notifies, >=, 5);
}

/* Without the Dockerfile a stage counts once it shows up: each stage has its own total, the sum
 * grows, and the fraction holds instead of going back. */
static void
test_buildkit_backend_without_dockerfile (void)
{
  g_autoptr(Watch) watch = watch_new ();
  TdBuildProgress *progress = watch->progress;
  g_auto(GStrv) lines = transcript_lines ("backend-buildkit.txt");
  guint next;

  next = feed_until (progress, TD_STREAM_STDERR, lines, 0, "#3 DONE");
  g_assert_cmpuint (td_build_progress_get_steps_total (progress), ==, 0);

  next = feed_until (progress, TD_STREAM_STDERR, lines, next, "#9 [builder 5/5]");
  g_assert_cmpuint (td_build_progress_get_steps_total (progress), ==, 5);
  g_assert_cmpfloat_with_epsilon (td_build_progress_get_fraction (progress), 0.8, 1e-9);

  /* Builder complete: held just short of 1 until the build succeeds. */
  next = feed_until (progress, TD_STREAM_STDERR, lines, next, "#9 DONE");
  g_assert_cmpfloat_with_epsilon (td_build_progress_get_fraction (progress), 0.99, 1e-9);

  /* stage-1 appears: 7 of 10, yet the bar does not go back. */
  next = feed_until (progress, TD_STREAM_STDERR, lines, next, "#10 [stage-1 3/5]");
  g_assert_cmpuint (td_build_progress_get_steps_total (progress), ==, 10);
  g_assert_cmpuint (td_build_progress_get_steps_done (progress), ==, 7);
  g_assert_cmpfloat_with_epsilon (td_build_progress_get_fraction (progress), 0.99, 1e-9);

  feed_until (progress, TD_STREAM_STDERR, lines, next, NULL);
  g_assert_true (td_build_progress_get_succeeded (progress));
  g_assert_cmpfloat (td_build_progress_get_fraction (progress), ==, 1.0);
}

/* What BuildKit will number: FROM, RUN, COPY, ADD, WORKDIR of the stages the target needs. */
static void
test_dockerfile_steps (void)
{
  g_autoptr(TdBuildProgress) multi = td_build_progress_new ();
  g_autoptr(TdBuildProgress) single = td_build_progress_new ();
  g_autoptr(TdBuildProgress) three = td_build_progress_new ();
  g_autofree char *frontend = bundled_dockerfile ("Dockerfile.frontend");
  const char *dockerfile =
    "# syntax=docker/dockerfile:1\n"
    "ARG PY=3.11\n"
    "FROM --platform=linux/amd64 python:${PY}-slim AS Base\n"
    "WORKDIR /app\n"
    "RUN apt-get update && \\\n"
    "    # a comment inside the continuation\n"
    "    apt-get install -y gcc\n"
    "\n"
    "FROM base AS tests\n"             /* not needed by the last stage: not built */
    "RUN pytest\n"
    "\n"
    "FROM alpine AS docs\n"
    "COPY <<EOF /README\n"
    "RUN this is the heredoc's body, not an instruction\n"
    "EOF\n"
    "\n"
    "FROM base\n"
    "COPY --from=docs /README .\n"
    "RUN --mount=type=cache,target=/root/.cache pip install x\n"
    "ENV A=1\n"
    "USER nobody\n"
    "CMD [\"x\"]\n";

  td_build_progress_set_dockerfile (multi, dockerfile);
  /* base 3 + docs 2 + stage-3 3; tests is skipped. */
  g_assert_cmpuint (td_build_progress_get_steps_total (multi), ==, 8);
  td_build_progress_feed_line (multi, TD_STREAM_STDERR, "#7 [stage-3 2/3] COPY --from=docs /README .");
  g_assert_cmpuint (td_build_progress_get_steps_total (multi), ==, 8);
  g_assert_cmpuint (td_build_progress_get_steps_done (multi), ==, 1);

  td_build_progress_set_dockerfile (single, "FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\n"
                                            "RUN pip install -r requirements.txt\nCMD [\"x\"]\n");
  td_build_progress_feed_line (single, TD_STREAM_STDERR, "#5 [2/4] WORKDIR /app");
  g_assert_cmpuint (td_build_progress_get_steps_total (single), ==, 4);
  g_assert_cmpfloat_with_epsilon (td_build_progress_get_fraction (single), 0.25, 1e-9);

  td_build_progress_set_dockerfile (three, frontend);
  g_assert_cmpuint (td_build_progress_get_steps_total (three), ==, 16);
}

static void
test_buildkit_cached (void)
{
  g_autoptr(Watch) watch = watch_new ();
  g_autofree char *text = fake_tools_transcript ("backend-buildkit-cached.txt");

  td_build_progress_feed_text (watch->progress, TD_STREAM_STDERR, text);
  g_assert_cmpuint (td_build_progress_get_steps_total (watch->progress), ==, 10);
  g_assert_cmpuint (td_build_progress_get_steps_done (watch->progress), ==, 10);
  g_assert_true (td_build_progress_get_succeeded (watch->progress));
  g_assert_cmpfloat (td_build_progress_get_fraction (watch->progress), ==, 1.0);
}

static void
assert_pip_failure (TdBuildProgress *progress)
{
  g_auto(GStrv) output = td_build_progress_dup_failed_output (progress);
  guint n_output;

  g_assert_cmpstr (td_build_progress_get_error_message (progress), ==,
                   "process \"/bin/sh -c pip install --no-cache-dir -r requirements.txt\" did not "
                   "complete successfully: exit code: 1");
  /* The padding of "[builder  7/10]" is gone. */
  g_assert_cmpstr (td_build_progress_get_failed_step (progress), ==,
                   "[builder 7/10] RUN pip install --no-cache-dir -r requirements.txt");
  g_assert_nonnull (output);
  n_output = g_strv_length (output);
  g_assert_cmpuint (n_output, ==, 10);
  g_assert_cmpstr (output[n_output - 1], ==, "ERROR: No matching distribution found for openai==9.9.9");
  g_assert_true (td_build_progress_get_finished (progress));
  g_assert_false (td_build_progress_get_succeeded (progress));
  /* builder: 6 of 10 done; stage-1: 4 of 6 (its step 5 had started when it was cancelled). */
  g_assert_cmpuint (td_build_progress_get_steps_total (progress), ==, 16);
  g_assert_cmpuint (td_build_progress_get_steps_done (progress), ==, 10);
  g_assert_cmpfloat_with_epsilon (td_build_progress_get_fraction (progress), 10.0 / 16, 1e-9);
}

static void
test_buildkit_failed (void)
{
  g_autoptr(Watch) watch = watch_new ();
  g_auto(GStrv) lines = transcript_lines ("backend-buildkit-failed.txt");
  guint next;

  /* The step's own ERROR line is what failed; the build is not over until BuildKit says so. */
  next = feed_until (watch->progress, TD_STREAM_STDERR, lines, 0, "#14 ERROR:");
  g_assert_nonnull (td_build_progress_get_error_message (watch->progress));
  g_assert_false (td_build_progress_get_finished (watch->progress));

  feed_until (watch->progress, TD_STREAM_STDERR, lines, next, NULL);
  assert_pip_failure (watch->progress);

  /* The exit status that follows changes nothing. */
  td_build_progress_end (watch->progress, 1);
  assert_pip_failure (watch->progress);
  g_assert_cmpuint (watch->finished_notifies, ==, 1);
}

static void
test_buildkit_frontend_three_stages (void)
{
  g_autoptr(Watch) watch = watch_new ();
  g_auto(GStrv) lines = transcript_lines ("frontend-buildkit.txt");
  g_autofree char *dockerfile = bundled_dockerfile ("Dockerfile.frontend");
  g_autoptr(TdBuildProgress) informed = td_build_progress_new ();
  guint next;

  /* With the Dockerfile: 16 steps from the first line on. */
  td_build_progress_set_dockerfile (informed, dockerfile);
  feed_until (informed, TD_STREAM_STDERR, lines, 0, "#9 [deps 4/4] RUN npm ci");
  g_assert_cmpuint (td_build_progress_get_steps_total (informed), ==, 16);
  g_assert_cmpfloat_with_epsilon (td_build_progress_get_fraction (informed), 6.0 / 16, 1e-9);

  /* Without it: deps 3 of 4 done; runner's step 3 is done, so its steps 1 and 2 (merged into
   * deps's FROM and WORKDIR, never printed) are too: 6 of the 10 steps known so far. */
  next = feed_until (watch->progress, TD_STREAM_STDERR, lines, 0, "#9 [deps 4/4] RUN npm ci");
  g_assert_cmpuint (td_build_progress_get_steps_total (watch->progress), ==, 10);
  g_assert_cmpuint (td_build_progress_get_steps_done (watch->progress), ==, 6);
  g_assert_cmpfloat_with_epsilon (td_build_progress_get_fraction (watch->progress), 0.6, 1e-9);

  next = feed_until (watch->progress, TD_STREAM_STDERR, lines, next, "#13 [builder 6/6]");
  g_assert_cmpuint (td_build_progress_get_steps_total (watch->progress), ==, 16);
  g_assert_cmpuint (td_build_progress_get_steps_done (watch->progress), ==, 4 + 5 + 3);
  g_assert_cmpstr (td_build_progress_get_current_step (watch->progress), ==,
                   "[builder 6/6] RUN npm run build");

  feed_until (watch->progress, TD_STREAM_STDERR, lines, next, NULL);
  g_assert_cmpuint (td_build_progress_get_steps_done (watch->progress), ==, 16);
  g_assert_true (td_build_progress_get_succeeded (watch->progress));
  g_assert_cmpfloat (td_build_progress_get_fraction (watch->progress), ==, 1.0);
}

static void
test_buildkit_single_stage (void)
{
  g_autoptr(TdBuildProgress) progress = td_build_progress_new ();
  const char *lines[] = {
    "#1 [internal] load build definition from Dockerfile",
    "#1 DONE 0.0s",
    "#4 [1/4] FROM docker.io/library/python:3.11-slim",
    "#4 DONE 0.1s",
    "#5 [2/4] WORKDIR /app",
    "#5 CACHED",
    "#6 [3/4] COPY . .",
    "#6 DONE 0.1s",
    NULL,
  };

  for (guint i = 0; lines[i] != NULL; i++)
    td_build_progress_feed_line (progress, TD_STREAM_STDERR, lines[i]);
  g_assert_cmpstr (td_build_progress_get_current_step (progress), ==, "[3/4] COPY . .");
  g_assert_cmpuint (td_build_progress_get_steps_total (progress), ==, 4);
  g_assert_cmpuint (td_build_progress_get_steps_done (progress), ==, 3);
  g_assert_cmpfloat_with_epsilon (td_build_progress_get_fraction (progress), 0.75, 1e-9);
  g_assert_false (td_build_progress_get_finished (progress));

  /* The exit status finishes a build whose export we did not see. */
  td_build_progress_end (progress, 0);
  g_assert_true (td_build_progress_get_succeeded (progress));
  g_assert_cmpfloat (td_build_progress_get_fraction (progress), ==, 1.0);
}

static void
test_legacy_backend (void)
{
  g_autoptr(Watch) watch = watch_new ();
  g_auto(GStrv) lines = transcript_lines ("backend-legacy.txt");
  guint next;

  next = feed_until (watch->progress, TD_STREAM_STDOUT, lines, 0, "Step 6/15 : ");
  g_assert_cmpint (td_build_progress_get_format (watch->progress), ==, TD_BUILD_FORMAT_LEGACY);
  g_assert_cmpstr (td_build_progress_get_current_step (watch->progress), ==,
                   "[6/15] RUN pip install --no-cache-dir -r requirements.txt");
  g_assert_cmpuint (td_build_progress_get_steps_done (watch->progress), ==, 5);
  g_assert_cmpfloat_with_epsilon (td_build_progress_get_fraction (watch->progress), 5.0 / 15, 1e-9);

  /* pip's output runs on stdout between the step and its result. */
  next = feed_until (watch->progress, TD_STREAM_STDOUT, lines, next, "Successfully installed");
  g_assert_cmpuint (td_build_progress_get_steps_done (watch->progress), ==, 5);

  next = feed_until (watch->progress, TD_STREAM_STDOUT, lines, next, "Successfully built ");
  g_assert_cmpuint (td_build_progress_get_steps_done (watch->progress), ==, 15);
  g_assert_false (td_build_progress_get_finished (watch->progress));

  feed_until (watch->progress, TD_STREAM_STDOUT, lines, next, NULL);
  g_assert_true (td_build_progress_get_succeeded (watch->progress));
  g_assert_cmpfloat (td_build_progress_get_fraction (watch->progress), ==, 1.0);
  g_assert_cmpstr (td_build_progress_get_current_step (watch->progress), ==,
                   "[15/15] CMD [\"uvicorn\", \"backend.main:app\", \"--host\", \"0.0.0.0\", \"--port\", \"8000\"]");
}

static void
test_legacy_frontend (void)
{
  g_autoptr(Watch) watch = watch_new ();
  g_autofree char *text = fake_tools_transcript ("frontend-legacy.txt");

  td_build_progress_feed_text (watch->progress, TD_STREAM_STDOUT, text);
  g_assert_cmpuint (td_build_progress_get_steps_total (watch->progress), ==, 22);
  g_assert_true (td_build_progress_get_succeeded (watch->progress));
}

static void
test_legacy_failed (void)
{
  g_autoptr(TdBuildProgress) progress = td_build_progress_new ();
  g_auto(GStrv) output = NULL;
  const char *stdout_lines[] = {
    "Sending build context to Docker daemon  52.74kB",
    "Step 1/6 : FROM python:3.11-slim",
    " ---> c4d319dfe284",
    "Step 2/6 : WORKDIR /app",
    " ---> Running in 8f2e57c81628",
    " ---> Removed intermediate container 8f2e57c81628",
    " ---> 109f845238a7",
    "Step 3/6 : COPY backend/requirements.txt .",
    " ---> d788d3f534ce",
    "Step 4/6 : RUN pip install --no-cache-dir -r requirements.txt",
    " ---> Running in 03ece37f5a3a",
    "Collecting fastapi==0.115.6 (from -r requirements.txt (line 1))",
    "ERROR: Could not find a version that satisfies the requirement openai==9.9.9",
    "ERROR: No matching distribution found for openai==9.9.9",
    NULL,
  };

  for (guint i = 0; stdout_lines[i] != NULL; i++)
    td_build_progress_feed_line (progress, TD_STREAM_STDOUT, stdout_lines[i]);
  /* pip's "ERROR:" lines are output, not the build's verdict. */
  g_assert_null (td_build_progress_get_error_message (progress));
  g_assert_false (td_build_progress_get_finished (progress));
  g_assert_cmpuint (td_build_progress_get_steps_done (progress), ==, 3);

  td_build_progress_feed_line (progress, TD_STREAM_STDERR,
                               "The command '/bin/sh -c pip install --no-cache-dir -r "
                               "requirements.txt' returned a non-zero code: 1");
  td_build_progress_end (progress, 1);
  g_assert_cmpstr (td_build_progress_get_error_message (progress), ==,
                   "The command '/bin/sh -c pip install --no-cache-dir -r requirements.txt' "
                   "returned a non-zero code: 1");
  g_assert_cmpstr (td_build_progress_get_failed_step (progress), ==,
                   "[4/6] RUN pip install --no-cache-dir -r requirements.txt");
  output = td_build_progress_dup_failed_output (progress);
  g_assert_cmpuint (g_strv_length (output), ==, 3);
  g_assert_cmpstr (output[2], ==, "ERROR: No matching distribution found for openai==9.9.9");
  g_assert_true (td_build_progress_get_finished (progress));
  g_assert_false (td_build_progress_get_succeeded (progress));
  g_assert_cmpfloat_with_epsilon (td_build_progress_get_fraction (progress), 0.5, 1e-9);
}

static void
test_exit_without_output (void)
{
  g_autoptr(TdBuildProgress) progress = td_build_progress_new ();

  td_build_progress_end (progress, 125);
  g_assert_cmpstr (td_build_progress_get_error_message (progress), ==,
                   "docker build stopped with exit code 125");
  g_assert_null (td_build_progress_get_failed_step (progress));
  g_assert_true (td_build_progress_get_finished (progress));
  g_assert_cmpfloat (td_build_progress_get_fraction (progress), ==, 0.0);
}

/* Runs `docker build` from the fake through TdRunner, feeding the progress as lines arrive. */
typedef struct {
  TdBuildProgress *progress;
  guint            stdout_lines;
  guint            stderr_lines;
} Feed;

static void
on_line (TdProcess  *process,
         TdStream    stream,
         const char *text,
         gpointer    user_data)
{
  Feed *feed = user_data;

  if (stream == TD_STREAM_STDOUT)
    feed->stdout_lines++;
  else
    feed->stderr_lines++;
  td_build_progress_feed_line (feed->progress, stream, text);
}

static void
on_waited (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static TdBuildProgress *
run_fake_build (const char         *mode,
                const char * const *argv,
                Feed               *feed)
{
  const char *tools[] = { "docker", NULL };
  g_autofree char *setting = g_strconcat ("FAKE_DOCKER_BUILD=", mode, NULL);
  const char *settings[] = { setting, NULL };
  g_autoptr(FakeTools) fake = fake_tools_new (tools, settings);
  g_autoptr(GError) error = NULL;
  g_autoptr(TdProcess) process = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  int status = -1;

  feed->progress = td_build_progress_new ();
  process = td_runner_spawn (fake->runner, argv, fake->dir, NULL, 30000, &error);
  g_assert_no_error (error);
  g_signal_connect (process, "line", G_CALLBACK (on_line), feed);
  td_process_wait_async (process, NULL, on_waited, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (td_process_wait_finish (process, result, &status, &error));
  g_assert_no_error (error);
  td_build_progress_end (feed->progress, status);
  return feed->progress;
}

static void
test_fake_docker_buildkit (void)
{
  const char *argv[] = { "docker", "build", "-t", "todo-frontend:latest", "-f",
                         "Dockerfile.frontend", "--progress=plain", ".", NULL };
  Feed feed = { 0 };
  g_autoptr(TdBuildProgress) progress = run_fake_build ("buildkit", argv, &feed);

  /* BuildKit talks on stderr only. */
  g_assert_cmpuint (feed.stdout_lines, ==, 0);
  g_assert_cmpuint (feed.stderr_lines, >, 100);
  g_assert_cmpint (td_build_progress_get_format (progress), ==, TD_BUILD_FORMAT_BUILDKIT);
  g_assert_cmpuint (td_build_progress_get_steps_total (progress), ==, 16);
  g_assert_true (td_build_progress_get_succeeded (progress));
}

static void
test_fake_docker_legacy (void)
{
  const char *argv[] = { "docker", "build", "-t", "todo-backend:latest", "-f",
                         "Dockerfile.backend", ".", NULL };
  const char *argv_progress[] = { "docker", "build", "-t", "todo-backend:latest",
                                  "--progress=plain", ".", NULL };
  Feed feed = { 0 }, feed_progress = { 0 };
  g_autoptr(TdBuildProgress) progress = run_fake_build ("legacy", argv, &feed);
  g_autoptr(TdBuildProgress) refused = NULL;

  /* Steps on stdout; only the deprecation notice on stderr. */
  g_assert_cmpuint (feed.stdout_lines, >, feed.stderr_lines);
  g_assert_cmpint (td_build_progress_get_format (progress), ==, TD_BUILD_FORMAT_LEGACY);
  g_assert_cmpuint (td_build_progress_get_steps_total (progress), ==, 15);
  g_assert_true (td_build_progress_get_succeeded (progress));

  /* The legacy builder has no --progress: the error says so. */
  refused = run_fake_build ("legacy", argv_progress, &feed_progress);
  g_assert_cmpstr (td_build_progress_get_error_message (refused), ==, "unknown flag: --progress");
  g_assert_false (td_build_progress_get_succeeded (refused));
}

static void
test_fake_docker_failed (void)
{
  const char *argv[] = { "docker", "build", "-t", "todo-backend:latest", "--progress=plain", ".",
                         NULL };
  Feed feed = { 0 };
  g_autoptr(TdBuildProgress) progress = run_fake_build ("fail", argv, &feed);

  assert_pip_failure (progress);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/build-progress/buildkit/backend", test_buildkit_backend);
  g_test_add_func ("/build-progress/buildkit/backend-without-dockerfile",
                   test_buildkit_backend_without_dockerfile);
  g_test_add_func ("/build-progress/buildkit/cached", test_buildkit_cached);
  g_test_add_func ("/build-progress/dockerfile-steps", test_dockerfile_steps);
  g_test_add_func ("/build-progress/buildkit/failed", test_buildkit_failed);
  g_test_add_func ("/build-progress/buildkit/frontend-three-stages", test_buildkit_frontend_three_stages);
  g_test_add_func ("/build-progress/buildkit/single-stage", test_buildkit_single_stage);
  g_test_add_func ("/build-progress/legacy/backend", test_legacy_backend);
  g_test_add_func ("/build-progress/legacy/frontend", test_legacy_frontend);
  g_test_add_func ("/build-progress/legacy/failed", test_legacy_failed);
  g_test_add_func ("/build-progress/exit-without-output", test_exit_without_output);
  g_test_add_func ("/build-progress/fake-docker/buildkit", test_fake_docker_buildkit);
  g_test_add_func ("/build-progress/fake-docker/legacy", test_fake_docker_legacy);
  g_test_add_func ("/build-progress/fake-docker/failed", test_fake_docker_failed);

  return g_test_run ();
}
