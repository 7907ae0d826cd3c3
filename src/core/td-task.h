/* td-task.h: one seed task (T001–T037) as the plan describes it */
#pragma once

#include <glib-object.h>

#include "td-yaml.h"

G_BEGIN_DECLS

typedef enum {
  TD_TASK_KIND_COMMAND,   /* runs a program (minikube start, docker build, helm …) */
  TD_TASK_KIND_AGENT,     /* asks an agent (Gordon, kubectl-ai, kagent) with a verbatim prompt */
  TD_TASK_KIND_API,       /* talks to the Kubernetes API itself (the Secret) */
  TD_TASK_KIND_WATCH,     /* watches the cluster until a condition holds (pods Ready) */
  TD_TASK_KIND_CHECK,     /* checks a file or a value without changing anything */
  TD_TASK_KIND_MANUAL,    /* done by the wizard's own code (write a file, append the audit log) */
} TdTaskKind;

/* One line the task appends to the audit log. Owned by the task. */
typedef struct {
  const char *tag;           /* "GORDON" */
  const char *prompt;        /* the seed's summary of the prompt */
  const char *result;        /* the seed's result template; <…> is filled in at run time */
  const char *about;         /* the task whose outcome the line records ("T007"), or NULL */
  const char *fallback_tag;  /* the tag written when a built-in substitute ran ("KUBECTL"), or NULL */
} TdTaskAuditEntry;

#define TD_TYPE_TASK (td_task_get_type ())
G_DECLARE_FINAL_TYPE (TdTask, td_task, TD, TASK, GObject)

const char         *td_task_get_id          (TdTask *self);   /* "T007" */
const char         *td_task_get_title       (TdTask *self);
TdTaskKind          td_task_get_kind        (TdTask *self);
/* The command as the seed shows it ("minikube start"); NULL for agent tasks. */
const char         *td_task_get_command     (TdTask *self);
/* The agent: "gordon", "kubectl-ai" or "kagent"; NULL unless kind is AGENT. */
const char         *td_task_get_agent       (TdTask *self);
/* The agent prompt, verbatim from the seed (without the `docker ai "…"` wrapper). */
const char         *td_task_get_prompt      (TdTask *self);
/* The project-relative path the task writes, or NULL. */
const char         *td_task_get_artifact    (TdTask *self);
/* The seed's [P] marker: may run at the same time as its peers. */
gboolean            td_task_get_parallel    (TdTask *self);
/* The audit entry the task appends: tag ("GORDON", "ENV", …) and the seed's result template. */
const char         *td_task_get_audit_tag   (TdTask *self);
const char         *td_task_get_audit_prompt (TdTask *self);
const char         *td_task_get_audit_result (TdTask *self);
/* Every audit line the task appends, in order (T021 appends five; most tasks none or one). The
 * audit_tag/prompt/result getters above return the first. */
guint               td_task_get_n_audit_entries (TdTask *self);
const TdTaskAuditEntry *td_task_get_audit_entry (TdTask *self,
                                             guint   index);
/* What the wizard actually runs when it differs from the seed's command (never a shell `eval`,
 * `helm upgrade --install` rather than `helm install`); otherwise the command; NULL if neither. */
const char         *td_task_get_run         (TdTask *self);
/* The task's whole mapping in the plan, for kind-specific keys (watch:, api:, expect:, …). */
const TdYamlNode   *td_task_get_node        (TdTask *self);
/* The artifact's contract (a mapping, shape depends on the artifact), or NULL. */
const TdYamlNode   *td_task_get_contract    (TdTask *self);
/* What the step page shows for "what will this run": the command, or "docker ai …" etc. */
char               *td_task_describe_action (TdTask *self);

const char         *td_task_kind_to_string  (TdTaskKind kind);

G_END_DECLS
