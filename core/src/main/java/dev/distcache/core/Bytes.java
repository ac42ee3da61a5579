package dev.distcache.core;

import java.io.ByteArrayOutputStream;

/** Searching and cutting byte arrays. */
public final class Bytes {
  private Bytes() {}

  /** The first index of {@code needle} in {@code hay}, or -1. */
  public static int indexOf(byte[] hay, byte[] needle) {
    return indexOf(hay, needle, 0);
  }

  public static int indexOf(byte[] hay, byte[] needle, int from) {
    if (needle.length == 0) {
      return from <= hay.length ? from : -1;
    }
    outer:
    for (int i = from; i <= hay.length - needle.length; i++) {
      if (hay[i] != needle[0]) {
        continue;
      }
      for (int j = 1; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** {@code hay} without any occurrence of {@code needle} (not empty). */
  public static byte[] removeAll(byte[] hay, byte[] needle) {
    int at = indexOf(hay, needle);
    if (at < 0) {
      return hay;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(hay.length);
    int from = 0;
    while (at >= 0) {
      out.write(hay, from, at - from);
      from = at + needle.length;
      at = indexOf(hay, needle, from);
    }
    out.write(hay, from, hay.length - from);
    return out.toByteArray();
  }
}
