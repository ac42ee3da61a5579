package dev.distcache.server.pipeline;

import java.io.ByteArrayOutputStream;

/**
 * Removes the ANSI CSI sequences that colour diagnostics, with ccache's rule (strip_ansi_csi_seqs):
 * ESC {@code [}, parameter bytes (0x30–0x3F), intermediate bytes (0x20–0x2F), and a final {@code m}
 * or {@code K}. At the first ESC that does not start such a sequence, the rest of the text is left
 * as it is.
 */
final class ColourSequences {
  private static final byte ESC = 0x1b;

  private ColourSequences() {}

  static byte[] strip(byte[] text) {
    int esc = indexOfEsc(text, 0);
    if (esc < 0) {
      return text;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length);
    int from = 0;
    while (esc >= 0) {
      int end = sequenceEnd(text, esc);
      if (end < 0) {
        break;
      }
      out.write(text, from, esc - from);
      from = end;
      esc = indexOfEsc(text, from);
    }
    out.write(text, from, text.length - from);
    return out.toByteArray();
  }

  private static int indexOfEsc(byte[] text, int from) {
    for (int i = from; i < text.length; i++) {
      if (text[i] == ESC) {
        return i;
      }
    }
    return -1;
  }

  /** The index after the colour sequence that starts at {@code esc}, or -1 when none does. */
  private static int sequenceEnd(byte[] text, int esc) {
    int i = esc + 1;
    if (i >= text.length || text[i] != '[') {
      return -1;
    }
    i++;
    while (i < text.length && text[i] >= 0x30 && text[i] <= 0x3f) {
      i++;
    }
    while (i < text.length && text[i] >= 0x20 && text[i] <= 0x2f) {
      i++;
    }
    return i < text.length && (text[i] == 'm' || text[i] == 'K') ? i + 1 : -1;
  }
}
