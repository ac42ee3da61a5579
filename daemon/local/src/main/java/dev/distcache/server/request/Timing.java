package dev.distcache.server.request;

/**
 * Where one request's time went, stage by stage, for the log ({@code log_file}): the measure of a
 * warm hit's cost on the server. Marking a stage is two stores; text is made only when logged. Not
 * thread-safe: one per request.
 */
public final class Timing {
  private static final int MAX_STAGES = 24;
  private final long start = System.nanoTime();
  private final String[] stages = new String[MAX_STAGES];
  private final long[] ends = new long[MAX_STAGES];
  private int count;

  /** Ends the stage called {@code stage} now; stages past the 24th are folded into the total. */
  public void mark(String stage) {
    if (count < MAX_STAGES) {
      stages[count] = stage;
      ends[count++] = System.nanoTime();
    }
  }

  /** For example {@code "config 12us, classify 40us, ... total 812us"}. */
  public String summary() {
    StringBuilder s = new StringBuilder();
    long from = start;
    for (int i = 0; i < count; i++) {
      s.append(stages[i]).append(' ').append((ends[i] - from) / 1000).append("us, ");
      from = ends[i];
    }
    return s.append("total ").append((System.nanoTime() - start) / 1000).append("us").toString();
  }
}
