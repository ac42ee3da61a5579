package dev.distcache.cli.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The local server's command line, from {@code target/server.args}: the build writes it and both
 * clients read it (the native client in cli/src/main/c/server.c), so it exists in one place. One
 * word a line, {@code #} starts a comment line, {@code {home}} and {@code {cache}} stand for the
 * installation and the cache directory.
 */
final class ServerCommandLine {
  private ServerCommandLine() {}

  static List<String> read(Path home, Path cacheDir) throws IOException {
    Path file = home.resolve("target/server.args");
    List<String> words = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!line.isEmpty() && !line.startsWith("#")) {
        words.add(expand(line, home.toString(), cacheDir.toString()));
      }
    }
    if (words.isEmpty()) {
      throw new IOException(file + " holds no command line");
    }
    return words;
  }

  /**
   * Replaces the placeholders in one pass, so a directory name holding "{cache}" stays as it is.
   */
  static String expand(String word, String home, String cache) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < word.length(); ) {
      if (word.startsWith("{home}", i)) {
        out.append(home);
        i += "{home}".length();
      } else if (word.startsWith("{cache}", i)) {
        out.append(cache);
        i += "{cache}".length();
      } else {
        out.append(word.charAt(i++));
      }
    }
    return out.toString();
  }
}
