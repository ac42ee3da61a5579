package dev.distcache.distribute.distcc;

import java.util.Arrays;

/**
 * One entry of a pump-mode request: a file the server recreates under its temporary root, named by
 * the client's absolute path. The codec does not judge the names; the server must refuse names and
 * link targets that would leave its root.
 */
public sealed interface PumpFile {
  /** The client's path of the file, as sent in NAME. */
  String name();

  /** {@code NAME FILE}: a regular file; {@code content} is uncompressed. */
  record Regular(String name, byte[] content) implements PumpFile {
    public Regular {
      content = content.clone();
    }

    @Override
    public byte[] content() {
      return content.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Regular r && r.name.equals(name) && Arrays.equals(r.content, content);
    }

    @Override
    public int hashCode() {
      return name.hashCode() * 31 + Arrays.hashCode(content);
    }

    @Override
    public String toString() {
      return "Regular[" + name + ", " + content.length + " bytes]";
    }
  }

  /** {@code NAME LINK}: a symbolic link to {@code target}. */
  record Link(String name, String target) implements PumpFile {}
}
