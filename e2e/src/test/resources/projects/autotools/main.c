#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include <stdio.h>
#include "greet.h"

int main(void) {
#if defined(HAVE_STRING_H) && defined(HAVE_STRLEN)
  printf("%s (%lu) [%s]\n", greeting(), count(greeting()), PACKAGE_STRING);
#else
  printf("configure did not find string.h or strlen\n");
#endif
  return 0;
}
