package dev.distcache.daemon.remote;

import java.nio.charset.StandardCharsets;

/**
 * The dependency file pump mode returns (DOTD), cleaned as distccd's dcc_cleanup_dotd does: on
 * each line the first occurrence of the daemon's output path becomes the client's target, and
 * every occurrence of the job's root is removed, so the paths are the client's.
 */
final class DotdFile {
  private DotdFile() {}

  static byte[] clean(byte[] written, String serverOutput, String clientTarget, String root) {
    // Latin-1 maps bytes to chars one to one, so the file's bytes pass through unchanged.
    String text = new String(written, StandardCharsets.ISO_8859_1);
    serverOutput = bytes(serverOutput);
    clientTarget = bytes(clientTarget);
    root = bytes(root);
    StringBuilder out = new StringBuilder(text.length());
    for (String line : text.split("(?<=\n)")) {
      int at = line.indexOf(serverOutput);
      if (at >= 0) {
        line = line.substring(0, at) + clientTarget + line.substring(at + serverOutput.length());
      }
      out.append(line.replace(root, ""));
    }
    return out.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String bytes(String s) {
    return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }
}
