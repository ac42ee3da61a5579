package dev.distcache.remote.job;

import dev.distcache.cache.stage.ResultCache;
import dev.distcache.core.log.LogLevel;
import dev.distcache.core.log.ServerLog;
import dev.distcache.core.process.Cancellation;
import dev.distcache.core.wire.ProtocolException;
import dev.distcache.distribute.distcc.DistccLimits;
import dev.distcache.distribute.distcc.DistccReply;
import dev.distcache.distribute.distcc.DistccRequest;
import dev.distcache.distribute.distcc.PacketReader;
import dev.distcache.distribute.distcc.PacketWriter;
import dev.distcache.distribute.distcc.ProtocolVersion;
import dev.distcache.distribute.distcc.PumpFile;
import dev.distcache.distribute.nativeproto.NativeCodec;
import dev.distcache.distribute.nativeproto.NativeIdentity;
import dev.distcache.distribute.nativeproto.NativeKey;
import dev.distcache.distribute.tls.Tokens;
import dev.distcache.hashing.CompilerIdentifier;
import dev.distcache.hashing.ResultKey;
import dev.distcache.remote.net.Deadline;
import dev.distcache.remote.net.JobChannel;
import dev.distcache.remote.net.TcpServer;
import dev.distcache.remote.policy.ArgvPolicy;
import dev.distcache.remote.policy.CompilerPolicy;
import dev.distcache.remote.policy.JobPlan;
import dev.distcache.remote.policy.JobRefused;
import dev.distcache.remote.report.CacheUse;
import dev.distcache.remote.report.DaemonStats;
import dev.distcache.remote.report.JobResult;
import dev.distcache.remote.report.JobSummary;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves a native-protocol connection (docs/daemon-protocol.md) that has passed the access check:
 * the handshake (the client's compiler identity must be the one the daemon resolves for that name,
 * else {@code RFSD} and close), then jobs until the client hangs up. Each job is checked as a
 * distcc job is ({@link ArgvPolicy}, the same limits and I/O timeout), takes a job slot, is
 * answered from the cache by its key when it can be ({@code RSLT} without an upload), else asks for
 * the source ({@code SEND}), compiles ({@link JobCompile}), stores and answers; the cache stage
 * ({@link DaemonCache#stage}) does the looking up and storing. One summary line per job, marked
 * {@code proto:native} with the bytes uploaded. A malformed frame closes the connection; the daemon
 * serves the others. With TLS configured, a plaintext connection, and with tokens one without a
 * valid token, is denied ({@code DENY}) after its handshake is read and before any job is; the log
 * names the token's client, never the token.
 *
 * <p>Threads: runs on the connection's virtual thread; blocks on the client, a job slot and the
 * compiler. Unlike the distcc path it does not watch for a hang-up during the compile (the client's
 * next bytes would be the next job); the job's lifetime bounds it. {@link #stop} may be called from
 * any thread.
 */
public final class NativeHandler {
  private static final ProtocolVersion AS =
      ProtocolVersion.V1; // the distcc stages see a protocol-1 job

  /** The connection is over: what there was to write and log is done. */
  private static final Answer END = () -> false;

  /** The refusal is written and logged; the connection serves the next job. */
  private static final Answer NEXT = () -> true;

  private final CompilerPolicy compilers;

  /** Runs jobs that come with their sources, as for distcc's pump mode. */
  private final JobPipeline pipeline;

  private final NativeIdentity identities = new NativeIdentity();
  private final DaemonCache cache;
  private final JobCompile compile;
  private final Map<String, String> env;
  private final DistccLimits limits;
  private final long ioTimeoutMillis;
  private final TcpServer.Slots slots;
  private final ServerLog log;
  private final DaemonStats stats;
  private final boolean tlsOnly;
  private final Tokens tokens;

  /** Connections waiting for their next job, closed when the daemon stops. */
  private final Set<JobChannel> idle = ConcurrentHashMap.newKeySet();

  private volatile boolean stopping;

  public NativeHandler(
      CompilerPolicy compilers,
      JobPipeline pipeline,
      DaemonCache cache,
      JobCompile compile,
      DistccLimits limits,
      int ioTimeoutSeconds,
      TcpServer.Slots slots,
      ServerLog log,
      DaemonStats stats,
      boolean tlsOnly,
      Tokens tokens) {
    this.tlsOnly = tlsOnly;
    this.tokens = tokens;
    this.compilers = compilers;
    this.pipeline = pipeline;
    this.cache = cache;
    this.compile = compile;
    this.env = compile.environment();
    this.limits = limits;
    this.ioTimeoutMillis = ioTimeoutSeconds * 1000L;
    this.slots = slots;
    this.log = log;
    this.stats = stats;
  }

  /** The compiler a connection was accepted for. */
  private record Accepted(String name, Path binary, String identity) {}

  /**
   * Serves the connection until the client hangs up or breaks the protocol; never throws. {@code
   * overTls}: the connection came through the TLS handshake.
   */
  public void serve(JobChannel ch, boolean overTls) {
    PacketWriter out = new PacketWriter(new BufferedOutputStream(ch.out(), 64 << 10));
    try {
      Optional<Accepted> accepted = handshake(ch, out, overTls);
      if (accepted.isEmpty()) {
        return;
      }
      int jobs = 0;
      while (job(ch, out, accepted.get())) {
        jobs++;
      }
      log.log(
          LogLevel.INFO,
          "native",
          "connection from " + ch.client() + " ended after " + jobs + " job(s)");
    } catch (IOException e) {
      log.log(
          LogLevel.ERROR,
          "native",
          "connection from " + ch.client() + " failed: " + e.getMessage());
    } catch (RuntimeException | OutOfMemoryError e) {
      log.log(LogLevel.ERROR, "native", "internal error serving " + ch.client() + ": " + e);
    }
  }

  private Optional<Accepted> handshake(JobChannel ch, PacketWriter out, boolean overTls)
      throws IOException {
    NativeCodec.Hello hello;
    try (Deadline d = Deadline.after(ioTimeoutMillis, ch::abort)) {
      hello = NativeCodec.readHello(new PacketReader(ch.in(), limits));
    } catch (ProtocolException e) {
      log.log(
          LogLevel.ERROR, "native", "bad handshake from " + ch.client() + ": " + e.getMessage());
      return Optional.empty();
    }
    String denial = null;
    String who = "";
    if (tlsOnly && !overTls) {
      denial = "this daemon takes the native protocol over TLS only (mark the host ,tls)";
    } else if (tokens != null) {
      Optional<String> named = tokens.client(hello.token());
      if (named.isEmpty()) {
        denial =
            hello.token().length == 0
                ? "this daemon wants a token (remote_token_file)"
                : "the token is not one this daemon accepts";
      } else {
        who = " (token of " + named.get() + ")";
      }
    }
    if (denial != null) {
      try (Deadline d = Deadline.after(ioTimeoutMillis, ch::abort)) {
        NativeCodec.writeDenied(out, denial);
        out.flush();
      }
      log.log(LogLevel.WARNING, "native", "denied " + ch.client() + ": " + denial);
      return Optional.empty();
    }
    String refusal = null;
    Accepted accepted = null;
    try {
      String name = compilers.allowedName(hello.compiler());
      Optional<Path> binary = compilers.resolve(name);
      if (binary.isEmpty()) {
        refusal = name + " is an allowed compiler but the daemon's PATH has no such program";
      } else {
        String mine = identities.of(binary.get(), env);
        if (!mine.equals(hello.identity())) {
          refusal =
              "compiler identity mismatch for "
                  + name
                  + ": the client has "
                  + hello.identity()
                  + ", this daemon has "
                  + mine
                  + " ("
                  + binary.get()
                  + ")";
        } else {
          accepted = new Accepted(name, binary.get(), mine);
        }
      }
    } catch (JobRefused e) {
      refusal = e.getMessage();
    } catch (CompilerIdentifier.CheckFailedException e) {
      refusal = "cannot identify the daemon's " + hello.compiler() + ": " + e.getMessage();
    }
    try (Deadline d = Deadline.after(ioTimeoutMillis, ch::abort)) {
      NativeCodec.writeHelloAnswer(out, refusal);
      out.flush();
    }
    if (refusal != null) {
      log.log(LogLevel.WARNING, "native", "refused " + ch.client() + ": " + refusal);
      return Optional.empty();
    }
    log.log(
        LogLevel.INFO,
        "native",
        "connection from "
            + ch.client()
            + (overTls ? " over TLS" : "")
            + who
            + " for "
            + accepted.name()
            + " accepted");
    return Optional.of(accepted);
  }

  /**
   * Closes the connections that wait for a job (clients keep them for their next one), so that a
   * stopping daemon waits only for the jobs in progress; those end their connection afterwards.
   */
  public void stop() {
    stopping = true;
    for (JobChannel ch : idle) {
      ch.abort();
    }
  }

  /**
   * Serves one job; false when the connection is over (hung up, malformed, broken, daemon
   * stopping).
   */
  private boolean job(JobChannel ch, PacketWriter out, Accepted compiler) throws IOException {
    PacketReader in = new PacketReader(ch.in(), limits);
    NativeCodec.Work work;
    idle.add(ch);
    try (Deadline d = Deadline.after(ioTimeoutMillis, ch::abort)) {
      if (stopping) {
        return false;
      }
      work = NativeCodec.readWork(in);
    } catch (EOFException e) {
      return false;
    } catch (ProtocolException e) {
      log.log(LogLevel.ERROR, "native", "bad job from " + ch.client() + ": " + e.getMessage());
      summary(
          JobSummary.early(ch.client(), JobResult.REJ_BAD_REQ, JobSummary.EXIT_PROTOCOL_ERROR, 0),
          0);
      return false;
    } catch (IOException e) {
      return false; // idle too long (the I/O timeout), reset, or the daemon stopping: the client
      // opens another
    } finally {
      idle.remove(ch);
    }
    long start = System.nanoTime();
    stats.jobStarted();
    try {
      return switch (work) {
        case NativeCodec.Job job -> run(ch, in, out, compiler, job, start);
        case NativeCodec.Sources sources -> runSources(ch, out, compiler, sources.request(), start);
      };
    } finally {
      stats.jobFinished();
    }
  }

  /**
   * A job with its sources: through the pump-mode stages ({@link JobPipeline}), in a job slot,
   * answered with distcc's reply; a refusal leaves the connection open for the next job.
   */
  private boolean runSources(
      JobChannel ch, PacketWriter out, Accepted compiler, DistccRequest.Pump request, long start)
      throws IOException {
    long uploaded = 0;
    for (PumpFile f : request.files()) {
      uploaded += f instanceof PumpFile.Regular r ? r.content().length : 0;
    }
    String name = request.argv().getFirst();
    if (!name.equals(compiler.name()) && !name.endsWith("/" + compiler.name())) {
      return refuse(
          ch, out, "the job's compiler " + name + " is not the connection's", start, uploaded);
    }
    Slot slot = takeSlot(ch, out, start, uploaded);
    if (slot != Slot.TAKEN) {
      return slot == Slot.BUSY;
    }
    JobOutcome outcome;
    try {
      outcome = pipeline.run(request, new Cancellation());
    } finally {
      slots.release();
    }
    return switch (outcome) {
      case JobOutcome.Refused r -> refuse(ch, out, r.reason(), start, uploaded);
      case JobOutcome.Answered a -> {
        if (a.reply() == null) {
          yield false;
        }
        try (Deadline d = Deadline.after(ioTimeoutMillis, ch::abort)) {
          NativeCodec.writeCompiled(out, a.reply());
          out.flush();
        }
        summary(
            new JobSummary(
                ch.client(),
                a.result(),
                a.reply().status(),
                0,
                millis(start),
                a.compiler(),
                a.input(),
                a.cache()),
            uploaded);
        yield true;
      }
    };
  }

  /** How taking a job slot ended: taken, refused as busy (answered), or interrupted. */
  private enum Slot {
    TAKEN,
    BUSY,
    STOPPED
  }

  /** Takes one of the daemon's job slots; when none is free, the job is answered "busy". */
  private Slot takeSlot(JobChannel ch, PacketWriter out, long start, long uploaded)
      throws IOException {
    try {
      if (slots.acquire()) {
        return Slot.TAKEN;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Slot.STOPPED;
    }
    answerRefused(ch, out, "the daemon is busy");
    summary(
        JobSummary.early(ch.client(), JobResult.REJ_OVERLOAD, JobSummary.EXIT_BUSY, millis(start)),
        uploaded);
    return Slot.BUSY;
  }

  private boolean refuse(JobChannel ch, PacketWriter out, String reason, long start, long uploaded)
      throws IOException {
    log.log(LogLevel.WARNING, "dcc_check_job", "refused a job from " + ch.client() + ": " + reason);
    answerRefused(ch, out, reason);
    summary(
        JobSummary.early(
            ch.client(), JobResult.OTHER, JobSummary.EXIT_BAD_ARGUMENTS, millis(start)),
        uploaded);
    return true;
  }

  private boolean run(
      JobChannel ch,
      PacketReader in,
      PacketWriter out,
      Accepted compiler,
      NativeCodec.Job job,
      long start)
      throws IOException {
    JobPlan plan;
    try {
      if (!job.argv().getFirst().equals(compiler.name())
          && !job.argv().getFirst().endsWith("/" + compiler.name())) {
        throw new JobRefused(
            "the job's compiler "
                + job.argv().getFirst()
                + " is not the connection's ("
                + compiler.name()
                + ")");
      }
      plan =
          ArgvPolicy.check(new DistccRequest.Preprocessed(AS, job.argv(), new byte[0]), compilers);
    } catch (JobRefused e) {
      return refuse(ch, out, e.getMessage(), start, 0);
    }
    Slot slot = takeSlot(ch, out, start, 0);
    if (slot != Slot.TAKEN) {
      return slot == Slot.BUSY;
    }
    try {
      return compile(ch, in, out, compiler, job, plan, start);
    } finally {
      slots.release();
    }
  }

  private boolean compile(
      JobChannel ch,
      PacketReader in,
      PacketWriter out,
      Accepted compiler,
      NativeCodec.Job job,
      JobPlan plan,
      long start)
      throws IOException {
    if (!cache.enabled()) {
      return uploadAndCompile(ch, in, out, compiler, job, plan, start, CacheUse.OFF)
          .answer()
          .send();
    }
    ResultKey key = NativeKey.cache(compiler.identity(), env, job.key());
    return cache
        .stage()
        .through(
            key,
            r ->
                JobPipeline.fromCache(r, plan, AS).map(hit -> hitAnswer(ch, out, hit, plan, start)),
            () -> uploadAndCompile(ch, in, out, compiler, job, plan, start, CacheUse.MISS),
            cache.inFlight(),
            () -> false) // a waiter's wait is bounded by the compile it waits for
        .send();
  }

  /**
   * What ends a job once the cache stage is done with it: the answer and the summary line, if not
   * already written; false when the connection is over.
   */
  @FunctionalInterface
  private interface Answer {
    boolean send() throws IOException;
  }

  private Answer hitAnswer(
      JobChannel ch, PacketWriter out, DistccReply hit, JobPlan plan, long start) {
    return () -> {
      answer(ch, out, hit, true);
      summary(done(ch, hit, JobResult.COMPILE_OK, plan, CacheUse.HIT, start), 0);
      return true;
    };
  }

  /**
   * A job the cache did not answer: asks for its source, checks it against the job's key, compiles;
   * the answer, and the result to store when the compile succeeded and may be cached.
   */
  private ResultCache.Compiled<Answer> uploadAndCompile(
      JobChannel ch,
      PacketReader in,
      PacketWriter out,
      Accepted compiler,
      NativeCodec.Job job,
      JobPlan plan,
      long start,
      CacheUse use)
      throws IOException {
    byte[] source;
    try (Deadline d = Deadline.after(ioTimeoutMillis, ch::abort)) {
      NativeCodec.writeSend(out);
      out.flush();
      source = NativeCodec.readSource(in);
    } catch (ProtocolException e) {
      log.log(LogLevel.ERROR, "native", "bad upload from " + ch.client() + ": " + e.getMessage());
      summary(
          JobSummary.early(
              ch.client(), JobResult.REJ_BAD_REQ, JobSummary.EXIT_PROTOCOL_ERROR, millis(start)),
          0);
      return ResultCache.Compiled.uncached(END);
    }
    if (!MessageDigest.isEqual(NativeKey.job(job.argv(), source), job.key())) {
      log.log(
          LogLevel.ERROR,
          "native",
          "job key from "
              + ch.client()
              + " does not match its argv and source;"
              + " closing the connection");
      summary(
          JobSummary.early(
              ch.client(), JobResult.REJ_BAD_REQ, JobSummary.EXIT_PROTOCOL_ERROR, millis(start)),
          source.length);
      return ResultCache.Compiled.uncached(END);
    }
    DistccRequest request = new DistccRequest.Preprocessed(AS, job.argv(), source);
    JobCompile.Compiled c;
    try {
      c = compile.compile(request, plan, compiler.binary(), null);
    } catch (JobRefused e) {
      answerRefused(ch, out, e.getMessage());
      summary(
          JobSummary.early(
              ch.client(), JobResult.OTHER, JobSummary.EXIT_BAD_ARGUMENTS, millis(start)),
          source.length);
      return ResultCache.Compiled.uncached(NEXT);
    }
    int uploaded = source.length;
    Answer answer =
        () -> {
          answer(ch, out, c.reply(), false);
          summary(done(ch, c.reply(), c.result(), plan, use, start), uploaded);
          return true;
        };
    return c.reply().succeeded() && c.storable()
        ? ResultCache.Compiled.storing(answer, JobPipeline.toCache(c.reply(), plan))
        : ResultCache.Compiled.uncached(answer);
  }

  private void answer(JobChannel ch, PacketWriter out, DistccReply r, boolean hit)
      throws IOException {
    try (Deadline d = Deadline.after(ioTimeoutMillis, ch::abort)) {
      NativeCodec.writeResult(
          out, new NativeCodec.Result(r.status(), r.stdout(), r.stderr(), r.object()), hit);
      out.flush();
    }
  }

  private void answerRefused(JobChannel ch, PacketWriter out, String reason) throws IOException {
    try (Deadline d = Deadline.after(ioTimeoutMillis, ch::abort)) {
      NativeCodec.writeRefused(out, reason);
      out.flush();
    }
  }

  private JobSummary done(
      JobChannel ch, DistccReply r, JobResult result, JobPlan plan, CacheUse use, long start) {
    return new JobSummary(
        ch.client(), result, r.status(), 0, millis(start), plan.compilerName(), plan.source(), use);
  }

  private void summary(JobSummary s, long uploaded) {
    log.log(LogLevel.NOTICE, "dcc_job_summary", s.format() + " proto:native upload:" + uploaded);
    stats.record(s);
  }

  private static long millis(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }
}
