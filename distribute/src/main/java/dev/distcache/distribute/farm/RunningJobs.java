package dev.distcache.distribute.farm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The compiles the farm is running, for {@code distcache mon}: one line per job with its number
 * (this server's; the client's pid is not known to the server), phase ({@code Blocked} while it
 * waits for a slot, {@code Compile} while it runs), source file and {@code host[slot]}.
 */
public final class RunningJobs {
  private final AtomicLong next = new AtomicLong(1);
  private final Map<Long, Entry> jobs = new ConcurrentSkipListMap<>();

  /** One job; update it as it moves, close it when done. */
  final class Entry implements AutoCloseable {
    private final long id;
    private final String file;
    private volatile String phase = "Blocked";
    private volatile String where = "";
    private final long startNanos = System.nanoTime();

    private Entry(long id, String file) {
      this.id = id;
      this.file = file;
    }

    void running(String host, int slot) {
      where = host + "[" + slot + "]";
      phase = "Compile";
    }

    void blocked() {
      phase = "Blocked";
      where = "";
    }

    @Override
    public void close() {
      jobs.remove(id);
    }
  }

  Entry start(String file) {
    Entry e = new Entry(next.getAndIncrement(), file);
    jobs.put(e.id, e);
    return e;
  }

  /** A running job as the web monitor shows it: how long it has run so far, in milliseconds. */
  public record Job(long id, String phase, String file, String where, long millis) {}

  /** The running jobs, oldest first. */
  public List<Job> jobs() {
    List<Job> out = new ArrayList<>();
    long now = System.nanoTime();
    for (Entry e : jobs.values()) {
      out.add(new Job(e.id, e.phase, e.file, e.where, (now - e.startNanos) / 1_000_000));
    }
    return out;
  }

  /** One {@code JOB<TAB>PHASE<TAB>FILE<TAB>HOST[SLOT]} line per running job, oldest first. */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    for (Entry e : jobs.values()) {
      out.add(e.id + "\t" + e.phase + "\t" + e.file + "\t" + e.where);
    }
    return out;
  }
}
