/* test-quantity.c: Kubernetes quantities parse exactly, round up, refuse bad input, print like kubectl */
#include <string.h>

#include <json-glib/json-glib.h>

#include "td-error.h"
#include "td-quantity.h"

typedef struct {
  const char *text;
  int         scale;
  gint64      expected;
} ParseCase;

static void
test_quantity_grammar (void)
{
  static const ParseCase cases[] = {
    /* metrics-server's nanocores and the older forms */
    { "7338891n", -9, 7338891 },
    { "58846045n", -9, 58846045 },
    { "0", -9, 0 },
    { "13m", -9, 13000000 },
    { "5m", -3, 5 },
    { "1", -3, 1000 },
    { "1.5", -3, 1500 },
    { "0.5", -9, 500000000 },
    { ".5", -3, 500 },
    { "5.", -3, 5000 },
    { "+2", -3, 2000 },
    { "-1m", -9, -1000000 },
    { "100u", -9, 100000 },
    /* decimal SI */
    { "1k", 0, 1000 },
    { "1M", 0, 1000000 },
    { "1G", 0, 1000000000 },
    { "1T", 0, G_GINT64_CONSTANT (1000000000000) },
    { "1P", 0, G_GINT64_CONSTANT (1000000000000000) },
    { "1E", 0, G_GINT64_CONSTANT (1000000000000000000) },
    /* binary SI */
    { "14520Ki", 0, 14868480 },
    { "128Mi", 0, 134217728 },
    { "1Gi", 0, 1073741824 },
    { "1Ti", 0, G_GINT64_CONSTANT (1099511627776) },
    { "1Pi", 0, G_GINT64_CONSTANT (1125899906842624) },
    { "1Ei", 0, G_GINT64_CONSTANT (1152921504606846976) },
    { "7Ei", 0, G_GINT64_CONSTANT (8070450532247928832) },
    { "1.5Gi", 0, 1610612736 },
    { "0.5Gi", 0, 536870912 },
    /* decimal exponents: "E" alone is exa, "E3" an exponent */
    { "1e3", 0, 1000 },
    { "1E3", 0, 1000 },
    { "12E-2", -3, 120 },
    { "1e+2", 0, 100 },
    { "0e999999", 0, 0 },
    /* zero in any spelling */
    { "0m", -9, 0 },
    { "0.000", 0, 0 },
    { "-0", 0, 0 },
    { "0Gi", 0, 0 },
    /* the largest value that fits */
    { "9223372036854775807", 0, G_MAXINT64 },
    { "-9223372036854775807", 0, -G_MAXINT64 },
    { "9223372036.854775807", -9, G_MAXINT64 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 value = -42;

      g_test_message ("%s at scale %d", cases[i].text, cases[i].scale);
      g_assert_true (td_quantity_parse_scaled (cases[i].text, cases[i].scale, &value, &error));
      g_assert_no_error (error);
      g_assert_cmpint (value, ==, cases[i].expected);
    }
}

static void
test_quantity_rounding (void)
{
  static const ParseCase cases[] = {
    /* finer than the unit asked for rounds up, away from zero, never to zero */
    { "0.1n", -9, 1 },
    { "-0.1n", -9, -1 },
    { "1.0000000001", -9, 1000000001 },
    { "0.0000000001", -9, 1 },
    { "0.000000000000000000000000000000000000000001", -9, 1 },
    { "1e-100000000", -9, 1 },
    { "7338891n", -3, 8 },
    { "1.5m", -3, 2 },
    { "1001u", -3, 2 },
    { "1000u", -3, 1 },
    { "0.5", 0, 1 },
    { "0.1Ki", 0, 103 },              /* 102.4 bytes */
    { "1.0000000000000000000000001Ki", 0, 1025 },
    /* exact values are not disturbed */
    { "2000000n", -3, 2 },
    { "1.25Ki", 0, 1280 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 value = -42;

      g_test_message ("%s at scale %d", cases[i].text, cases[i].scale);
      g_assert_true (td_quantity_parse_scaled (cases[i].text, cases[i].scale, &value, &error));
      g_assert_no_error (error);
      g_assert_cmpint (value, ==, cases[i].expected);
    }
}

static void
test_quantity_overflow (void)
{
  static const ParseCase cases[] = {
    { "9223372036854775808", 0, 0 },
    { "8Ei", 0, 0 },
    { "1E", -9, 0 },                  /* exa cores in nanocores */
    { "9223372036.854775808", -9, 0 },
    { "100000000000000000000000000000", 0, 0 },
    { "1e100000000", 0, 0 },
    { "-9223372036854775809", 0, 0 },
    { "9223372036854775807.5", 0, 0 },  /* rounds up past the limit */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 value = -42;

      g_test_message ("%s", cases[i].text);
      g_assert_false (td_quantity_parse_scaled (cases[i].text, cases[i].scale, &value, &error));
      g_assert_error (error, TD_ERROR, TD_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "too large"));
      g_assert_cmpint (value, ==, -42);
    }
}

static void
test_quantity_errors (void)
{
  static const char * const bad[] = {
    "", "K", "1K", "1 Mi", " 1", "1Mi ", "Mi", "1MiB", "1.2.3", "abc", "1e", "1e+", "1m5", "--1",
    "1ki", ".", "+", "1mi", "1Kb", "1g", "0x10", "1,5",
  };
  g_autoptr(GError) error = NULL;
  gint64 value = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("“%s”", bad[i]);
      g_assert_false (td_quantity_parse_bytes (bad[i], &value, &error));
      g_assert_error (error, TD_ERROR, TD_ERROR_INVALID);
      g_assert_true (g_str_has_prefix (error->message, "“"));
      g_clear_error (&error);
    }

  /* The message names the text and, for the classic mistake, the fix. */
  g_assert_false (td_quantity_parse_bytes ("512K", &value, &error));
  g_assert_nonnull (strstr (error->message, "“512K”"));
  g_assert_nonnull (strstr (error->message, "“Ki”"));
  g_clear_error (&error);
  g_assert_false (td_quantity_parse_bytes (NULL, &value, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_INVALID);
}

static void
test_quantity_unit_helpers (void)
{
  gint64 value = 0;

  g_assert_true (td_quantity_parse_nanocores ("250m", &value, NULL));
  g_assert_cmpint (value, ==, 250000000);
  g_assert_true (td_quantity_parse_millicores ("250m", &value, NULL));
  g_assert_cmpint (value, ==, 250);
  g_assert_true (td_quantity_parse_bytes ("256Mi", &value, NULL));
  g_assert_cmpint (value, ==, 268435456);
}

static void
test_quantity_format_top (void)
{
  static const struct { gint64 nanocores; const char *expected; } cpu[] = {
    { 7338891, "8m" },     /* MilliValue() is ceil(q × 1000) */
    { 58846045, "59m" },
    { 13000000, "13m" },
    { 0, "0m" },
    { 1, "1m" },
    { 1000000, "1m" },
    { 1000001, "2m" },
  };
  static const struct { gint64 bytes; const char *expected; } memory[] = {
    { 14868480, "14Mi" },  /* 14520Ki: integer division truncates */
    { 55128064, "52Mi" },  /* 53836Ki */
    { 1048575, "0Mi" },
    { 1048576, "1Mi" },
    { 134217728, "128Mi" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cpu); i++)
    {
      g_autofree char *text = td_quantity_format_top_cpu (cpu[i].nanocores);
      g_assert_cmpstr (text, ==, cpu[i].expected);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (memory); i++)
    {
      g_autofree char *text = td_quantity_format_top_memory (memory[i].bytes);
      g_assert_cmpstr (text, ==, memory[i].expected);
    }
}

/* The real metrics-server sample, summed per pod and printed the way `kubectl top pod` does. */
static void
test_quantity_metrics_fixture (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("TD_SHARED_DIR"), "fixtures", "k8s",
                                            "podmetricslist-minikube.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  static const char * const expected[][3] = {
    { "coredns-78fcd69978-f6pqv", "8m", "14Mi" },
    { "etcd-minikube", "59m", "52Mi" },
  };
  JsonArray *items;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  items = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "items");
  g_assert_cmpuint (json_array_get_length (items), ==, G_N_ELEMENTS (expected));

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      JsonArray *containers = json_object_get_array_member (item, "containers");
      gint64 nanocores = 0, bytes = 0;
      g_autofree char *cpu = NULL;
      g_autofree char *memory = NULL;

      for (guint c = 0; c < json_array_get_length (containers); c++)
        {
          JsonObject *usage = json_object_get_object_member (json_array_get_object_element (containers, c), "usage");
          gint64 value;

          g_assert_true (td_quantity_parse_nanocores (json_object_get_string_member (usage, "cpu"), &value, &error));
          nanocores += value;
          g_assert_true (td_quantity_parse_bytes (json_object_get_string_member (usage, "memory"), &value, &error));
          bytes += value;
        }
      cpu = td_quantity_format_top_cpu (nanocores);
      memory = td_quantity_format_top_memory (bytes);
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (item, "metadata"), "name"),
                       ==, expected[i][0]);
      g_assert_cmpstr (cpu, ==, expected[i][1]);
      g_assert_cmpstr (memory, ==, expected[i][2]);
    }
}

static void
test_quantity_format_canonical (void)
{
  static const struct { gint64 millicores; const char *expected; } cpu[] = {
    { 100, "100m" }, { 1000, "1" }, { 1500, "1500m" }, { 0, "0" }, { 2000000, "2k" }, { 50, "50m" },
    { -250, "-250m" },
  };
  static const struct { gint64 bytes; const char *expected; } memory[] = {
    { 134217728, "128Mi" }, { 1610612736, "1536Mi" }, { 1073741824, "1Gi" }, { 14868480, "14520Ki" },
    { 1500, "1500" }, { 1000, "1k" }, { 512, "512" }, { 0, "0" }, { 1024, "1Ki" },
    { G_GINT64_CONSTANT (1152921504606846976), "1Ei" }, { G_GINT64_CONSTANT (2305843009213693952), "2Ei" },
  };
  g_autofree char *nano = td_quantity_format_decimal (7338891, -9);
  g_autofree char *five = td_quantity_format_decimal (5000000, -9);

  g_assert_cmpstr (nano, ==, "7338891n");
  g_assert_cmpstr (five, ==, "5m");

  for (gsize i = 0; i < G_N_ELEMENTS (cpu); i++)
    {
      g_autofree char *text = td_quantity_format_millicores (cpu[i].millicores);
      gint64 back = -1;

      g_assert_cmpstr (text, ==, cpu[i].expected);
      /* what we write, Kubernetes (and we) read back as the same value */
      g_assert_true (td_quantity_parse_millicores (text, &back, NULL));
      g_assert_cmpint (back, ==, cpu[i].millicores);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (memory); i++)
    {
      g_autofree char *text = td_quantity_format_bytes (memory[i].bytes);
      gint64 back = -1;

      g_assert_cmpstr (text, ==, memory[i].expected);
      g_assert_true (td_quantity_parse_bytes (text, &back, NULL));
      g_assert_cmpint (back, ==, memory[i].bytes);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/quantity/grammar", test_quantity_grammar);
  g_test_add_func ("/quantity/rounding", test_quantity_rounding);
  g_test_add_func ("/quantity/overflow", test_quantity_overflow);
  g_test_add_func ("/quantity/errors", test_quantity_errors);
  g_test_add_func ("/quantity/unit-helpers", test_quantity_unit_helpers);
  g_test_add_func ("/quantity/format-top", test_quantity_format_top);
  g_test_add_func ("/quantity/metrics-fixture", test_quantity_metrics_fixture);
  g_test_add_func ("/quantity/format-canonical", test_quantity_format_canonical);
  return g_test_run ();
}
