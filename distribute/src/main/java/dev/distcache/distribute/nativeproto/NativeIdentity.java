package dev.distcache.distribute.nativeproto;

import dev.distcache.hashing.CompilerIdentifier;
import java.nio.file.Path;
import java.util.Map;

/**
 * The compiler identity of the native protocol, which the client and the daemon compute alike for
 * the same compiler package: the binary's name, a BLAKE3 hash of its content (after following
 * links), and a hash of what {@code -dumpfullversion} and {@code -dumpmachine} print. Unlike the
 * local cache's default {@code mtime} check it does not depend on where or when the binary was
 * installed, so two machines with the same gcc agree, and a different build (even of the same
 * version) differs. Results are cached per binary ({@link CompilerIdentifier}). Thread-safe.
 */
public final class NativeIdentity {
  /** Bump when what the identity covers changes. */
  static final String VERSION = "native-identity-1";

  private static final String VERSION_COMMAND =
      "%compiler% -dumpfullversion; %compiler% -dumpmachine";

  private final CompilerIdentifier identifier = new CompilerIdentifier();

  /**
   * The identity of {@code compiler} (an absolute path), run with {@code env}.
   *
   * @throws CompilerIdentifier.CheckFailedException if it cannot be read or does not answer
   */
  public String of(Path compiler, Map<String, String> env)
      throws CompilerIdentifier.CheckFailedException {
    String name = compiler.getFileName().toString();
    return VERSION
        + ";"
        + identifier.identify(compiler, name, "content", env)
        + ";version-"
        + identifier
            .identify(compiler, name, VERSION_COMMAND, env)
            .substring(("name=" + name + ";").length());
  }
}
