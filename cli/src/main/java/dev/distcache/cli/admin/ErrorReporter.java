package dev.distcache.cli.admin;

import dev.distcache.cli.client.ServerConnection;
import dev.distcache.core.IoReason;
import dev.distcache.core.config.ConfigException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The one place where failures become exit codes and one-line messages; no stack trace reaches the
 * user. A file the command could not write (a cache directory of another user) is named with the
 * reason; any other {@link IOException} that gets here came from the server channel: every other
 * command turns its I/O failures into an {@link AdminException} that names the file.
 */
final class ErrorReporter implements IParameterExceptionHandler, IExecutionExceptionHandler {
  static final int FAILURE = 1;
  static final int USAGE = 2;

  /** {@code server status} when no server runs, as LSB and systemd status commands do. */
  static final int NOT_RUNNING = 3;

  private static final String PREFIX = "distcache: error: ";

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    command.getErr().println(PREFIX + e.getMessage());
    command
        .getErr()
        .println(
            "Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
    return USAGE;
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine command, ParseResult parseResult) {
    String message;
    if (e instanceof AdminException
        || e instanceof ConfigException
        || e instanceof ServerConnection.CacheDirException) {
      message = e.getMessage();
    } else if (e instanceof AccessDeniedException denied) {
      message =
          "cannot write "
              + denied.getFile()
              + " (Permission denied); set DISTCACHE_DIR (or -d) to a cache directory you can"
              + " write";
    } else if (e instanceof FileSystemException f) {
      message = "cannot use " + f.getFile() + " (" + IoReason.of(f) + ")";
    } else if (e instanceof IOException) {
      message =
          "cannot reach the distcache server: "
              + (e.getMessage() != null ? e.getMessage() : e.toString());
    } else {
      message = "internal error: " + e + " (please report this)";
    }
    command.getErr().println(PREFIX + message);
    return FAILURE;
  }
}
