/* test-dockerfile.c: the Dockerfile parser — instructions, lines, continuations, forms, stages */
#include <string.h>

#include "td-dockerfile.h"
#include "td-error.h"

static TdDockerfile *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  TdDockerfile *dockerfile = td_dockerfile_parse (text, -1, "t.Dockerfile", &error);

  g_assert_no_error (error);
  g_assert_nonnull (dockerfile);
  return dockerfile;
}

static void
assert_parse_error (const char *text, const char *message_part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDockerfile) dockerfile = td_dockerfile_parse (text, -1, "t.Dockerfile", &error);

  g_assert_null (dockerfile);
  g_assert_error (error, TD_ERROR, TD_ERROR_PARSE);
  if (strstr (error->message, message_part) == NULL)
    g_error ("“%s” does not contain “%s”", error->message, message_part);
}

static void
assert_words (char **words, const char * const *expected)
{
  g_assert_nonnull (words);
  if (!g_strv_equal ((const char * const *) words, expected))
    {
      g_autofree char *got = g_strjoinv ("|", words);
      g_autofree char *want = g_strjoinv ("|", (char **) expected);

      g_error ("words %s, expected %s", got, want);
    }
}

static void
test_instructions_and_lines (void)
{
  g_autoptr(TdDockerfile) dockerfile = parse_ok (
    "# A comment\n"                                  /* 1 */
    "\n"                                             /* 2 */
    "from python:3.11-slim\n"                        /* 3: keywords are case-insensitive */
    "WORKDIR /app\n"                                 /* 4 */
    "RUN apt-get update && \\\n"                     /* 5 */
    "    # a comment inside the continuation\n"      /* 6 */
    "    apt-get install -y curl\n"                  /* 7 */
    "   USER   appuser\n"                            /* 8: leading blanks */
    "EXPOSE 8000/tcp 9000\r\n"                       /* 9: CRLF */
    "STOPSIGNAL SIGTERM");                           /* 10: no final newline */
  const TdDockerfileInstruction *run;

  g_assert_cmpuint (td_dockerfile_get_n_instructions (dockerfile), ==, 6);
  g_assert_cmpstr (td_dockerfile_get_instruction (dockerfile, 0)->keyword, ==, "FROM");
  g_assert_cmpuint (td_dockerfile_get_instruction (dockerfile, 0)->line, ==, 3);
  g_assert_cmpuint (td_dockerfile_get_instruction (dockerfile, 1)->line, ==, 4);

  run = td_dockerfile_get_instruction (dockerfile, 2);
  g_assert_cmpstr (run->keyword, ==, "RUN");
  g_assert_cmpuint (run->line, ==, 5);
  g_assert_cmpuint (run->end_line, ==, 7);
  g_assert_cmpint (run->form, ==, TD_DOCKERFILE_FORM_SHELL);
  g_assert_cmpstr (run->command, ==, "apt-get update &&     apt-get install -y curl");
  assert_words (run->words, (const char *[]) { "apt-get", "update", "&&", "apt-get", "install", "-y", "curl", NULL });

  g_assert_cmpstr (td_dockerfile_get_instruction (dockerfile, 3)->keyword, ==, "USER");
  g_assert_cmpuint (td_dockerfile_get_instruction (dockerfile, 3)->line, ==, 8);
  assert_words (td_dockerfile_get_instruction (dockerfile, 3)->words, (const char *[]) { "appuser", NULL });
  assert_words (td_dockerfile_get_instruction (dockerfile, 4)->words, (const char *[]) { "8000/tcp", "9000", NULL });
  g_assert_cmpuint (td_dockerfile_get_instruction (dockerfile, 5)->line, ==, 10);
  g_assert_cmpstr (td_dockerfile_get_instruction (dockerfile, 5)->arguments, ==, "SIGTERM");
}

static void
test_exec_and_shell_forms (void)
{
  g_autoptr(TdDockerfile) dockerfile = parse_ok (
    "FROM node:20-alpine\n"
    "CMD [\"node\", \"server.js\"]\n"
    "ENTRYPOINT node \"my server.js\" --flag='a b'\n"
    "RUN [\"sh\", \"-c\", \"echo hi\"]\n"
    "CMD [not json]\n"
    "SHELL [\"/bin/bash\", \"-c\"]\n");
  const TdDockerfileInstruction *cmd = td_dockerfile_get_instruction (dockerfile, 1);
  const TdDockerfileInstruction *entrypoint = td_dockerfile_get_instruction (dockerfile, 2);
  const TdDockerfileInstruction *run = td_dockerfile_get_instruction (dockerfile, 3);
  const TdDockerfileInstruction *broken = td_dockerfile_get_instruction (dockerfile, 4);

  g_assert_cmpint (cmd->form, ==, TD_DOCKERFILE_FORM_EXEC);
  assert_words (cmd->words, (const char *[]) { "node", "server.js", NULL });
  g_assert_null (cmd->command);
  g_assert_cmpint (entrypoint->form, ==, TD_DOCKERFILE_FORM_SHELL);
  assert_words (entrypoint->words, (const char *[]) { "node", "my server.js", "--flag=a b", NULL });
  g_assert_cmpint (run->form, ==, TD_DOCKERFILE_FORM_EXEC);
  assert_words (run->words, (const char *[]) { "sh", "-c", "echo hi", NULL });
  /* Not valid JSON: Docker runs it through the shell, and so does the parser. */
  g_assert_cmpint (broken->form, ==, TD_DOCKERFILE_FORM_SHELL);
  g_assert_cmpstr (broken->command, ==, "[not json]");
  g_assert_cmpint (td_dockerfile_get_instruction (dockerfile, 5)->form, ==, TD_DOCKERFILE_FORM_EXEC);
}

static void
test_stages_and_copy (void)
{
  g_autoptr(TdDockerfile) dockerfile = parse_ok (
    "ARG BASE=python:3.11-slim\n"
    "FROM --platform=linux/amd64 python:3.11-slim AS Builder\n"
    "COPY backend/requirements.txt .\n"
    "FROM builder as tester\n"
    "FROM python:3.11-slim\n"
    "COPY --from=builder --chown=appuser:appuser /opt/venv /opt/venv\n"
    "COPY [\"a b.txt\", \"c\", \"/dest/\"]\n"
    "ADD --link https://example.com/x.tgz /x.tgz\n");
  const TdDockerfileStage *builder, *tester, *final;
  const TdDockerfileInstruction *copy, *json_copy, *arg, *from;

  g_assert_cmpuint (td_dockerfile_get_n_stages (dockerfile), ==, 3);
  arg = td_dockerfile_get_instruction (dockerfile, 0);
  g_assert_cmpint (arg->stage, ==, -1);
  g_assert_cmpstr (((TdDockerfileKeyValue *) g_ptr_array_index (arg->pairs, 0))->key, ==, "BASE");
  g_assert_cmpstr (((TdDockerfileKeyValue *) g_ptr_array_index (arg->pairs, 0))->value, ==, "python:3.11-slim");

  builder = td_dockerfile_get_stage (dockerfile, 0);
  g_assert_cmpstr (builder->name, ==, "Builder");
  g_assert_cmpstr (builder->base, ==, "python:3.11-slim");
  g_assert_cmpint (builder->base_stage, ==, -1);
  g_assert_cmpuint (builder->line, ==, 2);
  g_assert_cmpuint (builder->instructions->len, ==, 2);
  from = g_ptr_array_index (builder->instructions, 0);
  g_assert_cmpstr (td_dockerfile_instruction_get_flag (from, "platform"), ==, "linux/amd64");

  tester = td_dockerfile_get_stage (dockerfile, 1);
  g_assert_cmpstr (tester->name, ==, "tester");
  g_assert_cmpint (tester->base_stage, ==, 0);   /* stage names are case-insensitive */

  final = td_dockerfile_get_stage (dockerfile, 2);
  g_assert_null (final->name);
  g_assert_cmpuint (final->instructions->len, ==, 4);
  copy = g_ptr_array_index (final->instructions, 1);
  g_assert_cmpint (copy->stage, ==, 2);
  g_assert_cmpstr (td_dockerfile_instruction_get_flag (copy, "from"), ==, "builder");
  g_assert_cmpstr (td_dockerfile_instruction_get_flag (copy, "chown"), ==, "appuser:appuser");
  g_assert_null (td_dockerfile_instruction_get_flag (copy, "chmod"));
  assert_words (copy->words, (const char *[]) { "/opt/venv", "/opt/venv", NULL });
  json_copy = g_ptr_array_index (final->instructions, 2);
  assert_words (json_copy->words, (const char *[]) { "a b.txt", "c", "/dest/", NULL });
  g_assert_cmpstr (td_dockerfile_instruction_get_flag (g_ptr_array_index (final->instructions, 3), "link"), ==, "");

  g_assert_true (td_dockerfile_lookup_stage (dockerfile, "BUILDER") == builder);
  g_assert_true (td_dockerfile_lookup_stage (dockerfile, "1") == tester);
  g_assert_null (td_dockerfile_lookup_stage (dockerfile, "runtime"));
  g_assert_null (td_dockerfile_lookup_stage (dockerfile, "7"));
}

static const TdDockerfileKeyValue *
pair (const TdDockerfileInstruction *instruction, guint index)
{
  g_assert_cmpuint (index, <, instruction->pairs->len);
  return g_ptr_array_index (instruction->pairs, index);
}

static void
test_env_and_arg (void)
{
  g_autoptr(TdDockerfile) dockerfile = parse_ok (
    "FROM node:20-alpine\n"
    "ENV NODE_ENV=production \\\n"
    "    GREETING=\"hello world\" EMPTY= PATH=\"/opt/venv/bin:$PATH\"\n"
    "ENV LEGACY the rest of the line\n"
    "ARG VERSION\n"
    "ARG MODE=fast\n"
    "LABEL org.opencontainers.image.title=\"Todo\"\n");
  const TdDockerfileInstruction *env = td_dockerfile_get_instruction (dockerfile, 1);
  const TdDockerfileInstruction *legacy = td_dockerfile_get_instruction (dockerfile, 2);

  g_assert_cmpuint (env->pairs->len, ==, 4);
  g_assert_cmpstr (pair (env, 0)->key, ==, "NODE_ENV");
  g_assert_cmpstr (pair (env, 0)->value, ==, "production");
  g_assert_cmpstr (pair (env, 1)->value, ==, "hello world");
  g_assert_cmpstr (pair (env, 2)->key, ==, "EMPTY");
  g_assert_cmpstr (pair (env, 2)->value, ==, "");
  g_assert_cmpstr (pair (env, 3)->value, ==, "/opt/venv/bin:$PATH");   /* never expanded */
  g_assert_cmpuint (legacy->pairs->len, ==, 1);
  g_assert_cmpstr (pair (legacy, 0)->key, ==, "LEGACY");
  g_assert_cmpstr (pair (legacy, 0)->value, ==, "the rest of the line");
  g_assert_cmpstr (pair (td_dockerfile_get_instruction (dockerfile, 3), 0)->key, ==, "VERSION");
  g_assert_null (pair (td_dockerfile_get_instruction (dockerfile, 3), 0)->value);
  g_assert_cmpstr (pair (td_dockerfile_get_instruction (dockerfile, 4), 0)->value, ==, "fast");
  g_assert_cmpstr (pair (td_dockerfile_get_instruction (dockerfile, 5), 0)->value, ==, "Todo");
}

static void
test_directives (void)
{
  g_autoptr(TdDockerfile) dockerfile = parse_ok (
    "# syntax=docker/dockerfile:1\n"
    "# escape=`\n"
    "\n"
    "# check=skip=all\n"                   /* after a blank line: an ordinary comment */
    "FROM mcr.microsoft.com/windows AS w\n"
    "RUN dir c:\\ `\n"
    "    && echo done\n");
  const TdDockerfileInstruction *run = td_dockerfile_get_instruction (dockerfile, 1);

  g_assert_cmpstr (td_dockerfile_get_directive (dockerfile, "syntax"), ==, "docker/dockerfile:1");
  g_assert_cmpstr (td_dockerfile_get_directive (dockerfile, "escape"), ==, "`");
  g_assert_null (td_dockerfile_get_directive (dockerfile, "check"));
  /* With ` as the escape, a trailing backslash is an ordinary character. */
  g_assert_cmpstr (run->command, ==, "dir c:\\     && echo done");
  g_assert_cmpuint (run->end_line, ==, 7);
}

static void
test_heredoc (void)
{
  g_autoptr(TdDockerfile) dockerfile = parse_ok (
    "FROM python:3.11-slim\n"
    "RUN <<EOF\n"
    "useradd --uid 1000 appuser\n"
    "FROM not an instruction here\n"
    "EOF\n"
    "USER appuser\n");
  const TdDockerfileInstruction *run = td_dockerfile_get_instruction (dockerfile, 1);

  g_assert_cmpuint (td_dockerfile_get_n_instructions (dockerfile), ==, 3);
  g_assert_cmpuint (td_dockerfile_get_n_stages (dockerfile), ==, 1);
  g_assert_cmpuint (run->end_line, ==, 5);
  g_assert_true (g_strv_contains ((const char * const *) run->words, "useradd"));
  g_assert_cmpuint (td_dockerfile_get_instruction (dockerfile, 2)->line, ==, 6);
}

static void
test_split_words (void)
{
  g_auto(GStrv) words = td_dockerfile_split_words (
    "addgroup -S -g 1001 nodejs&&adduser -S -G nodejs nextjs; echo 'it''s' \"a \\\"q\\\"\" x\\ y | cat");

  assert_words (words, (const char *[]) {
    "addgroup", "-S", "-g", "1001", "nodejs", "&&", "adduser", "-S", "-G", "nodejs", "nextjs",
    ";", "echo", "its", "a \"q\"", "x y", "|", "cat", NULL });
}

static void
test_errors (void)
{
  assert_parse_error ("FROM python:3.11\nRUNN pip install\n", "t.Dockerfile:2: unknown instruction “RUNN”");
  assert_parse_error ("# only a comment\n", "no FROM");
  assert_parse_error ("RUN echo hi\nFROM python\n", "t.Dockerfile:1: RUN comes before the first FROM");
  assert_parse_error ("FROM python:3.11 AS\n", "t.Dockerfile:1: FROM takes an image");
  assert_parse_error ("FROM python:3.11 builder\n", "t.Dockerfile:1: FROM takes an image");
  assert_parse_error ("FROM python\n\nCOPY onlyone\n", "t.Dockerfile:3: COPY needs a source and a destination");
  assert_parse_error ("FROM python\nUSER\n", "t.Dockerfile:2: USER has no arguments");
  assert_parse_error ("FROM python\nENV =x\n", "t.Dockerfile:2:");
  assert_parse_error ("FROM python\nENV ONLYKEY\n", "t.Dockerfile:2: ENV ONLYKEY has no value");
  assert_parse_error ("FROM python\nSHELL /bin/bash\n", "t.Dockerfile:2: SHELL needs a JSON array");
  assert_parse_error ("FROM python\nRUN <<EOF\necho\n", "t.Dockerfile:2: the heredoc <<EOF is never closed");
  assert_parse_error ("# escape=x\nFROM python\n", "t.Dockerfile:1: the escape directive");
  assert_parse_error ("FROM python\nRUN \xff\n", "not UTF-8");
}

static void
test_bundled (void)
{
  const char *names[] = { "Dockerfile.backend", "Dockerfile.frontend" };
  const guint stages[] = { 2, 3 };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "docker", names[i], NULL);
      g_autofree char *text = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(TdDockerfile) dockerfile = NULL;

      g_assert_true (g_file_get_contents (path, &text, NULL, &error));
      dockerfile = td_dockerfile_parse (text, -1, names[i], &error);
      g_assert_no_error (error);
      g_assert_cmpuint (td_dockerfile_get_n_stages (dockerfile), ==, stages[i]);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dockerfile/instructions-and-lines", test_instructions_and_lines);
  g_test_add_func ("/dockerfile/exec-and-shell-forms", test_exec_and_shell_forms);
  g_test_add_func ("/dockerfile/stages-and-copy", test_stages_and_copy);
  g_test_add_func ("/dockerfile/env-and-arg", test_env_and_arg);
  g_test_add_func ("/dockerfile/directives", test_directives);
  g_test_add_func ("/dockerfile/heredoc", test_heredoc);
  g_test_add_func ("/dockerfile/split-words", test_split_words);
  g_test_add_func ("/dockerfile/errors", test_errors);
  g_test_add_func ("/dockerfile/bundled", test_bundled);
  return g_test_run ();
}
