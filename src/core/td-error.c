/* td-error.c */
#include "td-error.h"

G_DEFINE_QUARK (td-error-quark, td_error)
