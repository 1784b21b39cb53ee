package dev.jvmbpf.helpers.internal;

import dev.jvmbpf.runtime.exec.CallbackInvoker;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.maps.RingBufferMap;
import dev.jvmbpf.runtime.maps.UserRingBufferMap;
import dev.jvmbpf.runtime.memory.AddressSpace;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.memory.FaultKind;
import dev.jvmbpf.runtime.memory.Region;

/**
 * The dynptr helpers (197-203) and bpf_user_ringbuf_drain (209). A dynptr is the kernel's 16-byte
 * {@code struct bpf_dynptr_kern} in program memory: the data's address (u64), then a u32 holding
 * the size in its low 24 bits, the type in bits 28-30 and read-only in bit 31, then a u32 offset.
 * A program that forges one gets at most a fault: every access goes through the address space.
 */
public final class Dynptrs {
    /** The kernel's DYNPTR_MAX_SIZE: sizes fit in 24 bits. */
    static final long MAX_SIZE = (1 << 24) - 1;
    private static final int TYPE_SHIFT = 28;
    private static final long TYPE_MASK = 0x7;
    private static final long READ_ONLY = 1L << 31;
    static final int TYPE_LOCAL = 1;
    static final int TYPE_RINGBUF = 2;
    /** sizeof(struct bpf_dynptr). */
    static final int BYTES = 16;

    private Dynptrs() {
    }

    private record Dynptr(long data, long size, int type, boolean readOnly, long offset) {
        boolean isNull() {
            return data == 0;
        }

        /** The kernel's bpf_dynptr_check_off_len. */
        boolean fits(long off, long len) {
            return len <= size && off <= size - len;
        }
    }

    private static Dynptr read(Machine m, long address, String helper) {
        byte[] b = Mem.read(m.memory(), address, BYTES, helper);
        long data = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(0);
        long word = Integer.toUnsignedLong(java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(8));
        long offset = Integer.toUnsignedLong(java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(12));
        return new Dynptr(data, word & MAX_SIZE, (int) ((word >>> TYPE_SHIFT) & TYPE_MASK), (word & READ_ONLY) != 0,
                offset);
    }

    private static void write(Machine m, long address, long data, long size, int type) {
        Mem.require(m.memory(), address, BYTES, true, "dynptr");
        m.memory().store64(address, data);
        m.memory().store32(address + 8, size | (long) type << TYPE_SHIFT);
        m.memory().store32(address + 12, 0);
    }

    /** The kernel's bpf_dynptr_set_null: the dynptr is invalid, and its helpers refuse it. */
    private static void setNull(Machine m, long address) {
        write(m, address, 0, 0, 0);
    }

    /** A dynptr over {@code region}, written to a fresh read-only 16-byte region; returns its address. */
    static long local(AddressSpace mem, Region region) {
        long data = mem.register(region);
        byte[] b = new byte[BYTES];
        java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0, data)
                .putInt(8, (int) (region.size() | (long) TYPE_LOCAL << TYPE_SHIFT));
        return mem.register(Region.of("dynptr of " + region.name(), b, false));
    }

    /** bpf_dynptr_from_mem(data, size, flags, ptr): a local dynptr; -EINVAL for flags, -E2BIG past 2^24-1. */
    public static long fromMem(Machine m, long data, long size, long flags, long ptr, long r5) {
        long n = Mem.u32(size);
        int error = flags != 0 ? Errno.EINVAL : n > MAX_SIZE ? Errno.E2BIG : 0;
        if (error != 0) {
            setNull(m, ptr);
            return -error;
        }
        write(m, ptr, data, n, TYPE_LOCAL);
        return 0;
    }

    /** bpf_ringbuf_reserve_dynptr(map, size, flags, ptr): 0, or -EINVAL / -E2BIG with a null dynptr. */
    public static long ringbufReserve(Machine m, long map, long size, long flags, long ptr, long r5) {
        if (!(Maps.map(m, map, "ringbuf_reserve_dynptr") instanceof RingBufferMap rb) || flags != 0) {
            setNull(m, ptr);
            return -Errno.EINVAL;
        }
        long n = Mem.u32(size);
        if (n > MAX_SIZE) {
            setNull(m, ptr);
            return -Errno.E2BIG;
        }
        Region record = rb.reserve(n);
        if (record == null) {
            setNull(m, ptr);
            return -Errno.EINVAL; // the kernel's answer to a full ring here
        }
        write(m, ptr, m.memory().register(record), n, TYPE_RINGBUF);
        return 0;
    }

    public static long ringbufSubmit(Machine m, long ptr, long flags, long r3, long r4, long r5) {
        return commit(m, ptr, flags, false);
    }

    public static long ringbufDiscard(Machine m, long ptr, long flags, long r3, long r4, long r5) {
        return commit(m, ptr, flags, true);
    }

    /** A null dynptr (a failed reserve) is left alone; any other is committed and made null. */
    private static long commit(Machine m, long ptr, long flags, boolean discard) {
        Dynptr d = read(m, ptr, discard ? "ringbuf_discard_dynptr" : "ringbuf_submit_dynptr");
        if (d.isNull()) {
            return 0;
        }
        if (d.type() != TYPE_RINGBUF) {
            throw BpfFault.of(FaultKind.HELPER, (discard ? "ringbuf_discard_dynptr" : "ringbuf_submit_dynptr")
                    + ": the dynptr is not a ring-buffer dynptr");
        }
        Buffers.commit(m, d.data(), discard, flags);
        setNull(m, ptr);
        return 0;
    }

    /** bpf_dynptr_read(dst, len, src, offset, flags): -EINVAL for a null source or flags, -E2BIG out of range. */
    public static long read(Machine m, long dst, long len, long src, long offset, long flags) {
        Dynptr d = read(m, src, "dynptr_read");
        long n = Mem.u32(len);
        long off = Mem.u32(offset);
        if (d.isNull() || flags != 0) {
            return -Errno.EINVAL;
        }
        if (!d.fits(off, n)) {
            return -Errno.E2BIG;
        }
        byte[] bytes = Mem.read(m.memory(), d.data() + d.offset() + off, n, "dynptr_read");
        Mem.require(m.memory(), dst, n, true, "dynptr_read");
        m.memory().write(dst, bytes, 0, bytes.length);
        return 0;
    }

    /** bpf_dynptr_write(dst, offset, src, len, flags): -EINVAL for a null or read-only dynptr or flags. */
    public static long write(Machine m, long dst, long offset, long src, long len, long flags) {
        Dynptr d = read(m, dst, "dynptr_write");
        long n = Mem.u32(len);
        long off = Mem.u32(offset);
        if (d.isNull() || d.readOnly()) {
            return -Errno.EINVAL;
        }
        if (!d.fits(off, n)) {
            return -Errno.E2BIG;
        }
        if (flags != 0) {
            return -Errno.EINVAL;
        }
        byte[] bytes = Mem.read(m.memory(), src, n, "dynptr_write");
        Mem.require(m.memory(), d.data() + d.offset() + off, n, true, "dynptr_write");
        m.memory().write(d.data() + d.offset() + off, bytes, 0, bytes.length);
        return 0;
    }

    /** bpf_dynptr_data(ptr, offset, len): the address of the bytes, or NULL (null, read-only, out of range). */
    public static long data(Machine m, long ptr, long offset, long len, long r4, long r5) {
        Dynptr d = read(m, ptr, "dynptr_data");
        long n = Mem.u32(len);
        long off = Mem.u32(offset);
        if (d.isNull() || !d.fits(off, n) || d.readOnly()) {
            return 0;
        }
        return d.data() + d.offset() + off;
    }

    /**
     * bpf_user_ringbuf_drain(map, callback, ctx, flags): calls {@code callback(dynptr, ctx)} per
     * sample, a local dynptr over a copy of it, until the callback returns non-zero; returns the
     * samples handed, -EINVAL for flags other than BPF_RB_NO_WAKEUP (1) and BPF_RB_FORCE_WAKEUP
     * (2), -EBUSY while another drain of the ring runs.
     */
    public static long userRingbufDrain(Machine m, long map, long callback, long ctx, long flags, long r5) {
        if (!(Maps.map(m, map, "user_ringbuf_drain") instanceof UserRingBufferMap ring) || (flags & ~3L) != 0) {
            return -Errno.EINVAL;
        }
        CallbackInvoker invoker = m.callbackInvoker();
        if (invoker == null) {
            throw BpfFault.of(FaultKind.HELPER, "user_ringbuf_drain: this engine does not support callbacks");
        }
        AddressSpace mem = m.memory();
        return ring.drain(sample -> invoker.invoke(m, callback,
                local(mem, Region.of(ring.spec().name() + " sample", sample, true)), ctx, 0, 0, 0));
    }
}
