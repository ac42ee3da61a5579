package dev.distcache.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The main code's packages form no cycle (issue 9): the JDK's jdeps lists which package uses which
 * across every module's main classes, and no package may reach itself again. Maven already keeps
 * the modules acyclic (and the two daemons apart); this keeps the packages inside them so.
 */
class PackageCyclesTest {
  /** One class of each module's main code: where its classes are. */
  private static final List<String> MODULES =
      List.of(
          "dev.distcache.core.process.ProcessRunner",
          "dev.distcache.hashing.ResultKey",
          "dev.distcache.cache.StoreOpener",
          "dev.distcache.distribute.farm.Farm",
          "dev.distcache.server.LocalServerMain",
          "dev.distcache.remote.DaemonMain",
          "dev.distcache.cli.Main");

  private static final Pattern EDGE =
      Pattern.compile("^\\s+(dev\\.distcache\\.\\S+)\\s+->\\s+(dev\\.distcache\\.\\S+)\\s");

  @Test
  void mainPackagesFormNoCycle() throws Exception {
    Map<String, Set<String>> uses = packageGraph();
    assertTrue(uses.containsKey("dev.distcache.server.pipeline"), uses.keySet().toString());
    assertTrue(uses.containsKey("dev.distcache.remote.job"), uses.keySet().toString());
    assertEquals(List.of(), cycles(uses), "package cycles in the main code");
  }

  private static Map<String, Set<String>> packageGraph() throws Exception {
    List<String> locations = new ArrayList<>();
    for (String anchor : MODULES) {
      locations.add(location(anchor));
    }
    List<String> args =
        new ArrayList<>(
            List.of("-verbose:package", "-cp", String.join(java.io.File.pathSeparator, locations)));
    args.addAll(locations);
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
    StringWriter out = new StringWriter();
    int exit = jdeps.run(new PrintWriter(out), new PrintWriter(out), args.toArray(String[]::new));
    assertEquals(0, exit, out.toString());
    Map<String, Set<String>> uses = new TreeMap<>();
    for (String line : out.toString().split("\n")) {
      Matcher m = EDGE.matcher(line);
      if (m.find() && !m.group(1).equals(m.group(2))) {
        uses.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2));
      }
    }
    return uses;
  }

  private static String location(String className)
      throws ClassNotFoundException, URISyntaxException {
    return Path.of(
            Class.forName(className).getProtectionDomain().getCodeSource().getLocation().toURI())
        .toString();
  }

  /** The strongly connected components of more than one package (Tarjan). */
  private static List<List<String>> cycles(Map<String, Set<String>> uses) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    List<String> stack = new ArrayList<>();
    List<List<String>> found = new ArrayList<>();
    for (String p : uses.keySet()) {
      if (!index.containsKey(p)) {
        connect(p, uses, index, low, stack, found);
      }
    }
    return found;
  }

  private static void connect(
      String p,
      Map<String, Set<String>> uses,
      Map<String, Integer> index,
      Map<String, Integer> low,
      List<String> stack,
      List<List<String>> found) {
    index.put(p, index.size());
    low.put(p, index.get(p));
    stack.add(p);
    for (String q : uses.getOrDefault(p, Set.of())) {
      if (!index.containsKey(q)) {
        connect(q, uses, index, low, stack, found);
        low.put(p, Math.min(low.get(p), low.get(q)));
      } else if (stack.contains(q)) {
        low.put(p, Math.min(low.get(p), index.get(q)));
      }
    }
    if (low.get(p).equals(index.get(p))) {
      List<String> component = new ArrayList<>();
      String q;
      do {
        q = stack.removeLast();
        component.add(q);
      } while (!q.equals(p));
      if (component.size() > 1) {
        found.add(component.reversed());
      }
    }
  }
}
