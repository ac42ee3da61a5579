package dev.distcache.server.outputs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.distcache.core.args.ArgsClassifier;
import dev.distcache.core.args.Classification;
import dev.distcache.core.args.Invocation;
import dev.distcache.core.stats.Counter;
import dev.distcache.hashing.LineMarkers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads attributes only: nothing here writes to a device. */
class LocalFilesTest {
  @TempDir Path cwd;

  private Optional<Counter> check(String... args) {
    Classification c = ArgsClassifier.classify("gcc", List.of(args), cwd, Map.of());
    Invocation inv = ((Classification.Cacheable) c).invocation();
    return LocalFiles.check(inv, cwd).map(Classification.Uncacheable::reason);
  }

  private void mkfifo(String name) throws Exception {
    assertEquals(0, new ProcessBuilder("mkfifo", cwd.resolve(name).toString()).start().waitFor());
  }

  @Test
  void check_sourcesAndOutputs() throws Exception {
    Files.writeString(cwd.resolve("t.c"), "int x;");
    Files.writeString(cwd.resolve("real.o"), "old");
    Files.createSymbolicLink(cwd.resolve("link.o"), Path.of("real.o"));
    Files.createSymbolicLink(cwd.resolve("link.d"), Path.of("real.o"));
    mkfifo("s.c");
    mkfifo("out.fifo");
    assertEquals(Optional.empty(), check("-c", "t.c", "-o", "new.o"));
    assertEquals(Optional.empty(), check("-c", "t.c", "-o", "/dev/null"));
    assertEquals(
        Optional.empty(), check("-c", "t.c", "-o", "link.o")); // the assembler replaces it too
    assertEquals(Optional.empty(), check("-c", "-x", "c", "/dev/null", "-o", "x.o"));
    assertEquals(Optional.of(Counter.NO_INPUT_FILE), check("-c", "s.c", "-o", "x.o"));
    assertEquals(
        Optional.of(Counter.NO_INPUT_FILE), check("-c", "-x", "c", "/dev/stdin", "-o", "x.o"));
    assertEquals(Optional.of(Counter.BAD_OUTPUT_FILE), check("-c", "t.c", "-o", "out.fifo"));
    assertEquals(Optional.of(Counter.BAD_OUTPUT_FILE), check("-c", "t.c", "-o", "/dev/zero"));
    assertEquals(Optional.of(Counter.BAD_OUTPUT_FILE), check("-c", "t.c", "-o", "/dev/stdout"));
    assertEquals(
        Optional.of(Counter.BAD_OUTPUT_FILE),
        check("-S", "t.c", "-o", "link.o")); // cc1 writes through
    assertEquals(Optional.of(Counter.BAD_OUTPUT_FILE), check("-c", "-MD", "-MF", "link.d", "t.c"));
    assertEquals(Optional.of(Counter.BAD_OUTPUT_FILE), check("-c", "t.c", "-o", "."));
  }

  @Test
  void irregular_namesTheFirstIncludeTheServerCannotRead() throws Exception {
    Files.writeString(cwd.resolve("a.h"), "int a;");
    mkfifo("f.h");
    Files.createSymbolicLink(cwd.resolve("in.h"), Path.of("/dev/stdin"));
    assertEquals(
        Optional.empty(),
        irregular("a.h", "/dev/null", "gen/parser.y")); // #line names what need not exist
    assertEquals(Optional.of("/dev/stdin"), irregular("a.h", "/dev/stdin"));
    assertEquals(Optional.of("in.h"), irregular("in.h"));
    assertEquals(Optional.of("f.h"), irregular("a.h", "f.h"));
    assertEquals(Optional.of("/proc/self/fd/0"), irregular("/proc/self/fd/0"));
  }

  private Optional<String> irregular(String... paths) {
    return LocalFiles.irregular(
        java.util.Arrays.stream(paths).map(p -> new LineMarkers.MarkedFile(p, false)).toList(),
        cwd);
  }
}
