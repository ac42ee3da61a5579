#include "shapes/shapes.h"
#include "tolerance.h"

double area(double w, double h) { return (w < SHAPES_EPSILON || h < SHAPES_EPSILON) ? 0.0 : w * h; }
