package dev.distcache.server.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The working directory as the user reached it: {@code $PWD} when it is absolute and names the same
 * directory (device and inode) as the physical working directory, else the physical one. gcc takes
 * the same for the compile directory it writes into debug info, and ccache (its apparent cwd) makes
 * paths relative to it under {@code base_dir}, so that checkouts reached through symbolic links
 * share results.
 */
final class ApparentCwd {
  private ApparentCwd() {}

  static Path of(Path physical, Map<String, String> env) {
    String pwd = env.get("PWD");
    if (pwd == null || !pwd.startsWith("/") || pwd.equals(physical.toString())) {
      return physical;
    }
    try {
      Path apparent = Path.of(pwd);
      return Files.isSameFile(apparent, physical) ? apparent : physical;
    } catch (IOException | InvalidPathException e) {
      return physical;
    }
  }
}
