/* td-dockerfile.h: a Dockerfile parsed into instructions and build stages, with line numbers.
 *
 * Follows the Dockerfile reference: parser directives (`# syntax=`, `# escape=`) at the top, line
 * continuations with the escape character, comment lines (also inside a continued instruction),
 * exec (JSON array) and shell forms, heredocs (`RUN <<EOF`), `FROM image [AS name]` starting a
 * stage. Nothing is executed or expanded: `$VAR` stays as written. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  TD_DOCKERFILE_FORM_WORDS,   /* arguments split into words (COPY, EXPOSE, USER, ENV, …) */
  TD_DOCKERFILE_FORM_SHELL,   /* RUN/CMD/ENTRYPOINT/SHELL text run by the shell */
  TD_DOCKERFILE_FORM_EXEC,    /* RUN/CMD/ENTRYPOINT/SHELL ["argv", "…"] */
} TdDockerfileForm;

typedef struct {
  char *key;
  char *value;                /* NULL for `ARG NAME` without a default */
} TdDockerfileKeyValue;

typedef struct {
  char             *keyword;     /* upper case: "FROM", "RUN", "COPY" … */
  char             *arguments;   /* everything after the keyword, continuations joined, flags kept */
  guint             line;        /* where the instruction starts, 1-based */
  guint             end_line;    /* its last line (continuations, heredoc bodies) */
  int               stage;       /* index of the stage it belongs to; -1 for ARGs before FROM */
  TdDockerfileForm  form;
  /* Flags before the arguments, "--from=builder" → key "from", value "builder" ("--link" → "") */
  GPtrArray        *flags;       /* of TdDockerfileKeyValue */
  /* EXEC: the JSON array. WORDS: the words after the flags, quotes removed. SHELL: the command
   * split into shell words (quotes removed, operators such as && kept as words). */
  GStrv             words;
  char             *command;     /* SHELL: the command text as written (heredoc bodies appended) */
  GPtrArray        *pairs;       /* ENV, ARG, LABEL: of TdDockerfileKeyValue, in order */
} TdDockerfileInstruction;

typedef struct {
  guint       index;           /* 0-based */
  char       *name;            /* the AS name, or NULL */
  char       *base;            /* the image (or earlier stage) after FROM, as written */
  int         base_stage;      /* the earlier stage that `base` names, or -1 for an image */
  guint       line;            /* the FROM line */
  GPtrArray  *instructions;    /* of TdDockerfileInstruction (borrowed), FROM first */
} TdDockerfileStage;

typedef struct _TdDockerfile TdDockerfile;

/* @source names the text in errors ("Dockerfile.backend:12: unknown instruction “RUNN”"); errors
 * are TD_ERROR_PARSE. */
TdDockerfile                  *td_dockerfile_parse             (const char    *text,
                                                                gssize         length,
                                                                const char    *source,
                                                                GError       **error);
void                           td_dockerfile_free              (TdDockerfile  *self);

guint                          td_dockerfile_get_n_instructions (const TdDockerfile *self);
const TdDockerfileInstruction *td_dockerfile_get_instruction    (const TdDockerfile *self,
                                                                 guint               index);
guint                          td_dockerfile_get_n_stages       (const TdDockerfile *self);
const TdDockerfileStage       *td_dockerfile_get_stage          (const TdDockerfile *self,
                                                                 guint               index);
/* The stage that `--from=` or `FROM` names: an AS name (case-insensitive) or an index; NULL if none. */
const TdDockerfileStage       *td_dockerfile_lookup_stage       (const TdDockerfile *self,
                                                                 const char         *name_or_index);
/* A parser directive ("syntax", "escape", "check"), or NULL. */
const char                    *td_dockerfile_get_directive      (const TdDockerfile *self,
                                                                 const char         *name);

/* The value of flag @name ("from", "chown") on @instruction, or NULL when it has none. */
const char                    *td_dockerfile_instruction_get_flag (const TdDockerfileInstruction *instruction,
                                                                   const char                    *name);

/* Splits @text into words as a POSIX shell would for a simple command: quotes removed, backslash
 * escapes, and the operators && || ; | & kept as words of their own. No expansion. */
GStrv                          td_dockerfile_split_words        (const char    *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdDockerfile, td_dockerfile_free)

G_END_DECLS
