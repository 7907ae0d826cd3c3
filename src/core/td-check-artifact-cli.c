/* td-check-artifact-cli.c: the --check-artifact command line mode */
#define G_LOG_DOMAIN "td-check-artifact-cli"

#include <gio/gio.h>
#include <gio/gunixinputstream.h>

#include "td-agent-output.h"
#include "td-artifact-check.h"
#include "td-check-artifact-cli.h"
#include "td-plan.h"

static char *
read_standard_input (GError **error)
{
  g_autoptr(GInputStream) input = g_unix_input_stream_new (0, FALSE);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();

  if (g_output_stream_splice (memory, input, G_OUTPUT_STREAM_SPLICE_NONE, NULL, error) < 0)
    return NULL;
  /* NUL-terminate for the parsers */
  if (!g_output_stream_write_all (memory, "", 1, NULL, NULL, error) ||
      !g_output_stream_close (memory, NULL, error))
    return NULL;
  return g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (memory));
}

int
td_check_artifact_cli_run (const char *file, const char *task_id, const char *plan_file, GString *out, GString *err)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdPlan) plan = td_plan_load (plan_file, &error);
  g_autoptr(GPtrArray) findings = NULL;
  g_autofree char *text = NULL;
  const char *source = g_strcmp0 (file, "-") == 0 ? "<stdin>" : file;
  const TdYamlNode *contract;
  TdTask *task;
  TdAgentArtifact artifact;
  const char *what;
  guint n_errors, n_warnings;

  if (plan == NULL)
    {
      g_string_append_printf (err, "The %s cannot be loaded: %s\n", plan_file ? "plan" : "bundled plan", error->message);
      return TD_CHECK_ARTIFACT_CANNOT_CHECK;
    }
  if (task_id == NULL)
    {
      g_string_append (err, "--check-artifact needs the task whose contract applies, e.g. --task T007.\n");
      return TD_CHECK_ARTIFACT_CANNOT_CHECK;
    }
  task = td_plan_lookup_task (plan, task_id);
  if (task == NULL)
    {
      g_string_append_printf (err, "The plan has no task “%s”; give one such as --task T007.\n", task_id);
      return TD_CHECK_ARTIFACT_CANNOT_CHECK;
    }
  contract = td_task_get_contract (task);
  if (contract == NULL)
    {
      g_string_append_printf (err, "Task %s (%s) has no artifact contract to check against; "
                              "the tasks with one are the agent tasks T007, T011 and T016–T020.\n",
                              task_id, td_task_get_title (task));
      return TD_CHECK_ARTIFACT_CANNOT_CHECK;
    }
  artifact = g_strcmp0 (td_yaml_mapping_get_string (contract, "type"), "dockerfile") == 0
               ? TD_AGENT_ARTIFACT_DOCKERFILE : TD_AGENT_ARTIFACT_MANIFEST;
  what = artifact == TD_AGENT_ARTIFACT_DOCKERFILE ? "Dockerfile" : "manifest";

  if (g_strcmp0 (file, "-") == 0)
    text = read_standard_input (&error);
  else if (!g_file_get_contents (file, &text, NULL, &error))
    g_clear_pointer (&text, g_free);
  if (text == NULL)
    {
      g_string_append_printf (err, "Cannot read %s: %s\n", source, error->message);
      return TD_CHECK_ARTIFACT_CANNOT_CHECK;
    }

  /* An agent's raw output: take the artifact out exactly as the wizard does, and say so. */
  if (!td_agent_output_looks_plain (text, artifact))
    {
      const char *agent = td_task_get_agent (task);
      g_autofree char *agent_name = g_strcmp0 (agent, "gordon") == 0 ? g_strdup ("Gordon")
                                    : g_strdup (agent != NULL ? agent : "the agent");
      TdAgentOutputSource found;
      char *extracted = td_agent_output_extract (text, -1, artifact, agent_name,
                                                 td_yaml_mapping_get_string (contract, "kind"), &found, &error);

      if (extracted == NULL)
        {
          g_string_append_printf (err, "No %s to check in %s: %s\n", what, source, error->message);
          return TD_CHECK_ARTIFACT_FAILS_CONTRACT;
        }
      g_free (text);
      text = extracted;
      if (found != TD_AGENT_OUTPUT_PLAIN)
        g_string_append_printf (out, "extracted the %s from %s's output (%s)\n", what, agent_name,
                                td_agent_output_source_describe (found, artifact));
    }

  findings = td_artifact_check (contract, text, -1, source, &error);
  if (findings == NULL)
    {
      g_string_append_printf (err, "Cannot check %s: %s\n", source, error->message);
      return TD_CHECK_ARTIFACT_CANNOT_CHECK;
    }

  for (guint i = 0; i < findings->len; i++)
    {
      g_autofree char *line = td_artifact_finding_format (g_ptr_array_index (findings, i));

      g_string_append_printf (out, "%s\n", line);
    }
  n_errors = td_artifact_findings_count (findings, TD_ARTIFACT_SEVERITY_ERROR);
  n_warnings = td_artifact_findings_count (findings, TD_ARTIFACT_SEVERITY_WARNING);
  if (n_errors == 0)
    {
      g_string_append_printf (out, "%s meets the contract of %s (%u warning%s)\n",
                              source, task_id, n_warnings, n_warnings == 1 ? "" : "s");
      return TD_CHECK_ARTIFACT_MEETS_CONTRACT;
    }
  g_string_append_printf (out, "%s does not meet the contract of %s: %u error%s, %u warning%s\n",
                          source, task_id, n_errors, n_errors == 1 ? "" : "s",
                          n_warnings, n_warnings == 1 ? "" : "s");
  return TD_CHECK_ARTIFACT_FAILS_CONTRACT;
}
