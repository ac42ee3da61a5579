#ifndef SHAPES_H
#define SHAPES_H
#ifdef __cplusplus
extern "C" {
#endif
double area(double w, double h);
double perimeter(double w, double h);
const char *describe(double w, double h);
#ifdef __cplusplus
}
#endif
#endif
