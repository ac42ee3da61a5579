package dev.distcache.testing;

import java.nio.charset.StandardCharsets;

/** A finished process: exit code, stdout and stderr, byte for byte. */
public record Run(int exitCode, byte[] stdout, byte[] stderr) {
  public String out() {
    return new String(stdout, StandardCharsets.UTF_8);
  }

  public String err() {
    return new String(stderr, StandardCharsets.UTF_8);
  }

  /** Fails with the whole output when the process did not exit 0. */
  public Run ok() {
    if (exitCode != 0) {
      throw new AssertionError("exit " + exitCode + "\nstdout:\n" + out() + "\nstderr:\n" + err());
    }
    return this;
  }

  /** Fails with {@code what} and the whole output when the process did not exit 0. */
  public Run ok(String what) {
    if (exitCode != 0) {
      throw new AssertionError(
          what + " exited " + exitCode + "\nstdout:\n" + out() + "\nstderr:\n" + err());
    }
    return this;
  }
}
