package dev.jvmbpf.cli.internal;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.Writer;

/**
 * Error lines quote what the user gave (a mnemonic, a section name, a file's bytes); a terminal
 * must show such text, not obey it. This writer turns control characters other than line breaks
 * and tabs (ESC sequences that recolour or retitle the terminal, bells, backspaces, C1 controls)
 * into {@code \xNN}.
 */
public final class SafeText extends FilterWriter {
    public SafeText(Writer out) {
        super(out);
    }

    /** {@code text} with its control characters quoted as {@code \xNN}. */
    public static String quote(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isUnsafe(c)) {
                if (sb == null) {
                    sb = new StringBuilder(text.length() + 8).append(text, 0, i);
                }
                sb.append(String.format("\\x%02x", (int) c));
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? text : sb.toString();
    }

    static boolean isUnsafe(char c) {
        return c < 0x20 && c != '\n' && c != '\r' && c != '\t' || c >= 0x7f && c <= 0x9f;
    }

    @Override
    public void write(int c) throws IOException {
        if (isUnsafe((char) c)) {
            out.write(quote(String.valueOf((char) c)));
        } else {
            out.write(c);
        }
    }

    @Override
    public void write(char[] buf, int off, int len) throws IOException {
        out.write(quote(new String(buf, off, len)));
    }

    @Override
    public void write(String str, int off, int len) throws IOException {
        out.write(quote(str.substring(off, off + len)));
    }
}
