/* test-manifests-page.c: the Manifests page end to end against the fake kubectl-ai: all five
 * prompts at once, review, Accept (templated), the gate (real helm lint when build-aux/install-deps
 * fetched it), T021's audit lines; the bundled references; RunOnce; no manifest; no kubectl-ai */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "fake-tools-util.h"
#include "td-application.h"
#include "td-audit-log.h"
#include "td-manifests-page.h"
#include "td-window.h"

static const char * const task_ids[] = { "T016", "T017", "T018", "T019", "T020" };
static const char * const files[] = { "backend-deployment.yaml", "backend-service.yaml", "frontend-deployment.yaml",
                                      "frontend-service.yaml", "configmap.yaml" };

typedef struct {
  FakeTools    *fake;
  char         *project;
  TdPlan       *plan;
  TdDeployment *deployment;
  TdPreflight  *preflight;
  GtkWidget    *window;
  gboolean      real_helm;
} Fixture;

static void
got_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static char *
real_helm_path (void)
{
  char *path = g_test_build_filename (G_TEST_DIST, "..", "_deps", "bin", "helm", NULL);

  if (!g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
    g_clear_pointer (&path, g_free);
  return path;
}

static void
write_file (const char *dir, const char *name, const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

static char *
read_file (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, NULL);
  return text;
}

static char *
bundled (const char *name)
{
  g_autoptr(GBytes) bytes = td_deployment_lookup_bundled (name, NULL);

  g_assert_nonnull (bytes);
  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

/* A project after the Setup phase: Chart.yaml, helm create's values.yaml, an empty templates/.
 * @with_kubectl_ai: whether kubectl-ai is on PATH; @use_real_helm: link _deps/bin/helm as helm. */
static void
fixture_set_up (Fixture *f, const char * const *settings, gboolean with_kubectl_ai, gboolean use_real_helm)
{
  const char *with[] = { "kubectl-ai", NULL };
  const char *fake_helm[] = { "kubectl-ai", "helm", NULL };
  const char *without[] = { "helm", NULL };
  g_autofree char *helm = use_real_helm ? real_helm_path () : NULL;
  g_autofree char *chart_yaml = bundled ("charts/todo-app/Chart.yaml");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  f->real_helm = helm != NULL;
  f->fake = fake_tools_new (!with_kubectl_ai ? without : f->real_helm ? with : fake_helm, settings);
  if (f->real_helm)
    {
      g_autofree char *link = g_build_filename (f->fake->bin_dir, "helm", NULL);

      g_assert_cmpint (symlink (helm, link), ==, 0);
    }
  f->project = g_dir_make_tmp ("td-manifests-page-XXXXXX", NULL);
  write_file (f->project, "charts/todo-app/Chart.yaml", chart_yaml);
  write_file (f->project, "charts/todo-app/values.yaml", "# helm create's values\nreplicaCount: 1\n");
  {
    g_autofree char *templates = g_build_filename (f->project, "charts", "todo-app", "templates", NULL);

    g_assert_cmpint (g_mkdir_with_parents (templates, 0755), ==, 0);
  }
  f->plan = td_plan_new_default (&error);
  g_assert_no_error (error);
  f->deployment = td_deployment_new (f->plan, f->fake->runner, f->project);
  f->preflight = td_preflight_new (f->fake->runner);
  td_phase_set_state (td_plan_lookup_phase (f->plan, "manifests"), TD_PHASE_STATE_READY);

  td_preflight_run_async (f->preflight, NULL, NULL, got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  td_preflight_run_finish (f->preflight, result, NULL);
}

static void
fixture_tear_down (Fixture *f)
{
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  f->window = NULL;
  g_clear_object (&f->preflight);
  g_clear_object (&f->deployment);
  g_clear_object (&f->plan);
  fake_tools_remove_tree (f->project);
  g_free (f->project);
  g_clear_pointer (&f->fake, fake_tools_free);
}

static TdManifestsPage *
make_page (Fixture *f)
{
  TdPhase *phase = td_plan_lookup_phase (f->plan, "manifests");
  GtkWidget *page;

  g_assert_true (td_manifests_page_handles_phase (phase));
  g_assert_false (td_manifests_page_handles_phase (td_plan_lookup_phase (f->plan, "deploy")));
  page = td_manifests_page_new (phase, f->preflight);
  td_wizard_page_set_deployment (TD_WIZARD_PAGE (page), f->deployment);
  f->window = adw_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1000, 1300);
  adw_window_set_content (ADW_WINDOW (f->window), page);
  gtk_window_present (GTK_WINDOW (f->window));
  return TD_MANIFESTS_PAGE (page);
}

/* ---- looking at the page -------------------------------------------------------------------------- */

/* The button bound to @action for @task_id (NULL target: an action without one). */
static GtkWidget *
find_button (GtkWidget *widget, const char *action, const char *task_id)
{
  const char *name = GTK_IS_ACTIONABLE (widget) ? gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)) : NULL;

  /* Section buttons say which action and task they stand for; the gate button is actionable. */
  if (GTK_IS_BUTTON (widget) &&
      g_strcmp0 (name != NULL ? name : g_object_get_data (G_OBJECT (widget), "action"), action) == 0 &&
      (task_id == NULL || g_strcmp0 (g_object_get_data (G_OBJECT (widget), "task"), task_id) == 0))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, action, task_id);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
sensitive (TdManifestsPage *page, const char *action, const char *task_id)
{
  GtkWidget *button = find_button (GTK_WIDGET (page), action, task_id);

  g_assert_nonnull (button);
  return gtk_widget_get_sensitive (button);
}

/* Clicks the button, as a person would (it must be sensitive). */
static void
click (TdManifestsPage *page, const char *action, const char *task_id)
{
  GtkWidget *button = find_button (GTK_WIDGET (page), action, task_id);

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static GtkWidget *
find_editable_text_view (GtkWidget *widget)
{
  if (GTK_IS_TEXT_VIEW (widget) && gtk_text_view_get_editable (GTK_TEXT_VIEW (widget)))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_editable_text_view (child);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The prompt of @task_id's section: the one editable text in its group. */
static GtkTextBuffer *
prompt_buffer (TdManifestsPage *page, const char *task_id)
{
  GtkWidget *reset = find_button (GTK_WIDGET (page), "manifests.reset-prompt", task_id);
  GtkWidget *view = find_editable_text_view (gtk_widget_get_ancestor (reset, ADW_TYPE_PREFERENCES_GROUP));

  g_assert_nonnull (view);
  return gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
}

/* Visible labels whose text contains @part. */
static guint
count_labels (GtkWidget *widget, const char *part)
{
  guint n = GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget) &&
            strstr (gtk_label_get_label (GTK_LABEL (widget)), part) != NULL;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    n += count_labels (child, part);
  return n;
}

static gboolean
deadline_passed (gpointer flag)
{
  *(gboolean *) flag = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until the page is idle; the deadline only keeps a hang from stalling the suite. */
static void
wait_idle (TdManifestsPage *page)
{
  gboolean late = FALSE;
  guint id = g_timeout_add_seconds (60, deadline_passed, &late);

  while (td_manifests_page_get_busy (page) && !late)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (late);
  g_source_remove (id);
}

static GStrv
audit_lines (Fixture *f)
{
  g_autofree char *text = read_file (f->project, "phase-iv-audit.log");
  g_auto(GStrv) lines = g_strsplit (text ? text : "", "\n", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] == '[')
      g_strv_builder_add (builder, lines[i]);
  return g_strv_builder_end (builder);
}

static void
check_gate (Fixture *f, TdManifestsPage *page)
{
  click (page, "manifests.check-gate", NULL);
  g_assert_true (td_manifests_page_get_busy (page));
  wait_idle (page);
}

/* ---- kubectl-ai, all five at once ----------------------------------------------------------------- */

static void
test_kubectl_ai_end_to_end (void)
{
  Fixture f = { 0 };
  TdManifestsPage *page;
  g_autofree char *log = NULL;
  g_autofree char *values = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) again = NULL;

  fixture_set_up (&f, NULL, TRUE, TRUE);
  page = make_page (&f);
  if (!f.real_helm)
    g_test_message ("_deps/bin/helm is missing: the gate runs the fake helm lint (run build-aux/install-deps)");

  /* Each prompt is on the page word for word, with the visible suffix. */
  g_assert_cmpuint (count_labels (GTK_WIDGET (page), TD_MANIFESTS_PROMPT_SUFFIX), ==, 5);
  /* Reset puts the seed's prompt back after an edit. */
  {
    GtkTextBuffer *buffer = prompt_buffer (page, "T017");
    g_autofree char *text = NULL;

    gtk_text_buffer_set_text (buffer, "something else", -1);
    click (page, "manifests.reset-prompt", "T017");
    g_object_get (buffer, "text", &text, NULL);
    g_assert_cmpstr (text, ==, td_task_get_prompt (td_plan_lookup_task (f.plan, "T017")));
  }
  /* An edited prompt is sent as edited. */
  {
    GtkTextBuffer *buffer = prompt_buffer (page, "T018");
    g_autofree char *edited = g_strdup_printf ("%s\nKeep it short.", td_task_get_prompt (td_plan_lookup_task (f.plan, "T018")));

    gtk_text_buffer_set_text (buffer, edited, -1);
  }
  for (guint i = 0; i < G_N_ELEMENTS (task_ids); i++)
    {
      g_assert_true (sensitive (page, "manifests.run", task_ids[i]));
      g_assert_false (sensitive (page, "manifests.accept", task_ids[i]));
      click (page, "manifests.run", task_ids[i]);
    }
  /* All five run at the same time: every Run button now stops its own kubectl-ai. */
  for (guint i = 0; i < G_N_ELEMENTS (task_ids); i++)
    g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (find_button (GTK_WIDGET (page), "manifests.run", task_ids[i]))),
                     ==, "_Stop");
  g_assert_true (td_manifests_page_get_busy (page));
  wait_idle (page);

  /* Called as the rules say: --quiet, the prompt and the suffix, never --skip-permissions (the
   * fake would have failed on it, or on a readable stdin). */
  g_assert_true (g_file_get_contents (f.fake->log, &log, NULL, NULL));
  g_assert_null (strstr (log, "--skip-permissions"));
  for (guint i = 0; i < G_N_ELEMENTS (task_ids); i++)
    {
      const char *prompt = td_task_get_prompt (td_plan_lookup_task (f.plan, task_ids[i]));
      g_autofree char *call = g_strdup_printf ("kubectl-ai --quiet %s%s\n\n%s\n", prompt,
                                               g_str_equal (task_ids[i], "T018") ? "\nKeep it short." : "",
                                               TD_MANIFESTS_PROMPT_SUFFIX);
      g_autofree char *fixture_path = g_test_build_filename (G_TEST_DIST, "fixtures", "kubectl-ai", files[i], NULL);
      g_autofree char *expected = NULL;

      g_assert_nonnull (strstr (log, call));
      g_assert_true (g_file_get_contents (fixture_path, &expected, NULL, NULL));
      g_assert_cmpstr (td_manifests_page_get_candidate (page, task_ids[i]), ==, expected);
      g_assert_cmpint (td_manifests_page_get_candidate_source (page, task_ids[i]), ==, TD_MANIFEST_SOURCE_KUBECTL_AI);
      g_assert_true (sensitive (page, "manifests.accept", task_ids[i]));
    }
  g_assert_cmpuint (count_labels (GTK_WIDGET (page), "Extracted the manifest from kubectl-ai’s output (indented block)."), ==, 5);
  g_assert_cmpuint (count_labels (GTK_WIDGET (page), "Meets the seed’s contract"), ==, 5);

  /* Before Accept, the gate fails: the templates directory is empty. */
  check_gate (&f, page);
  g_assert_cmpint (td_phase_get_state (td_plan_lookup_phase (f.plan, "manifests")), !=, TD_PHASE_STATE_PASSED);
  lines = audit_lines (&f);
  g_assert_cmpuint (g_strv_length (lines), ==, 0);
  g_clear_pointer (&lines, g_strfreev);

  for (guint i = 0; i < G_N_ELEMENTS (task_ids); i++)
    {
      g_autofree char *relative = g_strdup_printf ("charts/todo-app/templates/%s", files[i]);
      g_autofree char *written = NULL;

      click (page, "manifests.accept", task_ids[i]);
      written = read_file (f.project, relative);
      g_assert_nonnull (written);
      /* Templated: values.yaml governs the release. */
      g_assert_nonnull (strstr (written, "{{ .Values."));
    }
  {
    g_autofree char *deployment = read_file (f.project, "charts/todo-app/templates/backend-deployment.yaml");

    g_assert_nonnull (strstr (deployment, "image: \"{{ .Values.backend.image }}:{{ .Values.backend.tag }}\""));
  }
  /* helm create's values.yaml had none of the values the templates use: it now has the seed's. */
  values = read_file (f.project, "charts/todo-app/values.yaml");
  g_assert_nonnull (strstr (values, "backendSecretName: todo-backend-secret"));

  check_gate (&f, page);
  g_assert_cmpint (td_phase_get_state (td_plan_lookup_phase (f.plan, "manifests")), ==, TD_PHASE_STATE_PASSED);
  g_assert_true (td_wizard_page_get_complete (TD_WIZARD_PAGE (page)));
  lines = audit_lines (&f);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);
  for (guint i = 0; i < G_N_ELEMENTS (task_ids); i++)
    {
      const TdTaskAuditEntry *entry = td_task_get_audit_entry (td_plan_lookup_task (f.plan, "T021"), i);
      const char *seed = td_task_get_prompt (td_plan_lookup_task (f.plan, task_ids[i]));
      g_autofree char *edited = g_strdup_printf ("%s\nKeep it short.", seed);
      /* The seed's summary for a seed's prompt; for T018's edited one, what was really asked. */
      gboolean was_edited = g_strcmp0 (task_ids[i], "T018") == 0;
      g_autofree char *prompt = was_edited ? td_audit_log_describe_prompt (entry->prompt, seed, edited)
                                           : g_strdup (entry->prompt);
      g_autofree char *expected = NULL;

      g_assert_cmpstr (entry->about, ==, task_ids[i]);
      if (was_edited)
        g_assert_nonnull (strstr (prompt, "(edited from the seed's prompt)"));
      expected = g_strdup_printf ("] [KUBECTL-AI] prompt=\"%s\" result=\"%s\"", prompt, entry->result);
      g_assert_true (g_str_has_suffix (lines[i], expected));
    }
  /* Checking again does not log the same work twice. */
  check_gate (&f, page);
  again = audit_lines (&f);
  g_assert_cmpuint (g_strv_length (again), ==, 5);

  /* The real helm renders the accepted templates: without the values they name, lint fails. */
  if (f.real_helm)
    {
      write_file (f.project, "charts/todo-app/values.yaml", "backend: {}\n");
      check_gate (&f, page);
      g_assert_cmpint (td_phase_get_state (td_plan_lookup_phase (f.plan, "manifests")), !=, TD_PHASE_STATE_PASSED);
      g_assert_cmpuint (count_labels (GTK_WIDGET (page), "helm lint found a problem"), ==, 1);
    }
  else
    g_test_skip ("_deps/bin/helm is missing: the gate's helm lint was the fake's (run build-aux/install-deps)");
  fixture_tear_down (&f);
}

/* ---- the bundled references, with kubectl-ai missing --------------------------------------------- */

static void
test_bundled_without_kubectl_ai (void)
{
  Fixture f = { 0 };
  TdManifestsPage *page;
  g_auto(GStrv) lines = NULL;

  fixture_set_up (&f, NULL, FALSE, FALSE);
  page = make_page (&f);
  g_assert_cmpuint (count_labels (GTK_WIDGET (page), "kubectl-ai is not available here"), ==, 1);
  for (guint i = 0; i < G_N_ELEMENTS (task_ids); i++)
    {
      g_autofree char *reference_name = g_strdup_printf ("charts/todo-app/templates/%s", files[i]);
      g_autofree char *reference = bundled (reference_name);
      g_autofree char *written = NULL;

      g_assert_false (sensitive (page, "manifests.run", task_ids[i]));
      click (page, "manifests.use-bundled", task_ids[i]);
      g_assert_cmpstr (td_manifests_page_get_candidate (page, task_ids[i]), ==, reference);
      g_assert_cmpint (td_manifests_page_get_candidate_source (page, task_ids[i]), ==, TD_MANIFEST_SOURCE_BUNDLED);
      click (page, "manifests.accept", task_ids[i]);
      /* The reference is a template already: written as it is. */
      written = read_file (f.project, reference_name);
      g_assert_cmpstr (written, ==, reference);
    }
  g_assert_cmpuint (count_labels (GTK_WIDGET (page), "shipped with Todo Deploy, not agent output"), ==, 5);
  /* Choosing again says that Accept would replace the chart's file. */
  click (page, "manifests.use-bundled", "T020");
  g_assert_cmpuint (count_labels (GTK_WIDGET (page), "The chart already has a configmap.yaml: Accept replaces it."), ==, 1);

  check_gate (&f, page);
  g_assert_cmpint (td_phase_get_state (td_plan_lookup_phase (f.plan, "manifests")), ==, TD_PHASE_STATE_PASSED);
  lines = audit_lines (&f);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);
  for (guint i = 0; i < G_N_ELEMENTS (task_ids); i++)
    {
      g_autofree char *expected = g_strdup_printf ("[BUNDLED-KUBECTL-AI] prompt=\"%s\" result=\"bundled reference used (no agent ran): %s from Todo Deploy's bundled chart\"",
                                                   td_task_get_audit_entry (td_plan_lookup_task (f.plan, "T021"), i)->prompt,
                                                   files[i]);

      g_assert_nonnull (strstr (lines[i], expected));
    }
  fixture_tear_down (&f);
}

/* ---- RunOnce refusal, and answers without a manifest ------------------------------------------------ */

static void
test_runonce (void)
{
  const char *settings[] = { "FAKE_KUBECTL_AI_MODE=runonce", NULL };
  Fixture f = { 0 };
  TdManifestsPage *page;

  fixture_set_up (&f, settings, TRUE, FALSE);
  page = make_page (&f);
  click (page, "manifests.run", "T019");
  wait_idle (page);
  g_assert_cmpint (td_manifests_page_get_candidate_source (page, "T019"), ==, TD_MANIFEST_SOURCE_KUBECTL_AI);
  g_assert_nonnull (strstr (td_manifests_page_get_candidate (page, "T019"), "nodePort: 30080"));
  g_assert_cmpuint (count_labels (GTK_WIDGET (page), "(heredoc in the commands awaiting approval). kubectl-ai exited with status 1"), ==, 1);
  g_assert_true (sensitive (page, "manifests.accept", "T019"));
  g_assert_null (td_manifests_page_get_candidate (page, "T016"));
  fixture_tear_down (&f);
}

static void
test_no_manifest (gconstpointer data)
{
  const char *mode = data;
  g_autofree char *setting = g_strdup_printf ("FAKE_KUBECTL_AI_MODE=%s", mode);
  const char *settings[] = { setting, NULL };
  Fixture f = { 0 };
  TdManifestsPage *page;

  fixture_set_up (&f, settings, TRUE, FALSE);
  page = make_page (&f);
  click (page, "manifests.run", "T016");
  wait_idle (page);
  g_assert_null (td_manifests_page_get_candidate (page, "T016"));
  g_assert_false (sensitive (page, "manifests.accept", "T016"));
  g_assert_true (sensitive (page, "manifests.run", "T016"));
  if (g_str_equal (mode, "maxiter"))
    g_assert_cmpuint (count_labels (GTK_WIDGET (page), "No manifest: kubectl-ai stopped at its maximum number of iterations"), ==, 1);
  else
    g_assert_cmpuint (count_labels (GTK_WIDGET (page), "kubectl-ai exited with status 1: Error: creating llm client: GEMINI_API_KEY"), ==, 1);
  fixture_tear_down (&f);
}

/* Stop ends a kubectl-ai that does not answer; the others are untouched. */
static void
test_stop (void)
{
  const char *settings[] = { "FAKE_KUBECTL_AI_MODE=hang", NULL };
  Fixture f = { 0 };
  TdManifestsPage *page;
  GtkWidget *button;

  fixture_set_up (&f, settings, TRUE, FALSE);
  page = make_page (&f);
  click (page, "manifests.run", "T020");
  button = find_button (GTK_WIDGET (page), "manifests.run", "T020");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "_Stop");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (find_button (GTK_WIDGET (page), "manifests.run", "T016"))),
                   ==, "_Run kubectl-ai");
  click (page, "manifests.run", "T020");
  wait_idle (page);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "_Run kubectl-ai");
  g_assert_cmpuint (count_labels (GTK_WIDGET (page), "Stopped: kubectl-ai was stopped before it answered."), ==, 1);
  g_assert_null (td_manifests_page_get_candidate (page, "T020"));
  fixture_tear_down (&f);
}

/* A manifest that breaks the contract cannot be accepted. */
static void
test_contract_error_blocks_accept (void)
{
  g_autofree char *dir = g_dir_make_tmp ("td-kubectl-ai-fixtures-XXXXXX", NULL);
  g_autofree char *setting = g_strdup_printf ("FAKE_KUBECTL_AI_FIXTURES=%s", dir);
  const char *settings[] = { setting, "FAKE_KUBECTL_AI_MODE=fenced", NULL };
  g_autofree char *good_path = g_test_build_filename (G_TEST_DIST, "fixtures", "kubectl-ai", "backend-deployment.yaml", NULL);
  g_autofree char *good = NULL;
  g_autofree char *bad = NULL;
  Fixture f = { 0 };
  TdManifestsPage *page;

  g_assert_true (g_file_get_contents (good_path, &good, NULL, NULL));
  {
    g_auto(GStrv) parts = g_strsplit (good, "imagePullPolicy: Never", -1);

    bad = g_strjoinv ("imagePullPolicy: Always", parts);
  }
  write_file (dir, "backend-deployment.yaml", bad);
  fixture_set_up (&f, settings, TRUE, FALSE);
  page = make_page (&f);
  click (page, "manifests.run", "T016");
  wait_idle (page);
  g_assert_cmpstr (td_manifests_page_get_candidate (page, "T016"), ==, bad);
  g_assert_false (sensitive (page, "manifests.accept", "T016"));
  g_assert_cmpuint (count_labels (GTK_WIDGET (page), "Accept is unavailable until the errors are gone"), ==, 1);
  fixture_tear_down (&f);
  fake_tools_remove_tree (dir);
}

static guint
count_of_type (GtkWidget *widget, GType type)
{
  guint n = G_TYPE_CHECK_INSTANCE_TYPE (widget, type);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    n += count_of_type (child, type);
  return n;
}

/* The window gives the Manifests phase this page, and no other phase. */
static void
test_window_uses_page (void)
{
  g_autoptr(TdApplication) app = td_application_new ();
  TdWindow *window;

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  window = td_window_new (app);
  g_assert_cmpuint (count_of_type (GTK_WIDGET (window), TD_TYPE_MANIFESTS_PAGE), ==, 1);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/manifests-page/window-uses-page", test_window_uses_page);
  g_test_add_func ("/manifests-page/kubectl-ai-end-to-end", test_kubectl_ai_end_to_end);
  g_test_add_func ("/manifests-page/bundled-without-kubectl-ai", test_bundled_without_kubectl_ai);
  g_test_add_func ("/manifests-page/runonce", test_runonce);
  g_test_add_func ("/manifests-page/stop", test_stop);
  g_test_add_data_func ("/manifests-page/no-manifest/maxiter", "maxiter", test_no_manifest);
  g_test_add_data_func ("/manifests-page/no-manifest/error", "error", test_no_manifest);
  g_test_add_func ("/manifests-page/contract-error-blocks-accept", test_contract_error_blocks_accept);
  return g_test_run ();
}
