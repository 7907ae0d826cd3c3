/* kd-scenario.c: reads a scenario file; objects may start from a fixture and override fields */
#define G_LOG_DOMAIN "kd-scenario"

#include <gio/gio.h>
#include <string.h>

#include "kd-scenario.h"

#ifndef KD_DEFAULT_SHARED_DIR
#define KD_DEFAULT_SHARED_DIR "."  /* tests set TD_SHARED_DIR */
#endif

char *
kd_fixture_path (const char *name)
{
  const char *shared = g_getenv ("TD_SHARED_DIR");

  if (shared != NULL && *shared != '\0')
    return g_build_filename (shared, "fixtures", "k8s", name, NULL);
  return g_build_filename (KD_DEFAULT_SHARED_DIR, "fixtures", "k8s", name, NULL);
}

JsonNode *
kd_fixture_load (const char *name, GError **error)
{
  g_autofree char *path = kd_fixture_path (name);
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (!json_parser_load_from_file (parser, path, error))
    return NULL;
  return json_parser_steal_root (parser);
}

static void
timeline_step_free (KdTimelineStep *step)
{
  g_free (step->type);
  g_clear_pointer (&step->pod, json_node_unref);
  g_free (step);
}

static void
fault_free (KdFault *fault)
{
  g_free (fault->match);
  g_clear_pointer (&fault->requests, g_array_unref);
  g_free (fault);
}

KdScenario *
kd_scenario_new_empty (void)
{
  KdScenario *scenario = g_new0 (KdScenario, 1);

  scenario->namespace_ = g_strdup ("default");
  scenario->resource_version = 1000;
  scenario->pods = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  scenario->timeline = g_ptr_array_new_with_free_func ((GDestroyNotify) timeline_step_free);
  scenario->faults = g_ptr_array_new_with_free_func ((GDestroyNotify) fault_free);
  scenario->watch_end_ms = -1;
  scenario->events = json_array_new ();
  scenario->nodes = json_array_new ();
  scenario->services = json_array_new ();
  scenario->secrets = json_array_new ();
  scenario->pod_metrics = json_array_new ();
  return scenario;
}

void
kd_scenario_free (KdScenario *scenario)
{
  if (scenario == NULL)
    return;
  g_free (scenario->namespace_);
  g_ptr_array_unref (scenario->pods);
  g_ptr_array_unref (scenario->timeline);
  g_ptr_array_unref (scenario->faults);
  json_array_unref (scenario->events);
  json_array_unref (scenario->nodes);
  json_array_unref (scenario->services);
  json_array_unref (scenario->secrets);
  json_array_unref (scenario->pod_metrics);
  g_free (scenario);
}

/* Overrides from @patch win; objects merge member by member, everything else is replaced. */
static void
deep_merge (JsonObject *target, JsonObject *patch)
{
  g_autoptr(GList) members = json_object_get_members (patch);

  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *value = json_object_get_member (patch, l->data);
      JsonNode *existing = json_object_get_member (target, l->data);

      if (existing != NULL && JSON_NODE_HOLDS_OBJECT (existing) && JSON_NODE_HOLDS_OBJECT (value))
        deep_merge (json_node_get_object (existing), json_node_get_object (value));
      else
        json_object_set_member (target, l->data, json_node_copy (value));
    }
}

static JsonObject *
ensure_object_member (JsonObject *object, const char *name)
{
  if (!json_object_has_member (object, name))
    json_object_set_object_member (object, name, json_object_new ());
  return json_object_get_object_member (object, name);
}

/* An object entry of a scenario: {"fixture": "pod-running-ready.json", "ageSeconds": 300, ...fields}. */
static JsonNode *
resolve_object (JsonNode *entry, const char *namespace_, GError **error)
{
  g_autoptr(JsonNode) result = NULL;
  JsonObject *object, *entry_object, *metadata;

  if (!JSON_NODE_HOLDS_OBJECT (entry))
    return g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "an object entry is not an object"), NULL;
  entry_object = json_node_get_object (entry);

  if (json_object_has_member (entry_object, "fixture"))
    {
      result = kd_fixture_load (json_object_get_string_member (entry_object, "fixture"), error);
      if (result == NULL)
        return NULL;
    }
  else
    result = json_node_init_object (json_node_alloc (), json_object_new ());
  object = json_node_get_object (result);
  deep_merge (object, entry_object);
  json_object_remove_member (object, "fixture");

  metadata = ensure_object_member (object, "metadata");
  if (json_object_has_member (object, "ageSeconds"))
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autoptr(GDateTime) created =
        g_date_time_add_seconds (now, -(gdouble) json_object_get_int_member (object, "ageSeconds"));
      g_autofree char *timestamp = g_date_time_format (created, "%FT%TZ");
      json_object_set_string_member (metadata, "creationTimestamp", timestamp);
      json_object_remove_member (object, "ageSeconds");
    }
  if (namespace_ != NULL && !json_object_has_member (metadata, "namespace"))
    json_object_set_string_member (metadata, "namespace", namespace_);
  if (!json_object_has_member (metadata, "uid"))
    {
      g_autofree char *uid = g_uuid_string_random ();
      json_object_set_string_member (metadata, "uid", uid);
    }
  return g_steal_pointer (&result);
}

static gboolean
load_object_array (JsonObject *root, const char *member, const char *namespace_,
                   JsonArray *into, GPtrArray *into_nodes, GError **error)
{
  JsonArray *array;

  if (!json_object_has_member (root, member))
    return TRUE;
  array = json_object_get_array_member (root, member);
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *object = resolve_object (json_array_get_element (array, i), namespace_, error);
      if (object == NULL)
        return g_prefix_error (error, "%s[%u]: ", member, i), FALSE;
      if (into != NULL)
        json_array_add_element (into, object);
      else
        g_ptr_array_add (into_nodes, object);
    }
  return TRUE;
}

static gboolean
parse_fault (JsonObject *object, KdFault *fault, GError **error)
{
  static const struct { const char *name; KdFaultKind kind; } kinds[] = {
    { "delay", KD_FAULT_DELAY }, { "http-500", KD_FAULT_HTTP_500 }, { "http-410", KD_FAULT_HTTP_410 },
    { "watch-error-410", KD_FAULT_WATCH_ERROR_410 }, { "close-mid-stream", KD_FAULT_CLOSE_MID_STREAM },
  };
  const char *kind = json_object_get_string_member_with_default (object, "fault", "");
  gboolean known = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (strcmp (kind, kinds[i].name) == 0)
      {
        fault->kind = kinds[i].kind;
        known = TRUE;
      }
  if (!known)
    return g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "unknown fault “%s”", kind), FALSE;

  fault->match = g_strdup (json_object_get_string_member_with_default (object, "match", "any"));
  fault->delay_ms = json_object_get_int_member_with_default (object, "delayMs", 0);
  fault->after_events = json_object_get_int_member_with_default (object, "afterEvents", 1);
  if (json_object_has_member (object, "requests"))
    {
      JsonArray *requests = json_object_get_array_member (object, "requests");
      fault->requests = g_array_new (FALSE, FALSE, sizeof (guint));
      for (guint i = 0; requests != NULL && i < json_array_get_length (requests); i++)
        {
          guint n = json_array_get_int_element (requests, i);
          g_array_append_val (fault->requests, n);
        }
    }
  return TRUE;
}

static gint
compare_steps (gconstpointer a, gconstpointer b)
{
  const KdTimelineStep *x = *(KdTimelineStep **) a, *y = *(KdTimelineStep **) b;
  return x->after_ms < y->after_ms ? -1 : x->after_ms > y->after_ms;
}

KdScenario *
kd_scenario_load (const char  *path,
                  GError     **error)
{
  g_autoptr(KdScenario) scenario = kd_scenario_new_empty ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;
  JsonArray *array;
  gint64 last_step_ms = 0;

  if (!json_parser_load_from_file (parser, path, error))
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: not a JSON object", path), NULL;
  root = json_node_get_object (json_parser_get_root (parser));

  g_free (scenario->namespace_);
  scenario->namespace_ = g_strdup (json_object_get_string_member_with_default (root, "namespace", "default"));
  scenario->resource_version = json_object_get_int_member_with_default (root, "resourceVersion", 1000);
  scenario->clock_at_start = g_strcmp0 (json_object_get_string_member_with_default (root, "clock", ""), "start") == 0;
  scenario->alternative_certificate =
    g_strcmp0 (json_object_get_string_member_with_default (root, "serverCertificate", ""), "alternative") == 0;

  if (!load_object_array (root, "pods", scenario->namespace_, NULL, scenario->pods, error) ||
      !load_object_array (root, "events", scenario->namespace_, scenario->events, NULL, error) ||
      !load_object_array (root, "nodes", NULL, scenario->nodes, NULL, error) ||
      !load_object_array (root, "services", scenario->namespace_, scenario->services, NULL, error) ||
      !load_object_array (root, "secrets", scenario->namespace_, scenario->secrets, NULL, error) ||
      !load_object_array (root, "podMetrics", scenario->namespace_, scenario->pod_metrics, NULL, error))
    return g_prefix_error (error, "%s: ", path), NULL;

  array = json_object_has_member (root, "timeline") ? json_object_get_array_member (root, "timeline") : NULL;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *entry = json_array_get_object_element (array, i);
      KdTimelineStep *step = g_new0 (KdTimelineStep, 1);

      g_ptr_array_add (scenario->timeline, step);
      step->after_ms = json_object_get_int_member_with_default (entry, "afterMs", 0);
      step->type = g_strdup (json_object_get_string_member_with_default (entry, "type", "MODIFIED"));
      last_step_ms = MAX (last_step_ms, step->after_ms);
      if (strcmp (step->type, "BOOKMARK") == 0)
        continue;
      if (!json_object_has_member (entry, "pod") ||
          (step->pod = resolve_object (json_object_get_member (entry, "pod"), scenario->namespace_, error)) == NULL)
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "a %s step has no pod", step->type);
          return g_prefix_error (error, "%s: timeline[%u]: ", path, i), NULL;
        }
    }
  g_ptr_array_sort (scenario->timeline, compare_steps);

  /* By default the watch ends shortly after the last scripted change, so `kubectl get -w` exits. */
  scenario->watch_end_ms = json_object_get_int_member_with_default (root, "watchEndMs", last_step_ms + 300);

  array = json_object_has_member (root, "faults") ? json_object_get_array_member (root, "faults") : NULL;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      KdFault *fault = g_new0 (KdFault, 1);

      g_ptr_array_add (scenario->faults, fault);
      if (!parse_fault (json_array_get_object_element (array, i), fault, error))
        return g_prefix_error (error, "%s: faults[%u]: ", path, i), NULL;
    }

  return g_steal_pointer (&scenario);
}
