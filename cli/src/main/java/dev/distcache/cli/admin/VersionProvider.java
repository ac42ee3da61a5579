package dev.distcache.cli.admin;

import picocli.CommandLine.IVersionProvider;

/** The text of {@code -V}: distcache's version and the Java runtime it runs on. */
final class VersionProvider implements IVersionProvider {
  static final String VERSION = "0.1.0";

  @Override
  public String[] getVersion() {
    return new String[] {
      "distcache version " + VERSION,
      "Running on Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
    };
  }
}
