package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local server's JVM takes the options of target/server.jvm (an argument file server.args
 * names), where bin/setup puts the AOT cache it trains: a server trained with -XX:AOTCacheOutput
 * writes the cache as it exits, and a server started with -XX:AOTCache maps it and answers as any
 * other, with nothing in its server.out.
 */
class ServerAotCacheTest {
  @TempDir Path tmp;

  @Test
  void serverJvmOptions_trainAndUseAnAotCache_withTheSameObjects() throws Exception {
    CopiedInstallation copy = new CopiedInstallation(tmp.resolve("home"));
    Path options = copy.home.resolve("target/server.jvm");
    Path aot = copy.home.resolve("target/server.aot");
    Path src = Files.createDirectories(tmp.resolve("src"));
    Distcache.write(src.resolve("t.c"), CompileTest.HELLO_C);

    Files.writeString(options, "-XX:AOTCacheOutput=" + aot + "\n");
    try (Distcache training = new Distcache(tmp.resolve("training-cache"))) {
      training.exec(src, copy.launcher().toString(), "gcc", "-c", "t.c", "-o", "a.o").ok();
      training.exec(src, copy.launcher().toString(), "gcc", "-c", "t.c", "-o", "b.o").ok();
      long pid = training.serverPid().orElseThrow();
      training.exec(src, copy.launcher().toString(), "server", "stop").ok();
      Optional<ProcessHandle> server = ProcessHandle.of(pid);
      if (server.isPresent()) {
        server.get().onExit().get(60, TimeUnit.SECONDS);
      }
    }
    assertTrue(Files.size(aot) > 0, "the trained server wrote " + aot);

    Files.writeString(options, "-XX:AOTCache=" + aot + "\n");
    Path cache = tmp.resolve("cache");
    try (Distcache dc = new Distcache(cache)) {
      dc.exec(src, copy.launcher().toString(), "gcc", "-c", "t.c", "-o", "miss.o").ok();
      Run hit = dc.exec(src, copy.launcher().toString(), "gcc", "-c", "t.c", "-o", "hit.o").ok();
      long pid = dc.serverPid().orElseThrow();
      String command =
          ProcessHandle.of(pid).orElseThrow().info().arguments().map(List::of).toString();
      assertTrue(command.contains("@" + options), "the server read " + options + ": " + command);
      dc.direct(src, "gcc", "-c", "t.c", "-o", "direct.o").ok();
      byte[] direct = Distcache.read(src.resolve("direct.o"));
      assertArrayEquals(direct, Distcache.read(src.resolve("miss.o")));
      assertArrayEquals(direct, Distcache.read(src.resolve("hit.o")));
      assertEquals("", hit.err());
      assertEquals(1, dc.stat("direct_cache_hit"));
      assertEquals("", Files.readString(cache.resolve("server.out")), "the JVM took the cache");
    }
  }
}
