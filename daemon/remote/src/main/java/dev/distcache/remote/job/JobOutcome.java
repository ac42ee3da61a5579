package dev.distcache.remote.job;

import dev.distcache.distribute.distcc.DistccReply;
import dev.distcache.remote.report.CacheUse;
import dev.distcache.remote.report.JobResult;

/** How the daemon's stages ended a job: refused (close without an answer), or answered. */
sealed interface JobOutcome {
  /** The job may not run here; the connection is closed without an answer, as distccd does. */
  record Refused(String reason) implements JobOutcome {}

  /**
   * The job ran (or came from the cache).
   *
   * @param reply what to send; null when the client is gone
   * @param input the input file as the client named it
   */
  record Answered(
      DistccReply reply, JobResult result, CacheUse cache, String compiler, String input)
      implements JobOutcome {}
}
