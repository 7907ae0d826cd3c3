/* td-preflight.c: are the tools there (on the host, inside Flatpak), is the project complete? */
#define G_LOG_DOMAIN "td-preflight"

#include <string.h>

#include "td-dotenv.h"
#include "td-error.h"
#include "td-preflight.h"

#define DEFAULT_TOOL_TIMEOUT_MS 10000

typedef struct {
  const char   *id;
  const char   *title;
  TdCheckGroup  group;
  gboolean      required;
  const char   *argv[4];
  /* Shown when the program runs but the check command fails (NULL: its first output line). */
  const char   *failed_detail;
  const char   *found_detail;   /* NULL: "Found at <path>" */
  const char   *fix;            /* how to get it */
} ToolSpec;

static const ToolSpec tool_specs[] = {
  { "minikube", "Minikube", TD_CHECK_GROUP_TOOL, TRUE,
    { "minikube", "version", "--short", NULL }, NULL, NULL,
    "Install Minikube: https://minikube.sigs.k8s.io/docs/start/" },
  /* Client only: the Docker daemon may not be running yet, and Minikube brings its own. */
  { "docker", "Docker", TD_CHECK_GROUP_TOOL, TRUE,
    { "docker", "--version", NULL }, NULL, NULL,
    "Install Docker Engine: https://docs.docker.com/engine/install/" },
  { "kubectl", "kubectl", TD_CHECK_GROUP_TOOL, TRUE,
    { "kubectl", "version", "--client", NULL }, NULL, NULL,
    "Install kubectl: https://kubernetes.io/docs/tasks/tools/" },
  { "helm", "Helm", TD_CHECK_GROUP_TOOL, TRUE,
    { "helm", "version", "--short", NULL }, NULL, NULL,
    "Install Helm: https://helm.sh/docs/intro/install/" },
  /* Not "docker ai --help": that exits 0 even without the plugin. */
  { "gordon", "Gordon (docker ai)", TD_CHECK_GROUP_AGENT, FALSE,
    { "docker", "ai", "version", NULL },
    "Gordon, Docker’s AI agent (the “docker ai” plugin), is not installed",
    "Available as the Docker plugin “docker ai”",
    "Optional: Gordon comes with Docker Desktop 4.61 or newer (https://docs.docker.com/ai/gordon/); "
    "without it the wizard offers its bundled Dockerfiles" },
  { "kubectl-ai", "kubectl-ai", TD_CHECK_GROUP_AGENT, FALSE,
    { "kubectl-ai", "version", NULL }, NULL, NULL,
    "Optional: install kubectl-ai from https://github.com/GoogleCloudPlatform/kubectl-ai; "
    "without it the wizard offers its bundled Helm chart" },
  { "kagent", "kagent", TD_CHECK_GROUP_AGENT, FALSE,
    { "kagent", "version", NULL }, NULL, NULL,
    "Optional: install the kagent CLI (https://kagent.dev/docs/kagent/getting-started/quickstart); "
    "without it the wizard uses its built-in health analysis" },
};

typedef struct {
  const char *id;
  const char *title;
  const char *path;          /* relative to the project folder */
  const char *missing;       /* why it matters */
  const char *fix;
} FileSpec;

#define FIX_CHOOSE_ROOT \
  "Choose the repository’s top folder, the one that contains backend/ and frontend/"

static const FileSpec file_specs[] = {
  { "backend-requirements", "backend/requirements.txt", "backend/requirements.txt",
    "The backend image installs its Python packages from backend/requirements.txt, which is missing",
    "Create it from the backend’s virtual environment: pip freeze > backend/requirements.txt" },
  { "backend-main", "backend/main.py", "backend/main.py",
    "The backend image starts the FastAPI app from backend/main.py, which is missing",
    FIX_CHOOSE_ROOT },
  { "frontend-package", "frontend/package.json", "frontend/package.json",
    "The frontend image is built from frontend/package.json, which is missing",
    FIX_CHOOSE_ROOT },
  { "frontend-lockfile", "frontend/package-lock.json", "frontend/package-lock.json",
    "frontend/package-lock.json is missing: the frontend image runs “npm ci”, which needs it",
    "Run “npm install” in frontend/ to create package-lock.json" },
};

static const char * const next_config_names[] = {
  "next.config.js", "next.config.mjs", "next.config.ts",
};

static const char * const required_env_keys[] = {
  "DATABASE_URL", "OPENAI_API_KEY", "BETTER_AUTH_SECRET", NULL,
};

#define STANDALONE_FIX_LATER "the wizard offers to add it in the Frontend Image phase"

struct _TdPreflight {
  GObject       parent_instance;

  TdRunner     *runner;
  GListStore   *checks;
  guint         tool_timeout_ms;
  GTask        *task;           /* the run in progress */
  guint         pending_tools;
};

G_DEFINE_FINAL_TYPE (TdPreflight, td_preflight, G_TYPE_OBJECT)

static void
td_preflight_dispose (GObject *object)
{
  TdPreflight *self = TD_PREFLIGHT (object);

  g_clear_object (&self->runner);
  g_clear_object (&self->checks);

  G_OBJECT_CLASS (td_preflight_parent_class)->dispose (object);
}

static void
td_preflight_class_init (TdPreflightClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = td_preflight_dispose;
}

static void
add_check (TdPreflight  *self,
           const char   *id,
           const char   *title,
           TdCheckGroup  group,
           gboolean      required)
{
  g_autoptr(TdPreflightCheck) check = td_preflight_check_new (id, title, group, required);

  g_list_store_append (self->checks, check);
}

static void
td_preflight_init (TdPreflight *self)
{
  self->checks = g_list_store_new (TD_TYPE_PREFLIGHT_CHECK);
  self->tool_timeout_ms = DEFAULT_TOOL_TIMEOUT_MS;

  for (guint i = 0; i < G_N_ELEMENTS (tool_specs); i++)
    add_check (self, tool_specs[i].id, tool_specs[i].title, tool_specs[i].group,
               tool_specs[i].required);
  for (guint i = 0; i < G_N_ELEMENTS (file_specs); i++)
    add_check (self, file_specs[i].id, file_specs[i].title, TD_CHECK_GROUP_PROJECT, TRUE);
  /* Not required: the wizard can add output: 'standalone' itself later. */
  add_check (self, "next-standalone", "Next.js standalone output", TD_CHECK_GROUP_PROJECT, FALSE);
  add_check (self, "env-file", ".env", TD_CHECK_GROUP_PROJECT, TRUE);
}

TdPreflight *
td_preflight_new (TdRunner *runner)
{
  TdPreflight *self;

  g_return_val_if_fail (TD_IS_RUNNER (runner), NULL);

  self = g_object_new (TD_TYPE_PREFLIGHT, NULL);
  self->runner = g_object_ref (runner);
  return self;
}

void
td_preflight_set_tool_timeout (TdPreflight *self,
                               guint        timeout_ms)
{
  g_return_if_fail (TD_IS_PREFLIGHT (self));
  g_return_if_fail (timeout_ms > 0);

  self->tool_timeout_ms = timeout_ms;
}

GListModel *
td_preflight_get_checks (TdPreflight *self)
{
  g_return_val_if_fail (TD_IS_PREFLIGHT (self), NULL);

  return G_LIST_MODEL (self->checks);
}

TdPreflightCheck *
td_preflight_lookup (TdPreflight *self,
                     const char  *id)
{
  guint n;

  g_return_val_if_fail (TD_IS_PREFLIGHT (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->checks));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TdPreflightCheck) check = g_list_model_get_item (G_LIST_MODEL (self->checks), i);

      if (g_strcmp0 (td_preflight_check_get_id (check), id) == 0)
        return check;  /* the store keeps it alive */
    }
  return NULL;
}

char *
td_preflight_parse_version (const char *output)
{
  static GRegex *regex;
  g_autoptr(GMatchInfo) match = NULL;

  if (output == NULL)
    return NULL;
  if (g_once_init_enter (&regex))
    {
      /* The first dotted number not inside a longer token: "Client Version: v1.32.4-dispatcher"
       * → "v1.32.4", "v3.21.0+g1a2b3c4" → "v3.21.0", "version: 0.0.20" → "0.0.20". */
      GRegex *compiled = g_regex_new ("(?<![\\w.])v?\\d+\\.\\d+(?:\\.\\d+)?",
                                      G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&regex, compiled);
    }

  if (!g_regex_match (regex, output, 0, &match))
    return NULL;
  return g_match_info_fetch (match, 0);
}

static char *
format_limit (guint ms)
{
  return ms % 1000 == 0 ? g_strdup_printf ("%u s", ms / 1000) : g_strdup_printf ("%.1f s", ms / 1000.0);
}

static char *
first_line (const char *text)
{
  g_auto(GStrv) lines = NULL;

  if (text == NULL)
    return NULL;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strstrip (lines[i]);
      if (*lines[i] != '\0')
        return g_strdup (lines[i]);
    }
  return NULL;
}

/* Inside Flatpak without --talk-name=org.freedesktop.Flatpak, flatpak-spawn cannot reach the
 * Flatpak service at all: "Portal call failed: org.freedesktop.DBus.Error.ServiceUnknown" (or
 * AccessDenied, when the name is visible but not callable). Then no host program can run. */
static gboolean
host_access_denied (int         exit_status,
                    const char *err)
{
  return exit_status != 0 &&
         strstr (err, "Portal call failed") != NULL &&
         (strstr (err, "org.freedesktop.DBus.Error.ServiceUnknown") != NULL ||
          strstr (err, "org.freedesktop.DBus.Error.AccessDenied") != NULL);
}

#define HOST_ACCESS_DETAIL \
  "Todo Deploy cannot start programs on the host: its Flatpak permission to talk to " \
  "org.freedesktop.Flatpak is missing"
#define HOST_ACCESS_FIX \
  "Run “flatpak override --user --talk-name=org.freedesktop.Flatpak " APP_ID "” in a terminal, " \
  "then restart Todo Deploy"

/* ---- Tools ---------------------------------------------------------------------------------- */

typedef struct {
  TdPreflight    *self;
  const ToolSpec *spec;
} ToolRun;

static void
finish_run_if_done (TdPreflight *self)
{
  g_autoptr(GTask) task = NULL;
  gboolean all_required_passed = TRUE;
  guint n;

  if (self->pending_tools > 0 || self->task == NULL)
    return;

  task = g_steal_pointer (&self->task);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->checks));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TdPreflightCheck) check = g_list_model_get_item (G_LIST_MODEL (self->checks), i);

      if (td_preflight_check_get_required (check) && !td_preflight_check_get_passed (check))
        all_required_passed = FALSE;
    }
  /* A cancelled run reports G_IO_ERROR_CANCELLED (GTask checks the cancellable). */
  g_task_return_boolean (task, all_required_passed);
}

static void
report_tool (TdPreflight      *self,
             const ToolSpec   *spec,
             GError           *error,
             const char       *out,
             const char       *err,
             int               exit_status)
{
  TdPreflightCheck *check = td_preflight_lookup (self, spec->id);
  TdCheckStatus missing_status = spec->required ? TD_CHECK_STATUS_FAILED : TD_CHECK_STATUS_WARNING;
  g_autofree char *command = g_strjoinv (" ", (char **) spec->argv);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      td_preflight_check_set_result (check, TD_CHECK_STATUS_UNKNOWN, NULL, "Check stopped", NULL);
    }
  else if (g_error_matches (error, TD_ERROR, TD_ERROR_TIMED_OUT))
    {
      g_autofree char *limit = format_limit (self->tool_timeout_ms);
      g_autofree char *detail = g_strdup_printf ("“%s” did not answer within %s", command, limit);
      g_autofree char *fix = g_strdup_printf ("Run “%s” in a terminal to see what it waits for, "
                                              "then check again", command);

      td_preflight_check_set_result (check, TD_CHECK_STATUS_FAILED, NULL, detail, fix);
    }
  else if (error != NULL)
    {
      /* Not found, or not runnable: the runner's message already names the program. */
      td_preflight_check_set_result (check, missing_status, NULL, error->message, spec->fix);
    }
  else if (td_runner_get_sandboxed (self->runner) && host_access_denied (exit_status, err))
    {
      /* Every tool row says so: none of them can be checked until the permission is granted. */
      td_preflight_check_set_result (check, TD_CHECK_STATUS_FAILED, NULL, HOST_ACCESS_DETAIL,
                                     HOST_ACCESS_FIX);
    }
  else if (exit_status != 0 && td_runner_get_sandboxed (self->runner) &&
           td_runner_host_program_missing (exit_status, err))
    {
      g_autofree char *detail = g_strdup_printf ("“%s” is not installed on the host or not on its PATH",
                                                 spec->argv[0]);

      td_preflight_check_set_result (check, missing_status, NULL, detail, spec->fix);
    }
  else if (exit_status != 0)
    {
      g_autofree char *said = first_line (*err != '\0' ? err : out);
      g_autofree char *detail = spec->failed_detail != NULL
        ? g_strdup (spec->failed_detail)
        : g_strdup_printf ("“%s” failed (exit status %d)%s%s", command, exit_status,
                           said != NULL ? ": " : "", said != NULL ? said : "");

      td_preflight_check_set_result (check, missing_status, NULL, detail, spec->fix);
    }
  else
    {
      g_autofree char *version = td_preflight_parse_version (out);
      g_autofree char *path = NULL;
      g_autofree char *detail = NULL;

      if (version == NULL)
        version = td_preflight_parse_version (err);
      if (spec->found_detail != NULL)
        detail = g_strdup (spec->found_detail);
      else if (td_runner_get_sandboxed (self->runner))
        detail = g_strdup ("Found on the host");
      else if ((path = td_runner_find_program (self->runner, spec->argv[0])) != NULL)
        detail = g_strdup_printf ("Found at %s", path);
      else
        detail = g_strdup ("Found");

      td_preflight_check_set_result (check, TD_CHECK_STATUS_OK, version, detail, NULL);
    }
}

static void
on_tool_captured (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  ToolRun *run = user_data;
  g_autoptr(TdPreflight) self = run->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int exit_status = -1;

  td_runner_capture_finish (TD_RUNNER (source), result, &out, &err, &exit_status, &error);
  report_tool (self, run->spec, error, out, err, exit_status);
  g_free (run);

  self->pending_tools--;
  finish_run_if_done (self);
}

static void
start_tool_checks (TdPreflight  *self,
                   GCancellable *cancellable)
{
  for (guint i = 0; i < G_N_ELEMENTS (tool_specs); i++)
    {
      ToolRun *run = g_new0 (ToolRun, 1);

      run->self = g_object_ref (self);
      run->spec = &tool_specs[i];
      td_preflight_check_set_result (td_preflight_lookup (self, run->spec->id),
                                     TD_CHECK_STATUS_RUNNING, NULL, NULL, NULL);
      self->pending_tools++;
      td_runner_capture_async (self->runner, run->spec->argv, NULL, NULL, self->tool_timeout_ms,
                               cancellable, on_tool_captured, run);
    }
}

/* ---- Project -------------------------------------------------------------------------------- */

static gboolean
is_regular_file (GFile *file)
{
  return g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_REGULAR;
}

static void
check_project_file (TdPreflight    *self,
                    GFile          *project_dir,
                    const FileSpec *spec)
{
  TdPreflightCheck *check = td_preflight_lookup (self, spec->id);
  g_autoptr(GFile) file = g_file_resolve_relative_path (project_dir, spec->path);
  g_autofree char *found = NULL;

  if (!is_regular_file (file))
    {
      td_preflight_check_set_result (check, TD_CHECK_STATUS_FAILED, NULL, spec->missing, spec->fix);
      return;
    }
  found = g_strdup_printf ("Found %s", spec->path);
  td_preflight_check_set_result (check, TD_CHECK_STATUS_OK, NULL, found, NULL);
}

static gboolean
sets_standalone_output (const char *text)
{
  static GRegex *regex;

  if (g_once_init_enter (&regex))
    {
      GRegex *compiled = g_regex_new ("\\boutput\\s*:\\s*(['\"])standalone\\1",
                                      G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&regex, compiled);
    }
  return g_regex_match (regex, text, 0, NULL);
}

static void
check_next_config (TdPreflight *self,
                   GFile       *project_dir)
{
  TdPreflightCheck *check = td_preflight_lookup (self, "next-standalone");
  g_autofree char *detail = NULL;
  g_autofree char *fix = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (next_config_names); i++)
    {
      g_autofree char *relative = g_build_filename ("frontend", next_config_names[i], NULL);
      g_autoptr(GFile) file = g_file_resolve_relative_path (project_dir, relative);
      g_autofree char *text = NULL;

      if (!is_regular_file (file) || !g_file_load_contents (file, NULL, &text, NULL, NULL, NULL))
        continue;

      if (sets_standalone_output (text))
        {
          detail = g_strdup_printf ("%s sets output: 'standalone'", relative);
          td_preflight_check_set_result (check, TD_CHECK_STATUS_OK, NULL, detail, NULL);
        }
      else
        {
          detail = g_strdup_printf ("%s does not set output: 'standalone', which the frontend "
                                    "image needs", relative);
          fix = g_strdup_printf ("Add output: 'standalone' to %s; " STANDALONE_FIX_LATER, relative);
          td_preflight_check_set_result (check, TD_CHECK_STATUS_WARNING, NULL, detail, fix);
        }
      return;
    }

  td_preflight_check_set_result (check, TD_CHECK_STATUS_WARNING, NULL,
                                 "No next.config.js, next.config.mjs or next.config.ts in frontend/",
                                 "Create frontend/next.config.mjs with output: 'standalone'; "
                                 STANDALONE_FIX_LATER);
}

static char *
join_names (const char * const *names)
{
  g_autoptr(GString) joined = g_string_new (NULL);
  guint n = g_strv_length ((char **) names);

  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (joined, i == n - 1 ? " and " : ", ");
      g_string_append (joined, names[i]);
    }
  return g_string_free (g_steal_pointer (&joined), FALSE);
}

static void
check_env_file (TdPreflight *self,
                GFile       *project_dir)
{
  TdPreflightCheck *check = td_preflight_lookup (self, "env-file");
  g_autoptr(GFile) file = g_file_get_child (project_dir, ".env");
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *all_keys = join_names (required_env_keys);
  g_autoptr(GHashTable) env = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) missing = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *fix = NULL;

  /* Only key names leave this function: values are secrets. */
  if (!is_regular_file (file))
    {
      fix = g_strdup_printf ("Create .env in the project folder with %s (one KEY=value per line)",
                             all_keys);
      td_preflight_check_set_result (check, TD_CHECK_STATUS_FAILED, NULL,
                                     "No .env file in the project folder", fix);
      return;
    }

  env = td_dotenv_load (path, &error);
  if (env == NULL)
    {
      detail = g_strdup_printf (".env could not be read: %s", error->message);
      td_preflight_check_set_result (check, TD_CHECK_STATUS_FAILED, NULL, detail,
                                     "Fix that line: each line is KEY=value, a comment (#) or empty");
      return;
    }

  missing = td_dotenv_missing (env, required_env_keys);
  if (missing[0] != NULL)
    {
      g_autofree char *names = join_names ((const char * const *) missing);
      g_autofree char *listed = g_strjoinv (", ", missing);

      detail = g_strdup_printf ("Missing keys: %s", listed);
      fix = g_strdup_printf ("Add %s to .env (one KEY=value per line)", names);
      td_preflight_check_set_result (check, TD_CHECK_STATUS_FAILED, NULL, detail, fix);
      return;
    }

  detail = g_strdup_printf ("%s are set", all_keys);
  td_preflight_check_set_result (check, TD_CHECK_STATUS_OK, NULL, detail, NULL);
}

static void
run_project_checks (TdPreflight *self,
                    GFile       *project_dir)
{
  /* Small local files: read here rather than in a thread, so rows only change on our context. */
  if (project_dir == NULL)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->checks));

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(TdPreflightCheck) check = g_list_model_get_item (G_LIST_MODEL (self->checks), i);

          if (td_preflight_check_get_group (check) == TD_CHECK_GROUP_PROJECT)
            td_preflight_check_set_result (check, TD_CHECK_STATUS_UNKNOWN, NULL,
                                           "No project folder chosen yet",
                                           "Choose the Todo Chatbot project folder");
        }
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (file_specs); i++)
    check_project_file (self, project_dir, &file_specs[i]);
  check_next_config (self, project_dir);
  check_env_file (self, project_dir);
}

void
td_preflight_run_async (TdPreflight         *self,
                        GFile               *project_dir,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TD_IS_PREFLIGHT (self));
  g_return_if_fail (project_dir == NULL || G_IS_FILE (project_dir));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, td_preflight_run_async);

  if (self->task != NULL)
    {
      g_task_return_new_error (task, TD_ERROR, TD_ERROR_FAILED,
                               "The checks are already running; wait for them to finish");
      return;
    }

  self->task = g_steal_pointer (&task);
  start_tool_checks (self, cancellable);
  run_project_checks (self, project_dir);
}

gboolean
td_preflight_run_finish (TdPreflight   *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (TD_IS_PREFLIGHT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
