package dev.distcache.cache.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.cache.CachedResult;
import dev.distcache.cache.EntryCodec;
import dev.distcache.cache.Samples;
import dev.distcache.cache.stage.Tier;
import dev.distcache.core.stats.Counter;
import dev.distcache.hashing.ResultKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shared tier's own logic (format, damaged values, back-off, the write queue, read-only) over
 * an in-memory backend; the backends themselves are tested against real servers in their own tests,
 * and the whole tier end to end in e2e.
 */
class RemoteStoragesTest {
  private static final ResultKey KEY = Samples.key("k");
  private static final CachedResult RESULT = Samples.result(3, 300);

  private final MemoryBackend backend = new MemoryBackend();
  private final Events events = new Events();
  private final AtomicLong now = new AtomicLong();
  private RemoteStorages storages = new RemoteStorages(spec -> backend, events, now::get, 1 << 20);

  @AfterEach
  void close() {
    storages.close();
  }

  private RemoteTier tier(String setting) {
    return storages.tiers(setting).get(0);
  }

  @Test
  void aWrite_isQueued_thenStoredInTheLocalFormat_andCountedWhenItHappens() throws Exception {
    RemoteTier t = tier("redis://h");

    assertEquals(Tier.Stored.QUEUED, t.put(KEY, RESULT, Tier.Limits.NONE));
    assertTrue(storages.flush(Duration.ofSeconds(10)));

    assertArrayEquals(EntryCodec.encode(KEY, RESULT), backend.values.get(KEY.hex()));
    assertEquals(1, events.counted(Counter.REMOTE_STORAGE_WRITE));
    assertEquals(Optional.of(RESULT), t.get(KEY));
  }

  @Test
  void aResult_isWrittenWithoutOverwrite_andAManifestWithIt() throws Exception {
    RemoteTier t = tier("redis://h");
    t.put(KEY, RESULT, Tier.Limits.NONE);
    t.putManifest(Samples.manifestKeyForTests("m"), dev.distcache.cache.Manifest.empty());
    storages.flush(Duration.ofSeconds(10));

    // The writer's threads may write them in either order.
    assertEquals(2, backend.puts.size(), backend.puts.toString());
    assertEquals(
        java.util.Set.of(KEY.hex() + " keep", Samples.manifestKeyForTests("m").hex() + " replace"),
        java.util.Set.copyOf(backend.puts));
  }

  @Test
  void aDamagedValue_isAnErrorNeverServed_andTheNextWriteReplacesIt() throws Exception {
    RemoteTier t = tier("redis://h");
    byte[] value = EntryCodec.encode(KEY, RESULT);
    value[value.length - 1] ^= 1;
    backend.values.put(KEY.hex(), value);

    RemoteStorageException e = assertThrows(RemoteStorageException.class, () -> t.get(KEY));
    assertFalse(e.timedOut());
    assertEquals(Counter.REMOTE_STORAGE_ERROR, t.failureCounter(e, true));
    assertTrue(t.available(), "a damaged value is not the server's failure");

    t.put(KEY, RESULT, Tier.Limits.NONE);
    storages.flush(Duration.ofSeconds(10));
    assertEquals(List.of(KEY.hex() + " replace"), backend.puts);
    assertEquals(Optional.of(RESULT), t.get(KEY));
  }

  @Test
  void aValueOfAnotherKey_failsItsChecksum() {
    RemoteTier t = tier("redis://h");
    backend.values.put(KEY.hex(), EntryCodec.encode(Samples.key("other"), RESULT));

    assertThrows(RemoteStorageException.class, () -> t.get(KEY));
  }

  @Test
  void aValueOfALaterFormat_isAMiss() {
    RemoteTier t = tier("redis://h");
    byte[] value = EntryCodec.encode(KEY, RESULT);
    value[3] = 9; // the format version byte
    backend.values.put(KEY.hex(), value);

    assertEquals(Optional.empty(), t.get(KEY));
  }

  @Test
  void aFailure_backsTheServerOff_untilTheDelayPasses_thenItIsAskedAgain() {
    RemoteTier t = tier("redis://h");
    backend.failing = new RemoteStorageException("down", true);

    RemoteStorageException e = assertThrows(RemoteStorageException.class, () -> t.get(KEY));
    assertEquals(Counter.REMOTE_STORAGE_TIMEOUT, t.failureCounter(e, true));
    assertFalse(t.available());
    now.addAndGet(Backoff.FIRST.toNanos() - 1);
    assertFalse(t.available());
    now.addAndGet(1);
    assertTrue(t.available());

    backend.failing = null;
    assertEquals(Optional.empty(), t.get(KEY));
    assertTrue(t.available());
  }

  @Test
  void backOff_doublesWithEachFailureInARow_upToTheLongest() {
    Backoff b = new Backoff(now::get);
    Duration delay = b.failed();
    assertEquals(Backoff.FIRST, delay);
    now.addAndGet(delay.toNanos());
    delay = b.failed();
    assertEquals(Backoff.FIRST.multipliedBy(2), delay);
    for (int i = 0; i < 10; i++) {
      now.addAndGet(delay.toNanos());
      delay = b.failed();
    }
    now.addAndGet(delay.toNanos());
    assertEquals(Backoff.LONGEST, b.failed());
    b.succeeded();
    assertTrue(b.open());
    assertEquals(Backoff.FIRST, b.failed());
  }

  /**
   * The requests under way when a server goes down (a build's compiles and writers ask at once) all
   * fail: that is one failure, not one per request, or a -j8 build would back a server that blinked
   * off for a minute at once.
   */
  @Test
  void backOff_failuresWhileBackedOff_doNotDoubleTheDelay() {
    Backoff b = new Backoff(now::get);
    assertEquals(Backoff.FIRST, b.failed());
    now.addAndGet(1);
    for (int i = 0; i < 8; i++) {
      assertEquals(Backoff.FIRST.minusNanos(1), b.failed());
    }
    now.addAndGet(Backoff.FIRST.toNanos() - 2);
    assertFalse(b.open());
    now.addAndGet(1);
    assertTrue(b.open(), "open after the first delay, not a longer one");
    assertEquals(Backoff.FIRST.multipliedBy(2), b.failed());
  }

  @Test
  void aFailedWrite_isCountedAsAnError_andBacksOffTheWritesOnly() throws Exception {
    RemoteTier t = tier("redis://h");
    backend.failing = new RemoteStorageException("refused", false);

    t.put(KEY, RESULT, Tier.Limits.NONE);
    storages.flush(Duration.ofSeconds(10));

    assertEquals(1, events.counted(Counter.REMOTE_STORAGE_ERROR));
    assertEquals(0, events.counted(Counter.REMOTE_STORAGE_WRITE));
    assertTrue(t.available(), "a server that refuses writes is still read");
    backend.failing = null;
    t.put(KEY, RESULT, Tier.Limits.NONE);
    storages.flush(Duration.ofSeconds(10));
    assertEquals(List.of(), backend.puts, "not written to until the delay passes");
    now.addAndGet(Backoff.FIRST.toNanos());
    t.put(KEY, RESULT, Tier.Limits.NONE);
    storages.flush(Duration.ofSeconds(10));
    assertEquals(List.of(KEY.hex() + " keep"), backend.puts);
  }

  @Test
  void aFailedRead_backsOffTheWritesToo() throws Exception {
    RemoteTier t = tier("redis://h");
    backend.failing = new RemoteStorageException("down", false);
    assertThrows(RemoteStorageException.class, () -> t.get(KEY));
    backend.failing = null;

    t.put(KEY, RESULT, Tier.Limits.NONE);
    storages.flush(Duration.ofSeconds(10));

    assertEquals(List.of(), backend.puts);
    assertEquals(0, events.counted(Counter.REMOTE_STORAGE_WRITE));
  }

  @Test
  void readOnly_writesNothing() throws Exception {
    RemoteTier t = tier("redis://h|read-only=true");

    assertEquals(Tier.Stored.NOT_STORED, t.put(KEY, RESULT, Tier.Limits.NONE));
    assertEquals(
        Tier.Stored.NOT_STORED,
        t.putManifest(Samples.manifestKeyForTests("m"), dev.distcache.cache.Manifest.empty()));
    storages.flush(Duration.ofSeconds(10));
    assertEquals(List.of(), backend.puts);
  }

  @Test
  void aFullQueue_dropsTheWrite_insteadOfWaiting() throws Exception {
    storages.close();
    storages = new RemoteStorages(spec -> backend, events, now::get, 1000);
    RemoteTier t = tier("redis://h");
    backend.gate = new CountDownLatch(1);
    List<Tier.Stored> answers = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      answers.add(t.put(Samples.key("k" + i), Samples.result(i, 400), Tier.Limits.NONE));
    }
    backend.gate.countDown();
    storages.flush(Duration.ofSeconds(10));

    assertTrue(answers.contains(Tier.Stored.NOT_STORED), answers.toString());
    assertEquals(
        answers.stream().filter(a -> a == Tier.Stored.QUEUED).count(),
        events.counted(Counter.REMOTE_STORAGE_WRITE));
    assertTrue(
        events.lines.stream().anyMatch(l -> l.contains("write queue full")),
        events.lines.toString());
  }

  @Test
  void close_flushesWhatIsQueued() {
    RemoteTier t = tier("redis://h");
    backend.gate = new CountDownLatch(1);
    t.put(KEY, RESULT, Tier.Limits.NONE);
    new Thread(
            () -> {
              sleep(200);
              backend.gate.countDown();
            })
        .start();

    storages.close();

    assertTrue(backend.values.containsKey(KEY.hex()));
    assertTrue(backend.closed);
  }

  @Test
  void oneSetting_opensItsBackendsOnce() {
    List<RemoteTier> first = storages.tiers("redis://h file:/x");
    assertEquals(2, first.size());
    assertTrue(first == storages.tiers("redis://h file:/x"));
    assertEquals(List.of(), storages.tiers("  "));
  }

  @Test
  void aMalformedSetting_isRefusedWithItsReason() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> storages.tiers("redis://h|read-only"));
    assertTrue(e.getMessage().contains("read-only"), e.getMessage());
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A backend held in a map; may fail, or hold its writes until a gate opens. */
  private static final class MemoryBackend implements RemoteBackend {
    final Map<String, byte[]> values = new ConcurrentHashMap<>();
    final List<String> puts = Collections.synchronizedList(new ArrayList<>());
    volatile RemoteStorageException failing;
    volatile CountDownLatch gate;
    volatile boolean closed;

    @Override
    public Optional<byte[]> get(String key) {
      if (failing != null) {
        throw failing;
      }
      return Optional.ofNullable(values.get(key));
    }

    @Override
    public void put(String key, byte[] value, boolean overwrite) {
      CountDownLatch g = gate;
      if (g != null) {
        try {
          g.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (failing != null) {
        throw failing;
      }
      puts.add(key + (overwrite ? " replace" : " keep"));
      if (overwrite) {
        values.put(key, value);
      } else {
        values.putIfAbsent(key, value);
      }
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private static final class Events implements RemoteEvents {
    final Map<Counter, Long> counts = Collections.synchronizedMap(new EnumMap<>(Counter.class));
    final List<String> lines = Collections.synchronizedList(new ArrayList<>());

    long counted(Counter c) {
      return counts.getOrDefault(c, 0L);
    }

    @Override
    public void count(Counter counter) {
      counts.merge(counter, 1L, Long::sum);
    }

    @Override
    public void log(String line) {
      lines.add(line);
    }
  }
}
