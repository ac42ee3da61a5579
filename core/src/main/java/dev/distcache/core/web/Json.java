package dev.distcache.core.web;

import java.util.Locale;

/**
 * A small JSON writer for the web monitor's {@code /api/state}: objects and arrays written in
 * order, strings escaped as RFC 8259 asks. The monitor's state is a handful of numbers and file
 * names, too little to bring a JSON library into the servers for.
 */
public final class Json {
  private final StringBuilder b = new StringBuilder();
  private boolean first = true;

  public Json beginObject() {
    comma();
    b.append('{');
    first = true;
    return this;
  }

  public Json endObject() {
    b.append('}');
    first = false;
    return this;
  }

  public Json beginArray() {
    comma();
    b.append('[');
    first = true;
    return this;
  }

  public Json endArray() {
    b.append(']');
    first = false;
    return this;
  }

  /** A member's name; its value follows. */
  public Json name(String name) {
    comma();
    string(name);
    b.append(':');
    first = true; // the value takes no comma
    return this;
  }

  public Json value(String s) {
    comma();
    string(s);
    first = false;
    return this;
  }

  public Json value(long n) {
    comma();
    b.append(n);
    first = false;
    return this;
  }

  public Json value(boolean v) {
    comma();
    b.append(v);
    first = false;
    return this;
  }

  /** A fraction, or null when there is nothing to divide (no compile yet). */
  public Json ratio(long part, long whole) {
    comma();
    b.append(whole == 0 ? "null" : String.format(Locale.ROOT, "%.4f", (double) part / whole));
    first = false;
    return this;
  }

  private void comma() {
    if (!first) {
      b.append(',');
    }
  }

  private void string(String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }

  @Override
  public String toString() {
    return b.toString();
  }
}
