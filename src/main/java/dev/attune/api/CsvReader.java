package dev.attune.api;

import dev.attune.space.InvalidInputException;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads RFC 4180 CSV (as pandas writes it: quoted cells may hold commas, quotes doubled, line breaks) one
 * record at a time, within the limits of any other body: at most {@value InputLimits#MAX_ELEMENTS} cells a
 * record and {@value InputLimits#MAX_STRING} characters a cell; errors name {@code results line N}.
 */
final class CsvReader {
    private final Reader in;
    private final String field;
    private int line = 1;
    private int next = -2;

    CsvReader(Reader in, String field) {
        this.in = in;
        this.field = field;
    }

    /** Where the last record read started, for errors: e.g. {@code results line 3}. */
    String where(int recordLine) {
        return field + " line " + recordLine;
    }

    int line() {
        return line;
    }

    /** The next record's cells, or null at the end. */
    List<String> next() {
        if (peek() < 0) {
            return null;
        }
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        int start = line;
        while (true) {
            int c = read();
            if (quoted) {
                if (c < 0) {
                    throw InvalidInputException.of(where(start), "has a quoted cell that never ends");
                }
                if (c == '"') {
                    if (peek() == '"') {
                        read();
                        cell.append('"');
                    } else {
                        quoted = false;
                    }
                } else {
                    append(cell, c, start);
                }
                continue;
            }
            if (c == '"' && cell.isEmpty()) {
                quoted = true;
            } else if (c == ',') {
                add(cells, cell, start);
            } else if (c == '\r' && peek() == '\n') {
                // the \n ends the record
            } else if (c == '\n' || c < 0) {
                add(cells, cell, start);
                return cells;
            } else {
                append(cell, c, start);
            }
        }
    }

    private void add(List<String> cells, StringBuilder cell, int start) {
        if (cells.size() >= InputLimits.MAX_ELEMENTS) {
            throw InvalidInputException.of(where(start), "has more than " + InputLimits.MAX_ELEMENTS + " cells");
        }
        cells.add(cell.toString());
        cell.setLength(0);
    }

    private void append(StringBuilder cell, int c, int start) {
        if (cell.length() >= InputLimits.MAX_STRING || c == 0) {
            throw InvalidInputException.of(
                    where(start),
                    "has a cell over " + InputLimits.MAX_STRING + " characters or with the NUL character");
        }
        cell.append((char) c);
    }

    private int peek() {
        if (next == -2) {
            next = raw();
        }
        return next;
    }

    private int read() {
        int c = peek();
        next = -2;
        if (c == '\n') {
            line++;
        }
        return c;
    }

    private int raw() {
        try {
            return in.read();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
