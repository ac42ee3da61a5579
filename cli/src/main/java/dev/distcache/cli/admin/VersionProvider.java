package dev.distcache.cli.admin;

import picocli.CommandLine.IVersionProvider;

/**
 * The text of {@code -V}: distcache's version. The native client prints the same text, compiled in
 * (NativeTexts), so it names nothing that only a JVM knows.
 */
final class VersionProvider implements IVersionProvider {
  static final String VERSION = "0.1.0";

  @Override
  public String[] getVersion() {
    return new String[] {"distcache version " + VERSION};
  }
}
