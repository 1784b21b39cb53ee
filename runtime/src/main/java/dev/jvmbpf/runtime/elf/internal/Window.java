package dev.jvmbpf.runtime.elf.internal;

import dev.jvmbpf.runtime.exec.LoadException;
import java.nio.charset.StandardCharsets;

/**
 * Bounds-checked little-endian reads from {@code bytes[start, end)} with offsets relative to
 * {@code start}. Every read past the end fails through {@link Failure}, so malformed input surfaces
 * as a {@link LoadException} naming where it happened and never as an index exception.
 */
public final class Window {
    /** Builds the error for a bad read at {@code offset} (relative to the window). */
    @FunctionalInterface
    public interface Failure {
        LoadException at(long offset, String reason);
    }

    private final byte[] bytes;
    private final int start;
    private final int length;
    private final Failure failure;

    public Window(byte[] bytes, int start, int length, Failure failure) {
        if (start < 0 || length < 0 || start > bytes.length - length) {
            throw failure.at(0, "range [" + start + ", +" + length + ") outside " + bytes.length + " bytes");
        }
        this.bytes = bytes;
        this.start = start;
        this.length = length;
        this.failure = failure;
    }

    public int length() {
        return length;
    }

    public LoadException fail(long offset, String reason) {
        return failure.at(offset, reason);
    }

    /** A window over {@code [offset, offset + size)} of this one, with its own failure reporting. */
    public Window sub(long offset, long size, Failure subFailure) {
        check(offset, size);
        return new Window(bytes, start + (int) offset, (int) size, subFailure);
    }

    public void check(long offset, long size) {
        if (offset < 0 || size < 0 || offset > length || size > length - offset) {
            throw failure.at(offset, "truncated: need " + size + " bytes at " + offset + " but only " + length
                    + " are present");
        }
    }

    public int u8(long offset) {
        check(offset, 1);
        return bytes[start + (int) offset] & 0xff;
    }

    public int u16(long offset) {
        check(offset, 2);
        int i = start + (int) offset;
        return (bytes[i] & 0xff) | (bytes[i + 1] & 0xff) << 8;
    }

    /** A 32-bit field as a signed int (the caller decides whether it is unsigned). */
    public int s32(long offset) {
        check(offset, 4);
        int i = start + (int) offset;
        return (bytes[i] & 0xff) | (bytes[i + 1] & 0xff) << 8 | (bytes[i + 2] & 0xff) << 16
                | (bytes[i + 3] & 0xff) << 24;
    }

    public long u32(long offset) {
        return s32(offset) & 0xffffffffL;
    }

    public long s64(long offset) {
        check(offset, 8);
        return u32(offset) | (u32(offset + 4) << 32);
    }

    /** A field that must fit a non-negative int: sizes, counts and offsets into the file. */
    public int index32(long offset, String what) {
        long v = u32(offset);
        if (v > Integer.MAX_VALUE) {
            throw failure.at(offset, what + " " + v + " is too large");
        }
        return (int) v;
    }

    public byte[] bytes(long offset, long size) {
        check(offset, size);
        byte[] out = new byte[(int) size];
        System.arraycopy(bytes, start + (int) offset, out, 0, (int) size);
        return out;
    }

    /** The NUL-terminated string at {@code offset}; it must end inside the window. */
    public String cString(long offset) {
        if (offset < 0 || offset >= length) {
            throw failure.at(offset, "string offset " + offset + " outside a table of " + length + " bytes");
        }
        int from = start + (int) offset;
        int end = start + length;
        for (int i = from; i < end; i++) {
            if (bytes[i] == 0) {
                return new String(bytes, from, i - from, StandardCharsets.UTF_8);
            }
        }
        throw failure.at(offset, "string at " + offset + " is not NUL-terminated");
    }
}
