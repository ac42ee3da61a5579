package dev.distcache.cli.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerCommandLineTest {
  @TempDir Path home;

  @Test
  void read_skipsCommentsAndEmptyLines_andReplacesThePlaceholdersOnce() throws IOException {
    Files.createDirectories(home.resolve("target"));
    Files.writeString(
        home.resolve("target/server.args"),
        "# a comment\n/jdk/bin/java\n\n-Ddistcache.home={home}\n-cp\n{home}/target/lib/*\nMain\n{cache}\n");
    Path cache = Path.of("/caches/{home}");

    List<String> words = ServerCommandLine.read(home, cache);

    assertEquals(
        List.of(
            "/jdk/bin/java",
            "-Ddistcache.home=" + home,
            "-cp",
            home + "/target/lib/*",
            "Main",
            "/caches/{home}"),
        words);
  }

  @Test
  void read_withoutTheFile_failsNamingIt() {
    IOException e =
        assertThrows(IOException.class, () -> ServerCommandLine.read(home, Path.of("/c")));
    assertTrue(e.getMessage().contains("server.args"), e.getMessage());
  }
}
