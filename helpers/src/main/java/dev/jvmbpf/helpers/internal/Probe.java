package dev.jvmbpf.helpers.internal;

import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.memory.AddressSpace;
import dev.jvmbpf.runtime.memory.Region;

/**
 * The probe_read family (4, 45, 112-115). The source may be any value: memory the program cannot
 * reach reads as a fault, which zero-fills the destination and returns -EFAULT as in the kernel.
 * The destination is the program's own memory (the verifier checked it), so a bad one faults.
 */
public final class Probe {
    private Probe() {
    }

    public static long read(Machine m, long dst, long size, long src, long r4, long r5) {
        long len = Mem.u32(size);
        if (len == 0) {
            return 0;
        }
        AddressSpace mem = m.memory();
        Mem.require(mem, dst, len, true, "probe_read");
        int n = (int) len;
        if (!mem.isAccessible(src, n, false)) {
            mem.write(dst, new byte[n], 0, n);
            return -Errno.EFAULT;
        }
        byte[] bytes = mem.read(src, n);
        mem.write(dst, bytes, 0, n);
        return 0;
    }

    /**
     * Copies the string at {@code src} with its NUL, at most {@code size} bytes (a longer string is
     * cut and NUL-terminated), and returns the bytes written including the NUL. Bytes of the
     * destination after the NUL are left alone.
     */
    public static long readStr(Machine m, long dst, long size, long src, long r4, long r5) {
        long len = Mem.u32(size);
        if (len == 0) {
            return 0;
        }
        AddressSpace mem = m.memory();
        Mem.require(mem, dst, len, true, "probe_read_str");
        int n = (int) len;
        byte[] s = Bprintf.readString(mem, src, n - 1);
        if (s == null) {
            mem.write(dst, new byte[n], 0, n);
            return -Errno.EFAULT;
        }
        byte[] out = new byte[s.length + 1];
        System.arraycopy(s, 0, out, 0, s.length);
        mem.write(dst, out, 0, out.length);
        return out.length;
    }

    /**
     * bpf_probe_write_user: writes into memory the program can reach and write (there is no other
     * user memory here); anything else is -EFAULT.
     */
    public static long writeUser(Machine m, long dst, long src, long size, long r4, long r5) {
        long len = Mem.u32(size);
        AddressSpace mem = m.memory();
        byte[] bytes = Mem.read(mem, src, len, "probe_write_user");
        if (len == 0) {
            return 0;
        }
        if (!mem.isAccessible(dst, len, true)) {
            return -Errno.EFAULT;
        }
        mem.write(dst, bytes, 0, bytes.length);
        return 0;
    }

    /** Whether {@code [address, address + length)} can be read: used by helpers that tolerate bad pointers. */
    static boolean readable(AddressSpace mem, long address, long length) {
        Region r = mem.regionOf(address);
        return r != null && mem.isAccessible(address, length, false);
    }
}
