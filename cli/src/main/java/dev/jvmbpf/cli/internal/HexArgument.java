package dev.jvmbpf.cli.internal;

import java.util.HexFormat;

/** Bytes given as hex on the command line: {@code 0a000001}, {@code "0a 00 00 01"}, {@code 0a:00:00:01}, optional {@code 0x}. */
public final class HexArgument {
    private HexArgument() {
    }

    /** The bytes; an {@link IllegalArgumentException} naming the text when it is no hex. */
    public static byte[] parse(String text) {
        String t = text.strip();
        if (t.startsWith("0x") || t.startsWith("0X")) {
            t = t.substring(2);
        }
        t = t.replaceAll("[\\s:_-]", "");
        if (t.length() % 2 != 0) {
            throw new IllegalArgumentException("hex '" + text + "' has an odd number of digits");
        }
        try {
            return HexFormat.of().parseHex(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not hex bytes");
        }
    }
}
