package dev.jvmbpf.cli.internal;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON every {@code --json} output is written with: values are built as plain Java values
 * ({@link Map} with insertion order, {@link List}, {@link String}, {@link Number}, {@link Boolean},
 * {@code null}) and printed in one place, so that every command escapes and formats alike.
 *
 * <p>Unsigned 64-bit quantities (register values, map keys) are written as JSON numbers from a
 * {@link BigInteger} or with {@link #unsigned(long)}, never as negative longs.
 */
public final class Json {
    private Json() {
    }

    /** An ordered JSON object to fill with {@code put}. */
    public static Map<String, Object> object() {
        return new LinkedHashMap<>();
    }

    /** A JSON array to fill with {@code add}. */
    public static List<Object> array() {
        return new ArrayList<>();
    }

    /** The unsigned value of {@code value} as a number JSON prints without a sign. */
    public static BigInteger unsigned(long value) {
        return new BigInteger(Long.toUnsignedString(value));
    }

    /** The compact one-line text of {@code value}. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, -1, 0);
        return out.toString();
    }

    /** The indented text of {@code value}, two spaces per level, as bpftool's {@code -p} prints. */
    public static String pretty(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, 2, 0);
        return out.toString();
    }

    private static void write(StringBuilder out, Object value, int indent, int depth) {
        switch (value) {
            case null -> out.append("null");
            case String s -> string(out, s);
            case Boolean b -> out.append(b);
            case Double d -> out.append(Double.isFinite(d) ? d.toString() : "null");
            case Float f -> out.append(Float.isFinite(f) ? f.toString() : "null");
            case Number n -> out.append(n);
            case Map<?, ?> map -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    newline(out, indent, depth + 1);
                    string(out, String.valueOf(e.getKey()));
                    out.append(indent < 0 ? ":" : ": ");
                    write(out, e.getValue(), indent, depth + 1);
                }
                if (!map.isEmpty()) {
                    newline(out, indent, depth);
                }
                out.append('}');
            }
            case Iterable<?> items -> {
                out.append('[');
                boolean first = true;
                for (Object item : items) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    newline(out, indent, depth + 1);
                    write(out, item, indent, depth + 1);
                }
                if (!first) {
                    newline(out, indent, depth);
                }
                out.append(']');
            }
            default -> string(out, value.toString());
        }
    }

    private static void newline(StringBuilder out, int indent, int depth) {
        if (indent >= 0) {
            out.append('\n').append(" ".repeat(indent * depth));
        }
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || Character.isSurrogate(c) && !validSurrogate(s, i)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static boolean validSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
