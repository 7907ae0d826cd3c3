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

G_END_DECLS
