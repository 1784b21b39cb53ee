package dev.jvmbpf.internal;

import dev.jvmbpf.runtime.btf.BtfType;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a value typed on a command line into the Java value {@link BtfCodec#encode} takes, led by
 * the BTF type it is for:
 * <ul>
 * <li>integers and pointers: a number ({@code 80}, {@code -1}, {@code 0x50}, {@code 0b101});
 *     {@code _Bool}: {@code true}, {@code false} or a number; enums: an enumerator name or a number;
 *     floats: a decimal;
 * <li>{@code char} arrays: a string, bare or in double quotes ({@code \"} and {@code \\} escape);
 * <li>other arrays: {@code [1, 2, 3]} (elements left out are zero);
 * <li>structs and unions: {@code {port=80, proto=6}} ({@code .port = 80} too; members left out are
 *     zero; members of anonymous structs by their own names), nested as deep as the type.
 * </ul>
 * As a whole, a value may also be its bytes in memory order as hex: exactly two digits per byte of
 * the type, without {@code 0x}, and recognisably not decimal (a letter a-f, a leading zero, or
 * spaces/colons between the bytes): {@code 0a000001} for a {@code __u32}, while {@code 8080} is
 * the number 8080. Errors are {@link IllegalArgumentException}s naming the path and the position.
 */
public final class ValueText {
    private static final int MAX_DEPTH = 32;
    private final BtfCodec codec;
    private final String text;
    private int at;

    private ValueText(BtfCodec codec, String text) {
        this.codec = codec;
        this.text = text;
    }

    /**
     * The value {@code text} gives a {@code size}-byte object of type {@code typeId} ({@code codec}
     * null or {@code typeId} 0: no BTF, so a number or hex bytes); {@code path} names it in errors.
     */
    public static Object parse(BtfCodec codec, int typeId, int size, String text, String path) {
        String t = text.strip();
        if (looksLikeBytes(t, size)) {
            return HexFormat.of().parseHex(t.replaceAll("[\\s:]", ""));
        }
        if (codec == null || typeId == 0) {
            try {
                return Numbers.parseBig(t);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(path + " (" + size + " bytes, no BTF): '" + t
                        + "' is neither a number nor " + size + " hex bytes");
            }
        }
        ValueText p = new ValueText(codec, t);
        Object v;
        try {
            v = p.value(typeId, path, true, 0);
        } catch (IllegalArgumentException e) {
            String digits = t.replaceAll("[\\s:]", "");
            if (!digits.isEmpty() && digits.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw new IllegalArgumentException(e.getMessage() + "; as hex bytes it would need " + 2 * size
                        + " digits, not " + digits.length(), e);
            }
            throw e;
        }
        p.skipSpace();
        if (p.at < t.length()) {
            throw p.error(path, "unexpected '" + t.substring(p.at) + "' after the value");
        }
        return v;
    }

    /** Whether {@code t} can only be {@code size} bytes in hex (see the class comment). */
    static boolean looksLikeBytes(String t, int size) {
        String digits = t.replaceAll("[\\s:]", "");
        if (size <= 0 || digits.length() != 2 * size || !digits.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return false;
        }
        boolean separated = digits.length() != t.length();
        boolean letter = digits.chars().anyMatch(Character::isLetter);
        return separated || letter || digits.charAt(0) == '0';
    }

    private Object value(int typeId, String path, boolean whole, int depth) {
        if (depth > MAX_DEPTH) {
            throw error(path, "nested more than " + MAX_DEPTH + " levels deep");
        }
        skipSpace();
        BtfType t = codec.btf().resolve(typeId);
        return switch (t) {
            case BtfType.Composite c -> struct(c, path, depth);
            case BtfType.Array a when codec.isTextArray(typeId) -> string(whole);
            case BtfType.Array a -> array(a, path, depth);
            case BtfType.Int i when i.isBool() -> bool(token(whole), path);
            case BtfType.Enum e -> {
                String token = token(whole);
                yield !token.isEmpty() && (Character.isLetter(token.charAt(0)) || token.charAt(0) == '_')
                        ? token : number(token, path);
            }
            case BtfType.Float f -> {
                String token = token(whole);
                try {
                    yield Double.parseDouble(token);
                } catch (NumberFormatException e) {
                    throw error(path, "'" + token + "' is not a number");
                }
            }
            default -> number(token(whole), path);
        };
    }

    private Map<String, Object> struct(BtfType.Composite c, String path, int depth) {
        expect('{', path);
        Map<String, Object> out = new LinkedHashMap<>();
        skipSpace();
        if (peek() == '}') {
            at++;
            return out;
        }
        while (true) {
            skipSpace();
            if (peek() == '.') {
                at++;
            }
            int start = at;
            while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '_')) {
                at++;
            }
            String name = text.substring(start, at);
            String memberPath = path + "." + name;
            int type = memberType(c, name, 0);
            if (name.isEmpty() || type < 0) {
                throw error(path, name.isEmpty() ? "expected a member name" : codec.btf().describe(c.id())
                        + " has no member '" + name + "'");
            }
            skipSpace();
            if (peek() != '=' && peek() != ':') {
                throw error(memberPath, "expected '=' after the member name");
            }
            at++;
            out.put(name, value(type, memberPath, false, depth + 1));
            skipSpace();
            if (peek() == ',') {
                at++;
                continue;
            }
            expect('}', path);
            return out;
        }
    }

    /** The type of member {@code name}, looked up through anonymous members as C reaches it; -1 when none. */
    private int memberType(BtfType.Composite c, String name, int depth) {
        for (BtfType.Member m : c.members()) {
            if (m.name().equals(name)) {
                return m.type();
            }
            if (m.name().isEmpty() && depth < MAX_DEPTH && codec.btf().resolve(m.type()) instanceof BtfType.Composite inner) {
                int t = memberType(inner, name, depth + 1);
                if (t >= 0) {
                    return t;
                }
            }
        }
        return -1;
    }

    private List<Object> array(BtfType.Array a, String path, int depth) {
        expect('[', path);
        List<Object> out = new ArrayList<>();
        skipSpace();
        if (peek() == ']') {
            at++;
            return out;
        }
        while (true) {
            out.add(value(a.elementType(), path + "[" + out.size() + "]", false, depth + 1));
            skipSpace();
            if (peek() == ',') {
                at++;
                continue;
            }
            expect(']', path);
            return out;
        }
    }

    private String string(boolean whole) {
        if (peek() != '"') {
            return token(whole);
        }
        at++;
        StringBuilder sb = new StringBuilder();
        while (at < text.length() && text.charAt(at) != '"') {
            char c = text.charAt(at++);
            if (c == '\\' && at < text.length()) {
                c = text.charAt(at++);
            }
            sb.append(c);
        }
        if (at >= text.length()) {
            throw new IllegalArgumentException("'" + text + "': the string has no closing quote");
        }
        at++;
        return sb.toString();
    }

    /** A bare token: the rest of the text when it is the whole value, else up to the next , ] or }. */
    private String token(boolean whole) {
        int start = at;
        if (whole) {
            at = text.length();
        } else {
            while (at < text.length() && ",]}".indexOf(text.charAt(at)) < 0) {
                at++;
            }
        }
        return text.substring(start, at).strip();
    }

    private Object bool(String token, String path) {
        return switch (token.toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> number(token, path);
        };
    }

    private BigInteger number(String token, String path) {
        try {
            return Numbers.parseBig(token);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
        }
    }

    private void expect(char c, String path) {
        skipSpace();
        if (peek() != c) {
            throw error(path, "expected '" + c + "'" + (at < text.length() ? ", found '" + text.charAt(at) + "'" : " at the end"));
        }
        at++;
    }

    private char peek() {
        return at < text.length() ? text.charAt(at) : '\0';
    }

    private void skipSpace() {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
    }

    private IllegalArgumentException error(String path, String message) {
        return new IllegalArgumentException(path + ": " + message + " (at character " + (at + 1) + " of '" + text + "')");
    }
}
