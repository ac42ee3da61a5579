package dev.distcache.server.explain;

import dev.distcache.core.CacheLayout;
import dev.distcache.hashing.Blake3;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * What went into the direct-mode key of the last compile that missed for an output file, kept so
 * that {@code distcache explain} can say which input differs when a later compile finds no
 * manifest: small text files under {@code explain/} in the cache directory, replaced by each miss,
 * one named by the output's absolute path and one by the source and output as the command gave them
 * (so that the same compile in another directory, a copy of the tree, finds the record of this
 * one). Written only on a miss (a hit's inputs are those of a recorded compile), never read on the
 * compile path.
 */
public final class KeyRecords {
  private static final String VERSION = "distcache-explain-2";

  /** Records waiting to be written; more are dropped. */
  static final int QUEUE = 256;

  private final Path dir;
  private final ExecutorService writer =
      new ThreadPoolExecutor(
          1,
          1,
          0,
          TimeUnit.SECONDS,
          new ArrayBlockingQueue<>(QUEUE),
          Thread.ofPlatform().daemon().name("distcache-key-records").factory());

  public KeyRecords(CacheLayout layout) {
    this.dir = layout.cacheDir().resolve("explain");
  }

  /** The recorded key fields of a miss, with the output it wrote and its manifest key. */
  public record Recorded(Path output, String manifestKeyHex, String transcript) {}

  /**
   * Records the key's fields for the compile of {@code source} to {@code output} (both as given) in
   * {@code cwd}, after the reply: the text is made and written on the writer thread (about a
   * millisecond a miss that the compile's client does not wait for). Records queued beyond {@link
   * #QUEUE} are dropped; a failure only loses the explanation.
   */
  public void write(
      Path cwd, String source, String output, String manifestKeyHex, Supplier<String> transcript) {
    Runnable task =
        () -> {
          Path absolute = cwd.resolve(output);
          String fields = transcript.get();
          for (String name : List.of(absolute.toString(), given(source, output))) {
            write(
                name,
                VERSION + "\n" + name + "\n" + absolute + "\n" + manifestKeyHex + "\n" + fields);
          }
        };
    try {
      writer.execute(task);
    } catch (RejectedExecutionException e) {
      // A burst of misses beyond the queue: these compiles go unexplained.
    }
  }

  /** Writes what is queued (bounded: a few seconds at most), then takes no more. */
  public void close() {
    writer.shutdown();
    try {
      writer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Returns once the records queued so far are written (bounded: a few seconds at most). */
  public void awaitWrites() {
    try {
      writer.submit(() -> {}).get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
      // Then explain reads what is there.
    }
  }

  /**
   * The last miss that wrote this output, else the last miss of this source and output as given (in
   * another directory, say).
   */
  public Optional<Recorded> read(Path cwd, String source, String output) throws IOException {
    awaitWrites(); // the miss just before explain may still be queued
    Optional<Recorded> here = read(cwd.resolve(output).toString());
    return here.isPresent() ? here : read(given(source, output));
  }

  private static String given(String source, String output) {
    return "given " + source + " -o " + output;
  }

  private void write(String name, String text) {
    Path file = file(name);
    Path tmp =
        file.resolveSibling(
            file.getFileName()
                + ".tmp."
                + ProcessHandle.current().pid()
                + "."
                + Thread.currentThread().threadId());
    try {
      Files.createDirectories(dir);
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // Nothing more to lose.
      }
    }
  }

  private Optional<Recorded> read(String name) throws IOException {
    String text;
    try {
      text = Files.readString(file(name), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    String[] head = text.split("\n", 5);
    if (head.length < 5 || !head[0].equals(VERSION) || !head[1].equals(name)) {
      return Optional.empty(); // another version's, or a hash that collided: nothing to compare
    }
    return Optional.of(new Recorded(Path.of(head[2]), head[3], head[4]));
  }

  private Path file(String name) {
    byte[] h = Blake3.hash(name.getBytes(StandardCharsets.UTF_8));
    return dir.resolve(HexFormat.of().formatHex(h, 0, 16));
  }
}
