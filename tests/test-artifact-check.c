/* test-artifact-check.c: Dockerfiles (T007, T011) and manifests (T016–T020) against the bundled
 * plan's contracts — the bundled references pass, each broken variant gives its own finding. */
#include <string.h>

#include "td-artifact-check.h"
#include "td-error.h"
#include "td-plan.h"

static TdPlan *plan;

static const TdYamlNode *
contract_of (const char *task_id)
{
  TdTask *task = td_plan_lookup_task (plan, task_id);

  g_assert_nonnull (task);
  g_assert_nonnull (td_task_get_contract (task));
  return td_task_get_contract (task);
}

static char *
read_text (const char *first_part, ...)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  char *text = NULL;
  va_list args;

  va_start (args, first_part);
  path = g_build_filename_valist (first_part, &args);
  va_end (args);
  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  return text;
}

static GPtrArray *
check_text (const char *task_id, const char *text)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *findings = td_artifact_check (contract_of (task_id), text, -1, "artifact", &error);

  g_assert_no_error (error);
  g_assert_nonnull (findings);
  return findings;
}

static GPtrArray *
check_fixture (const char *task_id, const char *name)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "fixtures", "dockerfiles", NULL);
  g_autofree char *text = read_text (dir, name, NULL);

  return check_text (task_id, text);
}

static void
dump (GPtrArray *findings)
{
  for (guint i = 0; i < findings->len; i++)
    {
      g_autofree char *line = td_artifact_finding_format (g_ptr_array_index (findings, i));

      g_test_message ("%s", line);
    }
}

/* The one finding whose message contains @part; fails when there is none. */
static const TdArtifactFinding *
find (GPtrArray *findings, TdArtifactSeverity severity, const char *part)
{
  for (guint i = 0; i < findings->len; i++)
    {
      const TdArtifactFinding *finding = g_ptr_array_index (findings, i);

      if (finding->severity == severity && strstr (finding->message, part) != NULL)
        return finding;
    }
  dump (findings);
  g_error ("no %s finding mentions “%s”", severity == TD_ARTIFACT_SEVERITY_ERROR ? "error" : "warning", part);
}

static void
assert_counts (GPtrArray *findings, guint errors, guint warnings)
{
  if (td_artifact_findings_count (findings, TD_ARTIFACT_SEVERITY_ERROR) != errors ||
      td_artifact_findings_count (findings, TD_ARTIFACT_SEVERITY_WARNING) != warnings)
    {
      dump (findings);
      g_error ("expected %u errors and %u warnings, got %u and %u", errors, warnings,
               td_artifact_findings_count (findings, TD_ARTIFACT_SEVERITY_ERROR),
               td_artifact_findings_count (findings, TD_ARTIFACT_SEVERITY_WARNING));
    }
}

/* ── Dockerfiles ─────────────────────────────────────────────────────────────────────────── */

static void
test_bundled_dockerfiles_pass (void)
{
  const char *tasks[] = { "T007", "T011" };
  const char *names[] = { "Dockerfile.backend", "Dockerfile.frontend" };

  for (guint i = 0; i < G_N_ELEMENTS (tasks); i++)
    {
      g_autofree char *docker = g_test_build_filename (G_TEST_DIST, "..", "docker", NULL);
      g_autofree char *text = read_text (docker, names[i], NULL);
      g_autoptr(GPtrArray) findings = check_text (tasks[i], text);

      assert_counts (findings, 0, 0);
    }
}

static void
test_variant_passes (void)
{
  /* Debian adduser, ENTRYPOINT + CMD, USER by uid, image with registry prefix. */
  g_autoptr(GPtrArray) findings = check_fixture ("T007", "backend-good-variant.Dockerfile");

  assert_counts (findings, 0, 0);
}

static void
test_backend_against_frontend_contract (void)
{
  g_autofree char *docker = g_test_build_filename (G_TEST_DIST, "..", "docker", NULL);
  g_autofree char *text = read_text (docker, "Dockerfile.backend", NULL);
  g_autoptr(GPtrArray) findings = check_text ("T011", text);

  g_assert_cmpuint (td_artifact_findings_count (findings, TD_ARTIFACT_SEVERITY_ERROR), >=, 5);
  find (findings, TD_ARTIFACT_SEVERITY_ERROR, "only 2 stages");
  find (findings, TD_ARTIFACT_SEVERITY_ERROR, "never creates the user nextjs");
}

static void
test_single_stage (void)
{
  g_autoptr(GPtrArray) findings = check_fixture ("T007", "backend-single-stage.Dockerfile");
  const TdArtifactFinding *finding = find (findings, TD_ARTIFACT_SEVERITY_ERROR, "single-stage build");

  g_assert_cmpstr (finding->expected, ==, "2 stages: builder, runtime");
  g_assert_cmpuint (finding->line, ==, 1);
  finding = find (findings, TD_ARTIFACT_SEVERITY_ERROR, "does not copy installed packages from stage “builder”");
  g_assert_cmpstr (finding->expected, ==, "COPY --from=builder of the installed packages");
  assert_counts (findings, 2, 0);
}

static void
test_root_user (void)
{
  g_autoptr(GPtrArray) findings = check_fixture ("T007", "backend-root.Dockerfile");
  const TdArtifactFinding *finding = find (findings, TD_ARTIFACT_SEVERITY_ERROR, "no USER in the final stage");

  g_assert_cmpstr (finding->expected, ==, "USER appuser");
  find (findings, TD_ARTIFACT_SEVERITY_ERROR, "never creates the user appuser");
  assert_counts (findings, 2, 0);
}

static void
test_user_created_not_switched (void)
{
  g_autoptr(GPtrArray) findings = check_fixture ("T007", "backend-user-not-switched.Dockerfile");
  const TdArtifactFinding *finding = find (findings, TD_ARTIFACT_SEVERITY_ERROR,
                                           "appuser is created but never switched to");

  g_assert_cmpstr (finding->expected, ==, "USER appuser");
  assert_counts (findings, 1, 0);
}

static void
test_user_back_to_root (void)
{
  g_autoptr(GPtrArray) findings = check_fixture ("T007", "backend-user-root-again.Dockerfile");
  const TdArtifactFinding *finding = find (findings, TD_ARTIFACT_SEVERITY_ERROR, "runs as root: USER root");

  g_assert_cmpuint (finding->line, ==, 25);
  assert_counts (findings, 1, 0);
}

static void
test_wrong_uid (void)
{
  g_autoptr(GPtrArray) findings = check_fixture ("T007", "backend-wrong-uid.Dockerfile");
  const TdArtifactFinding *finding = find (findings, TD_ARTIFACT_SEVERITY_ERROR, "appuser is created with uid 999");

  g_assert_cmpuint (finding->line, ==, 23);
  g_assert_nonnull (strstr (finding->expected, "uid 1000"));
  assert_counts (findings, 1, 0);
}

static void
test_wrong_port (void)
{
  g_autoptr(GPtrArray) findings = check_fixture ("T007", "backend-wrong-port.Dockerfile");
  const TdArtifactFinding *finding = find (findings, TD_ARTIFACT_SEVERITY_ERROR, "exposes 8080, not port 8000");

  g_assert_cmpstr (finding->expected, ==, "EXPOSE 8000");
  g_assert_cmpuint (finding->line, ==, 25);
  assert_counts (findings, 1, 0);
}

static void
test_no_cmd (void)
{
  g_autoptr(GPtrArray) findings = check_fixture ("T007", "backend-no-cmd.Dockerfile");
  const TdArtifactFinding *finding = find (findings, TD_ARTIFACT_SEVERITY_ERROR, "no CMD");

  g_assert_cmpstr (finding->expected, ==,
                   "CMD [\"uvicorn\", \"backend.main:app\", \"--host\", \"0.0.0.0\", \"--port\", \"8000\"]");
  assert_counts (findings, 1, 0);
}

static void
test_wrong_cmd (void)
{
  g_autoptr(GPtrArray) findings = check_fixture ("T007", "backend-wrong-cmd.Dockerfile");
  const TdArtifactFinding *finding = find (findings, TD_ARTIFACT_SEVERITY_ERROR,
                                           "starts “uvicorn backend.main:app --port 8000”");

  g_assert_cmpuint (finding->line, ==, 26);
  assert_counts (findings, 1, 0);
}

static void
test_shell_form_cmd_warns (void)
{
  g_autoptr(GPtrArray) findings = check_fixture ("T007", "backend-shell-cmd.Dockerfile");

  find (findings, TD_ARTIFACT_SEVERITY_WARNING, "shell form");
  assert_counts (findings, 0, 1);
}

static void
test_wrong_base_image (void)
{
  g_autoptr(GPtrArray) findings = check_fixture ("T007", "backend-wrong-base.Dockerfile");
  const TdArtifactFinding *finding = find (findings, TD_ARTIFACT_SEVERITY_ERROR,
                                           "stage “builder” is built FROM python:3.12-slim");

  g_assert_cmpstr (finding->expected, ==, "FROM python:3.11-slim");
  g_assert_cmpuint (finding->line, ==, 5);
  assert_counts (findings, 1, 0);
}

static void
test_missing_copy (void)
{
  g_autoptr(GPtrArray) findings = check_fixture ("T007", "backend-missing-copy.Dockerfile");
  const TdArtifactFinding *finding = find (findings, TD_ARTIFACT_SEVERITY_ERROR,
                                           "does not copy backend/ from the build context");

  g_assert_cmpstr (finding->expected, ==, "COPY backend/ ./backend/");
  assert_counts (findings, 1, 0);
}

static void
test_missing_copy_from_stage (void)
{
  g_autoptr(GPtrArray) findings = check_fixture ("T007", "backend-no-copy-from-builder.Dockerfile");

  find (findings, TD_ARTIFACT_SEVERITY_ERROR, "does not copy installed packages from stage “builder”");
  assert_counts (findings, 1, 0);
}

static void
test_node18_warns (void)
{
  g_autoptr(GPtrArray) findings = check_fixture ("T011", "frontend-node18.Dockerfile");
  const TdArtifactFinding *finding = find (findings, TD_ARTIFACT_SEVERITY_WARNING,
                                           "stage “runner” is built FROM node:18-alpine");

  g_assert_nonnull (strstr (finding->message, "end of life"));
  g_assert_cmpstr (finding->expected, ==, "FROM node:20-alpine");
  assert_counts (findings, 0, 3);
}

static void
test_frontend_group_missing (void)
{
  g_autoptr(GPtrArray) findings = check_fixture ("T011", "frontend-no-group.Dockerfile");

  find (findings, TD_ARTIFACT_SEVERITY_ERROR, "the group nodejs is never created");
  assert_counts (findings, 1, 0);
}

static void
test_frontend_env_and_copy_destination (void)
{
  g_autoptr(GPtrArray) env = check_fixture ("T011", "frontend-wrong-env.Dockerfile");
  g_autoptr(GPtrArray) copy = check_fixture ("T011", "frontend-static-elsewhere.Dockerfile");
  const TdArtifactFinding *finding;

  finding = find (env, TD_ARTIFACT_SEVERITY_ERROR, "sets PORT=8080");
  g_assert_cmpstr (finding->expected, ==, "ENV PORT=3000");
  assert_counts (env, 1, 0);

  finding = find (copy, TD_ARTIFACT_SEVERITY_ERROR, "copies .next/static to /app/static");
  g_assert_cmpuint (finding->line, ==, 32);
  assert_counts (copy, 1, 0);
}

static void
test_build_stage_requirements (void)
{
  /* The builder's ENV, the deps stage's WORKDIR and npm ci, each removed in turn. */
  g_autofree char *docker = g_test_build_filename (G_TEST_DIST, "..", "docker", NULL);
  g_autofree char *good = read_text (docker, "Dockerfile.frontend", NULL);
  const struct { const char *old; const char *new; const char *finding; } cases[] = {
    { "ENV NEXT_TELEMETRY_DISABLED=1\n", "", "stage “builder” does not set NEXT_TELEMETRY_DISABLED" },
    { "RUN npm ci\n", "RUN npm install\n", "stage “deps” never runs “npm ci”" },
    { "FROM node:20-alpine AS deps\nWORKDIR /app\n", "FROM node:20-alpine AS deps\nWORKDIR /srv\n",
      "stage “deps” never works in /app" },
    { "COPY --from=deps /app/node_modules ./node_modules\n", "COPY node_modules ./node_modules\n",
      "does not copy node_modules from stage “deps”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) text = g_string_new (good);
      g_autoptr(GPtrArray) findings = NULL;

      g_assert_cmpuint (g_string_replace (text, cases[i].old, cases[i].new, 1), ==, 1);
      findings = check_text ("T011", text->str);
      find (findings, TD_ARTIFACT_SEVERITY_ERROR, cases[i].finding);
      assert_counts (findings, 1, 0);
    }
}

static void
test_unparseable_and_unknown_type (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) findings = td_artifact_check (contract_of ("T007"), "FROM python\nRUNN x\n",
                                                     -1, "Dockerfile.backend", &error);
  g_autoptr(TdYamlNode) bogus = td_yaml_parse ("type: helm-chart\n", -1, "c", NULL);

  g_assert_null (findings);
  g_assert_error (error, TD_ERROR, TD_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "Dockerfile.backend:2"));
  g_clear_error (&error);

  findings = td_artifact_check (bogus, "x", -1, "x", &error);
  g_assert_null (findings);
  g_assert_error (error, TD_ERROR, TD_ERROR_INVALID);
}

static void
test_format (void)
{
  TdArtifactFinding finding = { TD_ARTIFACT_SEVERITY_ERROR, (char *) "no CMD", (char *) "CMD [\"x\"]", 4 };
  g_autofree char *with_line = td_artifact_finding_format (&finding);
  g_autofree char *warning = NULL;

  g_assert_cmpstr (with_line, ==, "error: line 4: no CMD (the seed asks for CMD [\"x\"])");
  finding.severity = TD_ARTIFACT_SEVERITY_WARNING;
  finding.line = 0;
  finding.expected = NULL;
  warning = td_artifact_finding_format (&finding);
  g_assert_cmpstr (warning, ==, "warning: no CMD");
}

/* ── Manifests ───────────────────────────────────────────────────────────────────────────── */

static char *
manifest_fixture (const char *name)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "fixtures", "manifests", NULL);

  return read_text (dir, name, NULL);
}

static void
test_manifests_pass (void)
{
  const char *tasks[] = { "T016", "T017", "T018", "T019", "T020" };
  const char *names[] = { "backend-deployment.yaml", "backend-service.yaml", "frontend-deployment.yaml",
                          "frontend-service.yaml", "configmap.yaml" };

  for (guint i = 0; i < G_N_ELEMENTS (tasks); i++)
    {
      g_autofree char *text = manifest_fixture (names[i]);
      g_autoptr(GPtrArray) findings = check_text (tasks[i], text);

      assert_counts (findings, 0, 0);
    }
}

/* The fixture @name with @old replaced by @new gives exactly one error, which mentions @part. */
static void
assert_manifest_error (const char *task_id, const char *name, const char *old, const char *new,
                       const char *part, const char *expected)
{
  g_autofree char *good = manifest_fixture (name);
  g_autoptr(GString) text = g_string_new (good);
  g_autoptr(GPtrArray) findings = NULL;
  const TdArtifactFinding *finding;

  g_assert_cmpuint (g_string_replace (text, old, new, 1), ==, 1);
  findings = check_text (task_id, text->str);
  finding = find (findings, TD_ARTIFACT_SEVERITY_ERROR, part);
  g_assert_cmpstr (finding->expected, ==, expected);
  g_assert_cmpuint (finding->line, >, 0);
  assert_counts (findings, 1, 0);
}

static void
test_deployment_errors (void)
{
  assert_manifest_error ("T016", "backend-deployment.yaml", "          imagePullPolicy: Never\n", "",
                         "imagePullPolicy is not set", "imagePullPolicy: Never");
  assert_manifest_error ("T016", "backend-deployment.yaml", "imagePullPolicy: Never", "imagePullPolicy: Always",
                         "imagePullPolicy is Always", "imagePullPolicy: Never");
  assert_manifest_error ("T016", "backend-deployment.yaml", "replicas: 2", "replicas: 1",
                         "spec.replicas is 1", "spec.replicas: 2");
  assert_manifest_error ("T016", "backend-deployment.yaml", "image: todo-backend:latest", "image: todo-backend:v2",
                         "runs the image todo-backend:v2", "image: todo-backend:latest");
  assert_manifest_error ("T018", "frontend-deployment.yaml", "containerPort: 3000", "containerPort: 8080",
                         "does not declare containerPort 3000", "containerPort: 3000");
  assert_manifest_error ("T016", "backend-deployment.yaml", "name: todo-backend-secret", "name: backend-env",
                         "does not take its environment from secretRef todo-backend-secret",
                         "envFrom: - secretRef: {name: todo-backend-secret}");
  assert_manifest_error ("T016", "backend-deployment.yaml", "cpu: \"0.5\"", "cpu: \"1\"",
                         "resources.limits.cpu is 1", "resources.limits.cpu: 500m");
  assert_manifest_error ("T016", "backend-deployment.yaml", "            periodSeconds: 30\n", "",
                         "livenessProbe.periodSeconds is not set", "livenessProbe.periodSeconds: 30");
  assert_manifest_error ("T016", "backend-deployment.yaml", "path: /health\n              port: 8000",
                         "path: /healthz\n              port: 8000",
                         "readinessProbe.httpGet.path is /healthz", "readinessProbe.httpGet.path: /health");
  assert_manifest_error ("T016", "backend-deployment.yaml", "apiVersion: apps/v1", "apiVersion: extensions/v1beta1",
                         "apiVersion is extensions/v1beta1", "apiVersion: apps/v1");
  assert_manifest_error ("T016", "backend-deployment.yaml", "  namespace: default", "  namespace: todo",
                         "metadata.namespace is todo", "metadata.namespace: default");
  /* Pods without the selector's labels: Kubernetes would reject the Deployment. */
  assert_manifest_error ("T018", "frontend-deployment.yaml", "      labels:\n        app: todo-frontend\n    spec:",
                         "      labels:\n        app: frontend\n    spec:",
                         "spec.template.metadata.labels has app: frontend",
                         "spec.template.metadata.labels: {app: todo-frontend}");
  assert_manifest_error ("T018", "frontend-deployment.yaml", "        - configMapRef:", "        - secretRef:",
                         "configMapRef todo-frontend-config", "envFrom: - configMapRef: {name: todo-frontend-config}");
}

static void
test_deployment_missing_probe (void)
{
  g_autofree char *good = manifest_fixture ("frontend-deployment.yaml");
  g_autoptr(GString) text = g_string_new (good);
  g_autoptr(GPtrArray) findings = NULL;
  const char *probe = strstr (good, "        readinessProbe:");

  g_assert_nonnull (probe);
  g_string_truncate (text, probe - good);
  findings = check_text ("T018", text->str);
  find (findings, TD_ARTIFACT_SEVERITY_ERROR, "the container has no readinessProbe");
  assert_counts (findings, 1, 0);
}

static void
test_service_and_configmap_errors (void)
{
  assert_manifest_error ("T019", "frontend-service.yaml", "type: NodePort", "type: LoadBalancer",
                         "spec.type is LoadBalancer", "spec.type: NodePort");
  assert_manifest_error ("T019", "frontend-service.yaml", "      nodePort: 30080\n", "",
                         "nodePort is not set", "nodePort: 30080");
  assert_manifest_error ("T019", "frontend-service.yaml", "targetPort: 3000", "targetPort: 80",
                         "targetPort is 80", "targetPort: 3000");
  assert_manifest_error ("T019", "frontend-service.yaml", "- port: 3000", "- port: 80",
                         "the Service has no port 3000", "port 3000 in spec.ports");
  assert_manifest_error ("T017", "backend-service.yaml", "    app: todo-backend", "    app: backend",
                         "spec.selector has app: backend", "spec.selector: {app: todo-backend}");
  assert_manifest_error ("T017", "backend-service.yaml", "spec:\n", "spec:\n  type: NodePort\n",
                         "spec.type is NodePort", "spec.type: ClusterIP");
  assert_manifest_error ("T020", "configmap.yaml", "http://todo-backend:8000", "http://localhost:8000",
                         "data.NEXT_PUBLIC_API_URL is http://localhost:8000",
                         "data.NEXT_PUBLIC_API_URL: http://todo-backend:8000");
  assert_manifest_error ("T020", "configmap.yaml", "name: todo-frontend-config", "name: frontend-config",
                         "metadata.name is frontend-config", "metadata.name: todo-frontend-config");
  assert_manifest_error ("T020", "configmap.yaml", "kind: ConfigMap", "kind: Secret",
                         "the manifest is a Secret", "kind: ConfigMap");
}

static void
test_manifest_not_one_object (void)
{
  g_autofree char *good = manifest_fixture ("configmap.yaml");
  g_autofree char *twice = g_strconcat (good, "---\n", good, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) findings = td_artifact_check (contract_of ("T020"), twice, -1, "configmap.yaml", &error);

  g_assert_null (findings);
  g_assert_error (error, TD_ERROR, TD_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "found 2 documents"));
  g_clear_error (&error);

  findings = td_artifact_check (contract_of ("T020"), "- a\n- b\n", -1, "configmap.yaml", &error);
  g_assert_null (findings);
  g_assert_error (error, TD_ERROR, TD_ERROR_PARSE);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  plan = td_plan_new_default (&error);
  g_assert_no_error (error);

  g_test_add_func ("/artifact-check/dockerfile/bundled-pass", test_bundled_dockerfiles_pass);
  g_test_add_func ("/artifact-check/dockerfile/variant-passes", test_variant_passes);
  g_test_add_func ("/artifact-check/dockerfile/wrong-contract", test_backend_against_frontend_contract);
  g_test_add_func ("/artifact-check/dockerfile/single-stage", test_single_stage);
  g_test_add_func ("/artifact-check/dockerfile/root-user", test_root_user);
  g_test_add_func ("/artifact-check/dockerfile/user-not-switched", test_user_created_not_switched);
  g_test_add_func ("/artifact-check/dockerfile/user-back-to-root", test_user_back_to_root);
  g_test_add_func ("/artifact-check/dockerfile/wrong-uid", test_wrong_uid);
  g_test_add_func ("/artifact-check/dockerfile/wrong-port", test_wrong_port);
  g_test_add_func ("/artifact-check/dockerfile/no-cmd", test_no_cmd);
  g_test_add_func ("/artifact-check/dockerfile/wrong-cmd", test_wrong_cmd);
  g_test_add_func ("/artifact-check/dockerfile/shell-form-cmd", test_shell_form_cmd_warns);
  g_test_add_func ("/artifact-check/dockerfile/wrong-base", test_wrong_base_image);
  g_test_add_func ("/artifact-check/dockerfile/missing-copy", test_missing_copy);
  g_test_add_func ("/artifact-check/dockerfile/missing-copy-from-stage", test_missing_copy_from_stage);
  g_test_add_func ("/artifact-check/dockerfile/node18-warns", test_node18_warns);
  g_test_add_func ("/artifact-check/dockerfile/group-missing", test_frontend_group_missing);
  g_test_add_func ("/artifact-check/dockerfile/env-and-copy-destination", test_frontend_env_and_copy_destination);
  g_test_add_func ("/artifact-check/dockerfile/build-stage-requirements", test_build_stage_requirements);
  g_test_add_func ("/artifact-check/manifest/pass", test_manifests_pass);
  g_test_add_func ("/artifact-check/manifest/deployment-errors", test_deployment_errors);
  g_test_add_func ("/artifact-check/manifest/deployment-missing-probe", test_deployment_missing_probe);
  g_test_add_func ("/artifact-check/manifest/service-and-configmap-errors", test_service_and_configmap_errors);
  g_test_add_func ("/artifact-check/manifest/not-one-object", test_manifest_not_one_object);
  g_test_add_func ("/artifact-check/unparseable", test_unparseable_and_unknown_type);
  g_test_add_func ("/artifact-check/format", test_format);

  status = g_test_run ();
  g_clear_object (&plan);
  return status;
}
