package dev.distcache.server.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This machine's CPU model and feature flags, which {@code -march=native} compiles depend on. */
final class CpuSignature {
  private static volatile String value;

  private CpuSignature() {}

  static String get() {
    String v = value;
    if (v == null) {
      v = read();
      value = v;
    }
    return v;
  }

  private static String read() {
    StringBuilder s = new StringBuilder();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.isEmpty() && s.length() > 0) {
          break; // the first processor is enough: they match on the machines compilers tune for
        }
        if (line.startsWith("vendor_id")
            || line.startsWith("model name")
            || line.startsWith("flags")
            || line.startsWith("cpu family")
            || line.startsWith("model\t")) {
          s.append(line).append('\n');
        }
      }
    } catch (IOException e) {
      return "unknown-cpu";
    }
    return s.toString();
  }
}
