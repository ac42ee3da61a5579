package dev.distcache.core;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;

/**
 * The cause of a failed file operation in words ("Permission denied", "Read-only file system"). The
 * JDK's file exceptions often carry only the path as their message, which tells a user nothing.
 */
public final class IoReason {
  private IoReason() {}

  public static String of(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "Permission denied";
    }
    if (e instanceof FileSystemException f) {
      if (f.getReason() != null) {
        return f.getReason();
      }
      return e.getClass().getSimpleName() + " on " + f.getFile();
    }
    return e.getMessage() != null ? e.getMessage() : e.toString();
  }
}
