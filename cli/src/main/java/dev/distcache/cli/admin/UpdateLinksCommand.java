package dev.distcache.cli.admin;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code distcache update-links [DIR]}: distcc's {@code update-distcc-symlinks} for distcache. A
 * compiler installed or removed after distcache leaves the masquerade directory behind; this
 * rescans PATH and brings it up to date. Without DIR it works on the masquerade directory of an
 * installation made by {@code bin/install} ({@code PREFIX/lib/distcache/bin}), which a checkout
 * does not have: its {@code bin/} holds the project's scripts, never compiler links.
 */
@Command(
    name = "update-links",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Rescan PATH for compilers and bring the masquerade directory up to date: link the new"
          + " ones, remove the links whose compiler is gone (as update-distcc-symlinks does).",
      "Without DIR: the installation's PREFIX/lib/distcache/bin (see bin/install)."
    })
final class UpdateLinksCommand implements Callable<Integer> {
  /**
   * The file bin/install writes in the installation directory, listing what it installed: its
   * presence is what tells an installed copy from a checkout.
   */
  static final String MANIFEST = "installed-files";

  @ParentCommand private DistcacheCommand parent;

  @Spec private CommandSpec spec;

  @Parameters(
      paramLabel = "DIR",
      arity = "0..1",
      description = "The masquerade directory; created if needed.")
  private Path dir;

  @Override
  public Integer call() throws AdminException {
    AdminContext context = parent.context();
    Path home = context.home();
    if (dir == null && !Files.isRegularFile(home.resolve(MANIFEST))) {
      throw new AdminException(
          "this distcache runs from its build in "
              + home
              + ", which has no masquerade directory of its own; name one"
              + " (distcache update-links DIR) or install distcache with bin/install");
    }
    Path target = (dir == null ? home.resolve("bin") : dir).toAbsolutePath().normalize();
    MasqueradeInstaller installer = context.masqueradeInstaller();
    MasqueradeInstaller.Outcome outcome = installer.refresh(target);
    PrintWriter out = spec.commandLine().getOut();
    outcome.created().forEach(line -> out.println("added " + line));
    outcome.removed().forEach(name -> out.println("removed " + name));
    outcome
        .warnings()
        .forEach(w -> spec.commandLine().getErr().println("distcache: warning: " + w));
    return 0;
  }
}
