package dev.distcache.server.pipeline;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The configuration problems one server has met since it started (unknown keys, bad values, a host
 * list it could not parse), for {@code -s}, and which of them a compile's client has been told:
 * each is told once per server start, on the stderr (or UNCACHED_ERR_FD) of the first compile that
 * met it, never again. Bounded, so that a client varying its environment cannot grow it without
 * limit. Thread-safe.
 */
public final class ConfigNotes {
  static final int MAX_NOTES = 100;

  private final Set<String> seen = new LinkedHashSet<>();
  private final Set<String> told = new LinkedHashSet<>();

  /** Remembers problems met by a request. */
  public synchronized void record(Collection<String> notes) {
    for (String n : notes) {
      if (seen.size() >= MAX_NOTES) {
        return;
      }
      seen.add(n);
    }
  }

  public void record(String note) {
    record(List.of(note));
  }

  /** Every problem met since the server started, in the order first met. */
  public synchronized List<String> all() {
    return new ArrayList<>(seen);
  }

  /**
   * The problems no client has been told yet, as the lines a client writes ({@code distcache: note:
   * ...}), now counted as told; empty when there are none.
   */
  public synchronized byte[] untold() {
    StringBuilder out = new StringBuilder();
    for (String n : seen) {
      if (told.add(n)) {
        out.append("distcache: note: ").append(n).append('\n');
      }
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }
}
