/* td-values.h: a chart's values.yaml as a tree: read it, merge trees, change one value, and write it
 * back as plain block YAML, atomically. The Helm Deploy phase (T022) writes the plan's defaults with
 * it; right-sizing (T031) changes the resources it holds. */
#pragma once

#include <glib.h>

#include "td-yaml.h"

G_BEGIN_DECLS

typedef enum {
  TD_VALUES_WRITTEN,   /* there was no values.yaml, or only `helm create`'s example: the defaults written */
  TD_VALUES_MERGED,    /* the user's values kept, the defaults' missing keys added */
  TD_VALUES_KEPT,      /* the file already has every key of the defaults: left as it is */
} TdValuesOutcome;

/* The file's tree. A missing file fails with TD_ERROR_NOT_FOUND; an empty one gives an empty mapping. */
TdYamlNode       *td_values_read          (const char        *path,
                                           GError           **error);
/* Block YAML ("key: value", two-space indents, a blank line between top-level sections), with
 * @header (may be NULL) as leading "# " comment lines. Quoted scalars stay quoted. */
char             *td_values_to_text       (const TdYamlNode  *values,
                                           const char        *header);
/* td_values_to_text() written over @path with td_atomic_file_write(). */
gboolean          td_values_write         (const char        *path,
                                           const TdYamlNode  *values,
                                           const char        *header,
                                           GError           **error);
/* A copy of @base with @overlay laid over it: mappings merge key by key, anything else in @overlay
 * replaces what @base has. */
TdYamlNode       *td_values_merge         (const TdYamlNode  *base,
                                           const TdYamlNode  *overlay);
/* TRUE when @values has every key path of @shape, with a mapping wherever @shape has one. Otherwise
 * FALSE, and @out_missing (may be NULL) gets the first missing dotted path ("backend.resources"). */
gboolean          td_values_has_shape     (const TdYamlNode  *values,
                                           const TdYamlNode  *shape,
                                           char             **out_missing);
/* The example values `helm create` writes (replicaCount, image.repository: nginx …), none of ours. */
gboolean          td_values_is_helm_create_example (const TdYamlNode *values);
/* The node at a dotted path ("backend.resources.limits.cpu"), or NULL. */
const TdYamlNode *td_values_lookup        (const TdYamlNode  *values,
                                           const char        *dotted_path);
/* Sets the scalar at @dotted_path, creating mappings on the way; @quoted writes it as a string
 * ("500m"). Fails (FALSE) when a node on the way is not a mapping. */
gboolean          td_values_set_scalar    (TdYamlNode        *values,
                                           const char        *dotted_path,
                                           const char        *value,
                                           gboolean           quoted);

/* T022: makes @path hold @defaults: written when missing or still `helm create`'s example, kept
 * when it already has their shape, else merged (the user's values win). */
gboolean          td_values_apply_defaults (const char        *path,
                                            const TdYamlNode  *defaults,
                                            TdValuesOutcome   *out_outcome,
                                            GError           **error);

G_END_DECLS
