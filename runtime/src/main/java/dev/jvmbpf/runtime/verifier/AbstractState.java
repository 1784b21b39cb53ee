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

        /** Marks bytes [off, off + size) written, clipped to the frame, and forgets spills they touch. */
        void markWritten(long off, long size) {
            long from = Math.max(off, -Verifier.STACK_SIZE);
            long to = Math.min(off + size, 0);
            for (long b = from; b < to; b++) {
                int i = (int) (b + Verifier.STACK_SIZE);
                written[i >>> 6] |= 1L << i;
                spills[i >>> 3] = null;
            }
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
                    || !Arrays.equals(a.spills, b.spills)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether every value of this state is one the kernel would hold too: no imprecise scalar, no
     * value of a type not followed, no written stack byte whose content is not known (stores other
     * than 8-byte spills are tracked only as written).
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
                if (v == null ? bits != 0 : v.kind() == RegValue.Kind.UNKNOWN || v.imprecise()) {
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
