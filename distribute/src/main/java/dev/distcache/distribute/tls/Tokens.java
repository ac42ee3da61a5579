package dev.distcache.distribute.tls;

import dev.distcache.core.tls.TlsFileException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Bearer tokens of the native protocol. The daemon's file ({@code --auth-tokens}) has one token a
 * line, each followed by a comment naming its client ({@code TOKEN # ci-runner-3}); blank lines and
 * lines that start with {@code #} are skipped. The client's file ({@code remote_token_file}) has
 * its token on the first such line, in the same form (the comment optional). A token is 16 to 4096
 * printable characters without spaces or {@code #}. Messages name the file and line, never a token;
 * {@link #toString} does not show them either.
 */
public final class Tokens {
  static final int MIN_LENGTH = 16;
  static final int MAX_LENGTH = 4096;

  private record Entry(byte[] token, String client) {}

  private final List<Entry> entries;

  private Tokens(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /** The daemon's accepted tokens ({@code --auth-tokens FILE}); at least one. */
  public static Tokens accepted(Path file) throws TlsFileException {
    return accepted("--auth-tokens", file);
  }

  /**
   * Accepted tokens from the file given to daemon option {@code option} (which messages name), in
   * the form of {@code --auth-tokens}; at least one.
   */
  public static Tokens accepted(String option, Path file) throws TlsFileException {
    List<Entry> entries = new ArrayList<>();
    List<String> lines = lines(option, file);
    for (int i = 0; i < lines.size(); i++) {
      Optional<Entry> e = entry(option, file, i + 1, lines.get(i));
      if (e.isPresent()) {
        if (e.get().client().isEmpty()) {
          throw new TlsFileException(
              option
                  + " "
                  + file
                  + " line "
                  + (i + 1)
                  + ": give each token a comment naming its client (TOKEN # NAME)");
        }
        entries.add(e.get());
      }
    }
    if (entries.isEmpty()) {
      throw new TlsFileException(option + " " + file + " holds no token");
    }
    return new Tokens(entries);
  }

  /** The client's token ({@code remote_token_file}). */
  public static byte[] client(Path file) throws TlsFileException {
    List<String> lines = lines("remote_token_file", file);
    for (int i = 0; i < lines.size(); i++) {
      Optional<Entry> e = entry("remote_token_file", file, i + 1, lines.get(i));
      if (e.isPresent()) {
        return e.get().token();
      }
    }
    throw new TlsFileException("remote_token_file " + file + " holds no token");
  }

  /**
   * The client a token names, or empty when it is not one of these; every entry is compared in
   * constant time, so the time taken says nothing about how close a guess was.
   */
  public Optional<String> client(byte[] token) {
    String found = null;
    for (Entry e : entries) {
      if (MessageDigest.isEqual(e.token(), token) && found == null) {
        found = e.client();
      }
    }
    return Optional.ofNullable(found);
  }

  /** How many tokens there are; never the tokens. */
  public int size() {
    return entries.size();
  }

  @Override
  public String toString() {
    return entries.size() + " token(s)";
  }

  private static List<String> lines(String option, Path file) throws TlsFileException {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new TlsFileException(option + " " + file + ": no such file");
    } catch (IOException e) {
      throw new TlsFileException(option + " " + file + ": cannot be read: " + e.getMessage());
    }
  }

  private static Optional<Entry> entry(String option, Path file, int line, String text)
      throws TlsFileException {
    String s = text.strip();
    if (s.isEmpty() || s.startsWith("#")) {
      return Optional.empty();
    }
    int hash = s.indexOf('#');
    String token = (hash < 0 ? s : s.substring(0, hash)).strip();
    String client = hash < 0 ? "" : s.substring(hash + 1).strip();
    boolean printable = token.chars().allMatch(c -> c > ' ' && c < 127);
    if (!printable || token.length() < MIN_LENGTH || token.length() > MAX_LENGTH) {
      throw new TlsFileException(
          option
              + " "
              + file
              + " line "
              + line
              + ": a token is "
              + MIN_LENGTH
              + " to "
              + MAX_LENGTH
              + " printable characters without spaces, then an optional # comment"
              + " (openssl rand -hex 32 makes one)");
    }
    return Optional.of(new Entry(token.getBytes(StandardCharsets.US_ASCII), client));
  }
}
