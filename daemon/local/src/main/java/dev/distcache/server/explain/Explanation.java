package dev.distcache.server.explain;

import dev.distcache.cache.StoreException;
import dev.distcache.server.direct.DirectMode;
import dev.distcache.server.direct.EntryMatcher;
import dev.distcache.server.request.CompileContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The text of {@code distcache explain} for one cacheable compile. Its first line is the verdict,
 * {@code would hit} or {@code would miss}; the lines after it say why. Direct mode's records
 * decide: the manifest of the compile's key (an entry whose include files all match is a hit; else
 * the nearest entry's differing files are the cause), and, when there is no manifest for the key,
 * the key record of the output's last miss (whose differing fields are the cause).
 */
public final class Explanation {
  private Explanation() {}

  public static String of(CompileContext ctx, DirectMode direct, KeyRecords records)
      throws IOException {
    Optional<DirectMode.Plan> found = direct.plan(ctx);
    if (found.isEmpty()) {
      return "cannot tell: direct mode does not apply to this compile (direct_mode is off, the"
          + " source is preprocessed or names __TIME__/__DATE__, or an argument rules it out);"
          + " only the preprocessor's output would decide, and explain does not run it\n";
    }
    DirectMode.Plan plan = found.get();
    StringBuilder out = new StringBuilder();
    Optional<EntryMatcher.Verdict> verdict;
    try {
      verdict = direct.explain(plan);
    } catch (StoreException e) {
      return "cannot tell: the store cannot be read: " + e.getMessage() + "\n";
    }
    String key = plan.keys().manifest().hex();
    if (verdict.isPresent() && verdict.get().match().isPresent()) {
      return out.append("would hit (direct mode): manifest ")
          .append(key)
          .append(" has an entry whose include files all match; result ")
          .append(verdict.get().match().get().result().hex())
          .append('\n')
          .toString();
    }
    if (verdict.isPresent()) {
      EntryMatcher.Verdict v = verdict.get();
      out.append("would miss: manifest ")
          .append(key)
          .append(" has ")
          .append(v.entries())
          .append(v.entries() == 1 ? " entry" : " entries")
          .append(", and no include file set matches");
      if (v.usable() == 0) {
        return out.append(
                "; every entry was recorded by another checkout and may not be used by this one\n")
            .toString();
      }
      out.append("; the nearest entry differs in:\n");
      for (String d : v.nearestDifferences()) {
        out.append("  include file ").append(d).append('\n');
      }
      return out.toString();
    }
    Path output = ctx.cwd().resolve(ctx.inv().output());
    Optional<KeyRecords.Recorded> last =
        records.read(ctx.cwd(), ctx.inv().source(), ctx.inv().output());
    out.append("would miss: no manifest for key ").append(key);
    if (last.isEmpty()) {
      return out.append("; nothing is recorded for ")
          .append(output)
          .append(" either (not compiled through this cache since it was cleared, or never)\n")
          .toString();
    }
    List<String> differences = KeyDiff.between(last.get().transcript(), plan.transcript());
    if (differences.isEmpty()) {
      return out.append("; the last miss for ")
          .append(last.get().output())
          .append(" had the same inputs, so its entry is gone (evicted, cleared, or never stored:")
          .append(" a failed compile is not)\n")
          .toString();
    }
    out.append("; since the last miss for ")
        .append(last.get().output())
        .append(", these inputs changed:\n");
    for (String d : differences) {
      out.append("  ").append(d).append('\n');
    }
    return out.toString();
  }
}
