package dev.distcache.cache.remote;

import static dev.distcache.cache.remote.Values.isWhole;
import static dev.distcache.cache.remote.Values.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several writers, in this JVM and in two other processes, write the same key over and over while
 * readers read it: every read finds nothing or one whole value, and no temporary file is left.
 */
class FileBackendConcurrencyTest {
  private static final int LENGTH = 256 * 1024;
  private static final int THREADS = 6;
  private static final int WRITES_PER_THREAD = 25;
  private static final int WRITES_PER_PROCESS = 40;

  @TempDir Path tmp;

  @Test
  void writersInThreadsAndProcesses_neverExposeAPartialValue() {
    assertTimeoutPreemptively(Duration.ofSeconds(120), this::race);
  }

  private void race() throws Exception {
    Path dir = tmp.resolve("shared");
    String key = key(42);
    List<Process> processes = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS + 2);
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger reads = new AtomicInteger();
    AtomicInteger hits = new AtomicInteger();
    ConcurrentLinkedQueue<String> torn = new ConcurrentLinkedQueue<>();
    try (FileBackend backend =
        FileBackend.open(RemoteSpec.parse("file:" + dir + "|operation-timeout=20000"))) {
      for (int p = 0; p < 2; p++) {
        processes.add(writerProcess(dir, key, 1_000_000 * (p + 1)));
      }
      // The threads start once another process's value is there, so that they race the
      // processes rather than finish before the JVMs have started.
      while (true) {
        Optional<byte[]> v = backend.get(key);
        if (v.isPresent() && !isWhole(v.get(), LENGTH)) {
          torn.add("a read of " + v.get().length + " bytes");
        }
        if (v.isPresent() && ByteBuffer.wrap(v.get()).getInt() >= 1_000_000) {
          break;
        }
        assertTrue(
            processes.stream().allMatch(p -> p.isAlive() || p.exitValue() == 0),
            "a writer process failed");
        Thread.sleep(5);
      }
      List<Future<?>> writers = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int first = t * WRITES_PER_THREAD;
        boolean overwrite = t % 2 == 0;
        writers.add(
            pool.submit(() -> {
              for (int id = first; id < first + WRITES_PER_THREAD; id++) {
                backend.put(key, Values.value(id, LENGTH), overwrite);
              }
              return null;
            }));
      }
      List<Future<?>> readers = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        readers.add(
            pool.submit(() -> {
              do {
                Optional<byte[]> v = backend.get(key);
                reads.incrementAndGet();
                if (v.isPresent()) {
                  hits.incrementAndGet();
                  if (!isWhole(v.get(), LENGTH)) {
                    torn.add("a read of " + v.get().length + " bytes");
                  }
                }
              } while (writing.get());
              return null;
            }));
      }
      for (Future<?> w : writers) {
        w.get();
      }
      for (Process p : processes) {
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "writer process finished");
        assertEquals(0, p.exitValue(), "writer process exit status");
      }
      writing.set(false);
      for (Future<?> r : readers) {
        r.get();
      }
      assertEquals(0, torn.size(), "reads that were not whole values, the first: " + torn.peek());
      assertTrue(hits.get() > 0, "readers saw values (" + reads + " reads)");
      assertTrue(isWhole(backend.get(key).orElseThrow(), LENGTH), "the last value is whole");
      assertEquals(List.of(), FileBackendTest.temporaryFiles(dir), "temporary files left");
      assertEquals(1, FileBackendTest.regularFiles(dir).size(), "one file for the one key");
    } finally {
      pool.shutdownNow();
      processes.forEach(Process::destroyForcibly);
    }
  }

  /** Another JVM writing values {@code first ..} under {@code key}, as another machine would. */
  private static Process writerProcess(Path dir, String key, int first) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            FileBackendWriter.class.getName(),
            dir.toString(),
            key,
            Integer.toString(first),
            Integer.toString(WRITES_PER_PROCESS),
            Integer.toString(LENGTH))
        .inheritIO()
        .start();
  }
}
