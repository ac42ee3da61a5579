package dev.distcache.cli.admin;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code distcache install-masquerade DIR}: links every compiler on PATH to distcache, ccache's
 * masquerade setup.
 */
@Command(
    name = "install-masquerade",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description =
        "Create DIR with a link to distcache for every compiler name found on PATH"
            + " (gcc, g++, cc, c++, clang, clang++, versioned and cross forms).")
final class InstallMasqueradeCommand implements Callable<Integer> {
  @ParentCommand private DistcacheCommand parent;

  @Spec private CommandSpec spec;

  @Parameters(
      paramLabel = "DIR",
      description = "The directory to put the links in; created if needed.")
  private Path dir;

  @Override
  public Integer call() throws AdminException {
    AdminContext context = parent.context();
    Path absolute = dir.toAbsolutePath().normalize();
    MasqueradeInstaller installer = context.masqueradeInstaller();
    MasqueradeInstaller.Outcome outcome = installer.install(absolute);
    PrintWriter out = spec.commandLine().getOut();
    outcome.created().forEach(out::println);
    outcome
        .warnings()
        .forEach(w -> spec.commandLine().getErr().println("distcache: warning: " + w));
    out.println("Put " + absolute + " first in PATH to compile through distcache.");
    return 0;
  }
}
