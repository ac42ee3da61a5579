#include <stdio.h>
#include "ops.h"

int main(void) {
  long (*ops[])(long, long) = {op_add, op_sub, op_mul, op_div, op_mod, op_pow, op_max};
  const char *names[] = {"add", "sub", "mul", "div", "mod", "pow", "max"};
  for (int i = 0; i < 7; i++) {
    printf("%s(7, 3) = %ld\n", names[i], ops[i](7, 3));
  }
  return 0;
}
