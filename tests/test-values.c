/* test-values.c: td-values, the values.yaml tree: block YAML that reads back as the same tree,
 * merging, shape checks, the helm create example, and setting one value */
#include <glib/gstdio.h>
#include <string.h>

#include "td-error.h"
#include "td-values.h"

static TdYamlNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  TdYamlNode *node = td_yaml_parse (text, -1, "<test>", &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

/* Two trees are equal when they hold the same keys, kinds, texts and quoting. */
static void
assert_same_tree (const TdYamlNode *a, const TdYamlNode *b)
{
  g_assert_cmpint (a->kind, ==, b->kind);
  if (a->kind == TD_YAML_SCALAR)
    {
      g_assert_cmpstr (a->value ? a->value : "", ==, b->value ? b->value : "");
      return;
    }
  g_assert_cmpuint (td_yaml_n_children (a), ==, td_yaml_n_children (b));
  for (guint i = 0; i < td_yaml_n_children (a); i++)
    {
      if (a->kind == TD_YAML_MAPPING)
        g_assert_cmpstr (((TdYamlNode *) a->keys->pdata[i])->value, ==, ((TdYamlNode *) b->keys->pdata[i])->value);
      assert_same_tree (td_yaml_child (a, i), td_yaml_child (b, i));
    }
}

static void
test_block_yaml_round_trip (void)
{
  g_autoptr(TdYamlNode) tree = parse (
    "backend:\n"
    "  resources: { requests: { cpu: \"100m\", memory: \"128Mi\" } }\n"
    "  probe: { path: /health, initialDelaySeconds: 15 }\n"
    "odd:\n"
    "  colon: \"a: b\"\n"
    "  hash: \"x #y\"\n"
    "  lead: \"-dash\"\n"
    "  quote: \"say \\\"hi\\\"\"\n"
    "  multi: \"one\\ntwo\"\n"
    "  empty: \"\"\n"
    "  nothing: null\n"
    "  none: {}\n"
    "  list: [a, {name: b, port: 3}, []]\n");
  g_autofree char *text = td_values_to_text (tree, "first line\nsecond line");
  g_autoptr(TdYamlNode) back = parse (text);

  g_assert_true (g_str_has_prefix (text, "# first line\n# second line\nbackend:\n"));
  g_assert_null (strstr (text, "{ "));
  g_assert_nonnull (strstr (text, "  resources:\n    requests:\n      cpu: \"100m\"\n"));
  g_assert_nonnull (strstr (text, "    path: /health\n"));
  g_assert_nonnull (strstr (text, "\n\nodd:\n"));   /* top-level sections apart */
  g_assert_nonnull (strstr (text, "  list:\n    - a\n    - name: b\n      port: 3\n    - []\n"));
  assert_same_tree (tree, back);
  g_assert_true (td_yaml_is_null (td_values_lookup (back, "odd.nothing")));
  g_assert_true (td_values_lookup (back, "odd.empty")->quoted);
}

static void
test_merge_and_shape (void)
{
  g_autoptr(TdYamlNode) defaults = parse ("a:\n  b: 1\n  c: {d: 2}\ne: 3\n");
  g_autoptr(TdYamlNode) user = parse ("a:\n  b: 10\n  c: flat\nz: 9\n");
  g_autoptr(TdYamlNode) merged = td_values_merge (defaults, user);
  g_autofree char *missing = NULL;

  g_assert_cmpstr (td_yaml_scalar (td_values_lookup (merged, "a.b")), ==, "10");
  g_assert_cmpstr (td_yaml_scalar (td_values_lookup (merged, "a.c")), ==, "flat");
  g_assert_cmpstr (td_yaml_scalar (td_values_lookup (merged, "e")), ==, "3");
  g_assert_cmpstr (td_yaml_scalar (td_values_lookup (merged, "z")), ==, "9");
  /* The inputs are untouched. */
  g_assert_cmpstr (td_yaml_scalar (td_values_lookup (defaults, "a.b")), ==, "1");

  g_assert_false (td_values_has_shape (user, defaults, &missing));
  g_assert_cmpstr (missing, ==, "a.c");
  g_clear_pointer (&missing, g_free);
  g_assert_true (td_values_has_shape (defaults, defaults, &missing));
  g_assert_null (missing);
}

static void
test_helm_create_example (void)
{
  g_autoptr(TdYamlNode) example = parse ("replicaCount: 1\nimage:\n  repository: nginx\n");
  g_autoptr(TdYamlNode) ours = parse ("replicaCount: 1\nbackend: {image: x}\n");

  g_assert_true (td_values_is_helm_create_example (example));
  g_assert_false (td_values_is_helm_create_example (ours));
}

static void
test_set_scalar (void)
{
  g_autoptr(TdYamlNode) tree = parse ("backend:\n  resources:\n    limits: {cpu: \"500m\"}\nname: x\n");
  g_autofree char *text = NULL;

  g_assert_true (td_values_set_scalar (tree, "backend.resources.limits.cpu", "750m", TRUE));
  g_assert_true (td_values_set_scalar (tree, "frontend.resources.requests.memory", "96Mi", TRUE));
  g_assert_false (td_values_set_scalar (tree, "name.inner", "v", FALSE));
  text = td_values_to_text (tree, NULL);
  g_assert_nonnull (strstr (text, "    limits:\n      cpu: \"750m\"\n"));
  g_assert_nonnull (strstr (text, "frontend:\n  resources:\n    requests:\n      memory: \"96Mi\"\n"));
  g_assert_null (strstr (text, "500m"));
}

static void
test_read_missing_and_empty (void)
{
  g_autofree char *dir = g_dir_make_tmp ("td-values-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "values.yaml", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TdYamlNode) empty = NULL;
  g_autoptr(TdYamlNode) defaults = parse ("a: 1\n");
  g_autofree char *written = NULL;
  TdValuesOutcome outcome = TD_VALUES_KEPT;

  g_assert_null (td_values_read (path, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (path, "# only a comment\n", -1, NULL));
  empty = td_values_read (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (td_yaml_n_children (empty), ==, 0);

  /* An empty file is filled with the defaults. */
  g_assert_true (td_values_apply_defaults (path, defaults, &outcome, &error));
  g_assert_no_error (error);
  g_assert_cmpint (outcome, ==, TD_VALUES_WRITTEN);
  g_assert_true (g_file_get_contents (path, &written, NULL, NULL));
  g_assert_true (g_str_has_suffix (written, "\na: 1\n"));

  g_remove (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/values/block-yaml-round-trip", test_block_yaml_round_trip);
  g_test_add_func ("/values/merge-and-shape", test_merge_and_shape);
  g_test_add_func ("/values/helm-create-example", test_helm_create_example);
  g_test_add_func ("/values/set-scalar", test_set_scalar);
  g_test_add_func ("/values/read-missing-and-empty", test_read_missing_and_empty);
  return g_test_run ();
}
