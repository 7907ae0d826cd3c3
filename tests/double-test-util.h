/* double-test-util.h: what tests against the Kubernetes API double share */
#pragma once

#include "kube-double/kd-server.h"
#include "td-kube-client.h"

#define DOUBLE_TEST_GUARD_SECONDS 20   /* a hang fails the test instead of blocking the suite */

typedef gboolean (*DoubleTestCondition) (gpointer data);

/* Iterates the main context until @condition holds; fails the test after the guard time. */
void          double_test_wait_until (DoubleTestCondition condition,
                                      gpointer            data);
/* A client with the double's client certificate, trusting @ca_file ("ca.pem", "other-ca.pem"). */
TdKubeClient *double_test_client     (KdServer           *server,
                                      const char         *ca_file);
