/* test-minikube.c: minikube status and docker-env output, the exit-code bitmask, the memory hint;
 * on literal output and on what the fake minikube prints through TdRunner */
#include <string.h>

#include <glib/gstdio.h>

#include "fake-tools-util.h"
#include "td-error.h"
#include "td-minikube.h"

#define RUNNING_JSON \
  "{\"Name\":\"minikube\",\"Host\":\"Running\",\"Kubelet\":\"Running\",\"APIServer\":\"Running\"," \
  "\"Kubeconfig\":\"Configured\",\"Worker\":false}"

static const char *minikube_only[] = { "minikube", NULL };

static void
test_status_running (void)
{
  g_autoptr(GError) error = NULL;
  /* minikube prints no trailing newline. */
  g_autoptr(TdMinikubeStatus) status = td_minikube_status_parse (RUNNING_JSON, 0, &error);
  TdMinikubeNode *node;

  g_assert_no_error (error);
  g_assert_true (status->exists);
  g_assert_true (status->running);
  g_assert_cmpuint (status->nodes->len, ==, 1);
  node = g_ptr_array_index (status->nodes, 0);
  g_assert_cmpstr (node->name, ==, "minikube");
  g_assert_cmpstr (node->kubeconfig, ==, "Configured");
  g_assert_false (node->worker);
  g_assert_cmpstr (status->summary, ==, "Minikube is running.");
}

static void
test_status_stopped (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdMinikubeStatus) status = td_minikube_status_parse (
    "{\"Name\":\"minikube\",\"Host\":\"Stopped\",\"Kubelet\":\"Stopped\",\"APIServer\":\"Stopped\","
    "\"Kubeconfig\":\"Stopped\",\"Worker\":false}", 7, &error);

  g_assert_no_error (error);
  g_assert_true (status->exists);
  g_assert_false (status->running);
  g_assert_cmpstr (status->summary, ==, "Minikube is stopped: press Start to start it.");
}

/* Workers have no API server ("Irrelevant"): a healthy three-node cluster is running. */
static void
test_status_multinode (void)
{
  const char *healthy =
    "[" RUNNING_JSON ","
    "{\"Name\":\"minikube-m02\",\"Host\":\"Running\",\"Kubelet\":\"Running\",\"APIServer\":\"Irrelevant\","
    "\"Kubeconfig\":\"Irrelevant\",\"Worker\":true}]";
  const char *worker_down =
    "[" RUNNING_JSON ","
    "{\"Name\":\"minikube-m02\",\"Host\":\"Running\",\"Kubelet\":\"Stopped\",\"APIServer\":\"Irrelevant\","
    "\"Kubeconfig\":\"Irrelevant\",\"Worker\":true}]";
  /* The control plane must have a running API server, "Irrelevant" or not. */
  const char *control_plane_irrelevant =
    "[{\"Name\":\"minikube\",\"Host\":\"Running\",\"Kubelet\":\"Running\",\"APIServer\":\"Irrelevant\","
    "\"Kubeconfig\":\"Configured\",\"Worker\":false}]";
  g_autoptr(GError) error = NULL;
  g_autoptr(TdMinikubeStatus) status = td_minikube_status_parse (healthy, 0, &error);
  g_autoptr(TdMinikubeStatus) down = NULL;
  g_autoptr(TdMinikubeStatus) odd = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (status->nodes->len, ==, 2);
  g_assert_true (status->running);
  g_assert_true (((TdMinikubeNode *) g_ptr_array_index (status->nodes, 1))->worker);
  g_assert_cmpstr (status->summary, ==, "Minikube is running (2 nodes).");

  /* Exit 0 with a worker down still is not running, and the summary names the node. */
  down = td_minikube_status_parse (worker_down, 0, &error);
  g_assert_no_error (error);
  g_assert_false (down->running);
  g_assert_cmpstr (down->summary, ==,
                   "The kubelet of Minikube node “minikube-m02” is Stopped: press Start to start it.");

  odd = td_minikube_status_parse (control_plane_irrelevant, 0, &error);
  g_assert_no_error (error);
  g_assert_false (odd->running);
}

static void
test_status_no_profile (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdMinikubeStatus) status = td_minikube_status_parse (
    "🤷  Profile \"minikube\" not found. Run \"minikube profile list\" to view all profiles.\n"
    "👉  To start a cluster, run: \"minikube start\"\n", 85, &error);

  g_assert_no_error (error);
  g_assert_false (status->exists);
  g_assert_false (status->running);
  g_assert_cmpuint (status->nodes->len, ==, 0);
  g_assert_cmpstr (status->summary, ==, "Minikube has no cluster yet: press Start to create one.");
}

static void
assert_status_parse_error (const char *text,
                           int         exit_status,
                           const char *message_part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdMinikubeStatus) status = td_minikube_status_parse (text, exit_status, &error);

  g_assert_null (status);
  g_assert_error (error, TD_ERROR, TD_ERROR_PARSE);
  if (strstr (error->message, message_part) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, message_part);
}

static void
test_status_garbage (void)
{
  assert_status_parse_error ("panic: runtime error: invalid memory address or nil pointer "
                             "dereference\n[signal SIGSEGV]\n", 2,
                             "“panic: runtime error: invalid memory address");
  assert_status_parse_error ("", 0, "printed nothing");
  assert_status_parse_error ("", 1, "is not running");
  assert_status_parse_error ("[]", 0, "no nodes");
  assert_status_parse_error ("{\"Name\":\"minikube\"}", 0, "“Host”");
  assert_status_parse_error ("[" RUNNING_JSON ",42]", 0, "not a node");
  assert_status_parse_error ("<html>502 Bad Gateway</html>", 0, "not its JSON status");
}

static void
test_explain_exit (void)
{
  const struct {
    int         code;
    const char *text;
  } cases[] = {
    { 1, "The Minikube machine (its container or VM) is not running: press Start to start it." },
    { 2, "Kubernetes inside Minikube is not running: press Start to start it." },
    { 3, "The Minikube machine (its container or VM) is not running; Kubernetes inside Minikube is "
         "not running: press Start to start it." },
    { 4, "The kubectl configuration does not point at Minikube: run “minikube update-context” "
         "to repair it." },
    { 6, "Kubernetes inside Minikube is not running; the kubectl configuration does not point at "
         "Minikube: press Start to start it." },
    { 7, "Minikube is stopped: press Start to start it." },
    { 85, "Minikube has no cluster yet: press Start to create one." },
    { 14, "minikube status failed with exit code 14: press Start to (re)start the cluster, and see "
          "the log if that fails too." },
  };

  g_assert_null (td_minikube_explain_status_exit (0));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = td_minikube_explain_status_exit (cases[i].code);
      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_docker_env (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) env = td_minikube_parse_docker_env (
    "DOCKER_TLS_VERIFY=1\n"
    "DOCKER_HOST=tcp://127.0.0.1:32842\r\n"
    "DOCKER_CERT_PATH=/home/u/.minikube/certs\n"
    "\n"
    "# a comment\n"
    "MINIKUBE_ACTIVE_DOCKERD=minikube\n"
    "MINIKUBE_EXISTING_DOCKER_HOST=unix:///run/user/1000/docker.sock\n"
    "NO_PROXY=192.168.49.2\n"
    "SSH_AUTH_SOCK=/tmp/ssh-XXXX/agent.1\n"
    "SSH_AGENT_PID=4242", &error);
  const char *expected[] = {
    "DOCKER_TLS_VERIFY=1", "DOCKER_HOST=tcp://127.0.0.1:32842",
    "DOCKER_CERT_PATH=/home/u/.minikube/certs", "MINIKUBE_ACTIVE_DOCKERD=minikube",
    "MINIKUBE_EXISTING_DOCKER_HOST=unix:///run/user/1000/docker.sock", "NO_PROXY=192.168.49.2",
    "SSH_AUTH_SOCK=/tmp/ssh-XXXX/agent.1", "SSH_AGENT_PID=4242", NULL,
  };

  g_assert_no_error (error);
  g_assert_true (g_strv_equal ((const char * const *) env, expected));
}

static void
assert_docker_env_refused (const char *text,
                           const char *message_part)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) env = td_minikube_parse_docker_env (text, &error);

  g_assert_null (env);
  g_assert_error (error, TD_ERROR, TD_ERROR_PARSE);
  if (strstr (error->message, message_part) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, message_part);
}

static void
test_docker_env_refused (void)
{
  /* The bash form: not what --shell none prints. */
  assert_docker_env_refused ("export DOCKER_TLS_VERIFY=\"1\"\nexport DOCKER_HOST=\"tcp://127.0.0.1:1\"\n",
                             "--shell none");
  assert_docker_env_refused ("$Env:DOCKER_HOST = \"tcp://127.0.0.1:1\"\n", "line 1");
  /* Nothing outside Docker's and Minikube's own settings reaches docker. */
  assert_docker_env_refused ("DOCKER_HOST=tcp://127.0.0.1:1\nPATH=/tmp/evil\n", "PATH (line 2)");
  assert_docker_env_refused ("DOCKER_HOST=tcp://127.0.0.1:1\nLD_PRELOAD=/tmp/x.so\n", "LD_PRELOAD");
  assert_docker_env_refused ("DOCKER_HOST=tcp://127.0.0.1:1\nDOCKER_=x\n", "DOCKER_");
  assert_docker_env_refused ("DOCKER_TLS_VERIFY=1\nMINIKUBE_ACTIVE_DOCKERD=minikube\n",
                             "no DOCKER_HOST");
  assert_docker_env_refused ("DOCKER_HOST=\n", "no DOCKER_HOST");
  assert_docker_env_refused ("", "no DOCKER_HOST");
}

static char *
write_meminfo (const char *dir,
               const char *contents)
{
  char *path = g_build_filename (dir, "meminfo", NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_read_total_memory (void)
{
  g_autofree char *dir = g_dir_make_tmp ("td-meminfo-XXXXXX", NULL);
  g_autofree char *good = write_meminfo (dir, "MemTotal:       16314020 kB\n"
                                              "MemFree:         1203404 kB\n"
                                              "MemAvailable:    9730512 kB\n");
  g_autoptr(GError) error = NULL;
  guint64 total = 0;

  g_assert_true (td_minikube_read_total_memory (good, &total, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, G_GUINT64_CONSTANT (16314020) * 1024);
  g_unlink (good);

  g_free (good);
  good = write_meminfo (dir, "MemFree:  1 kB\n");
  g_assert_false (td_minikube_read_total_memory (good, &total, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_PARSE);
  g_unlink (good);
  g_rmdir (dir);

  /* The real one, on the machine running the tests. */
  g_clear_error (&error);
  g_assert_true (td_minikube_read_total_memory (NULL, &total, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (total, >, 0);
}

#define GIB (G_GUINT64_CONSTANT (1024) * 1024 * 1024)
#define MIB (G_GUINT64_CONSTANT (1024) * 1024)

static void
test_memory_hint (void)
{
  g_autoptr(TdMemoryHint) plenty = td_minikube_memory_hint (16314020 * G_GUINT64_CONSTANT (1024), FALSE);
  g_autoptr(TdMemoryHint) plenty_kagent = td_minikube_memory_hint (16 * GIB, TRUE);
  g_autoptr(TdMemoryHint) tight = td_minikube_memory_hint (6 * GIB, TRUE);
  g_autoptr(TdMemoryHint) floor = td_minikube_memory_hint ((2048 + 1800) * MIB, FALSE);
  g_autoptr(TdMemoryHint) too_little = td_minikube_memory_hint (3 * GIB, FALSE);

  g_assert_cmpint (plenty->fit, ==, TD_MEMORY_FIT_ENOUGH);
  g_assert_cmpuint (plenty->memory_mib, ==, 4096);
  g_assert_cmpstr (plenty->memory_flag, ==, "--memory=4096mb");
  g_assert_cmpstr (plenty->sentence, ==,
                   "Minikube will get 4 GiB of this computer's 15.6 GiB: enough for the Todo Chatbot.");

  /* kagent's chart alone requests about 1 GiB. */
  g_assert_cmpint (plenty_kagent->fit, ==, TD_MEMORY_FIT_ENOUGH);
  g_assert_cmpuint (plenty_kagent->memory_mib, ==, 5120);
  g_assert_cmpuint (plenty_kagent->recommended_mib, ==, 5120);
  g_assert_cmpstr (plenty_kagent->memory_flag, ==, "--memory=5120mb");
  g_assert_nonnull (strstr (plenty_kagent->sentence, "kagent"));

  /* 6 GiB less the desktop's 2 leaves 4 GiB: less than 5 recommended, more than the floor. */
  g_assert_cmpint (tight->fit, ==, TD_MEMORY_FIT_TIGHT);
  g_assert_cmpuint (tight->memory_mib, ==, 4096);
  g_assert_cmpstr (tight->sentence, ==,
                   "This computer has 6 GiB of memory, so Minikube gets 4 GiB, less than the 5 GiB "
                   "recommended for the Todo Chatbot and kagent (about 1 GiB of its own): pods may "
                   "start slowly or be evicted. Skipping kagent saves about 1 GiB.");

  /* Exactly at minikube's floor: rounding down to 256 MiB steps must not go below it. */
  g_assert_cmpint (floor->fit, ==, TD_MEMORY_FIT_TIGHT);
  g_assert_cmpuint (floor->memory_mib, ==, TD_MINIKUBE_MIN_MEMORY_MIB);
  g_assert_cmpstr (floor->memory_flag, ==, "--memory=1800mb");

  g_assert_cmpint (too_little->fit, ==, TD_MEMORY_FIT_TOO_LITTLE);
  g_assert_cmpuint (too_little->memory_mib, ==, 0);
  g_assert_null (too_little->memory_flag);
  g_assert_nonnull (strstr (too_little->sentence, "1800 MiB"));
  g_assert_nonnull (strstr (too_little->sentence, "at least 6 GiB"));
}

/* The fake's start streams its lines as they come, and the hint's flag is one minikube takes. */
static void
on_line (TdProcess  *process,
         TdStream    stream,
         const char *text,
         gpointer    user_data)
{
  if (stream == TD_STREAM_STDOUT)
    g_ptr_array_add (user_data, g_strdup (text));
}

static void
on_waited (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static int
stream_start (FakeTools  *fake,
              const char *memory_flag,
              GPtrArray  *lines)
{
  const char *argv[] = { "minikube", "start", memory_flag, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(TdProcess) process = td_runner_spawn (fake->runner, argv, NULL, NULL, 30000, &error);
  g_autoptr(GAsyncResult) result = NULL;
  int status = -1;

  g_assert_no_error (error);
  g_signal_connect (process, "line", G_CALLBACK (on_line), lines);
  td_process_wait_async (process, NULL, on_waited, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (td_process_wait_finish (process, result, &status, &error));
  g_assert_no_error (error);
  return status;
}

static TdMinikubeStatus *
fake_status (FakeTools *fake)
{
  const char *argv[] = { "minikube", "status", "-o", "json", NULL };
  g_autoptr(FakeRun) run = fake_tools_run (fake, argv, NULL);
  g_autoptr(GError) error = NULL;
  TdMinikubeStatus *status;

  status = td_minikube_status_parse (run->out, run->status, &error);
  g_assert_no_error (error);
  return status;
}

static GStrv
fake_docker_env (FakeTools *fake)
{
  const char *argv[] = { "minikube", "docker-env", "--shell", "none", NULL };
  g_autoptr(FakeRun) run = fake_tools_run (fake, argv, NULL);
  g_autoptr(GError) error = NULL;
  GStrv env;

  g_assert_cmpint (run->status, ==, 0);
  env = td_minikube_parse_docker_env (run->out, &error);
  g_assert_no_error (error);
  return env;
}

static void
test_fake_lifecycle (void)
{
  g_autoptr(FakeTools) fake = fake_tools_new (minikube_only, NULL);
  g_autoptr(TdMinikubeStatus) before = fake_status (fake);
  g_autoptr(TdMinikubeStatus) after = NULL;
  g_autoptr(TdMemoryHint) hint = td_minikube_memory_hint (16 * GIB, FALSE);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) again = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) first_env = NULL;
  g_auto(GStrv) second_env = NULL;

  g_assert_false (before->exists);

  g_assert_cmpint (stream_start (fake, hint->memory_flag, lines), ==, 0);
  g_assert_cmpuint (lines->len, >=, 10);
  g_assert_cmpstr (g_ptr_array_index (lines, 0), ==, "😄  minikube v1.37.0 on Debian 12.11");
  g_assert_cmpstr (g_ptr_array_index (lines, 6), ==,
                   "🔥  Creating docker container (CPUs=2, Memory=4096MB) ...");
  g_assert_true (g_str_has_prefix (g_ptr_array_index (lines, lines->len - 1), "🏄  Done!"));

  after = fake_status (fake);
  g_assert_true (after->running);
  first_env = fake_docker_env (fake);
  g_assert_true (g_strv_contains ((const char * const *) first_env, "MINIKUBE_ACTIVE_DOCKERD=minikube"));

  /* A restart moves Minikube's Docker to another port: docker-env must be read again. */
  g_assert_cmpint (stream_start (fake, hint->memory_flag, again), ==, 0);
  g_assert_cmpstr (g_ptr_array_index (again, 4), ==,
                   "🔄  Restarting existing docker container for \"minikube\" ...");
  second_env = fake_docker_env (fake);
  g_assert_cmpstr (first_env[1], !=, second_env[1]);
  g_assert_true (g_str_has_prefix (second_env[1], "DOCKER_HOST=tcp://127.0.0.1:"));
}

static void
test_fake_start_failures (void)
{
  const char *fail_settings[] = { "FAKE_MINIKUBE_START=fail", NULL };
  g_autoptr(FakeTools) fake = fake_tools_new (minikube_only, fail_settings);
  g_autoptr(FakeTools) plain = fake_tools_new (minikube_only, NULL);
  const char *start[] = { "minikube", "start", NULL };
  const char *small[] = { "minikube", "start", "--memory=1024mb", NULL };
  g_autoptr(FakeRun) failed = fake_tools_run (fake, start, NULL);
  g_autoptr(FakeRun) refused = fake_tools_run (plain, small, NULL);
  g_autoptr(TdMinikubeStatus) status = fake_status (plain);

  g_assert_cmpint (failed->status, !=, 0);
  g_assert_nonnull (strstr (failed->err, "PROVIDER_DOCKER_NOT_RUNNING"));

  /* Below the floor the hint never goes: minikube refuses it. */
  g_assert_cmpint (refused->status, !=, 0);
  g_assert_nonnull (strstr (refused->err, "less than the usable minimum of 1800MB"));
  g_assert_false (status->exists);
}

static void
test_fake_status_modes (void)
{
  const struct {
    const char *mode;
    gboolean    exists;
    gboolean    running;
    guint       nodes;
  } cases[] = {
    { "running", TRUE, TRUE, 1 },
    { "stopped", TRUE, FALSE, 1 },
    { "nocluster", FALSE, FALSE, 0 },
    { "multinode", TRUE, TRUE, 3 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *setting = g_strconcat ("FAKE_MINIKUBE_STATUS=", cases[i].mode, NULL);
      const char *settings[] = { setting, NULL };
      g_autoptr(FakeTools) fake = fake_tools_new (minikube_only, settings);
      g_autoptr(TdMinikubeStatus) status = fake_status (fake);

      g_test_message ("status mode %s", cases[i].mode);
      g_assert_cmpint (status->exists, ==, cases[i].exists);
      g_assert_cmpint (status->running, ==, cases[i].running);
      g_assert_cmpuint (status->nodes->len, ==, cases[i].nodes);
    }
}

static void
test_fake_status_garbage (void)
{
  const char *settings[] = { "FAKE_MINIKUBE_STATUS=garbage", NULL };
  g_autoptr(FakeTools) fake = fake_tools_new (minikube_only, settings);
  const char *argv[] = { "minikube", "status", "-o", "json", NULL };
  g_autoptr(FakeRun) run = fake_tools_run (fake, argv, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TdMinikubeStatus) status = td_minikube_status_parse (run->out, run->status, &error);

  g_assert_null (status);
  g_assert_error (error, TD_ERROR, TD_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "panic"));
}

/* Without --shell none minikube prints shell code, which must be refused, never evaluated. */
static void
test_fake_docker_env_shapes (void)
{
  const char *running[] = { "FAKE_MINIKUBE_STATUS=running", NULL };
  const char *multinode[] = { "FAKE_MINIKUBE_STATUS=multinode", NULL };
  g_autoptr(FakeTools) fake = fake_tools_new (minikube_only, running);
  g_autoptr(FakeTools) multi = fake_tools_new (minikube_only, multinode);
  const char *bash_form[] = { "minikube", "docker-env", NULL };
  const char *none_form[] = { "minikube", "docker-env", "--shell=none", NULL };
  g_autoptr(FakeRun) bash_run = fake_tools_run (fake, bash_form, NULL);
  g_autoptr(FakeRun) multi_run = fake_tools_run (multi, none_form, NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) env = td_minikube_parse_docker_env (bash_run->out, &error);

  g_assert_null (env);
  g_assert_error (error, TD_ERROR, TD_ERROR_PARSE);

  /* Refused for multi-node clusters: an exit code and a reason, nothing on stdout. */
  g_assert_cmpint (multi_run->status, !=, 0);
  g_assert_cmpstr (multi_run->out, ==, "");
  g_assert_nonnull (strstr (multi_run->err, "ENV_MULTINODE_CONFLICT"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/minikube/status/running", test_status_running);
  g_test_add_func ("/minikube/status/stopped", test_status_stopped);
  g_test_add_func ("/minikube/status/multinode", test_status_multinode);
  g_test_add_func ("/minikube/status/no-profile", test_status_no_profile);
  g_test_add_func ("/minikube/status/garbage", test_status_garbage);
  g_test_add_func ("/minikube/status/explain-exit", test_explain_exit);
  g_test_add_func ("/minikube/docker-env/parse", test_docker_env);
  g_test_add_func ("/minikube/docker-env/refused", test_docker_env_refused);
  g_test_add_func ("/minikube/memory/read-meminfo", test_read_total_memory);
  g_test_add_func ("/minikube/memory/hint", test_memory_hint);
  g_test_add_func ("/minikube/fake/lifecycle", test_fake_lifecycle);
  g_test_add_func ("/minikube/fake/start-failures", test_fake_start_failures);
  g_test_add_func ("/minikube/fake/status-modes", test_fake_status_modes);
  g_test_add_func ("/minikube/fake/status-garbage", test_fake_status_garbage);
  g_test_add_func ("/minikube/fake/docker-env-shapes", test_fake_docker_env_shapes);

  return g_test_run ();
}
