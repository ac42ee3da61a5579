package dev.distcache.cli.admin;

import dev.distcache.core.config.Values;
import dev.distcache.core.wire.Reply;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code distcache hosts}: the host list in effect and where it came from; {@code --set} writes
 * distcache's own hosts file (the cache directory's {@code hosts}), as {@code distcc-config
 * --set-hosts} writes distcc's; {@code --check} connects to each host.
 *
 * <p>The host list's grammar and its places belong to the {@code distribute} module, which this
 * client does not load: the local server reads, parses and checks the list for it (administration
 * words {@code hosts}, {@code hosts-parse}, {@code hosts-check}), with this command's environment,
 * so what it shows is what this user's compiles use. The file is written here, as the calling user,
 * and only after the server parsed the new list, so a list that does not parse never replaces a
 * good one.
 */
@Command(
    name = "hosts",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Show (or --set, or --check) the remote compile hosts.",
      "",
      "Without options: the host list in effect and where it comes from. --set writes"
          + " distcache's hosts file, the cache directory's \"hosts\". --check connects to each"
          + " host.",
      "",
      "The first of these that is set or exists is used: $DISTCACHE_HOSTS, the hosts setting,"
          + " $DISTCACHE_DIR/hosts, /etc/distcache/hosts, $DISTCC_HOSTS, $DISTCC_DIR/hosts"
          + " (~/.distcc/hosts), /etc/distcc/hosts."
    })
final class HostsCommand implements Callable<Integer> {
  @ParentCommand private DistcacheCommand parent;

  @Spec private CommandSpec spec;

  @Option(
      names = "--set",
      paramLabel = "HOSTS",
      description =
          "Write HOSTS (distcc's grammar, as in DISTCC_HOSTS) to the cache directory's hosts file;"
              + " refused, and nothing written, when it does not parse.")
  private String set;

  @Option(
      names = "--check",
      description =
          "Connect to each host: reachable or not, its protocol, TLS and token, the compilers it"
              + " accepts, the round trip. Exit status 1 when a host cannot be used.")
  private boolean check;

  @Override
  public Integer call() throws IOException, AdminException {
    AdminContext context = parent.context();
    PrintWriter out = spec.commandLine().getOut();
    if (set != null && check) {
      throw new AdminException("give --set or --check, not both");
    }
    if (set != null) {
      String canonical;
      try {
        canonical = context.request("hosts-parse", set);
      } catch (AdminException e) {
        throw new AdminException(e.getMessage() + "; the hosts file is unchanged");
      }
      Path file = context.layout().hostsFile();
      write(file, canonical, context.config().umask());
      out.println("wrote " + file);
      String now = context.request("hosts");
      String from = now.lines().findFirst().orElse("");
      if (!from.equals("from " + file + ":")) {
        out.println(
            "note: it is not used: "
                + from.replaceFirst("^from ", "").replaceFirst(":$", "")
                + " comes first (unset it to use this file)");
      }
      out.flush();
      return 0;
    }
    Reply reply = context.channel().send(List.of(check ? "hosts-check" : "hosts"));
    if (reply.kind() != Reply.Kind.RESULT) {
      throw new AdminException(reply.message());
    }
    out.print(new String(reply.stdout(), StandardCharsets.UTF_8));
    out.flush();
    return reply.exitCode();
  }

  /**
   * Replaces {@code file} with {@code text} at once (a new file renamed over it): a compile that
   * reads the list meanwhile sees the old list or the new one, never a part. Its mode is 0666 less
   * the {@code umask} setting when there is one, as the cache directory's other files.
   */
  private static void write(Path file, String text, OptionalInt umask) throws AdminException {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp" + ProcessHandle.current().pid());
      Files.writeString(tmp, "# written by distcache hosts --set\n" + text, StandardCharsets.UTF_8);
      if (umask.isPresent()) {
        Files.setPosixFilePermissions(
            tmp, PosixFilePermissions.fromString(Values.modeText(0666 & ~umask.getAsInt())));
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new AdminException(
          "cannot write " + file + ": " + e.getMessage() + "; check that you can write there");
    }
  }
}
