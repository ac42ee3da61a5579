package dev.distcache.server.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.cache.CachedResult;
import dev.distcache.cache.OutputKind;
import dev.distcache.cache.RocksResultStore;
import dev.distcache.cache.remote.RemoteEvents;
import dev.distcache.cache.remote.RemoteStorages;
import dev.distcache.cache.stage.LocalTier;
import dev.distcache.core.CacheLayout;
import dev.distcache.core.args.ArgsClassifier;
import dev.distcache.core.args.Classification;
import dev.distcache.core.args.Invocation;
import dev.distcache.core.compiler.CompilerLocator;
import dev.distcache.core.compiler.CompilerType;
import dev.distcache.core.config.Config;
import dev.distcache.core.process.Cancellation;
import dev.distcache.core.process.Command;
import dev.distcache.core.process.ProcessRunner.Exec;
import dev.distcache.core.wire.Reply;
import dev.distcache.distribute.farm.Farm;
import dev.distcache.hashing.CompileKeys;
import dev.distcache.hashing.KeySettings;
import dev.distcache.server.direct.DirectMode;
import dev.distcache.server.request.CompileContext;
import dev.distcache.server.request.Stats;
import dev.distcache.server.request.Timing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The miss stage alone, with a fake process runner and a real store: what it runs, what it answers,
 * and what it stores under the key it is given.
 */
class MissesTest {
  private static final byte[] TEXT = "# 1 \"a.c\"\nint a;\n".getBytes(UTF_8);

  @TempDir Path tmp;
  Path cwd;
  Path gcc;
  RocksResultStore store;
  final FakeProcessRunner runner = new FakeProcessRunner();
  Misses misses;

  @BeforeEach
  void setUp() throws IOException {
    cwd = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(cwd.resolve("a.c"), "int a;\n");
    gcc = Path.of("/opt/test/bin/gcc"); // never run: the runner is fake
    store = RocksResultStore.open(tmp.resolve("store"), InstantSource.system());
    misses =
        new Misses(
            new DirectMode(store),
            022,
            runner,
            new Farm(
                runner,
                problem -> {
                  throw new AssertionError(problem);
                }));
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  private CompileContext compile(Map<String, String> extraEnv) {
    return compile(extraEnv, KeySettings.NONE);
  }

  private CompileContext compile(Map<String, String> extraEnv, KeySettings keySettings) {
    Map<String, String> env = new HashMap<>();
    env.put("DISTCACHE_HOSTS", "localhost"); // not the machine's /etc/distcc/hosts
    env.put("CLIENT_ONLY", "yes");
    env.putAll(extraEnv);
    Classification c = ArgsClassifier.classify("gcc", List.of("-c", "a.c", "-o", "a.o"), cwd, env);
    Invocation inv = assertInstanceOf(Classification.Cacheable.class, c).invocation();
    Config config = Config.load(new CacheLayout(tmp.resolve("cache")), env);
    Stats stats = new Stats(store, false);
    return new CompileContext(
        inv,
        new CompilerLocator.Located(gcc, "/usr/bin"),
        "gcc 12",
        CompilerType.GCC,
        cwd,
        env,
        env,
        List.of("-fdiagnostics-color=never"),
        "cpu",
        keySettings,
        config,
        022,
        System.currentTimeMillis() * 1_000_000L,
        stats,
        "",
        CacheLog.stage(
            new LocalTier(store),
            RemoteStorages.open(RemoteEvents.NONE),
            new ConfigNotes(),
            config,
            stats,
            "",
            inv.source()));
  }

  private static CompileKeys.Keys keys(CompileContext c) {
    return CompileKeys.compute(
        new CompileKeys.Inputs(
            "identity", c.inv(), c.cwd(), c.env(), TEXT, "", true, Set.of(), c.extra(), ""),
        false);
  }

  private Reply preprocessed(CompileContext c) throws IOException {
    return misses.preprocessed(c, keys(c), Optional.empty(), TEXT, new Timing());
  }

  @Test
  void preprocessedMiss_runsTheCompilerOnce_withTheClientsDirectoryEnvironmentAndArguments()
      throws IOException {
    CompileContext c = compile(Map.of());

    preprocessed(c);

    assertEquals(1, runner.commands.size());
    Command run = runner.commands.getFirst();
    assertEquals(
        List.of(gcc.toString(), "-c", "a.c", "-o", "a.o", "-fdiagnostics-color=never"), run.argv());
    assertEquals(cwd, run.cwd());
    assertEquals(c.env(), run.env());
  }

  @Test
  void prefixCommand_goesFirst() throws IOException {
    preprocessed(compile(Map.of("DISTCACHE_PREFIX", "nice -n 5")));

    assertEquals(
        List.of("nice", "-n", "5", gcc.toString()),
        runner.commands.getFirst().argv().subList(0, 4));
  }

  @Test
  void successfulMiss_repliesTheExactOutput_andStoresItUnderTheKey() throws IOException {
    runner.compile = new Exec(0, "o".getBytes(UTF_8), "w\n".getBytes(UTF_8));
    CompileContext c = compile(Map.of());

    Reply r = preprocessed(c);

    assertEquals(Reply.Kind.RESULT, r.kind());
    assertEquals(0, r.exitCode());
    assertArrayEquals("o".getBytes(UTF_8), r.stdout());
    assertArrayEquals("w\n".getBytes(UTF_8), r.stderr());
    CachedResult stored = store.get(keys(c).key()).orElseThrow();
    assertArrayEquals(FakeProcessRunner.OBJECT, stored.files().get(OutputKind.OBJECT));
    assertArrayEquals("o".getBytes(UTF_8), stored.stdout());
    assertArrayEquals("w\n".getBytes(UTF_8), stored.stderr());
  }

  @Test
  void resultOfANamespace_recordsItInTheStoredEntry() throws IOException {
    CompileContext plain = compile(Map.of());
    preprocessed(plain);
    assertFalse(
        store.get(keys(plain).key()).orElseThrow().meta().containsKey(CachedResult.META_NAMESPACE));
    store.clear();
    CompileContext named = compile(Map.of(), new KeySettings("proj", List.of(), List.of()));
    preprocessed(named);
    assertEquals(
        "proj", store.get(keys(named).key()).orElseThrow().meta().get(CachedResult.META_NAMESPACE));
  }

  @Test
  void failedCompile_repliesItsExitCode_andStoresNothing() throws IOException {
    runner.compile = new Exec(1, new byte[0], "error\n".getBytes(UTF_8));
    CompileContext c = compile(Map.of());

    Reply r = preprocessed(c);

    assertEquals(1, r.exitCode());
    assertArrayEquals("error\n".getBytes(UTF_8), r.stderr());
    assertTrue(store.get(keys(c).key()).isEmpty());
  }

  @Test
  void timedOutCompile_repliesItsExitCode_andStoresNothing() throws IOException {
    runner.compile = new Exec(128 + 9, new byte[0], new byte[0], true);
    CompileContext c = compile(Map.of());

    Reply r = preprocessed(c);

    assertEquals(128 + 9, r.exitCode());
    assertTrue(store.get(keys(c).key()).isEmpty());
  }

  @Test
  void compileThatWroteNoOutput_isNotStored() throws IOException {
    FakeProcessRunner silent =
        new FakeProcessRunner() {
          @Override
          public Exec run(Command c) {
            commands.add(c);
            return new Exec(0, new byte[0], new byte[0]);
          }
        };
    misses = new Misses(new DirectMode(store), 022, silent, new Farm(silent, p -> {}));
    CompileContext c = compile(Map.of());

    Reply r = preprocessed(c);

    assertEquals(0, r.exitCode());
    assertTrue(store.get(keys(c).key()).isEmpty());
  }

  @Test
  void readOnly_storesNothing() throws IOException {
    CompileContext c = compile(Map.of("DISTCACHE_READONLY", "true"));

    Reply r = preprocessed(c);

    assertEquals(0, r.exitCode());
    assertTrue(store.get(keys(c).key()).isEmpty());
    assertEquals(0, store.fileCount());
  }

  @Test
  void cancelledCompile_propagates_andStoresNothing() {
    runner.failure = new Cancellation.CancelledException("gcc");
    CompileContext c = compile(Map.of());

    assertThrows(Cancellation.CancelledException.class, () -> preprocessed(c));
    assertEquals(0, store.fileCount());
  }

  /**
   * What the compile (a wrapper in the prefix command) writes to UNCACHED_ERR_FD comes back in the
   * reply's note, and neither in its stderr nor in the stored result.
   */
  @Test
  void uncachedErrOutput_goesInTheNote_notInTheStoredStderr() throws IOException {
    FakeProcessRunner wrapper =
        new FakeProcessRunner() {
          @Override
          public Exec run(Command c) throws IOException {
            Files.writeString(c.uncachedErrFile(), "wrapper: note\n");
            return super.run(c);
          }
        };
    wrapper.compile = new Exec(0, new byte[0], "w\n".getBytes(UTF_8));
    misses = new Misses(new DirectMode(store), 022, wrapper, new Farm(wrapper, p -> {}));
    CompileContext c = compile(Map.of("DISTCACHE_PREFIX", "wrapper"));

    Reply r = preprocessed(c);

    assertEquals("wrapper: note\n", new String(r.note(), UTF_8));
    assertArrayEquals("w\n".getBytes(UTF_8), r.stderr());
    assertArrayEquals("w\n".getBytes(UTF_8), store.get(keys(c).key()).orElseThrow().stderr());
    assertFalse(Files.exists(wrapper.commands.getFirst().uncachedErrFile()), "the file is removed");
  }
}
