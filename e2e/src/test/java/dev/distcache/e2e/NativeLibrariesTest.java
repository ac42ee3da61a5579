package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.RemoteDaemon;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local server and the daemon map RocksDB's and LZ4's JNI libraries from target/native, where
 * the build put them, instead of copying them out of their jars into the temporary directory at
 * each start (17 MB for RocksDB, about 100 ms before a new server's first answer).
 */
class NativeLibrariesTest {
  private static final Path NATIVE = Distcache.ROOT.resolve("target/native");

  @TempDir Path tmp;

  @Test
  void theLocalServer_mapsTheLibrariesOfTheBuild() throws IOException {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Distcache.write(src.resolve("a.c"), "int a(void) { return 1; }\n");
    try (Distcache dc = new Distcache(tmp.resolve("cache"))) {
      dc.run(src, "gcc", "-c", "a.c", "-o", "a.o").ok(); // a miss: stored, so LZ4 is loaded
      long pid = dc.serverPid().orElseThrow();
      assertMapsTheBuildsLibraries(pid, List.of("librocksdbjni-linux64.so", "liblz4-java.so"));
    }
  }

  @Test
  void theDaemon_mapsRocksDbFromTheBuild() throws Exception {
    try (RemoteDaemon d = RemoteDaemon.on("127.0.0.2", tmp.resolve("daemon")).start()) {
      assertMapsTheBuildsLibraries(d.pid(), List.of("librocksdbjni-linux64.so"));
    }
  }

  private static void assertMapsTheBuildsLibraries(long pid, List<String> names)
      throws IOException {
    String maps = Files.readString(Path.of("/proc/" + pid + "/maps"));
    for (String name : names) {
      assertTrue(Files.isRegularFile(NATIVE.resolve(name)), "the build made " + name);
      assertTrue(maps.contains(" " + NATIVE.resolve(name)), name + " not mapped from " + NATIVE);
    }
    assertFalse(
        maps.lines().anyMatch(l -> l.contains("rocksdbjni") && !l.contains(NATIVE.toString())),
        "a copy of RocksDB's library is mapped:\n" + maps);
  }
}
