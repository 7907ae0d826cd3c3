/* td-artifact-check.h: an artifact an agent wrote, checked against its task's contract.
 *
 * The contract is the task's `contract:` mapping in data/plan/phase-iv.yaml; its `type:` says what
 * the artifact is: `dockerfile` (T007, T011) or `manifest` (T016–T020, one Kubernetes object).
 * The result is a list of findings: what is wrong, what the seed asks for instead, and where. An
 * artifact meets its contract when no finding is an error; warnings are shown but do not block. */
#pragma once

#include <glib.h>

#include "td-dockerfile.h"
#include "td-yaml.h"

G_BEGIN_DECLS

typedef enum {
  TD_ARTIFACT_SEVERITY_ERROR,     /* the artifact does not do what the seed asks */
  TD_ARTIFACT_SEVERITY_WARNING,   /* accepted, but worth a look (an end-of-life base image) */
} TdArtifactSeverity;

typedef struct {
  TdArtifactSeverity  severity;
  char               *message;    /* what is wrong: "the final stage has no USER: it runs as root" */
  char               *expected;   /* what the seed asks for: "USER appuser" */
  guint               line;       /* in the artifact, 1-based; 0 when no line is to blame */
} TdArtifactFinding;

void       td_artifact_finding_free      (TdArtifactFinding *finding);

/* Parses @text as the contract's type says and checks it. Returns the findings (of
 * TdArtifactFinding, possibly empty), or NULL with TD_ERROR_PARSE when @text cannot be parsed and
 * TD_ERROR_INVALID when the contract's type is unknown. @source names the artifact in parse errors. */
GPtrArray *td_artifact_check             (const TdYamlNode    *contract,
                                          const char          *text,
                                          gssize               length,
                                          const char          *source,
                                          GError             **error);

/* The checks for a parsed artifact; both return the findings (never NULL). */
GPtrArray *td_artifact_check_dockerfile  (const TdYamlNode    *contract,
                                          const TdDockerfile  *dockerfile);
/* @manifest: the document's root mapping (a single Kubernetes object). */
GPtrArray *td_artifact_check_manifest    (const TdYamlNode    *contract,
                                          const TdYamlNode    *manifest);

guint      td_artifact_findings_count    (GPtrArray           *findings,
                                          TdArtifactSeverity   severity);
/* "error: <message> (the seed asks for <expected>)", with "line N: " after the severity when the
 * finding has a line. */
char      *td_artifact_finding_format    (const TdArtifactFinding *finding);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdArtifactFinding, td_artifact_finding_free)

G_END_DECLS
