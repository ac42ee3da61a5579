package dev.distcache.core.args;

/**
 * A file a compile writes besides its object, dependency and split-DWARF files, which a result
 * stores and a hit writes back (as ccache's result holds them).
 *
 * @param kind what the file is
 * @param path where the compiler writes it, as the compiler sees it (relative to the working
 *     directory unless absolute)
 */
public record SideOutput(Kind kind, String path) {
  /** The kinds of side outputs. */
  public enum Kind {
    /** {@code -fstack-usage}: gcc's {@code .su} file, named after the output. */
    STACK_USAGE,
    /** {@code --serialize-diagnostics FILE} (clang): the diagnostics in clang's binary format. */
    DIAGNOSTICS,
    /** {@code -Wa,-a...=FILE}: the assembler's listing. */
    ASSEMBLER_LISTING
  }
}
