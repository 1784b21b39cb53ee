package dev.jvmbpf.helpers.internal;

import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.maps.Errno;
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

    private static final long HDR_FIELD_MASK = 0xf;
    private static final long PSEUDO_HDR = 1 << 4;
    private static final long MARK_MANGLED_0 = 1 << 5;
    private static final long MARK_ENFORCE = 1 << 6;
    private static final long IPV6 = 1 << 7;
    private static final int CSUM_MANGLED_0 = 0xffff;

    /** The packet address of the 16-bit checksum at {@code offset}, or 0 when the kernel would say -EFAULT. */
    private static long checksumField(Machine m, long offset) {
        long off = offset & 0xffff_ffffL;
        if (off > MAX_SKB_OFFSET || (off & 1) != 0 || off + 2 > m.packetLength()) {
            return 0;
        }
        return m.packetAddress() + off;
    }

    /**
     * bpf_l3_csum_replace: updates the checksum at {@code offset} for a field that changed from
     * {@code from} to {@code to} (2 or 4 bytes, as stored), or by a csum_diff result (size 0).
     */
    public static long l3CsumReplace(Machine m, long ctx, long offset, long from, long to, long flags) {
        if ((flags & ~HDR_FIELD_MASK) != 0) {
            return -Errno.EINVAL;
        }
        long field = checksumField(m, offset);
        if (field == 0) {
            return -Errno.EFAULT;
        }
        AddressSpace mem = m.memory();
        int updated = replaced((int) mem.load16(field), from, to, flags, false);
        if (updated < 0) {
            return -Errno.EINVAL;
        }
        mem.store16(field, updated);
        return 0;
    }

    /**
     * bpf_l4_csum_replace: like l3, for a TCP/UDP checksum. With BPF_F_MARK_MANGLED_0 a zero
     * (absent UDP) checksum stays zero and a result of zero is stored as 0xffff. The packet is
     * not CHECKSUM_PARTIAL here, so BPF_F_PSEUDO_HDR changes nothing.
     */
    public static long l4CsumReplace(Machine m, long ctx, long offset, long from, long to, long flags) {
        if ((flags & ~(MARK_MANGLED_0 | MARK_ENFORCE | PSEUDO_HDR | HDR_FIELD_MASK | IPV6)) != 0) {
            return -Errno.EINVAL;
        }
        long field = checksumField(m, offset);
        if (field == 0) {
            return -Errno.EFAULT;
        }
        AddressSpace mem = m.memory();
        int sum = (int) mem.load16(field);
        boolean mangled0 = (flags & MARK_MANGLED_0) != 0;
        if (mangled0 && (flags & MARK_ENFORCE) == 0 && sum == 0) {
            return 0;
        }
        int updated = replaced(sum, from, to, flags, true);
        if (updated < 0) {
            return -Errno.EINVAL;
        }
        if (mangled0 && updated == 0) {
            updated = CSUM_MANGLED_0;
        }
        mem.store16(field, updated);
        return 0;
    }

    /**
     * The checksum after a field of the size in {@code flags} (BPF_F_HDR_FIELD_MASK) changed from
     * {@code from} to {@code to}, or -1 where the kernel says -EINVAL. Size 0: {@code to} is a
     * csum_diff result and {@code from} must be 0. Size 2 differs between the helpers as in the
     * kernel: l3 uses csum_replace2, l4 inet_proto_csum_replace2 (the 4-byte rule on 16-bit values).
     */
    private static int replaced(int sum, long from, long to, long flags, boolean l4) {
        return switch ((int) (flags & HDR_FIELD_MASK)) {
            case 0 -> from != 0 ? -1 : fold(add32(to & 0xffff_ffffL, ~sum & 0xffff_ffffL));
            case 2 -> l4 ? replace4(sum, from & 0xffff, to & 0xffff)
                    : ~add16(add16(~sum & 0xffff, (int) ~from & 0xffff), (int) to & 0xffff) & 0xffff;
            case 4 -> replace4(sum, from, to);
            default -> -1;
        };
    }

    private static int replace4(int sum, long from, long to) {
        long diff = add32(~from & 0xffff_ffffL, to & 0xffff_ffffL);
        return fold(add32(diff, ~sum & 0xffff_ffffL));
    }

    /** 32-bit one's-complement addition (end-around carry). */
    private static long add32(long a, long b) {
        long s = a + b;
        return (s & 0xffff_ffffL) + (s >>> 32);
    }

    private static int add16(int a, int b) {
        int s = a + b;
        return (s & 0xffff) + (s >>> 16);
    }

    /** Folds a 32-bit sum to 16 bits and complements it, giving the checksum to store. */
    private static int fold(long csum) {
        long s = (csum & 0xffff) + (csum >>> 16);
        s = (s & 0xffff) + (s >>> 16);
        return (int) ~s & 0xffff;
    }
}
