package dev.distcache.server.explain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The inputs in which two direct-mode key records differ, in a user's words: the compiler, an
 * argument, an environment variable, the source, the working directory. Reads the records' text
 * form ({@code KeyRecord}'s transcript: {@code ### name (N bytes)} then the value), so it names the
 * very fields the key hashed.
 */
public final class KeyDiff {
  private KeyDiff() {}

  /** One field of a record, as the transcript holds it. */
  record Field(String name, String value) {}

  /** The differences, each one line; empty when the records hold the same fields. */
  public static List<String> between(String before, String now) {
    List<Field> a = parse(before);
    List<Field> b = parse(now);
    List<String> out = new ArrayList<>();
    for (String name : names(a, b)) {
      List<String> was = values(a, name);
      List<String> is = values(b, name);
      if (!was.equals(is)) {
        out.addAll(describe(name, was, is));
      }
    }
    return out;
  }

  static List<Field> parse(String transcript) {
    List<Field> out = new ArrayList<>();
    for (String part : ("\n" + transcript).split("\n### ")) {
      if (part.isEmpty()) {
        continue;
      }
      int header = part.indexOf('\n');
      String head = header < 0 ? part : part.substring(0, header);
      String value = header < 0 ? "" : part.substring(header + 1);
      if (value.endsWith("\n")) {
        value = value.substring(0, value.length() - 1);
      }
      int paren = head.lastIndexOf(" (");
      out.add(new Field(paren < 0 ? head : head.substring(0, paren), value));
    }
    return out;
  }

  private static List<String> names(List<Field> a, List<Field> b) {
    Map<String, Boolean> names = new LinkedHashMap<>();
    a.forEach(f -> names.put(f.name(), true));
    b.forEach(f -> names.put(f.name(), true));
    return new ArrayList<>(names.keySet());
  }

  private static List<String> values(List<Field> fields, String name) {
    return fields.stream().filter(f -> f.name().equals(name)).map(Field::value).toList();
  }

  private static List<String> describe(String name, List<String> was, List<String> is) {
    return switch (name) {
      case "compiler" -> List.of("another compiler: " + one(was) + " then, " + one(is) + " now");
      case "arg" -> changes("argument", was, is);
      case "extra-arg" -> changes("flag distcache adds", was, is);
      case "env" -> environment(was, is);
      case "source-content" -> List.of("the source file's content changed");
      case "source", "source-path" ->
          List.of("the source's path: " + one(was) + " then, " + one(is) + " now");
      case "cwd" ->
          List.of(
              "the working directory (in the key because of -g): "
                  + one(was)
                  + " then, "
                  + one(is)
                  + " now");
      case "language" -> List.of("the language: " + one(was) + " then, " + one(is) + " now");
      case "cpu" -> List.of("the CPU (-march=native)");
      case "key-file" -> List.of("a file an argument names for the compiler to read changed");
      case "namespace" -> List.of("namespace: " + one(was) + " then, " + one(is) + " now");
      case "extra-file" -> List.of("an extra_files_to_hash file changed");
      case "sloppiness" -> List.of("sloppiness: " + one(was) + " then, " + one(is) + " now");
      case "version" -> List.of("another distcache key version");
      default -> List.of("key field " + name + " changed");
    };
  }

  /** Arguments removed and added (as multisets: a repeated argument counts each time). */
  private static List<String> changes(String what, List<String> was, List<String> is) {
    List<String> removed = new ArrayList<>(was);
    List<String> added = new ArrayList<>(is);
    for (String s : is) {
      removed.remove(s);
    }
    for (String s : was) {
      added.remove(s);
    }
    List<String> out = new ArrayList<>();
    removed.forEach(r -> out.add(what + " " + r + " was given then, not now"));
    added.forEach(r -> out.add(what + " " + r + " is given now, not then"));
    if (out.isEmpty()) {
      out.add(
          what
              + "s in another order: "
              + String.join(" ", was)
              + " then, "
              + String.join(" ", is)
              + " now");
    }
    return out;
  }

  private static List<String> environment(List<String> was, List<String> is) {
    Map<String, String> a = variables(was);
    Map<String, String> b = variables(is);
    List<String> out = new ArrayList<>();
    for (String name : names(fields(a), fields(b))) {
      if (!Objects.equals(a.get(name), b.get(name))) {
        out.add(
            "environment variable "
                + name
                + ": "
                + shown(a.get(name))
                + " then, "
                + shown(b.get(name))
                + " now");
      }
    }
    return out;
  }

  private static Map<String, String> variables(List<String> entries) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String e : entries) {
      int eq = e.indexOf('=');
      out.put(eq < 0 ? e : e.substring(0, eq), eq < 0 ? "" : e.substring(eq + 1));
    }
    return out;
  }

  private static List<Field> fields(Map<String, String> vars) {
    return vars.keySet().stream().map(k -> new Field(k, "")).toList();
  }

  private static String shown(String value) {
    return value == null ? "unset" : "\"" + value + "\"";
  }

  private static String one(List<String> values) {
    return values.isEmpty() ? "(none)" : String.join(" ", values);
  }
}
