#include "ops.h"

long op_mod(long a, long b) { return b == 0 ? 0 : a % b; }
