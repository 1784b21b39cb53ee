package dev.jvmbpf.helpers.internal;

import dev.jvmbpf.helpers.Errno;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.memory.AddressSpace;

/**
 * Packet helpers: skb_load_bytes (26), skb_store_bytes (9), xdp_load_bytes (189),
 * xdp_store_bytes (190) on the run's packet ({@link Machine#setPacket}, set by the skb and XDP
 * contexts), and csum_diff (28).
 */
public final class Packets {
    private static final long STORE_FLAGS = 0b11;
    /** The kernel's scratch buffer for csum_diff holds 512 bytes. */
    private static final long MAX_CSUM_DIFF = 512;
    private static final long MAX_SKB_OFFSET = 0xffff;

    private Packets() {
    }

    public static long skbLoadBytes(Machine m, long ctx, long offset, long to, long len, long r5) {
        return load(m, offset & 0xffff_ffffL, to, Mem.u32(len), "skb_load_bytes");
    }

    public static long xdpLoadBytes(Machine m, long ctx, long offset, long to, long len, long r5) {
        return load(m, offset & 0xffff_ffffL, to, Mem.u32(len), "xdp_load_bytes");
    }

    private static long load(Machine m, long offset, long to, long len, String helper) {
        AddressSpace mem = m.memory();
        Mem.require(mem, to, len, true, helper);
        if (len == 0) {
            return 0;
        }
        if (offset > Integer.MAX_VALUE || offset + len > m.packetLength()) {
            mem.write(to, new byte[(int) len], 0, (int) len);
            return -Errno.EFAULT;
        }
        mem.write(to, mem.read(m.packetAddress() + offset, (int) len), 0, (int) len);
        return 0;
    }

    public static long skbStoreBytes(Machine m, long ctx, long offset, long from, long len, long flags) {
        if ((flags & ~STORE_FLAGS) != 0) {
            return -Errno.EINVAL;
        }
        if ((offset & 0xffff_ffffL) > MAX_SKB_OFFSET) {
            return -Errno.EFAULT;
        }
        return store(m, offset & 0xffff_ffffL, from, Mem.u32(len), "skb_store_bytes");
    }

    public static long xdpStoreBytes(Machine m, long ctx, long offset, long from, long len, long r5) {
        return store(m, offset & 0xffff_ffffL, from, Mem.u32(len), "xdp_store_bytes");
    }

    private static long store(Machine m, long offset, long from, long len, String helper) {
        AddressSpace mem = m.memory();
        byte[] bytes = Mem.read(mem, from, len, helper);
        if (len == 0) {
            return 0;
        }
        if (offset + len > m.packetLength()) {
            return -Errno.EFAULT;
        }
        mem.write(m.packetAddress() + offset, bytes, 0, bytes.length);
        return 0;
    }

    /**
     * The 32-bit one's-complement sum of the complement of {@code from}'s words, {@code to}'s words
     * and {@code seed}, as the kernel's csum_diff computes it for incremental checksum updates.
     */
    public static long csumDiff(Machine m, long from, long fromSize, long to, long toSize, long seed) {
        long fs = Mem.u32(fromSize);
        long ts = Mem.u32(toSize);
        if (((fs | ts) & 3) != 0 || fs + ts > MAX_CSUM_DIFF) {
            return -Errno.EINVAL;
        }
        AddressSpace mem = m.memory();
        byte[] a = Mem.read(mem, from, fs, "csum_diff");
        byte[] b = Mem.read(mem, to, ts, "csum_diff");
        long sum = seed & 0xffff_ffffL;
        for (int i = 0; i < a.length; i += 4) {
            sum += ~word(a, i) & 0xffff_ffffL;
        }
        for (int i = 0; i < b.length; i += 4) {
            sum += word(b, i);
        }
        while ((sum >>> 32) != 0) {
            sum = (sum & 0xffff_ffffL) + (sum >>> 32);
        }
        return sum;
    }

    private static long word(byte[] b, int i) {
        return (b[i] & 0xffL) | (b[i + 1] & 0xffL) << 8 | (b[i + 2] & 0xffL) << 16 | (b[i + 3] & 0xffL) << 24;
    }
}
