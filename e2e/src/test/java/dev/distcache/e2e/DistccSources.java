package dev.distcache.e2e;

import dev.distcache.distribute.lzo.Lzo1x;
import dev.distcache.testing.Processes;
import dev.distcache.testing.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sources for the daemon tests, and the stock distcc client run against a daemon. Pump mode uses
 * distcc's INCLUDE_SERVER_STUB (Debian's include server fails on Python 3.11): it lists the include
 * server's LZO copies of the client's files under a mirror root exactly three directories deep
 * ({@code /tmp/X/m/<client path>.lzo}).
 */
final class DistccSources {
  static final String GREET_H = "#define GREETING \"hello\"\n";
  static final String HELLO_C =
      "#include <stdio.h>\n#include \"greet.h\"\n#ifndef X\n#error X is defined on the"
          + " command line\n#endif\nint main(void) { printf(\"%s %s\\n\", GREETING, __FILE__); return 0; }\n";
  static final String HELLO_CXX =
      "#include <string>\n#include <vector>\n#include \"greet.h\"\n"
          + "int main() { std::vector<std::string> v{GREETING, \"x\"}; return (int) v.size() - 2; }\n";
  static final String BROKEN_C = "int main(void) { return undeclared_name; }\n";

  private DistccSources() {}

  /** Writes hello.c, hello.cpp, broken.c and inc/greet.h into {@code dir}. */
  static void write(Path dir) {
    Distcache.write(dir.resolve("hello.c"), HELLO_C);
    Distcache.write(dir.resolve("hello.cpp"), HELLO_CXX);
    Distcache.write(dir.resolve("broken.c"), BROKEN_C);
    Distcache.write(dir.resolve("inc/greet.h"), GREET_H);
  }

  /**
   * The environment for the distcc client: its hosts, a fresh DISTCC_DIR, no silent local fallback.
   */
  static Map<String, String> distccEnv(Path stateDir, String hosts) throws IOException {
    Map<String, String> env = new HashMap<>();
    System.getenv()
        .forEach((k, v) -> {
          if (!k.startsWith("DISTCC_") && !k.startsWith("DISTCACHE_")) {
            env.put(k, v);
          }
        });
    env.put("DISTCC_HOSTS", hosts);
    env.put("DISTCC_DIR", Files.createDirectories(stateDir).toString());
    env.put("DISTCC_IO_TIMEOUT", "120");
    env.put(
        "DISTCC_FALLBACK",
        "0"); // a failure to compile remotely must fail the test, not compile locally
    env.put("DISTCC_SKIP_LOCAL_RETRY", "1");
    env.put("LC_ALL", "C");
    return env;
  }

  /** {@code distcc COMMAND...} in {@code cwd}. */
  static Run distcc(Path cwd, Map<String, String> env, String... command) {
    List<String> cmd = new ArrayList<>(List.of("distcc"));
    cmd.addAll(List.of(command));
    return Processes.run(cwd, env, cmd);
  }

  /**
   * Makes the include server's mirror of {@code files} (absolute paths) under a new directory in
   * /tmp and returns the INCLUDE_SERVER_STUB value; the caller removes {@code top}.
   */
  static String pumpStub(Path top, List<Path> files) throws IOException {
    Path mirror = top.resolve("m");
    List<String> copies = new ArrayList<>();
    for (Path f : files) {
      Path copy = Path.of(mirror + f.toString() + ".lzo");
      Files.createDirectories(copy.getParent());
      Files.write(copy, Lzo1x.compress(Files.readAllBytes(f)));
      copies.add(copy.toString());
    }
    return String.join(" ", copies);
  }
}
