package dev.distcache.core.log;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pins both line formats (e2e tests and users' scripts read them) and the daemon's threshold. */
class ServerLogTest {
  private static final long PID = ProcessHandle.current().pid();

  @TempDir Path tmp;

  @Test
  void localLine_isTheInstant_thePid_andTheMessage() throws IOException {
    Path file = tmp.resolve("distcache.log");
    Instant before = Instant.now();

    ServerLog.log(file.toString(), "stored abc foo.c");
    ServerLog.log(file.toString(), "second");

    List<String> lines = Files.readAllLines(file);
    assertEquals(2, lines.size(), lines.toString());
    String line = lines.get(0);
    String suffix = " [" + PID + "] stored abc foo.c";
    assertTrue(line.endsWith(suffix), line);
    Instant at = Instant.parse(line.substring(0, line.length() - suffix.length()));
    assertFalse(at.isBefore(before), line);
    assertTrue(
        line.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z \\[\\d+] .*"), line);
    assertTrue(lines.get(1).endsWith(" [" + PID + "] second"), lines.get(1));
  }

  @Test
  void localLog_withoutAFile_writesNothing_andNeverFails() {
    ServerLog.log(null, "nothing");
    ServerLog.log("", "nothing");
    ServerLog.log(tmp.resolve("no/such/dir/log").toString(), "lost, quietly");
    assertFalse(Files.exists(tmp.resolve("no")));
  }

  @Test
  void distccdLine_isTagWhereLevelPrefixAndMessage() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ServerLog log =
        ServerLog.to(ServerLog.Format.DISTCCD, LogLevel.NOTICE, new PrintStream(bytes))) {
      log.log(LogLevel.CRITICAL, "main", "c");
      log.log(LogLevel.ERROR, "dcc_x_result", "e");
      log.log(LogLevel.WARNING, "dcc_check_job", "w");
      log.log(LogLevel.NOTICE, "dcc_job_summary", "n");
    }
    String tag = "distcache-daemon[" + PID + "] ";
    assertEquals(
        tag
            + "(main) CRITICAL! c\n"
            + tag
            + "(dcc_x_result) ERROR: e\n"
            + tag
            + "(dcc_check_job) Warning: w\n"
            + tag
            + "(dcc_job_summary) n\n",
        bytes.toString(UTF_8));
  }

  @Test
  void threshold_dropsLessSevereLevels() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ServerLog log =
        ServerLog.to(ServerLog.Format.DISTCCD, LogLevel.WARNING, new PrintStream(bytes));

    log.log(LogLevel.NOTICE, "a", "dropped");
    log.log(LogLevel.INFO, "a", "dropped");
    log.log(LogLevel.DEBUG, "a", "dropped");
    log.log(LogLevel.WARNING, "a", "kept");

    assertEquals("distcache-daemon[" + PID + "] (a) Warning: kept\n", bytes.toString(UTF_8));
    assertTrue(log.enabled(LogLevel.ERROR));
    assertFalse(log.enabled(LogLevel.NOTICE));
  }

  @Test
  void debugThreshold_writesInfoAndDebugWithoutPrefix() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ServerLog log = ServerLog.to(ServerLog.Format.DISTCCD, LogLevel.DEBUG, new PrintStream(bytes));

    log.log(LogLevel.INFO, "i", "info");
    log.log(LogLevel.DEBUG, "d", "debug");

    String tag = "distcache-daemon[" + PID + "] ";
    assertEquals(tag + "(i) info\n" + tag + "(d) debug\n", bytes.toString(UTF_8));
  }

  @Test
  void toFile_createsTheDirectory_andAppends() throws IOException {
    Path file = tmp.resolve("logs/daemon.log");
    try (ServerLog log = ServerLog.toFile(ServerLog.Format.DISTCCD, LogLevel.NOTICE, file)) {
      log.log(LogLevel.NOTICE, "main", "one");
    }
    try (ServerLog log = ServerLog.toFile(ServerLog.Format.DISTCCD, LogLevel.NOTICE, file)) {
      log.log(LogLevel.NOTICE, "main", "two");
    }
    assertEquals(
        List.of(
            "distcache-daemon[" + PID + "] (main) one", "distcache-daemon[" + PID + "] (main) two"),
        Files.readAllLines(file));
  }

  @Test
  void levelNamed_takesLowerCaseNames() {
    assertEquals(LogLevel.WARNING, LogLevel.named("warning"));
    assertEquals(LogLevel.CRITICAL, LogLevel.named("critical"));
    assertEquals(null, LogLevel.named("verbose"));
  }
}
