package dev.distcache.server.pipeline;

import dev.distcache.cache.CachedResult;
import dev.distcache.cache.Compression;
import dev.distcache.cache.ResultStore;
import dev.distcache.cache.remote.RemoteEvents;
import dev.distcache.cache.remote.RemoteStorages;
import dev.distcache.cache.stage.InFlight;
import dev.distcache.cache.stage.LocalTier;
import dev.distcache.cache.stage.ResultCache;
import dev.distcache.core.CacheLayout;
import dev.distcache.core.args.ArgsClassifier;
import dev.distcache.core.args.Classification;
import dev.distcache.core.args.Invocation;
import dev.distcache.core.compiler.CompilerLocator;
import dev.distcache.core.compiler.CompilerType;
import dev.distcache.core.config.Config;
import dev.distcache.core.config.ConfigKey;
import dev.distcache.core.log.ServerLog;
import dev.distcache.core.process.Cancellation;
import dev.distcache.core.process.Command;
import dev.distcache.core.process.ProcessRunner;
import dev.distcache.core.stats.Counter;
import dev.distcache.core.wire.Reply;
import dev.distcache.core.wire.Request;
import dev.distcache.distribute.farm.Farm;
import dev.distcache.hashing.CompileKeys;
import dev.distcache.hashing.CompilerIdentifier;
import dev.distcache.hashing.HashingStream;
import dev.distcache.hashing.KeySettings;
import dev.distcache.hashing.LineMarkers;
import dev.distcache.hashing.ResultKey;
import dev.distcache.hashing.SourceScan;
import dev.distcache.server.direct.DirectMode;
import dev.distcache.server.explain.Explanation;
import dev.distcache.server.explain.KeyRecords;
import dev.distcache.server.outputs.AbsolutePaths;
import dev.distcache.server.outputs.DebugFiles;
import dev.distcache.server.outputs.HitWriter;
import dev.distcache.server.outputs.LocalFiles;
import dev.distcache.server.request.CompileContext;
import dev.distcache.server.request.RecentCompiles;
import dev.distcache.server.request.Stats;
import dev.distcache.server.request.StatsLog;
import dev.distcache.server.request.Timing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One compile through the local cache, in stages: classify the arguments, find the compiler,
 * identify it, look up in direct mode (a manifest of the inputs before preprocessing), else
 * preprocess, key and look up in preprocessor mode; a hit writes the outputs and replays stdout and
 * stderr; a miss compiles, then stores the result and the manifest entry. Whatever it cannot do
 * exactly as the compiler would, it hands back to the client to run the real compiler itself.
 * Thread-safe: one instance serves every connection.
 */
public final class CompilePipeline implements AutoCloseable {
  private final InstantSource clock;
  private final CacheLayout layout;
  private final ResultStore store;
  private final LocalTier local;
  private final CompilerLocations locations;
  private final CompilerIdentifier identifier;
  private final DirectMode direct;
  private final Misses misses;
  private final ConfigFileCache configFile = new ConfigFileCache();
  private final ConfigCache configs;
  private final ConfigNotes notes;
  private final int serverUmask;
  private final ProcessRunner runner;
  private final RemoteStorages remotes;
  private final InFlight inFlight = new InFlight();
  private final KeyRecords keyRecords;
  private final RecentCompiles recent = new RecentCompiles();

  public CompilePipeline(
      CacheLayout layout, ResultStore store, CompilerLocator locator, int serverUmask) {
    this(layout, store, locator, serverUmask, new ConfigNotes());
  }

  /** {@code notes} collects the configuration problems the compiles meet, for {@code -s}. */
  public CompilePipeline(
      CacheLayout layout,
      ResultStore store,
      CompilerLocator locator,
      int serverUmask,
      ConfigNotes notes) {
    this(
        layout,
        store,
        locator,
        serverUmask,
        notes,
        ProcessRunner.system(),
        new Farm(ProcessRunner.system(), notes::record));
  }

  /**
   * {@code runner} runs the preprocessor and the local compiles; {@code farm} (whose owner reports
   * its running jobs) takes the misses that may go to other hosts.
   */
  public CompilePipeline(
      CacheLayout layout,
      ResultStore store,
      CompilerLocator locator,
      int serverUmask,
      ConfigNotes notes,
      ProcessRunner runner,
      Farm farm) {
    this(layout, store, locator, serverUmask, notes, runner, farm, InstantSource.system());
  }

  /**
   * {@code clock} says when a request arrived: files the compile reads that changed after it are
   * not trusted by direct mode.
   */
  public CompilePipeline(
      CacheLayout layout,
      ResultStore store,
      CompilerLocator locator,
      int serverUmask,
      ConfigNotes notes,
      ProcessRunner runner,
      Farm farm,
      InstantSource clock) {
    this.clock = clock;
    this.layout = layout;
    this.configs = new ConfigCache(layout);
    this.store = store;
    this.local = new LocalTier(store);
    this.locations = new CompilerLocations(locator);
    this.notes = notes;
    this.runner = runner;
    this.identifier = new CompilerIdentifier(runner);
    this.direct = new DirectMode(store);
    // On its own thread: checking a large memo must not delay the first answer, and a compile that
    // needs a hash before it is loaded reads the file, as without it.
    Thread.ofPlatform()
        .daemon()
        .name("distcache-file-hashes")
        .start(() -> direct.loadHashes(layout.fileHashes()));
    this.misses = new Misses(direct, serverUmask, runner, farm);
    this.serverUmask = serverUmask;
    this.remotes = RemoteStorages.open(new ServerRemoteEvents(store));
    this.keyRecords = new KeyRecords(layout);
  }

  /**
   * {@code distcache explain}: whether the compile {@code req} names would hit, and if not, which
   * input differs from what is recorded. It computes the keys as a compile does, reads the local
   * store's manifest and the key record of the output's last miss, and neither compiles, nor runs
   * the preprocessor, nor counts, nor writes anything.
   */
  public String explain(Request req) throws IOException {
    long startNanos = epochNanos(clock.instant());
    Config config =
        configs.load(
            req.env(), configFile.settings(Config.configFile(layout, req.env()), startNanos));
    if (config.bool(ConfigKey.DISABLE)) {
      return "not cached: distcache is disabled (disable = true)\n";
    }
    Prepared p = prepare(req, config, new Stats(store, false), "", startNanos, new Timing());
    if (p.reply() != null) {
      return p.reply().kind() == Reply.Kind.RUN_LOCALLY
          ? "not cacheable (" + p.reply().message() + "): the compiler would run uncached\n"
          : "cannot tell: " + p.reply().message() + "\n";
    }
    return Explanation.of(p.ctx(), direct, keyRecords);
  }

  /** The requests this pipeline answered last, for the web monitor. */
  public RecentCompiles recent() {
    return recent;
  }

  /**
   * Writes what the shared tier still has queued (bounded), then closes its connections; the store
   * stays open (its owner closes it after this, so the writes' counts land in it).
   */
  @Override
  public void close() {
    remotes.close();
    keyRecords.close();
    direct.saveHashes(layout.fileHashes());
  }

  /** The shared tier's background counts go to the store, its lines to the server's own log. */
  private record ServerRemoteEvents(ResultStore store) implements RemoteEvents {
    @Override
    public void count(Counter counter) {
      try {
        store.increment(counter);
      } catch (RuntimeException e) {
        // A closed or failing store: the count is lost, nothing else is.
      }
    }

    @Override
    public void log(String line) {
      System.err.println(Instant.now() + " distcache server: " + line); // server.out
    }
  }

  public Reply handle(Request req) {
    long startNanos = epochNanos(clock.instant());
    Timing timing = new Timing();
    Config config =
        configs.load(
            req.env(), configFile.settings(Config.configFile(layout, req.env()), startNanos));
    notes.record(config.notes());
    timing.mark("config");
    Stats stats = new Stats(store, config.bool(ConfigKey.STATS));
    String log = config.get(ConfigKey.LOG_FILE);
    recent.started();
    try {
      Reply reply = compile(req, config, stats, log, startNanos, timing);
      if (reply.kind() == Reply.Kind.RESULT && config.bool(ConfigKey.ABSOLUTE_PATHS_IN_STDERR)) {
        Path cwd = Path.of(req.cwd());
        reply =
            Reply.result(
                    reply.exitCode(),
                    AbsolutePaths.rewrite(reply.stdout(), cwd),
                    AbsolutePaths.rewrite(reply.stderr(), cwd))
                .withNote(reply.note());
      }
      return withUntoldNotes(reply);
    } catch (Cancellation.CancelledException e) {
      // The client hung up (Ctrl-C); nobody reads the reply, and nothing went wrong in the cache.
      ServerLog.log(log, "cancelled: " + e.getMessage());
      return Reply.failed("cancelled: " + e.getMessage());
    } catch (IOException | RuntimeException e) {
      stats.count(Counter.INTERNAL_ERROR);
      ServerLog.log(log, "internal error, compiling without the cache: " + e);
      return Reply.failed("internal error: " + e.getMessage());
    } finally {
      stats.flush();
      String statsLog = config.get(ConfigKey.STATS_LOG);
      if (!statsLog.isEmpty()) {
        StatsLog.append(
            Path.of(req.cwd()).resolve(statsLog),
            StatsLog.inputOf(req.argv()),
            stats.changes(),
            config.umask().orElse(req.umask()));
      }
      timing.mark("stats");
      if (!log.isEmpty()) {
        ServerLog.log(log, "timing: " + timing.summary());
      }
      long endNanos = epochNanos(clock.instant());
      recent.record(req.argv(), stats, endNanos / 1_000_000, (endNanos - startNanos) / 1_000_000);
    }
  }

  /** {@code r} with the configuration notes no client was told yet before its own note. */
  private Reply withUntoldNotes(Reply r) {
    byte[] untold = notes.untold();
    if (untold.length == 0) {
      return r;
    }
    byte[] both = Arrays.copyOf(untold, untold.length + r.note().length);
    System.arraycopy(r.note(), 0, both, untold.length, r.note().length);
    return r.withNote(both);
  }

  private Reply compile(
      Request req, Config config, Stats stats, String log, long startNanos, Timing timing)
      throws IOException {
    if (!config.errors().isEmpty()) {
      // As ccache: a configuration error (DISTCACHE_DISABLE=0) stops the compile with status 1.
      StringBuilder lines = new StringBuilder();
      config.errors().forEach(e -> lines.append("distcache: error: ").append(e).append('\n'));
      return Reply.result(1, new byte[0], new byte[0])
          .withNote(lines.toString().getBytes(StandardCharsets.UTF_8));
    }
    if (config.bool(ConfigKey.DISABLE)) {
      return Reply.runLocally("disabled");
    }
    Prepared p = prepare(req, config, stats, log, startNanos, timing);
    if (p.reply() != null) {
      return p.reply();
    }
    CompileContext ctx = p.ctx();
    return ColorFlags.playBack(answer(ctx, timing), ColorFlags.strip(ctx.inv(), ctx.type(), req));
  }

  /** A compile's context, or the reply that ends it before any key is computed. */
  private record Prepared(CompileContext ctx, Reply reply) {}

  /**
   * Locates and identifies the compiler and classifies the arguments, as a compile does before its
   * keys; counts through {@code stats} why a compile is not cacheable.
   */
  private Prepared prepare(
      Request req, Config config, Stats stats, String log, long startNanos, Timing timing)
      throws IOException {
    Path cwd = Path.of(req.cwd());
    List<String> argv = req.argv();
    if (argv.isEmpty()) {
      return new Prepared(null, Reply.failed("no compiler named"));
    }
    String compilerName = argv.get(0);
    List<String> args = argv.subList(1, argv.size());
    CompilerLocator.Located located;
    try {
      located =
          locations.locate(
              compilerName, req.invokedAs(), req.env(), cwd, config.get(ConfigKey.PATH));
    } catch (CompilerLocator.NotFoundException e) {
      stats.count(Counter.COULD_NOT_FIND_COMPILER);
      return new Prepared(null, Reply.failed(e.getMessage()));
    }
    timing.mark("locate");
    CompilerType type = CompilerType.of(config.get(ConfigKey.COMPILER_TYPE), located.compiler());
    Classification c = ArgsClassifier.classify(compilerName, args, cwd, req.env(), type);
    if (c instanceof Classification.Uncacheable u) {
      stats.count(u.reason());
      ServerLog.log(log, "uncacheable (" + u.reason().id() + "): " + u.detail());
      return new Prepared(null, Reply.runLocally(u.reason().id()));
    }
    Invocation inv = ((Classification.Cacheable) c).invocation();
    Optional<Classification.Uncacheable> notHere = LocalFiles.check(inv, cwd);
    if (notHere.isPresent()) {
      stats.count(notHere.get().reason());
      ServerLog.log(
          log, "uncacheable (" + notHere.get().reason().id() + "): " + notHere.get().detail());
      return new Prepared(null, Reply.runLocally(notHere.get().reason().id()));
    }
    timing.mark("classify");
    Map<String, String> env = CompilerLocator.compilerEnvironment(req.env(), located);
    String identity;
    try {
      identity =
          identifier.identify(
              located.compiler(), compilerName, config.get(ConfigKey.COMPILER_CHECK), env, cwd);
    } catch (CompilerIdentifier.CheckFailedException e) {
      stats.count(Counter.COMPILER_CHECK_FAILED);
      ServerLog.log(log, e.getMessage());
      return new Prepared(null, Reply.runLocally(Counter.COMPILER_CHECK_FAILED.id()));
    }
    timing.mark("identify");
    KeySettings keySettings;
    try {
      keySettings = KeySettingsReader.read(config, cwd);
    } catch (KeySettingsReader.UnreadableExtraFile e) {
      stats.count(Counter.ERROR_HASHING_EXTRA_FILE);
      ServerLog.log(log, e.getMessage());
      return new Prepared(null, Reply.runLocally(Counter.ERROR_HASHING_EXTRA_FILE.id()));
    }
    store.setCompression(
        Compression.ofCcache(config.bool(ConfigKey.COMPRESSION), config.compressionLevel()));
    ResultCache results = CacheLog.stage(local, remotes, notes, config, stats, log, inv.source());
    CompileContext ctx =
        new CompileContext(
            inv,
            located,
            identity,
            type,
            cwd,
            ApparentCwd.of(cwd, req.env()),
            req.env(),
            env,
            ColorFlags.forCompile(inv, type),
            CpuSignature.get(),
            keySettings,
            config,
            req.umask(),
            startNanos,
            stats,
            log,
            results);
    return new Prepared(ctx, null);
  }

  /** The answer of a compile that may be cached: a hit, or the miss's compile. */
  private Reply answer(CompileContext ctx, Timing timing) throws IOException {
    Invocation inv = ctx.inv();
    Config config = ctx.config();
    Stats stats = ctx.stats();
    String log = ctx.log();
    Path cwd = ctx.cwd();
    ResultCache results = ctx.results();
    boolean recache = config.bool(ConfigKey.RECACHE);
    Optional<DirectMode.Plan> plan = direct.plan(ctx);
    timing.mark("direct-key");
    if (plan.isPresent() && !recache) {
      Optional<Reply> hit = directHit(plan.get(), ctx, timing);
      if (hit.isPresent()) {
        return hit.get();
      }
      stats.count(Counter.DIRECT_CACHE_MISS);
      if (!results.readOnly()) {
        keyRecords.write(
            cwd,
            inv.source(),
            inv.output(),
            plan.get().keys().manifest().hex(),
            plan.get()::transcript);
        timing.mark("key-record");
      }
    }
    if (config.bool(ConfigKey.READ_ONLY_DIRECT)) {
      // As ccache: only direct mode may answer; the compile runs and nothing is stored.
      stats.count(Counter.CACHE_MISS);
      ServerLog.log(log, "read-only direct mode; compiling " + inv.source() + " uncached");
      return misses.uncached(ctx);
    }
    if (plan.isPresent() && plan.get().depend()) {
      // As ccache: depend mode looks no result up, so no storage miss; the outcome is counted
      // after the compile.
      return misses.dependMode(ctx, plan.get());
    }
    HashingStream textHash = new HashingStream();
    Optional<byte[]> text = keyText(inv, ctx.located(), ctx.env(), cwd, config, textHash);
    timing.mark("preprocess");
    if (text.isEmpty()) {
      stats.count(Counter.PREPROCESSOR_ERROR);
      return Reply.runLocally(Counter.PREPROCESSOR_ERROR.id());
    }
    Optional<Reply> unusable = unusableText(inv, cwd, text.get(), stats, log);
    if (unusable.isPresent()) {
      return unusable.get();
    }
    boolean debug = config.bool(ConfigKey.DEBUG);
    CompileKeys.Keys keys =
        CompileKeys.compute(
            new CompileKeys.Inputs(
                ctx.identity(),
                inv,
                ctx.apparentCwd(),
                ctx.clientEnv(),
                text.get(),
                config.get(ConfigKey.BASE_DIR),
                config.bool(ConfigKey.HASH_DIR),
                config.sloppiness(),
                ctx.extra(),
                ctx.cpu(),
                ctx.keySettings()),
            textHash.digestOf(text.get()),
            debug);
    timing.mark("key");
    if (debug) {
      DebugFiles.write(
          config.get(ConfigKey.DEBUG_DIR),
          cwd,
          inv.output(),
          "distcache-input-text",
          "key " + keys.key() + "\nexact " + keys.exact() + "\n" + keys.transcript());
    }
    InFlight.Claim claim = InFlight.NONE;
    if (!recache) {
      Optional<Reply> hit = servePreprocessed(ctx, keys, plan, text.get());
      timing.mark("serve");
      if (hit.isPresent()) {
        return hit.get();
      }
      boolean readOnly = config.bool(ConfigKey.READ_ONLY);
      // A read-only compile stores nothing, so it claims nothing; it may still wait for a result.
      while ((claim = readOnly ? unclaimedOrNull(keys.key()) : inFlight.claim(keys.key()))
          == null) {
        ServerLog.log(
            log,
            "waiting for the compile of " + keys.key() + " another request runs: " + inv.source());
        inFlight.awaitRelease(keys.key());
        hit = servePreprocessed(ctx, keys, plan, text.get());
        if (hit.isPresent()) {
          stats.count(Counter.DEDUPLICATED_COMPILE);
          timing.mark("wait");
          return hit.get();
        }
      }
      // A forced recache looked nothing up, so it missed nothing (ccache counts only recache).
      stats.count(Counter.PREPROCESSED_CACHE_MISS);
      results.missed();
    }
    try (InFlight.Claim held = claim) {
      return misses.preprocessed(ctx, keys, plan, text.get(), timing);
    }
  }

  /** Nothing to hold when no request compiles {@code key} now; null while one does. */
  private InFlight.Claim unclaimedOrNull(ResultKey key) {
    return inFlight.isHeld(key) ? null : InFlight.NONE;
  }

  /**
   * Serves the result stored under the preprocessed key, and records direct mode's manifest entry
   * for it; empty on a miss.
   */
  private Optional<Reply> servePreprocessed(
      CompileContext ctx, CompileKeys.Keys keys, Optional<DirectMode.Plan> plan, byte[] text) {
    Optional<Reply> hit = serve(ctx, keys.key(), keys.exact(), Counter.PREPROCESSED_CACHE_HIT);
    Config config = ctx.config();
    if (hit.isPresent()
        && hit.get().kind() == Reply.Kind.RESULT
        && plan.isPresent()
        && !config.bool(ConfigKey.READ_ONLY)) {
      direct.recordPreprocessed(
          plan.get(), text, keys.key(), keys.exact(), config, ctx.stats(), ctx.log());
    }
    return hit;
  }

  /**
   * The preprocessed text (or the source, for languages not preprocessed); empty when that failed.
   * The preprocessor runs behind {@code prefix_command_cpp} and keeps comments with {@code
   * keep_comments_cpp}, as in ccache. The preprocessor's output is hashed into {@code textHash} as
   * it arrives.
   */
  private Optional<byte[]> keyText(
      Invocation inv,
      CompilerLocator.Located located,
      Map<String, String> env,
      Path cwd,
      Config config,
      HashingStream textHash)
      throws IOException {
    if (inv.language().preprocessed()) {
      try {
        return Optional.of(Files.readAllBytes(cwd.resolve(inv.source())));
      } catch (IOException e) {
        return Optional.empty();
      }
    }
    List<String> cmd = new ArrayList<>(config.words(ConfigKey.PREFIX_COMMAND_CPP));
    cmd.add(located.compiler().toString());
    cmd.addAll(inv.preprocessorArgs());
    if (config.bool(ConfigKey.KEEP_COMMENTS_CPP)) {
      cmd.add("-C");
    }
    cmd.add("-E");
    ProcessRunner.Exec cpp = runner.run(Command.of(cmd, env, cwd).withStdoutCopy(textHash));
    return cpp.exitCode() == 0 ? Optional.of(cpp.stdout()) : Optional.empty();
  }

  /**
   * Hands the compile back to the client when its text shows that the preprocessor read a file that
   * is not the server's to read (the client's stdin, a FIFO, a device: the server's preprocessor
   * read its own), or that the assembler will read a file no key follows ({@code .incbin}, {@code
   * .include}), as ccache does.
   */
  private static Optional<Reply> unusableText(
      Invocation inv, Path cwd, byte[] text, Stats stats, String log) {
    if (!inv.language().preprocessed()) {
      Optional<String> irregular = LocalFiles.irregular(LineMarkers.includedFiles(text), cwd);
      if (irregular.isPresent()) {
        stats.count(Counter.BAD_INPUT_FILE);
        ServerLog.log(
            log,
            "uncacheable ("
                + Counter.BAD_INPUT_FILE.id()
                + "): "
                + inv.source()
                + " reads "
                + irregular.get()
                + ", which is not a regular file");
        return Optional.of(Reply.runLocally(Counter.BAD_INPUT_FILE.id()));
      }
    }
    if (SourceScan.flags(text, SourceScan.CODE_DIRECTIVES) != 0) {
      stats.count(Counter.UNSUPPORTED_CODE_DIRECTIVE);
      ServerLog.log(
          log,
          "uncacheable ("
              + Counter.UNSUPPORTED_CODE_DIRECTIVE.id()
              + "): "
              + inv.source()
              + " has an assembler .incbin or .include");
      return Optional.of(Reply.runLocally(Counter.UNSUPPORTED_CODE_DIRECTIVE.id()));
    }
    return Optional.empty();
  }

  private Optional<Reply> directHit(DirectMode.Plan plan, CompileContext ctx, Timing timing) {
    Optional<DirectMode.Found> found = direct.lookup(plan, ctx.stats(), ctx.log());
    timing.mark("manifest");
    if (found.isEmpty()) {
      return Optional.empty();
    }
    Optional<Reply> hit =
        serve(ctx, found.get().result(), found.get().exact(), Counter.DIRECT_CACHE_HIT);
    timing.mark("serve");
    return hit;
  }

  /**
   * Writes the result the cache stage finds under {@code key} and counts {@code hitCounter}; empty
   * when there is none, or it cannot be served to this compile (the caller goes on as on a miss).
   */
  private Optional<Reply> serve(
      CompileContext ctx, ResultKey key, String exact, Counter hitCounter) {
    Invocation inv = ctx.inv();
    Stats stats = ctx.stats();
    String log = ctx.log();
    Optional<ResultCache.Hit> hit = ctx.results().lookup(key);
    if (hit.isEmpty()) {
      return Optional.empty();
    }
    CachedResult r = hit.get().result();
    Map<Path, byte[]> files;
    try {
      files = HitWriter.filesFor(r, inv, ctx.cwd(), exact, ctx.config().get(ConfigKey.BASE_DIR));
    } catch (HitWriter.NotServableException e) {
      ServerLog.log(log, "stored result for " + key + " not used: " + e.getMessage());
      return Optional.empty();
    }
    try {
      HitWriter.write(files, ctx.umask(), serverUmask);
    } catch (IOException e) {
      stats.count(Counter.BAD_OUTPUT_FILE);
      ServerLog.log(log, "cannot write outputs for " + inv.source() + ": " + e);
      return Optional.of(Reply.runLocally(Counter.BAD_OUTPUT_FILE.id()));
    }
    stats.count(hitCounter);
    ctx.results().served(key, hit.get());
    ServerLog.log(
        log,
        (hitCounter == Counter.DIRECT_CACHE_HIT ? "direct hit " : "hit ")
            + key
            + " "
            + inv.source()
            + (hit.get().tier() == local ? "" : " (from " + hit.get().tier().name() + ")"));
    return Optional.of(Reply.result(0, r.stdout(), r.stderr()));
  }

  private static long epochNanos(Instant now) {
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
