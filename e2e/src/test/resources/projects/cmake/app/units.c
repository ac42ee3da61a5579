#include "units.h"
#include "version.h"

const char *unit_name(void) { return "cm (shapes " SHAPES_VERSION ")"; }
