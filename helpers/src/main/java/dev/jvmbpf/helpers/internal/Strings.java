package dev.jvmbpf.helpers.internal;

import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.memory.AddressSpace;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.memory.FaultKind;

/** strncmp (182), strtol (105) and strtoul (106) with the kernel's semantics. */
public final class Strings {
    /** Low bits of the flags of strtol/strtoul select the base; no other bit may be set. */
    private static final long BASE_MASK = 0x1f;
    /** The kernel copies at most this many characters after the sign before parsing. */
    private static final int MAX_DIGITS = 63;

    private Strings() {
    }

    /** Compares {@code s1[0..s1Size)} with the string {@code s2}; returns -1, 0 or 1 like the kernel's strncmp. */
    public static long strncmp(Machine m, long s1, long s1Size, long s2, long r4, long r5) {
        AddressSpace mem = m.memory();
        byte[] a = Mem.read(mem, s1, Mem.u32(s1Size), "strncmp");
        int n = a.length;
        byte[] b = Bprintf.readString(mem, s2, Integer.MAX_VALUE);
        if (b == null) {
            throw BpfFault.memory(FaultKind.OUT_OF_BOUNDS, s2, 1, "strncmp: no NUL-terminated string");
        }
        for (int i = 0; i < n; i++) {
            int c1 = a[i] & 0xff;
            int c2 = i < b.length ? b[i] & 0xff : 0;
            if (c1 != c2) {
                return c1 < c2 ? -1 : 1;
            }
            if (c1 == 0) {
                return 0;
            }
        }
        return 0;
    }

    public static long strtol(Machine m, long buf, long bufLen, long flags, long res, long r5) {
        m.memory().store64(res, 0);
        Parsed p = parse(m.memory(), buf, bufLen, flags);
        if (p.error != 0) {
            return p.error;
        }
        long v;
        if (p.negative) {
            if (-p.magnitude > 0) {
                return -Errno.ERANGE;
            }
            v = -p.magnitude;
        } else {
            if (p.magnitude < 0) {
                return -Errno.ERANGE;
            }
            v = p.magnitude;
        }
        m.memory().store64(res, v);
        return p.consumed;
    }

    public static long strtoul(Machine m, long buf, long bufLen, long flags, long res, long r5) {
        m.memory().store64(res, 0);
        Parsed p = parse(m.memory(), buf, bufLen, flags);
        if (p.error != 0) {
            return p.error;
        }
        if (p.negative) {
            return -Errno.EINVAL;
        }
        m.memory().store64(res, p.magnitude);
        return p.consumed;
    }

    private record Parsed(int error, boolean negative, long magnitude, int consumed) {
        static Parsed fail(int errno) {
            return new Parsed(-errno, false, 0, 0);
        }
    }

    /** Parses an unsigned magnitude after optional white space and '-' (never '+'). */
    static Parsed parse(AddressSpace mem, long buf, long bufLen, long flags) {
        long size = Mem.u32(bufLen);
        int base = (int) (flags & BASE_MASK);
        if (size == 0 || (flags & ~BASE_MASK) != 0 || (base != 0 && base != 8 && base != 10 && base != 16)) {
            return Parsed.fail(Errno.EINVAL);
        }
        byte[] s = Mem.read(mem, buf, size, "strtol");
        int len = s.length;
        int i = 0;
        while (i < len && isSpace(s[i] & 0xff)) {
            i++;
        }
        boolean negative = i < len && s[i] == '-';
        if (negative) {
            i++;
        }
        if (i == len) {
            return Parsed.fail(Errno.EINVAL);
        }
        int start = i;
        int stop = Math.min(len, start + MAX_DIGITS);
        int c0 = charAt(s, i, stop);
        int c1 = Character.toLowerCase(charAt(s, i + 1, stop));
        if (base == 0) {
            base = c0 == '0' ? (c1 == 'x' && Character.digit(charAt(s, i + 2, stop), 16) >= 0 ? 16 : 8) : 10;
        }
        if (base == 16 && c0 == '0' && c1 == 'x') {
            i += 2;
        }
        long acc = 0;
        boolean overflow = false;
        int digitsStart = i;
        for (; i < stop; i++) {
            int c = s[i] & 0xff;
            int d = c < 0x80 ? Character.digit(c, 16) : -1;
            if (d < 0 || d >= base) {
                break;
            }
            if (Long.compareUnsigned(acc, Long.divideUnsigned(-1L - d, base)) > 0) {
                overflow = true;
            }
            acc = acc * base + d;
        }
        if (overflow) {
            return Parsed.fail(Errno.ERANGE);
        }
        if (i == digitsStart) {
            return Parsed.fail(Errno.EINVAL);
        }
        return new Parsed(0, negative, acc, i);
    }

    private static int charAt(byte[] s, int i, int stop) {
        return i < stop ? s[i] & 0xff : 0;
    }

    /** The kernel's isspace: the C white space and the Latin-1 non-breaking space. */
    private static boolean isSpace(int c) {
        return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
    }
}
