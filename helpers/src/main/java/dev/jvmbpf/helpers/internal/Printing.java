package dev.jvmbpf.helpers.internal;

import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.memory.AddressSpace;

/** trace_printk (6), trace_vprintk (177) and snprintf (165). */
public final class Printing {
    /** The kernel's limit of arguments for trace_vprintk and snprintf. */
    public static final int MAX_VARARGS = 12;
    private static final int TRACE_PRINTK_ARGS = 3;

    private Printing() {
    }

    public static long tracePrintk(Machine m, long fmt, long fmtSize, long a1, long a2, long a3) {
        byte[] f = Mem.read(m.memory(), fmt, Mem.u32(fmtSize), "trace_printk");
        return emit(m, Bprintf.format(f, f.length, new long[] {a1, a2, a3}, m.memory(), Bprintf.MAX_OUTPUT));
    }

    public static long traceVprintk(Machine m, long fmt, long fmtSize, long data, long dataLen, long r5) {
        long[] args = varargs(m.memory(), data, dataLen);
        if (args == null) {
            return -Errno.EINVAL;
        }
        byte[] f = Mem.read(m.memory(), fmt, Mem.u32(fmtSize), "trace_vprintk");
        return emit(m, Bprintf.format(f, f.length, args, m.memory(), Bprintf.MAX_OUTPUT));
    }

    /** Writes at most {@code size} bytes including a NUL; returns the full length plus one for the NUL. */
    public static long snprintf(Machine m, long str, long strSize, long fmt, long data, long dataLen) {
        AddressSpace mem = m.memory();
        long[] args = varargs(mem, data, dataLen);
        if (args == null) {
            // Both a length that is no multiple of 8 and more than 12 arguments: the kernel says EINVAL.
            return -Errno.EINVAL;
        }
        byte[] f = Bprintf.readString(mem, fmt, 1 << 16);
        if (f == null) {
            return -Errno.EINVAL;
        }
        byte[] withNul = java.util.Arrays.copyOf(f, f.length + 1);
        long capacity = Mem.u32(strSize);
        Mem.require(mem, str, capacity, true, "snprintf");
        int cap = (int) capacity;
        Bprintf.Result r = Bprintf.format(withNul, withNul.length, args, mem, Integer.MAX_VALUE);
        if (!r.ok()) {
            return r.error();
        }
        if (cap > 0) {
            int n = Math.min(r.text().length, cap - 1);
            byte[] out = new byte[n + 1];
            System.arraycopy(r.text(), 0, out, 0, n);
            mem.write(str, out, 0, n + 1);
        }
        return r.length() + 1L;
    }

    private static long[] varargs(AddressSpace mem, long data, long dataLen) {
        long len = dataLen & 0xffffffffL;
        if ((len & 7) != 0 || len > MAX_VARARGS * 8L) {
            return null;
        }
        long[] args = new long[(int) (len / 8)];
        for (int i = 0; i < args.length; i++) {
            args[i] = mem.load64(data + 8L * i);
        }
        return args;
    }

    private static long emit(Machine m, Bprintf.Result r) {
        if (!r.ok()) {
            return r.error();
        }
        String line = r.string();
        if (line.endsWith("\n")) {
            line = line.substring(0, line.length() - 1);
        }
        m.output().printk(line);
        return r.length();
    }
}
