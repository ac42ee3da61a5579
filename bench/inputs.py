"""The inputs of the file cases: a trivial C file, a small C file with three standard headers, and
a C++ file with the standard library and templates."""
import os
import time

TRIVIAL_C = """\
int bench_trivial(int x) { return 3 * x + 1; }
"""

SMALL_C = r"""#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct word { char text[32]; int count; };

static int by_count(const void *a, const void *b) {
  const struct word *x = a, *y = b;
  return y->count - x->count;
}

int count_words(const char *input, struct word *words, int max) {
  char buffer[256];
  int n = 0;
  strncpy(buffer, input, sizeof buffer - 1);
  buffer[sizeof buffer - 1] = '\0';
  for (char *tok = strtok(buffer, " "); tok != NULL; tok = strtok(NULL, " ")) {
    int i = 0;
    while (i < n && strcmp(words[i].text, tok) != 0) i++;
    if (i == n && n < max) { snprintf(words[n].text, sizeof words[n].text, "%s", tok); words[n++].count = 0; }
    if (i < max) words[i].count++;
  }
  qsort(words, n, sizeof *words, by_count);
  return n;
}

void print_words(const struct word *words, int n) {
  for (int i = 0; i < n; i++) printf("%s %d\n", words[i].text, words[i].count);
}
"""

STL_CPP = r"""#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace bench {

template <typename T>
class Registry {
 public:
  void add(const std::string& name, T value) { items_[name].push_back(std::make_unique<T>(std::move(value))); }
  template <typename F>
  std::vector<std::string> names_where(F predicate) const {
    std::vector<std::string> out;
    for (const auto& [name, values] : items_) {
      if (std::any_of(values.begin(), values.end(), [&](const auto& v) { return predicate(*v); })) out.push_back(name);
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  std::size_t size() const { return items_.size(); }

 private:
  std::map<std::string, std::vector<std::unique_ptr<T>>> items_;
};

template <typename T>
T sum(const std::vector<T>& values) {
  T total{};
  for (const T& v : values) total += v;
  return total;
}

}  // namespace bench

int run_bench(int argc) {
  bench::Registry<int> registry;
  for (int i = 0; i < argc * 10; i++) registry.add("item" + std::to_string(i % 7), i);
  auto even = registry.names_where([](int v) { return v % 2 == 0; });
  std::vector<double> values{1.5, 2.5, 3.0};
  std::cout << even.size() << ' ' << registry.size() << ' ' << bench::sum(values) << '\n';
  return static_cast<int>(even.size());
}
"""


def write(src):
    """Writes the inputs into SRC, an hour old: ccache's direct mode refuses files "too new"."""
    an_hour_ago = time.time() - 3600
    for name, text in (("trivial.c", TRIVIAL_C), ("small.c", SMALL_C), ("stl.cpp", STL_CPP)):
        (src / name).write_text(text)
        os.utime(src / name, (an_hour_ago, an_hour_ago))
