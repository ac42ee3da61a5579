package dev.distcache.server.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.core.args.ArgsClassifier;
import dev.distcache.core.args.Classification;
import dev.distcache.core.args.Invocation;
import dev.distcache.core.compiler.CompilerType;
import dev.distcache.core.wire.Reply;
import dev.distcache.core.wire.Request;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ColorFlagsTest {
  private static Invocation inv(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    return ((Classification.Cacheable)
            ArgsClassifier.classify("gcc", all, Path.of("/src"), Map.of()))
        .invocation();
  }

  private static Request req(boolean stderrTty, String term) {
    Map<String, String> env = term == null ? Map.of() : Map.of("TERM", term);
    return new Request(
        Request.Mode.COMPILE,
        "/src",
        022,
        stderrTty ? Request.STDERR_TTY : Request.STDOUT_TTY,
        "",
        List.of("gcc", "-c", "a.c"),
        env);
  }

  @Test
  void forCompile_asksGccAndClangForColour_andAnotherCompilerForNothing() {
    assertEquals(
        List.of("-fdiagnostics-color"), ColorFlags.forCompile(inv("-c", "a.c"), CompilerType.GCC));
    assertEquals(
        List.of("-fdiagnostics-color"),
        ColorFlags.forCompile(inv("-fno-diagnostics-color", "-c", "a.c"), CompilerType.GCC));
    assertEquals(
        List.of("-fcolor-diagnostics"),
        ColorFlags.forCompile(inv("-c", "a.c"), CompilerType.CLANG));
    assertEquals(List.of(), ColorFlags.forCompile(inv("-c", "a.s"), CompilerType.CLANG));
    assertEquals(List.of(), ColorFlags.forCompile(inv("-c", "a.c"), CompilerType.OTHER));
  }

  @Test
  void strip_whenTheUserAsksForNone_orLeavesItToAStderrThatIsNoColourTerminal() {
    Invocation auto = inv("-c", "a.c");
    assertFalse(ColorFlags.strip(auto, CompilerType.GCC, req(true, "xterm")));
    assertTrue(ColorFlags.strip(auto, CompilerType.GCC, req(false, "xterm")));
    assertTrue(ColorFlags.strip(auto, CompilerType.GCC, req(true, "DUMB")));
    assertTrue(ColorFlags.strip(auto, CompilerType.GCC, req(true, null)));
    assertTrue(
        ColorFlags.strip(
            inv("-fdiagnostics-color=never", "-c", "a.c"), CompilerType.CLANG, req(true, "xterm")));
    assertFalse(
        ColorFlags.strip(
            inv("-fdiagnostics-color", "-c", "a.c"), CompilerType.GCC, req(false, null)));
    assertTrue(
        ColorFlags.strip(
            inv("-fdiagnostics-color", "-fdiagnostics-color=auto", "-c", "a.c"),
            CompilerType.GCC,
            req(false, "xterm")));
    assertFalse(ColorFlags.strip(auto, CompilerType.OTHER, req(false, null)));
  }

  @Test
  void playBack_stripsStdoutAndStderrOfAResultOnly() {
    byte[] coloured = "\u001b[01mw.c:\u001b[m\u001b[K x\n".getBytes(StandardCharsets.UTF_8);
    Reply r = Reply.result(1, coloured, coloured);
    Reply shown = ColorFlags.playBack(r, true);
    assertEquals(1, shown.exitCode());
    assertArrayEquals("w.c: x\n".getBytes(StandardCharsets.UTF_8), shown.stdout());
    assertArrayEquals("w.c: x\n".getBytes(StandardCharsets.UTF_8), shown.stderr());
    assertSame(r, ColorFlags.playBack(r, false));
    Reply local = Reply.runLocally("called_for_link");
    assertSame(local, ColorFlags.playBack(local, true));
  }
}
