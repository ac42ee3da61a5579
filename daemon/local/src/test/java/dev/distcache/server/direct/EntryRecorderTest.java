package dev.distcache.server.direct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.cache.Manifest;
import dev.distcache.hashing.ContentHash;
import dev.distcache.hashing.LineMarkers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a finished compile's files make of a manifest entry, over real files. */
class EntryRecorderTest {
  @TempDir Path cwd;
  final FileHashes hashes = new FileHashes();

  @BeforeEach
  void sources() throws IOException {
    Files.writeString(cwd.resolve("a.c"), "#include \"h.h\"\n");
    Files.writeString(cwd.resolve("h.h"), "int h;\n");
  }

  private static long later() {
    Instant i = Instant.now().plusSeconds(1);
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  private static List<LineMarkers.MarkedFile> read(String... paths) {
    return Arrays.stream(paths)
        .map(p -> new LineMarkers.MarkedFile(p, p.startsWith("sys")))
        .toList();
  }

  private EntryRecorder.Recorded record(List<LineMarkers.MarkedFile> read, Set<String> sloppiness)
      throws EntryRecorder.NotRecordableException {
    return EntryRecorder.record(read, "a.c", null, cwd, later(), sloppiness, hashes);
  }

  private String refused(List<LineMarkers.MarkedFile> read, Set<String> sloppiness) {
    return assertThrows(EntryRecorder.NotRecordableException.class, () -> record(read, sloppiness))
        .getMessage();
  }

  @Test
  void record_listsEveryFileWithItsSizeAndContentHash_inTheOrderRead() throws Exception {
    EntryRecorder.Recorded r = record(read("a.c", "h.h"), Set.of());
    assertEquals(
        List.of(
            new Manifest.IncludedFile(
                "a.c",
                15,
                ContentHash.ofContent("#include \"h.h\"\n".getBytes(StandardCharsets.UTF_8))),
            new Manifest.IncludedFile(
                "h.h", 7, ContentHash.ofContent("int h;\n".getBytes(StandardCharsets.UTF_8)))),
        r.files());
    assertFalse(r.fileMacros());
    assertFalse(r.skippedSystemHeaders());
  }

  @Test
  void record_refusesFilesItCannotFollow() throws IOException {
    assertTrue(refused(read("h.h"), Set.of()).contains("do not name the source a.c"));
    assertTrue(refused(read("a.c", "gone.h"), Set.of()).startsWith("cannot hash gone.h"));
    Files.writeString(cwd.resolve("t.h"), "const char *t = __DATE__;\n");
    assertTrue(refused(read("a.c", "t.h"), Set.of()).contains("t.h names __TIME__"));
    Files.writeString(cwd.resolve("e.h"), "const char d[] = {\n#embed \"data.bin\"\n};\n");
    assertTrue(
        refused(read("a.c", "e.h"), Set.of("time_macros"))
            .contains("e.h has .incbin, .include or #embed"));
  }

  @Test
  void record_withSloppiness_takesTimeMacros_andLeavesSystemHeadersOut() throws Exception {
    Files.writeString(cwd.resolve("t.h"), "const char *t = __DATE__;\n");
    assertEquals(2, record(read("a.c", "t.h"), Set.of("time_macros")).files().size());
    Files.writeString(cwd.resolve("sys.h"), "int s;\n");
    assertEquals(3, record(read("a.c", "h.h", "sys.h"), Set.of()).files().size());
    EntryRecorder.Recorded r = record(read("a.c", "h.h", "sys.h"), Set.of("system_headers"));
    assertEquals(
        List.of("a.c", "h.h"), r.files().stream().map(Manifest.IncludedFile::path).toList());
    assertTrue(r.skippedSystemHeaders());
  }

  @Test
  void record_notesFilesThatNameTheirOwnName() throws Exception {
    Files.writeString(cwd.resolve("f.h"), "const char *f = __FILE__;\n");
    assertTrue(record(read("a.c", "f.h"), Set.of()).fileMacros());
  }

  @Test
  void record_takesTheNullDevice_asEmptyContent_howeverYoungItsTimes() throws Exception {
    Nodes.charDevice(cwd.resolve("null"), 1, 3);
    long aSecondAgo = later() - 2_000_000_000L; // the node and a.c look written after the start
    EntryRecorder.Recorded r =
        EntryRecorder.record(read("null"), "null", null, cwd, aSecondAgo, Set.of(), hashes);
    assertEquals(
        List.of(new Manifest.IncludedFile("null", 0, ContentHash.ofContent(new byte[0]))),
        r.files());
    assertTrue(
        assertThrows(
                EntryRecorder.NotRecordableException.class,
                () ->
                    EntryRecorder.record(
                        read("a.c"), "a.c", null, cwd, aSecondAgo, Set.of(), hashes))
            .getMessage()
            .contains("a.c was modified after the compile started"),
        "a regular file of the same age is still refused");
  }

  @Test
  void record_refusesAFifoOrAnotherDevice_asSourceOrHeader() throws Exception {
    Nodes.fifo(cwd.resolve("fifo"));
    Nodes.charDevice(cwd.resolve("zero"), 1, 5);
    for (String p : List.of("fifo", "zero")) {
      String header = refused(read("a.c", p), Set.of());
      assertTrue(header.startsWith("cannot hash " + p), header);
      assertTrue(header.endsWith("is not a regular file"), header);
      String source =
          assertThrows(
                  EntryRecorder.NotRecordableException.class,
                  () -> EntryRecorder.record(read(p), p, null, cwd, later(), Set.of(), hashes))
              .getMessage();
      assertTrue(source.endsWith("is not a regular file"), source);
    }
  }

  @Test
  void record_takesAYoungSource_hashedBeforeTheCompileAndUnchangedSince() throws Exception {
    long aSecondAgo = later() - 2_000_000_000L; // a.c and h.h look written after the start
    Path a = cwd.resolve("a.c");
    FileHashes.Hashed before = hashes.hash(a, aSecondAgo);

    EntryRecorder.Recorded r =
        EntryRecorder.record(read("a.c"), "a.c", before, cwd, aSecondAgo, Set.of(), hashes);
    assertEquals(List.of("a.c"), r.files().stream().map(Manifest.IncludedFile::path).toList());

    String header =
        assertThrows(
                EntryRecorder.NotRecordableException.class,
                () ->
                    EntryRecorder.record(
                        read("a.c", "h.h"), "a.c", before, cwd, aSecondAgo, Set.of(), hashes))
            .getMessage();
    assertTrue(header.contains("h.h was modified after the compile started"), header);
  }

  @Test
  void record_refusesAYoungSource_thatChangedAfterItWasHashed() throws Exception {
    long aSecondAgo = later() - 2_000_000_000L;
    Path a = cwd.resolve("a.c");
    FileHashes.Hashed before = hashes.hash(a, aSecondAgo);
    Files.writeString(a, "int other;\n"); // what the compiler may have read instead

    String why =
        assertThrows(
                EntryRecorder.NotRecordableException.class,
                () ->
                    EntryRecorder.record(
                        read("a.c"), "a.c", before, cwd, aSecondAgo, Set.of(), hashes))
            .getMessage();
    assertTrue(why.contains("a.c was modified after the compile started"), why);

    FileHashes.Hashed other = hashes.hash(cwd.resolve("h.h"), aSecondAgo); // another file's hash
    assertThrows(
        EntryRecorder.NotRecordableException.class,
        () -> EntryRecorder.record(read("a.c"), "a.c", other, cwd, aSecondAgo, Set.of(), hashes));
  }
}
