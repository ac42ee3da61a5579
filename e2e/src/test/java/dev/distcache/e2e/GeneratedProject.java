package dev.distcache.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** A generated tree of C files with shared headers and a Makefile whose CC is configurable. */
final class GeneratedProject {
  private GeneratedProject() {}

  static void create(Path dir, int files) {
    Distcache.write(
        dir.resolve("include/common.h"),
        "#ifndef COMMON_H\n#define COMMON_H\n#include <string.h>\n#define SCALE 3\nint helper(int);\n#endif\n");
    StringBuilder objs = new StringBuilder();
    for (int i = 0; i < files; i++) {
      Distcache.write(
          dir.resolve("src/f" + i + ".c"),
          "#include \"common.h\"\nint f"
              + i
              + "(int x) { return (int) strlen(\""
              + "x".repeat(i % 17)
              + "\") + x * SCALE + "
              + i
              + "; }\n");
      objs.append(" obj/f").append(i).append(".o");
    }
    Distcache.write(
        dir.resolve("Makefile"),
        "CC ?= gcc\nOBJS ="
            + objs
            + "\nall: $(OBJS)\nobj/%.o: src/%.c include/common.h\n"
            + "\t@mkdir -p obj\n\t$(CC) -O2 -Iinclude -MMD -c $< -o $@\nclean:\n\trm -rf obj\n");
  }

  /** Every object under obj/, as bytes, keyed by file name. */
  static java.util.Map<String, byte[]> objects(Path dir) {
    java.util.Map<String, byte[]> out = new java.util.TreeMap<>();
    try (Stream<Path> s = Files.list(dir.resolve("obj"))) {
      s.filter(p -> p.toString().endsWith(".o") || p.toString().endsWith(".d"))
          .forEach(p -> out.put(p.getFileName().toString(), Distcache.read(p)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
