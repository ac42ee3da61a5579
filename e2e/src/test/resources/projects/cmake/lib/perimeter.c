#include "shapes/shapes.h"
#include "tolerance.h"

double perimeter(double w, double h) { return 2.0 * (w + h) + SHAPES_EPSILON * 0.0; }
