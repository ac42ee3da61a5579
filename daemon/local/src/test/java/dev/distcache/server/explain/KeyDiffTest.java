package dev.distcache.server.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeyDiffTest {
  private static String record(String... fields) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < fields.length; i += 2) {
      b.append("### ")
          .append(fields[i])
          .append(" (")
          .append(fields[i + 1].length())
          .append(" bytes)\n");
      b.append(fields[i + 1]).append('\n');
    }
    return b.toString();
  }

  @Test
  void sameFields_noDifference() {
    String r = record("compiler", "gcc", "arg", "-O2", "env", "LANG=C");
    assertEquals(List.of(), KeyDiff.between(r, r));
  }

  @Test
  void repeatedArgument_countsEachTime_andOrderAloneIsSaid() {
    assertEquals(
        List.of("argument -Ia was given then, not now"),
        KeyDiff.between(record("arg", "-Ia", "arg", "-Ia"), record("arg", "-Ia")));
    assertEquals(
        List.of("arguments in another order: -Ia -Ib then, -Ib -Ia now"),
        KeyDiff.between(record("arg", "-Ia", "arg", "-Ib"), record("arg", "-Ib", "arg", "-Ia")));
  }

  @Test
  void environment_setUnsetAndChanged() {
    assertEquals(
        List.of(
            "environment variable LANG: \"C\" then, \"de_DE\" now",
            "environment variable CPATH: \"/x\" then, unset now",
            "environment variable GCC_COLORS: unset then, \"\" now"),
        KeyDiff.between(
            record("env", "LANG=C", "env", "CPATH=/x"),
            record("env", "LANG=de_DE", "env", "GCC_COLORS=")));
  }

  @Test
  void aValueHoldingNewlines_staysOneField() {
    assertEquals(
        List.of("environment variable X: \"a\nb\" then, \"a\" now"),
        KeyDiff.between(record("env", "X=a\nb"), record("env", "X=a")));
  }
}
