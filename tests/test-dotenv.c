/* test-dotenv.c: the .env syntax, errors that never show a value, missing keys */
#include <string.h>
#include <glib/gstdio.h>

#include "td-error.h"
#include "td-dotenv.h"

static GHashTable *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  GHashTable *env = td_dotenv_parse (text, "t.env", &error);

  g_assert_no_error (error);
  g_assert_nonnull (env);
  return env;
}

static void
assert_value (GHashTable *env, const char *key, const char *expected)
{
  g_assert_true (g_hash_table_contains (env, key));
  g_assert_cmpstr (g_hash_table_lookup (env, key), ==, expected);
}

static void
test_basic (void)
{
  g_autoptr(GHashTable) env = parse_ok (
    "# Todo Chatbot settings\n"
    "\n"
    "   \n"
    "DATABASE_URL=postgresql://user:pw@host/db?sslmode=require\n"
    "  OPENAI_API_KEY = sk-abc123   \n"
    "export BETTER_AUTH_SECRET=s3cret\n"
    "export\tTABBED=1\n"
    "_under_score9=x\n"
    "EMPTY=\n"
    "EMPTY_SPACES=   \n"
    "WITH_EQUALS=a=b=c\n"
    "    # an indented comment\n"
    "LAST=no-newline");

  g_assert_cmpuint (g_hash_table_size (env), ==, 9);
  assert_value (env, "DATABASE_URL", "postgresql://user:pw@host/db?sslmode=require");
  assert_value (env, "OPENAI_API_KEY", "sk-abc123");
  assert_value (env, "BETTER_AUTH_SECRET", "s3cret");
  assert_value (env, "TABBED", "1");
  assert_value (env, "_under_score9", "x");
  assert_value (env, "EMPTY", "");
  assert_value (env, "EMPTY_SPACES", "");
  assert_value (env, "WITH_EQUALS", "a=b=c");
  assert_value (env, "LAST", "no-newline");
}

static void
test_comments (void)
{
  g_autoptr(GHashTable) env = parse_ok (
    "A=value # a comment\n"
    "B=value\t# after a tab\n"
    "C=pass#word\n"
    "D=#not-a-comment\n"
    "E= # only a comment\n"
    "F='quoted # kept' # comment\n"
    "G=\"dq # kept\"# comment right after the quote\n");

  assert_value (env, "A", "value");
  assert_value (env, "B", "value");
  assert_value (env, "C", "pass#word");
  assert_value (env, "D", "#not-a-comment");
  assert_value (env, "E", "");
  assert_value (env, "F", "quoted # kept");
  assert_value (env, "G", "dq # kept");
}

static void
test_quotes (void)
{
  g_autoptr(GHashTable) env = parse_ok (
    "SINGLE='  literal \\n \\\" $HOME  '\n"
    "DOUBLE=\"line1\\nline2 \\\"quoted\\\" back\\\\slash tab\\t\"\n"
    "UNKNOWN_ESCAPE=\"keep \\x as is\"\n"
    "EMPTY_SINGLE=''\n"
    "EMPTY_DOUBLE=\"\"\n"
    "MIXED=\"it's\"\n"
    "INNER=ab\"c'd\n"
    "MULTI=\"-----BEGIN KEY-----\nabc\n-----END KEY-----\"\n"
    "AFTER=1\n");

  assert_value (env, "SINGLE", "  literal \\n \\\" $HOME  ");
  assert_value (env, "DOUBLE", "line1\nline2 \"quoted\" back\\slash tab\t");
  assert_value (env, "UNKNOWN_ESCAPE", "keep \\x as is");
  assert_value (env, "EMPTY_SINGLE", "");
  assert_value (env, "EMPTY_DOUBLE", "");
  assert_value (env, "MIXED", "it's");
  assert_value (env, "INNER", "ab\"c'd");
  assert_value (env, "MULTI", "-----BEGIN KEY-----\nabc\n-----END KEY-----");
  assert_value (env, "AFTER", "1");
}

static void
test_crlf_and_repeats (void)
{
  g_autoptr(GHashTable) env = parse_ok ("A=1\r\nB=\"two\"\r\n\r\n# c\r\nA=3\r\n");

  g_assert_cmpuint (g_hash_table_size (env), ==, 2);
  assert_value (env, "A", "3");   /* the later line wins */
  assert_value (env, "B", "two");
}

/* Each malformed input must fail with "FILE:LINE: …" and must not repeat the secret-looking text. */
static void
test_errors_hide_values (void)
{
  const struct {
    const char *text;
    const char *prefix;
    const char *key;     /* named in the message, or NULL */
  } cases[] = {
    { "A=1\nsk-SECRETVALUE\n", "t.env:2: ", NULL },
    { "SECRETVALUE\n", "t.env:1: ", NULL },
    { "A=1\n\n1SECRETVALUE=x\n", "t.env:3: ", NULL },
    { "MY-SECRETVALUE=x\n", "t.env:1: ", NULL },
    { "=SECRETVALUE\n", "t.env:1: ", NULL },
    { "export SECRETVALUE\n", "t.env:1: ", NULL },
    { "KEY SECRETVALUE=1\n", "t.env:1: ", NULL },
    { "OK=1\nTOKEN='SECRETVALUE\n", "t.env:2: ", "TOKEN" },
    { "TOKEN=\"SECRETVALUE\\\"\nMORE=1\n", "t.env:1: ", "TOKEN" },
    { "A=1\nTOKEN=\"abc\"SECRETVALUE\n", "t.env:2: ", "TOKEN" },
    { "TOKEN=\"multi\nline\" SECRETVALUE\n", "t.env:2: ", "TOKEN" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GHashTable) env = td_dotenv_parse (cases[i].text, "t.env", &error);

      g_test_message ("case %u", i);
      g_assert_null (env);
      g_assert_error (error, TD_ERROR, TD_ERROR_PARSE);
      g_assert_true (g_str_has_prefix (error->message, cases[i].prefix));
      g_assert_null (strstr (error->message, "SECRETVALUE"));
      g_assert_null (strstr (error->message, "abc"));
      if (cases[i].key != NULL)
        g_assert_nonnull (strstr (error->message, cases[i].key));
    }
}

static void
test_default_source_name (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) env = td_dotenv_parse ("oops\n", NULL, &error);

  g_assert_null (env);
  g_assert_error (error, TD_ERROR, TD_ERROR_PARSE);
  g_assert_true (g_str_has_prefix (error->message, ".env:1: "));
}

static void
test_load (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("td-dotenv-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *missing_path = NULL;
  g_autoptr(GHashTable) env = NULL;

  g_assert_no_error (error);
  path = g_build_filename (dir, ".env", NULL);
  missing_path = g_build_filename (dir, "absent.env", NULL);

  env = td_dotenv_load (missing_path, &error);
  g_assert_null (env);
  g_assert_error (error, TD_ERROR, TD_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, missing_path));
  g_clear_error (&error);

  g_file_set_contents (path, "OPENAI_API_KEY=sk-1\nBROKEN LINE\n", -1, &error);
  g_assert_no_error (error);
  env = td_dotenv_load (path, &error);
  g_assert_null (env);
  g_assert_error (error, TD_ERROR, TD_ERROR_PARSE);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_nonnull (strstr (error->message, ":2: "));
  g_clear_error (&error);

  g_file_set_contents (path, "OPENAI_API_KEY=sk-1\n", -1, &error);
  g_assert_no_error (error);
  env = td_dotenv_load (path, &error);
  g_assert_no_error (error);
  assert_value (env, "OPENAI_API_KEY", "sk-1");

  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_missing (void)
{
  const char * const required[] = { "DATABASE_URL", "OPENAI_API_KEY", "BETTER_AUTH_SECRET", NULL };
  g_autoptr(GHashTable) env = parse_ok ("OPENAI_API_KEY=sk-1\nBETTER_AUTH_SECRET=\nOTHER=1\n");
  g_autoptr(GHashTable) complete = parse_ok ("DATABASE_URL=a\nOPENAI_API_KEY=b\nBETTER_AUTH_SECRET=c\n");
  g_auto(GStrv) missing = td_dotenv_missing (env, required);
  g_auto(GStrv) none = td_dotenv_missing (complete, required);
  g_auto(GStrv) all = td_dotenv_missing (NULL, required);
  g_auto(GStrv) nothing_required = td_dotenv_missing (env, NULL);

  /* Absent and empty keys, in the order they were asked for. */
  g_assert_cmpstrv (missing, ((const char * const[]) { "DATABASE_URL", "BETTER_AUTH_SECRET", NULL }));
  g_assert_cmpstrv (none, ((const char * const[]) { NULL }));
  g_assert_cmpstrv (all, required);
  g_assert_cmpstrv (nothing_required, ((const char * const[]) { NULL }));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dotenv/basic", test_basic);
  g_test_add_func ("/dotenv/comments", test_comments);
  g_test_add_func ("/dotenv/quotes", test_quotes);
  g_test_add_func ("/dotenv/crlf-and-repeats", test_crlf_and_repeats);
  g_test_add_func ("/dotenv/errors-hide-values", test_errors_hide_values);
  g_test_add_func ("/dotenv/default-source-name", test_default_source_name);
  g_test_add_func ("/dotenv/load", test_load);
  g_test_add_func ("/dotenv/missing", test_missing);

  return g_test_run ();
}
