package dev.haven.shell.command;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table with a header row, columns padded to their widest cell. */
final class Table {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    Table(String... header) {
        this.header = List.of(header);
    }

    Table row(Object... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + header.size() + " columns");
        }
        List<String> row = new ArrayList<>();
        for (Object cell : cells) {
            row.add(cell == null ? "-" : cell.toString());
        }
        rows.add(row);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    @Override
    public String toString() {
        int[] widths = new int[header.size()];
        for (int column = 0; column < widths.length; column++) {
            widths[column] = header.get(column).length();
            for (List<String> row : rows) {
                widths[column] = Math.max(widths[column], row.get(column).length());
            }
        }
        StringBuilder out = new StringBuilder();
        append(out, header, widths);
        for (List<String> row : rows) {
            append(out, row, widths);
        }
        return out.toString().stripTrailing();
    }

    private static void append(StringBuilder out, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int column = 0; column < cells.size(); column++) {
            if (column > 0) {
                line.append("  ");
            }
            line.append(cells.get(column));
            if (column < cells.size() - 1) {
                line.append(" ".repeat(widths[column] - cells.get(column).length()));
            }
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }
}
