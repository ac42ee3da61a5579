package dev.distcache.core.args;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The GNU assembler options a compile may pass through {@code -Wa,} or {@code -Xassembler} without
 * reading or writing a file of its own or changing which files the compile writes. An allow-list:
 * gas reads its options with getopt_long_only, which takes unambiguous abbreviations and clusters
 * short options ({@code -al=x}, {@code --M}, {@code -Wo/x}), so only exact spellings are allowed,
 * never prefixes. Listings ({@code -a...}), dependency files ({@code --MD}), {@code -o}, {@code
 * -I}, {@code @file} and everything else are not.
 */
public final class AssemblerOptions {
  private static final Set<String> EXACT =
      Set.of(
          "--noexecstack",
          "--execstack",
          "--fatal-warnings",
          "--no-warn",
          "-W",
          "--warn",
          "--64",
          "--32",
          "--x32",
          "-g",
          "--gen-debug",
          "--gdwarf-2",
          "--gdwarf-3",
          "--gdwarf-4",
          "--gdwarf-5",
          "--gdwarf-sections",
          "--compress-debug-sections",
          "--nocompress-debug-sections",
          "-mshared",
          "-msse2avx",
          "--strip-local-absolute",
          "-L",
          "--keep-locals",
          "--no-pad-sections",
          "--sectname-subst",
          "--reduce-memory-overheads",
          "-mbranches-within-32B-boundaries",
          "-mnaked-reg");

  /** Options with a value from a closed set or a plain name; the value cannot name a file. */
  private static final List<Pattern> WITH_VALUE =
      List.of(
          Pattern.compile("--compress-debug-sections=(none|zlib|zlib-gnu|zlib-gabi|zstd)"),
          Pattern.compile(
              "-m(relax-relocations|x86-used-note|shared|lfence-after-load|omit-lock-prefix|fence-as-lock-add"
                  + "|operand-check|sse-check|avx-not-requires-evex)=(yes|no|none|warning|error)"),
          Pattern.compile("--(elf-stt-common|generate-missing-build-notes)=(yes|no)"),
          Pattern.compile("--size-check=(error|warning)"),
          Pattern.compile("-m(arch|tune)=[A-Za-z0-9_.+-]+"),
          Pattern.compile("-m(mnemonic|syntax)=(att|intel)"),
          Pattern.compile("-m(avxscalar|vexwig|evexlig|evexwig|evexrcig)=[a-z0-9]+"),
          Pattern.compile("-malign-branch(-boundary|-prefix-size)?=[a-z0-9+]+"),
          Pattern.compile("--gdwarf-cie-version=[0-9]+"));

  /** gas's listing options: {@code -a} and its sub-options, with an optional {@code =FILE}. */
  private static final Pattern LISTING = Pattern.compile("-a[cdghlmns]*(=.*)?");

  private AssemblerOptions() {}

  /**
   * True when {@code item} asks for an assembler listing. Not {@link #allowed}: the listing is a
   * file the compile writes, which only the local server knows to store.
   */
  public static boolean isListing(String item) {
    return LISTING.matcher(item).matches();
  }

  /**
   * True when the assembler may be given {@code item} (one item of {@code -Wa,} or one {@code
   * -Xassembler}).
   */
  public static boolean allowed(String item) {
    if (EXACT.contains(item)) {
      return true;
    }
    for (Pattern p : WITH_VALUE) {
      if (p.matcher(item).matches()) {
        return true;
      }
    }
    return false;
  }

  /** The first item of {@code -Wa,...} that is not {@link #allowed}, or null. */
  public static String firstRefusedItem(String wa) {
    for (String item : wa.substring(4).split(",", -1)) {
      if (!allowed(item)) {
        return item;
      }
    }
    return null;
  }
}
