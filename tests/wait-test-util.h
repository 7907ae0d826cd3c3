/* wait-test-util.h: a test waits for a condition, never for a fixed time. The main context runs
 * until the condition holds; a deadline only keeps a hang from blocking the suite, and when it
 * passes the test fails with what it was waiting for. Header only and GLib only, so that every
 * test and test helper (core or widget) can use it without linking another file. */
#pragma once

#include <glib.h>

typedef gboolean (*TestCondition) (gpointer data);

/* Iterates the default main context until @condition (@data) holds. After @seconds the test fails
 * with "timed out after N s waiting for @what", at the caller's file and line; @what is plain
 * words: "the image page to finish its build". A condition nothing in the main context signals (a
 * file another process writes) is checked again at least every 50 ms. */
#define test_wait_until(condition, data, seconds, what) \
  test_wait_until_at (__FILE__, __LINE__, G_STRFUNC, (condition), (data), (seconds), (what))

static inline gboolean
test_wait_deadline_passed (gpointer flag)
{
  *(gboolean *) flag = TRUE;
  return G_SOURCE_REMOVE;
}

static inline gboolean
test_wait_wake_up (gpointer unused)
{
  return G_SOURCE_CONTINUE;
}

static inline void
test_wait_until_at (const char    *file,
                    int            line,
                    const char    *func,
                    TestCondition  condition,
                    gpointer       data,
                    guint          seconds,
                    const char    *what)
{
  gboolean late = FALSE;
  gboolean holds;
  guint deadline = g_timeout_add_seconds (seconds, test_wait_deadline_passed, &late);
  guint wake_up = g_timeout_add (50, test_wait_wake_up, NULL);

  while (!(holds = condition (data)) && !late)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake_up);
  if (!late)
    g_source_remove (deadline);
  if (!holds)
    {
      g_autofree char *message = g_strdup_printf ("timed out after %u s waiting for %s", seconds, what);
      g_assertion_message (G_LOG_DOMAIN, file, line, func, message);
    }
}
