/* td-pod-diagnosis.c: the built-in health analyser, after k8sgpt's pkg/analyzer/pod.go.
 *
 * Order of checks: the pod as a whole (unschedulable, evicted), then each init container, then each
 * container; the first problem found is reported. Decisions are made on reasons, never on message
 * text, except to pick out a name (the missing secret, the missing key) for the hint. */
#define G_LOG_DOMAIN "td-pod-diagnosis"

#include "td-pod-diagnosis.h"

#include <string.h>

#include "td-k8s-json.h"
#include "td-pod-health.h"
#include "td-quantity.h"

G_DEFINE_BOXED_TYPE (TdPodDiagnosis, td_pod_diagnosis, td_pod_diagnosis_copy, td_pod_diagnosis_free)

/* ---- the rules, from the plan ---- */

/* Every problem the analyser tells apart; settings.diagnoses names the phase that fixes each. */
typedef enum {
  MISSING_LOCAL_IMAGE, INVALID_IMAGE_NAME, IMAGE_PULL_FAILED, MISSING_SECRET, WRONG_SECRET_NAME,
  MISSING_SECRET_KEY, MISSING_CONFIGMAP, CONFIG_ERROR, OUT_OF_MEMORY, CANNOT_START, CRASH,
  PROBE_WRONG_PORT, PROBE_FAILING, MISSING_SECRET_VOLUME, MOUNT_FAILED, SANDBOX_FAILED, BROKEN_IMAGE,
  CONTAINER_ERROR, NODE_TOO_SMALL, NODE_SELECTOR, UNSCHEDULABLE, EVICTED, N_KINDS
} Kind;

static const char * const kind_names[N_KINDS] = {
  "missing-local-image", "invalid-image-name", "image-pull-failed", "missing-secret", "wrong-secret-name",
  "missing-secret-key", "missing-configmap", "config-error", "out-of-memory", "cannot-start", "crash",
  "probe-wrong-port", "probe-failing", "missing-secret-volume", "mount-failed", "sandbox-failed",
  "broken-image", "container-error", "node-too-small", "node-selector", "unschedulable", "evicted",
};

/* The fix phase that means "the image phase of the pod's component". */
#define COMPONENT_IMAGE_PHASE "image"

typedef struct {
  char   *name;          /* "backend": also its key in values.yaml */
  char  **label_names;   /* the pod labels that say a pod is this component's… */
  char  **label_values;  /* …and their values */
  char   *image;         /* "todo-backend:latest" */
  char   *image_phase;   /* where the image is built */
  char   *image_phase_title;
  gint64  port;          /* what its readiness probe should ask */
  char   *probe_path;
  char   *crash_hint;    /* the usual cause when its container keeps stopping */
} Component;

static void
component_clear (Component *component)
{
  g_free (component->name);
  g_strfreev (component->label_names);
  g_strfreev (component->label_values);
  g_free (component->image);
  g_free (component->image_phase);
  g_free (component->image_phase_title);
  g_free (component->probe_path);
  g_free (component->crash_hint);
}

struct _TdPodDiagnosisRules
{
  gatomicrefcount  ref_count;
  char            *secret_name;
  char            *env_keys;       /* "DATABASE_URL, OPENAI_API_KEY, BETTER_AUTH_SECRET" */
  char            *values_file;
  GArray          *components;     /* of Component */
  char            *fix_phase[N_KINDS];
  char            *fix_title[N_KINDS];
};

TdPodDiagnosisRules *
td_pod_diagnosis_rules_ref (TdPodDiagnosisRules *rules)
{
  g_return_val_if_fail (rules != NULL, NULL);
  g_atomic_ref_count_inc (&rules->ref_count);
  return rules;
}

void
td_pod_diagnosis_rules_unref (TdPodDiagnosisRules *rules)
{
  if (rules == NULL || !g_atomic_ref_count_dec (&rules->ref_count))
    return;
  g_free (rules->secret_name);
  g_free (rules->env_keys);
  g_free (rules->values_file);
  g_array_unref (rules->components);
  for (guint kind = 0; kind < N_KINDS; kind++)
    {
      g_free (rules->fix_phase[kind]);
      g_free (rules->fix_title[kind]);
    }
  g_free (rules);
}

static gboolean
read_component (TdPodDiagnosisRules *rules, const char *name, const TdYamlNode *node,
                TdPhaseTitleFunc phase_title, gpointer user_data, GError **error)
{
  static const char * const needed[] = { "labels", "image", "image_phase", "port", "probe_path", "crash_hint" };
  static const char * const known[] = { "labels", "image", "image_phase", "port", "probe_path", "crash_hint", NULL };
  const TdYamlNode *labels = td_yaml_mapping_get (node, "labels");
  const char *image_phase = td_yaml_mapping_get_string (node, "image_phase");
  const char *title = image_phase != NULL ? phase_title (image_phase, user_data) : NULL;
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) values = g_strv_builder_new ();
  Component component = { 0 };

  if (node->kind != TD_YAML_MAPPING)
    return td_yaml_set_error (node, error, "component “%s” must be a mapping", name);
  for (guint i = 0; i < node->keys->len; i++)
    if (!g_strv_contains (known, ((const TdYamlNode *) node->keys->pdata[i])->value))
      return td_yaml_set_error (node->keys->pdata[i], error, "unknown key “%s” in a component",
                                ((const TdYamlNode *) node->keys->pdata[i])->value);
  for (gsize i = 0; i < G_N_ELEMENTS (needed); i++)
    if (td_yaml_mapping_get (node, needed[i]) == NULL)
      return td_yaml_set_error (node, error, "component “%s” has no “%s”, which the health analysis needs",
                                name, needed[i]);
  if (labels->kind != TD_YAML_MAPPING || td_yaml_n_children (labels) == 0)
    return td_yaml_set_error (labels, error, "“labels” must map label names to values");
  if (title == NULL)
    return td_yaml_set_error (td_yaml_mapping_get (node, "image_phase"), error,
                              "“%s” is not a phase of this plan", image_phase ? image_phase : "");
  if (!td_yaml_get_int (td_yaml_mapping_get (node, "port"), &component.port))
    return td_yaml_set_error (td_yaml_mapping_get (node, "port"), error, "“port” must be a number");
  for (guint i = 0; i < td_yaml_n_children (labels); i++)
    {
      g_strv_builder_add (names, ((const TdYamlNode *) labels->keys->pdata[i])->value);
      g_strv_builder_add (values, td_yaml_scalar (td_yaml_child (labels, i)) ? td_yaml_scalar (td_yaml_child (labels, i)) : "");
    }
  component.name = g_strdup (name);
  component.label_names = g_strv_builder_end (names);
  component.label_values = g_strv_builder_end (values);
  component.image = g_strdup (td_yaml_mapping_get_string (node, "image"));
  component.image_phase = g_strdup (image_phase);
  component.image_phase_title = g_strdup (title);
  component.probe_path = g_strdup (td_yaml_mapping_get_string (node, "probe_path"));
  component.crash_hint = g_strdup (td_yaml_mapping_get_string (node, "crash_hint"));
  g_array_append_val (rules->components, component);
  return TRUE;
}

static gboolean
read_fix_phases (TdPodDiagnosisRules *rules, const TdYamlNode *table,
                 TdPhaseTitleFunc phase_title, gpointer user_data, GError **error)
{
  if (table == NULL || table->kind != TD_YAML_MAPPING)
    return td_yaml_set_error (table, error, "“diagnoses” must map each diagnosis to the phase that fixes it");
  for (guint i = 0; i < td_yaml_n_children (table); i++)
    {
      const TdYamlNode *key = table->keys->pdata[i];
      const TdYamlNode *value = td_yaml_child (table, i);
      const char *phase = td_yaml_scalar (value);
      guint kind;

      for (kind = 0; kind < N_KINDS && g_strcmp0 (kind_names[kind], key->value) != 0; kind++)
        ;
      if (kind == N_KINDS)
        {
          g_autofree char *known = g_strjoinv (", ", (char **) kind_names);
          return td_yaml_set_error (key, error, "unknown diagnosis “%s” (known: %s)", key->value, known);
        }
      if (g_strcmp0 (phase, COMPONENT_IMAGE_PHASE) != 0 && (phase == NULL || phase_title (phase, user_data) == NULL))
        return td_yaml_set_error (value, error, "“%s” is not a phase of this plan (nor “" COMPONENT_IMAGE_PHASE
                                  "”, the image phase of the pod's component)", phase ? phase : "");
      rules->fix_phase[kind] = g_strdup (phase);
      rules->fix_title[kind] = g_str_equal (phase, COMPONENT_IMAGE_PHASE) ? NULL : g_strdup (phase_title (phase, user_data));
    }
  for (guint kind = 0; kind < N_KINDS; kind++)
    if (rules->fix_phase[kind] == NULL)
      return td_yaml_set_error (table, error, "“diagnoses” does not say which phase fixes “%s”", kind_names[kind]);
  return TRUE;
}

static char *
join_scalars (const TdYamlNode *list)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) items = NULL;

  for (guint i = 0; i < td_yaml_n_children (list); i++)
    if (td_yaml_scalar (td_yaml_child (list, i)) != NULL)
      g_strv_builder_add (builder, td_yaml_scalar (td_yaml_child (list, i)));
  items = g_strv_builder_end (builder);
  return g_strjoinv (", ", items);
}

TdPodDiagnosisRules *
td_pod_diagnosis_rules_new (const TdYamlNode *settings, TdPhaseTitleFunc phase_title, gpointer user_data,
                            GError **error)
{
  g_autoptr(TdPodDiagnosisRules) rules = g_new0 (TdPodDiagnosisRules, 1);
  const TdYamlNode *components = td_yaml_mapping_get (settings, "components");

  g_return_val_if_fail (settings != NULL && phase_title != NULL, NULL);

  g_atomic_ref_count_init (&rules->ref_count);
  rules->components = g_array_new (FALSE, TRUE, sizeof (Component));
  g_array_set_clear_func (rules->components, (GDestroyNotify) component_clear);
  rules->secret_name = g_strdup (td_yaml_mapping_get_string (settings, "secret_name"));
  rules->values_file = g_strdup (td_yaml_mapping_get_string (settings, "values_file"));
  rules->env_keys = join_scalars (td_yaml_mapping_get (settings, "required_env_keys"));
  if (components == NULL || components->kind != TD_YAML_MAPPING || td_yaml_n_children (components) == 0)
    {
      td_yaml_set_error (components ? components : settings, error,
                         "the settings need “components”: the app's parts, by name, for the health analysis");
      return NULL;
    }
  for (guint i = 0; i < td_yaml_n_children (components); i++)
    if (!read_component (rules, ((const TdYamlNode *) components->keys->pdata[i])->value,
                         td_yaml_child (components, i), phase_title, user_data, error))
      return NULL;
  if (!read_fix_phases (rules, td_yaml_mapping_get (settings, "diagnoses"), phase_title, user_data, error))
    return NULL;
  return g_steal_pointer (&rules);
}

/* ---- a diagnosis ---- */

typedef struct {
  JsonObject *pod;
  JsonArray  *events;
  const char *pod_name;
  const TdPodDiagnosisRules *rules;
} Context;

static const char *
fix_phase (Context *context, Kind kind, const Component *component)
{
  const char *phase = context->rules != NULL ? context->rules->fix_phase[kind] : NULL;

  if (g_strcmp0 (phase, COMPONENT_IMAGE_PHASE) == 0)
    return component != NULL ? component->image_phase : NULL;
  return phase;
}

/* "the Helm Deploy phase": where the user makes the fix for @kind. */
static char *
fix_place (Context *context, Kind kind, const Component *component)
{
  const char *phase = context->rules != NULL ? context->rules->fix_phase[kind] : NULL;
  const char *title = NULL;

  if (g_strcmp0 (phase, COMPONENT_IMAGE_PHASE) == 0)
    title = component != NULL ? component->image_phase_title : NULL;
  else if (phase != NULL)
    title = context->rules->fix_title[kind];
  return title != NULL ? g_strdup_printf ("the %s phase", title) : g_strdup ("its phase");
}

static const char *
rules_secret (Context *context)
{
  return context->rules != NULL ? context->rules->secret_name : NULL;
}

/* The values file the chart reads ("charts/todo-app/values.yaml"). */
static const char *
rules_values_file (Context *context)
{
  return context->rules != NULL && context->rules->values_file != NULL ? context->rules->values_file
                                                                         : "the chart's values.yaml";
}

static TdPodDiagnosis *diagnosis_new (Context    *context,
                                      Kind        kind,
                                      const Component *component,
                                      const char *reason,
                                      const char *message,
                                      const char *container,
                                      const char *hint_format,
                                      ...) G_GNUC_PRINTF (7, 8);

static TdPodDiagnosis *
diagnosis_new (Context    *context,
               Kind        kind,
               const Component *component,
               const char *reason,
               const char *message,
               const char *container,
               const char *hint_format,
               ...)
{
  TdPodDiagnosis *diagnosis = g_new0 (TdPodDiagnosis, 1);
  va_list args;

  diagnosis->reason = g_strdup (reason);
  diagnosis->message = g_strdup (message != NULL ? message : "");
  diagnosis->phase_id = g_strdup (fix_phase (context, kind, component));
  diagnosis->container = g_strdup (container);
  va_start (args, hint_format);
  diagnosis->hint = g_strdup_vprintf (hint_format, args);
  va_end (args);
  return diagnosis;
}

TdPodDiagnosis *
td_pod_diagnosis_copy (const TdPodDiagnosis *diagnosis)
{
  TdPodDiagnosis *copy;

  g_return_val_if_fail (diagnosis != NULL, NULL);
  copy = g_new0 (TdPodDiagnosis, 1);
  copy->reason = g_strdup (diagnosis->reason);
  copy->message = g_strdup (diagnosis->message);
  copy->hint = g_strdup (diagnosis->hint);
  copy->phase_id = g_strdup (diagnosis->phase_id);
  copy->container = g_strdup (diagnosis->container);
  copy->needs_action = diagnosis->needs_action;
  return copy;
}

void
td_pod_diagnosis_free (TdPodDiagnosis *diagnosis)
{
  if (diagnosis == NULL)
    return;
  g_free (diagnosis->reason);
  g_free (diagnosis->message);
  g_free (diagnosis->hint);
  g_free (diagnosis->phase_id);
  g_free (diagnosis->container);
  g_free (diagnosis);
}

/* ---- what we know about the pod ---- */

/* The spec of the (init) container called @name. */
static JsonObject *
container_spec (JsonObject *pod,
                const char *name)
{
  JsonObject *spec = td_json_get_object (pod, "spec");
  const char *lists[] = { "containers", "initContainers" };

  for (gsize l = 0; l < G_N_ELEMENTS (lists); l++)
    {
      JsonArray *containers = td_json_get_array (spec, lists[l]);

      for (guint i = 0; containers != NULL && i < json_array_get_length (containers); i++)
        {
          JsonObject *container = td_json_array_get_object (containers, i);

          if (g_strcmp0 (td_json_get_string (container, "name"), name) == 0)
            return container;
        }
    }
  return NULL;
}

/* The image as the manifest wrote it ("todo-backend:latest"); the status may show it expanded. */
static const char *
container_image (Context    *context,
                 JsonObject *status)
{
  const char *image = td_json_get_string (container_spec (context->pod, td_json_get_string (status, "name")), "image");

  return image != NULL ? image : td_json_get_string (status, "image");
}

/* Splits "docker.io/library/todo-backend:latest@sha256:…" into "todo-backend" and "latest". */
static void
split_image (const char  *image,
             char       **out_name,
             char       **out_tag)
{
  g_autofree char *reference = g_strdup (image != NULL ? image : "");
  char *at = strchr (reference, '@');
  char *last_part, *colon;

  if (at != NULL)
    *at = '\0';
  last_part = strrchr (reference, '/');
  last_part = last_part != NULL ? last_part + 1 : reference;
  colon = strchr (last_part, ':');
  *out_tag = g_strdup (colon != NULL ? colon + 1 : "latest");
  if (colon != NULL)
    *colon = '\0';
  *out_name = g_strdup (last_part);
}

/* The same image, however it is spelled: "todo-backend" is "docker.io/library/todo-backend:latest". */
static gboolean
same_image (const char *a, const char *b)
{
  g_autofree char *a_name = NULL, *a_tag = NULL, *b_name = NULL, *b_tag = NULL;

  if (a == NULL || b == NULL)
    return FALSE;
  split_image (a, &a_name, &a_tag);
  split_image (b, &b_name, &b_tag);
  return strcmp (a_name, b_name) == 0 && strcmp (a_tag, b_tag) == 0;
}

/* This project's images (the components' images) are built into Minikube's Docker and exist in
 * no registry: a pull of one can only fail. */
static gboolean
is_local_image (Context *context, const char *image)
{
  for (guint i = 0; context->rules != NULL && i < context->rules->components->len; i++)
    if (same_image (image, g_array_index (context->rules->components, Component, i).image))
      return TRUE;
  return FALSE;
}

static gboolean
has_labels (JsonObject *pod, const Component *component)
{
  JsonObject *pod_labels = td_json_get_object (td_json_get_object (pod, "metadata"), "labels");

  for (guint i = 0; component->label_names[i] != NULL; i++)
    if (g_strcmp0 (td_json_get_string (pod_labels, component->label_names[i]), component->label_values[i]) != 0)
      return FALSE;
  return TRUE;
}

/* The component the pod belongs to: by its labels, else by the container's image; NULL if
 * neither says. */
static const Component *
component_of (Context    *context,
              JsonObject *status)
{
  const char *image = container_image (context, status);

  for (guint i = 0; context->rules != NULL && i < context->rules->components->len; i++)
    if (has_labels (context->pod, &g_array_index (context->rules->components, Component, i)))
      return &g_array_index (context->rules->components, Component, i);
  for (guint i = 0; context->rules != NULL && i < context->rules->components->len; i++)
    if (same_image (image, g_array_index (context->rules->components, Component, i).image))
      return &g_array_index (context->rules->components, Component, i);
  return NULL;
}

/* ---- events ---- */

static const char *
event_message (JsonObject *event)
{
  const char *message = td_json_get_string (event, "message");

  return message != NULL ? message : td_json_get_string (event, "note");   /* events.k8s.io/v1 */
}

static gint64
event_time (JsonObject *event)
{
  const char *candidates[] = {
    td_json_get_string (event, "lastTimestamp"),
    td_json_get_string (td_json_get_object (event, "series"), "lastObservedTime"),
    td_json_get_string (event, "eventTime"),
    td_json_get_string (event, "firstTimestamp"),
    td_json_get_string (event, "deprecatedLastTimestamp"),
    td_json_get_string (td_json_get_object (event, "metadata"), "creationTimestamp"),
  };
  gint64 seconds;

  for (gsize i = 0; i < G_N_ELEMENTS (candidates); i++)
    if (td_k8s_time_parse (candidates[i], &seconds))
      return seconds;
  return G_MININT64;
}

static gboolean
event_is_about_pod (JsonObject *event,
                    JsonObject *pod)
{
  JsonObject *object = td_json_get_object (event, "involvedObject");
  JsonObject *metadata = td_json_get_object (pod, "metadata");
  const char *uid, *pod_uid, *name;

  if (object == NULL)
    object = td_json_get_object (event, "regarding");
  if (object == NULL)
    return TRUE;   /* the caller already selected this pod's events */
  uid = td_json_get_string (object, "uid");
  pod_uid = td_json_get_string (metadata, "uid");
  if (uid != NULL && pod_uid != NULL)
    return strcmp (uid, pod_uid) == 0;
  name = td_json_get_string (object, "name");
  return name == NULL || g_strcmp0 (name, td_json_get_string (metadata, "name")) == 0;
}

/* The latest of the pod's events, or the latest with @reason; on equal times the later in the list. */
static JsonObject *
latest_event (Context    *context,
              const char *reason)
{
  JsonObject *latest = NULL;
  gint64 latest_time = G_MININT64;

  for (guint i = 0; context->events != NULL && i < json_array_get_length (context->events); i++)
    {
      JsonObject *event = td_json_array_get_object (context->events, i);
      gint64 time;

      if (event == NULL || !event_is_about_pod (event, context->pod))
        continue;
      if (reason != NULL && g_strcmp0 (td_json_get_string (event, "reason"), reason) != 0)
        continue;
      time = event_time (event);
      if (latest == NULL || time >= latest_time)
        {
          latest = event;
          latest_time = time;
        }
    }
  return latest;
}

/* ---- the diagnoses ---- */

/* The text between the first pair of double quotes after @prefix, e.g. the name in
 * `secret "todo-backend-secret" not found`. */
static char *
quoted_after (const char *message,
              const char *prefix)
{
  const char *start = message != NULL ? strstr (message, prefix) : NULL;
  const char *end;

  if (start == NULL)
    return NULL;
  start += strlen (prefix);
  end = strchr (start, '"');
  return end != NULL ? g_strndup (start, end - start) : NULL;
}

static TdPodDiagnosis *
diagnose_image (Context    *context,
                JsonObject *status,
                const char *reason,
                const char *message)
{
  const char *container = td_json_get_string (status, "name");
  const char *image = container_image (context, status);

  if (is_local_image (context, image))
    {
      const Component *component = component_of (context, status);
      g_autofree char *rebuild = fix_place (context, MISSING_LOCAL_IMAGE, component);
      const char *never_pull = strcmp (reason, "ErrImageNeverPull") == 0
        ? "The image %s is not inside Minikube's Docker, and the pod may not download it (imagePullPolicy: Never). "
        : "The image %s is not inside Minikube's Docker, so Kubernetes tried to download it from Docker Hub, where it does not exist. ";
      g_autofree char *cause = g_strdup_printf (never_pull, image);

      return diagnosis_new (context, MISSING_LOCAL_IMAGE, component, reason, message, container,
                            "%sIt was most likely built with your computer's Docker instead of Minikube's. "
                            "Re-run the Cluster phase so that the wizard reads `minikube docker-env` again, "
                            "then rebuild the image in %s.%s",
                            cause, rebuild,
                            strcmp (reason, "ErrImageNeverPull") == 0 ? ""
                            : " Also check that the Deployment in the Manifests phase says imagePullPolicy: Never.");
    }

  if (strcmp (reason, "InvalidImageName") == 0)
    return diagnosis_new (context, INVALID_IMAGE_NAME, NULL, reason, message, container,
                          "“%s” is not a valid image name. Fix the image in the Deployment (Manifests phase).",
                          image != NULL ? image : "");
  return diagnosis_new (context, IMAGE_PULL_FAILED, NULL, reason, message, container,
                        "Kubernetes could not download the image %s. Check the image name and tag in the "
                        "Deployment for typos, that the tag exists in its registry, and that Minikube can reach "
                        "the registry.", image != NULL ? image : "");
}

static TdPodDiagnosis *
diagnose_config (Context    *context,
                 JsonObject *status,
                 const char *message)
{
  const char *container = td_json_get_string (status, "name");
  const char *reason = "CreateContainerConfigError";
  g_autofree char *secret = quoted_after (message, "secret \"");
  g_autofree char *configmap = NULL;

  if (secret == NULL)
    secret = quoted_after (message, "secrets \"");   /* before Kubernetes 1.20 or so */
  if (secret != NULL)
    {
      if (g_strcmp0 (secret, rules_secret (context)) == 0)
        {
          g_autofree char *place = fix_place (context, MISSING_SECRET, NULL);
          return diagnosis_new (context, MISSING_SECRET, NULL, reason, message, container,
                                "The Secret %s does not exist yet, so the container cannot get its settings "
                                "(%s). Create it from your .env in %s.", secret, context->rules->env_keys, place);
        }
      if (rules_secret (context) == NULL)
        return diagnosis_new (context, WRONG_SECRET_NAME, NULL, reason, message, container,
                              "The pod refers to a Secret named %s, which does not exist: fix the name in the "
                              "Deployment, or create the Secret.", secret);
      return diagnosis_new (context, WRONG_SECRET_NAME, NULL, reason, message, container,
                            "The pod refers to a Secret named %s, which does not exist. This deployment's "
                            "Secret is %s: fix the name in the Deployment (Manifests phase), or create the "
                            "Secret.", secret, rules_secret (context));
    }

  if (message != NULL && g_str_has_prefix (message, "couldn't find key "))
    {
      g_autofree char *key = g_strndup (message + strlen ("couldn't find key "),
                                        strcspn (message + strlen ("couldn't find key "), " "));

      g_autofree char *place = fix_place (context, MISSING_SECRET_KEY, NULL);

      return diagnosis_new (context, MISSING_SECRET_KEY, NULL, reason, message, container,
                            "The Secret exists but has no key %s. Add %s=… to the project's .env, then "
                            "re-create the Secret in %s.", key, key, place);
    }

  configmap = quoted_after (message, "configmap \"");
  if (configmap == NULL)
    configmap = quoted_after (message, "configmaps \"");
  if (configmap != NULL)
    return diagnosis_new (context, MISSING_CONFIGMAP, NULL, reason, message, container,
                          "The ConfigMap %s does not exist. The chart's templates/configmap.yaml should create "
                          "it (Manifests phase); check that its name matches the Deployment's configMapRef, "
                          "then deploy again.", configmap);

  return diagnosis_new (context, CONFIG_ERROR, NULL, reason, message, container,
                        "Kubernetes could not assemble the container's configuration (environment, "
                        "volumes or Secret references). Check the Deployment in the Manifests phase.");
}

/* "512Mi", and twice that as a suggestion, from the container's memory limit. */
static char *
oom_advice (Context    *context,
            const char *container)
{
  JsonObject *limits = td_json_get_object (td_json_get_object (container_spec (context->pod, container), "resources"),
                                           "limits");
  const char *limit = td_json_get_string (limits, "memory");
  g_autofree char *doubled = NULL;
  gint64 bytes;

  if (limit == NULL || !td_quantity_parse_bytes (limit, &bytes, NULL) || bytes <= 0 || bytes > G_MAXINT64 / 2)
    return g_strdup ("");
  doubled = td_quantity_format_bytes (bytes * 2);
  return g_strdup_printf (" Its limit is %s; try %s.", limit, doubled);
}

static TdPodDiagnosis *
diagnose_oom (Context    *context,
              JsonObject *status,
              const char *message)
{
  const char *container = td_json_get_string (status, "name");
  const Component *component = component_of (context, status);
  g_autofree char *advice = oom_advice (context, container);
  g_autofree char *place = fix_place (context, OUT_OF_MEMORY, component);

  return diagnosis_new (context, OUT_OF_MEMORY, component, "OOMKilled", message, container,
                        "The container %s used more memory than its limit and was killed (OOMKilled, exit "
                        "code 137).%s Raise %s.resources.limits.memory in %s and deploy again in %s.",
                        container != NULL ? container : "", advice,
                        component != NULL ? component->name : "<component>", rules_values_file (context), place);
}

/* 126/127 and these reasons: the image's command cannot run at all, which is the Dockerfile's
 * business. */
static gboolean
cannot_start (JsonObject *terminated)
{
  gint64 exit_code = td_json_get_int (terminated, "exitCode", 0);
  const char *exit_reason = td_json_get_string (terminated, "reason");

  return exit_code == 126 || exit_code == 127 ||
         g_strcmp0 (exit_reason, "ContainerCannotRun") == 0 || g_strcmp0 (exit_reason, "StartError") == 0;
}

/* A container that exited with an error: @terminated is state.terminated or lastState.terminated. */
static TdPodDiagnosis *
diagnose_crash (Context    *context,
                JsonObject *status,
                JsonObject *terminated,
                const char *reason,
                const char *message)
{
  const char *container = td_json_get_string (status, "name");
  const Component *component = component_of (context, status);
  const char *exit_reason = td_json_get_string (terminated, "reason");
  gint64 exit_code = td_json_get_int (terminated, "exitCode", 0);
  g_autofree char *last = NULL;

  if (exit_reason == NULL || *exit_reason == '\0')
    exit_reason = "Error";
  last = g_strdup_printf ("The container %s keeps stopping: the last termination reason is %s, exit code %"
                          G_GINT64_FORMAT ". Its logs say why: kubectl logs %s -c %s --previous.",
                          container != NULL ? container : "", exit_reason, exit_code,
                          context->pod_name != NULL ? context->pod_name : "POD",
                          container != NULL ? container : "");

  if (cannot_start (terminated))
    {
      g_autofree char *place = fix_place (context, CANNOT_START, component);
      return diagnosis_new (context, CANNOT_START, component, reason, message, container,
                            "%s The image's start command could not run: check CMD/ENTRYPOINT in the Dockerfile "
                            "and rebuild in %s.", last, place);
    }
  if (component != NULL)
    return diagnosis_new (context, CRASH, component, reason, message, container, "%s %s", last, component->crash_hint);
  return diagnosis_new (context, CRASH, NULL, reason, message, container, "%s", last);
}

/* "GET /health on port 8000" from the readiness probe, for the hint. */
static char *
describe_probe (Context    *context,
                const char *container,
                gboolean   *out_port_matches)
{
  JsonObject *spec = container_spec (context->pod, container);
  JsonObject *http = td_json_get_object (td_json_get_object (spec, "readinessProbe"), "httpGet");
  JsonArray *ports = td_json_get_array (spec, "ports");
  const char *path = td_json_get_string (http, "path");
  gint64 port = td_json_get_int (http, "port", -1);
  const char *port_name = td_json_get_string (http, "port");

  *out_port_matches = TRUE;
  if (http == NULL)
    return NULL;
  if (port >= 0 && ports != NULL)
    {
      *out_port_matches = FALSE;
      for (guint i = 0; i < json_array_get_length (ports); i++)
        if (td_json_get_int (td_json_array_get_object (ports, i), "containerPort", -2) == port)
          *out_port_matches = TRUE;
    }
  if (port >= 0)
    return g_strdup_printf ("GET %s on port %" G_GINT64_FORMAT, path != NULL ? path : "/", port);
  return g_strdup_printf ("GET %s on port %s", path != NULL ? path : "/", port_name != NULL ? port_name : "?");
}

static TdPodDiagnosis *
diagnose_unhealthy (Context    *context,
                    JsonObject *status,
                    JsonObject *event)
{
  const char *container = td_json_get_string (status, "name");
  const Component *component = component_of (context, status);
  const char *message = event_message (event);
  gboolean port_matches = TRUE;
  g_autofree char *probe = describe_probe (context, container, &port_matches);
  g_autofree char *probe_text = probe != NULL ? g_strdup_printf (" (%s)", probe) : g_strdup ("");
  g_autofree char *expected = component != NULL
    ? g_strdup_printf ("GET %s on port %" G_GINT64_FORMAT, component->probe_path, component->port)
    : g_strdup ("the app's health path and port");

  if (!port_matches)
    return diagnosis_new (context, PROBE_WRONG_PORT, component, "Unhealthy", message, container,
                          "The container runs but is not ready: its readiness probe%s asks a port the "
                          "container does not expose. It should be %s. Fix the probe in the Deployment "
                          "(Manifests phase).", probe_text, expected);
  return diagnosis_new (context, PROBE_FAILING, component, "Unhealthy", message, container,
                        "The container runs but is not ready: its readiness probe%s fails. It should be %s, "
                        "and the app must listen on 0.0.0.0 there. Check the probe path and port in "
                        "%s; if the app is only slow to start, raise initialDelaySeconds.",
                        probe_text, expected, rules_values_file (context));
}

static gboolean
is_image_reason (const char *reason)
{
  return g_strcmp0 (reason, "ErrImageNeverPull") == 0 || g_strcmp0 (reason, "ImagePullBackOff") == 0 ||
         g_strcmp0 (reason, "ErrImagePull") == 0 || g_strcmp0 (reason, "InvalidImageName") == 0;
}

/* The rest of k8sgpt's isErrorReason list. */
static gboolean
is_other_error_reason (const char *reason)
{
  static const char * const reasons[] = {
    "CreateContainerError", "RunContainerError", "PreCreateHookError", "PreStartHookError",
    "PostStartHookError", "ImageInspectError",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (reasons); i++)
    if (g_strcmp0 (reason, reasons[i]) == 0)
      return TRUE;
  return FALSE;
}

static TdPodDiagnosis *
diagnose_waiting (Context    *context,
                  JsonObject *status,
                  JsonObject *waiting,
                  JsonObject *last_terminated)
{
  const char *container = td_json_get_string (status, "name");
  const char *reason = td_json_get_string (waiting, "reason");
  const char *message = td_json_get_string (waiting, "message");

  if (is_image_reason (reason))
    return diagnose_image (context, status, reason, message);
  if (g_strcmp0 (reason, "CreateContainerConfigError") == 0)
    return diagnose_config (context, status, message);
  if (g_strcmp0 (reason, "CrashLoopBackOff") == 0)
    {
      if (g_strcmp0 (td_json_get_string (last_terminated, "reason"), "OOMKilled") == 0)
        return diagnose_oom (context, status, message);
      return diagnose_crash (context, status, last_terminated, reason, message);
    }
  if (g_strcmp0 (reason, "ContainerCreating") == 0 || g_strcmp0 (reason, "PodInitializing") == 0)
    {
      JsonObject *event = latest_event (context, NULL);
      const char *event_reason = td_json_get_string (event, "reason");

      if (g_strcmp0 (event_reason, "FailedMount") == 0)
        {
          g_autofree char *secret = quoted_after (event_message (event), "secret \"");

          if (secret != NULL && g_strcmp0 (secret, rules_secret (context)) == 0)
            {
              g_autofree char *place = fix_place (context, MISSING_SECRET_VOLUME, NULL);
              return diagnosis_new (context, MISSING_SECRET_VOLUME, NULL, event_reason, event_message (event),
                                    container, "The pod mounts the Secret %s, which does not exist yet. Create it "
                                    "from your .env in %s.", secret, place);
            }
          return diagnosis_new (context, MOUNT_FAILED, NULL, event_reason, event_message (event), container,
                                "Kubernetes could not mount one of the pod's volumes. Check the volumes "
                                "in the Deployment (Manifests phase) against what exists in the cluster.");
        }
      if (g_strcmp0 (event_reason, "FailedCreatePodSandBox") == 0)
        return diagnosis_new (context, SANDBOX_FAILED, NULL, event_reason, event_message (event), container,
                              "Minikube could not set up the pod's network or sandbox. This is a problem of "
                              "the cluster, not of the app: restart Minikube in the Cluster phase.");
      return NULL;   /* still starting */
    }
  if (is_other_error_reason (reason))
    {
      if (g_strcmp0 (reason, "ImageInspectError") == 0)
        {
          const Component *component = component_of (context, status);
          g_autofree char *place = fix_place (context, BROKEN_IMAGE, component);

          return diagnosis_new (context, BROKEN_IMAGE, component, reason, message, container,
                                "Minikube's Docker has a broken copy of the image. Rebuild it in %s.", place);
        }
      return diagnosis_new (context, CONTAINER_ERROR, NULL, reason, message, container,
                            "Kubernetes could not create or start the container (%s). The message says "
                            "what it tripped over; check the Deployment in the Manifests phase.", reason);
    }
  return NULL;
}

/* ---- what waiting cannot fix ---- */

/* Three failed starts span 10 + 20 + 40 s of the kubelet's restart back-off (it doubles from 10 s):
 * a dependency that was only slow to come up (the database, the backend's Service) has had over a
 * minute, so the app fails the same way on every start. Earlier, a restart may still help. */
#define CRASH_LOOP_NEEDS_ACTION_RESTARTS 3

/* Whether a container waiting for @reason (diagnosed as a problem) will not start until the user
 * fixes something. The kubelet retries all of these, but every retry meets the same obstacle:
 * - ErrImageNeverPull: imagePullPolicy Never forbids the pull; only an image built into Minikube's
 *   Docker helps.
 * - ErrImagePull, ImagePullBackOff of this project's local images (is_local_image): no registry has
 *   them. For any other image they stay transient: a slow or briefly unreachable registry answers a
 *   later pull.
 * - InvalidImageName: the name is rejected before any pull; only a changed manifest helps.
 * - CreateContainerConfigError: the Secret, ConfigMap or key is missing, and in this deployment
 *   nothing but the user's Helm Deploy phase creates them.
 * - ImageInspectError: Minikube's Docker holds a broken copy of the image until it is rebuilt.
 * - CrashLoopBackOff after CRASH_LOOP_NEEDS_ACTION_RESTARTS restarts, or at once when the image's
 *   command cannot run at all (cannot_start).
 * Everything else can end by itself and is left out: ContainerCreating (mounts and sandboxes are
 * retried, a Secret cache that was slow to sync catches up), Unschedulable (a rollout's old pods free
 * room), Evicted (the ReplicaSet replaces the pod), a failing readiness probe (the app may only be
 * slow to start), CreateContainerError, RunContainerError and the hook errors (often a runtime race). */
static gboolean
waiting_needs_action (Context    *context,
                      JsonObject *status,
                      const char *reason,
                      JsonObject *last_terminated)
{
  if (g_strcmp0 (reason, "ErrImageNeverPull") == 0 || g_strcmp0 (reason, "InvalidImageName") == 0 ||
      g_strcmp0 (reason, "CreateContainerConfigError") == 0 || g_strcmp0 (reason, "ImageInspectError") == 0)
    return TRUE;
  if (g_strcmp0 (reason, "ErrImagePull") == 0 || g_strcmp0 (reason, "ImagePullBackOff") == 0)
    return is_local_image (context, container_image (context, status));
  if (g_strcmp0 (reason, "CrashLoopBackOff") == 0)
    return td_json_get_int (status, "restartCount", 0) >= CRASH_LOOP_NEEDS_ACTION_RESTARTS ||
           cannot_start (last_terminated);
  return FALSE;
}

static TdPodDiagnosis *
diagnose_container (Context    *context,
                    JsonObject *status,
                    gboolean    is_init)
{
  JsonObject *state = td_json_get_object (status, "state");
  JsonObject *waiting = td_json_get_object (state, "waiting");
  JsonObject *terminated = td_json_get_object (state, "terminated");
  JsonObject *last_terminated = td_json_get_object (td_json_get_object (status, "lastState"), "terminated");
  gboolean ready = td_json_get_bool (status, "ready");

  if (waiting != NULL)
    {
      TdPodDiagnosis *diagnosis = diagnose_waiting (context, status, waiting, last_terminated);

      if (diagnosis != NULL)
        diagnosis->needs_action = waiting_needs_action (context, status, td_json_get_string (waiting, "reason"),
                                                        last_terminated);
      return diagnosis;
    }

  if (terminated != NULL)
    {
      if (g_strcmp0 (td_json_get_string (terminated, "reason"), "OOMKilled") == 0)
        return diagnose_oom (context, status, td_json_get_string (terminated, "message"));
      if (td_json_get_int (terminated, "exitCode", 0) != 0)
        return diagnose_crash (context, status, terminated,
                               td_json_get_string (terminated, "reason") != NULL
                               ? td_json_get_string (terminated, "reason") : "Error",
                               td_json_get_string (terminated, "message"));
      return NULL;
    }

  /* Init containers are never "ready" while they run; only app containers have readiness probes. */
  if (!is_init && td_json_get_object (state, "running") != NULL && !ready)
    {
      JsonObject *unhealthy = latest_event (context, "Unhealthy");

      if (g_strcmp0 (td_json_get_string (last_terminated, "reason"), "OOMKilled") == 0)
        return diagnose_oom (context, status, td_json_get_string (last_terminated, "message"));
      if (unhealthy != NULL && event_message (unhealthy) != NULL)
        return diagnose_unhealthy (context, status, unhealthy);
      /* Up again after crashing: not ready yet, but the crash is the news. */
      if (last_terminated != NULL && td_json_get_int (last_terminated, "exitCode", 0) != 0)
        {
          JsonObject *backoff = latest_event (context, "BackOff");

          return diagnose_crash (context, status, last_terminated,
                                 td_json_get_string (last_terminated, "reason") != NULL
                                 ? td_json_get_string (last_terminated, "reason") : "Error",
                                 backoff != NULL ? event_message (backoff) : NULL);
        }
    }
  return NULL;
}

static TdPodDiagnosis *
diagnose_unschedulable (Context *context, JsonObject *condition)
{
  const char *message = td_json_get_string (condition, "message");

  if (message != NULL && strstr (message, "Insufficient") != NULL)
    {
      g_autofree char *place = fix_place (context, NODE_TOO_SMALL, NULL);
      return diagnosis_new (context, NODE_TOO_SMALL, NULL, "Unschedulable", message, NULL,
                            "Minikube's node does not have enough free memory or CPU for this pod's requests. "
                            "Give Minikube more (for example minikube delete, then start it again with "
                            "--memory 4096 --cpus 2 in %s), or lower the requests in %s.",
                            place, rules_values_file (context));
    }
  if (message != NULL && strstr (message, "affinity/selector") != NULL)
    return diagnosis_new (context, NODE_SELECTOR, NULL, "Unschedulable", message, NULL,
                          "The pod asks for a node label that Minikube's node does not have. Remove the "
                          "nodeSelector or affinity from the Deployment (Manifests phase).");
  return diagnosis_new (context, UNSCHEDULABLE, NULL, "Unschedulable", message, NULL,
                        "Kubernetes cannot find a node for this pod. Usually Minikube needs more memory or "
                        "CPU: start it with more (--memory 4096 --cpus 2) in the Cluster phase.");
}

static TdPodDiagnosis *
diagnose_statuses (Context   *context,
                   JsonArray *statuses,
                   gboolean   is_init)
{
  for (guint i = 0; statuses != NULL && i < json_array_get_length (statuses); i++)
    {
      JsonObject *status = td_json_array_get_object (statuses, i);
      TdPodDiagnosis *diagnosis = status != NULL ? diagnose_container (context, status, is_init) : NULL;

      if (diagnosis != NULL)
        return diagnosis;
    }
  return NULL;
}

TdPodDiagnosis *
td_pod_diagnose (JsonObject                *pod,
                 JsonArray                 *events,
                 const TdPodDiagnosisRules *rules)
{
  JsonObject *metadata = td_json_get_object (pod, "metadata");
  JsonObject *status = td_json_get_object (pod, "status");
  JsonArray *conditions = td_json_get_array (status, "conditions");
  const char *phase = td_json_get_string (status, "phase");
  Context context = { pod, events, td_json_get_string (metadata, "name"), rules };
  TdPodDiagnosis *diagnosis;

  g_return_val_if_fail (pod != NULL, NULL);

  /* A pod on its way out is replaced by a new one; that one is what matters. */
  if (td_json_get_string (metadata, "deletionTimestamp") != NULL || g_strcmp0 (phase, "Succeeded") == 0)
    return NULL;

  if (g_strcmp0 (phase, "Pending") == 0)
    for (guint i = 0; conditions != NULL && i < json_array_get_length (conditions); i++)
      {
        JsonObject *condition = td_json_array_get_object (conditions, i);

        if (g_strcmp0 (td_json_get_string (condition, "type"), "PodScheduled") == 0 &&
            g_strcmp0 (td_json_get_string (condition, "reason"), "Unschedulable") == 0)
          return diagnose_unschedulable (&context, condition);
      }

  if (g_strcmp0 (td_json_get_string (status, "reason"), "Evicted") == 0)
    {
      g_autofree char *place = fix_place (&context, EVICTED, NULL);
      return diagnosis_new (&context, EVICTED, NULL, "Evicted", td_json_get_string (status, "message"), NULL,
                            "Minikube's node ran short of memory or disk and evicted the pod. Give Minikube "
                            "more memory in %s, or lower the pods' requests in %s.", place,
                            rules_values_file (&context));
    }

  diagnosis = diagnose_statuses (&context, td_json_get_array (status, "initContainerStatuses"), TRUE);
  if (diagnosis == NULL)
    diagnosis = diagnose_statuses (&context, td_json_get_array (status, "containerStatuses"), FALSE);
  return diagnosis;
}
