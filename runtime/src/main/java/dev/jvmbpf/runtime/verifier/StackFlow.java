package dev.jvmbpf.runtime.verifier;

import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Map;

/**
 * Forward dataflow over one subprogram: which registers hold, on every path, the frame pointer plus
 * a constant, or a plain constant. States are kept only at block starts; a value that differs
 * between paths becomes unknown, so the analysis ends after a few passes over each block. Facts
 * are recorded (and out-of-frame accesses refused) only in a last pass over the fixpoint, where
 * every state is one that holds on all paths.
 */
final class StackFlow {
    private static final byte UNKNOWN = 0;
    private static final byte FRAME = 1;
    private static final byte CONST = 2;
    private static final int REGS = AbstractState.REGS;

    /** Registers' abstract values: a kind and, for FRAME and CONST, the constant. */
    private static final class State {
        final byte[] kind = new byte[REGS];
        final long[] value = new long[REGS];

        State copy() {
            State s = new State();
            System.arraycopy(kind, 0, s.kind, 0, REGS);
            System.arraycopy(value, 0, s.value, 0, REGS);
            return s;
        }

        /** Joins {@code other} into this state; true when this state changed. */
        boolean join(State other) {
            boolean changed = false;
            for (int r = 0; r < REGS; r++) {
                if (kind[r] != UNKNOWN && (kind[r] != other.kind[r] || value[r] != other.value[r])) {
                    kind[r] = UNKNOWN;
                    changed = true;
                }
            }
            return changed;
        }

        void set(int r, byte k, long v) {
            kind[r] = k;
            value[r] = k == UNKNOWN ? 0 : v;
        }
    }

    private final Instruction[] insns;
    private final int entry;
    private final int end;
    private final BitSet targets;
    private final int[] stackOffsets;
    private final BitSet reachable;
    /**
     * Refusals that hold only where a path reaches the access (misaligned stack accesses and
     * accesses outside the frame): this pass walks dead branches too (a CO-RE switch over a
     * field's size keeps every width's load), so the verifier raises them only for pcs the
     * path-sensitive {@link TypeFlow} reached.
     */
    private final Map<Integer, String> whereReached;
    private final BitSet starts = new BitSet();
    private int depth;

    StackFlow(Instruction[] insns, int entry, int end, BitSet targets, int[] stackOffsets, BitSet reachable,
            Map<Integer, String> whereReached) {
        this.insns = insns;
        this.entry = entry;
        this.end = end;
        this.targets = targets;
        this.stackOffsets = stackOffsets;
        this.reachable = reachable;
        this.whereReached = whereReached;
    }

    /** Runs the analysis, records the facts and returns the subprogram's proven stack depth. */
    int run() {
        starts.or(targets.get(0, end));
        starts.clear(0, entry);
        boolean forward = true;
        for (int pc = entry; pc < end; pc++) {
            if (Effects.isBranch(insns[pc]) || insns[pc].opcode() == Opcodes.EXIT) {
                starts.set(pc + 1);
                forward &= !Effects.isBranch(insns[pc]) || Effects.jumpTarget(pc, insns[pc]) > pc;
            }
            if (insns[pc].isWide()) {
                pc++;
            }
        }
        State initial = new State();
        initial.set(10, FRAME, 0);
        // Block-start states by pc (an array: a million-instruction function has hundreds of
        // thousands of blocks, and boxed keys and map nodes cost more than the states).
        State[] in = new State[end - entry];
        in[0] = initial;
        if (forward) {
            forwardPass(in);
        } else {
            fixpoint(in);
            for (int start = 0; start < in.length; start++) {
                if (in[start] != null) {
                    block(entry + start, in[start].copy(), true);
                }
            }
        }
        return (depth + 7) & ~7;
    }

    /**
     * Without a backward jump every predecessor of a block comes before it: in pc order each
     * block's state is final when it is reached, so one pass records the facts and a state is
     * dropped as soon as its block is done.
     */
    private void forwardPass(State[] in) {
        for (int start = 0; start < in.length; start++) {
            State s = in[start];
            if (s == null) {
                continue;
            }
            in[start] = null;
            for (int succ : block(entry + start, s, true)) {
                merge(in, succ, s);
            }
        }
    }

    /** With loops: the classic worklist until no block-start state changes. */
    private void fixpoint(State[] in) {
        ArrayDeque<Integer> work = new ArrayDeque<>();
        work.add(entry);
        BitSet queued = new BitSet();
        queued.set(entry);
        while (!work.isEmpty()) {
            int start = work.poll();
            queued.clear(start);
            State s = in[start - entry].copy();
            for (int succ : block(start, s, false)) {
                if (merge(in, succ, s) && !queued.get(succ)) {
                    queued.set(succ);
                    work.add(succ);
                }
            }
        }
    }

    /** Joins the exit state {@code s} into the start state of block {@code succ}; true when that changed. */
    private boolean merge(State[] in, int succ, State s) {
        State old = in[succ - entry];
        if (old == null) {
            in[succ - entry] = s.copy();
            return true;
        }
        return old.join(s);
    }

    /** Interprets one block, leaving its exit state in {@code s}; returns the successors. */
    private int[] block(int start, State s, boolean record) {
        int pc = start;
        while (true) {
            Instruction insn = insns[pc];
            if (record) {
                reachable.set(pc);
                recordAccess(pc, insn, s);
            }
            int next = pc + (insn.isWide() ? 2 : 1);
            if (Effects.isBranch(insn)) {
                int target = (int) Effects.jumpTarget(pc, insn);
                return Effects.isUnconditional(insn) ? new int[] {target} : new int[] {target, next};
            }
            if (insn.opcode() == Opcodes.EXIT) {
                return new int[0];
            }
            transfer(pc, insn, s);
            if (next >= end) {
                return new int[0];
            }
            if (starts.get(next)) {
                return new int[] {next};
            }
            pc = next;
        }
    }

    private void recordAccess(int pc, Instruction insn, State s) {
        int base = Effects.addressRegister(insn);
        if (base < 0 || s.kind[base] != FRAME) {
            return;
        }
        long offset = s.value[base] + insn.offset();
        int size = Opcodes.sizeBytes(insn.opcode());
        String misaligned = misaligned(s.value[base], insn.offset(), size);
        if (misaligned != null) {
            whereReached.putIfAbsent(pc, misaligned);
            return;
        }
        if (offset < -Verifier.STACK_SIZE || offset + size > 0) {
            // Where a path reaches it: on the way, the pointer arithmetic may be refused first.
            whereReached.putIfAbsent(pc, outOfFrame(insn, base, offset, size) + " (r" + base + " = r10 "
                    + signed(s.value[base]) + ")");
            return;
        }
        stackOffsets[pc] = (int) offset;
        depth = Math.max(depth, (int) -offset);
    }

    /**
     * The kernel's refusal of a constant stack access outside the frame, then this project's
     * explanation: {@code base} accesses {@code offset} from r10.
     */
    static String outOfFrame(Instruction insn, int base, long offset, int size) {
        boolean read = insn.instructionClass() == Opcodes.CLASS_LDX || Opcodes.mode(insn.opcode()) == Opcodes.MODE_ATOMIC;
        return "invalid " + (read ? "read from" : "write to") + " stack R" + base + " off=" + offset + " size=" + size
                + "; " + outOfFrame(offset, size);
    }

    /** The kernel's refusal of a stack access not aligned to its size (the kernel is strict for the stack), or null. */
    static String misaligned(long regOff, long insnOff, int size) {
        return size > 1 && (regOff + insnOff) % size != 0
                ? "misaligned stack access off 0+" + regOff + "+" + insnOff + " size " + size : null;
    }

    static String outOfFrame(long offset, int size) {
        return size + "-byte stack access at r10 " + signed(offset) + " is outside the frame [-" + Verifier.STACK_SIZE
                + ", 0)";
    }

    private static String signed(long v) {
        return v < 0 ? "- " + -v : "+ " + v;
    }

    private void transfer(int pc, Instruction insn, State s) {
        int cls = insn.instructionClass();
        if (cls == Opcodes.CLASS_ALU64) {
            alu64(insn, s);
            return;
        }
        if (cls == Opcodes.CLASS_ALU && Opcodes.aluOp(insn.opcode()) == Opcodes.ALU_MOV
                && Opcodes.source(insn.opcode()) == Opcodes.SRC_K) {
            s.set(insn.dst(), CONST, Integer.toUnsignedLong(insn.imm()));
            return;
        }
        if (insn.isWide()) {
            boolean constant = insn.src() == Opcodes.PSEUDO_NONE;
            s.set(insn.dst(), constant ? CONST : UNKNOWN, constant ? Instruction.wideImmediate(insns, pc) : 0);
            return;
        }
        boolean call = cls == Opcodes.CLASS_JMP && Opcodes.aluOp(insn.opcode()) == Opcodes.JMP_CALL;
        boolean packet = cls == Opcodes.CLASS_LD;
        if (call || packet) {
            for (int r = 0; r <= 5; r++) {
                s.set(r, UNKNOWN, 0);
            }
            return;
        }
        int written = Effects.writtenRegister(insn);
        if (written >= 0) {
            s.set(written, UNKNOWN, 0);
        }
    }

    private static void alu64(Instruction insn, State s) {
        int dst = insn.dst();
        int op = Opcodes.aluOp(insn.opcode());
        boolean x = Opcodes.source(insn.opcode()) == Opcodes.SRC_X;
        byte sk = x ? s.kind[insn.src()] : CONST;
        long sv = x ? s.value[insn.src()] : insn.imm();
        byte dk = s.kind[dst];
        long dv = s.value[dst];
        switch (op) {
            case Opcodes.ALU_MOV -> {
                if (x && insn.offset() != 0) {
                    s.set(dst, UNKNOWN, 0);
                } else {
                    s.set(dst, sk, sv);
                }
            }
            case Opcodes.ALU_ADD -> {
                if (dk == CONST && sk == CONST) {
                    s.set(dst, CONST, dv + sv);
                } else if (dk == FRAME && sk == CONST || dk == CONST && sk == FRAME) {
                    s.set(dst, FRAME, dv + sv);
                } else {
                    s.set(dst, UNKNOWN, 0);
                }
            }
            case Opcodes.ALU_SUB -> {
                if ((dk == CONST || dk == FRAME) && sk == CONST) {
                    s.set(dst, dk, dv - sv);
                } else if (dk == FRAME && sk == FRAME) {
                    s.set(dst, CONST, dv - sv);
                } else {
                    s.set(dst, UNKNOWN, 0);
                }
            }
            default -> s.set(dst, UNKNOWN, 0);
        }
    }
}
