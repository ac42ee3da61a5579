package dev.distcache.daemon.compile;

import dev.distcache.cache.CachedResult;
import dev.distcache.cache.ResultStore;
import dev.distcache.cache.StoreException;
import dev.distcache.core.CacheLayout;
import dev.distcache.core.args.ArgsClassifier;
import dev.distcache.core.args.Classification;
import dev.distcache.core.args.Invocation;
import dev.distcache.core.compiler.CompilerLocator;
import dev.distcache.core.config.Config;
import dev.distcache.core.config.ConfigException;
import dev.distcache.core.config.ConfigKey;
import dev.distcache.core.stats.Counter;
import dev.distcache.core.wire.Reply;
import dev.distcache.core.wire.Request;
import dev.distcache.daemon.farm.Farm;
import dev.distcache.hashing.CompileKeys;
import dev.distcache.hashing.CompilerIdentifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One compile through the local cache, in stages: classify the arguments, find the compiler,
 * preprocess, key, look up (a hit writes the outputs and replays stdout and stderr), and on a miss
 * compile, then store. Whatever it cannot do exactly as the compiler would, it hands back to the
 * client to run the real compiler itself. Thread-safe: one instance serves every connection.
 */
public final class CompilePipeline {
  private final CacheLayout layout;
  private final ResultStore store;
  private final CompilerLocator locator;
  private final CompilerIdentifier identifier = new CompilerIdentifier();
  private final int serverUmask;
  private final Farm farm = new Farm();

  public CompilePipeline(CacheLayout layout, ResultStore store, CompilerLocator locator, int serverUmask) {
    this.layout = layout;
    this.store = store;
    this.locator = locator;
    this.serverUmask = serverUmask;
  }

  public Reply handle(Request req) {
    Config config;
    try {
      config = Config.load(layout, req.env());
    } catch (ConfigException e) {
      return Reply.failed(e.getMessage());
    }
    Stats stats = new Stats(store, config.bool(ConfigKey.STATS));
    String log = config.get(ConfigKey.LOG_FILE);
    try {
      return compile(req, config, stats, log);
    } catch (IOException | RuntimeException e) {
      stats.count(Counter.INTERNAL_ERROR);
      ServerLog.log(log, "internal error, compiling without the cache: " + e);
      return Reply.failed("internal error: " + e.getMessage());
    }
  }

  private Reply compile(Request req, Config config, Stats stats, String log) throws IOException {
    if (config.bool(ConfigKey.DISABLE)) {
      return Reply.runLocally("disabled");
    }
    Path cwd = Path.of(req.cwd());
    List<String> argv = req.argv();
    if (argv.isEmpty()) {
      return Reply.failed("no compiler named");
    }
    String compilerName = argv.get(0);
    List<String> args = argv.subList(1, argv.size());
    CompilerLocator.Located located;
    try {
      located = locator.locate(compilerName, req.invokedAs(), req.env(), cwd);
    } catch (CompilerLocator.NotFoundException e) {
      stats.count(Counter.COULD_NOT_FIND_COMPILER);
      return Reply.failed(e.getMessage());
    }
    Classification c = ArgsClassifier.classify(compilerName, args, cwd, req.env());
    if (c instanceof Classification.Uncacheable u) {
      stats.count(u.reason());
      ServerLog.log(log, "uncacheable (" + u.reason().id() + "): " + u.detail());
      return Reply.runLocally(u.reason().id());
    }
    Invocation inv = ((Classification.Cacheable) c).invocation();
    Map<String, String> env = CompilerLocator.compilerEnvironment(req.env(), located);
    String identity;
    try {
      identity = identifier.identify(located.compiler(), compilerName, config.get(ConfigKey.COMPILER_CHECK), env);
    } catch (CompilerIdentifier.CheckFailedException e) {
      stats.count(Counter.COMPILER_CHECK_FAILED);
      ServerLog.log(log, e.getMessage());
      return Reply.runLocally(Counter.COMPILER_CHECK_FAILED.id());
    }
    List<String> extra = ColorFlags.forCompile(inv, compilerName, req);
    Optional<byte[]> text = keyText(inv, located, env, cwd);
    if (text.isEmpty()) {
      stats.count(Counter.PREPROCESSOR_ERROR);
      return Reply.runLocally(Counter.PREPROCESSOR_ERROR.id());
    }
    boolean debug = config.bool(ConfigKey.DEBUG);
    CompileKeys.Keys keys = CompileKeys.compute(new CompileKeys.Inputs(identity, inv, cwd, req.env(),
        text.get(), config.get(ConfigKey.BASE_DIR), config.bool(ConfigKey.HASH_DIR), config.sloppiness(),
        extra, CpuSignature.get()), debug);
    if (debug) {
      writeDebugInputs(inv, cwd, keys);
    }
    if (!config.bool(ConfigKey.RECACHE)) {
      Optional<Reply> hit = tryHit(inv, cwd, keys, config, req.umask(), stats, log);
      if (hit.isPresent()) {
        return hit.get();
      }
    }
    stats.count(Counter.CACHE_MISS, Counter.PREPROCESSED_CACHE_MISS, Counter.LOCAL_STORAGE_MISS);
    return miss(inv, located, env, cwd, extra, keys, config, req.umask(), stats, log, text.get());
  }

  /** The preprocessed text (or the source, for languages not preprocessed); empty when that failed. */
  private Optional<byte[]> keyText(Invocation inv, CompilerLocator.Located located, Map<String, String> env, Path cwd)
      throws IOException {
    if (inv.language().preprocessed()) {
      try {
        return Optional.of(Files.readAllBytes(cwd.resolve(inv.source())));
      } catch (IOException e) {
        return Optional.empty();
      }
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(located.compiler().toString());
    cmd.addAll(inv.preprocessorArgs());
    cmd.add("-E");
    ProcessRunner.Exec cpp = ProcessRunner.run(cmd, env, cwd);
    return cpp.exitCode() == 0 ? Optional.of(cpp.stdout()) : Optional.empty();
  }

  private Optional<Reply> tryHit(Invocation inv, Path cwd, CompileKeys.Keys keys, Config config, int umask,
      Stats stats, String log) {
    Optional<CachedResult> stored;
    try {
      stored = store.get(keys.key());
    } catch (StoreException e) {
      stats.count(Counter.INTERNAL_ERROR);
      ServerLog.log(log, "store read failed, treating as a miss: " + e.getMessage());
      return Optional.empty();
    }
    if (stored.isEmpty()) {
      stats.count(Counter.LOCAL_STORAGE_READ_MISS);
      return Optional.empty();
    }
    stats.count(Counter.LOCAL_STORAGE_READ_HIT);
    CachedResult r = stored.get();
    Map<Path, byte[]> files;
    try {
      files = HitWriter.filesFor(r, inv, cwd, keys.exact(), config.get(ConfigKey.BASE_DIR));
    } catch (HitWriter.NotServableException e) {
      ServerLog.log(log, "stored result for " + keys.key() + " not used: " + e.getMessage());
      return Optional.empty();
    }
    try {
      HitWriter.write(files, umask);
    } catch (IOException e) {
      stats.count(Counter.BAD_OUTPUT_FILE);
      ServerLog.log(log, "cannot write outputs for " + inv.source() + ": " + e);
      return Optional.of(Reply.runLocally(Counter.BAD_OUTPUT_FILE.id()));
    }
    stats.count(Counter.PREPROCESSED_CACHE_HIT, Counter.LOCAL_STORAGE_HIT);
    ServerLog.log(log, "hit " + keys.key() + " " + inv.source());
    return Optional.of(Reply.result(0, r.stdout(), r.stderr()));
  }

  private Reply miss(Invocation inv, CompilerLocator.Located located, Map<String, String> env, Path cwd,
      List<String> extra, CompileKeys.Keys keys, Config config, int umask, Stats stats, String log,
      byte[] preprocessed) throws IOException {
    List<String> cmd = new ArrayList<>(config.prefixCommand());
    cmd.add(located.compiler().toString());
    cmd.addAll(inv.args());
    cmd.addAll(extra);
    long started = System.currentTimeMillis();
    ProcessRunner.Exec exec = farm.compile(new Farm.Job(inv, located.compiler(), env, cwd, extra, preprocessed, config,
        stats::count, log), () -> ProcessRunner.run(cmd, env, cwd));
    Reply reply = Reply.result(exec.exitCode(), exec.stdout(), exec.stderr());
    if (exec.exitCode() != 0) {
      stats.count(Counter.COMPILE_FAILED);
      return reply;
    }
    Optional<CachedResult> result = HitWriter.capture(inv, cwd, exec, keys.exact(), started);
    if (result.isEmpty()) {
      stats.count(Counter.COMPILER_PRODUCED_NO_OUTPUT);
      return reply;
    }
    if (umask != serverUmask) {
      fixPermissions(inv, cwd, umask);
    }
    if (config.bool(ConfigKey.READ_ONLY)) {
      return reply;
    }
    try {
      store.setLimits(config.maxSize(), config.maxFiles());
      if (store.put(keys.key(), result.get())) {
        stats.count(Counter.LOCAL_STORAGE_WRITE);
        if (config.bool(ConfigKey.RECACHE)) {
          stats.count(Counter.RECACHE);
        }
        ServerLog.log(log, "stored " + keys.key() + " " + inv.source());
      }
    } catch (StoreException e) {
      // The compile succeeded and its outputs are in place; only caching it failed (a full disk).
      stats.count(Counter.INTERNAL_ERROR);
      ServerLog.log(log, "cannot store the result of " + inv.source() + ": " + e.getMessage());
    }
    return reply;
  }

  private static void fixPermissions(Invocation inv, Path cwd, int umask) throws IOException {
    OutputFiles.applyUmask(cwd.resolve(inv.output()), umask);
    if (inv.depFile().isPresent()) {
      OutputFiles.applyUmask(cwd.resolve(inv.depFile().get()), umask);
    }
    if (inv.dwoFile().isPresent() && Files.exists(cwd.resolve(inv.dwoFile().get()))) {
      OutputFiles.applyUmask(cwd.resolve(inv.dwoFile().get()), umask);
    }
  }

  private static void writeDebugInputs(Invocation inv, Path cwd, CompileKeys.Keys keys) {
    try {
      Files.writeString(cwd.resolve(inv.output() + ".distcache-input-text"),
          "key " + keys.key() + "\nexact " + keys.exact() + "\n" + keys.transcript(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      // Debug output is best effort.
    }
  }
}
