package dev.distcache.remote.job;

import dev.distcache.cache.CachedResult;
import dev.distcache.cache.OutputKind;
import dev.distcache.cache.stage.ResultCache;
import dev.distcache.core.log.LogLevel;
import dev.distcache.core.log.ServerLog;
import dev.distcache.core.process.Cancellation;
import dev.distcache.distribute.distcc.DistccReply;
import dev.distcache.distribute.distcc.DistccRequest;
import dev.distcache.distribute.distcc.ProtocolVersion;
import dev.distcache.hashing.CompilerIdentifier;
import dev.distcache.hashing.ResultKey;
import dev.distcache.remote.policy.ArgvPolicy;
import dev.distcache.remote.policy.CompilerPolicy;
import dev.distcache.remote.policy.JobPlan;
import dev.distcache.remote.policy.JobRefused;
import dev.distcache.remote.report.CacheUse;
import dev.distcache.remote.report.JobResult;
import dev.distcache.remote.report.JobSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * One distcc job after it has been read, in stages: validate the argv ({@link ArgvPolicy}, and for
 * pump mode {@link PumpTree} and {@link PumpPaths}), find the compiler, key, then look up, compile
 * on a miss in a private directory ({@link JobCompile}) and store through the daemon's cache stage
 * ({@link DaemonCache#stage}), answer. Thread-safe: one instance serves every job; a job's state
 * lives in its own objects.
 */
public final class JobPipeline {
  private static final byte[] NONE = new byte[0];

  private final CompilerPolicy compilers;
  private final DaemonCache cache;
  private final CompilerIdentifier identifier = new CompilerIdentifier();
  private final JobCompile compile;
  private final Map<String, String> env;
  private final ServerLog log;

  public JobPipeline(
      CompilerPolicy compilers,
      DaemonCache cache,
      JobCompile compile,
      Map<String, String> env,
      ServerLog log) {
    this.compilers = compilers;
    this.cache = cache;
    this.compile = compile;
    this.env = Map.copyOf(env);
    this.log = log;
  }

  /** Runs {@code request}; {@code cancellation} stops the job's compiler (the client went away). */
  JobOutcome run(DistccRequest request, Cancellation cancellation) throws IOException {
    JobPlan plan;
    try {
      plan = ArgvPolicy.check(request, compilers);
      if (request instanceof DistccRequest.Pump p) {
        PumpTree.check(p.cwd(), p.files());
        PumpPaths.check(plan.args(), plan.sourceIndex(), p.cwd());
        if (plan.splitDwarfOutput() != null) {
          PumpPaths.output(plan.splitDwarfOutput(), "/distcache-root", p.cwd());
        }
      }
    } catch (JobRefused e) {
      return new JobOutcome.Refused(e.getMessage());
    }
    Optional<Path> compiler = compilers.resolve(plan.compilerName());
    if (compiler.isEmpty()) {
      String why =
          "distcache daemon: "
              + plan.compilerName()
              + " is an allowed compiler but the daemon's PATH has"
              + " no such program\n";
      log.log(LogLevel.ERROR, "compiler", why.strip());
      return answered(
          plan,
          failure(request.version(), JobSummary.EXIT_COMPILER_MISSING, why),
          JobResult.COMPILE_ERROR,
          CacheUse.NONE);
    }
    Optional<ResultKey> key = key(plan, compiler.get(), request);
    if (key.isEmpty()) {
      return compileJob(request, plan, compiler.get(), cancellation, CacheUse.OFF).answer();
    }
    return cache
        .stage()
        .through(
            key.get(),
            r ->
                fromCache(r, plan, request.version())
                    .map(hit -> answered(plan, hit, JobResult.COMPILE_OK, CacheUse.HIT)),
            () -> compileJob(request, plan, compiler.get(), cancellation, CacheUse.MISS),
            cache.inFlight(),
            cancellation::isCancelled);
  }

  /**
   * Compiles the job; what to store with the answer when it succeeded and its result may be cached
   * (the cache stage stores it under the job's key, {@code use} says whether there is one).
   */
  private ResultCache.Compiled<JobOutcome> compileJob(
      DistccRequest request, JobPlan plan, Path compiler, Cancellation cancellation, CacheUse use)
      throws IOException {
    JobCompile.Compiled c;
    try {
      c = compile.compile(request, plan, compiler, cancellation);
    } catch (JobRefused e) {
      return ResultCache.Compiled.uncached(new JobOutcome.Refused(e.getMessage()));
    }
    if (c.result() == JobResult.CLI_DISCONN) {
      return ResultCache.Compiled.uncached(
          new JobOutcome.Answered(
              null, JobResult.CLI_DISCONN, use, plan.compilerName(), plan.source()));
    }
    JobOutcome answer = answered(plan, c.reply(), c.result(), use);
    return c.reply().succeeded() && c.storable()
        ? ResultCache.Compiled.storing(answer, toCache(c.reply(), plan))
        : ResultCache.Compiled.uncached(answer);
  }

  private Optional<ResultKey> key(JobPlan plan, Path compiler, DistccRequest request) {
    if (!cache.enabled()) {
      return Optional.empty();
    }
    try {
      String identity = identifier.identify(compiler, plan.compilerName(), "mtime", env);
      return Optional.of(JobKey.of(identity, plan, request, env));
    } catch (CompilerIdentifier.CheckFailedException e) {
      log.log(LogLevel.WARNING, "cache", e.getMessage() + "; compiling without the cache");
      return Optional.empty();
    }
  }

  private static JobOutcome.Answered answered(
      JobPlan plan, DistccReply reply, JobResult result, CacheUse use) {
    return new JobOutcome.Answered(reply, result, use, plan.compilerName(), plan.source());
  }

  /** A failed answer carrying {@code message} as stderr, with distcc's exit code {@code code}. */
  static DistccReply failure(ProtocolVersion version, int code, String message) {
    return new DistccReply(
        version, code << 8, message.getBytes(StandardCharsets.UTF_8), NONE, NONE, NONE);
  }

  static CachedResult toCache(DistccReply reply, JobPlan plan) {
    Map<OutputKind, byte[]> files = new EnumMap<>(OutputKind.class);
    files.put(plan.assembly() ? OutputKind.ASSEMBLY : OutputKind.OBJECT, reply.object());
    if (plan.pump()) {
      files.put(OutputKind.DEPENDENCY, reply.dependencies());
    }
    if (reply.splitDwarf() != null) {
      files.put(OutputKind.SPLIT_DWARF, reply.splitDwarf());
    }
    return new CachedResult(
        files, reply.stdout(), reply.stderr(), Map.of("origin", "distcc-daemon"));
  }

  /**
   * The stored result as an answer in {@code version}; empty when it lacks what this job returns.
   */
  static Optional<DistccReply> fromCache(CachedResult r, JobPlan plan, ProtocolVersion version) {
    byte[] object = r.file(plan.assembly() ? OutputKind.ASSEMBLY : OutputKind.OBJECT);
    byte[] deps = plan.pump() ? r.file(OutputKind.DEPENDENCY) : NONE;
    byte[] dwo = plan.splitDwarfOutput() != null ? r.file(OutputKind.SPLIT_DWARF) : null;
    if (object == null
        || object.length == 0
        || deps == null
        || (plan.splitDwarfOutput() != null && dwo == null)) {
      return Optional.empty();
    }
    return Optional.of(new DistccReply(version, 0, r.stderr(), r.stdout(), object, deps, dwo));
  }
}
