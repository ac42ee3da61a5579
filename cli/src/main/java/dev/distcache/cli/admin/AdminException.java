package dev.distcache.cli.admin;

/** An administration command failed for a reason the message states; the command exits with 1. */
final class AdminException extends Exception {
  AdminException(String message) {
    super(message);
  }
}
