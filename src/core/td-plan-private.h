/* td-plan-private.h: how the plan's loader builds tasks, gates and phases from YAML nodes.
 * Not installed API: only td-plan.c, td-phase.c, td-task.c and td-gate.c include it. */
#pragma once

#include "td-gate.h"
#include "td-phase.h"
#include "td-task.h"
#include "td-yaml.h"

G_BEGIN_DECLS

/* Every object built from the plan holds a reference on @document, a GBytes whose free function
 * frees the YAML tree, so the nodes it borrows (strings, contracts, checks) outlive the TdPlan. */
TdTask   *td_task_new_from_yaml   (GBytes            *document,
                                   const TdYamlNode  *node,
                                   GError           **error);
TdGate   *td_gate_new_from_yaml   (GBytes            *document,
                                   const TdYamlNode  *node,
                                   GError           **error);
TdPhase  *td_phase_new_from_yaml  (GBytes            *document,
                                   const TdYamlNode  *node,
                                   guint              number,
                                   GError           **error);

/* Checks that @node is a mapping whose keys are all in @known and include all of @required.
 * @what names the node in messages ("task", "phase"…). */
gboolean  td_plan_check_mapping   (const TdYamlNode   *node,
                                   const char         *what,
                                   const char * const *known,
                                   const char * const *required,
                                   GError            **error);
/* Reads the text value of @key (NULL when absent or null); fails when it is a mapping or list. */
gboolean  td_plan_get_text        (const TdYamlNode   *mapping,
                                   const char         *key,
                                   const char        **out_text,
                                   GError            **error);

/* One entry of a table of the names a plan may use for a role, an action or a page. */
typedef struct {
  int         value;
  const char *name;
  int         kind;    /* the task kind the name goes with (a TdTaskKind), or -1 for any */
  const char *needs;   /* a key the mapping must also have, or NULL */
} TdPlanName;

/* Reads @key of @mapping as one of the @n_names names of @names (@what: "task role") into
 * @out_entry; absent or null sets NULL. An unknown name is an error at the value, listing the
 * known names; so is a mapping without the key the name needs. */
gboolean  td_plan_read_name       (const TdYamlNode   *mapping,
                                   const char         *key,
                                   const char         *what,
                                   const TdPlanName   *names,
                                   guint               n_names,
                                   const TdPlanName  **out_entry,
                                   GError            **error);
/* The name of @value in @names, or NULL. */
const char *td_plan_name_of       (const TdPlanName   *names,
                                   guint               n_names,
                                   int                 value);

G_END_DECLS
