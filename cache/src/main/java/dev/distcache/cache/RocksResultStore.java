package dev.distcache.cache;

import dev.distcache.core.stats.Counter;
import dev.distcache.hashing.ManifestKey;
import dev.distcache.hashing.ResultKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.UnaryOperator;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Status;
import org.rocksdb.WriteBatch;

/**
 * A {@link ResultStore} in one RocksDB database, laid out as {@link StoreSchema} describes.
 *
 * <p>CONCURRENCY. Any number of threads (the server's virtual request threads) call in at once.
 * There are three locks, always taken in this order:
 *
 * <ol>
 *   <li>{@code handleLock}, a read/write lock here: every method holds its read lock while it uses
 *       a native handle; {@link #close} takes its write lock, so close waits for the calls in
 *       progress and no call ever reaches a closed handle (which would crash the JVM).
 *   <li>{@code manifestLocks}, here: one of {@value #MANIFEST_LOCK_STRIPES} locks chosen by the
 *       manifest key, held by {@link #updateManifest} from reading the old manifest to writing the
 *       new one, so that concurrent updates of one manifest are applied in turn and none is lost.
 *   <li>{@code mutationLock}, in {@link ResultTable}: serialises every read-modify-write of the
 *       values, their index and the totals (put, remove, each chunk of an eviction, clear, the
 *       removal of a corrupt value, the last-use update of a hit). Encoding, decoding and plain
 *       reads run outside it.
 * </ol>
 *
 * Counter updates take only the read lock: each is one atomic RocksDB merge.
 *
 * <p>AFTER A FAILED WRITE. RocksDB stops accepting writes after an I/O error such as a full disk (a
 * "background error"), until the database is reopened; this RocksDB's Java API has no {@code
 * resume}. So an I/O error schedules a reopen: the next call after a back-off (1 s, doubling to 60
 * s while reopening fails) closes and reopens the handles under the write lock of {@code
 * handleLock}. Until then writes fail fast (RocksDB refuses them without touching the disk) and
 * reads still work. Counter updates that could not be written are kept in memory, shown by {@link
 * #counters} and written with the next update that succeeds.
 */
public final class RocksResultStore implements ResultStore {
  private static final int MAX_REPORTED_PROBLEMS = 20;
  private static final int MANIFEST_LOCK_STRIPES = 64;

  /**
   * How long hits' use times wait in memory to be written together ({@link #touch}). Eviction
   * orders by use with millisecond times; a second's delay changes no order it sees, since it
   * writes them first.
   */
  static final Duration USE_FLUSH_DELAY = Duration.ofSeconds(1);

  /**
   * How long a compile's counts wait in memory ({@link #add}) to be written with those of the
   * compiles that follow: a killed process loses at most this much of its counts.
   */
  static final Duration COUNTER_FLUSH_DELAY = Duration.ofMillis(100);

  private static final Executor COUNTER_FLUSHER =
      CompletableFuture.delayedExecutor(
          COUNTER_FLUSH_DELAY.toMillis(),
          TimeUnit.MILLISECONDS,
          r -> Thread.ofVirtual().name("distcache-store-counters").start(r));

  /** Runs the delayed writes of uses, each on a virtual thread of its own. */
  private static final Executor USE_FLUSHER =
      CompletableFuture.delayedExecutor(
          USE_FLUSH_DELAY.toMillis(),
          TimeUnit.MILLISECONDS,
          r -> Thread.ofVirtual().name("distcache-store-uses").start(r));

  /** Stored bytes of results and of manifests whose decoding is remembered (each). */
  private static final long DECODED_BYTES = 32L << 20;

  private static final long FIRST_BACKOFF_NANOS = 1_000_000_000L;
  private static final long MAX_BACKOFF_NANOS = 60_000_000_000L;

  /** Reopening writes a new manifest, log and options file; with less free space it would fail. */
  private static final long REOPEN_FREE_BYTES = 1L << 20;

  private final Path dir;
  private final InstantSource clock;

  /** Opened with {@link #openReadOnly}: nothing is ever written, counters stay in memory. */
  private final boolean readOnly;

  /** Replaced only by {@link #reopenIfDue} under the write lock; null when a reopen failed. */
  private RocksHandles rocks;

  private ResultTable table;
  private volatile long maxSizeBytes;
  private volatile long maxFiles;
  private volatile Compression compression = Compression.DEFAULT;
  private final Object reopenState = new Object();

  /** Guarded by reopenState: 0 when no reopen is due, else the nanoTime from which to try. */
  private long reopenAt;

  private long backoffNanos = FIRST_BACKOFF_NANOS;
  private final Map<Counter, Long> unwritten = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ReentrantReadWriteLock handleLock = new ReentrantReadWriteLock();
  private final ReentrantLock[] manifestLocks = new ReentrantLock[MANIFEST_LOCK_STRIPES];

  /** Whether a write of the hits' recorded uses is scheduled. */
  private final AtomicBoolean useFlushScheduled = new AtomicBoolean();

  /** Whether a write of the counters {@link #add} kept is scheduled. */
  private final AtomicBoolean counterFlushScheduled = new AtomicBoolean();

  /** Held while counts kept in memory are written, and while {@link #counters} reads them. */
  private final Object counterWrite = new Object();

  /** When {@link #add} last counted (epoch seconds), for {@code stats_updated_timestamp}. */
  private volatile long countersUpdatedSecond;

  private final DecodedValues<CachedResult> decodedResults = new DecodedValues<>(DECODED_BYTES);
  private final DecodedValues<Manifest> decodedManifests = new DecodedValues<>(DECODED_BYTES);

  /** The sizes {@link #recount} found, and the disagreements it found between values and index. */
  public record Recount(long sizeBytes, long files, List<String> indexProblems) {}

  private interface RocksCall<T> {
    T call() throws RocksDBException;
  }

  private RocksResultStore(Path dir, InstantSource clock, RocksHandles rocks, boolean readOnly)
      throws RocksDBException {
    this.dir = dir;
    this.clock = clock;
    this.readOnly = readOnly;
    this.rocks = rocks;
    this.table = new ResultTable(rocks, dir);
    for (int i = 0; i < manifestLocks.length; i++) {
      manifestLocks[i] = new ReentrantLock();
    }
  }

  /**
   * Opens the store in {@code dir}, creating it if needed; {@code clock} dates every use.
   *
   * @throws StoreException if it cannot be opened, for example because another server has it open
   */
  public static RocksResultStore open(Path dir, InstantSource clock) {
    return open(dir, clock, false);
  }

  /**
   * Opens the existing store in {@code dir} for reading only, for a user who cannot write it (a
   * shared cache of another user, a read-only mount): hits are served and no write is attempted.
   * Puts and manifest updates store nothing, a hit's last use is not recorded, a corrupt value is
   * reported as a miss and left in place, counters are kept in memory only, and {@link #cleanup},
   * {@link #evictOlderThan}, {@link #clear} and {@link #zeroCounters} fail with a {@link
   * StoreException} that says why.
   *
   * @throws StoreException if there is no store there, or it cannot be read
   */
  public static RocksResultStore openReadOnly(Path dir, InstantSource clock) {
    return open(dir, clock, true);
  }

  private static RocksResultStore open(Path dir, InstantSource clock, boolean readOnly) {
    RocksHandles rocks = readOnly ? RocksHandles.openReadOnly(dir) : RocksHandles.open(dir);
    try {
      return new RocksResultStore(dir, clock, rocks, readOnly);
    } catch (RocksDBException e) {
      StoreException failure = StoreFailures.failed(dir, "open", e);
      try {
        rocks.close();
      } catch (RocksDBException closing) {
        failure.addSuppressed(closing);
      }
      throw failure;
    }
  }

  @Override
  public Optional<CachedResult> get(ResultKey key) {
    byte[] k = key.bytes();
    return guarded(() -> {
      byte[] value = rocks.db.get(rocks.results, k);
      if (value == null) {
        return Optional.empty();
      }
      CachedResult result = decodedResults.get(k, value);
      if (result == null) {
        try {
          result = EntryCodec.decode(key, value);
        } catch (CorruptEntryException e) {
          if (!readOnly) {
            table.removeCorrupt(rocks.results, k, value);
          }
          return Optional.empty();
        }
        decodedResults.put(k, value, result);
      }
      touch(k);
      return Optional.of(result);
    });
  }

  @Override
  public boolean contains(ResultKey key) {
    byte[] k = key.bytes();
    return guarded(() -> rocks.db.get(rocks.results, k) != null);
  }

  @Override
  public boolean containsManifest(ManifestKey key) {
    byte[] k = key.bytes();
    return guarded(() -> rocks.db.get(rocks.manifests, k) != null);
  }

  @Override
  public Optional<Manifest> getManifest(ManifestKey key) {
    byte[] k = key.bytes();
    return guarded(() -> {
      Optional<Manifest> manifest = readManifest(key, k);
      if (manifest.isPresent()) {
        touch(k);
      }
      return manifest;
    });
  }

  @Override
  public boolean updateManifest(ManifestKey key, UnaryOperator<Manifest> update) {
    if (readOnly) {
      return false;
    }
    byte[] k = key.bytes();
    return guarded(() -> {
      ReentrantLock lock = manifestLocks[Math.floorMod(key.hashCode(), manifestLocks.length)];
      lock.lock();
      try {
        Manifest next = update.apply(readManifest(key, k).orElse(Manifest.empty()));
        byte[] value = ManifestCodec.encode(key, next, compression);
        if (table.tooLarge(value.length)) {
          return false;
        }
        table.put(rocks.manifests, k, value, nowMillis());
        return true;
      } finally {
        lock.unlock();
      }
    });
  }

  /** The stored manifest, decoded; a corrupt one is removed, counted, and read as none. */
  @Override
  public Optional<Manifest> peekManifest(ManifestKey key) {
    byte[] k = key.bytes();
    return guarded(() -> {
      byte[] value = rocks.db.get(rocks.manifests, k);
      if (value == null) {
        return Optional.empty();
      }
      try {
        return Optional.of(ManifestCodec.decode(key, value));
      } catch (CorruptEntryException e) {
        return Optional.empty();
      }
    });
  }

  private Optional<Manifest> readManifest(ManifestKey key, byte[] k) throws RocksDBException {
    byte[] value = rocks.db.get(rocks.manifests, k);
    if (value == null) {
      return Optional.empty();
    }
    Manifest manifest = decodedManifests.get(k, value);
    if (manifest != null) {
      return Optional.of(manifest);
    }
    try {
      manifest = ManifestCodec.decode(key, value);
    } catch (CorruptEntryException e) {
      if (!readOnly) {
        table.removeCorrupt(rocks.manifests, k, value);
      }
      return Optional.empty();
    }
    decodedManifests.put(k, value, manifest);
    return Optional.of(manifest);
  }

  @Override
  public boolean put(ResultKey key, CachedResult result) {
    if (readOnly) {
      return false;
    }
    byte[] k = key.bytes();
    byte[] value = EntryCodec.encode(key, result, compression);
    return guarded(() -> {
      if (table.tooLarge(value.length)) {
        return false;
      }
      table.put(rocks.results, k, value, nowMillis());
      return true;
    });
  }

  @Override
  public boolean remove(ResultKey key) {
    if (readOnly) {
      return false;
    }
    byte[] k = key.bytes();
    return guarded(() -> table.remove(k));
  }

  @Override
  public void setCompression(Compression compression) {
    this.compression = compression;
  }

  @Override
  public void setLimits(long maxSizeBytes, long maxFiles) {
    if (maxSizeBytes < 0 || maxFiles < 0) {
      throw new IllegalArgumentException(
          "limits must not be negative: maxSizeBytes ("
              + maxSizeBytes
              + "), maxFiles ("
              + maxFiles
              + ")");
    }
    guarded(() -> {
      this.maxSizeBytes = maxSizeBytes;
      this.maxFiles = maxFiles;
      table.setLimits(maxSizeBytes, maxFiles);
      return null;
    });
  }

  @Override
  public CleanupReport cleanup() {
    refuseIfReadOnly("clean up");
    return guarded(table::evictToLimits);
  }

  @Override
  public CleanupReport evictOlderThan(Duration age) {
    if (age.isNegative()) {
      throw new IllegalArgumentException("age (" + age + ") must not be negative");
    }
    refuseIfReadOnly("evict from");
    return guarded(() -> table.evictUsedBefore(cutoffMillis(age)));
  }

  /** The last-use time before which an entry is unused for {@code age}; 0 beyond the epoch. */
  private long cutoffMillis(Duration age) {
    long now = nowMillis();
    return age.compareTo(Duration.ofMillis(now)) >= 0 ? 0 : now - age.toMillis();
  }

  @Override
  public CleanupReport evictNamespace(String namespace, Duration unusedFor) {
    if (unusedFor != null && unusedFor.isNegative()) {
      throw new IllegalArgumentException("unusedFor (" + unusedFor + ") must not be negative");
    }
    refuseIfReadOnly("evict from");
    return guarded(() -> {
      table.flushUses();
      long cutoff = unusedFor == null ? Long.MAX_VALUE : cutoffMillis(unusedFor);
      Set<ResultKey> removed = new HashSet<>();
      List<byte[]> doomed = new ArrayList<>();
      try (RocksIterator it = rocks.db.newIterator(rocks.results)) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          ResultKey key = ResultKey.of(it.key());
          if (namespace.equals(namespaceOf(key, it.value()))
              && table.usedBefore(it.key(), cutoff)) {
            removed.add(key);
            doomed.add(it.key());
          }
        }
        it.status();
      }
      try (RocksIterator it = rocks.db.newIterator(rocks.manifests)) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          if (table.usedBefore(it.key(), cutoff)
              && namesNoneLeft(removed, ManifestKey.of(it.key()), it.value())) {
            doomed.add(it.key());
          }
        }
        it.status();
      }
      return table.removeAll(doomed);
    });
  }

  /** The namespace a stored result records ("" for none); null when it does not decode. */
  private static String namespaceOf(ResultKey key, byte[] value) {
    try {
      return EntryCodec.decode(key, value).meta().getOrDefault(CachedResult.META_NAMESPACE, "");
    } catch (CorruptEntryException e) {
      return null;
    }
  }

  /** Whether every result the manifest names is in {@code removed} or no longer stored. */
  private boolean namesNoneLeft(Set<ResultKey> removed, ManifestKey key, byte[] value)
      throws RocksDBException {
    List<Manifest.Entry> entries;
    try {
      entries = ManifestCodec.decode(key, value).entries();
    } catch (CorruptEntryException e) {
      return false;
    }
    for (Manifest.Entry e : entries) {
      if (!removed.contains(e.result())
          && rocks.db.get(rocks.results, e.result().bytes()) != null) {
        return false;
      }
    }
    return true;
  }

  @Override
  public CleanupReport clear() {
    refuseIfReadOnly("clear");
    decodedResults.clear();
    decodedManifests.clear();
    return guarded(table::clear);
  }

  @Override
  public long totalSize() {
    return guarded(table::totalSize);
  }

  @Override
  public long fileCount() {
    return guarded(table::fileCount);
  }

  @Override
  public void increment(Counter counter) {
    add(counter, 1);
  }

  @Override
  public void add(Counter counter, long delta) {
    add(Map.of(counter, delta));
  }

  /**
   * Adds the deltas in memory, where {@link #counters} already counts them, and writes them with
   * any others of the next {@link #COUNTER_FLUSH_DELAY} in one batch, off the compile's path (close
   * writes what is left). A write that fails keeps them for the next one.
   */
  @Override
  public void add(Map<Counter, Long> deltas) {
    if (closed.get()) {
      throw new IllegalStateException("store is closed");
    }
    if (deltas.isEmpty()) {
      return;
    }
    deltas.forEach((c, v) -> unwritten.merge(c, v, Long::sum));
    if (readOnly) {
      return;
    }
    countersUpdatedSecond = clock.instant().getEpochSecond();
    // After the counts are kept, as in touch: a scheduled write sees them, a started one has
    // cleared the flag so that this schedules the next.
    if (counterFlushScheduled.compareAndSet(false, true)) {
      COUNTER_FLUSHER.execute(this::flushCounters);
    }
  }

  /** Writes the counts {@link #add} kept; never throws. */
  private void flushCounters() {
    counterFlushScheduled.set(false); // before the write, as in flushUses
    try {
      writeCounters();
    } catch (RuntimeException e) {
      // Kept for the next write (a full disk), or the store closed meanwhile (close wrote them).
    }
  }

  /**
   * Writes the counts kept in memory in one batch; puts them back when the write fails. Under
   * {@code counterWrite} (taken inside the handle lock, as everywhere), so that {@link #counters}
   * never reads between the taking of the counts and their write, when it would miss them.
   */
  private void writeCounters() {
    guarded(() -> {
      writeUnwrittenCounters();
      return null;
    });
  }

  /** The write of {@link #writeCounters}, with the handle lock held by the caller. */
  private void writeUnwrittenCounters() throws RocksDBException {
    synchronized (counterWrite) {
      Map<Counter, Long> all = new EnumMap<>(Counter.class);
      for (Counter c : unwritten.keySet()) {
        Long earlier = unwritten.remove(c);
        if (earlier != null) {
          all.merge(c, earlier, Long::sum);
        }
      }
      if (all.isEmpty()) {
        return;
      }
      try {
        writeCounterBatch(all);
      } catch (RocksDBException | RuntimeException e) {
        all.forEach((c, v) -> unwritten.merge(c, v, Long::sum));
        throw e;
      }
    }
  }

  /** Never throws: what could not be written is written later, as it would have been. */
  @Override
  public void writePending() {
    if (readOnly) {
      return;
    }
    flushCounters();
    flushUses();
  }

  /** Adds {@code deltas} to the stored counters in one batch, dated {@link #add}'s last count. */
  private void writeCounterBatch(Map<Counter, Long> deltas) throws RocksDBException {
    try (WriteBatch batch = new WriteBatch()) {
      for (Map.Entry<Counter, Long> d : deltas.entrySet()) {
        batch.merge(rocks.stats, ResultTable.utf8(d.getKey().id()), IndexRows.u64le(d.getValue()));
      }
      batch.put(
          rocks.stats,
          ResultTable.utf8(Counter.STATS_UPDATED_TIMESTAMP.id()),
          IndexRows.u64le(countersUpdatedSecond));
      write(batch);
    }
  }

  @Override
  public Map<Counter, Long> counters() {
    return guarded(() -> {
      synchronized (counterWrite) {
        return storedAndKeptCounters();
      }
    });
  }

  /** Under the handle lock and {@code counterWrite}. */
  private Map<Counter, Long> storedAndKeptCounters() throws RocksDBException {
    Map<Counter, Long> counters = new EnumMap<>(Counter.class);
    try (RocksIterator it = rocks.db.newIterator(rocks.stats)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        Counter counter = Counter.byId(new String(it.key(), StandardCharsets.UTF_8));
        if (counter != null) {
          counters.put(counter, IndexRows.u64le(it.value()));
        }
      }
      it.status();
    }
    unwritten.forEach((c, v) -> counters.merge(c, v, Long::sum));
    long updated = countersUpdatedSecond; // the write of the counts kept in memory stamps it
    if (updated != 0) {
      counters.merge(Counter.STATS_UPDATED_TIMESTAMP, updated, Math::max);
    }
    return Collections.unmodifiableMap(counters);
  }

  @Override
  public void zeroCounters() {
    refuseIfReadOnly("zero the counters of");
    guarded(() -> {
      synchronized (counterWrite) { // no write of counts taken before the zeroing lands after it
        unwritten.clear();
      }
      try (WriteBatch batch = new WriteBatch()) {
        for (Counter counter : Counter.values()) {
          long value =
              counter == Counter.STATS_ZEROED_TIMESTAMP
                      || counter == Counter.STATS_UPDATED_TIMESTAMP
                  ? clock.instant().getEpochSecond()
                  : 0;
          batch.put(rocks.stats, ResultTable.utf8(counter.id()), IndexRows.u64le(value));
        }
        write(batch);
      }
      return null;
    });
  }

  /**
   * Adds up every stored value and checks each against its index rows; reads the whole store, so it
   * is for tests and diagnostics, not the compile path.
   */
  public Recount recount() {
    return guarded(() -> table.recount(MAX_REPORTED_PROBLEMS));
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    Lock lock = handleLock.writeLock();
    lock.lock();
    try {
      if (rocks != null) {
        writeUsesBeforeClose();
        writeCountersBeforeClose();
        rocks.close();
      }
    } catch (RocksDBException e) {
      throw StoreFailures.failed(dir, "close", e);
    } finally {
      rocks = null;
      lock.unlock();
    }
  }

  /** The last use of {@code key} that the index holds, for tests: -1 when it has none. */
  long indexedUseMillis(ResultKey key) {
    return guarded(() -> table.indexedUseMillis(key.bytes()));
  }

  /** Writes the uses hits recorded since the last flush; a failure loses them, nothing else. */
  private void writeUsesBeforeClose() {
    try {
      table.flushUses();
    } catch (RocksDBException | RuntimeException e) {
      // The uses are lost: those entries look older to eviction.
    }
  }

  /** Writes the counts still in memory; a failure loses them (the store is closing). */
  private void writeCountersBeforeClose() {
    if (readOnly) {
      return;
    }
    try {
      writeUnwrittenCounters(); // under close's write lock: the usual order
    } catch (RocksDBException | RuntimeException e) {
      // Lost with the closing store.
    }
  }

  /** Whether the store was opened with {@link #openReadOnly}. */
  public boolean readOnly() {
    return readOnly;
  }

  private void refuseIfReadOnly(String what) {
    if (readOnly) {
      throw new StoreException(
          "cannot "
              + what
              + " the distcache store at "
              + dir
              + ": it is open read-only (this user cannot write the cache directory)",
          null);
    }
  }

  private <T> T guarded(RocksCall<T> call) {
    reopenIfDue();
    Lock lock = handleLock.readLock();
    lock.lock();
    try {
      if (closed.get()) {
        throw new IllegalStateException("store is closed");
      }
      if (rocks == null) {
        throw new StoreException(
            "the distcache store at " + dir + " is not open; it is reopened after a back-off",
            null);
      }
      return call.call();
    } catch (RocksDBException e) {
      failedWith(e);
      throw StoreFailures.failed(dir, "read", e);
    } finally {
      lock.unlock();
    }
  }

  private void write(WriteBatch batch) {
    try {
      rocks.db.write(rocks.writeOptions, batch);
    } catch (RocksDBException e) {
      failedWith(e);
      throw StoreFailures.failed(dir, "write to", e);
    }
  }

  /**
   * Records a hit's use time, best effort: a hit read from a full disk is still a hit. The time is
   * kept in memory and written with the other hits' within {@link #USE_FLUSH_DELAY} (or by the next
   * eviction, or at close), off the hit's path. A use that is lost (the process killed, a failed
   * write) only makes the entry look older to eviction; a failed write schedules the reopen as any
   * I/O error does.
   */
  private void touch(byte[] k) {
    if (readOnly) {
      return;
    }
    table.touch(k, nowMillis());
    // After the use is recorded: a write that is scheduled has not started, so it will see it; one
    // that has started cleared the flag first, so this schedules the next.
    if (useFlushScheduled.compareAndSet(false, true)) {
      USE_FLUSHER.execute(this::flushUses);
    }
  }

  /** Writes the hits' recorded uses (see {@link #touch}); never throws. */
  private void flushUses() {
    useFlushScheduled.set(false); // before the write: a use recorded from now on schedules anew
    try {
      guarded(() -> {
        table.flushUses();
        return null;
      });
    } catch (StoreException e) {
      if (e.getCause() instanceof RocksDBException r) {
        failedWith(r);
      }
    } catch (RuntimeException e) {
      // Closed meanwhile (close wrote them), or not open: the uses are lost, nothing else.
    }
  }

  /** An I/O error (a full disk) leaves RocksDB refusing writes until reopened: schedule that. */
  private void failedWith(RocksDBException e) {
    if (e.getStatus() == null || e.getStatus().getCode() != Status.Code.IOError) {
      return;
    }
    synchronized (reopenState) {
      if (reopenAt == 0) {
        reopenAt = System.nanoTime() + backoffNanos;
      }
    }
  }

  /**
   * Reopens the handles when a reopen is due and its back-off has passed. Waits for the calls in
   * progress (write lock). A failed reopen doubles the back-off, up to a minute; one that works
   * resets it.
   */
  private void reopenIfDue() {
    synchronized (reopenState) {
      if (reopenAt == 0 || System.nanoTime() - reopenAt < 0) {
        return;
      }
      reopenAt = 0; // one caller reopens; the others go on meanwhile
    }
    if (!enoughSpace()) {
      // Still full: keep the open handles, which still serve reads, and look again later.
      synchronized (reopenState) {
        backoffNanos = Math.min(MAX_BACKOFF_NANOS, backoffNanos * 2);
        reopenAt = System.nanoTime() + backoffNanos;
      }
      return;
    }
    Lock lock = handleLock.writeLock();
    lock.lock();
    try {
      if (closed.get()) {
        return;
      }
      if (rocks != null) {
        try {
          rocks.close();
        } catch (RocksDBException e) {
          // The handles are released all the same (see RocksHandles.close).
        }
        rocks = null;
      }
      RocksHandles reopened = readOnly ? RocksHandles.openReadOnly(dir) : RocksHandles.open(dir);
      try {
        table = new ResultTable(reopened, dir);
        table.setLimits(maxSizeBytes, maxFiles);
      } catch (RocksDBException e) {
        closeQuietly(reopened);
        throw StoreFailures.failed(dir, "reopen", e);
      } catch (RuntimeException e) {
        closeQuietly(reopened);
        throw e;
      }
      rocks = reopened;
      synchronized (reopenState) {
        backoffNanos = FIRST_BACKOFF_NANOS;
      }
    } catch (StoreException e) {
      synchronized (reopenState) {
        backoffNanos = Math.min(MAX_BACKOFF_NANOS, backoffNanos * 2);
        reopenAt = System.nanoTime() + backoffNanos;
      }
    } finally {
      lock.unlock();
    }
  }

  private boolean enoughSpace() {
    try {
      return Files.getFileStore(dir).getUsableSpace() >= REOPEN_FREE_BYTES;
    } catch (IOException e) {
      return true; // cannot tell: try
    }
  }

  private static void closeQuietly(RocksHandles handles) {
    try {
      handles.close();
    } catch (RocksDBException ignored) {
      // Nothing more to release.
    }
  }

  private long nowMillis() {
    return Math.max(0, clock.millis());
  }
}
