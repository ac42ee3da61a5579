package dev.distcache.core.log;

import java.util.Locale;

/** distccd's log levels, most severe first; the default is {@link #NOTICE}. */
public enum LogLevel {
  CRITICAL("CRITICAL! "),
  ERROR("ERROR: "),
  WARNING("Warning: "),
  NOTICE(""),
  INFO(""),
  DEBUG("");

  private final String prefix;

  LogLevel(String prefix) {
    this.prefix = prefix;
  }

  /** What distccd writes before a message of this level. */
  String prefix() {
    return prefix;
  }

  /** The level named {@code name} as {@code --log-level} takes it, or null. */
  public static LogLevel named(String name) {
    for (LogLevel l : values()) {
      if (l.name().toLowerCase(Locale.ROOT).equals(name)) {
        return l;
      }
    }
    return null;
  }
}
