#ifndef GREET_H
#define GREET_H
const char *greeting(void);
unsigned long count(const char *s);
#endif
