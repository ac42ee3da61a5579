package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.cache.StoreSchema;
import dev.distcache.testing.Run;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.UInt64AddOperator;

/**
 * A store that will not open is moved aside and the server starts empty (one server, one note); a
 * store that filled its disk resumes storing once there is space again, without a restart; a server
 * that cannot start is not started again by every compile.
 */
class StoreRecoveryTest {
  private static final int COMPILES = 20;
  private static final int SOURCES = 10;

  @TempDir Path tmp;
  Distcache dc;

  @BeforeEach
  void setUp() {
    dc = new Distcache(tmp.resolve("cache"));
    for (int i = 0; i < SOURCES; i++) {
      Distcache.write(
          tmp.resolve("s" + i + ".c"), "int f" + i + "(int x) { return x * " + (i + 3) + "; }\n");
    }
  }

  @AfterEach
  void tearDown() {
    dc.close();
  }

  @Test
  void overwrittenCurrentFile_storeIsMovedAside_oneServer_oneNote() throws Exception {
    damageThenCompile(
        store -> Files.writeString(store.resolve("CURRENT"), "garbage\n"), "garbage\n");
  }

  @Test
  void missingSstFile_storeIsMovedAside_oneServer_oneNote() throws Exception {
    damageThenCompile(
        store -> {
          List<Path> ssts;
          try (Stream<Path> files = Files.list(store)) {
            ssts = files.filter(f -> f.getFileName().toString().endsWith(".sst")).sorted().toList();
          }
          assertFalse(
              ssts.isEmpty(), "the store flushed tables (otherwise this test proves nothing)");
          Files.delete(ssts.get(0));
        },
        null);
  }

  private interface Damage {
    void apply(Path store) throws Exception;
  }

  private void damageThenCompile(Damage damage, String currentAfter) throws Exception {
    dc.run(tmp, "gcc", "-c", "s0.c", "-o", "first.o").ok();
    dc.run(tmp, "server", "stop").ok();
    Path store = dc.cacheDir.resolve("store");
    flush(store);
    damage.apply(store);

    List<String> notes = new ArrayList<>();
    Optional<Long> firstPid = Optional.empty();
    for (int i = 0; i < COMPILES; i++) {
      String src = "s" + (i % SOURCES) + ".c";
      Run r = dc.run(tmp, "gcc", "-c", src, "-o", "o" + i + ".o").ok();
      Run direct = dc.direct(tmp, "gcc", "-c", src, "-o", "d" + i + ".o").ok();
      assertArrayEquals(
          Distcache.read(tmp.resolve("d" + i + ".o")),
          Distcache.read(tmp.resolve("o" + i + ".o")),
          src);
      if (!Arrays.equals(direct.stderr(), r.stderr())) {
        notes.add(r.err());
      }
      if (i == 0) {
        firstPid = dc.serverPid();
      }
    }
    assertEquals(1, notes.size(), "exactly one compile tells of the damage: " + notes);
    assertTrue(notes.get(0).contains("store.broken-"), notes.get(0));
    assertTrue(firstPid.isPresent(), "a server runs after the first compile");
    assertEquals(firstPid, dc.serverPid(), "one server served every compile");
    String serverOut = Files.readString(dc.cacheDir.resolve("server.out"));
    assertFalse(serverOut.contains("cannot start"), serverOut);
    assertTrue(
        serverOut.contains("store.broken-"),
        "the server log says where the store went: " + serverOut);

    List<Path> broken;
    try (Stream<Path> files = Files.list(dc.cacheDir)) {
      broken = files.filter(f -> f.getFileName().toString().startsWith("store.broken-")).toList();
    }
    assertEquals(1, broken.size(), "the damaged store was moved aside once: " + broken);
    if (currentAfter != null) {
      assertEquals(
          currentAfter,
          Files.readString(broken.get(0).resolve("CURRENT")),
          "its files are kept as they were");
    }
    assertTrue(logOldFiles(broken.get(0)) <= 1, "no pile of LOG.old files");
    assertEquals(0, logOldFiles(store), "the fresh store was opened once");

    assertEquals(
        COMPILES - SOURCES, dc.hits(), "the fresh store works: every second compile is a hit");
    assertEquals(1, dc.stat("store_moved_aside"));
    String summary = dc.run(tmp, "-s").ok().out();
    assertTrue(summary.contains(broken.get(0).getFileName().toString()), summary);
  }

  @Test
  void fullDisk_storingResumesOnceThereIsSpace_withoutARestart() throws Exception {
    assertEquals(
        "root",
        ProcessHandle.current().info().user().orElse(""),
        "mounting a small disk needs root (CI is root)");
    Path small = tmp.resolve("small");
    Files.createDirectories(small);
    dc.exec(tmp, "mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", small.toString()).ok();
    Distcache full = new Distcache(small.resolve("cache"));
    try {
      full.run(tmp, "gcc", "-c", "s0.c", "-o", "first.o").ok();
      Optional<Long> pid = full.serverPid();
      assertTrue(pid.isPresent());
      Path filler = small.resolve("filler");
      fill(filler);
      Distcache.write(tmp.resolve("big.c"), bigSource());
      full.run(tmp, "gcc", "-c", "big.c", "-o", "big.o").ok();
      full.direct(tmp, "gcc", "-c", "big.c", "-o", "big-direct.o").ok();
      assertArrayEquals(
          Distcache.read(tmp.resolve("big-direct.o")), Distcache.read(tmp.resolve("big.o")));
      assertTrue(
          full.stat("local_storage_write_failed") > 0,
          "the failed store is counted while the disk is full");
      long hitsBefore = full.hits();
      full.run(tmp, "gcc", "-c", "s0.c", "-o", "hit-while-full.o").ok();
      assertEquals(
          hitsBefore + 1, full.hits(), "a result stored before the disk filled is still a hit");
      assertArrayEquals(
          Distcache.read(tmp.resolve("first.o")), Distcache.read(tmp.resolve("hit-while-full.o")));
      Files.delete(filler);

      boolean stored = false;
      for (int i = 1; i < SOURCES && !stored; i++) {
        long hits = full.hits();
        full.run(tmp, "gcc", "-c", "s" + i + ".c", "-o", "n" + i + ".o").ok();
        full.run(tmp, "gcc", "-c", "s" + i + ".c", "-o", "again" + i + ".o").ok();
        assertArrayEquals(
            Distcache.read(tmp.resolve("n" + i + ".o")),
            Distcache.read(tmp.resolve("again" + i + ".o")));
        stored = full.hits() > hits;
        Thread.sleep(1000);
      }
      assertTrue(stored, "results are stored again once the disk has space");
      assertEquals(pid, full.serverPid(), "without restarting the server");
      String summary = full.run(tmp, "-s").ok().out();
      assertTrue(summary.contains("Write failures:"), summary);
    } finally {
      full.close();
      dc.exec(tmp, "umount", "-l", small.toString());
    }
  }

  @Test
  void serverThatCannotStart_isNotStartedByEveryCompile_andTheLogSaysSoOnce() throws Exception {
    Files.createDirectories(dc.cacheDir);
    Files.writeString(
        dc.cacheDir.resolve("store"), "not a directory\n"); // not damage to move aside
    List<String> notes = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Run r = dc.run(tmp, "gcc", "-c", "s0.c", "-o", "o" + i + ".o").ok();
      if (r.stderr().length > 0) {
        notes.add(r.err());
      }
    }
    dc.direct(tmp, "gcc", "-c", "s0.c", "-o", "direct.o").ok();
    for (int i = 0; i < 5; i++) {
      assertArrayEquals(
          Distcache.read(tmp.resolve("direct.o")), Distcache.read(tmp.resolve("o" + i + ".o")));
    }
    String serverOut = Files.readString(dc.cacheDir.resolve("server.out"));
    assertEquals(
        1,
        serverOut.lines().filter(l -> l.contains("cannot start")).count(),
        "started once: " + serverOut);
    assertEquals(
        1,
        serverOut.lines().filter(l -> l.contains("compiles run without the cache")).count(),
        "the server log says so once: " + serverOut);
    assertEquals(List.of(), notes, "the compiles' stderr is the compiler's (empty)");

    Files.delete(dc.cacheDir.resolve("store"));
    Path failed = dc.cacheDir.resolve("server.failed");
    assertTrue(Files.exists(failed), "the failure is remembered in " + failed);
    Files.setLastModifiedTime(failed, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
    Run r = dc.run(tmp, "gcc", "-c", "s0.c", "-o", "later.o").ok();
    assertEquals("", r.err());
    assertTrue(
        dc.serverPid().isPresent(), "once the failure is old, a compile starts the server again");
    assertFalse(Files.exists(failed), "a server that started forgets the failure");
  }

  private static long logOldFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith("LOG.old")).count();
    }
  }

  /** Writes until the disk is full. */
  private static void fill(Path file) throws IOException {
    byte[] block = new byte[64 << 10];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int i = 0; i < 1 << 16; i++) {
        out.write(block);
        out.flush();
      }
    } catch (IOException e) {
      if (!String.valueOf(e.getMessage()).contains("No space left")) {
        throw e;
      }
      return;
    }
    throw new AssertionError("the small disk never filled up");
  }

  private static String bigSource() {
    java.util.Random random = new java.util.Random(7);
    StringBuilder c = new StringBuilder("const unsigned char big[] = {");
    for (int b = 0; b < 100_000; b++) {
      c.append(random.nextInt(256)).append(',');
    }
    return c.append("};\n").toString();
  }

  /** Opens a stopped store and flushes every column family to SST files. */
  private static void flush(Path storeDir) throws Exception {
    RocksDB.loadLibrary();
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    for (String name : StoreSchema.columnFamilies()) {
      ColumnFamilyOptions o = new ColumnFamilyOptions();
      if (name.equals(StoreSchema.STATS)) {
        o.setMergeOperator(new UInt64AddOperator());
      }
      descriptors.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.UTF_8), o));
    }
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try (DBOptions options = new DBOptions();
        RocksDB db = RocksDB.open(options, storeDir.toString(), descriptors, handles);
        FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      db.flush(flush, handles);
      handles.forEach(ColumnFamilyHandle::close);
    }
    // Opening renamed the store's LOG; start the count of LOG.old files from nothing.
    try (Stream<Path> files = Files.list(storeDir)) {
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith("LOG.old")).toList()) {
        Files.delete(f);
      }
    }
  }
}
