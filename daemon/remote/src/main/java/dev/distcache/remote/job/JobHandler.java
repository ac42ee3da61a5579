package dev.distcache.remote.job;

import dev.distcache.core.log.LogLevel;
import dev.distcache.core.log.ServerLog;
import dev.distcache.core.process.Cancellation;
import dev.distcache.core.wire.ProtocolException;
import dev.distcache.distribute.distcc.DistccLimits;
import dev.distcache.distribute.distcc.DistccRequest;
import dev.distcache.distribute.distcc.PacketReader;
import dev.distcache.distribute.distcc.PacketWriter;
import dev.distcache.distribute.distcc.ReplyCodec;
import dev.distcache.distribute.distcc.RequestCodec;
import dev.distcache.remote.net.Deadline;
import dev.distcache.remote.net.JobChannel;
import dev.distcache.remote.net.TcpServer;
import dev.distcache.remote.report.DaemonStats;
import dev.distcache.remote.report.JobResult;
import dev.distcache.remote.report.JobSummary;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * Serves one job on a connection that has passed the access check: read the request within the
 * limits and the I/O timeout, run the {@link JobPipeline}, answer in the protocol version asked (or
 * close without an answer when the job is refused or malformed, as distccd does), then log one
 * summary line and count it. Never throws: whatever goes wrong ends as a summary.
 */
public final class JobHandler {
  private final JobPipeline pipeline;
  private final DistccLimits limits;
  private final long ioTimeoutMillis;
  private final ServerLog log;
  private final DaemonStats stats;

  public JobHandler(
      JobPipeline pipeline,
      DistccLimits limits,
      int ioTimeoutSeconds,
      ServerLog log,
      DaemonStats stats) {
    this.pipeline = pipeline;
    this.limits = limits;
    this.ioTimeoutMillis = ioTimeoutSeconds * 1000L;
    this.log = log;
    this.stats = stats;
  }

  /** Serves a job on stdin/stdout (inetd: the one job of its process, no slot to take). */
  public JobSummary serve(JobChannel ch) {
    return serve(ch, null);
  }

  /**
   * Serves a job, taking one of {@code slots} (when not null) once its request is in: a client
   * still sending holds no slot. When too many wait for one it is refused as {@code REJ_OVERLOAD}.
   */
  public JobSummary serve(JobChannel ch, TcpServer.Slots slots) {
    long start = System.nanoTime();
    stats.jobStarted();
    JobSummary s;
    try {
      s = job(ch, start, slots);
    } catch (RuntimeException | OutOfMemoryError e) {
      // Out of memory: this job's request and result are garbage now; the daemon serves the others.
      log.log(LogLevel.ERROR, "dcc_run_job", "internal error: " + e);
      s =
          JobSummary.early(
              ch.client(), JobResult.OTHER, JobSummary.EXIT_DISTCC_FAILED, millis(start));
    } finally {
      stats.jobFinished();
    }
    log.log(LogLevel.NOTICE, "dcc_job_summary", s.format());
    stats.record(s);
    return s;
  }

  private JobSummary job(JobChannel ch, long start, TcpServer.Slots slots) {
    DistccRequest request;
    try (Deadline d = Deadline.after(ioTimeoutMillis, ch::abort)) {
      try {
        request = RequestCodec.read(new PacketReader(ch.in(), limits));
      } catch (EOFException e) {
        log.log(LogLevel.INFO, "dcc_r_request_header", "client hung up without sending a request");
        return JobSummary.early(
            ch.client(), JobResult.CLI_DISCONN, JobSummary.EXIT_IO_ERROR, millis(start));
      } catch (ProtocolException e) {
        log.log(
            LogLevel.ERROR,
            "dcc_r_request",
            "bad request from " + ch.client() + ": " + e.getMessage());
        return JobSummary.early(
            ch.client(), JobResult.REJ_BAD_REQ, JobSummary.EXIT_PROTOCOL_ERROR, millis(start));
      } catch (IOException e) {
        log.log(
            LogLevel.ERROR,
            "dcc_r_request",
            d.fired()
                ? "no complete request from "
                    + ch.client()
                    + " within "
                    + ioTimeoutMillis / 1000
                    + " s (--io-timeout)"
                : "reading the request from " + ch.client() + " failed: " + e.getMessage());
        return JobSummary.early(
            ch.client(), JobResult.CLI_DISCONN, JobSummary.EXIT_IO_ERROR, millis(start));
      }
    }
    if (slots == null) {
      return run(ch, request, start);
    }
    try {
      if (!slots.acquire()) {
        log.log(
            LogLevel.WARNING,
            "dcc_check_job",
            "too many jobs wait for a slot; refused the one from " + ch.client());
        return JobSummary.early(
            ch.client(), JobResult.REJ_OVERLOAD, JobSummary.EXIT_BUSY, millis(start));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return JobSummary.early(
          ch.client(), JobResult.OTHER, JobSummary.EXIT_DISTCC_FAILED, millis(start));
    }
    try {
      return run(ch, request, start);
    } finally {
      slots.release();
    }
  }

  private JobSummary run(JobChannel ch, DistccRequest request, long start) {
    JobOutcome outcome;
    Cancellation cancellation = new Cancellation();
    try (AutoCloseable w =
        ch.watch(() -> {
          log.log(
              LogLevel.ERROR,
              "dcc_collect_child",
              "client " + ch.client() + " disconnected, killing the job");
          cancellation.cancel();
        })) {
      outcome = pipeline.run(request, cancellation);
    } catch (Exception e) {
      log.log(LogLevel.ERROR, "dcc_run_job", "job from " + ch.client() + " failed: " + e);
      return JobSummary.early(
          ch.client(), JobResult.OTHER, JobSummary.EXIT_DISTCC_FAILED, millis(start));
    }
    return switch (outcome) {
      case JobOutcome.Refused r -> {
        log.log(
            LogLevel.WARNING,
            "dcc_check_job",
            "refused a job from " + ch.client() + ": " + r.reason());
        yield JobSummary.early(
            ch.client(), JobResult.OTHER, JobSummary.EXIT_BAD_ARGUMENTS, millis(start));
      }
      case JobOutcome.Answered a -> answer(ch, a, start);
    };
  }

  private JobSummary answer(JobChannel ch, JobOutcome.Answered a, long start) {
    JobResult result = a.result();
    int ret = 0;
    if (a.reply() == null) {
      ret = JobSummary.EXIT_IO_ERROR;
    } else {
      try (Deadline d = Deadline.after(ioTimeoutMillis, ch::abort)) {
        PacketWriter out = new PacketWriter(new BufferedOutputStream(ch.out(), 64 << 10));
        ReplyCodec.write(out, a.reply());
        out.flush();
      } catch (IOException e) {
        log.log(
            LogLevel.ERROR,
            "dcc_x_result",
            "sending the answer to " + ch.client() + " failed: " + e.getMessage());
        result = JobResult.CLI_DISCONN;
        ret = JobSummary.EXIT_IO_ERROR;
      }
    }
    int status = a.reply() == null ? 0 : a.reply().status();
    return new JobSummary(
        ch.client(), result, status, ret, millis(start), a.compiler(), a.input(), a.cache());
  }

  private static long millis(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }
}
