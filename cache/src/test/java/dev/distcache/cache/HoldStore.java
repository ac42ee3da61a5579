package dev.distcache.cache;

import java.nio.file.Path;
import java.time.InstantSource;

/**
 * Run as a separate process by tests: opens the store in args[0], says so, holds it until stdin
 * closes.
 */
public final class HoldStore {
  private HoldStore() {}

  public static void main(String[] args) throws Exception {
    try (ResultStore store = RocksResultStore.open(Path.of(args[0]), InstantSource.system())) {
      System.out.println("open " + store.fileCount());
      System.out.flush();
      while (System.in.read() != -1) {
        // holds the store until the parent closes our stdin
      }
    }
  }
}
