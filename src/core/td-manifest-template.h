/* td-manifest-template.h: an agent's manifest made into a Helm template, on Accept.
 *
 * The agent writes literals (replicas: 2, image: todo-backend:latest); the chart's values.yaml
 * must govern them, or a later `helm upgrade` with new values (T031's right-sizing) would change
 * nothing. The task's contract says which literal belongs to which value (`values:` in
 * data/plan/phase-iv.yaml: a contract key → a values.yaml path, or a list of paths joined with ":"
 * for image and tag). Each such literal is replaced in the text by `{{ .Values.… }}`, so the agent's
 * layout and comments stay as they were; literals without an entry stay fixed. */
#pragma once

#include <glib.h>

#include "td-yaml.h"

G_BEGIN_DECLS

/* The template for the manifest @text (one Kubernetes object), or NULL with TD_ERROR_PARSE when it
 * is not YAML and TD_ERROR_INVALID when it already holds template braces. Numbers become
 * `{{ .Values.x }}`, other values `{{ .Values.x | quote }}`, so the rendered types are the agent's.
 * @out_n_templated (optional): how many literals were replaced. */
char *td_manifest_template (const TdYamlNode  *contract,
                            const char        *text,
                            guint             *out_n_templated,
                            GError           **error);

G_END_DECLS
