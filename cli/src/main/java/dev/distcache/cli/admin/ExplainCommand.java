package dev.distcache.cli.admin;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code distcache explain COMPILER [ARG]...}, run in the compile's directory with its environment:
 * whether the compile would hit, and if not, which input differs from what the cache recorded (the
 * local server computes it: CompilePipeline.explain). It never compiles and changes nothing. Every
 * word after the compiler is the compiler's (the command line stops parsing at it).
 */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Tell whether a compile would hit the cache, and if not, what differs from the last one:",
      "an include file, an argument, an environment variable, the compiler, the source, the",
      "working directory. Run it where the compile runs; it never compiles and changes nothing."
    })
final class ExplainCommand implements Callable<Integer> {
  @ParentCommand private DistcacheCommand parent;

  @Spec private CommandSpec spec;

  @Parameters(
      arity = "1..*",
      paramLabel = "COMPILER ARG",
      description = "The compile command, as the build runs it (gcc -c foo.c -o foo.o).")
  private List<String> command;

  @Override
  public Integer call() throws IOException, AdminException {
    List<String> words = new ArrayList<>();
    words.add("explain");
    words.addAll(command);
    PrintWriter out = spec.commandLine().getOut();
    String reply = parent.context().request(words.toArray(String[]::new));
    out.print(reply.endsWith("\n") || reply.isEmpty() ? reply : reply + "\n");
    out.flush();
    return 0;
  }
}
