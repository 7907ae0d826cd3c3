/* k8s-test-util.h: loading the Kubernetes fixtures and building pods for tests */
#pragma once

#include <json-glib/json-glib.h>

/* A fixed "now" for constructed pods: 2025-06-10T12:00:00Z. */
#define NOW G_GINT64_CONSTANT (1749556800)

/* $TD_SHARED_DIR/fixtures/k8s/@name */
char     *fixture_path      (const char *name);
JsonNode *load_fixture      (const char *name);
/* The item called @name of a PodList fixture. */
JsonNode *load_list_item    (const char *list,
                             const char *name);
/* Parses JSON in which "{T-N}" stands for the timestamp N seconds before NOW. */
JsonNode *pod_from_template (const char *template);
