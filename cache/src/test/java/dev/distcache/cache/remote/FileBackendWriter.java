package dev.distcache.cache.remote;

/**
 * A separate writer process for {@link FileBackendTest}: {@code DIRECTORY KEY FIRST_ID COUNT
 * LENGTH} puts values {@code FIRST_ID ..} under one key, overwriting, as another machine sharing
 * the directory would.
 */
public final class FileBackendWriter {
  private FileBackendWriter() {}

  public static void main(String[] args) {
    String key = args[1];
    int first = Integer.parseInt(args[2]);
    int count = Integer.parseInt(args[3]);
    int length = Integer.parseInt(args[4]);
    try (FileBackend backend =
        FileBackend.open(RemoteSpec.parse("file:" + args[0] + "|operation-timeout=20000"))) {
      for (int id = first; id < first + count; id++) {
        backend.put(key, Values.value(id, length), true);
      }
    }
  }
}
