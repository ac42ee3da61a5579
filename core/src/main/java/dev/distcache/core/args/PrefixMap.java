package dev.distcache.core.args;

/** A {@code -fdebug-prefix-map=OLD=NEW} or {@code -ffile-prefix-map=OLD=NEW} mapping. */
public record PrefixMap(String oldPrefix, String newPrefix) {
  /** Applies the mapping the way gcc does: a plain string prefix replacement. */
  public String apply(String path) {
    return path.startsWith(oldPrefix) ? newPrefix + path.substring(oldPrefix.length()) : path;
  }
}
