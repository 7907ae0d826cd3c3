/* test-manifest-template.c: kubectl-ai's manifests made into templates; with the real helm (from
 * build-aux/install-deps), the templated chart renders exactly as the bundled chart does */
#include <string.h>

#include <glib/gstdio.h>

#include "fake-tools-util.h"
#include "td-error.h"
#include "td-manifest-template.h"
#include "td-plan.h"

static const struct { const char *task; const char *file; guint n_values; } tasks[] = {
  { "T016", "backend-deployment.yaml",  16 },
  { "T017", "backend-service.yaml",     2 },
  { "T018", "frontend-deployment.yaml", 16 },
  { "T019", "frontend-service.yaml",    3 },
  { "T020", "configmap.yaml",           1 },
};

static TdPlan *
load_plan (void)
{
  g_autoptr(GError) error = NULL;
  TdPlan *plan = td_plan_new_default (&error);

  g_assert_no_error (error);
  return plan;
}

static char *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static char *
templated_fixture (TdPlan *plan, guint i, guint *n_templated)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "kubectl-ai", tasks[i].file, NULL);
  g_autofree char *text = read_file (path);
  g_autoptr(GError) error = NULL;
  char *templated = td_manifest_template (td_task_get_contract (td_plan_lookup_task (plan, tasks[i].task)),
                                          text, n_templated, &error);

  g_assert_no_error (error);
  return templated;
}

static void
test_references (void)
{
  g_autoptr(TdPlan) plan = load_plan ();

  for (guint i = 0; i < G_N_ELEMENTS (tasks); i++)
    {
      guint n = 0;
      g_autofree char *templated = templated_fixture (plan, i, &n);

      g_test_message ("%s:\n%s", tasks[i].file, templated);
      /* Every entry of the contract's values: map names its own literal. */
      g_assert_cmpuint (n, ==, tasks[i].n_values);
    }

  {
    g_autofree char *backend = templated_fixture (plan, 0, NULL);

    g_assert_nonnull (strstr (backend, "  replicas: {{ .Values.backend.replicas }}\n"));
    g_assert_nonnull (strstr (backend, "image: \"{{ .Values.backend.image }}:{{ .Values.backend.tag }}\"\n"));
    g_assert_nonnull (strstr (backend, "cpu: {{ .Values.backend.resources.limits.cpu | quote }}\n"));
    g_assert_nonnull (strstr (backend, "path: {{ .Values.backend.livenessProbe.path | quote }}\n"));
    g_assert_nonnull (strstr (backend, "name: {{ .Values.secrets.backendSecretName | quote }}\n"));
    /* What values.yaml does not govern stays as the agent wrote it. */
    g_assert_nonnull (strstr (backend, "imagePullPolicy: Never\n"));
    g_assert_nonnull (strstr (backend, "  name: todo-backend\n"));
    g_assert_null (strstr (backend, "8000"));
  }
}

/* Quoted literals, a named probe port and a comment survive; the named port is left alone. */
static void
test_agent_layout_kept (void)
{
  g_autoptr(TdPlan) plan = load_plan ();
  const char *text =
    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: todo-backend}\nspec:\n"
    "  replicas: \"2\"   # the seed asks for two\n"
    "  template:\n    spec:\n      containers:\n"
    "        - name: api\n          image: 'todo-backend:latest'\n"
    "          ports: [{name: http, containerPort: 8000}]\n"
    "          livenessProbe:\n            httpGet: {path: /health, port: http}\n";
  g_autoptr(GError) error = NULL;
  g_autofree char *templated = td_manifest_template (td_task_get_contract (td_plan_lookup_task (plan, "T016")),
                                                     text, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (templated, ==,
    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: todo-backend}\nspec:\n"
    "  replicas: {{ .Values.backend.replicas | quote }}   # the seed asks for two\n"
    "  template:\n    spec:\n      containers:\n"
    "        - name: api\n          image: \"{{ .Values.backend.image }}:{{ .Values.backend.tag }}\"\n"
    "          ports: [{name: http, containerPort: {{ .Values.backend.port }}}]\n"
    "          livenessProbe:\n            httpGet: {path: {{ .Values.backend.livenessProbe.path | quote }}, port: http}\n");
}

static void
test_refuses_template (void)
{
  g_autoptr(TdPlan) plan = load_plan ();
  g_autoptr(GError) error = NULL;
  g_autofree char *templated = td_manifest_template (td_task_get_contract (td_plan_lookup_task (plan, "T017")),
                                                     "kind: Service\nspec: {ports: [{port: {{ .Values.x }}}]}\n",
                                                     NULL, &error);

  g_assert_null (templated);
  g_assert_error (error, TD_ERROR, TD_ERROR_INVALID);
}

/* ── With the real helm ───────────────────────────────────────────────────────────────────── */

static char *
helm_path (void)
{
  char *path = g_test_build_filename (G_TEST_DIST, "..", "_deps", "bin", "helm", NULL);

  if (!g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
    g_clear_pointer (&path, g_free);
  return path;
}

static char *
run_helm (const char * const *argv, int *status)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int wait_status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &wait_status, &error);
  g_assert_no_error (error);
  *status = g_spawn_check_wait_status (wait_status, NULL) ? 0 : 1;
  if (*status != 0)
    g_test_message ("%s failed:\n%s%s", argv[1], out, err);
  return out;
}

/* A scalar's value and the type YAML gives it, so `"2"` and `2` differ but `"/x"` and `/x` do not. */
static char *
typed_scalar (const TdYamlNode *node)
{
  gint64 number;
  gboolean flag;

  if (!node->quoted && td_yaml_get_int (node, &number))
    return g_strdup_printf ("int:%" G_GINT64_FORMAT, number);
  if (!node->quoted && td_yaml_get_bool (node, &flag))
    return g_strdup_printf ("bool:%d", flag);
  if (td_yaml_is_null (node))
    return g_strdup ("null");
  return g_strdup_printf ("str:%s", node->value);
}

static void
assert_same_tree (const TdYamlNode *a, const TdYamlNode *b, const char *where)
{
  if (a->kind != b->kind)
    g_error ("%s: a %d and a %d", where, a->kind, b->kind);
  if (a->kind == TD_YAML_SCALAR)
    {
      g_autofree char *x = typed_scalar (a);
      g_autofree char *y = typed_scalar (b);

      if (!g_str_equal (x, y))
        g_error ("%s: %s and %s", where, x, y);
      return;
    }
  if (a->children->len != b->children->len)
    g_error ("%s: %u and %u entries", where, a->children->len, b->children->len);
  for (guint i = 0; i < a->children->len; i++)
    {
      const char *key = a->kind == TD_YAML_MAPPING ? td_yaml_scalar (a->keys->pdata[i]) : NULL;
      const TdYamlNode *other = key != NULL ? td_yaml_mapping_get (b, key) : td_yaml_child (b, i);
      g_autofree char *path = key != NULL ? g_strdup_printf ("%s.%s", where, key) : g_strdup_printf ("%s[%u]", where, i);

      if (other == NULL)
        g_error ("%s is missing", path);
      assert_same_tree (a->children->pdata[i], other, path);
    }
}

/* Both renders hold the same objects, equal as YAML (key order, quoting and comments aside). */
static void
assert_same_render (const char *ours, const char *bundled)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) a = td_yaml_parse_all (ours, -1, "templated render", &error);
  g_autoptr(GPtrArray) b = td_yaml_parse_all (bundled, -1, "bundled render", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (a->len, ==, 5);
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      const TdYamlNode *doc = a->pdata[i];
      const char *kind = td_yaml_mapping_get_string (doc, "kind");
      const char *name = td_yaml_mapping_get_string (td_yaml_mapping_get (doc, "metadata"), "name");
      const TdYamlNode *match = NULL;

      for (guint j = 0; match == NULL && j < b->len; j++)
        if (g_strcmp0 (td_yaml_mapping_get_string (b->pdata[j], "kind"), kind) == 0 &&
            g_strcmp0 (td_yaml_mapping_get_string (td_yaml_mapping_get (b->pdata[j], "metadata"), "name"), name) == 0)
          match = b->pdata[j];
      if (match == NULL)
        g_error ("the bundled chart renders no %s %s", kind, name);
      /* Both directions: nothing extra on either side. */
      assert_same_tree (doc, match, name);
      assert_same_tree (match, doc, name);
    }
}

static void
copy_file (const char *from_dir, const char *to_dir, const char *name)
{
  g_autofree char *from = g_build_filename (from_dir, name, NULL);
  g_autofree char *to = g_build_filename (to_dir, name, NULL);
  g_autofree char *text = read_file (from);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (to, text, -1, &error);
  g_assert_no_error (error);
}

static void
test_helm_round_trip (void)
{
  g_autofree char *helm = helm_path ();
  g_autoptr(TdPlan) plan = load_plan ();
  g_autofree char *bundled = g_test_build_filename (G_TEST_DIST, "..", "charts", "todo-app", NULL);
  g_autofree char *dir = NULL;
  g_autofree char *chart = NULL;
  g_autofree char *templates = NULL;
  static const char * const sets[] = { "backend.replicas=2", "backend.replicas=3,frontend.port=3100,backend.tag=v2" };
  int status;

  if (helm == NULL)
    {
      fake_tools_real_tool_missing ("helm", "in _deps/bin, where build-aux/install-deps puts it");
      return;
    }
  dir = g_dir_make_tmp ("td-template-XXXXXX", NULL);
  chart = g_build_filename (dir, "todo-app", NULL);
  templates = g_build_filename (chart, "templates", NULL);
  g_assert_cmpint (g_mkdir_with_parents (templates, 0755), ==, 0);
  copy_file (bundled, chart, "Chart.yaml");
  copy_file (bundled, chart, "values.yaml");
  copy_file (bundled, chart, "values.schema.json");
  for (guint i = 0; i < G_N_ELEMENTS (tasks); i++)
    {
      g_autofree char *templated = templated_fixture (plan, i, NULL);
      g_autofree char *path = g_build_filename (templates, tasks[i].file, NULL);

      g_assert_true (g_file_set_contents (path, templated, -1, NULL));
    }

  /* The bundled values, and others: values.yaml governs both charts alike. */
  for (guint i = 0; i < G_N_ELEMENTS (sets); i++)
    {
      const char *ours_argv[] = { helm, "template", "todo-app", chart, "--set", sets[i], NULL };
      const char *bundled_argv[] = { helm, "template", "todo-app", bundled, "--set", sets[i], NULL };
      g_autofree char *ours = run_helm (ours_argv, &status);
      g_autofree char *theirs = NULL;

      g_assert_cmpint (status, ==, 0);
      theirs = run_helm (bundled_argv, &status);
      g_assert_cmpint (status, ==, 0);
      assert_same_render (ours, theirs);
      if (i == 1)
        g_assert_nonnull (strstr (ours, "replicas: 3"));
    }

  {
    const char *lint_argv[] = { helm, "lint", chart, NULL };
    g_autofree char *lint = run_helm (lint_argv, &status);

    g_assert_cmpint (status, ==, 0);
    g_assert_nonnull (strstr (lint, "1 chart(s) linted, 0 chart(s) failed"));
  }
  fake_tools_remove_tree (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/manifest-template/references", test_references);
  g_test_add_func ("/manifest-template/agent-layout-kept", test_agent_layout_kept);
  g_test_add_func ("/manifest-template/refuses-template", test_refuses_template);
  g_test_add_func ("/manifest-template/helm-round-trip", test_helm_round_trip);
  return g_test_run ();
}
