#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#ifdef HAVE_STRING_H
#include <string.h>
#endif
#include "greet.h"

unsigned long count(const char *s) { return (unsigned long) strlen(s); }
