package dev.distcache.distribute.nativeproto;

import dev.distcache.core.compiler.CompilerType;
import dev.distcache.hashing.CompilerIdentifier;
import java.nio.file.Path;
import java.util.Map;

/**
 * The compiler identity of the native protocol, which the client and the daemon compute alike for
 * the same compiler package: the binary's name, a BLAKE3 hash of its content (after following
 * links), and a hash of what {@code -dumpfullversion} (gcc; clang has no such option and prints its
 * full version for {@code -dumpversion}) and {@code -dumpmachine} print. Unlike the local cache's
 * default {@code mtime} check it does not depend on where or when the binary was installed, so two
 * machines with the same gcc agree, and a different build (even of the same version) differs.
 * Results are cached per binary ({@link CompilerIdentifier}). Thread-safe.
 */
public final class NativeIdentity {
  /** Bump when what the identity covers changes. */
  static final String VERSION = "native-identity-1";

  private static final String VERSION_COMMAND =
      "%compiler% -dumpfullversion; %compiler% -dumpmachine";

  /**
   * clang's: {@code -dumpfullversion} fails ("no input files"), {@code -dumpversion} gives all of
   * 14.0.6; {@code --version} would not do, as it names the directory the binary is in.
   */
  private static final String CLANG_VERSION_COMMAND =
      "%compiler% -dumpversion; %compiler% -dumpmachine";

  private final CompilerIdentifier identifier = new CompilerIdentifier();

  /**
   * The identity of {@code compiler} (an absolute path), run with {@code env}.
   *
   * @throws CompilerIdentifier.CheckFailedException if it cannot be read or does not answer
   */
  public String of(Path compiler, Map<String, String> env)
      throws CompilerIdentifier.CheckFailedException {
    String name = compiler.getFileName().toString();
    String versionCommand =
        CompilerType.guess(compiler).clangFamily() ? CLANG_VERSION_COMMAND : VERSION_COMMAND;
    return VERSION
        + ";"
        + identifier.identify(compiler, name, "content", env)
        + ";version-"
        + identifier
            .identify(compiler, name, versionCommand, env)
            .substring(("name=" + name + ";").length());
  }
}
