package dev.distcache.remote.job;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.distcache.distribute.distcc.DistccRequest;
import dev.distcache.distribute.distcc.ProtocolVersion;
import dev.distcache.distribute.distcc.PumpFile;
import dev.distcache.remote.policy.JobPlan;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Pins the exact daemon cache key of one fixed distcc job in each mode, with every environment
 * variable that enters the key set (and some that do not): a refactor that changes them would
 * invalidate every daemon's cache.
 */
class JobKeyTest {
  private static final List<String> KEY_VARIABLES =
      List.of(
          "LANG",
          "LC_ALL",
          "LC_CTYPE",
          "LC_MESSAGES",
          "GCC_COMPARE_DEBUG",
          "COMPILER_PATH",
          "GCC_EXEC_PREFIX",
          "SOURCE_DATE_EPOCH",
          "CPATH",
          "C_INCLUDE_PATH",
          "CPLUS_INCLUDE_PATH",
          "OBJC_INCLUDE_PATH",
          "GCC_COLORS");

  private static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    for (String n : KEY_VARIABLES) {
      env.put(n, n.toLowerCase() + "-value");
    }
    env.put("TERM", "xterm");
    env.put("HOME", "/home/u");
    return env;
  }

  @Test
  void preprocessedJob_isPinned() {
    JobPlan plan =
        new JobPlan("gcc", false, List.of("-c", "-O2", "foo.i"), 2, false, ".i", null, true, null);
    DistccRequest req =
        new DistccRequest.Preprocessed(
            ProtocolVersion.V2,
            List.of("gcc", "-c", "-O2", "foo.i", "-o", "foo.o"),
            "int foo(void) { return 1; }\n".getBytes(UTF_8));
    assertEquals(
        "a1a5ae9c6537321bfab711cbcd695d7f6abf4778d4767ed96fa99fa19d3e910a",
        JobKey.of("name=gcc;x", plan, req, env()).hex());
    assertEquals(
        "a02cf1ca20b23b0ca7da08c4af780dafdd98fc8a7e65331415cf3ce6f80de765",
        JobKey.of("name=gcc;x", plan, req, Map.of()).hex());
  }

  @Test
  void pumpJob_isPinned() {
    JobPlan plan =
        new JobPlan(
            "gcc", true, List.of("-c", "-O2", "/src/foo.c"), 2, false, "", "foo.o", true, null);
    DistccRequest req =
        new DistccRequest.Pump(
            "/src",
            List.of("gcc", "-c", "-O2", "/src/foo.c", "-o", "foo.o"),
            List.of(
                new PumpFile.Regular("/src/foo.c", "#include \"foo.h\"\n".getBytes(UTF_8)),
                new PumpFile.Link("/src/foo.h", "inc/foo.h"),
                new PumpFile.Regular("/src/inc/foo.h", "int h;\n".getBytes(UTF_8))));
    assertEquals(
        "da3b39f569f9e5f4221acf898e49f510f3c9492168d6aaed6729ec7dd6ff3139",
        JobKey.of("name=gcc;x", plan, req, env()).hex());
  }
}
