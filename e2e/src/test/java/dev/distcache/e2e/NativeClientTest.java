package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Processes;
import dev.distcache.testing.Run;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native client (cli/src/main/c): the build makes it, prefix mode and masquerade links run it
 * without a JVM, it starts the server as the Java client does and falls back to the real compiler
 * as the Java client does. CompileTest and ServerLifecycleTest check its output byte for byte.
 */
class NativeClientTest {
  static final Path BUILD_NATIVE = Distcache.ROOT.resolve("bin/build-native");

  @TempDir Path tmp;
  Path src;
  Distcache dc;

  @BeforeEach
  void setUp() throws IOException {
    src = Files.createDirectories(tmp.resolve("src"));
    dc = new Distcache(tmp.resolve("cache"));
    dc.env.remove("DISTCACHE_JAVA_CLIENT");
  }

  @AfterEach
  void tearDown() {
    dc.close();
  }

  @Test
  void build_madeTheNativeClient_fromSourceThatIsWarningFreeAsPedanticC11() throws IOException {
    assertArrayEquals(
        new byte[] {0x7f, 'E', 'L', 'F'},
        Arrays.copyOf(Distcache.read(Distcache.NATIVE_CLIENT), 4),
        Distcache.NATIVE_CLIENT + " is a binary");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "gcc",
                "-std=c11",
                "-pedantic",
                "-Wall",
                "-Wextra",
                "-Werror",
                "-fsyntax-only",
                // the texts the build generates from the Java classes (NativeTexts)
                "-I" + Distcache.ROOT.resolve("cli/target/native")));
    try (var files = Files.list(Distcache.ROOT.resolve("cli/src/main/c"))) {
      files.filter(f -> f.toString().endsWith(".c")).sorted().forEach(f -> cmd.add(f.toString()));
    }
    assertTrue(cmd.size() > 8, "C sources found");
    assertEquals("", dc.direct(src, cmd.toArray(String[]::new)).ok().err());

    Path out = tmp.resolve("built/distcache");
    Run build =
        Processes.run(tmp, buildEnv("gcc"), List.of(BUILD_NATIVE.toString(), out.toString())).ok();
    assertEquals("", build.err());
    assertTrue(Files.isExecutable(out));
  }

  /**
   * The client is linked statically: no program interpreter (the dynamic loader, which took about
   * 0.2 ms of every compile to map and relocate the C library) and no dynamic section.
   */
  @Test
  void nativeClient_isLinkedStatically() throws IOException {
    ByteBuffer elf =
        ByteBuffer.wrap(Distcache.read(Distcache.NATIVE_CLIENT)).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(2, elf.get(4), "a 64-bit ELF file");
    long phoff = elf.getLong(0x20);
    int phentsize = elf.getShort(0x36) & 0xffff;
    int phnum = elf.getShort(0x38) & 0xffff;
    List<Integer> types = new ArrayList<>();
    for (int i = 0; i < phnum; i++) {
      types.add(elf.getInt((int) (phoff + (long) i * phentsize)));
    }
    assertTrue(types.contains(1), "has loadable segments: " + types); // PT_LOAD
    assertFalse(types.contains(3), "no program interpreter: " + types); // PT_INTERP
    assertFalse(types.contains(2), "no dynamic section: " + types); // PT_DYNAMIC
  }

  @Test
  void buildWithoutACCompiler_failsAndSaysWhy_andRemovesAnOldBinary() {
    Path out = tmp.resolve("built/distcache");
    Distcache.write(out, "an old build");
    Run build =
        Processes.run(
            tmp,
            buildEnv(tmp.resolve("no-such-cc").toString()),
            List.of(BUILD_NATIVE.toString(), out.toString()));
    assertEquals(1, build.exitCode(), build.err());
    assertTrue(build.err().contains("error: no C compiler"), build.err());
    assertFalse(Files.exists(out), "bin/distcache must not find a stale native client");
  }

  @Test
  void theCommandUsersType_isTheNativeClient_noShellInFront() throws IOException {
    assertTrue(Files.isSymbolicLink(Distcache.LAUNCHER), Distcache.LAUNCHER + " is a link");
    assertEquals(Distcache.NATIVE_CLIENT.toRealPath(), Distcache.LAUNCHER.toRealPath());
    assertArrayEquals(
        new byte[] {0x7f, 'E', 'L', 'F'},
        Arrays.copyOf(Distcache.read(Distcache.LAUNCHER), 4),
        "what bin/distcache runs is a binary, not a script");
    try (var files = Files.list(Distcache.ROOT.resolve("bin"))) {
      for (Path f : files.toList()) {
        byte[] head = Arrays.copyOf(Distcache.read(f), 2);
        if (head[0] == '#' && head[1] == '!') {
          String name = f.getFileName().toString();
          assertTrue(
              List.of("build-native", "demo", "find-jdk", "install", "setup", "test")
                  .contains(name),
              "a script among the commands a compile may run: " + f);
        }
      }
    }
  }

  @Test
  void theJvmsTheNativeClientStarts_getTheInstallationAndArgv0_withoutAShell() throws IOException {
    // No PATH at all: the native client finds the JVM through target/java.path and starts it
    // itself, for the Java client, for administration and for the daemon.
    CopiedInstallation copy = new CopiedInstallation(tmp.resolve("home"));
    Distcache.write(src.resolve("j.c"), "int j(void) { return 7; }\n");
    dc.direct(src, "gcc", "-c", "j.c", "-o", "direct.o").ok();
    String gcc = onPath("gcc");
    dc.env.remove("PATH");

    dc.with("DISTCACHE_JAVA_CLIENT", "1").exec(src, copy.launcher().toString(), gcc, "-c", "j.c");
    dc.env.remove("DISTCACHE_JAVA_CLIENT");
    assertArrayEquals(Distcache.read(src.resolve("direct.o")), Distcache.read(src.resolve("j.o")));
    assertEquals(1, dc.stat("cache_miss"), "the Java client compiled through the server");

    Run where = dc.exec(src, copy.launcher().toString(), "-k", "log_file").ok();
    assertEquals("\n", where.out(), "administration ran in the copy's JVM: " + where.err());
    Run daemon = dc.exec(src, copy.launcher().toString(), "daemon", "--no-such-option");
    assertEquals(
        101, daemon.exitCode(), "the daemon's exit code for a bad option: " + daemon.err());
    assertTrue(daemon.err().contains("--no-such-option"), daemon.err());
  }

  @Test
  void prefixModeAndMasqueradeLinks_compileWithTheNativeClient_withoutAnyJvmClient()
      throws IOException {
    CopiedInstallation copy =
        new CopiedInstallation(tmp.resolve("home")).withClientJava("/bin/false");
    Path masq = Files.createDirectories(tmp.resolve("masq"));
    Files.createSymbolicLink(masq.resolve("gcc"), copy.nativeClient());
    Distcache.write(src.resolve("n.c"), "int n(void) { return 3; }\n");
    dc.direct(src, "gcc", "-c", "n.c", "-o", "direct.o").ok(); // before the masquerade is on PATH

    dc.exec(src, copy.launcher().toString(), "gcc", "-c", "n.c", "-o", "prefix.o").ok();
    dc.with("PATH", masq + ":" + dc.env.get("PATH"));
    dc.exec(src, masq.resolve("gcc").toString(), "-c", "n.c", "-o", "link.o").ok();
    dc.exec(src, "/bin/sh", "-c", "gcc -c n.c -o bare.o").ok(); // argv[0] is "gcc", found on PATH

    Run javaClient =
        dc.with("DISTCACHE_JAVA_CLIENT", "1")
            .exec(src, copy.launcher().toString(), "gcc", "-c", "n.c");
    dc.env.remove("DISTCACHE_JAVA_CLIENT");
    assertEquals(1, javaClient.exitCode(), "this copy's Java client (/bin/false) cannot run");
    assertFalse(Files.exists(src.resolve("n.o")), "nothing compiled it");
    for (String o : List.of("prefix.o", "link.o", "bare.o")) {
      assertArrayEquals(Distcache.read(src.resolve("direct.o")), Distcache.read(src.resolve(o)), o);
    }
    assertEquals(1, dc.stat("cache_miss"));
    assertEquals(2, dc.hits(), "the masquerade compiles found the same gcc after masq");
  }

  @Test
  void concurrentFirstUses_ofNativeAndJavaClients_startExactlyOneServer() throws Exception {
    Path starts = tmp.resolve("server-starts");
    Path wrapper =
        executable(
            tmp.resolve("java-wrapper"),
            "#!/bin/sh\necho started >> "
                + starts
                + "\nexec "
                + CopiedInstallation.serverJava()
                + " \"$@\"\n");
    CopiedInstallation copy =
        new CopiedInstallation(tmp.resolve("home")).withServerJava(wrapper.toString());
    int n = 12;
    List<Process> clients = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Distcache.write(src.resolve("c" + i + ".c"), "int c" + i + " = " + i + ";\n");
    }
    for (int i = 0; i < n; i++) {
      ProcessBuilder pb =
          new ProcessBuilder(copy.launcher().toString(), "gcc", "-c", "c" + i + ".c")
              .directory(src.toFile())
              .redirectErrorStream(true)
              .redirectOutput(tmp.resolve("client" + i).toFile());
      pb.environment().clear();
      pb.environment().putAll(dc.env);
      if (i % 4 == 3) {
        pb.environment().put("DISTCACHE_JAVA_CLIENT", "1");
      }
      clients.add(pb.start());
    }
    for (int i = 0; i < n; i++) {
      assertTrue(
          clients.get(i).waitFor(Processes.TIMEOUT_SECONDS, TimeUnit.SECONDS),
          "client " + i + " finished");
      assertEquals(0, clients.get(i).exitValue(), Files.readString(tmp.resolve("client" + i)));
    }
    assertEquals(
        List.of("started"),
        Files.readAllLines(starts),
        "one server started for " + n + " first uses");
    assertEquals(n, dc.stat("cache_miss"), "every compile went through that server");
  }

  @Test
  void longUnnormalizedCacheDirectory_nativeAndJavaClientsNameTheSameSocket() {
    Path deep = tmp.resolve("d".repeat(70)).resolve("e".repeat(70));
    Distcache odd =
        new Distcache(deep.resolve("cache"))
            .with("DISTCACHE_DIR", deep + "/../" + "e".repeat(70) + "//./cache/");
    odd.env.remove("DISTCACHE_JAVA_CLIENT");
    try {
      Distcache.write(src.resolve("l.c"), "int l;\n");
      odd.run(src, "gcc", "-c", "l.c").ok(); // the native client starts the server
      odd.run(src, "gcc", "-c", "l.c", "-o", "l2.o").ok();
      odd.with("DISTCACHE_JAVA_CLIENT", "1").run(src, "gcc", "-c", "l.c", "-o", "l3.o").ok();
      assertEquals(2, odd.hits(), "the Java client and administration found that server");
      assertFalse(
          Files.exists(deep.resolve("cache/server.sock")),
          "the socket is under the runtime directory");
    } finally {
      odd.close();
    }
  }

  @Test
  void theServerItStarts_holdsNoDescriptorOfTheClient() throws IOException {
    Distcache.write(src.resolve("k.c"), "int k;\n");
    // As ccache does: the build's stdout stays open under another number while the client runs.
    Run r =
        dc.exec(src, "/bin/sh", "-c", "exec 7>&1 8>&2; exec " + Distcache.LAUNCHER + " gcc -c k.c");
    assertEquals(
        0, r.exitCode(), r.err()); // Processes gives up when a pipe stays open after the exit
    long server = dc.serverPid().orElseThrow();
    List<String> pipes = new ArrayList<>();
    try (var fds = Files.list(Path.of("/proc/" + server + "/fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("pipe:")) {
            pipes.add(fd.getFileName() + " -> " + target);
          }
        } catch (IOException e) {
          // Closed while listing.
        }
      }
    }
    assertEquals(List.of(), pipes, "an idle server has no pipe open");
  }

  @Test
  void theServerItStarts_isToldTheCLibrary_soRocksDbRunsNoShellToAsk() throws IOException {
    Distcache.write(src.resolve("m.c"), "int m;\n");
    dc.run(src, "gcc", "-c", "m.c").ok();
    // Without it, RocksDB's loader runs sh -c "ldd /usr/bin/env | grep -q musl" at every start.
    assertTrue(
        environment(dc.serverPid().orElseThrow()).contains("ROCKSDB_MUSL_LIBC=false"),
        "glibc named for RocksDB");
    dc.run(src, "server", "stop").ok();
    dc.with("ROCKSDB_MUSL_LIBC", "FALSE"); // the user's word stays (RocksDB ignores its case)
    dc.run(src, "gcc", "-c", "m.c").ok();
    List<String> env = environment(dc.serverPid().orElseThrow());
    assertTrue(env.contains("ROCKSDB_MUSL_LIBC=FALSE"), env.toString());
    assertFalse(env.contains("ROCKSDB_MUSL_LIBC=false"), env.toString());
  }

  private static List<String> environment(long pid) throws IOException {
    return Arrays.asList(
        new String(Files.readAllBytes(Path.of("/proc/" + pid + "/environ"))).split("\0"));
  }

  @Test
  void serverCannotStart_theRealCompilerRuns_andTheServerLogSaysWhy() throws IOException {
    Path noJava = tmp.resolve("no-such-java");
    CopiedInstallation copy =
        new CopiedInstallation(tmp.resolve("home")).withServerJava(noJava.toString());
    Distcache.write(src.resolve("w.c"), CompileTest.WARNS_C);

    Run viaDistcache =
        dc.exec(src, copy.launcher().toString(), "gcc", "-Wall", "-c", "w.c", "-o", "via.o");
    Run direct = dc.direct(src, "gcc", "-Wall", "-c", "w.c", "-o", "direct.o");

    assertEquals(direct.exitCode(), viaDistcache.exitCode());
    assertArrayEquals(direct.stdout(), viaDistcache.stdout());
    assertArrayEquals(direct.stderr(), viaDistcache.stderr());
    assertArrayEquals(
        Distcache.read(src.resolve("direct.o")), Distcache.read(src.resolve("via.o")));
    String log = Files.readString(dc.cacheDir.resolve("server.out"));
    assertTrue(log.contains("cannot run the server " + noJava), log);
  }

  @Test
  void theRealCompilerGetsDepthAndACleanPath_andNoHelperVariable_fromEitherClient()
      throws IOException {
    Path envLog = tmp.resolve("env.log");
    Path fake =
        executable(
            tmp.resolve("fakebin/gcc"),
            "#!/bin/sh\n{ echo '--- run'; env; } >> "
                + envLog
                + "\nexec "
                + onPath("gcc")
                + " \"$@\"\n");
    Path masq = Files.createDirectories(tmp.resolve("masq"));
    Files.createSymbolicLink(masq.resolve("gcc"), Distcache.NATIVE_CLIENT);
    dc.with("PATH", masq + ":" + fake.getParent() + ":" + dc.env.get("PATH"));
    dc.with("DISTCACHE_NODIRECT", "1"); // a preprocessor-mode hit runs the compiler (gcc -E) too
    Distcache.write(src.resolve("hello.c"), CompileTest.HELLO_C);

    for (boolean javaClient : new boolean[] {false, true}) {
      if (javaClient) {
        dc.with("DISTCACHE_JAVA_CLIENT", "1");
      }
      dc.exec(src, "gcc", "hello.c", "-o", "hello").ok(); // a link: the client runs the compiler
      dc.exec(src, "gcc", "-c", "hello.c").ok(); // the server runs it (a miss, then a hit)
    }

    String[] runs = Files.readString(envLog).split("--- run\n");
    assertTrue(runs.length >= 6, "the compiler ran for every call: " + runs.length);
    for (String run : Arrays.asList(runs).subList(1, runs.length)) {
      Map<String, String> env = new HashMap<>();
      run.lines()
          .filter(l -> l.contains("="))
          .forEach(l -> env.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
      assertEquals("1", env.get("DISTCACHE_DEPTH"), run);
      assertFalse(env.get("PATH").contains(masq.toString()), env.get("PATH"));
      assertFalse(env.containsKey("DISTCACHE_ARGV0"), run);
    }
    assertEquals(1, dc.stat("preprocessed_cache_hit"));
    assertEquals(2, dc.stat("called_for_link"));
  }

  private Map<String, String> buildEnv(String cc) {
    Map<String, String> env = new HashMap<>(dc.env);
    env.put("DISTCACHE_NATIVE_CC", cc);
    return env;
  }

  private String onPath(String name) {
    for (String dir : dc.env.get("PATH").split(":")) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new AssertionError(name + " is not on PATH");
  }

  private static Path executable(Path file, String text) throws IOException {
    Distcache.write(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }
}
