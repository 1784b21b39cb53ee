package dev.jvmbpf.runtime.memory;

import dev.jvmbpf.runtime.isa.Alu;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The memory one run can reach, as a table of regions. A pointer is {@code id << 32 | offset}:
 * the high half selects the region (0 is never used, so NULL and small integers fault), the low
 * half is the offset inside it. Every access checks {@code offset + width <= size} with unsigned
 * arithmetic. Ids 1 to 8 are the stack frames (512 bytes each, frame 0 is the entry function's);
 * then come regions that live as long as the loaded program (global data), then regions added
 * during a run (context, packet, map values), which {@link #reset()} forgets.
 *
 * <p>Not thread-safe: each thread running a program uses its own address space.
 */
public final class AddressSpace {
    public static final int FRAME_SIZE = 512;
    public static final int MAX_FRAMES = 8;
    private static final int FIRST_FRAME_ID = 1;

    private final byte[] stack = new byte[FRAME_SIZE * MAX_FRAMES];
    private Region[] regions = new Region[32];
    private int count;
    private int staticCount;
    /** Counts resets: a registration made in an earlier run is no longer valid. */
    private long run;

    public AddressSpace() {
        regions[0] = null;
        for (int f = 0; f < MAX_FRAMES; f++) {
            regions[FIRST_FRAME_ID + f] = Region.slice("stack frame " + f, stack, f * FRAME_SIZE, FRAME_SIZE, true);
        }
        count = FIRST_FRAME_ID + MAX_FRAMES;
        staticCount = count;
    }

    /** The value of r10 in a frame: one past the top of its 512 bytes. */
    public static long frameTop(int depth) {
        return ((long) (FIRST_FRAME_ID + depth) << 32) | FRAME_SIZE;
    }

    /**
     * The array behind every stack frame: frame {@code depth} is bytes
     * {@code [depth * FRAME_SIZE, (depth + 1) * FRAME_SIZE)}. For compiled code, which reads and
     * writes the frame of its own depth directly.
     */
    public byte[] stack() {
        return stack;
    }

    /** Zeroes a stack frame, so a run never sees what an earlier run left there. */
    public void clearFrame(int depth) {
        System.arraycopy(ZERO_FRAME, 0, stack, depth * FRAME_SIZE, FRAME_SIZE);
    }

    private static final byte[] ZERO_FRAME = new byte[FRAME_SIZE];

    /** Adds a region that stays across {@link #reset()} (global data of the loaded program). */
    public long addStatic(Region region) {
        if (count != staticCount) {
            throw new IllegalStateException("static regions must be added before any run region");
        }
        long address = register(region);
        staticCount = count;
        return address;
    }

    /**
     * Makes a region reachable for the current run and returns its address. Registering the same
     * region again (a map value looked up in a loop) returns the address it already has.
     */
    public long register(Region region) {
        Region.Registration last = region.lastRegistration;
        if (last != null && last.space() == this && last.run() == run) {
            return last.address();
        }
        for (int i = count - 1, stop = Math.max(staticCount - 1, count - 16); i >= 1 && i >= stop; i--) {
            if (regions[i] == region) {
                return (long) i << 32;
            }
        }
        if (count == regions.length) {
            regions = Arrays.copyOf(regions, count * 2);
        }
        // Runs of one program mostly register the same regions in the same order (its context,
        // the values it looks up): storing only what changed saves the collector's write
        // barrier, a memory fence for a reference stored into an old array.
        if (regions[count] != region) {
            regions[count] = region;
        }
        long address = (long) count++ << 32;
        region.lastRegistration = new Region.Registration(this, run, address);
        return address;
    }

    /** How many regions the current run can reach (frames and static regions included); for tests. */
    int regionCount() {
        return count;
    }

    /**
     * Forgets the regions added during a run. Their slots keep the references until a later run
     * registers others there (see {@link #register}); nothing reads past {@code count}, and at most
     * as many regions stay reachable as one run registered.
     */
    public void reset() {
        count = staticCount;
        run++;
    }

    /** The region a pointer points into, or null. */
    public Region regionOf(long address) {
        long id = address >>> 32;
        return id > 0 && id < count ? regions[(int) id] : null;
    }

    private Region checked(long address, int width, boolean write) {
        long id = address >>> 32;
        if (id == 0 || id >= count) {
            throw miss(address, width);
        }
        Region r = regions[(int) id];
        if ((address & 0xffffffffL) + width > r.size) {
            throw miss(address, width);
        }
        if (write && !r.writable) {
            throw BpfFault.memory(FaultKind.READ_ONLY, address, width, "write to " + r);
        }
        return r;
    }

    /**
     * The fault of an access outside every region, naming the region the program most likely
     * meant: a pointer moved below the start of its region (a stack underflow, a negative offset
     * from a context or map value) lands in the slot before it, at an offset of 2 GiB or more, and
     * is reported as before that region, not as a null pointer or an access to its neighbour.
     */
    private BpfFault miss(long address, int width) {
        long id = address >>> 32;
        long offset = address & 0xffffffffL;
        if (offset >= 1L << 31 && id + 1 < count && id + 1 >= 1) {
            return BpfFault.memory(FaultKind.OUT_OF_BOUNDS, address, width,
                    ((1L << 32) - offset) + " bytes before the start of " + regions[(int) id + 1]);
        }
        if (id == 0) {
            return BpfFault.memory(FaultKind.NULL_POINTER, address, width, "null pointer");
        }
        if (id >= count) {
            return BpfFault.memory(FaultKind.OUT_OF_BOUNDS, address, width, "not in any region");
        }
        return BpfFault.memory(FaultKind.OUT_OF_BOUNDS, address, width, "outside " + regions[(int) id]);
    }

    /** Zero-extending load of 1, 2, 4 or 8 bytes. */
    public long load(long address, int width) {
        Region r = checked(address, width, false);
        if (r.view != null) {
            Long v = r.view.load(this, (int) address, width);
            if (v != null) {
                return v;
            }
        }
        return r.get((int) address, width);
    }

    public void store(long address, int width, long value) {
        checked(address, width, true).put((int) address, width, value);
    }

    public long load8(long address) {
        return load(address, 1);
    }

    public long load16(long address) {
        return load(address, 2);
    }

    public long load32(long address) {
        return load(address, 4);
    }

    public long load64(long address) {
        return load(address, 8);
    }

    public void store8(long address, long value) {
        store(address, 1, value);
    }

    public void store16(long address, long value) {
        store(address, 2, value);
    }

    public void store32(long address, long value) {
        store(address, 4, value);
    }

    public void store64(long address, long value) {
        store(address, 8, value);
    }

    private Region atomicTarget(long address, int width) {
        Region r = checked(address, width, true);
        if (((r.base + (int) address) & (width - 1)) != 0) {
            throw BpfFault.memory(FaultKind.MISALIGNED, address, width, "atomic access must be aligned");
        }
        return r;
    }

    /**
     * Performs atomic operation {@code op} (an {@code Opcodes.ATOMIC_*} immediate) of 4 or 8 bytes
     * and returns the old value (zero-extended for 4 bytes). For cmpxchg, {@code expected} is r0.
     *
     * <p>Byte-array views support no atomic access mode (the JDK cannot prove a {@code byte[]}
     * element aligned), so the read-modify-write of one array holds that array's monitor: every
     * atomic on the same memory is atomic with respect to the others, across threads.
     */
    public long atomic(int op, long address, int width, long operand, long expected) {
        Region r = atomicTarget(address, width);
        int offset = (int) address;
        synchronized (r.data) {
            long old = r.get(offset, width);
            long updated = Alu.atomicUpdate(op, width, old, operand, expected);
            r.put(offset, width, updated);
            return old;
        }
    }

    private Region orderedTarget(long address, int width, boolean write) {
        Region r = checked(address, width, write);
        if (((r.base + (int) address) & (width - 1)) != 0) {
            throw BpfFault.memory(FaultKind.MISALIGNED, address, width,
                    (write ? "store-release" : "load-acquire") + " must be aligned");
        }
        return r;
    }

    /** load-acquire of 1, 2, 4 or 8 bytes: no later access moves before it. */
    public long loadAcquire(long address, int width) {
        long v = orderedTarget(address, width, false).get((int) address, width);
        VarHandle.acquireFence();
        return v;
    }

    /** store-release of 1, 2, 4 or 8 bytes: no earlier access moves after it. */
    public void storeRelease(long address, int width, long value) {
        Region r = orderedTarget(address, width, true);
        VarHandle.releaseFence();
        r.put((int) address, width, value);
    }

    /** Copies {@code length} bytes the program may read, for helpers; faults like a load would. */
    public byte[] read(long address, int length) {
        byte[] out = new byte[length];
        if (length == 0) {
            return out;
        }
        Region r = checked(address, length, false);
        System.arraycopy(r.data, r.base + (int) address, out, 0, length);
        return out;
    }

    /** Copies bytes into memory the program may write, for helpers; faults like a store would. */
    public void write(long address, byte[] src, int from, int length) {
        if (length == 0) {
            return;
        }
        Region r = checked(address, length, true);
        System.arraycopy(src, from, r.data, r.base + (int) address, length);
    }

    /** True when {@code [address, address + length)} lies inside one region (and is writable if asked). */
    public boolean isAccessible(long address, long length, boolean write) {
        long id = address >>> 32;
        if (id == 0 || id >= count || length < 0) {
            return false;
        }
        Region r = regions[(int) id];
        return (address & 0xffffffffL) + length <= r.size && (!write || r.writable);
    }
}
