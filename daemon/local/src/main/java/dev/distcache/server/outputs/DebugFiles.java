package dev.distcache.server.outputs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the {@code debug} files of a compile go: next to the object, or with {@code debug_dir} set,
 * under that directory at the object's absolute path (as ccache does: object {@code build/a.o} in
 * {@code /home/u} with {@code debug_dir=/dbg} gives {@code /dbg/home/u/build/a.o.<suffix>}).
 */
public final class DebugFiles {
  private DebugFiles() {}

  /** The file for {@code suffix} (such as {@code distcache-input-text}) of {@code output}. */
  public static Path path(String debugDir, Path cwd, String output, String suffix) {
    Path object = cwd.resolve(output).toAbsolutePath().normalize();
    String name = object + "." + suffix;
    // A relative debug_dir is taken from the compile's directory, as ccache (run there) takes it.
    return debugDir.isEmpty() ? Path.of(name) : cwd.resolve(debugDir).resolve(name.substring(1));
  }

  /** Writes {@code text} there, creating the directories; best effort (errors are ignored). */
  public static void write(String debugDir, Path cwd, String output, String suffix, String text) {
    Path file = path(debugDir, cwd, output, suffix);
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      // Debug output is best effort, as in ccache.
    }
  }
}
