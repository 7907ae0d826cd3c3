/* test-yaml.c: the YAML tree keeps values, order and positions */
#include "td-error.h"
#include "td-yaml.h"

static void
test_yaml_tree (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdYamlNode) root = td_yaml_parse ("a: 1\nb:\n  - x\n  - 'y'\nc: {d: true}\n", -1, "t.yaml", &error);
  const TdYamlNode *b;
  gboolean flag = FALSE;
  gint64 number = 0;

  g_assert_no_error (error);
  g_assert_nonnull (root);
  g_assert_cmpint (root->kind, ==, TD_YAML_MAPPING);
  g_assert_true (td_yaml_get_int (td_yaml_mapping_get (root, "a"), &number));
  g_assert_cmpint (number, ==, 1);
  b = td_yaml_mapping_get (root, "b");
  g_assert_cmpuint (td_yaml_n_children (b), ==, 2);
  g_assert_cmpstr (td_yaml_scalar (td_yaml_child (b, 1)), ==, "y");
  g_assert_true (td_yaml_child (b, 1)->quoted);
  g_assert_cmpuint (td_yaml_child (b, 1)->line, ==, 4);
  g_assert_cmpuint (td_yaml_child (b, 1)->column, ==, 5);
  g_assert_true (td_yaml_get_bool (td_yaml_mapping_get (td_yaml_mapping_get (root, "c"), "d"), &flag));
  g_assert_true (flag);
  g_assert_null (td_yaml_mapping_get (root, "missing"));
}

static void
test_yaml_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdYamlNode) root = td_yaml_parse ("a: 1\nb: [1, 2\n", -1, "bad.yaml", &error);

  g_assert_null (root);
  g_assert_error (error, TD_ERROR, TD_ERROR_PARSE);
  g_assert_true (g_str_has_prefix (error->message, "bad.yaml:"));
  g_clear_error (&error);

  root = td_yaml_parse ("a: 1\na: 2\n", -1, "dup.yaml", &error);
  g_assert_null (root);
  g_assert_error (error, TD_ERROR, TD_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "dup.yaml:2:1: duplicate key “a”");
}

static void
test_yaml_multi_document_and_alias (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) docs = td_yaml_parse_all ("---\nbase: &b {x: 1}\ncopy: *b\n---\n---\nk: v\n", -1, NULL, &error);
  const TdYamlNode *copy;

  g_assert_no_error (error);
  g_assert_cmpuint (docs->len, ==, 2);
  copy = td_yaml_mapping_get (docs->pdata[0], "copy");
  g_assert_cmpstr (td_yaml_mapping_get_string (copy, "x"), ==, "1");
  g_assert_cmpstr (td_yaml_mapping_get_string (docs->pdata[1], "k"), ==, "v");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/yaml/tree", test_yaml_tree);
  g_test_add_func ("/yaml/errors", test_yaml_errors);
  g_test_add_func ("/yaml/multi-document-and-alias", test_yaml_multi_document_and_alias);
  return g_test_run ();
}
