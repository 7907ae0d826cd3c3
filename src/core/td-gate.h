/* td-gate.h: a phase's checkpoint, as data */
#pragma once

#include <glib-object.h>

#include "td-yaml.h"

G_BEGIN_DECLS

#define TD_TYPE_GATE (td_gate_get_type ())
G_DECLARE_FINAL_TYPE (TdGate, td_gate, TD, GATE, GObject)

/* The seed's checkpoint text, verbatim. */
const char       *td_gate_get_checkpoint (TdGate *self);
/* The checks that make up the gate, in order. Each check is a mapping with a "check" key naming
 * its kind (files-exist, minikube-status, docker-ps, image-size, helm-lint, helm-status,
 * pods-ready, audit-entries, url-responds) and that kind's parameters. */
guint             td_gate_get_n_checks   (TdGate *self);
const TdYamlNode *td_gate_get_check      (TdGate *self,
                                          guint   index);
const char       *td_gate_get_check_kind (TdGate *self,
                                          guint   index);

G_END_DECLS
