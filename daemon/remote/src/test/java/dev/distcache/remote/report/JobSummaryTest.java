package dev.distcache.remote.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The summary line against lines the real distccd 3.4 wrote, plus the cache field. */
class JobSummaryTest {
  @Test
  void compileOk_isDistccdsLinePlusTheCache() {
    JobSummary s =
        new JobSummary(
            "127.0.0.1:39040",
            JobResult.COMPILE_OK,
            0,
            0,
            66,
            "x86_64-linux-gnu-gcc",
            "h.c",
            CacheUse.HIT);
    // distccd: "client: 127.0.0.1:39040 COMPILE_OK exit:0 sig:0 core:0 ret:0 time:66ms
    // x86_64-linux-gnu-gcc h.c"
    assertEquals(
        "client: 127.0.0.1:39040 COMPILE_OK exit:0 sig:0 core:0 ret:0 time:66ms x86_64-linux-gnu-gcc h.c"
            + " cache:hit",
        s.format());
  }

  @Test
  void compileError_carriesTheExitCode() {
    JobSummary s =
        new JobSummary(
            "127.0.0.1:39052",
            JobResult.COMPILE_ERROR,
            1 << 8,
            0,
            71,
            "x86_64-linux-gnu-gcc",
            "b.c",
            CacheUse.MISS);
    assertEquals(
        "client: 127.0.0.1:39052 COMPILE_ERROR exit:1 sig:0 core:0 ret:0 time:71ms x86_64-linux-gnu-gcc b.c"
            + " cache:miss",
        s.format());
  }

  @Test
  void rejectedRequest_namesNoCompiler() {
    // distccd: "client: 127.0.0.1:38472 REJ_BAD_REQ exit:0 sig:0 core:0 ret:109 time:0ms "
    assertEquals(
        "client: 127.0.0.1:38472 REJ_BAD_REQ exit:0 sig:0 core:0 ret:109 time:0ms cache:-",
        JobSummary.early("127.0.0.1:38472", JobResult.REJ_BAD_REQ, 109, 0).format());
  }

  @Test
  void signal_isReported() {
    JobSummary s =
        new JobSummary("c", JobResult.COMPILE_ERROR, 9, 0, 5, "cc", "x.c", CacheUse.MISS);
    assertEquals(
        "client: c COMPILE_ERROR exit:0 sig:9 core:0 ret:0 time:5ms cc x.c cache:miss", s.format());
  }
}
