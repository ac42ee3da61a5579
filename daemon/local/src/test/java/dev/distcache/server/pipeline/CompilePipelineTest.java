package dev.distcache.server.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.cache.RocksResultStore;
import dev.distcache.core.CacheLayout;
import dev.distcache.core.compiler.CompilerLocator;
import dev.distcache.core.process.Cancellation;
import dev.distcache.core.process.Command;
import dev.distcache.core.process.ProcessRunner.Exec;
import dev.distcache.core.stats.Counter;
import dev.distcache.core.wire.Reply;
import dev.distcache.core.wire.Request;
import dev.distcache.distribute.farm.Farm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline with a fake process runner and a real store: which processes a request runs and what
 * its reply carries. {@code gcc -c a.c -o a.o}; no host list, so misses compile here.
 */
class CompilePipelineTest {
  private static final byte[] OUT = "out\n".getBytes(UTF_8);
  private static final byte[] ERR = "a.c:1: warning: w\n".getBytes(UTF_8);

  @TempDir Path tmp;
  Path cwd;
  Path gcc;
  RocksResultStore store;
  FakeProcessRunner runner = new FakeProcessRunner();
  CompilePipeline pipeline;

  @BeforeEach
  void setUp() throws IOException {
    cwd = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(cwd.resolve("a.c"), "int a;\n");
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    gcc = bin.resolve("gcc");
    Files.writeString(gcc, "#!/bin/sh\nexit 99\n"); // located and identified, never run
    Files.setPosixFilePermissions(gcc, PosixFilePermissions.fromString("rwxr-xr-x"));
    store = RocksResultStore.open(tmp.resolve("store"), InstantSource.system());
    setUpPipeline();
  }

  @AfterEach
  void tearDown() {
    pipeline.close(); // its writer of explain's records writes into the cache directory
    store.close();
  }

  private Reply compile(Map<String, String> extraEnv) {
    return compile(extraEnv, List.of("gcc", "-c", "a.c", "-o", "a.o"));
  }

  private Reply compile(Map<String, String> extraEnv, List<String> argv) {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", gcc.getParent().toString());
    env.put("DISTCACHE_HOSTS", "localhost"); // not the machine's /etc/distcc/hosts
    env.put("CLIENT_ONLY", "yes");
    env.putAll(extraEnv);
    return pipeline.handle(
        new Request(Request.Mode.COMPILE, cwd.toString(), 022, 0, "", argv, env));
  }

  private Reply compile() {
    return compile(Map.of());
  }

  @Test
  void miss_runsTheCompilerOnce_inTheClientsDirectoryAndEnvironment_andRepliesItsOutput()
      throws IOException {
    runner.compile = new Exec(0, OUT, ERR);

    Reply r = compile();

    assertEquals(Reply.Kind.RESULT, r.kind(), r.message());
    assertEquals(0, r.exitCode());
    assertArrayEquals(OUT, r.stdout());
    assertArrayEquals(ERR, r.stderr());
    assertEquals(1, runner.compiles().size(), runner.commands.toString());
    Command c = runner.compiles().getFirst();
    assertEquals(List.of(gcc.toString(), "-c", "a.c", "-o", "a.o"), c.argv().subList(0, 5));
    assertEquals(cwd, c.cwd());
    assertEquals("yes", c.env().get("CLIENT_ONLY"));
    assertEquals("1", c.env().get(CompilerLocator.DEPTH_VARIABLE), "one distcache level down");
    assertArrayEquals(FakeProcessRunner.OBJECT, Files.readAllBytes(cwd.resolve("a.o")));
  }

  @Test
  void secondIdenticalRequest_isAHit_andDoesNotRunTheCompiler() throws IOException {
    runner.compile = new Exec(0, OUT, ERR);
    compile();
    Files.delete(cwd.resolve("a.o"));

    Reply r = compile();

    assertEquals(1, runner.compiles().size(), runner.commands.toString());
    assertEquals(0, r.exitCode());
    assertArrayEquals(OUT, r.stdout());
    assertArrayEquals(ERR, r.stderr());
    assertArrayEquals(FakeProcessRunner.OBJECT, Files.readAllBytes(cwd.resolve("a.o")));
  }

  @Test
  void failingCompile_repliesItsExactOutcome_andIsNotStored() {
    runner.compile = new Exec(1, new byte[0], "a.c:1: error: e\n".getBytes(UTF_8));

    Reply first = compile();
    Reply second = compile();

    assertEquals(1, first.exitCode());
    assertArrayEquals("a.c:1: error: e\n".getBytes(UTF_8), first.stderr());
    assertEquals(1, second.exitCode());
    assertEquals(2, runner.compiles().size(), "nothing stored: the second request compiles too");
  }

  @Test
  void readOnly_storesNothing() {
    Reply first = compile(Map.of("DISTCACHE_READONLY", "true"));
    Reply second = compile(Map.of("DISTCACHE_READONLY", "true"));

    assertEquals(0, first.exitCode());
    assertEquals(0, second.exitCode());
    assertEquals(2, runner.compiles().size());
    assertEquals(0, store.fileCount());
  }

  @Test
  void compilerStoppedByItsTimeLimit_isAFailedCompileWithItsExitCode_notStored() {
    runner.compile = new Exec(128 + 15, new byte[0], new byte[0], true);

    Reply r = compile();

    assertEquals(Reply.Kind.RESULT, r.kind());
    assertEquals(128 + 15, r.exitCode());
    compile();
    assertEquals(2, runner.compiles().size());
  }

  @Test
  void cancelledCompile_failsTheRequestAsCancelled_andStoresNothing() {
    runner.failure = new Cancellation.CancelledException("gcc");

    Reply r = compile();

    assertEquals(Reply.Kind.FAILED, r.kind());
    assertTrue(r.message().startsWith("cancelled: "), r.message());
    assertEquals(0, store.fileCount());
  }

  @Test
  void preprocessorFailure_handsTheCompileBack_withoutCompiling() {
    FakeProcessRunner failingCpp =
        new FakeProcessRunner() {
          @Override
          public Exec run(Command c) throws IOException {
            if (!c.argv().contains("-E")) {
              return super.run(c);
            }
            commands.add(c);
            return new Exec(1, new byte[0], "cpp: error\n".getBytes(UTF_8));
          }
        };
    runner = failingCpp;
    setUpPipeline();

    Reply r = compile();

    assertEquals(Reply.Kind.RUN_LOCALLY, r.kind());
    assertEquals("preprocessor_error", r.message());
    assertFalse(failingCpp.commands.isEmpty(), "the preprocessor ran");
    assertTrue(failingCpp.compiles().isEmpty());
  }

  @Test
  void keepCommentsAndPrefixCommandCpp_shapeThePreprocessorRunOnly() {
    Reply r = compile(Map.of("DISTCACHE_COMMENTS", "1", "DISTCACHE_PREFIX_CPP", "nice -n 3"));

    assertEquals(0, r.exitCode(), r.message());
    Command cpp =
        runner.commands.stream().filter(c -> c.argv().contains("-E")).findFirst().orElseThrow();
    assertEquals(List.of("nice", "-n", "3", gcc.toString()), cpp.argv().subList(0, 4));
    assertEquals(List.of("-C", "-E"), cpp.argv().subList(cpp.argv().size() - 2, cpp.argv().size()));
    Command compile = runner.compiles().getFirst();
    assertEquals(gcc.toString(), compile.argv().getFirst());
    assertFalse(compile.argv().contains("-C"));
  }

  @Test
  void unreadableExtraFile_handsTheCompileBack_countingErrorHashingExtraFile() {
    Reply r = compile(Map.of("DISTCACHE_EXTRAFILES", "missing.txt"));

    assertEquals(Reply.Kind.RUN_LOCALLY, r.kind());
    assertEquals("error_hashing_extra_file", r.message());
    assertEquals(1L, store.counters().get(Counter.ERROR_HASHING_EXTRA_FILE));
  }

  @Test
  void namespaces_keepResultsApart() throws IOException {
    compile(Map.of("DISTCACHE_NAMESPACE", "a"));
    compile(Map.of("DISTCACHE_NAMESPACE", "b"));
    compile(Map.of("DISTCACHE_NAMESPACE", "a"));

    assertEquals(2, runner.compiles().size());
  }

  @Test
  void absolutePathsInStderr_rewritesTheReplyOnMissAndHit() throws IOException {
    runner.compile = new Exec(0, OUT, ERR);
    String expected = cwd.toRealPath().resolve("a.c") + ":1: warning: w\n";

    Reply miss = compile(Map.of("DISTCACHE_ABSSTDERR", "1"));
    Reply hit = compile(Map.of("DISTCACHE_ABSSTDERR", "1"));
    Reply plain = compile();

    assertEquals(expected, new String(miss.stderr(), UTF_8));
    assertEquals(expected, new String(hit.stderr(), UTF_8));
    assertArrayEquals(ERR, plain.stderr());
    assertEquals(1, runner.compiles().size());
  }

  private void setUpPipeline() {
    setUpPipeline(InstantSource.system());
  }

  private void setUpPipeline(InstantSource clock) {
    if (pipeline != null) {
      pipeline.close();
    }
    ConfigNotes notes = new ConfigNotes();
    pipeline =
        new CompilePipeline(
            new CacheLayout(tmp.resolve("cache")),
            store,
            new CompilerLocator(Set.of()),
            022,
            notes,
            runner,
            new Farm(runner, notes::record),
            clock);
  }

  private long preprocessorRuns() {
    return runner.commands.stream().filter(c -> c.argv().contains("-E")).count();
  }

  @Test
  void directHit_whenTheSourceIsOlderThanTheRequest_runsNoPreprocessor() {
    setUpPipeline(InstantSource.fixed(Instant.now().plus(Duration.ofMinutes(1))));
    compile();

    Reply r = compile();

    assertEquals(0, r.exitCode(), r.message());
    assertEquals(1, preprocessorRuns(), "the second request is a direct hit");
    assertEquals(1, runner.compiles().size());
  }

  @Test
  void sourceNewerThanTheRequest_hashedBeforeTheCompileAndUnchanged_isRecorded() {
    // As configure's conftest.c: written just before the compile. The source's hash from before
    // the compile, equal to the one after it, vouches for what the compiler read
    // (EntryRecorderTest covers the refusals).
    setUpPipeline(InstantSource.fixed(Instant.now().minus(Duration.ofMinutes(1))));
    compile();

    Reply r = compile();

    assertEquals(0, r.exitCode(), r.message());
    assertEquals(1, preprocessorRuns(), "the second request is a direct hit");
    assertEquals(1, runner.compiles().size());
  }

  /** The counters the requests so far changed, by ccache id. */
  private Map<String, Long> counted() {
    Map<String, Long> out = new java.util.TreeMap<>();
    store
        .counters()
        .forEach((c, n) -> {
          if (n != 0 && !c.id().endsWith("_timestamp")) {
            out.put(c.id(), n);
          }
        });
    return out;
  }

  @Test
  void successfulMiss_countsCacheMiss() {
    compile();

    assertEquals(1L, counted().get("cache_miss"), counted().toString());
    assertEquals(1L, counted().get("preprocessed_cache_miss"), counted().toString());
  }

  @Test
  void failedCompile_countsCompileFailed_notCacheMiss() {
    runner.compile = new Exec(1, new byte[0], "a.c:1: error: e\n".getBytes(UTF_8));

    compile();

    assertEquals(1L, counted().get("compile_failed"), counted().toString());
    assertEquals(1L, counted().get("preprocessed_cache_miss"), counted().toString());
    assertFalse(counted().containsKey("cache_miss"), counted().toString());
  }

  @Test
  void compileThatWritesNoObject_countsNoOutput_notCacheMiss() {
    runner =
        new FakeProcessRunner() {
          @Override
          public Exec run(Command c) throws IOException {
            commands.add(c);
            return new Exec(0, c.argv().contains("-E") ? preprocessed : new byte[0], new byte[0]);
          }
        };
    setUpPipeline();

    Reply r = compile();

    assertEquals(0, r.exitCode());
    assertEquals(1L, counted().get("compiler_produced_no_output"), counted().toString());
    assertFalse(counted().containsKey("cache_miss"), counted().toString());
  }

  @Test
  void compileThatWritesAnEmptyObject_countsEmptyOutput_andIsNotStored() {
    runner =
        new FakeProcessRunner() {
          @Override
          public Exec run(Command c) throws IOException {
            commands.add(c);
            if (c.argv().contains("-E")) {
              return new Exec(0, preprocessed, new byte[0]);
            }
            Files.write(c.cwd().resolve("a.o"), new byte[0]);
            return new Exec(0, new byte[0], new byte[0]);
          }
        };
    setUpPipeline();

    Reply r = compile();
    compile();

    assertEquals(0, r.exitCode());
    assertEquals(2L, counted().get("compiler_produced_empty_output"), counted().toString());
    assertFalse(counted().containsKey("cache_miss"), counted().toString());
    assertEquals(2, runner.compiles().size(), "nothing stored: the second request compiles too");
  }

  @Test
  void recache_countsRecache_andNoMissOfAnyKind() {
    compile();
    store.zeroCounters();

    compile(Map.of("DISTCACHE_RECACHE", "1"));

    assertEquals(1L, counted().get("recache"), counted().toString());
    for (String miss :
        List.of(
            "cache_miss", "direct_cache_miss", "preprocessed_cache_miss", "local_storage_miss")) {
      assertFalse(counted().containsKey(miss), miss + ": " + counted());
    }
  }

  @Test
  void missingSource_isNoInputFile_andRunsNothing() {
    Reply r = compile(Map.of(), List.of("gcc", "-c", "missing.c", "-o", "m.o"));

    assertEquals(Reply.Kind.RUN_LOCALLY, r.kind());
    assertEquals("no_input_file", r.message());
    assertEquals(Map.of("no_input_file", 1L), counted());
    assertTrue(runner.commands.isEmpty(), runner.commands.toString());
  }

  @Test
  void outputThatIsADirectory_isBadOutputFile() throws IOException {
    Files.createDirectory(cwd.resolve("d"));

    Reply r = compile(Map.of(), List.of("gcc", "-c", "a.c", "-o", "d"));

    assertEquals("bad_output_file", r.message());
    assertEquals(Map.of("bad_output_file", 1L), counted());
  }

  @Test
  void disableSetToZero_isAnError_thatRunsNothingAndCountsNothing() {
    Reply r = compile(Map.of("DISTCACHE_DISABLE", "0"));

    assertEquals(Reply.Kind.RESULT, r.kind());
    assertEquals(1, r.exitCode());
    assertEquals(
        "distcache: error: DISTCACHE_DISABLE: invalid boolean environment variable value \"0\""
            + " (did you mean to set \"DISTCACHE_NODISABLE=true\"?)\n",
        new String(r.note(), UTF_8));
    assertEquals(0, r.stderr().length);
    assertTrue(runner.commands.isEmpty(), runner.commands.toString());
    assertEquals(Map.of(), counted());
  }

  @Test
  void identicalCompileArrivingWhileOneRuns_waitsForItsResult_insteadOfCompilingAgain()
      throws Exception {
    Path log = tmp.resolve("log");
    Map<String, String> env = Map.of("DISTCACHE_LOGFILE", log.toString());
    runner.compile = new Exec(0, OUT, ERR);
    runner.compileGate = new CountDownLatch(1);

    CompletableFuture<Reply> first = inThread(() -> compile(env));
    awaitTrue(() -> runner.compiles().size() == 1, "the first compile runs");
    CompletableFuture<Reply> second = inThread(() -> compile(env));
    awaitTrue(() -> logHas(log, "waiting for the compile of"), "the second request waits");
    runner.compileGate.countDown();

    for (Reply r : List.of(first.get(60, SECONDS), second.get(60, SECONDS))) {
      assertEquals(Reply.Kind.RESULT, r.kind(), r.message());
      assertEquals(0, r.exitCode());
      assertArrayEquals(OUT, r.stdout());
      assertArrayEquals(ERR, r.stderr());
    }
    assertEquals(1, runner.compiles().size(), runner.commands.toString());
    Map<String, Long> counted = counted();
    assertEquals(1L, counted.get("deduplicated_compile"), counted.toString());
    assertEquals(1L, counted.get("cache_miss"), counted.toString());
    assertEquals(1L, counted.get("preprocessed_cache_hit"), counted.toString());
  }

  @Test
  void aWaiterWhoseLeadersCompileFails_compilesItself() throws Exception {
    Path log = tmp.resolve("log");
    Map<String, String> env = Map.of("DISTCACHE_LOGFILE", log.toString());
    runner.compile = new Exec(1, new byte[0], "a.c:1: error: e\n".getBytes(UTF_8));
    runner.compileGate = new CountDownLatch(1);

    CompletableFuture<Reply> first = inThread(() -> compile(env));
    awaitTrue(() -> runner.compiles().size() == 1, "the first compile runs");
    CompletableFuture<Reply> second = inThread(() -> compile(env));
    awaitTrue(() -> logHas(log, "waiting for the compile of"), "the second request waits");
    runner.compileGate.countDown();

    assertEquals(1, first.get(60, SECONDS).exitCode());
    assertEquals(1, second.get(60, SECONDS).exitCode());
    assertEquals(2, runner.compiles().size(), "no result to share: the waiter compiled too");
    assertEquals(null, counted().get("deduplicated_compile"), counted().toString());
  }

  /** Runs {@code body} in a thread of its own (the common pool may have one thread here). */
  private static <T> CompletableFuture<T> inThread(Supplier<T> body) {
    CompletableFuture<T> f = new CompletableFuture<>();
    Thread.ofPlatform()
        .start(() -> {
          try {
            f.complete(body.get());
          } catch (Throwable t) {
            f.completeExceptionally(t);
          }
        });
    return f;
  }

  private static boolean logHas(Path log, String text) {
    try {
      return Files.exists(log) && Files.readString(log).contains(text);
    } catch (IOException e) {
      return false;
    }
  }

  private static void awaitTrue(BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out: " + what);
      Thread.sleep(10);
    }
  }
}
