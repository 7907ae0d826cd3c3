/* kd-selector.h: Kubernetes label and field selectors, as the double filters lists and watches */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Label selector syntax: "k=v", "k==v", "k!=v", "k in (a,b)", "k notin (a,b)", "k", "!k",
 * comma-separated (all must hold). An empty or NULL selector matches everything. Returns FALSE
 * with @error set on a selector it cannot parse. */
gboolean kd_label_selector_matches (const char  *selector,
                                    JsonObject  *object,
                                    gboolean    *out_matches,
                                    GError     **error);

/* Field selector: comma-separated "a.b.c=v" / "a.b.c==v" / "a.b.c!=v" on the object's fields. */
gboolean kd_field_selector_matches (const char  *selector,
                                    JsonObject  *object);

G_END_DECLS
