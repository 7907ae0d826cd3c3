/* td-task.h: one seed task (T001–T037) as the plan describes it */
#pragma once

#include <gio/gio.h>

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

/* What a task is for, when code beyond its kind treats it specially. Named by `role:` in the plan;
 * the names are in td-task.c's role table, and the plan's header comment documents each. */
typedef enum {
  TD_TASK_ROLE_NONE,
  TD_TASK_ROLE_CHART_SKELETON,  /* command: creates the chart, keeps an existing one, empties templates/ */
  TD_TASK_ROLE_MINIKUBE_START,  /* command: starts the cluster (memory hint, `memory_flag:` added) */
  TD_TASK_ROLE_DOCKER_ENV,      /* command: its KEY=value output becomes later docker commands' env */
  TD_TASK_ROLE_BUILD_IMAGE,     /* command: builds the phase's image from the agent's Dockerfile */
  TD_TASK_ROLE_STANDALONE_FIX,  /* check: next.config must set `expect`; the image page offers the fix */
  TD_TASK_ROLE_HELM_INSTALL,    /* command: installs the release (the Helm lock is checked after it) */
  TD_TASK_ROLE_ANALYSE_HEALTH,  /* agent: the pods' health (the built-in analyser without the agent) */
  TD_TASK_ROLE_MEASURE,         /* agent: right-sizing from the metrics API, the agent's advice beside */
  TD_TASK_ROLE_HELM_UPGRADE,    /* command: rolls the right-sized values out */
} TdTaskRole;

/* What a manual task does, named by `action:` in the plan (td-task.c's action table). */
typedef enum {
  TD_TASK_ACTION_NONE,              /* not a manual task */
  TD_TASK_ACTION_CREATE_AUDIT_LOG,  /* creates settings.audit_log with settings.audit_header */
  TD_TASK_ACTION_SET_FIELDS,        /* sets the top-level keys of `set:` in the artifact */
  TD_TASK_ACTION_APPEND_AUDIT,      /* appends its `audit:` lines */
  TD_TASK_ACTION_WRITE_VALUES,      /* writes `content_from:` (settings.values) into the artifact */
  TD_TASK_ACTION_RECORD_URL,        /* writes the frontend URL the gate found into the artifact */
  TD_TASK_ACTION_COMMIT,            /* commits `paths:`, after the user has seen the git commands */
} TdTaskAction;

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
TdTaskRole          td_task_get_role        (TdTask *self);
TdTaskAction        td_task_get_action      (TdTask *self);
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
/* The plan's names: "build-image", "append-audit"; NULL for NONE. */
const char         *td_task_role_to_string  (TdTaskRole role);
const char         *td_task_action_to_string (TdTaskAction action);
/* The first task of @tasks (a GListModel of TdTask) with @role / @action, or NULL; borrowed. */
TdTask             *td_task_list_find_role  (GListModel  *tasks,
                                             TdTaskRole   role);
TdTask             *td_task_list_find_action (GListModel *tasks,
                                             TdTaskAction action);

G_END_DECLS
