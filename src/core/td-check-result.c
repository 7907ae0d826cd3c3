/* td-check-result.c */
#define G_LOG_DOMAIN "td-check-result"

#include "td-check-result.h"

struct _TdCheckResult
{
  GObject        parent_instance;
  char          *kind;
  TdCheckStatus  status;
  char          *message;
  char          *fix;
  char          *fix_phase;
};

G_DEFINE_FINAL_TYPE (TdCheckResult, td_check_result, G_TYPE_OBJECT)

static void
td_check_result_finalize (GObject *object)
{
  TdCheckResult *self = TD_CHECK_RESULT (object);

  g_free (self->kind);
  g_free (self->message);
  g_free (self->fix);
  g_free (self->fix_phase);
  G_OBJECT_CLASS (td_check_result_parent_class)->finalize (object);
}

static void
td_check_result_class_init (TdCheckResultClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = td_check_result_finalize;
}

static void
td_check_result_init (TdCheckResult *self)
{
}

TdCheckResult *
td_check_result_new (const char *kind, TdCheckStatus status, const char *message, const char *fix)
{
  TdCheckResult *self = g_object_new (TD_TYPE_CHECK_RESULT, NULL);

  self->kind = g_strdup (kind);
  self->status = status;
  self->message = g_strdup (message);
  self->fix = g_strdup (fix);
  return self;
}

const char *
td_check_result_get_kind (TdCheckResult *self)
{
  g_return_val_if_fail (TD_IS_CHECK_RESULT (self), NULL);
  return self->kind;
}

TdCheckStatus
td_check_result_get_status (TdCheckResult *self)
{
  g_return_val_if_fail (TD_IS_CHECK_RESULT (self), TD_CHECK_STATUS_FAILED);
  return self->status;
}

const char *
td_check_result_get_message (TdCheckResult *self)
{
  g_return_val_if_fail (TD_IS_CHECK_RESULT (self), NULL);
  return self->message;
}

const char *
td_check_result_get_fix (TdCheckResult *self)
{
  g_return_val_if_fail (TD_IS_CHECK_RESULT (self), NULL);
  return self->fix;
}

gboolean
td_check_result_get_passed (TdCheckResult *self)
{
  g_return_val_if_fail (TD_IS_CHECK_RESULT (self), FALSE);
  return self->status == TD_CHECK_STATUS_OK || self->status == TD_CHECK_STATUS_WARNING;
}

void
td_check_result_set_fix_phase (TdCheckResult *self, const char *phase_id)
{
  g_return_if_fail (TD_IS_CHECK_RESULT (self));
  g_free (self->fix_phase);
  self->fix_phase = g_strdup (phase_id);
}

const char *
td_check_result_get_fix_phase (TdCheckResult *self)
{
  g_return_val_if_fail (TD_IS_CHECK_RESULT (self), NULL);
  return self->fix_phase;
}
