#include <iostream>
#include <vector>
#include "shapes/shapes.h"
#include "units.h"

int main() {
  std::vector<std::pair<double, double>> sizes{{2, 3}, {4, 4}};
  for (const auto &s : sizes) {
    std::cout << describe(s.first, s.second) << " area " << area(s.first, s.second) << " perimeter "
              << perimeter(s.first, s.second) << " " << unit_name() << "\n";
  }
  return 0;
}
