/* test-deploy-page.c: the Helm Deploy phase's page: password rows for the keys .env lacks (and only
 * then), a typed value reaching the Secret, and a locked release explained and cleared after a
 * confirmation. Against the fake helm and the Kubernetes API double. */
#include <adwaita.h>
#include <string.h>

#include "fake-tools-util.h"
#include "kube-double/kd-server.h"
#include "td-phase-page.h"
#include "widget-test-util.h"

typedef struct {
  FakeTools    *fake;
  KdServer     *server;
  char         *project;
  TdPlan       *plan;
  TdPhase      *phase;
  TdDeployment *deployment;
  GtkWidget    *window;
  GtkWidget    *page;
} Fixture;

static void
fixture_set_up_with (Fixture *f, const char *dotenv)
{
  static const char * const tools[] = { "helm", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *env_path = NULL;
  g_autofree char *chart = NULL;

  f->fake = fake_tools_new (tools, NULL);
  f->server = kd_server_new (kd_scenario_new_empty (), NULL, &error);
  g_assert_no_error (error);
  f->project = g_dir_make_tmp ("td-deploy-page-XXXXXX", NULL);
  env_path = g_build_filename (f->project, ".env", NULL);
  g_assert_true (g_file_set_contents (env_path, dotenv, -1, NULL));
  chart = g_build_filename (f->project, "charts", "todo-app", NULL);
  g_assert_cmpint (g_mkdir_with_parents (chart, 0755), ==, 0);

  f->plan = td_plan_new_default (&error);
  g_assert_no_error (error);
  f->phase = td_plan_lookup_phase (f->plan, "deploy");
  td_phase_set_state (f->phase, TD_PHASE_STATE_READY);
  f->deployment = td_deployment_new (f->plan, f->fake->runner, f->project);
  td_deployment_set_kubeconfig_path (f->deployment, kd_server_get_kubeconfig_path (f->server));

  f->page = td_phase_page_new (f->phase);
  f->window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (f->window), f->page);
  gtk_window_present (GTK_WINDOW (f->window));
  td_wizard_page_set_deployment (TD_WIZARD_PAGE (f->page), f->deployment);
}

static void
fixture_set_up_missing (Fixture *f, gconstpointer data)
{
  fixture_set_up_with (f, "DATABASE_URL=postgresql://fake@db/x\nBETTER_AUTH_SECRET=fake-auth\n");
}

static void
fixture_set_up_complete (Fixture *f, gconstpointer data)
{
  fixture_set_up_with (f, "DATABASE_URL=postgresql://fake@db/x\nOPENAI_API_KEY=sk-fake\nBETTER_AUTH_SECRET=fake-auth\n");
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->deployment);
  g_clear_object (&f->plan);
  g_clear_pointer (&f->server, kd_server_free);
  fake_tools_remove_tree (f->project);
  g_free (f->project);
  g_clear_pointer (&f->fake, fake_tools_free);
}

static GPtrArray *
password_rows (Fixture *f)
{
  return widget_test_find_all_by_type (f->page, ADW_TYPE_PASSWORD_ENTRY_ROW);
}

static AdwActionRow *
find_row (Fixture *f, const char *title)
{
  g_autoptr(GPtrArray) rows = widget_test_find_all_by_type (f->page, ADW_TYPE_ACTION_ROW);

  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (adw_preferences_row_get_title (rows->pdata[i]), title) == 0)
      return rows->pdata[i];
  return NULL;
}

static gboolean
phase_settled (gpointer phase)
{
  return td_phase_get_state (phase) != TD_PHASE_STATE_READY && td_phase_get_state (phase) != TD_PHASE_STATE_RUNNING;
}

static void
wait_until_settled (Fixture *f)
{
  widget_test_wait_until (phase_settled, f->phase, "the Helm Deploy phase to pass or fail");
}

static gboolean
widget_shown (gpointer widget)
{
  return gtk_widget_get_visible (widget);
}

static gboolean
widget_hidden (gpointer widget)
{
  return !gtk_widget_get_visible (widget);
}

static void
test_password_rows_only_when_missing (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) rows = password_rows (f);

  g_assert_cmpuint (rows->len, ==, 0);
}

static void
test_typed_value_reaches_secret (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) rows = password_rows (f);
  g_autoptr(GPtrArray) after = NULL;
  JsonObject *secret;
  g_autofree guchar *decoded = NULL;
  gsize length = 0;

  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (adw_preferences_row_get_title (rows->pdata[0]), ==, "OPENAI_API_KEY");
  g_assert_true (gtk_widget_is_visible (rows->pdata[0]));

  gtk_editable_set_text (GTK_EDITABLE (rows->pdata[0]), "sk-typed-in-the-row");
  gtk_widget_activate_action (f->page, "phase.run", NULL);
  wait_until_settled (f);
  g_assert_cmpint (td_phase_get_state (f->phase), ==, TD_PHASE_STATE_PASSED);

  secret = kd_server_get_secret (f->server, "default", "todo-backend-secret");
  g_assert_nonnull (secret);
  decoded = g_base64_decode (json_object_get_string_member (json_object_get_object_member (secret, "data"),
                                                            "OPENAI_API_KEY"), &length);
  g_assert_cmpmem (decoded, length, "sk-typed-in-the-row", strlen ("sk-typed-in-the-row"));

  /* Every key is known now: the rows are gone. */
  after = password_rows (f);
  g_assert_cmpuint (after->len, ==, 0);
}

static void
test_lock_explained_and_cleared (Fixture *f, gconstpointer data)
{
  g_autofree char *status_file = g_build_filename (f->fake->state_dir, "helm-status-todo-app", NULL);
  g_autofree char *release_file = g_build_filename (f->fake->state_dir, "helm-release-todo-app", NULL);
  AdwActionRow *lock_row = find_row (f, "The Helm release is locked");
  AdwMessageDialog *dialog;
  g_autofree char *calls = NULL;

  g_assert_nonnull (lock_row);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (lock_row)));
  g_assert_true (g_file_set_contents (status_file, "pending-upgrade\n", -1, NULL));
  g_assert_true (g_file_set_contents (release_file, "2\n", -1, NULL));

  gtk_widget_activate_action (f->page, "phase.run", NULL);
  widget_test_wait_until (widget_shown, lock_row, "the row that says the Helm release is locked");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (lock_row), "helm rollback todo-app"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (lock_row), "pending-upgrade"));

  /* Nothing runs before the user confirms. */
  gtk_widget_activate_action (f->page, "phase.clear-lock", NULL);
  dialog = widget_test_find_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "helm rollback todo-app"));
  calls = g_strdup ("");
  g_file_get_contents (f->fake->log, &calls, NULL, NULL);
  g_assert_null (strstr (calls, "rollback"));

  adw_message_dialog_response (dialog, "clear");
  widget_test_wait_until (widget_hidden, lock_row, "the locked-release row to go once the lock is cleared");
  g_clear_pointer (&calls, g_free);
  g_assert_true (g_file_get_contents (f->fake->log, &calls, NULL, NULL));
  g_assert_nonnull (strstr (calls, "helm rollback todo-app\n"));
  g_assert_false (g_file_test (status_file, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/deploy-page/no-rows-when-env-complete", Fixture, NULL, fixture_set_up_complete,
              test_password_rows_only_when_missing, fixture_tear_down);
  g_test_add ("/deploy-page/typed-value-reaches-secret", Fixture, NULL, fixture_set_up_missing,
              test_typed_value_reaches_secret, fixture_tear_down);
  g_test_add ("/deploy-page/lock-explained-and-cleared", Fixture, NULL, fixture_set_up_complete,
              test_lock_explained_and_cleared, fixture_tear_down);
  return g_test_run ();
}
