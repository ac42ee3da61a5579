package dev.distcache.e2e;

import java.nio.charset.StandardCharsets;

/** A finished process: exit code, stdout and stderr, byte for byte. */
record Run(int exitCode, byte[] stdout, byte[] stderr) {
  String out() {
    return new String(stdout, StandardCharsets.UTF_8);
  }

  String err() {
    return new String(stderr, StandardCharsets.UTF_8);
  }

  /** Fails with the whole output when the process did not exit 0. */
  Run ok() {
    if (exitCode != 0) {
      throw new AssertionError("exit " + exitCode + "\nstdout:\n" + out() + "\nstderr:\n" + err());
    }
    return this;
  }
}
