package dev.distcache.remote.report;

/**
 * One job's summary, logged as distccd's dcc_job_summary line plus the cache: {@code client:
 * 10.0.0.7:40312 COMPILE_OK exit:0 sig:0 core:0 ret:0 time:812ms x86_64-linux-gnu-gcc hello.c
 * cache:hit}. As in distccd, compiler and file appear only for COMPILE_OK and COMPILE_ERROR.
 *
 * @param status the compiler's wait status (0 when none ran)
 * @param ret distcc's exit code for how the daemon's side went (0, or 107 client gone, 109 protocol
 *     error, 101 refused, 114 busy, ...)
 */
public record JobSummary(
    String client,
    JobResult result,
    int status,
    int ret,
    long timeMillis,
    String compiler,
    String file,
    CacheUse cache) {
  public static final int EXIT_DISTCC_FAILED = 100;
  public static final int EXIT_BAD_ARGUMENTS = 101;
  public static final int EXIT_IO_ERROR = 107;
  public static final int EXIT_PROTOCOL_ERROR = 109;
  public static final int EXIT_COMPILER_MISSING = 110;
  public static final int EXIT_BUSY = 114;

  /** A job that ended before any compile: no status, compiler or file. */
  public static JobSummary early(String client, JobResult result, int ret, long timeMillis) {
    return new JobSummary(client, result, 0, ret, timeMillis, null, null, CacheUse.NONE);
  }

  public String format() {
    StringBuilder s =
        new StringBuilder("client: ")
            .append(client)
            .append(' ')
            .append(result)
            .append(" exit:")
            .append((status >> 8) & 0xff)
            .append(" sig:")
            .append(status & 0x7f)
            .append(" core:")
            .append((status & 0x80) != 0 ? 1 : 0)
            .append(" ret:")
            .append(ret)
            .append(" time:")
            .append(timeMillis)
            .append("ms");
    if (result.compiled() && compiler != null) {
      s.append(' ').append(compiler).append(' ').append(file);
    }
    return s.append(" cache:").append(cache.word()).toString();
  }
}
