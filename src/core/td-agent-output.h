/* td-agent-output.h: the artifact inside an agent's raw output.
 *
 * kubectl-ai prints a manifest in one of several shapes (see reference/tools.md): its stdout always
 * carries ANSI colour codes; without a TTY, markdown becomes plain text with a 2-space margin, lines
 * padded to 80 columns and ```yaml fences dropped (the code is indented instead); with fences kept,
 * a fenced block; as an agent, a heredoc in a `Running: kubectl apply -f - <<EOF` line, or in the
 * `* <command>` list after "RunOnce mode cannot handle permission requests…"; and the older
 * program of the same name prints bare YAML. The wizard and `--check-artifact` both extract with
 * this, so they always agree on what the agent produced. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  TD_AGENT_ARTIFACT_MANIFEST,     /* Kubernetes YAML: every document a mapping with apiVersion and kind */
  TD_AGENT_ARTIFACT_DOCKERFILE,   /* a Dockerfile with at least one FROM */
} TdAgentArtifact;

/* How the artifact was found, from the most to the least direct. */
typedef enum {
  TD_AGENT_OUTPUT_PLAIN,      /* the whole output is the artifact (bare YAML, a plain file) */
  TD_AGENT_OUTPUT_FENCED,     /* a ``` fenced block */
  TD_AGENT_OUTPUT_HEREDOC,    /* a heredoc in a `Running: …` command line */
  TD_AGENT_OUTPUT_APPROVAL,   /* a heredoc in the RunOnce list of commands that need approval */
  TD_AGENT_OUTPUT_INDENTED,   /* an indented block (markdown rendered without a TTY) */
} TdAgentOutputSource;

/* @output without ANSI escape sequences (CSI, OSC, two-character escapes) and carriage returns. */
char       *td_agent_output_strip_ansi      (const char          *output);

/* The artifact in @output (@length -1: NUL-terminated), or NULL with TD_ERROR_NOT_FOUND and a
 * message saying why nothing was found ("kubectl-ai stopped at its maximum number of iterations
 * before printing a manifest", …). @agent names the agent in messages. When several blocks
 * qualify, the first whose first document has kind @prefer_kind wins (NULL: the first). */
char       *td_agent_output_extract         (const char          *output,
                                             gssize               length,
                                             TdAgentArtifact      artifact,
                                             const char          *agent,
                                             const char          *prefer_kind,
                                             TdAgentOutputSource *out_source,
                                             GError             **error);

/* For messages: "bare YAML", "fenced block", "indented block", "heredoc in a Running: line", … */
const char *td_agent_output_source_describe (TdAgentOutputSource  source,
                                             TdAgentArtifact      artifact);

/* TRUE when @text reads like the start of a plain artifact (its first meaningful line is a
 * Dockerfile instruction or a YAML document's first key) and carries no terminal escapes: such a
 * file is checked as it is, so its parse errors are reported rather than "nothing found". */
gboolean    td_agent_output_looks_plain     (const char          *text,
                                             TdAgentArtifact      artifact);

G_END_DECLS
