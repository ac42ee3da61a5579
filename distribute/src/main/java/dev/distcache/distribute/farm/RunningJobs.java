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

  /** One {@code JOB<TAB>PHASE<TAB>FILE<TAB>HOST[SLOT]} line per running job, oldest first. */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    for (Entry e : jobs.values()) {
      out.add(e.id + "\t" + e.phase + "\t" + e.file + "\t" + e.where);
    }
    return out;
  }
}
