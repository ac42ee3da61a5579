package dev.distcache.cache.remote;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs each operation of a backend whose calls have no timeout of their own (file I/O on a shared
 * disk) on a virtual thread, and waits for it no longer than the operation timeout. An NFS mount
 * that stops answering blocks {@code open} or {@code read} in the kernel, where no interrupt
 * reaches; with this the caller gets a {@link RemoteStorageException} with {@link
 * RemoteStorageException#timedOut()} set after the timeout instead of hanging with the operation.
 * The operation's thread is interrupted and left to finish when the disk answers; it holds nothing
 * of the caller's. Thread-safe.
 */
final class Deadline implements AutoCloseable {
  /** One operation: file I/O that may block and may fail. */
  @FunctionalInterface
  interface Operation<T> {
    T run() throws IOException;
  }

  private final String server;
  private final Duration timeout;
  private final ExecutorService threads =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("distcache-remote-io").factory());

  /**
   * @param server the server as the messages name it (its URL)
   * @param timeout how long one operation may take
   */
  Deadline(String server, Duration timeout) {
    this.server = server;
    this.timeout = timeout;
  }

  /**
   * The operation's value, when it finishes in time.
   *
   * @param what what the operation does, for the message ({@code "cannot read /dir/ab/cd"})
   * @throws RemoteStorageException naming the server, {@code what} and the reason, when the
   *     operation failed with an {@link IOException}, took longer than the timeout, or the caller
   *     was interrupted while waiting (its interrupt flag is then set again)
   */
  <T> T run(String what, Operation<T> operation) {
    Future<T> future;
    try {
      future = threads.submit(operation::run);
    } catch (RejectedExecutionException e) {
      throw new RemoteStorageException(server + ": " + what + ": the backend is closed", false);
    }
    try {
      return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new RemoteStorageException(
          server + ": " + what + ": no answer within " + timeout.toMillis() + " ms", true);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new RemoteStorageException(server + ": " + what + ": interrupted", false, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw new RemoteStorageException(server + ": " + what + ": " + reason(io), false, io);
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    }
  }

  /** Stops accepting operations and interrupts those under way; idempotent. */
  @Override
  public void close() {
    threads.shutdownNow();
  }

  /** What went wrong, in words, without the Java class names a user has no use for. */
  static String reason(IOException e) {
    String reason =
        switch (e) {
          case AccessDeniedException a -> "permission denied";
          case NoSuchFileException n -> "no such file or directory";
          case NotDirectoryException n -> "not a directory";
          case FileSystemException f when f.getReason() != null -> lowerFirst(f.getReason());
          default -> e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        };
    if (e instanceof FileSystemException f && f.getFile() != null) {
      reason +=
          " (" + f.getFile() + (f.getOtherFile() != null ? ", " + f.getOtherFile() : "") + ")";
    }
    return reason;
  }

  private static String lowerFirst(String s) {
    return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }
}
