/* double-test-util.h: what tests against the Kubernetes API double share */
#pragma once

#include "kube-double/kd-server.h"
#include "td-kube-client.h"
#include "wait-test-util.h"

#define DOUBLE_TEST_GUARD_SECONDS 20   /* a hang fails the test instead of blocking the suite */

/* Iterates the main context until @condition (a function: gboolean (*) (gpointer)) holds on
 * @data; after the guard time the test fails, naming the condition it waited for. */
#define double_test_wait_until(condition, data) \
  test_wait_until ((condition), (data), DOUBLE_TEST_GUARD_SECONDS, #condition " to hold")
/* A client with the double's client certificate, trusting @ca_file ("ca.pem", "other-ca.pem"). */
TdKubeClient *double_test_client     (KdServer           *server,
                                      const char         *ca_file);
