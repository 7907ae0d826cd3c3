/* test-next-config.c: output: 'standalone' in next.config.{js,mjs,ts} — detection, the fix and its
 * diff, and the refusals */
#include <string.h>
#include <glib/gstdio.h>

#include "td-error.h"
#include "td-next-config.h"

static TdNextConfig *
inspect_ok (const char *text, const char *name)
{
  g_autoptr(GError) error = NULL;
  TdNextConfig *config = td_next_config_inspect_text (text, name, &error);

  g_assert_no_error (error);
  g_assert_nonnull (config);
  return config;
}

static void
assert_fix (const char *text, const char *name, const char *expected_text)
{
  g_autoptr(TdNextConfig) config = inspect_ok (text, name);

  g_assert_false (config->is_standalone);
  g_assert_cmpstr (config->new_text, ==, expected_text);
  g_assert_nonnull (config->diff);
  /* The fix is itself standalone and would not be changed again. */
  {
    g_autoptr(TdNextConfig) fixed = inspect_ok (config->new_text, name);

    g_assert_true (fixed->is_standalone);
    g_assert_null (fixed->new_text);
    g_assert_null (fixed->diff);
  }
}

static void
assert_refused (const char *text, const char *message_part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdNextConfig) config = td_next_config_inspect_text (text, "frontend/next.config.js", &error);

  g_assert_null (config);
  g_assert_error (error, TD_ERROR, TD_ERROR_INVALID);
  if (strstr (error->message, message_part) == NULL)
    g_error ("“%s” does not contain “%s”", error->message, message_part);
}

static void
test_module_exports (void)
{
  assert_fix ("/** @type {import('next').NextConfig} */\n"
              "module.exports = {\n"
              "  reactStrictMode: true,\n"
              "};\n",
              "frontend/next.config.js",
              "/** @type {import('next').NextConfig} */\n"
              "module.exports = {\n"
              "  output: 'standalone',\n"
              "  reactStrictMode: true,\n"
              "};\n");
}

static void
test_const_then_export_default (void)
{
  assert_fix ("/** @type {import('next').NextConfig} */\n"
              "const nextConfig = {\n"
              "    images: { domains: ['example.com'] },\n"
              "};\n"
              "\n"
              "export default nextConfig;\n",
              "frontend/next.config.mjs",
              "/** @type {import('next').NextConfig} */\n"
              "const nextConfig = {\n"
              "    output: 'standalone',\n"     /* the first property's indentation */
              "    images: { domains: ['example.com'] },\n"
              "};\n"
              "\n"
              "export default nextConfig;\n");
}

static void
test_typescript (void)
{
  /* create-next-app's next.config.ts, with the options comment inside the empty object */
  assert_fix ("import type { NextConfig } from \"next\";\n"
              "\n"
              "const nextConfig: NextConfig = {\n"
              "  /* config options here */\n"
              "};\n"
              "\n"
              "export default nextConfig;\n",
              "frontend/next.config.ts",
              "import type { NextConfig } from \"next\";\n"
              "\n"
              "const nextConfig: NextConfig = {\n"
              "  output: 'standalone',\n"
              "  /* config options here */\n"
              "};\n"
              "\n"
              "export default nextConfig;\n");
}

static void
test_export_default_object_and_wrapper (void)
{
  assert_fix ("export default {};\n", "frontend/next.config.mjs",
              "export default {\n  output: 'standalone',\n};\n");
  assert_fix ("module.exports = withBundleAnalyzer({ swcMinify: true })\n", "frontend/next.config.js",
              "module.exports = withBundleAnalyzer({ output: 'standalone', swcMinify: true })\n");
  assert_fix ("const config = {\n  env: { A: '{' },\n}\nmodule.exports = withPWA(config)\n",
              "frontend/next.config.js",
              "const config = {\n  output: 'standalone',\n  env: { A: '{' },\n}\nmodule.exports = withPWA(config)\n");
}

static void
test_already_standalone (void)
{
  const char *texts[] = {
    "module.exports = {\n  output: 'standalone',\n};\n",
    "module.exports = {\n  output: \"standalone\"\n}\n",
    "const nextConfig: NextConfig = { reactStrictMode: true, output: 'standalone' };\nexport default nextConfig;\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(TdNextConfig) config = inspect_ok (texts[i], "frontend/next.config.js");

      g_assert_true (config->is_standalone);
      g_assert_null (config->new_text);
      g_assert_null (config->diff);
    }
}

static void
test_commented_out_is_not_set (void)
{
  /* A commented-out line and a nested `output` do not count. */
  assert_fix ("module.exports = {\n"
              "  // output: 'standalone',\n"
              "  experimental: { output: 'x' },\n"
              "};\n",
              "frontend/next.config.js",
              "module.exports = {\n"
              "  output: 'standalone',\n"
              "  // output: 'standalone',\n"
              "  experimental: { output: 'x' },\n"
              "};\n");
}

static void
test_refusals (void)
{
  assert_refused ("module.exports = {\n  output: 'export',\n};\n", "already sets output: 'export'");
  assert_refused ("module.exports = { output: process.env.OUT }\n", "already sets output: process.env.OUT");
  assert_refused ("module.exports = (phase) => ({ reactStrictMode: true });\n", "the config is a function");
  assert_refused ("module.exports = function () { return {}; };\n", "the config is a function");
  assert_refused ("export default async () => ({});\n", "the config is a function");
  assert_refused ("export default nextConfig;\n", "not declared in the file");
  assert_refused ("const x = 1;\n", "has no module.exports");
  assert_refused ("module.exports = {\n  a: 1,\n", "never closed");
}

static void
test_diff (void)
{
  g_autoptr(TdNextConfig) config = inspect_ok ("// 1\n// 2\n// 3\n// 4\n"
                                               "module.exports = {\n"
                                               "  reactStrictMode: true,\n"
                                               "  a: 1,\n"
                                               "  b: 2,\n"
                                               "  c: 3,\n"
                                               "};\n",
                                               "frontend/next.config.js");

  g_assert_cmpstr (config->diff, ==,
                   "--- a/frontend/next.config.js\n"
                   "+++ b/frontend/next.config.js\n"
                   "@@ -3,6 +3,7 @@\n"
                   " // 3\n"
                   " // 4\n"
                   " module.exports = {\n"
                   "+  output: 'standalone',\n"
                   "   reactStrictMode: true,\n"
                   "   a: 1,\n"
                   "   b: 2,\n");
}

static void
test_unified_diff_replacement (void)
{
  g_autofree char *diff = td_next_config_unified_diff ("a\nb\nc\n", "a\nB\nc\n", "f");
  g_autofree char *same = td_next_config_unified_diff ("a\n", "a\n", "f");

  g_assert_cmpstr (diff, ==, "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
  g_assert_cmpstr (same, ==, "");
}

static void
write_file (const char *dir, const char *name, const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
}

static void
remove_file (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_assert_cmpint (g_remove (path), ==, 0);
}

static void
test_project (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *project = g_dir_make_tmp ("td-next-config-XXXXXX", &error);
  g_autofree char *frontend = g_build_filename (project, "frontend", NULL);
  g_autoptr(TdNextConfig) config = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (frontend, 0755), ==, 0);

  config = td_next_config_inspect_project (project, &error);
  g_assert_null (config);
  g_assert_error (error, TD_ERROR, TD_ERROR_NOT_FOUND);
  g_clear_error (&error);

  write_file (frontend, "next.config.ts", "const nextConfig: NextConfig = {\n};\nexport default nextConfig;\n");
  config = td_next_config_inspect_project (project, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (config->display_name, ==, "frontend/next.config.ts");
  g_assert_true (g_str_has_suffix (config->path, "frontend/next.config.ts"));
  g_assert_false (config->is_standalone);
  g_assert_nonnull (strstr (config->diff, "+++ b/frontend/next.config.ts\n"));
  g_clear_pointer (&config, td_next_config_free);

  /* next.config.js comes first, as Next.js loads it first. */
  write_file (frontend, "next.config.js", "module.exports = { output: 'standalone' }\n");
  config = td_next_config_inspect_project (project, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (config->display_name, ==, "frontend/next.config.js");
  g_assert_true (config->is_standalone);

  remove_file (frontend, "next.config.js");
  remove_file (frontend, "next.config.ts");
  g_assert_cmpint (g_rmdir (frontend), ==, 0);
  g_assert_cmpint (g_rmdir (project), ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/next-config/module-exports", test_module_exports);
  g_test_add_func ("/next-config/const-export-default", test_const_then_export_default);
  g_test_add_func ("/next-config/typescript", test_typescript);
  g_test_add_func ("/next-config/export-default-object-and-wrapper", test_export_default_object_and_wrapper);
  g_test_add_func ("/next-config/already-standalone", test_already_standalone);
  g_test_add_func ("/next-config/commented-out", test_commented_out_is_not_set);
  g_test_add_func ("/next-config/refusals", test_refusals);
  g_test_add_func ("/next-config/diff", test_diff);
  g_test_add_func ("/next-config/unified-diff-replacement", test_unified_diff_replacement);
  g_test_add_func ("/next-config/project", test_project);
  return g_test_run ();
}
