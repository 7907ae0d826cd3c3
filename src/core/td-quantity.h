/* td-quantity.h: Kubernetes resource quantities ("100m", "128Mi", "7338891n", "1e3") as integers.
 *
 * The grammar and rounding are apimachinery's (pkg/api/resource, see reference/k8s.md §4.2): values
 * finer than the unit asked for are rounded up, away from zero, as Quantity.ScaledValue does. Parsing
 * is exact, on decimal digits; no floating point is involved. Unlike Kubernetes, which silently caps
 * quantities at 2^63-1, a value that does not fit a gint64 in the requested unit is an error. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* ceil(q × 10^-@scale): scale -9 gives nano-units, -3 milli-units, 0 whole units (bytes).
 * Errors (TD_ERROR_INVALID) name the text and what is wrong with it. */
gboolean  td_quantity_parse_scaled      (const char  *text,
                                         int          scale,
                                         gint64      *out_value,
                                         GError     **error);
gboolean  td_quantity_parse_nanocores   (const char  *text,
                                         gint64      *out_nanocores,
                                         GError     **error);
gboolean  td_quantity_parse_millicores  (const char  *text,
                                         gint64      *out_millicores,
                                         GError     **error);
gboolean  td_quantity_parse_bytes       (const char  *text,
                                         gint64      *out_bytes,
                                         GError     **error);

/* As `kubectl top` prints them: CPU "%dm" of ceil(millicores), memory "%dMi" truncated. */
char     *td_quantity_format_top_cpu    (gint64       nanocores);
char     *td_quantity_format_top_memory (gint64       bytes);

/* Canonical Kubernetes text, for values.yaml.
 * CPU uses decimal suffixes: 100 → "100m", 1000 → "1", 1500 → "1500m".
 * Memory uses binary suffixes where the value is a multiple of 1024: 134217728 → "128Mi",
 * 1610612736 → "1536Mi"; smaller or uneven byte counts are plain numbers ("1500"). */
char     *td_quantity_format_millicores (gint64       millicores);
char     *td_quantity_format_bytes      (gint64       bytes);
/* The general decimal form of @value × 10^@scale (scale a multiple of 3 between -9 and 18). */
char     *td_quantity_format_decimal    (gint64       value,
                                         int          scale);

G_END_DECLS
