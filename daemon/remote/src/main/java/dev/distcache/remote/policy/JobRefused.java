package dev.distcache.remote.policy;

/**
 * A job the daemon will not run: a compiler outside its allowed list, an option that would run,
 * read or write files the client chose, or pump-mode files that would leave the job's directory. As
 * distccd does, the daemon then closes the connection without an answer, so the client compiles
 * locally. The message is for the log and names what was refused.
 */
public final class JobRefused extends Exception {
  public JobRefused(String message) {
    super(message);
  }
}
