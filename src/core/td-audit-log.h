/* td-audit-log.h: the audit log (the plan's settings.audit_log, phase-iv-audit.log), in the seed's
 * format, under the plan's settings.audit_header:
 *   # Phase IV Agent Delegation Audit Log — format: [ISO-timestamp] [AGENT] prompt="..." result="..."
 *   [2026-11-21T05:15:25Z] [GORDON] prompt="…" result="…"
 * Each line is written with one write() on an O_APPEND descriptor, so concurrent writers (two
 * image phases, two processes) never tear or interleave lines. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
  char *timestamp;
  char *agent;
  char *prompt;    /* unescaped */
  char *result;    /* unescaped */
} TdAuditEntry;

void td_audit_entry_free (TdAuditEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdAuditEntry, td_audit_entry_free)

#define TD_TYPE_AUDIT_LOG (td_audit_log_get_type ())
G_DECLARE_FINAL_TYPE (TdAuditLog, td_audit_log, TD, AUDIT_LOG, GObject)

/* @file_name is project-relative; @header is the first line a new log gets (without newline). */
TdAuditLog *td_audit_log_new          (const char  *project_dir,
                                       const char  *file_name,
                                       const char  *header);
const char *td_audit_log_get_path     (TdAuditLog  *self);
/* The project-relative name, for messages: "phase-iv-audit.log". */
const char *td_audit_log_get_file_name (TdAuditLog *self);
/* Creates the file with the header when it does not exist; leaves an existing file alone. */
gboolean    td_audit_log_ensure       (TdAuditLog  *self,
                                       GError     **error);
/* A value that must never be written (a secret from .env). Replaced by "[REDACTED]". */
void        td_audit_log_add_secret   (TdAuditLog  *self,
                                       const char  *value);
gboolean    td_audit_log_append       (TdAuditLog  *self,
                                       const char  *agent,
                                       const char  *prompt,
                                       const char  *result,
                                       GError     **error);
/* Every entry in the file, in order (the header and unparsable lines are skipped). */
GPtrArray  *td_audit_log_read_entries (TdAuditLog  *self,
                                       GError     **error);

/* A prompt or an agent's answer, said as the seed says them in the log: the first line, cut at a
 * word so it stays within @max_chars characters, with "..." when it was cut. */
char       *td_audit_log_summarise        (const char *text,
                                           guint       max_chars);

/* The prompt= of an agent's line: the seed's @seed_summary when the agent was asked the seed's
 * @seed_prompt (or @asked is NULL), else @asked summarised and said to be edited. */
char       *td_audit_log_describe_prompt  (const char *seed_summary,
                                           const char *seed_prompt,
                                           const char *asked);

/* The escaping rule, shared with tests: backslash, double quote, newline, CR, tab escaped. */
char       *td_audit_log_escape       (const char  *text);

G_END_DECLS
