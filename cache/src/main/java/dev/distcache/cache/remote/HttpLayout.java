package dev.distcache.cache.remote;

import java.util.Locale;

/**
 * Where an HTTP remote storage keeps a key under its URL's path: the {@code layout} attribute,
 * spelled and laid out as in ccache, so that a server shared with ccache or bazel-remote sees the
 * files where it expects them.
 */
enum HttpLayout {
  /** {@code PATH/<first two characters of the key>/<the rest>}, ccache's default. */
  SUBDIRS("subdirs") {
    @Override
    String path(String key) {
      return key.substring(0, 2) + "/" + key.substring(2);
    }
  },
  /** {@code PATH/<key>}. */
  FLAT("flat") {
    @Override
    String path(String key) {
      return key;
    }
  },
  /**
   * {@code PATH/ac/<key>}: Bazel's action cache, as bazel-remote serves it. Bazel's keys are
   * SHA-256 digests, 64 hex characters; distcache's keys already have that length, so they are used
   * as they are (ccache pads its shorter ones).
   */
  BAZEL("bazel") {
    @Override
    String path(String key) {
      return "ac/" + key;
    }
  };

  private final String spelling;

  HttpLayout(String spelling) {
    this.spelling = spelling;
  }

  /** The path of {@code key} relative to the URL's path (which ends with {@code /}). */
  abstract String path(String key);

  /**
   * The layout spelled {@code value}.
   *
   * @throws IllegalArgumentException naming {@code url} and the layouts there are
   */
  static HttpLayout of(String value, String url) {
    for (HttpLayout layout : values()) {
      if (layout.spelling.equals(value.toLowerCase(Locale.ROOT))) {
        return layout;
      }
    }
    throw new IllegalArgumentException(
        "remote storage attribute layout="
            + value
            + " of "
            + url
            + " is not subdirs, flat or bazel");
  }

  @Override
  public String toString() {
    return spelling;
  }
}
