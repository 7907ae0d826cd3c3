/* td-yaml.h: a small YAML document tree over libyaml, with the position of every node so that
 * callers can report "file:line:column: what is wrong". Used by the plan, kubeconfig, manifests. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  TD_YAML_SCALAR,
  TD_YAML_MAPPING,
  TD_YAML_SEQUENCE,
} TdYamlKind;

typedef struct _TdYamlNode TdYamlNode;

struct _TdYamlNode {
  TdYamlKind  kind;
  char       *value;       /* scalars only */
  gboolean    quoted;      /* scalars: written with quotes or as a block, so never null/bool */
  GPtrArray  *keys;        /* mappings: the key nodes, in document order */
  GPtrArray  *children;    /* mappings: the values (parallel to keys); sequences: the items */
  const char *source;      /* interned file name (or "<string>") for messages */
  guint       line;        /* 1-based */
  guint       column;      /* 1-based */
};

TdYamlNode       *td_yaml_parse              (const char        *data,
                                              gssize             length,
                                              const char        *source,
                                              GError           **error);
TdYamlNode       *td_yaml_parse_file         (const char        *path,
                                              GError           **error);
/* Every document of a multi-document stream ("---"), in order; empty documents are skipped. */
GPtrArray        *td_yaml_parse_all          (const char        *data,
                                              gssize             length,
                                              const char        *source,
                                              GError           **error);
void              td_yaml_node_free          (TdYamlNode        *node);
/* A deep copy (positions and source kept). */
TdYamlNode       *td_yaml_node_copy          (const TdYamlNode  *node);

const TdYamlNode *td_yaml_mapping_get        (const TdYamlNode  *node,
                                              const char        *key);
const char       *td_yaml_mapping_get_string (const TdYamlNode  *node,
                                              const char        *key);
const char       *td_yaml_scalar             (const TdYamlNode  *node);
guint             td_yaml_n_children         (const TdYamlNode  *node);
const TdYamlNode *td_yaml_child              (const TdYamlNode  *node,
                                              guint              index);
gboolean          td_yaml_is_null            (const TdYamlNode  *node);
/* YAML 1.1/1.2 booleans as Kubernetes reads them (true/false/yes/no/on/off). */
gboolean          td_yaml_get_bool           (const TdYamlNode  *node,
                                              gboolean          *out_value);
gboolean          td_yaml_get_int            (const TdYamlNode  *node,
                                              gint64            *out_value);

/* Sets a TD_ERROR_INVALID error "source:line:column: message" at @node. Always returns FALSE. */
gboolean          td_yaml_set_error          (const TdYamlNode  *node,
                                              GError           **error,
                                              const char        *format,
                                              ...) G_GNUC_PRINTF (3, 4);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdYamlNode, td_yaml_node_free)

G_END_DECLS
