package dev.distcache.cache.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class DeadlineTest {
  private static final Duration NO_HANG = Duration.ofSeconds(15);

  @Test
  void anOperationsValue_isReturned() {
    try (Deadline d = new Deadline("file:/c", Duration.ofSeconds(10))) {
      assertEquals("v", d.run("cannot read /c/x", () -> "v"));
    }
  }

  @Test
  void anIOException_becomesARemoteStorageException_namingServerWhatAndWhy() {
    AccessDeniedException cause = new AccessDeniedException("/c/ab/.x.tmp");
    try (Deadline d = new Deadline("file:/c", Duration.ofSeconds(10))) {
      RemoteStorageException e =
          assertThrows(
              RemoteStorageException.class,
              () ->
                  d.run(
                      "cannot write /c/ab/x",
                      () -> {
                        throw cause;
                      }));
      assertEquals(
          "file:/c: cannot write /c/ab/x: permission denied (/c/ab/.x.tmp)", e.getMessage());
      assertFalse(e.timedOut());
      assertSame(cause, e.getCause());
    }
  }

  @Test
  void aBug_isNotDisguisedAsAServerFailure() {
    try (Deadline d = new Deadline("file:/c", Duration.ofSeconds(10))) {
      assertThrows(
          IllegalStateException.class,
          () ->
              d.run(
                  "x",
                  () -> {
                    throw new IllegalStateException("bug");
                  }));
    }
  }

  @Test
  void anOperationThatDoesNotFinish_timesOut_withoutWaitingForIt() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    try (Deadline d = new Deadline("file:/nfs", Duration.ofMillis(200))) {
      RemoteStorageException e =
          assertTimeoutPreemptively(
              NO_HANG,
              () ->
                  assertThrows(
                      RemoteStorageException.class,
                      () ->
                          d.run(
                              "cannot read /nfs/x",
                              () -> {
                                await(never);
                                return "late";
                              })));
      assertTrue(e.timedOut());
      assertEquals("file:/nfs: cannot read /nfs/x: no answer within 200 ms", e.getMessage());
    } finally {
      never.countDown();
    }
  }

  @Test
  void aCallerInterruptedWhileWaiting_getsAnErrorAndKeepsItsInterrupt() {
    CountDownLatch never = new CountDownLatch(1);
    try (Deadline d = new Deadline("file:/nfs", Duration.ofSeconds(30))) {
      Thread.currentThread().interrupt();
      RemoteStorageException e =
          assertThrows(
              RemoteStorageException.class,
              () ->
                  d.run(
                      "cannot read /nfs/x",
                      () -> {
                        await(never);
                        return "late";
                      }));
      assertTrue(Thread.interrupted(), "interrupt flag set again");
      assertFalse(e.timedOut());
      assertEquals("file:/nfs: cannot read /nfs/x: interrupted", e.getMessage());
    } finally {
      never.countDown();
    }
  }

  /** Blocks like file I/O on a hung disk; an interrupt ends it as an interrupted read. */
  private static void await(CountDownLatch latch) throws IOException {
    try {
      latch.await();
    } catch (InterruptedException e) {
      throw new InterruptedIOException();
    }
  }

  @Test
  void reason_saysWhatWentWrongInWords() {
    assertEquals(
        "no such file or directory (/c/x)", Deadline.reason(new NoSuchFileException("/c/x")));
    assertEquals(
        "not a directory (/c/ab/.k.tmp)",
        Deadline.reason(new FileSystemException("/c/ab/.k.tmp", null, "Not a directory")));
    assertEquals(
        "read-only file system (/c/a, /c/b)",
        Deadline.reason(new FileSystemException("/c/a", "/c/b", "Read-only file system")));
    assertEquals("Stale file handle", Deadline.reason(new IOException("Stale file handle")));
  }
}
