#ifndef OPS_H
#define OPS_H
long op_add(long a, long b);
long op_sub(long a, long b);
long op_mul(long a, long b);
long op_div(long a, long b);
long op_mod(long a, long b);
long op_pow(long a, long b);
long op_max(long a, long b);
#endif
