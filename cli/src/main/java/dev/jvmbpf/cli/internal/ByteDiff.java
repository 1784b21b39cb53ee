package dev.jvmbpf.cli.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A hex dump of bytes after a run with the bytes that differ from before marked: 16 bytes a row,
 * a row of {@code ^^} under the changed ones. Bytes past the old length count as changed.
 */
public final class ByteDiff {
    /** Up to this many rows every row is shown; past it only rows with a change. */
    private static final int FULL_ROWS = 16;

    private ByteDiff() {
    }

    /** The offsets of the bytes of {@code after} that differ from {@code before} (or lie past its end). */
    public static List<Integer> changed(byte[] before, byte[] after) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < after.length; i++) {
            if (i >= before.length || before[i] != after[i]) {
                out.add(i);
            }
        }
        return out;
    }

    /** The dump of {@code after}, each line indented by {@code indent}, ending with a newline. */
    public static String dump(byte[] before, byte[] after, String indent) {
        boolean[] mark = new boolean[after.length];
        for (int i : changed(before, after)) {
            mark[i] = true;
        }
        int rows = (after.length + 15) / 16;
        StringBuilder sb = new StringBuilder();
        boolean skipped = false;
        for (int row = 0; row < rows; row++) {
            int from = row * 16;
            int to = Math.min(after.length, from + 16);
            boolean any = false;
            for (int i = from; i < to; i++) {
                any |= mark[i];
            }
            if (rows > FULL_ROWS && !any) {
                if (!skipped) {
                    sb.append(indent).append("...\n");
                }
                skipped = true;
                continue;
            }
            skipped = false;
            StringBuilder bytes = new StringBuilder();
            StringBuilder marks = new StringBuilder();
            for (int i = from; i < to; i++) {
                bytes.append(' ').append(String.format(Locale.ROOT, "%02x", after[i] & 0xff));
                marks.append(mark[i] ? " ^^" : "   ");
            }
            sb.append(indent).append(String.format(Locale.ROOT, "%04x:", from)).append(bytes).append('\n');
            if (any) {
                sb.append(indent).append("     ").append(marks.toString().stripTrailing()).append('\n');
            }
        }
        return sb.toString();
    }
}
