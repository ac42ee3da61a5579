package dev.distcache.server.outputs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.cache.CachedResult;
import dev.distcache.cache.OutputKind;
import dev.distcache.core.args.ArgsClassifier;
import dev.distcache.core.args.Classification;
import dev.distcache.core.args.Invocation;
import dev.distcache.core.process.ProcessRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compile's outputs captured into a result, and written back for a hit: the files are laid out
 * here as gcc would write them; no compiler runs.
 */
class HitWriterTest {
  private static final ProcessRunner.Exec CLEAN =
      new ProcessRunner.Exec(0, new byte[0], new byte[0]);
  private static final String EXACT = "exact-1";

  @TempDir Path cwd;

  private Invocation inv(String... args) {
    Classification c = ArgsClassifier.classify("gcc", List.of(args), cwd, Map.of());
    return ((Classification.Cacheable) c).invocation();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /** What gcc writes for {@code -c a.c -MD} (target a.o). */
  private void compiledWithDepFile() throws IOException {
    Files.writeString(cwd.resolve("a.c"), "#include \"h.h\"\n");
    Files.write(cwd.resolve("a.o"), new byte[] {0x7f, 'E', 'L', 'F', 1});
    Files.writeString(cwd.resolve("a.d"), "a.o: a.c h.h\n");
  }

  @Test
  void capture_readsTheObjectAndDependencyFile_andFilesFor_writesThemBackAsTheCompileDid()
      throws Exception {
    compiledWithDepFile();
    Invocation inv = inv("-c", "a.c", "-MD");
    CachedResult r =
        HitWriter.capture(
                inv, cwd, new ProcessRunner.Exec(0, bytes("out"), bytes("warn")), EXACT, 0)
            .orElseThrow();
    assertArrayEquals(Files.readAllBytes(cwd.resolve("a.o")), r.file(OutputKind.OBJECT));
    assertEquals("a.o: a.c h.h\n", text(r.file(OutputKind.DEPENDENCY)));
    assertEquals("out", text(r.stdout()));
    assertEquals("warn", text(r.stderr()));
    assertEquals(EXACT, r.meta().get(HitWriter.META_EXACT));
    assertEquals("a.o", r.meta().get(HitWriter.META_DEP_TARGETS));

    Map<Path, byte[]> files = HitWriter.filesFor(r, inv, cwd, EXACT, "");
    assertEquals(2, files.size());
    assertArrayEquals(Files.readAllBytes(cwd.resolve("a.o")), files.get(cwd.resolve("a.o")));
    assertEquals("a.o: a.c h.h\n", text(files.get(cwd.resolve("a.d"))));
  }

  @Test
  void filesFor_anotherOutputName_renamesTheDependencyTargetAsGccWould() throws Exception {
    compiledWithDepFile();
    CachedResult r = HitWriter.capture(inv("-c", "a.c", "-MD"), cwd, CLEAN, EXACT, 0).orElseThrow();
    Invocation other = inv("-c", "a.c", "-MD", "-o", "out dir/b.o");
    Map<Path, byte[]> files = HitWriter.filesFor(r, other, cwd, EXACT, "");
    assertEquals("out\\ dir/b.o: a.c h.h\n", text(files.get(cwd.resolve("out dir/b.d"))));
    assertArrayEquals(r.file(OutputKind.OBJECT), files.get(cwd.resolve("out dir/b.o")));
  }

  @Test
  void filesFor_otherExplicitTargets_nameThoseTargets() throws Exception {
    Files.writeString(cwd.resolve("a.c"), "int a;\n");
    Files.write(cwd.resolve("a.o"), new byte[] {1});
    Files.writeString(cwd.resolve("a.d"), "mine: a.c\n");
    Invocation inv = inv("-c", "a.c", "-MD", "-MT", "mine");
    CachedResult r = HitWriter.capture(inv, cwd, CLEAN, EXACT, 0).orElseThrow();
    Invocation same = inv("-c", "a.c", "-MD", "-MT", "mine", "-o", "b.o");
    assertEquals(
        "mine: a.c\n", text(HitWriter.filesFor(r, same, cwd, EXACT, "").get(cwd.resolve("b.d"))));
    Invocation other = inv("-c", "a.c", "-MD", "-MT", "yours", "-o", "b.o");
    assertEquals(
        "yours: a.c\n", text(HitWriter.filesFor(r, other, cwd, EXACT, "").get(cwd.resolve("b.d"))));
  }

  @Test
  void filesFor_aDependencyFileThatDoesNotStartWithItsTarget_isNotServable() {
    CachedResult r =
        new CachedResult(
            Map.of(
                OutputKind.OBJECT, new byte[] {1}, OutputKind.DEPENDENCY, bytes("other.o: a.c\n")),
            new byte[0],
            new byte[0],
            Map.of(HitWriter.META_EXACT, EXACT, HitWriter.META_DEP_TARGETS, "a.o"));
    assertThrows(
        HitWriter.NotServableException.class,
        () -> HitWriter.filesFor(r, inv("-c", "a.c", "-MD", "-o", "b.o"), cwd, EXACT, ""));
  }

  @Test
  void filesFor_anotherOrigin_servesNoStoredMessages() throws Exception {
    compiledWithDepFile();
    Invocation inv = inv("-c", "a.c", "-MD");
    CachedResult quiet = HitWriter.capture(inv, cwd, CLEAN, EXACT, 0).orElseThrow();
    assertEquals(2, HitWriter.filesFor(quiet, inv, cwd, "exact-2", "/elsewhere").size());
    CachedResult warned =
        HitWriter.capture(inv, cwd, new ProcessRunner.Exec(0, new byte[0], bytes("w")), EXACT, 0)
            .orElseThrow();
    assertThrows(
        HitWriter.NotServableException.class,
        () -> HitWriter.filesFor(warned, inv, cwd, "exact-2", ""));
  }

  @Test
  void filesFor_anotherCheckout_namesItsOwnFiles_onlyWhenItsArgumentsDifferByTheCheckoutAlone()
      throws Exception {
    Path one = cwd.resolve("one/proj");
    Path two = cwd.resolve("second/proj");
    Files.createDirectories(one);
    Files.createDirectories(two);
    Files.writeString(one.resolve("a.c"), "#include <h.h>\n");
    Files.write(one.resolve("a.o"), new byte[] {0x7f, 'E', 'L', 'F', 1});
    Files.writeString(one.resolve("a.d"), "a.o: a.c " + one + "/inc/h.h\n" + one + "/inc/h.h:\n");
    CachedResult stored =
        HitWriter.capture(inv(one, "-I" + one + "/inc", "-MP"), one, CLEAN, EXACT, 0).orElseThrow();

    Map<Path, byte[]> files =
        HitWriter.filesFor(
            stored, inv(two, "-I" + two + "/inc", "-MP"), two, "exact-2", two.toString());
    assertEquals(
        "a.o: a.c " + two + "/inc/h.h\n" + two + "/inc/h.h:\n",
        text(files.get(two.resolve("a.d"))));
    assertEquals(
        "a.o: a.c " + one + "/inc/h.h\n" + one + "/inc/h.h:\n",
        text(
            HitWriter.filesFor(
                    stored, inv(two, "-I" + one + "/inc", "-MP"), two, "exact-2", two.toString())
                .get(two.resolve("a.d"))),
        "gcc there reads and names the first checkout's header");
    assertThrows(
        HitWriter.NotServableException.class,
        () -> HitWriter.filesFor(stored, inv(one, "-Iinc", "-MP"), one, "exact-2", one.toString()),
        "gcc would name the header relative");
    assertEquals(
        "a.o: a.c " + one + "/inc/h.h\n" + one + "/inc/h.h:\n",
        text(
            HitWriter.filesFor(
                    stored, inv(one, "-I" + one + "/inc", "-MP"), one, EXACT, one.toString())
                .get(one.resolve("a.d"))));
  }

  private static Invocation inv(Path dir, String include, String mp) {
    Classification c =
        ArgsClassifier.classify("gcc", List.of(include, "-c", "a.c", "-MD", mp), dir, Map.of());
    return ((Classification.Cacheable) c).invocation();
  }

  @Test
  void filesFor_aResultWithoutTheOutputsAsked_isNotServable() {
    CachedResult objectOnly =
        new CachedResult(
            Map.of(OutputKind.OBJECT, new byte[] {1}),
            new byte[0],
            new byte[0],
            Map.of(HitWriter.META_EXACT, EXACT));
    assertThrows(
        HitWriter.NotServableException.class,
        () -> HitWriter.filesFor(objectOnly, inv("-c", "a.c", "-MD"), cwd, EXACT, ""));
    assertThrows(
        HitWriter.NotServableException.class,
        () -> HitWriter.filesFor(objectOnly, inv("-S", "a.c"), cwd, EXACT, ""));
  }

  @Test
  void capture_withoutAnOutput_orWithAnEmptyOne_orWithoutItsDependencyFile_isEmpty()
      throws Exception {
    Files.writeString(cwd.resolve("a.c"), "int a;\n");
    assertEquals(Optional.empty(), HitWriter.capture(inv("-c", "a.c"), cwd, CLEAN, EXACT, 0));
    Files.write(cwd.resolve("a.o"), new byte[0]);
    assertEquals(Optional.empty(), HitWriter.capture(inv("-c", "a.c"), cwd, CLEAN, EXACT, 0));
    Files.write(cwd.resolve("a.o"), new byte[] {1});
    assertTrue(HitWriter.capture(inv("-c", "a.c"), cwd, CLEAN, EXACT, 0).isPresent());
    assertEquals(
        Optional.empty(), HitWriter.capture(inv("-c", "a.c", "-MD"), cwd, CLEAN, EXACT, 0));
  }

  @Test
  void capture_storesASplitDwarfFileOnlyWhenThisCompileWroteIt() throws Exception {
    Files.writeString(cwd.resolve("a.c"), "int a;\n");
    Files.write(cwd.resolve("a.o"), new byte[] {1});
    Path dwo = Files.write(cwd.resolve("a.dwo"), new byte[] {2});
    Instant written = Files.getLastModifiedTime(dwo).toInstant();
    Invocation inv = inv("-c", "a.c", "-gsplit-dwarf");
    assertEquals(Optional.of("a.dwo"), inv.dwoFile());

    CachedResult fresh =
        HitWriter.capture(inv, cwd, CLEAN, EXACT, written.toEpochMilli()).orElseThrow();
    assertArrayEquals(new byte[] {2}, fresh.file(OutputKind.SPLIT_DWARF));
    assertArrayEquals(new byte[] {2}, HitWriter.filesFor(fresh, inv, cwd, EXACT, "").get(dwo));

    // A compile that started a minute after the file was written left an older one behind.
    long later = written.plus(Duration.ofMinutes(1)).toEpochMilli();
    CachedResult stale = HitWriter.capture(inv, cwd, CLEAN, EXACT, later).orElseThrow();
    assertNull(stale.file(OutputKind.SPLIT_DWARF));
    assertEquals(1, HitWriter.filesFor(stale, inv, cwd, EXACT, "").size());

    // Within the slack of the kernel's file clock it still counts as this compile's.
    Files.setLastModifiedTime(dwo, FileTime.from(written.minusMillis(10)));
    assertArrayEquals(
        new byte[] {2},
        HitWriter.capture(inv, cwd, CLEAN, EXACT, written.toEpochMilli())
            .orElseThrow()
            .file(OutputKind.SPLIT_DWARF));
  }

  @Test
  void write_createsAndReplacesTheFilesWithTheClientsUmask() throws Exception {
    Path obj = cwd.resolve("a.o");
    Path dep = Files.writeString(cwd.resolve("a.d"), "older and longer content\n");
    HitWriter.write(Map.of(obj, new byte[] {1, 2}, dep, bytes("a.o: a.c\n")), 027, 022);
    assertArrayEquals(new byte[] {1, 2}, Files.readAllBytes(obj));
    assertEquals("a.o: a.c\n", Files.readString(dep));
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(obj)));
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(dep)));
    HitWriter.write(Map.of(obj, new byte[] {3}), 0, 077);
    assertEquals(
        "rw-rw-rw-",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(obj)),
        "the client's umask, not the server's");
    try (Stream<Path> s = Files.list(cwd)) {
      assertEquals(2, s.count(), "no temporary file is left");
    }
  }

  @Test
  void write_neverReplacesAnOutputThatIsNotARegularFile() throws Exception {
    Path fifo = cwd.resolve("a.o");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    Path dir = Files.createDirectory(cwd.resolve("a.d"));
    assertThrows(IOException.class, () -> HitWriter.write(Map.of(fifo, new byte[] {1}), 022, 022));
    assertTrue(Files.readAttributes(fifo, BasicFileAttributes.class).isOther());
    assertThrows(IOException.class, () -> HitWriter.write(Map.of(dir, new byte[] {1}), 022, 022));
    assertTrue(Files.isDirectory(dir));
    try (Stream<Path> s = Files.list(cwd)) {
      assertEquals(2, s.count(), "no temporary file is left");
    }
  }

  @Test
  void write_toDevNull_writesNothing() throws Exception {
    HitWriter.write(Map.of(Path.of("/dev/null"), new byte[] {1}), 022, 022);
    assertTrue(Files.readAttributes(Path.of("/dev/null"), BasicFileAttributes.class).isOther());
  }

  @Test
  void syntaxOnly_storesNoObject_andAHitWritesNone() throws Exception {
    Files.writeString(cwd.resolve("a.c"), "int a;\n");
    Files.write(cwd.resolve("a.o"), new byte[] {1}); // stale: this compile writes no object
    Invocation inv = inv("-fsyntax-only", "a.c");
    CachedResult r =
        HitWriter.capture(inv, cwd, new ProcessRunner.Exec(0, new byte[0], bytes("w")), EXACT, 0)
            .orElseThrow();
    assertNull(r.file(OutputKind.OBJECT));
    assertEquals("w", text(r.stderr()));
    assertEquals(Map.of(), HitWriter.filesFor(r, inv, cwd, EXACT, ""));
  }

  @Test
  void sideOutputs_areCapturedAndWrittenBackUnderTheNamesOfThisCompile() throws Exception {
    Files.writeString(cwd.resolve("a.c"), "int f(void) { return 0; }\n");
    Files.write(cwd.resolve("a.o"), new byte[] {0x7f, 'E', 'L', 'F', 1});
    Files.writeString(cwd.resolve("a.su"), "a.c:1:5:f\t16\tstatic\n");
    Files.writeString(cwd.resolve("one.lst"), "listing\n");
    Files.write(cwd.resolve("one.dia"), new byte[] {'D', 'I', 'A', 'G'});
    Invocation first =
        inv(
            "-c",
            "a.c",
            "-fstack-usage",
            "-Wa,-adhln=one.lst",
            "--serialize-diagnostics",
            "one.dia");
    CachedResult r = HitWriter.capture(first, cwd, CLEAN, EXACT, 0).orElseThrow();
    assertEquals("listing\n", text(r.file(OutputKind.ASSEMBLER_LISTING)));
    assertEquals("a.c:1:5:f\t16\tstatic\n", text(r.file(OutputKind.STACK_USAGE)));
    assertEquals("DIAG", text(r.file(OutputKind.DIAGNOSTICS)));

    Invocation second =
        inv(
            "-c",
            "a.c",
            "-o",
            "out/b.o",
            "-fstack-usage",
            "-Wa,-adhln=two.lst",
            "--serialize-diagnostics",
            "two.dia");
    Map<Path, byte[]> files = HitWriter.filesFor(r, second, cwd, EXACT, "");
    assertEquals(4, files.size(), files.keySet().toString());
    assertEquals("listing\n", text(files.get(cwd.resolve("two.lst"))));
    assertEquals("a.c:1:5:f\t16\tstatic\n", text(files.get(cwd.resolve("out/b.su"))));
    assertEquals("DIAG", text(files.get(cwd.resolve("two.dia"))));
    // a side output the compile did not write: not stored (as ccache counts it, no output)
    Files.delete(cwd.resolve("a.su"));
    assertEquals(Optional.empty(), HitWriter.capture(first, cwd, CLEAN, EXACT, 0));
    // a result without the side output this compile asks for is not served
    CachedResult plain = HitWriter.capture(inv("-c", "a.c"), cwd, CLEAN, EXACT, 0).orElseThrow();
    assertThrows(
        HitWriter.NotServableException.class,
        () -> HitWriter.filesFor(plain, inv("-c", "a.c", "-fstack-usage"), cwd, EXACT, ""));
  }
}
