package dev.distcache.cli.admin;

import java.util.ArrayList;
import java.util.List;

/**
 * Aligns rows of cells into columns the way ccache's {@code -s} does: each column as wide as its
 * widest cell, cells one space apart, trailing spaces dropped. Headings stand alone and do not
 * widen the first column.
 */
final class TextTable {
  /** One cell; numbers are right-aligned, text left-aligned. */
  record Cell(String content, boolean rightAligned) {
    static Cell text(String content) {
      return new Cell(content, false);
    }

    static Cell number(long value) {
      return new Cell(Long.toString(value), true);
    }

    /** A right-aligned, already formatted number such as {@code 0.5}. */
    static Cell number(String formatted) {
      return new Cell(formatted, true);
    }
  }

  /**
   * A heading stands alone; a wide row's second cell spans the columns after the first (ccache's
   * colspan), so only its label widens a column.
   */
  private record Row(List<Cell> cells, boolean heading, boolean wide) {}

  private final List<Row> rows = new ArrayList<>();

  void heading(String text) {
    rows.add(new Row(List.of(Cell.text(text)), true, false));
  }

  /** A label in the first column and a text that spans the rest ({@code Cache directory: /c}). */
  void wideRow(String label, String text) {
    rows.add(new Row(List.of(Cell.text(label), Cell.text(text)), false, true));
  }

  void row(Cell... cells) {
    rows.add(new Row(List.of(cells), false, false));
  }

  String render() {
    List<Integer> widths = new ArrayList<>();
    for (Row row : rows) {
      int widening = row.heading() ? 0 : row.wide() ? 1 : row.cells().size();
      for (int i = 0; i < widening; i++) {
        if (widths.size() <= i) {
          widths.add(0);
        }
        widths.set(i, Math.max(widths.get(i), row.cells().get(i).content().length()));
      }
    }
    StringBuilder out = new StringBuilder();
    for (Row row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.cells().size(); i++) {
        Cell cell = row.cells().get(i);
        boolean unpadded = row.heading() || (row.wide() && i > 0) || i >= widths.size();
        String pad = " ".repeat(unpadded ? 0 : widths.get(i) - cell.content().length());
        line.append(i > 0 ? " " : "");
        line.append(cell.rightAligned() ? pad + cell.content() : cell.content() + pad);
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }
}
