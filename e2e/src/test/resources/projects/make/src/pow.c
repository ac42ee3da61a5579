#include "ops.h"

long op_pow(long a, long b) {
  long r = 1;
  while (b-- > 0) {
    r = op_mul(r, a);
  }
  return r;
}
