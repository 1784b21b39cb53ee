package dev.jvmbpf.helpers.internal;

import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.memory.AddressSpace;
import dev.jvmbpf.runtime.memory.Region;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The format language of {@code bpf_trace_printk}, {@code bpf_trace_vprintk} and
 * {@code bpf_snprintf}, with the kernel's rules: conversions {@code %d %i %u %x %X} with
 * {@code l}/{@code ll}, {@code %c}, {@code %s}, {@code %p} (and {@code %pK %px %ps %pS %pks %pus
 * %pi4 %pI4 %pi6 %pI6}) and {@code %%}; flags {@code 0 + - space} and a width, but no precision;
 * no more conversions than arguments; plain text printable ASCII, white space or bytes of 0x80
 * and above. Anything else is {@code -EINVAL}. Strings and IP addresses are read from program
 * memory; an unreadable string prints as empty and an unreadable address as zeros, as in the
 * kernel. Pointers print unhashed: there is no kernel address to hide.
 */
public final class Bprintf {
    /** Size of the kernel's output buffer: longer output is cut to one byte less. */
    public static final int MAX_OUTPUT = 1024;
    /** The most a {@code %s} copies (the kernel's argument buffer). */
    private static final int MAX_STRING = 511;

    private Bprintf() {
    }

    /** The formatted bytes, or a negative errno in {@link #error}. {@link #length} is the untruncated length. */
    public record Result(int error, byte[] text, int length) {
        public boolean ok() {
            return error == 0;
        }

        public String string() {
            return new String(text, StandardCharsets.UTF_8);
        }
    }

    static Result fail(int errno) {
        return new Result(-errno, new byte[0], 0);
    }

    /**
     * Formats {@code fmt[0..fmtSize)}, which must contain a NUL (the format ends there), with
     * at most {@code args.length} conversions. Output beyond {@code maxOutput - 1} bytes is cut.
     */
    public static Result format(byte[] fmt, int fmtSize, long[] args, AddressSpace memory, int maxOutput) {
        int end = -1;
        for (int i = 0; i < fmtSize && i < fmt.length; i++) {
            if (fmt[i] == 0) {
                end = i;
                break;
            }
        }
        if (end < 0) {
            return fail(Errno.EINVAL);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(end + 32, maxOutput));
        int spec = 0;
        for (int i = 0; i < end; i++) {
            int c = fmt[i] & 0xff;
            if (c < 0x80 && !isPrint(c) && !isSpace(c)) {
                return fail(Errno.EINVAL);
            }
            if (c != '%') {
                out.write(c);
                continue;
            }
            if (at(fmt, i + 1, end) == '%') {
                out.write('%');
                i++;
                continue;
            }
            if (spec >= args.length) {
                return fail(Errno.EINVAL);
            }
            i++;
            if (at(fmt, i, end) >= 0x80) {
                return fail(Errno.EINVAL);
            }
            boolean left = false;
            boolean zero = false;
            boolean plus = false;
            boolean space = false;
            for (int f = at(fmt, i, end); f == '0' || f == '+' || f == '-' || f == ' '; f = at(fmt, ++i, end)) {
                switch (f) {
                    case '0' -> zero = true;
                    case '+' -> plus = true;
                    case '-' -> left = true;
                    default -> space = true;
                }
            }
            int width = -1;
            if (at(fmt, i, end) >= '1' && at(fmt, i, end) <= '9') {
                width = 0;
                while (at(fmt, i, end) >= '0' && at(fmt, i, end) <= '9') {
                    width = Math.min(width * 10 + (at(fmt, i, end) - '0'), MAX_OUTPUT);
                    i++;
                }
            }
            Pad pad = new Pad(left, zero && !left, width);
            long arg = args[spec];
            int conv = at(fmt, i, end);
            if (conv == 'p') {
                int next = at(fmt, i + 1, end);
                int after = at(fmt, i + 2, end);
                if (next == 0 || isSpace(next) || isPunct(next)) {
                    pointer(out, arg, pad);
                } else if ((next == 'k' || next == 'u') && after == 's') {
                    string(out, arg, memory, pad);
                    i += 2;
                } else if (next == 'K' || next == 'x') {
                    pointer(out, arg, pad);
                    i++;
                } else if (next == 's' || next == 'S') {
                    pad.emit(out, ("0x" + Long.toHexString(arg)).getBytes(StandardCharsets.US_ASCII), false);
                    i++;
                } else if ((next == 'i' || next == 'I') && (after == '4' || after == '6')) {
                    ip(out, arg, memory, next == 'I', after == '4' ? 4 : 16, pad);
                    i += 2;
                } else {
                    return fail(Errno.EINVAL);
                }
            } else if (conv == 's') {
                string(out, arg, memory, pad);
            } else if (conv == 'c') {
                pad.emit(out, new byte[] {(byte) arg}, false);
            } else {
                int size = 4;
                if (conv == 'l') {
                    size = 8;
                    conv = at(fmt, ++i, end);
                }
                if (conv == 'l') {
                    conv = at(fmt, ++i, end);
                }
                String digits;
                boolean signed = false;
                long v = size == 4 ? (conv == 'd' || conv == 'i' ? (int) arg : arg & 0xffffffffL) : arg;
                switch (conv) {
                    case 'd', 'i' -> {
                        signed = true;
                        digits = Long.toString(v);
                    }
                    case 'u' -> digits = Long.toUnsignedString(v);
                    case 'x' -> digits = Long.toHexString(v);
                    case 'X' -> digits = Long.toHexString(v).toUpperCase(java.util.Locale.ROOT);
                    default -> {
                        return fail(Errno.EINVAL);
                    }
                }
                number(out, digits, signed, plus, space, pad);
            }
            spec++;
        }
        byte[] all = out.toByteArray();
        int length = all.length;
        byte[] text = length < maxOutput ? all : java.util.Arrays.copyOf(all, Math.max(0, maxOutput - 1));
        return new Result(0, text, length);
    }

    private static int at(byte[] fmt, int i, int end) {
        return i < end ? fmt[i] & 0xff : 0;
    }

    private record Pad(boolean left, boolean zero, int width) {
        void emit(ByteArrayOutputStream out, byte[] body, boolean zeroAllowed) {
            int fill = Math.max(0, width - body.length);
            if (!left) {
                for (int k = 0; k < fill; k++) {
                    out.write(zero && zeroAllowed ? '0' : ' ');
                }
            }
            out.writeBytes(body);
            if (left) {
                for (int k = 0; k < fill; k++) {
                    out.write(' ');
                }
            }
        }
    }

    private static void number(ByteArrayOutputStream out, String digits, boolean signed, boolean plus, boolean space,
            Pad pad) {
        String sign = "";
        String magnitude = digits;
        if (signed) {
            if (digits.startsWith("-")) {
                sign = "-";
                magnitude = digits.substring(1);
            } else if (plus) {
                sign = "+";
            } else if (space) {
                sign = " ";
            }
        }
        int fill = Math.max(0, pad.width() - sign.length() - magnitude.length());
        StringBuilder sb = new StringBuilder();
        if (pad.left()) {
            sb.append(sign).append(magnitude).repeat(' ', fill);
        } else if (pad.zero()) {
            sb.append(sign).repeat('0', fill).append(magnitude);
        } else {
            sb.repeat(' ', fill).append(sign).append(magnitude);
        }
        out.writeBytes(sb.toString().getBytes(StandardCharsets.US_ASCII));
    }

    private static void pointer(ByteArrayOutputStream out, long value, Pad pad) {
        String hex = Long.toHexString(value);
        if (pad.width() < 0) {
            hex = "0".repeat(16 - hex.length()) + hex;
        }
        pad.emit(out, hex.getBytes(StandardCharsets.US_ASCII), true);
    }

    private static void string(ByteArrayOutputStream out, long address, AddressSpace memory, Pad pad) {
        byte[] s = readString(memory, address, MAX_STRING);
        pad.emit(out, s == null ? new byte[0] : s, false);
    }

    private static void ip(ByteArrayOutputStream out, long address, AddressSpace memory, boolean compact, int size,
            Pad pad) {
        byte[] a = memory.isAccessible(address, size, false) ? memory.read(address, size) : new byte[size];
        StringBuilder sb = new StringBuilder();
        if (size == 4) {
            for (int k = 0; k < 4; k++) {
                if (k > 0) {
                    sb.append('.');
                }
                String d = Integer.toString(a[k] & 0xff);
                sb.append(compact ? d : "0".repeat(3 - d.length()) + d);
            }
        } else {
            for (int k = 0; k < 16; k++) {
                if (compact && k > 0 && k % 2 == 0) {
                    sb.append(':');
                }
                sb.append(Character.forDigit((a[k] >> 4) & 0xf, 16)).append(Character.forDigit(a[k] & 0xf, 16));
            }
        }
        pad.emit(out, sb.toString().getBytes(StandardCharsets.US_ASCII), false);
    }

    /**
     * The NUL-terminated string at {@code address}, without the NUL and cut at {@code max} bytes, or
     * null when the address is unreadable or the region ends before a NUL within {@code max}.
     */
    public static byte[] readString(AddressSpace memory, long address, int max) {
        Region r = memory.regionOf(address);
        if (r == null || !memory.isAccessible(address, 0, false)) {
            return null;
        }
        int off = (int) address;
        int avail = r.size() - off;
        byte[] data = r.data();
        int base = r.base() + off;
        int limit = Math.min(avail, max);
        for (int k = 0; k < limit; k++) {
            if (data[base + k] == 0) {
                return java.util.Arrays.copyOfRange(data, base, base + k);
            }
        }
        return limit == max ? java.util.Arrays.copyOfRange(data, base, base + limit) : null;
    }

    static boolean isPrint(int c) {
        return c >= 0x20 && c < 0x7f;
    }

    static boolean isSpace(int c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    static boolean isPunct(int c) {
        return isPrint(c) && c != ' ' && !Character.isLetterOrDigit(c);
    }
}
