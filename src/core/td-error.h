/* td-error.h: the error domain for everything in Todo Deploy's core */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TD_ERROR (td_error_quark ())

typedef enum {
  TD_ERROR_FAILED,          /* anything without a better code */
  TD_ERROR_PARSE,           /* a file we read is malformed (message names file:line:column) */
  TD_ERROR_INVALID,         /* well-formed but wrong: a missing field, an unknown kind */
  TD_ERROR_NOT_FOUND,       /* a program, file, context or key that is not there */
  TD_ERROR_TIMED_OUT,       /* a program ran past its time limit */
  TD_ERROR_EXITED,          /* a program exited non-zero */
  TD_ERROR_PERMISSION,      /* a sandbox or file permission stops us */
} TdError;

GQuark td_error_quark (void);

G_END_DECLS
