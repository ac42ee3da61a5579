package dev.distcache.properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.distcache.core.CacheLayout;
import dev.distcache.core.wire.Reply;
import dev.distcache.core.wire.Request;
import dev.distcache.server.LocalServer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever happens to a source and its headers between compiles (content edits that keep the size,
 * touches and back-dated modification times, edits within one clock tick, includes added, removed
 * and switched), the object a real local server answers with, through direct mode or not, is byte
 * for byte the object gcc compiles from the current files.
 */
class DirectModeProperties {
  /**
   * Headers by name: a.h beside the source, b.h and c.h in inc/ (no name in both: no shadowing).
   */
  private static final List<String> HEADERS = List.of("a.h", "inc/b.h", "inc/c.h");

  private static final FileTime LONG_AGO = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));

  sealed interface Action
      permits Edit,
          EditSameSize,
          Touch,
          BackDate,
          ToggleInclude,
          SwitchAB,
          EditSource,
          Wait,
          Compile {}

  /** Rewrites a header with a value and a comment of another length (size changes). */
  record Edit(int header, int value, int padding) implements Action {}

  /**
   * Rewrites a header with another three-digit value: same size; with {@code keepMtime} its mtime
   * is set back to what it was, so only the ctime tells (as after a quick second write in one
   * tick).
   */
  record EditSameSize(int header, int value, boolean keepMtime) implements Action {}

  /** Sets a header's mtime to now, content unchanged. */
  record Touch(int header) implements Action {}

  /** Sets a header's mtime to one fixed instant long ago, so an edit can keep size and mtime. */
  record BackDate(int header) implements Action {}

  /** Adds the header to the source's includes, or removes it. */
  record ToggleInclude(int header) implements Action {}

  /** The source includes a.h instead of inc/b.h where it included one of them, or the other way. */
  record SwitchAB() implements Action {}

  record EditSource(int value) implements Action {}

  /** Lets the files age past the server's timestamp slack, so the next compile may record them. */
  record Wait(int millis) implements Action {}

  /** Compiles through the server and with gcc alone, and compares the objects. */
  record Compile() implements Action {}

  @Property(tries = 40)
  void servedObjectIsAlwaysGccsObjectForTheCurrentFiles(@ForAll("actions") List<Action> actions)
      throws Exception {
    Path root = Files.createTempDirectory("distcache-direct-property");
    CacheLayout layout = new CacheLayout(root.resolve("cache"));
    LocalServer server = LocalServer.start(layout, Set.of(), 022);
    Thread serving = Thread.ofPlatform().daemon().start(() -> server.serve(0));
    try {
      Project p = new Project(root.resolve("work"));
      int compiles = 0;
      // The files start old enough for a first compile to record them; the actions then change
      // them under its entry, and a last compile checks the final state.
      List<Action> all = new ArrayList<>(List.of(new Wait(30), new Compile()));
      all.addAll(actions);
      all.add(new Compile());
      for (Action action : all) {
        if (action instanceof Compile) {
          compiles++;
          compileAndCompare(layout, p, compiles);
        } else {
          p.apply(action);
        }
      }
      long hits = stat(layout, "direct_cache_hit");
      Statistics.label("direct hits").collect(hits == 0 ? "none" : hits == 1 ? "one" : "several");
      Statistics.label("direct misses")
          .collect(stat(layout, "direct_cache_miss") == 0 ? "none" : "some");
    } finally {
      server.close();
      serving.join(30_000);
      deleteTree(root);
    }
  }

  @Provide
  Arbitrary<List<Action>> actions() {
    Arbitrary<Integer> header = Arbitraries.integers().between(0, HEADERS.size() - 1);
    Arbitrary<Integer> threeDigits = Arbitraries.integers().between(100, 999);
    Arbitrary<Action> action =
        Arbitraries.oneOf(
            Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.just(new Compile())),
                Tuple.of(4, Arbitraries.integers().between(25, 60).map(Wait::new)),
                Tuple.of(
                    3,
                    Combinators.combine(header, threeDigits, Arbitraries.of(true, false))
                        .as(EditSameSize::new)),
                Tuple.of(
                    1,
                    Combinators.combine(header, threeDigits, Arbitraries.integers().between(0, 20))
                        .as(Edit::new)),
                Tuple.of(1, header.map(Touch::new)),
                Tuple.of(1, header.map(BackDate::new)),
                Tuple.of(1, header.map(ToggleInclude::new)),
                Tuple.of(1, Arbitraries.just(new SwitchAB())),
                Tuple.of(1, threeDigits.map(EditSource::new))));
    return action.list().ofMinSize(1).ofMaxSize(20);
  }

  private static void compileAndCompare(CacheLayout layout, Project p, int n) throws IOException {
    String out = "cached" + n + ".o";
    List<String> argv = List.of("gcc", "-O1", "-Iinc", "-c", "main.c", "-o", out);
    Reply reply =
        send(layout, new Request(Request.Mode.COMPILE, p.dir.toString(), 022, 0, "", argv, env()));
    assertEquals(
        Reply.Kind.RESULT, reply.kind(), () -> "the server did not compile: " + reply.message());
    assertEquals(0, reply.exitCode(), () -> new String(reply.stderr(), StandardCharsets.UTF_8));
    String ref = "gcc" + n + ".o";
    Process gcc =
        new ProcessBuilder("gcc", "-O1", "-Iinc", "-c", "main.c", "-o", ref)
            .directory(p.dir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectErrorStream(true)
            .start();
    byte[] gccOutput = gcc.getInputStream().readAllBytes();
    try {
      assertEquals(0, gcc.waitFor(), () -> new String(gccOutput, StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    assertArrayEquals(
        Files.readAllBytes(p.dir.resolve(ref)),
        Files.readAllBytes(p.dir.resolve(out)),
        "compile " + n + " served another object than gcc compiles from\n" + p.describe());
  }

  /** The source and headers, and what the source includes. */
  private static final class Project {
    final Path dir;
    final List<Integer> included = new ArrayList<>(List.of(0, 1));
    int sourceValue = 100;

    Project(Path dir) throws IOException {
      this.dir = dir;
      Files.createDirectories(dir.resolve("inc"));
      for (int h = 0; h < HEADERS.size(); h++) {
        writeHeader(h, 100 + h, 0);
      }
      writeSource();
    }

    void apply(Action action) throws IOException {
      switch (action) {
        case Edit e -> writeHeader(e.header(), e.value(), e.padding());
        case EditSameSize e -> {
          Path f = header(e.header());
          FileTime mtime = Files.getLastModifiedTime(f);
          String text = Files.readString(f);
          int at = text.indexOf("= ") + 2;
          Files.writeString(f, text.substring(0, at) + e.value() + text.substring(at + 3));
          if (e.keepMtime()) {
            Files.setLastModifiedTime(f, mtime);
          }
        }
        case Touch t -> Files.setLastModifiedTime(header(t.header()), FileTime.from(Instant.now()));
        case BackDate b -> Files.setLastModifiedTime(header(b.header()), LONG_AGO);
        case ToggleInclude t -> {
          if (!included.remove(Integer.valueOf(t.header()))) {
            included.add(t.header());
          }
          writeSource();
        }
        case SwitchAB s -> {
          included.replaceAll(h -> h == 0 ? 1 : h == 1 ? 0 : h);
          writeSource();
        }
        case EditSource e -> {
          sourceValue = e.value();
          writeSource();
        }
        case Wait w -> sleep(w.millis());
        case Compile c -> throw new IllegalArgumentException("compiles are run by the property");
      }
    }

    private Path header(int h) {
      return dir.resolve(HEADERS.get(h));
    }

    /**
     * {@code int var_h = VVV;} plus a comment of {@code padding} characters; the value is always
     * three digits.
     */
    private void writeHeader(int h, int value, int padding) throws IOException {
      Files.writeString(
          header(h), "int var_" + h + " = " + value + ";\n/*" + "x".repeat(padding) + "*/\n");
    }

    private void writeSource() throws IOException {
      StringBuilder s = new StringBuilder();
      for (int h : included) {
        s.append("#include \"").append(HEADERS.get(h).replace("inc/", "")).append("\"\n");
      }
      s.append("int source_value = ").append(sourceValue).append(";\n");
      Files.writeString(dir.resolve("main.c"), s.toString());
    }

    String describe() throws IOException {
      StringBuilder s =
          new StringBuilder("main.c:\n").append(Files.readString(dir.resolve("main.c")));
      for (String h : HEADERS) {
        Path f = dir.resolve(h);
        s.append(h)
            .append(" (mtime ")
            .append(Files.getLastModifiedTime(f))
            .append("):\n")
            .append(Files.readString(f));
      }
      return s.toString();
    }
  }

  private static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    System.getenv()
        .forEach((k, v) -> {
          if (!k.startsWith("DISTCACHE_") && !k.startsWith("CCACHE_")) {
            env.put(k, v);
          }
        });
    env.put("LC_ALL", "C");
    return env;
  }

  private static long stat(CacheLayout layout, String id) throws IOException {
    Reply r =
        send(layout, new Request(Request.Mode.ADMIN, "/", 022, 0, "", List.of("stats"), env()));
    for (String line : new String(r.stdout(), StandardCharsets.UTF_8).split("\n")) {
      String[] kv = line.split("\t");
      if (kv.length == 2 && kv[0].equals(id)) {
        return Long.parseLong(kv[1]);
      }
    }
    return 0;
  }

  private static Reply send(CacheLayout layout, Request req) throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(layout.socket()));
      DataOutputStream out =
          new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(ch)));
      req.writeTo(out);
      return Reply.readFrom(
          new DataInputStream(new BufferedInputStream(Channels.newInputStream(ch))));
    }
  }

  private static void sleep(int millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(f -> {
            try {
              Files.delete(f);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    }
  }
}
