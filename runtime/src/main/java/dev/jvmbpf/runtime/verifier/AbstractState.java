package dev.jvmbpf.runtime.verifier;

import java.util.Arrays;
import java.util.function.UnaryOperator;

/** The abstract machine state on one path: a stack of frames, each with registers and stack. */
final class AbstractState {
    static final int REGS = 11;
    static final int SLOTS = Verifier.STACK_SIZE / 8;

    /** One function's registers and stack; byte i of {@code written} is r10 - 512 + i. */
    static final class Frame {
        final RegValue[] regs = new RegValue[REGS];
        final long[] written = new long[Verifier.STACK_SIZE / 64];
        final RegValue[] spills = new RegValue[SLOTS];
        /** The bytes the kernel knows hold zero (its STACK_ZERO): zeros stored at offsets it does not spill at. */
        final long[] zeros = new long[Verifier.STACK_SIZE / 64];
        /**
         * The bytes the kernel holds as data of no known value (its STACK_MISC), as stores this
         * analysis follows byte for byte leave them; bytes written otherwise (by helpers, at
         * variable offsets) are in neither set, as their kernel type is not known here.
         */
        final long[] misc = new long[Verifier.STACK_SIZE / 64];
        /**
         * Per slot: a scalar stored at the slot's first byte, of {@link #scalarSpillSizes} bytes (the
         * kernel spills any scalar stored at a multiple of 8, narrow ones included: its STACK_SPILL
         * bytes); null for none.
         */
        final RegValue[] scalarSpills = new RegValue[SLOTS];
        final byte[] scalarSpillSizes = new byte[SLOTS];
        final int returnPc;
        /**
         * The kernel's callback_depth: how many iterations of the callback a helper called from
         * this frame has been followed through on this path (bpf_loop follows at most its count).
         */
        int callbackDepth;

        Frame(int returnPc) {
            this.returnPc = returnPc;
            Arrays.fill(regs, RegValue.NOT_INIT);
        }

        Frame copy() {
            Frame f = new Frame(returnPc);
            System.arraycopy(regs, 0, f.regs, 0, REGS);
            System.arraycopy(written, 0, f.written, 0, written.length);
            System.arraycopy(spills, 0, f.spills, 0, SLOTS);
            f.callbackDepth = callbackDepth;
            System.arraycopy(zeros, 0, f.zeros, 0, zeros.length);
            System.arraycopy(misc, 0, f.misc, 0, misc.length);
            System.arraycopy(scalarSpills, 0, f.scalarSpills, 0, SLOTS);
            System.arraycopy(scalarSpillSizes, 0, f.scalarSpillSizes, 0, SLOTS);
            return f;
        }

        /** The index of the first unwritten byte of [off, off + size) (r10-relative, inside the frame), or -1. */
        int firstUnwritten(long off, int size) {
            for (int k = 0; k < size; k++) {
                int i = (int) (off + k + Verifier.STACK_SIZE);
                if ((written[i >>> 6] & (1L << i)) == 0) {
                    return k;
                }
            }
            return -1;
        }

        /**
         * Marks bytes [off, off + size) written with bytes not known, clipped to the frame, and
         * forgets spills they touch. As the kernel's write of such bytes into a slot holding a
         * spill, the slot's other bytes are no longer known to be zero either.
         */
        void markWritten(long off, long size) {
            long from = Math.max(off, -Verifier.STACK_SIZE);
            long to = Math.min(off + size, 0);
            for (long b = from; b < to; b++) {
                int i = (int) (b + Verifier.STACK_SIZE);
                int slot = i >>> 3;
                if (spills[slot] != null || scalarSpills[slot] != null) {
                    zeros[slot >>> 3] &= ~slotBits(slot);
                    misc[slot >>> 3] &= ~slotBits(slot);
                    scalarSpills[slot] = null;
                }
                written[i >>> 6] |= 1L << i;
                zeros[i >>> 6] &= ~(1L << i);
                misc[i >>> 6] &= ~(1L << i);
                spills[slot] = null;
            }
        }

        /**
         * A store of {@code size} bytes of {@code v} at the fixed offset {@code off} (inside the
         * frame), typed as the kernel types the bytes (check_stack_write_fixed_off): a scalar (or a
         * value not followed, taken as one) at a multiple of 8 is a spill, whatever its size, and
         * leaves the slot's other zero bytes zero; a pointer is a spill of the whole slot; other
         * stores make their bytes zero when the value is the constant 0, else not known.
         */
        void store(long off, int size, RegValue v) {
            int i = (int) (off + Verifier.STACK_SIZE);
            int slot = i >>> 3;
            boolean scalar = !v.kind().isPointer();
            if (scalar && (off & 7) == 0) {
                long kept = zeros[slot >>> 3] & slotBits(slot);
                markWritten(off, size);
                zeros[slot >>> 3] |= kept;
                long spilled = ((1L << size) - 1) << ((slot & 7) * 8);
                if (size == 8) {
                    spilled = slotBits(slot);
                }
                zeros[slot >>> 3] &= ~spilled;
                // The slot's other written bytes: zero ones stay zero, the rest is data (mark_stack_slot_misc).
                misc[slot >>> 3] = misc[slot >>> 3] & ~slotBits(slot)
                        | written[slot >>> 3] & slotBits(slot) & ~spilled & ~zeros[slot >>> 3];
                scalarSpills[slot] = v;
                scalarSpillSizes[slot] = (byte) size;
                return;
            }
            int last = (int) (Math.min(off + size, 0) - 1 + Verifier.STACK_SIZE) >>> 3;
            boolean[] special = new boolean[last - slot + 1];
            for (int t = slot; t <= last; t++) {
                special[t - slot] = spills[t] != null || scalarSpills[t] != null;
            }
            markWritten(off, size);
            for (int t = slot; t <= last; t++) {
                if (special[t - slot]) {
                    // The kernel's scrub of a slot that held a spill: every byte written is data now.
                    misc[t >>> 3] |= written[t >>> 3] & slotBits(t);
                }
            }
            boolean zero = scalar && v.isConstant() && v.min() == 0;
            for (int k = 0; k < size && off + k < 0; k++) {
                long bit = 1L << (i + k);
                zeros[(i + k) >>> 6] = zero ? zeros[(i + k) >>> 6] | bit : zeros[(i + k) >>> 6] & ~bit;
                misc[(i + k) >>> 6] = zero ? misc[(i + k) >>> 6] & ~bit : misc[(i + k) >>> 6] | bit;
            }
        }

        /** The bits of slot {@code slot}'s bytes in its word of {@link #written}, {@link #zeros} or {@link #misc}. */
        private static long slotBits(int slot) {
            return 0xffL << ((slot & 7) * 8);
        }

        /**
         * The kernel's get_constant_map_key for a key of {@code keySize} bytes at the fixed offset
         * {@code off}: the constant 0 when the key's bytes are zero, up to the end of their slot;
         * the spilled scalar when a spill of the slot ends exactly where the key does (its whole
         * value, as the kernel takes it); otherwise null (the kernel has no constant key).
         */
        RegValue constantKey(long off, int keySize) {
            int i = (int) (off + Verifier.STACK_SIZE);
            int slot = i >>> 3;
            int inSlot = i & 7;
            if (inSlot + keySize <= 8) {
                boolean zero = true;
                for (int k = 0; k < keySize; k++) {
                    zero &= (zeros[(i + k) >>> 6] & (1L << (i + k))) != 0;
                }
                if (zero) {
                    return RegValue.constant(0);
                }
            }
            RegValue spilled = scalarSpills[slot];
            if (spilled == null || scalarSpillSizes[slot] - inSlot != keySize) {
                return null;
            }
            return spilled;
        }

        /**
         * What the kernel reads as a constant from {@code size} bytes at the fixed offset
         * {@code off} that are not a whole 8-byte spill (check_stack_read_fixed_off): zero bytes
         * read as 0; the first bytes of a narrow spill of a constant read as its low bytes;
         * otherwise null.
         */
        RegValue narrowConstant(long off, int size) {
            int i = (int) (off + Verifier.STACK_SIZE);
            boolean zero = true;
            for (int k = 0; k < size; k++) {
                zero &= (zeros[(i + k) >>> 6] & (1L << (i + k))) != 0;
            }
            if (zero) {
                return RegValue.constant(0);
            }
            RegValue spilled = scalarSpills[i >>> 3];
            if ((i & 7) != 0 || spilled == null || size > scalarSpillSizes[i >>> 3] || !spilled.isConstant()
                    || spilled.imprecise()) {
                return null;
            }
            return RegValue.constant(size == 8 ? spilled.min() : spilled.min() & ((1L << (8 * size)) - 1));
        }

        RegValue spill(long off) {
            return spills[(int) (off + Verifier.STACK_SIZE) >>> 3];
        }

        void setSpill(long off, RegValue v) {
            spills[(int) (off + Verifier.STACK_SIZE) >>> 3] = v;
        }

        boolean covers(Frame o) {
            // As the kernel: a state with more iterations left covers one with fewer.
            if (returnPc != o.returnPc || callbackDepth > o.callbackDepth) {
                return false;
            }
            for (int r = 0; r < REGS; r++) {
                if (!regs[r].covers(o.regs[r])) {
                    return false;
                }
            }
            for (int w = 0; w < written.length; w++) {
                // A byte unwritten in the covering state was never read from it without an error.
                if ((written[w] & ~o.written[w]) != 0) {
                    return false;
                }
            }
            for (int s = 0; s < SLOTS; s++) {
                RegValue mine = spills[s] == null ? RegValue.ANY_SCALAR : spills[s];
                if (!mine.covers(o.spills[s] == null ? RegValue.ANY_SCALAR : o.spills[s])) {
                    return false;
                }
            }
            // A constant key known here and not there could make a lookup non-null here only.
            for (int w = 0; w < zeros.length; w++) {
                if ((zeros[w] & ~o.zeros[w]) != 0) {
                    return false;
                }
            }
            for (int s = 0; s < SLOTS; s++) {
                if (scalarSpills[s] != null && scalarSpills[s].isConstant() && (o.scalarSpills[s] == null
                        || scalarSpillSizes[s] != o.scalarSpillSizes[s] || !scalarSpills[s].covers(o.scalarSpills[s]))) {
                    return false;
                }
            }
            return true;
        }

        void joinWith(Frame o) {
            callbackDepth = Math.min(callbackDepth, o.callbackDepth);
            for (int r = 0; r < REGS; r++) {
                regs[r] = regs[r].join(o.regs[r]);
            }
            // Written in the join: written on both paths. (A union would hide a read that one
            // path makes of a byte it never wrote.)
            for (int w = 0; w < written.length; w++) {
                written[w] &= o.written[w];
            }
            for (int s = 0; s < SLOTS; s++) {
                RegValue a = spills[s];
                RegValue b = o.spills[s];
                if (a != null || b != null) {
                    RegValue j = (a == null ? RegValue.ANY_SCALAR : a).join(b == null ? RegValue.ANY_SCALAR : b);
                    spills[s] = j.kind() == RegValue.Kind.SCALAR && j.equals(RegValue.ANY_SCALAR) ? null : j;
                }
            }
            for (int w = 0; w < zeros.length; w++) {
                zeros[w] &= o.zeros[w];
                misc[w] &= o.misc[w];
            }
            for (int s = 0; s < SLOTS; s++) {
                if (scalarSpills[s] != null && (o.scalarSpills[s] == null
                        || scalarSpillSizes[s] != o.scalarSpillSizes[s])) {
                    scalarSpills[s] = null;
                } else if (scalarSpills[s] != null) {
                    scalarSpills[s] = scalarSpills[s].join(o.scalarSpills[s]);
                }
            }
        }
    }

    Frame[] frames;
    /** Inside a bpf_rcu_read_lock section (KfuncCalls). */
    boolean rcuLocked;
    /** The kernel references held (ids of KPTR values, sorted; KfuncCalls); never modified in place. */
    int[] kernelRefs = NO_REFS;
    static final int[] NO_REFS = new int[0];
    /**
     * The references the path holds and must release before the program exits (the kernel's
     * acquired references): pairs of reference id and the pc of the call that acquired it, never
     * modified in place, so that copies share it.
     */
    private int[] refs = NO_REFS;

    AbstractState(Frame[] frames) {
        this.frames = frames;
    }

    /** A state this path had at a loop head (a back-edge target), for the kernel's infinite-loop check. */
    record Checkpoint(int pc, AbstractState state, Checkpoint parent) {
    }

    /** The loop-head states of this path, latest first (shared by copies, never modified). */
    Checkpoint path;
    /** Set once the path went through a join of states: its values are no longer what runs. */
    boolean widened;
    /**
     * Set once the path took a side of a branch this analysis could not decide on a value it
     * knows less well than the kernel (an imprecise scalar, a value not followed): the kernel,
     * which may decide that branch, may never walk the rest of the path.
     */
    boolean guessed;

    /** Whether the kernel walks this path as it is: neither joined nor past a guessed branch. */
    boolean kernelPath() {
        return !widened && !guessed;
    }
    /** How many times the path went on past a may_goto (the kernel's may_goto_depth). */
    int mayGotoDepth;

    AbstractState copy() {
        Frame[] f = new Frame[frames.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = frames[i].copy();
        }
        AbstractState c = new AbstractState(f);
        c.rcuLocked = rcuLocked;
        c.kernelRefs = kernelRefs;
        c.refs = refs;
        c.path = path;
        c.widened = widened;
        c.guessed = guessed;
        c.mayGotoDepth = mayGotoDepth;
        return c;
    }

    /** Whether both states are the same in every register, stack byte, spill and reference. */
    boolean sameAs(AbstractState o) {
        if (frames.length != o.frames.length || !Arrays.equals(refs, o.refs) || mayGotoDepth != o.mayGotoDepth
                || rcuLocked != o.rcuLocked || !Arrays.equals(kernelRefs, o.kernelRefs)) {
            return false;
        }
        for (int i = 0; i < frames.length; i++) {
            Frame a = frames[i];
            Frame b = o.frames[i];
            if (a.returnPc != b.returnPc || a.callbackDepth != b.callbackDepth || !Arrays.equals(a.regs, b.regs)
                    || !Arrays.equals(a.written, b.written)
                    || !Arrays.equals(a.spills, b.spills) || !Arrays.equals(a.zeros, b.zeros)
                    || !Arrays.equals(a.misc, b.misc)
                    || !Arrays.equals(a.scalarSpills, b.scalarSpills)
                    || !Arrays.equals(a.scalarSpillSizes, b.scalarSpillSizes)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether every value of this state is one the kernel would hold too: no imprecise scalar, no
     * value of a type not followed, no written stack byte the kernel may type otherwise (spills,
     * zero bytes and data stored by followed stores are known; helper writes and variable-offset
     * writes are tracked only as written).
     */
    boolean exact() {
        for (Frame f : frames) {
            for (RegValue r : f.regs) {
                if (r.kind() == RegValue.Kind.UNKNOWN || r.imprecise()) {
                    return false;
                }
            }
            for (int slot = 0; slot < SLOTS; slot++) {
                RegValue v = f.spills[slot];
                long bits = f.written[slot >>> 3] >>> ((slot & 7) * 8) & 0xff;
                if (v != null) {
                    if (v.kind() == RegValue.Kind.UNKNOWN || v.imprecise()) {
                        return false;
                    }
                    continue;
                }
                // Bytes known: zero bytes, data bytes, and those of a narrow (or any-scalar) spill known exactly.
                long known = (f.zeros[slot >>> 3] | f.misc[slot >>> 3]) >>> ((slot & 7) * 8) & 0xff;
                RegValue scalar = f.scalarSpills[slot];
                if (scalar != null && scalar.kind() != RegValue.Kind.UNKNOWN && !scalar.imprecise()) {
                    known |= (1L << f.scalarSpillSizes[slot]) - 1;
                }
                if ((bits & ~known) != 0) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Records reference {@code id}, acquired by the call at {@code pc}. */
    void acquire(int id, int pc) {
        release(id);
        int[] r = Arrays.copyOf(refs, refs.length + 2);
        r[refs.length] = id;
        r[refs.length + 1] = pc;
        refs = r;
    }

    /** Drops reference {@code id}; whether the path held it. */
    boolean release(int id) {
        for (int i = 0; i < refs.length; i += 2) {
            if (refs[i] == id) {
                int[] r = new int[refs.length - 2];
                System.arraycopy(refs, 0, r, 0, i);
                System.arraycopy(refs, i + 2, r, i, refs.length - i - 2);
                refs = r;
                return true;
            }
        }
        return false;
    }

    /** Forgets every reference (where the analysis cannot tell which one a release drops). */
    void releaseAll() {
        refs = NO_REFS;
    }

    /** The first reference still held as {id, pc of its acquisition}, or null. */
    int[] heldReference() {
        return refs.length == 0 ? null : new int[] {refs[0], refs[1]};
    }

    Frame top() {
        return frames[frames.length - 1];
    }

    RegValue reg(int r) {
        return top().regs[r];
    }

    void set(int r, RegValue v) {
        top().regs[r] = v;
    }

    /** Rewrites every register and spilled value in every frame. */
    void mapAll(UnaryOperator<RegValue> f) {
        for (Frame fr : frames) {
            for (int r = 0; r < REGS; r++) {
                fr.regs[r] = f.apply(fr.regs[r]);
            }
            for (int s = 0; s < SLOTS; s++) {
                if (fr.spills[s] != null) {
                    fr.spills[s] = f.apply(fr.spills[s]);
                }
                if (fr.scalarSpills[s] != null) {
                    fr.scalarSpills[s] = f.apply(fr.scalarSpills[s]);
                }
            }
        }
    }

    boolean covers(AbstractState o) {
        if (frames.length != o.frames.length || rcuLocked != o.rcuLocked
                || !Arrays.equals(kernelRefs, o.kernelRefs) || !Arrays.equals(refs, o.refs)) {
            return false;
        }
        for (int i = 0; i < frames.length; i++) {
            if (!frames[i].covers(o.frames[i])) {
                return false;
            }
        }
        return linksHoldIn(o);
    }

    /**
     * The kernel's check of scalar ids in regsafe: scalars linked in this state (copies of one
     * value, with a constant added to some) were bounded together on the paths that followed it,
     * so {@code o} must link the same registers and slots, with the same differences. A scalar
     * whose identity nothing else here shares assumes nothing.
     */
    private boolean linksHoldIn(AbstractState o) {
        long[] seen = null;
        int n = 0;
        for (int i = 0; i < frames.length; i++) {
            Frame a = frames[i];
            Frame b = o.frames[i];
            for (int k = 0; k < REGS + SLOTS; k++) {
                RegValue x = k < REGS ? a.regs[k] : a.spills[k - REGS];
                if (x == null || x.kind() != RegValue.Kind.SCALAR || x.id() == 0) {
                    continue;
                }
                RegValue y = k < REGS ? b.regs[k] : b.spills[k - REGS];
                int yId = y == null || y.kind() != RegValue.Kind.SCALAR ? 0 : y.id();
                long delta = y == null ? 0 : y.off() - x.off();
                int j = 0;
                while (j < n && seen[3 * j] != x.id()) {
                    j++;
                }
                if (j < n) {
                    if (yId == 0 || seen[3 * j + 1] != yId || seen[3 * j + 2] != delta) {
                        return false;
                    }
                    continue;
                }
                if (seen == null || 3 * n == seen.length) {
                    seen = seen == null ? new long[12] : Arrays.copyOf(seen, seen.length * 2);
                }
                seen[3 * n] = x.id();
                seen[3 * n + 1] = yId;
                seen[3 * n + 2] = delta;
                n++;
            }
        }
        return true;
    }

    /** Whether {@code o} has the same call stack, so that it can be joined into this state. */
    boolean sameShape(AbstractState o) {
        if (frames.length != o.frames.length || rcuLocked != o.rcuLocked
                || !Arrays.equals(kernelRefs, o.kernelRefs) || !Arrays.equals(refs, o.refs)) {
            return false;
        }
        for (int i = 0; i < frames.length; i++) {
            if (frames[i].returnPc != o.frames[i].returnPc) {
                return false;
            }
        }
        return true;
    }

    /** Joins {@code o} into this state; both must have the same call stack. */
    void joinWith(AbstractState o) {
        for (int i = 0; i < frames.length; i++) {
            frames[i].joinWith(o.frames[i]);
        }
    }
}
