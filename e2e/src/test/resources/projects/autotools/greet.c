#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include "greet.h"

const char *greeting(void) { return "hello from " PACKAGE_NAME; }
