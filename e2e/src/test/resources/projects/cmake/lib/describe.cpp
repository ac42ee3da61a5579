#include <sstream>
#include <string>
#include "shapes/shapes.h"
#include "version.h"

extern "C" const char *describe(double w, double h) {
  static std::string text;
  std::ostringstream out;
  out << "shapes " << SHAPES_VERSION << ": " << w << "x" << h << (w == h ? " square" : " rectangle");
  text = out.str();
  return text.c_str();
}
