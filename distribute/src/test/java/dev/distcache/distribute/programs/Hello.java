package dev.distcache.distribute.programs;

import dev.distcache.testing.Processes;
import dev.distcache.testing.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The sources the real-program tests compile, and what distcc does with them: the command the
 * distcc client sends for {@code distcc gcc -c -O2 -DX -I. hello.c -o hello.o} (observed: -D and -I
 * dropped, gcc renamed to the target-triple name) and the results of compiling locally.
 */
public final class Hello {
  public static final String HELLO =
      """
      #include <stdio.h>
      #ifndef X
      #error X is defined on the command line
      #endif
      #define GREETING "hello"
      int main(void) { printf("%s\\n", GREETING); return 0; }
      """;
  public static final String BROKEN = "int main(void) { return undeclared_name; }\n";

  /** The user's command, after {@code distcc}. */
  public static final List<String> USER_FLAGS = List.of("-c", "-O2", "-DX", "-I.");

  private Hello() {}

  /**
   * Runs {@code command} in {@code dir}, in this JVM's environment plus {@code env}, within 120 s.
   */
  public static Run run(Path dir, Map<String, String> env, List<String> command) {
    return Processes.runInherited(dir, env, command, 120);
  }

  /** Writes hello.c and broken.c into {@code dir}. */
  public static void write(Path dir) throws IOException {
    Files.writeString(dir.resolve("hello.c"), HELLO);
    Files.writeString(dir.resolve("broken.c"), BROKEN);
  }

  /** gcc's name as distcc sends it: the target triple and {@code -gcc}. */
  public static String compilerName(Path dir) {
    return run(dir, Map.of(), List.of("gcc", "-dumpmachine")).ok("gcc -dumpmachine").out().strip()
        + "-gcc";
  }

  /** The argv distcc sends for {@code distcc gcc -c -O2 -DX -I. SOURCE -o OBJECT}. */
  public static List<String> distccArgv(Path dir, String source, String object) {
    return List.of(compilerName(dir), "-c", "-O2", source, "-o", object);
  }

  /** {@code gcc -E -O2 -DX -I. SOURCE}: what distcc sends as DOTI. */
  public static byte[] preprocess(Path dir, String source) {
    return run(dir, Map.of(), List.of("gcc", "-E", "-O2", "-DX", "-I.", source))
        .ok("gcc -E")
        .stdout();
  }

  /** {@code gcc -c -O2 -DX -I. SOURCE -o OBJECT} run here; returns the object. */
  public static byte[] compileLocally(Path dir, String source, String object) throws IOException {
    run(dir, Map.of(), List.of("gcc", "-c", "-O2", "-DX", "-I.", source, "-o", object))
        .ok("gcc -c");
    return Files.readAllBytes(dir.resolve(object));
  }
}
