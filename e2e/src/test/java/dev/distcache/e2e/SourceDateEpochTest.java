package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SOURCE_DATE_EPOCH changes only what {@code __DATE__} and {@code __TIME__} expand to, so, as in
 * ccache, two compiles that differ only in it share a result unless the source uses a time macro.
 */
class SourceDateEpochTest {
  /** Three days after the epoch: another {@code __DATE__} than 0 gives. */
  private static final String LATER = "259200";

  @TempDir Path tmp;
  Distcache dc;
  Path src;

  @BeforeEach
  void setUp() {
    dc = new Distcache(tmp.resolve("cache"));
    src = tmp.resolve("src");
    Distcache.write(src.resolve("plain.c"), "int answer(void) { return 42; }\n");
    Distcache.write(src.resolve("dated.c"), "const char built[] = __DATE__;\n");
  }

  @AfterEach
  void tearDown() {
    dc.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"direct", "preprocessor"})
  void withoutATimeMacro_compilesDifferingOnlyInSourceDateEpoch_share(String mode) {
    if (mode.equals("preprocessor")) {
      dc.with("DISTCACHE_NODIRECT", "1");
    }
    compile("0", "plain.c");
    compile(LATER, "plain.c");
    assertEquals(1, dc.hits());
    assertArrayEquals(plainGcc(LATER, "plain.c"), Distcache.read(src.resolve("plain.o")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"direct", "preprocessor"})
  void withDate_compilesOnOtherDays_doNotShare_andEachGetsGccsObject(String mode) {
    if (mode.equals("preprocessor")) {
      dc.with("DISTCACHE_NODIRECT", "1");
    }
    compile("0", "dated.c");
    byte[] first = Distcache.read(src.resolve("dated.o"));
    assertArrayEquals(plainGcc("0", "dated.c"), first);

    compile(LATER, "dated.c");
    assertEquals(0, dc.hits());
    byte[] later = Distcache.read(src.resolve("dated.o"));
    assertArrayEquals(plainGcc(LATER, "dated.c"), later);

    compile("0", "dated.c");
    assertEquals(1, dc.hits());
    assertArrayEquals(first, Distcache.read(src.resolve("dated.o")));
  }

  private void compile(String epoch, String source) {
    dc.with("SOURCE_DATE_EPOCH", epoch);
    dc.run(src, "gcc", "-c", source).ok();
  }

  /** The object plain gcc writes with this SOURCE_DATE_EPOCH (in a directory of its own). */
  private byte[] plainGcc(String epoch, String source) {
    Map<String, String> env = new HashMap<>(dc.env);
    env.keySet().removeIf(k -> k.startsWith("DISTCACHE_"));
    env.put("SOURCE_DATE_EPOCH", epoch);
    Path out = tmp.resolve("plain-" + epoch + ".o");
    dev.distcache.testing.Processes.run(
            src, env, List.of("gcc", "-c", source, "-o", out.toString()))
        .ok();
    return Distcache.read(out);
  }
}
