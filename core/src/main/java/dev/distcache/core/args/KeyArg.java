package dev.distcache.core.args;

/**
 * One argument as it enters the key. Where the argument names a path that does not itself reach the
 * compiler's outputs (an include directory, the old side of a prefix map), {@code path} holds it so
 * that the key can make it relative under {@code base_dir}; the argument is {@code option + path +
 * tail}.
 */
public record KeyArg(String option, String path, String tail) {
  /**
   * clang's {@code -index-store-path PATH}, keyed as one argument ({@code option} this, {@code
   * tail} a space and PATH) so that sloppiness {@code clang_index_store} can leave it out, as in
   * ccache.
   */
  public static final String INDEX_STORE_PATH = "-index-store-path";

  public static KeyArg plain(String text) {
    return new KeyArg(text, null, "");
  }

  public static KeyArg withPath(String option, String path) {
    return new KeyArg(option, path, "");
  }

  public boolean hasPath() {
    return path != null;
  }

  /** The argument as the compiler gets it. */
  public String text() {
    return path == null ? option + tail : option + path + tail;
  }
}
