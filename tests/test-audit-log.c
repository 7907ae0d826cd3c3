/* test-audit-log.c: the audit log's line format, escaping, redaction, header and atomic appends */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "td-error.h"
#include "td-audit-log.h"

/* The seed's audit log: the file name and header the plan's settings give (the log itself takes
 * them as parameters). */
#define AUDIT_FILE "phase-iv-audit.log"
#define AUDIT_HEADER \
  "# Phase IV Agent Delegation Audit Log — format: [ISO-timestamp] [AGENT] prompt=\"...\" result=\"...\""

#define HELPER_FLAG "--append-helper"
#define HELPER_LINES 1000
#define HELPER_FILLER_LEN 3000

typedef struct {
  char       *dir;
  TdAuditLog *log;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("td-audit-XXXXXX", &error);
  g_assert_no_error (error);
  f->log = td_audit_log_new (f->dir, AUDIT_FILE, AUDIT_HEADER);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (f->dir), ==, 0);
  g_clear_object (&f->log);
  g_free (f->dir);
}

static char *
read_log (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (td_audit_log_get_path (f->log), &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static guint
count_occurrences (const char *haystack, const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

static void
append_ok (Fixture *f, const char *agent, const char *prompt, const char *result)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (td_audit_log_append (f->log, agent, prompt, result, &error));
  g_assert_no_error (error);
}

static void
test_path (Fixture *f, gconstpointer data)
{
  g_autofree char *expected = g_build_filename (f->dir, "phase-iv-audit.log", NULL);
  g_autofree char *from_property = NULL;

  g_assert_cmpstr (td_audit_log_get_path (f->log), ==, expected);
  g_object_get (f->log, "path", &from_property, NULL);
  g_assert_cmpstr (from_property, ==, expected);
}

static void
test_missing_project_dir (void)
{
  g_autoptr(TdAuditLog) log = td_audit_log_new ("/nonexistent-td-project", AUDIT_FILE, AUDIT_HEADER);
  g_autoptr(GError) error = NULL;

  g_assert_false (td_audit_log_ensure (log, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "/nonexistent-td-project/phase-iv-audit.log"));
  g_clear_error (&error);
  g_assert_false (td_audit_log_append (log, "ENV", "p", "r", &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_NOT_FOUND);
}

static void
test_line_format (Fixture *f, gconstpointer data)
{
  g_autoptr(GRegex) regex = g_regex_new ("^\\[(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z)\\] "
                                         "\\[GORDON\\] prompt=\"Create multi-stage Dockerfile\" "
                                         "result=\"Dockerfile.backend generated\"$", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GDateTime) stamp = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *stamp_text = NULL;
  g_auto(GStrv) lines = NULL;
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;
  gint64 after;

  append_ok (f, "GORDON", "Create multi-stage Dockerfile", "Dockerfile.backend generated");
  after = g_get_real_time () / G_USEC_PER_SEC;

  contents = read_log (f);
  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_cmpstr (lines[0], ==, AUDIT_HEADER);
  g_assert_cmpstr (lines[2], ==, "");
  g_assert_true (g_regex_match (regex, lines[1], 0, &match));

  /* The timestamp is UTC and is the time of the append. */
  stamp_text = g_match_info_fetch (match, 1);
  stamp = g_date_time_new_from_iso8601 (stamp_text, NULL);
  g_assert_nonnull (stamp);
  g_assert_cmpint (g_date_time_to_unix (stamp), >=, before);
  g_assert_cmpint (g_date_time_to_unix (stamp), <=, after);
}

static void
test_escape (void)
{
  g_autofree char *escaped = td_audit_log_escape ("a\\b\"c\nd\re\tf — ü");
  g_autofree char *empty = td_audit_log_escape (NULL);

  g_assert_cmpstr (escaped, ==, "a\\\\b\\\"c\\nd\\re\\tf — ü");
  g_assert_cmpstr (empty, ==, "");
}

static void
test_escape_round_trip (Fixture *f, gconstpointer data)
{
  const char *prompt = "Create \"Deployment\"\n\tname: todo-backend\r\nC:\\path\\ end\\";
  const char *result = "line one\nline \"two\"\\n (a literal backslash-n)";
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  TdAuditEntry *entry;

  append_ok (f, "KUBECTL-AI", prompt, result);
  append_ok (f, "HELM", "", "");

  /* Newlines in the text never break the one-line-per-entry format. */
  contents = read_log (f);
  g_assert_cmpuint (count_occurrences (contents, "\n"), ==, 3);
  g_assert_null (strchr (contents, '\r'));
  g_assert_null (strchr (contents, '\t'));

  entries = td_audit_log_read_entries (f->log, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 2);
  entry = entries->pdata[0];
  g_assert_cmpstr (entry->agent, ==, "KUBECTL-AI");
  g_assert_cmpstr (entry->prompt, ==, prompt);
  g_assert_cmpstr (entry->result, ==, result);
  g_assert_cmpuint (strlen (entry->timestamp), ==, strlen ("2026-11-21T05:15:25Z"));
  entry = entries->pdata[1];
  g_assert_cmpstr (entry->agent, ==, "HELM");
  g_assert_cmpstr (entry->prompt, ==, "");
  g_assert_cmpstr (entry->result, ==, "");
}

static void
test_redaction (Fixture *f, gconstpointer data)
{
  const char *secrets[] = {
    "sk-live-0123456789",
    "pa\"ss",              /* contains a quote: escaped as pa\"ss in the file */
    "abcdef", "defghi",    /* overlap in "abcdefghi" */
    "one\\ntwo",           /* a literal backslash-n: what a newline looks like once escaped */
  };
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  TdAuditEntry *entry;

  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    td_audit_log_add_secret (f->log, secrets[i]);
  td_audit_log_add_secret (f->log, "");  /* ignored, or every gap would be redacted */

  append_ok (f, "ENV", "key=sk-live-0123456789 and pa\"ss", "got sk-live-0123456789.");
  append_ok (f, "ENV", "xxabcdefghixx", "one\ntwo");

  contents = read_log (f);
  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    {
      g_autofree char *escaped = td_audit_log_escape (secrets[i]);

      g_assert_null (strstr (contents, secrets[i]));
      g_assert_null (strstr (contents, escaped));
    }
  g_assert_null (strstr (contents, "abc"));
  g_assert_null (strstr (contents, "ghi"));

  entries = td_audit_log_read_entries (f->log, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 2);
  entry = entries->pdata[0];
  g_assert_cmpstr (entry->prompt, ==, "key=[REDACTED] and [REDACTED]");
  g_assert_cmpstr (entry->result, ==, "got [REDACTED].");
  entry = entries->pdata[1];
  /* Overlapping secrets become one redaction, with nothing of either left over. */
  g_assert_cmpstr (entry->prompt, ==, "xx[REDACTED]xx");
  g_assert_cmpstr (entry->result, ==, "[REDACTED]");
}

static void
test_secret_inside_longer_secret (Fixture *f, gconstpointer data)
{
  g_autofree char *contents = NULL;

  /* Added shortest first: the longer one must still vanish whole, not leave "-suffix". */
  td_audit_log_add_secret (f->log, "token");
  td_audit_log_add_secret (f->log, "token-suffix");
  append_ok (f, "KAGENT", "a token-suffix b token c", "none");

  contents = read_log (f);
  g_assert_nonnull (strstr (contents, "prompt=\"a [REDACTED] b [REDACTED] c\" result=\"none\"\n"));
  g_assert_null (strstr (contents, "suffix"));
}

static void
test_header_created_once (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;

  g_assert_false (g_file_test (td_audit_log_get_path (f->log), G_FILE_TEST_EXISTS));
  g_assert_true (td_audit_log_ensure (f->log, &error));
  g_assert_no_error (error);
  first = read_log (f);
  g_assert_cmpstr (first, ==, AUDIT_HEADER "\n");

  g_assert_true (td_audit_log_ensure (f->log, &error));
  append_ok (f, "ENV", "minikube start", "Minikube Running");
  g_assert_true (td_audit_log_ensure (f->log, &error));
  g_assert_no_error (error);

  last = read_log (f);
  g_assert_true (g_str_has_prefix (last, AUDIT_HEADER "\n["));
  g_assert_cmpuint (count_occurrences (last, "# Phase IV"), ==, 1);
  g_assert_cmpuint (count_occurrences (last, "\n"), ==, 2);
}

static void
test_append_creates_with_header (Fixture *f, gconstpointer data)
{
  g_autofree char *contents = NULL;

  append_ok (f, "HELM", "helm install todo-app charts/todo-app", "STATUS=deployed");
  contents = read_log (f);
  g_assert_true (g_str_has_prefix (contents, AUDIT_HEADER "\n["));
  g_assert_true (g_str_has_suffix (contents, "] [HELM] prompt=\"helm install todo-app charts/todo-app\" "
                                             "result=\"STATUS=deployed\"\n"));
}

static void
test_existing_file_kept (Fixture *f, gconstpointer data)
{
  const char *previous = "# an older log\n[2026-11-21T05:15:25Z] [ENV] prompt=\"a\" result=\"b\"\n";
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  g_file_set_contents (td_audit_log_get_path (f->log), previous, -1, &error);
  g_assert_no_error (error);

  g_assert_true (td_audit_log_ensure (f->log, &error));
  g_assert_no_error (error);
  contents = read_log (f);
  g_assert_cmpstr (contents, ==, previous);
  g_clear_pointer (&contents, g_free);

  append_ok (f, "GORDON", "p", "r");
  contents = read_log (f);
  g_assert_true (g_str_has_prefix (contents, previous));
  g_assert_null (strstr (contents, AUDIT_HEADER));

  entries = td_audit_log_read_entries (f->log, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_cmpstr (((TdAuditEntry *) entries->pdata[0])->timestamp, ==, "2026-11-21T05:15:25Z");
  g_assert_cmpstr (((TdAuditEntry *) entries->pdata[1])->agent, ==, "GORDON");
}

static void
test_invalid_agent (Fixture *f, gconstpointer data)
{
  const char *bad[] = { "", "gordon", "KUBECTL AI", "A]B", "ENV\n", "GÖRDON" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (td_audit_log_append (f->log, bad[i], "p", "r", &error));
      g_assert_error (error, TD_ERROR, TD_ERROR_INVALID);
    }
  {
    g_autoptr(GError) error = NULL;
    g_assert_false (td_audit_log_append (f->log, NULL, "p", "r", &error));
    g_assert_error (error, TD_ERROR, TD_ERROR_INVALID);
  }
  /* A rejected line creates nothing. */
  g_assert_false (g_file_test (td_audit_log_get_path (f->log), G_FILE_TEST_EXISTS));

  append_ok (f, "KUBECTL-AI", "p", "r");
  append_ok (f, "T0-9", "p", "r");
}

static void
test_read_entries (Fixture *f, gconstpointer data)
{
  const char *text =
    AUDIT_HEADER "\n"
    "\n"
    "not an entry\n"
    "[2026-11-21T05:15:25Z] [GORDON] prompt=\"unterminated\n"
    "[2026-11-21T05:15:25Z] [lower] prompt=\"p\" result=\"r\"\n"
    "[2026-11-21T05:15:25Z] [GORDON] prompt=\"p\" result=\"r\" trailing\n"
    "[2026-11-21T05:15:26Z] [KUBECTL] prompt=\"get pods\" result=\"4 \\\"Running\\\"\"\n"
    "[2026-11-21T05:15:27Z] [ENV] prompt=\"x\\[REDACTED]\" result=\"\"";   /* no final newline */
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  TdAuditEntry *entry;

  entries = td_audit_log_read_entries (f->log, &error);
  g_assert_error (error, TD_ERROR, TD_ERROR_NOT_FOUND);
  g_assert_null (entries);
  g_clear_error (&error);

  g_file_set_contents (td_audit_log_get_path (f->log), text, -1, &error);
  g_assert_no_error (error);
  entries = td_audit_log_read_entries (f->log, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 2);
  entry = entries->pdata[0];
  g_assert_cmpstr (entry->timestamp, ==, "2026-11-21T05:15:26Z");
  g_assert_cmpstr (entry->agent, ==, "KUBECTL");
  g_assert_cmpstr (entry->prompt, ==, "get pods");
  g_assert_cmpstr (entry->result, ==, "4 \"Running\"");
  /* An escape cut by a redaction is kept as written. */
  entry = entries->pdata[1];
  g_assert_cmpstr (entry->prompt, ==, "x\\[REDACTED]");
}

/* The concurrency test: two processes append at once. Each line is ~3 KiB, so a torn or
 * interleaved write would break a line's shape or its filler. */

static char *
helper_prompt (const char *tag, int seq)
{
  g_autofree char *filler = g_strnfill (HELPER_FILLER_LEN, tag[strlen (tag) - 1]);

  return g_strdup_printf ("writer=%s seq=%d \"%s\"\n", tag, seq, filler);
}

static int
run_append_helper (const char *dir, const char *tag)
{
  g_autoptr(TdAuditLog) log = td_audit_log_new (dir, AUDIT_FILE, AUDIT_HEADER);
  char go;

  /* Wait for the parent's go, so both writers start together. */
  if (read (STDIN_FILENO, &go, 1) != 1)
    return 2;
  td_audit_log_add_secret (log, "never-written-secret");
  for (int seq = 0; seq < HELPER_LINES; seq++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *prompt = helper_prompt (tag, seq);
      g_autofree char *result = g_strdup_printf ("seq=%d never-written-secret", seq);

      if (!td_audit_log_append (log, tag, prompt, result, &error))
        {
          g_printerr ("%s: %s\n", tag, error->message);
          return 1;
        }
    }
  return 0;
}

static GSubprocess *
spawn_helper (const char *dir, const char *tag)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", &error);
  GSubprocess *helper;

  g_assert_no_error (error);
  helper = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE, &error,
                             self_exe, HELPER_FLAG, dir, tag, NULL);
  g_assert_no_error (error);
  return helper;
}

static void
test_concurrent_processes (Fixture *f, gconstpointer data)
{
  const char *tags[] = { "WRITER-A", "WRITER-B" };
  GSubprocess *helpers[G_N_ELEMENTS (tags)];
  gboolean seen[G_N_ELEMENTS (tags)][HELPER_LINES] = { { FALSE } };
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  guint switches = 0;

  for (guint w = 0; w < G_N_ELEMENTS (tags); w++)
    helpers[w] = spawn_helper (f->dir, tags[w]);
  for (guint w = 0; w < G_N_ELEMENTS (tags); w++)
    {
      GOutputStream *input = g_subprocess_get_stdin_pipe (helpers[w]);

      g_output_stream_write_all (input, "g", 1, NULL, NULL, &error);
      g_assert_no_error (error);
      g_output_stream_close (input, NULL, &error);
      g_assert_no_error (error);
    }
  for (guint w = 0; w < G_N_ELEMENTS (tags); w++)
    {
      g_subprocess_wait_check (helpers[w], NULL, &error);
      g_assert_no_error (error);
      g_object_unref (helpers[w]);
    }

  /* Exactly one header (both writers raced to create the file), then one line per append. */
  contents = read_log (f);
  g_assert_null (strstr (contents, "never-written-secret"));
  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 2 * HELPER_LINES + 1);
  g_assert_cmpstr (lines[0], ==, AUDIT_HEADER);
  g_assert_cmpuint (count_occurrences (contents, "# Phase IV"), ==, 1);

  /* Every line parses, and every (writer, seq) appears exactly once, intact. */
  entries = td_audit_log_read_entries (f->log, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 2 * HELPER_LINES);
  for (guint i = 0; i < entries->len; i++)
    {
      TdAuditEntry *entry = entries->pdata[i];
      g_autofree char *expected_prompt = NULL;
      g_autofree char *expected_result = NULL;
      int seq = -1;
      guint w;

      for (w = 0; w < G_N_ELEMENTS (tags); w++)
        if (g_strcmp0 (entry->agent, tags[w]) == 0)
          break;
      g_assert_cmpuint (w, <, G_N_ELEMENTS (tags));
      g_assert_cmpint (sscanf (entry->result, "seq=%d", &seq), ==, 1);
      g_assert_cmpint (seq, >=, 0);
      g_assert_cmpint (seq, <, HELPER_LINES);
      g_assert_false (seen[w][seq]);
      seen[w][seq] = TRUE;

      expected_prompt = helper_prompt (tags[w], seq);
      expected_result = g_strdup_printf ("seq=%d [REDACTED]", seq);
      g_assert_cmpstr (entry->prompt, ==, expected_prompt);
      g_assert_cmpstr (entry->result, ==, expected_result);
      if (i > 0 && g_strcmp0 (entry->agent, ((TdAuditEntry *) entries->pdata[i - 1])->agent) != 0)
        switches++;
    }
  for (guint w = 0; w < G_N_ELEMENTS (tags); w++)
    for (int seq = 0; seq < HELPER_LINES; seq++)
      g_assert_true (seen[w][seq]);

  /* Informational only: how much the two writers actually overlapped on this run. */
  g_test_message ("the writers alternated %u times", switches);
}

static void
test_summarise_prompt (void)
{
  struct { const char *prompt; const char *summary; } cases[] = {
    /* Short and on one line: as it is. */
    { "Write a Dockerfile", "Write a Dockerfile" },
    { "  Write a Dockerfile \n\n", "Write a Dockerfile" },
    /* More lines follow: the first line stands for them. */
    { "Write a multi-stage Dockerfile.\nSource directory: backend/.", "Write a multi-stage Dockerfile." },
    /* Too long: cut at the last word that fits, without a trailing comma. */
    { "Write a multi-stage Dockerfile for a FastAPI Python 3.11 backend, small and non-root",
      "Write a multi-stage Dockerfile for a FastAPI Python..." },
    /* One long word: cut inside it. */
    { "Supercalifragilisticexpialidocious-and-then-some-more-words-joined", "Supercalifragilisticexpialidocious-and-then-some-mor..." },
    /* Characters, not bytes. */
    { "Écrire un Dockerfile à plusieurs étapes pour le backend FastAPI en Python", "Écrire un Dockerfile à plusieurs étapes pour le..." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *summary = td_audit_log_summarise (cases[i].prompt, 55);

      g_assert_cmpstr (summary, ==, cases[i].summary);
      g_assert_cmpint (g_utf8_strlen (summary, -1), <=, 55);
    }
}

static void
test_describe_prompt (void)
{
  const char *seed = "Create a multi-stage Dockerfile.\nSource directory: backend/.";
  const char *summary = "Create multi-stage Dockerfile...";
  g_autofree char *not_asked = td_audit_log_describe_prompt (summary, seed, NULL);
  g_autofree char *as_seeded = td_audit_log_describe_prompt (summary, seed, "\n  Create a multi-stage Dockerfile.\nSource directory: backend/.\n");
  g_autofree char *edited = td_audit_log_describe_prompt (summary, seed, "Write a multi-stage Dockerfile.\nSource directory: backend/.");

  g_assert_cmpstr (not_asked, ==, summary);
  g_assert_cmpstr (as_seeded, ==, summary);
  g_assert_cmpstr (edited, ==, "Write a multi-stage Dockerfile. (edited from the seed's prompt)");
}

int
main (int argc, char *argv[])
{
  if (argc == 4 && g_str_equal (argv[1], HELPER_FLAG))
    return run_append_helper (argv[2], argv[3]);

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/audit-log/path", test_path);
  g_test_add_func ("/audit-log/missing-project-dir", test_missing_project_dir);
  ADD ("/audit-log/line-format", test_line_format);
  g_test_add_func ("/audit-log/escape", test_escape);
  g_test_add_func ("/audit-log/summarise-prompt", test_summarise_prompt);
  g_test_add_func ("/audit-log/describe-prompt", test_describe_prompt);
  ADD ("/audit-log/escape-round-trip", test_escape_round_trip);
  ADD ("/audit-log/redaction", test_redaction);
  ADD ("/audit-log/redaction-nested", test_secret_inside_longer_secret);
  ADD ("/audit-log/header-created-once", test_header_created_once);
  ADD ("/audit-log/append-creates-with-header", test_append_creates_with_header);
  ADD ("/audit-log/existing-file-kept", test_existing_file_kept);
  ADD ("/audit-log/invalid-agent", test_invalid_agent);
  ADD ("/audit-log/read-entries", test_read_entries);
  ADD ("/audit-log/concurrent-processes", test_concurrent_processes);
#undef ADD

  return g_test_run ();
}
