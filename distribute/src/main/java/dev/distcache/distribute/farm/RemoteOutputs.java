package dev.distcache.distribute.farm;

import dev.distcache.core.args.FileKind;
import dev.distcache.core.args.GccOptionParser;
import dev.distcache.core.args.Invocation;
import dev.distcache.core.process.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes what a remote compile leaves on this machine: the object it returned, and the dependency
 * file.
 */
final class RemoteOutputs {
  private RemoteOutputs() {}

  /**
   * Writes {@code object} to {@code out} by a rename, so no reader sees half an object; the file is
   * created with the server's umask as the compiler's would be (the pipeline then applies the
   * client's).
   */
  static void writeObject(Path out, byte[] object) throws IOException {
    switch (FileKind.of(out, false)) {
      case DEV_NULL -> {
        return; // nothing to keep, and the device stays
      }
      case OTHER ->
          throw new IOException(
              out + " is not a regular file"); // the pipeline hands these to the client
      default -> {}
    }
    Path tmp =
        out.resolveSibling(
            out.getFileName()
                + ".distcache-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ".tmp");
    try {
      Files.write(tmp, object);
      Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Runs the preprocessor with the compile's dependency options, as distcc does, so the dependency
   * file is the one a local compile writes: {@code -c}/{@code -S} become {@code -E}, the
   * preprocessed text goes to /dev/null, and the file and target that gcc's driver derives from
   * {@code -o} under {@code -c} are given explicitly ({@code -MF}, {@code -MQ}).
   */
  static ProcessRunner.Exec writeDepFile(ProcessRunner runner, Farm.Job job) throws IOException {
    Invocation inv = job.inv();
    List<String> cmd = new ArrayList<>();
    cmd.add(job.compiler().toString());
    List<String> args = GccOptionParser.canonical(inv.args()); // --output=x is -ox
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("-o")) {
        i++;
      } else if (!a.equals("-c") && !a.equals("-S") && !a.startsWith("-o")) {
        cmd.add(a);
      }
    }
    cmd.add("-E");
    cmd.add("-o");
    cmd.add("/dev/null");
    cmd.add("-MF");
    cmd.add(inv.depFile().orElseThrow());
    if (!inv.depTargetExplicit()) {
      cmd.add("-MQ");
      cmd.add(inv.output());
    }
    return runner.run(cmd, job.env(), job.cwd());
  }
}
