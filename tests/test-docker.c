/* test-docker.c: docker image size and ps output; and, with the fake minikube and docker, that the
 * docker-env overlay reaches docker (and only docker) */
#include <string.h>

#include "fake-tools-util.h"
#include "td-docker.h"
#include "td-error.h"
#include "td-minikube.h"

static void
test_image_size (void)
{
  g_autoptr(GError) error = NULL;
  guint64 size = 0;

  g_assert_true (td_docker_parse_image_size ("todo-backend:latest", "187654321\n", "", 0, &size, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (size, ==, 187654321);

  g_assert_false (td_docker_parse_image_size ("todo-backend:latest", "",
                                              "Error: No such image: todo-backend:latest\n", 1,
                                              &size, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "The image todo-backend:latest has not been built yet (in "
                                       "the Docker that docker-env points at)");
  g_clear_error (&error);

  g_assert_false (td_docker_parse_image_size ("todo-backend:latest", "",
                                              "Cannot connect to the Docker daemon at "
                                              "tcp://127.0.0.1:32842. Is the docker daemon running?\n",
                                              1, &size, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_EXITED);
  g_assert_nonnull (strstr (error->message, "Cannot connect to the Docker daemon"));
  g_clear_error (&error);

  /* Without --format docker prints the whole JSON: not a size. */
  g_assert_false (td_docker_parse_image_size ("todo-backend:latest", "[{\"Id\": \"sha256:…\"}]\n", "",
                                              0, &size, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_PARSE);
  g_clear_error (&error);
  g_assert_false (td_docker_parse_image_size ("x", "", "", 0, &size, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_PARSE);
  g_clear_error (&error);
  g_assert_false (td_docker_parse_image_size ("x", "-5\n", "", 0, &size, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_PARSE);
}

static void
test_format_size (void)
{
  const struct {
    guint64     bytes;
    const char *text;
    guint64     mb;
  } cases[] = {
    { 0, "0B", 0 },
    { 999, "999B", 0 },
    { 1000, "1kB", 0 },
    { 72912345, "72.9MB", 73 },
    { 187654321, "188MB", 188 },
    { 281234567, "281MB", 281 },
    { 299499999, "299MB", 299 },
    { 299500000, "300MB", 300 },
    { 999700000, "1GB", 1000 },
    { 1234567890, "1.23GB", 1235 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = td_docker_format_size (cases[i].bytes);

      g_assert_cmpstr (text, ==, cases[i].text);
      g_assert_cmpuint (td_docker_size_mb (cases[i].bytes), ==, cases[i].mb);
    }
}

static void
test_ps (void)
{
  g_assert_true (td_docker_ps_is_minikube (
    "k8s_storage-provisioner_storage-provisioner_kube-system_5e1f0d2c_1\n"
    "k8s_coredns_coredns-66bc5c9577-8kq2x_kube-system_0c9d3a2e_0\n"));
  g_assert_true (td_docker_ps_is_minikube ("some-postgres\nk8s_POD_etcd-minikube_kube-system_3f2e_0\n"));
  /* The host's Docker runs the minikube node container itself, but no k8s_ ones. */
  g_assert_false (td_docker_ps_is_minikube ("minikube\n"));
  g_assert_false (td_docker_ps_is_minikube ("my-k8s_thing\n"));
  g_assert_false (td_docker_ps_is_minikube (""));
}

static const char *cluster_tools[] = { "minikube", "docker", "helm", NULL };

static FakeRun *
run (FakeTools          *fake,
     const char * const *overlay,
     const char         *first,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list args;

  va_start (args, first);
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  return fake_tools_run (fake, (const char * const *) argv->pdata, overlay);
}

static GStrv
read_docker_env (FakeTools *fake)
{
  g_autoptr(FakeRun) env_run = run (fake, NULL, "minikube", "docker-env", "--shell", "none", NULL);
  g_autoptr(GError) error = NULL;
  GStrv overlay;

  g_assert_cmpint (env_run->status, ==, 0);
  overlay = td_minikube_parse_docker_env (env_run->out, &error);
  g_assert_no_error (error);
  return overlay;
}

static gboolean
ps_is_minikube (FakeTools          *fake,
                const char * const *overlay)
{
  g_autoptr(FakeRun) ps = run (fake, overlay, "docker", "ps", "--format", "{{.Names}}", NULL);

  g_assert_cmpint (ps->status, ==, 0);
  return td_docker_ps_is_minikube (ps->out);
}

/* The seed's T005, without eval: docker-env read into an overlay reaches docker's ps, images built
 * with it live in Minikube's daemon only, and after a restart the old overlay is stale. */
static void
test_fake_docker_env_reaches_docker (void)
{
  g_autoptr(FakeTools) fake = fake_tools_new (cluster_tools, NULL);
  g_autoptr(FakeRun) start = run (fake, NULL, "minikube", "start", NULL);
  g_auto(GStrv) overlay = read_docker_env (fake);
  g_auto(GStrv) fresh = NULL;
  g_autoptr(FakeRun) build = NULL;
  g_autoptr(FakeRun) inside = NULL;
  g_autoptr(FakeRun) outside = NULL;
  g_autoptr(FakeRun) restart = NULL;
  g_autoptr(GError) error = NULL;
  guint64 size = 0;

  g_assert_cmpint (start->status, ==, 0);
  g_assert_false (ps_is_minikube (fake, NULL));
  g_assert_true (ps_is_minikube (fake, (const char * const *) overlay));

  build = run (fake, (const char * const *) overlay, "docker", "build", "-t", "todo-backend:latest",
               "-f", "Dockerfile.backend", "--progress=plain", ".", NULL);
  g_assert_cmpint (build->status, ==, 0);

  inside = run (fake, (const char * const *) overlay, "docker", "image", "inspect",
                "todo-backend:latest", "--format", "{{.Size}}", NULL);
  g_assert_true (td_docker_parse_image_size ("todo-backend:latest", inside->out, inside->err,
                                             inside->status, &size, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (td_docker_size_mb (size), ==, 188);

  /* The host's Docker never saw it: ErrImageNeverPull in the making. */
  outside = run (fake, NULL, "docker", "image", "inspect", "todo-backend:latest", "--format",
                 "{{.Size}}", NULL);
  g_assert_false (td_docker_parse_image_size ("todo-backend:latest", outside->out, outside->err,
                                              outside->status, &size, &error));
  g_assert_error (error, TD_ERROR, TD_ERROR_NOT_FOUND);

  /* A restart moves the port: the old overlay reaches the host again, a fresh one Minikube. */
  restart = run (fake, NULL, "minikube", "start", NULL);
  g_assert_cmpint (restart->status, ==, 0);
  g_assert_false (ps_is_minikube (fake, (const char * const *) overlay));
  fresh = read_docker_env (fake);
  g_assert_true (ps_is_minikube (fake, (const char * const *) fresh));
}

/* The environment log shows the overlay on the docker calls that got it and nowhere else. */
static void
test_fake_env_log (void)
{
  g_autoptr(FakeTools) fake = fake_tools_new (cluster_tools, NULL);
  g_autoptr(FakeRun) start = run (fake, NULL, "minikube", "start", NULL);
  g_auto(GStrv) overlay = read_docker_env (fake);
  const char *docker_host = overlay[1];
  g_autoptr(FakeRun) ps = run (fake, (const char * const *) overlay, "docker", "ps", NULL);
  g_autoptr(FakeRun) images = run (fake, (const char * const *) overlay, "docker", "images",
                                   "todo-backend", NULL);
  g_autoptr(FakeRun) lint = run (fake, NULL, "helm", "lint", "charts/todo-app", NULL);
  g_autoptr(FakeRun) host_ps = run (fake, NULL, "docker", "ps", NULL);
  g_auto(GStrv) log = fake_tools_env_log (fake);
  const char *expected_plain[] = {
    "minikube start |", "minikube docker-env --shell none |", NULL,
  };

  g_assert_cmpstr (docker_host, ==, "DOCKER_HOST=tcp://127.0.0.1:32843");
  g_assert_cmpuint (g_strv_length (log), ==, 6);
  g_assert_cmpstr (log[0], ==, expected_plain[0]);
  g_assert_cmpstr (log[1], ==, expected_plain[1]);

  /* Every variable of the overlay, whatever order the shell lists them in. */
  for (guint i = 2; i <= 3; i++)
    {
      g_test_message ("%s", log[i]);
      for (guint k = 0; overlay[k] != NULL; k++)
        {
          g_autofree char *word = g_strconcat (" ", overlay[k], NULL);
          g_assert_nonnull (strstr (log[i], word));
        }
    }
  g_assert_true (g_str_has_prefix (log[2], "docker ps | "));
  g_assert_true (g_str_has_prefix (log[3], "docker images todo-backend | "));

  g_assert_cmpstr (log[4], ==, "helm lint charts/todo-app |");
  g_assert_cmpstr (log[5], ==, "docker ps |");

  /* Nothing built yet: the header only, and the host's ps shows no Kubernetes containers. */
  g_assert_true (g_str_has_prefix (images->out, "REPOSITORY"));
  g_assert_null (strstr (images->out, "todo-backend"));
  g_assert_false (td_docker_ps_is_minikube (host_ps->out));
  g_assert_cmpint (lint->status, ==, 0);
  g_assert_cmpint (ps->status, ==, 0);
  g_assert_cmpint (start->status, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/docker/image-size", test_image_size);
  g_test_add_func ("/docker/format-size", test_format_size);
  g_test_add_func ("/docker/ps", test_ps);
  g_test_add_func ("/docker/fake/docker-env-reaches-docker", test_fake_docker_env_reaches_docker);
  g_test_add_func ("/docker/fake/env-log", test_fake_env_log);

  return g_test_run ();
}
