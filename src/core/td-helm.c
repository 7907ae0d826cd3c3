/* td-helm.c: reading helm lint, helm status and helm list output */
#define G_LOG_DOMAIN "td-helm"

#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "td-error.h"
#include "td-helm.h"
#include "td-k8s-json.h"

void
td_helm_lint_free (TdHelmLint *lint)
{
  if (lint == NULL)
    return;
  g_strfreev (lint->errors);
  g_strfreev (lint->warnings);
  g_free (lint);
}

gboolean
td_helm_lint_passed (const TdHelmLint *lint)
{
  return lint->charts_linted > 0 && lint->charts_failed == 0;
}

/* "1 chart(s) linted, 0 chart(s) failed", with or without helm's "Error: " in front. */
static gboolean
parse_lint_summary (const char *line,
                    guint      *linted,
                    guint      *failed)
{
  int consumed = 0;

  if (g_str_has_prefix (line, "Error: "))
    line += strlen ("Error: ");
  if (sscanf (line, "%u chart(s) linted, %u chart(s) failed%n", linted, failed, &consumed) != 2)
    return FALSE;
  return line[consumed] == '\0';
}

/* helm's own "Error: …" line (a failure before any chart was linted), or NULL. */
static char *
find_error_line (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "Error: "))
      return g_strstrip (g_strdup (lines[i] + strlen ("Error: ")));
  return NULL;
}

TdHelmLint *
td_helm_lint_parse (const char  *stdout_text,
                    const char  *stderr_text,
                    GError     **error)
{
  g_autoptr(TdHelmLint) lint = g_new0 (TdHelmLint, 1);
  g_autoptr(GStrvBuilder) errors = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) warnings = g_strv_builder_new ();
  const char *streams[] = { stdout_text, stderr_text };
  gboolean has_summary = FALSE;

  for (guint s = 0; s < G_N_ELEMENTS (streams); s++)
    {
      g_auto(GStrv) lines = g_strsplit (streams[s] != NULL ? streams[s] : "", "\n", -1);

      for (guint i = 0; lines[i] != NULL; i++)
        {
          char *line = g_strstrip (lines[i]);

          if (g_str_has_prefix (line, "[ERROR] "))
            g_strv_builder_add (errors, line + strlen ("[ERROR] "));
          else if (g_str_has_prefix (line, "[WARNING] "))
            g_strv_builder_add (warnings, line + strlen ("[WARNING] "));
          else if (parse_lint_summary (line, &lint->charts_linted, &lint->charts_failed))
            has_summary = TRUE;
        }
    }

  if (!has_summary)
    {
      g_autofree char *helm_error = find_error_line (stderr_text);

      if (helm_error != NULL)
        g_set_error (error, TD_ERROR, TD_ERROR_EXITED, "helm lint could not lint the chart: %s",
                     helm_error);
      else
        g_set_error_literal (error, TD_ERROR, TD_ERROR_PARSE,
                             "helm lint printed no “N chart(s) linted, M chart(s) failed” line: "
                             "is “helm” Helm 3 or 4?");
      return NULL;
    }
  lint->errors = g_strv_builder_end (errors);
  lint->warnings = g_strv_builder_end (warnings);
  return g_steal_pointer (&lint);
}

void
td_helm_release_free (TdHelmRelease *release)
{
  if (release == NULL)
    return;
  g_free (release->name);
  g_free (release->namespace);
  g_free (release->status);
  g_free (release->chart);
  g_free (release->app_version);
  g_free (release->description);
  g_free (release->explanation);
  g_strfreev (release->fix_argv);
  g_free (release);
}

gboolean
td_helm_release_is_deployed (const TdHelmRelease *release)
{
  return g_strcmp0 (release->status, "deployed") == 0;
}

/* helm rollback|uninstall NAME, with --namespace when it is not the default one. */
static GStrv
fix_command (const TdHelmRelease *release,
             const char          *verb)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_strv_builder_add_many (builder, "helm", verb, release->name, NULL);
  if (release->namespace != NULL && g_strcmp0 (release->namespace, "default") != 0)
    g_strv_builder_add_many (builder, "--namespace", release->namespace, NULL);
  return g_strv_builder_end (builder);
}

/* A pending-* release blocks every later install or upgrade ("another operation … is in
 * progress") until someone clears it; a failed one is retried by the next upgrade --install. */
static void
explain_release (TdHelmRelease *release)
{
  const char *operation = NULL;

  if (g_strcmp0 (release->status, "pending-install") == 0)
    operation = "install";
  else if (g_strcmp0 (release->status, "pending-upgrade") == 0)
    operation = "upgrade";
  else if (g_strcmp0 (release->status, "pending-rollback") == 0)
    operation = "rollback";

  if (operation != NULL)
    {
      /* Rolling back needs an earlier revision to go back to; a first install has none. */
      gboolean can_roll_back = release->revision > 1 && g_strcmp0 (operation, "install") != 0;
      g_autofree char *command = NULL;

      release->fix_argv = fix_command (release, can_roll_back ? "rollback" : "uninstall");
      command = g_strjoinv (" ", release->fix_argv);
      release->explanation =
        g_strdup_printf ("A previous %s of %s was interrupted, and Helm still marks it as in "
                         "progress (%s), which blocks every new install or upgrade. %s clears it: "
                         "%s", operation, release->name, release->status,
                         can_roll_back ? "Rolling back to the last good revision"
                                       : "Removing the unfinished release",
                         command);
    }
  else if (g_strcmp0 (release->status, "failed") == 0)
    release->explanation =
      g_strdup_printf ("The last install or upgrade of %s failed%s%s. Deploying again retries it.",
                       release->name, release->description != NULL ? ": " : "",
                       release->description != NULL ? release->description : "");
}

TdHelmRelease *
td_helm_status_parse (const char  *stdout_text,
                      const char  *stderr_text,
                      int          exit_status,
                      GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) json_error = NULL;
  TdHelmRelease *release;
  JsonNode *root;
  JsonObject *object, *info;

  if (exit_status != 0)
    {
      g_autofree char *helm_error = find_error_line (stderr_text);

      if (helm_error != NULL && strstr (helm_error, "release: not found") != NULL)
        g_set_error_literal (error, TD_ERROR, TD_ERROR_NOT_FOUND,
                             "The release is not installed yet: the Helm deploy step installs it");
      else
        g_set_error (error, TD_ERROR, TD_ERROR_EXITED, "helm status failed: %s",
                     helm_error != NULL ? helm_error : "it printed no reason");
      return NULL;
    }

  if (!json_parser_load_from_data (parser, stdout_text != NULL ? stdout_text : "", -1, &json_error) ||
      !JSON_NODE_HOLDS_OBJECT ((root = json_parser_get_root (parser))))
    {
      g_set_error_literal (error, TD_ERROR, TD_ERROR_PARSE,
                           "helm status did not print a JSON release: was “-o json” passed?");
      return NULL;
    }
  object = json_node_get_object (root);
  info = td_json_get_object (object, "info");
  if (td_json_get_string (object, "name") == NULL || td_json_get_string (info, "status") == NULL)
    {
      g_set_error_literal (error, TD_ERROR, TD_ERROR_PARSE,
                           "helm status printed JSON without a name or info.status");
      return NULL;
    }

  release = g_new0 (TdHelmRelease, 1);
  release->name = g_strdup (td_json_get_string (object, "name"));
  release->namespace = g_strdup (td_json_get_string (object, "namespace"));
  release->revision = (guint) CLAMP (td_json_get_int (object, "version", 0), 0, G_MAXUINT);
  release->status = g_strdup (td_json_get_string (info, "status"));
  release->description = g_strdup (td_json_get_string (info, "description"));
  release->app_version = g_strdup (td_json_get_string (td_json_get_object (
                                     td_json_get_object (object, "chart"), "metadata"),
                                   "appVersion"));
  explain_release (release);
  return release;
}

GPtrArray *
td_helm_list_parse (const char  *stdout_text,
                    GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) json_error = NULL;
  g_autoptr(GPtrArray) releases = NULL;
  JsonArray *array;

  if (!json_parser_load_from_data (parser, stdout_text != NULL ? stdout_text : "", -1, &json_error) ||
      !JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    {
      g_set_error_literal (error, TD_ERROR, TD_ERROR_PARSE,
                           "helm list did not print a JSON list: was “-o json” passed?");
      return NULL;
    }

  releases = g_ptr_array_new_with_free_func ((GDestroyNotify) td_helm_release_free);
  array = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = td_json_array_get_object (array, i);
      TdHelmRelease *release;
      const char *revision;

      if (object == NULL || td_json_get_string (object, "name") == NULL)
        {
          g_set_error (error, TD_ERROR, TD_ERROR_PARSE,
                       "helm list printed an entry without a name (entry %u)", i + 1);
          return NULL;
        }
      release = g_new0 (TdHelmRelease, 1);
      release->name = g_strdup (td_json_get_string (object, "name"));
      release->namespace = g_strdup (td_json_get_string (object, "namespace"));
      release->status = g_strdup (td_json_get_string (object, "status"));
      release->chart = g_strdup (td_json_get_string (object, "chart"));
      release->app_version = g_strdup (td_json_get_string (object, "app_version"));
      /* helm list writes the revision as a string ("3"). */
      revision = td_json_get_string (object, "revision");
      release->revision = revision != NULL ? (guint) g_ascii_strtoull (revision, NULL, 10)
                                           : (guint) td_json_get_int (object, "revision", 0);
      explain_release (release);
      g_ptr_array_add (releases, release);
    }
  return g_steal_pointer (&releases);
}
