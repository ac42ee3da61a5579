package dev.distcache.core.args;

import dev.distcache.core.stats.Counter;

/** What the classifier decided: cache it, or run the real compiler unchanged and count why. */
public sealed interface Classification {
  record Cacheable(Invocation invocation) implements Classification {}

  /**
   * @param detail what in the arguments decided it, for the log
   */
  record Uncacheable(Counter reason, String detail) implements Classification {}
}
