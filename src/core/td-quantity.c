/* td-quantity.c: Kubernetes quantities, parsed exactly on decimal digits.
 *
 * A quantity is kept as (sign, decimal digits, power of ten, power of two); converting it to an
 * integer in some unit shifts the digit string and rounds up if any non-zero digit falls off. This
 * is exact for any length of input, which a gint64 or a double would not be. */
#define G_LOG_DOMAIN "td-quantity"

#include "td-quantity.h"

#include <string.h>

#include "td-error.h"

#define MAX_INT64_DIGITS 19            /* G_MAXINT64 = 9223372036854775807 */
#define EXPONENT_LIMIT   100000        /* beyond this every non-zero value overflows or rounds to 1 */

typedef struct {
  int         exp10;
  int         exp2;
} Suffix;

static const struct {
  const char *text;
  Suffix      suffix;
} known_suffixes[] = {
  { "",   {   0,  0 } },
  { "n",  {  -9,  0 } },
  { "u",  {  -6,  0 } },
  { "m",  {  -3,  0 } },
  { "k",  {   3,  0 } },
  { "M",  {   6,  0 } },
  { "G",  {   9,  0 } },
  { "T",  {  12,  0 } },
  { "P",  {  15,  0 } },
  { "E",  {  18,  0 } },
  { "Ki", {   0, 10 } },
  { "Mi", {   0, 20 } },
  { "Gi", {   0, 30 } },
  { "Ti", {   0, 40 } },
  { "Pi", {   0, 50 } },
  { "Ei", {   0, 60 } },
};

/* value = (negative ? -1 : 1) × digits × 10^exp10 × 2^exp2 */
typedef struct {
  gboolean  negative;
  GString  *digits;    /* ASCII '0'–'9', most significant first, never empty */
  gint64    exp10;
  int       exp2;
} Decimal;

static void
decimal_clear (Decimal *decimal)
{
  if (decimal->digits != NULL)
    g_string_free (decimal->digits, TRUE);
  decimal->digits = NULL;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Decimal, decimal_clear)

static gboolean
set_quantity_error (GError    **error,
                    const char *text,
                    const char *problem)
{
  g_set_error (error, TD_ERROR, TD_ERROR_INVALID,
               "“%s” is not a valid Kubernetes quantity: %s", text, problem);
  return FALSE;
}

/* "e3", "E-2", "e+10" → the exponent; clamped, since only its sign matters past the limit. */
static gboolean
parse_exponent_suffix (const char *suffix,
                       gint64     *out_exponent)
{
  const char *p = suffix + 1;
  gboolean negative = FALSE;
  gint64 exponent = 0;

  if (suffix[0] != 'e' && suffix[0] != 'E')
    return FALSE;
  if (*p == '+' || *p == '-')
    negative = *p++ == '-';
  if (!g_ascii_isdigit (*p))
    return FALSE;
  for (; g_ascii_isdigit (*p); p++)
    exponent = MIN (exponent * 10 + (*p - '0'), EXPONENT_LIMIT);
  if (*p != '\0')
    return FALSE;
  *out_exponent = negative ? -exponent : exponent;
  return TRUE;
}

/* The scanner of apimachinery's parseQuantityString:
 *   [+-] digits [. digits] [eEinumkKMGTP]* [+-]? [0-9]* */
static gboolean
decimal_parse (const char *text,
               Decimal    *out,
               GError    **error)
{
  const char *p = text;
  const char *int_start, *frac_start = NULL, *suffix_start;
  gsize int_len, frac_len = 0;
  g_autofree char *suffix = NULL;
  gint64 exponent;

  if (text == NULL || *text == '\0')
    return set_quantity_error (error, text != NULL ? text : "", "it is empty");

  out->negative = FALSE;
  if (*p == '+' || *p == '-')
    out->negative = *p++ == '-';

  int_start = p;
  while (g_ascii_isdigit (*p))
    p++;
  int_len = p - int_start;
  if (*p == '.')
    {
      frac_start = ++p;
      while (g_ascii_isdigit (*p))
        p++;
      frac_len = p - frac_start;
    }
  if (int_len + frac_len == 0)
    return set_quantity_error (error, text, "it must start with a number, like “100m” or “128Mi”");

  suffix_start = p;
  while (*p != '\0' && strchr ("eEinumkKMGTP", *p) != NULL)
    p++;
  if (*p == '+' || *p == '-')
    p++;
  while (g_ascii_isdigit (*p))
    p++;
  if (*p != '\0')
    return set_quantity_error (error, text, "expected a number followed by a unit such as m, Mi or Gi");

  suffix = g_strdup (suffix_start);
  out->exp10 = 0;
  out->exp2 = 0;
  for (gsize i = 0; i < G_N_ELEMENTS (known_suffixes); i++)
    if (strcmp (suffix, known_suffixes[i].text) == 0)
      {
        out->exp10 = known_suffixes[i].suffix.exp10;
        out->exp2 = known_suffixes[i].suffix.exp2;
        goto found;
      }
  if (parse_exponent_suffix (suffix, &exponent))
    {
      out->exp10 = exponent;
      goto found;
    }
  if (strcmp (suffix, "K") == 0)
    return set_quantity_error (error, text, "unknown unit “K”; write “k” for 1000 or “Ki” for 1024");
  {
    g_autofree char *problem = g_strdup_printf ("unknown unit “%s”; use n, u, m, k, M, G, T, P, E, "
                                                "Ki, Mi, Gi, Ti, Pi, Ei or an exponent like e3", suffix);
    return set_quantity_error (error, text, problem);
  }

found:
  out->digits = g_string_new_len (int_start, int_len);
  if (frac_len > 0)
    g_string_append_len (out->digits, frac_start, frac_len);
  out->exp10 -= frac_len;
  return TRUE;
}

/* digits × 2 in place, growing by a digit when it carries out. */
static void
digits_double (GString *digits)
{
  int carry = 0;

  for (gsize i = digits->len; i-- > 0;)
    {
      int d = (digits->str[i] - '0') * 2 + carry;

      digits->str[i] = '0' + d % 10;
      carry = d / 10;
    }
  if (carry != 0)
    g_string_prepend_c (digits, '0' + carry);
}

static gboolean
digits_to_uint64 (const char *digits,
                  gsize       len,
                  guint64    *out)
{
  guint64 value = 0;

  for (gsize i = 0; i < len; i++)
    {
      guint d = digits[i] - '0';

      if (value > (G_MAXUINT64 - d) / 10)
        return FALSE;
      value = value * 10 + d;
    }
  *out = value;
  return TRUE;
}

/* ceil(|value| × 10^-scale) into *out, or FALSE if it does not fit a gint64. */
static gboolean
decimal_to_scaled (Decimal *decimal,
                   int      scale,
                   gint64  *out)
{
  GString *digits = decimal->digits;
  gint64 shift = decimal->exp10 - scale;   /* power of ten still to apply */
  guint64 magnitude = 0;
  gboolean round_up = FALSE;
  gsize start = 0;

  for (int i = 0; i < decimal->exp2; i++)
    digits_double (digits);
  while (start < digits->len && digits->str[start] == '0')
    start++;
  if (start == digits->len)
    {
      *out = 0;
      return TRUE;
    }

  if (shift >= 0)
    {
      gsize n = digits->len - start;

      if ((gint64) n + shift > MAX_INT64_DIGITS + 1)
        return FALSE;
      if (!digits_to_uint64 (digits->str + start, n, &magnitude))
        return FALSE;
      for (gint64 i = 0; i < shift; i++)
        {
          if (magnitude > G_MAXUINT64 / 10)
            return FALSE;
          magnitude *= 10;
        }
    }
  else
    {
      gint64 kept = (gint64) (digits->len - start) + shift;   /* digits left of the point */

      if (kept > MAX_INT64_DIGITS + 1)
        return FALSE;
      if (kept <= 0)
        round_up = TRUE;   /* a non-zero fraction of the unit */
      else
        {
          if (!digits_to_uint64 (digits->str + start, kept, &magnitude))
            return FALSE;
          for (gsize i = start + kept; i < digits->len; i++)
            if (digits->str[i] != '0')
              round_up = TRUE;
        }
    }

  if (round_up)
    {
      if (magnitude == G_MAXUINT64)
        return FALSE;
      magnitude++;
    }
  if (magnitude > G_MAXINT64)
    return FALSE;
  *out = decimal->negative ? -(gint64) magnitude : (gint64) magnitude;
  return TRUE;
}

gboolean
td_quantity_parse_scaled (const char  *text,
                          int          scale,
                          gint64      *out_value,
                          GError     **error)
{
  g_auto(Decimal) decimal = { 0 };
  gint64 value;

  /* Kubernetes keeps nothing finer than 1n, so a finer unit would invent precision. */
  g_return_val_if_fail (scale >= -9, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!decimal_parse (text, &decimal, error))
    return FALSE;
  if (!decimal_to_scaled (&decimal, scale, &value))
    return set_quantity_error (error, text, "it is too large");
  if (out_value != NULL)
    *out_value = value;
  return TRUE;
}

gboolean
td_quantity_parse_nanocores (const char  *text,
                             gint64      *out_nanocores,
                             GError     **error)
{
  return td_quantity_parse_scaled (text, -9, out_nanocores, error);
}

gboolean
td_quantity_parse_millicores (const char  *text,
                              gint64      *out_millicores,
                              GError     **error)
{
  return td_quantity_parse_scaled (text, -3, out_millicores, error);
}

gboolean
td_quantity_parse_bytes (const char  *text,
                         gint64      *out_bytes,
                         GError     **error)
{
  return td_quantity_parse_scaled (text, 0, out_bytes, error);
}

char *
td_quantity_format_top_cpu (gint64 nanocores)
{
  gint64 millicores = nanocores / 1000000;

  /* MilliValue() rounds away from zero. */
  if (nanocores % 1000000 != 0)
    millicores += nanocores > 0 ? 1 : -1;
  return g_strdup_printf ("%" G_GINT64_FORMAT "m", millicores);
}

char *
td_quantity_format_top_memory (gint64 bytes)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT "Mi", bytes / (1024 * 1024));
}

static const char *
decimal_suffix (int scale)
{
  static const char * const suffixes[] = { "n", "u", "m", "", "k", "M", "G", "T", "P", "E" };

  g_return_val_if_fail (scale % 3 == 0 && scale >= -9 && scale <= 18, "");
  return suffixes[(scale + 9) / 3];
}

char *
td_quantity_format_decimal (gint64 value,
                            int    scale)
{
  g_return_val_if_fail (scale % 3 == 0 && scale >= -9 && scale <= 18, NULL);

  if (value == 0)
    return g_strdup ("0");
  while (value % 1000 == 0 && scale < 18)
    {
      value /= 1000;
      scale += 3;
    }
  return g_strdup_printf ("%" G_GINT64_FORMAT "%s", value, decimal_suffix (scale));
}

char *
td_quantity_format_millicores (gint64 millicores)
{
  return td_quantity_format_decimal (millicores, -3);
}

char *
td_quantity_format_bytes (gint64 bytes)
{
  static const char * const suffixes[] = { "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei" };
  guint exponent = 0;

  /* Kubernetes writes small byte counts in decimal form: 1000 is "1k", not "1000". */
  if (bytes > -1024 && bytes < 1024)
    return td_quantity_format_decimal (bytes, 0);
  while (bytes % 1024 == 0 && exponent + 1 < G_N_ELEMENTS (suffixes))
    {
      bytes /= 1024;
      exponent++;
    }
  return g_strdup_printf ("%" G_GINT64_FORMAT "%s", bytes, suffixes[exponent]);
}
