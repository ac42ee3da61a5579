package dev.distcache.core.config;

/** A configuration value or file that cannot be used; the message names the key and the place. */
public final class ConfigException extends Exception {
  public ConfigException(String message) {
    super(message);
  }
}
