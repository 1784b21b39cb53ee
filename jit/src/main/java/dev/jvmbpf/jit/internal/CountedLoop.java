package dev.jvmbpf.jit.internal;

import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import java.util.ArrayList;
import java.util.List;

/**
 * A loop the JIT emits twice: once as written, and once with its unsigned back-edge comparison
 * replaced by a signed one, entered when a check at the loop head shows both give the same answer
 * on every iteration.
 *
 * <p>Why: BPF loops end in an unsigned comparison ({@code if r1 < r3 goto loop}, as clang emits
 * for pointers and {@code size_t} counters), and C2 only turns loops with a signed exit test into
 * counted loops, the form its range-check elimination, unrolling and vectorisation need. The
 * signed copy is exact because of what the shape guarantees: the loop is {@code [head, tail]}
 * with its only backward jump at {@code tail}, the counter {@code counter} is written in it by one
 * {@code counter += step} (step in [1, {@link #MAX_STEP}]) and nothing else, and the bound is a
 * register the loop never writes or a non-negative constant. When, at the head, both the counter
 * and the bound lie in [0, Long.MAX_VALUE - step], every comparison at the tail sees both in
 * [0, Long.MAX_VALUE]: the counter only grows, by at most one step per iteration, from a value
 * that either was checked at the head or passed the comparison (so lay below the bound). Where
 * signed and unsigned order agree, the copy takes exactly the branches the original takes.
 *
 * <p>A loop that counts by one until its counter equals the bound ({@code r2 -= 1; if r2 != 0
 * goto loop}) qualifies too ({@link #equality()}): it needs no signed copy, its arithmetic is
 * exact modulo 2^64, but its copy is where a function that polls for interrupts checks once per
 * slice of iterations instead of once per iteration ({@code MethodEmitter.emitSignedCopy}).
 *
 * @param head the first pc of the loop (the back edge's target)
 * @param tail the pc of the back edge, a conditional jump of class JMP
 * @param counter the register that grows
 * @param bound the register it is compared with, or -1 for the tail's constant
 * @param step the counter's increment; -1 or 1 for an {@linkplain #equality() equality} loop
 */
record CountedLoop(int head, int tail, int counter, int bound, long step) {
    /** Increments up to this keep the arithmetic of the head's check far from overflow. */
    static final long MAX_STEP = 1L << 20;
    /** Longer loops are left alone: the copy doubles their code, and their comparison costs little. */
    static final int MAX_LENGTH = 256;

    /** Whether the loop runs until its counter equals the bound (a {@code jne} back edge). */
    boolean equality(Instruction[] code) {
        return (code[tail].opcode() & 0xf0) == Opcodes.JMP_JNE;
    }

    /**
     * Whether every iteration runs the counter's update: no jump before it lands past it inside
     * the loop. Then the counter's progress bounds the iterations, which slicing relies on.
     */
    boolean stepsEveryIteration(ProgramLayout layout) {
        int update = -1;
        for (int pc = head; pc < tail && update < 0; pc++) {
            if (!layout.wideTail[pc] && (ProgramLayout.writtenRegisters(layout.code[pc]) & 1 << counter) != 0) {
                update = pc;
            }
        }
        for (int pc = head; pc < update; pc++) {
            if (!layout.wideTail[pc] && ProgramLayout.isBranch(layout.code[pc])) {
                int target = ProgramLayout.jumpTarget(pc, layout.code[pc]);
                if (target > update && target <= tail) {
                    return false;
                }
            }
        }
        return update >= 0;
    }

    /** The largest counter or bound value the head's check lets into the signed copy. */
    long limit() {
        return Long.MAX_VALUE - step;
    }

    /** The loops in {@code [start, end)} that qualify, in pc order, none overlapping another. */
    static List<CountedLoop> find(ProgramLayout layout, int start, int end) {
        List<CountedLoop> out = new ArrayList<>();
        int after = start;
        for (int pc = start; pc < end; pc++) {
            if (layout.wideTail[pc]) {
                continue;
            }
            CountedLoop loop = at(layout, pc, start, end);
            if (loop != null && loop.head >= after) {
                out.add(loop);
                after = loop.tail + 1;
            }
        }
        return out;
    }

    /** The loop whose back edge is the jump at {@code tail}, or null when it does not qualify. */
    private static CountedLoop at(ProgramLayout layout, int tail, int start, int end) {
        Instruction jump = layout.code[tail];
        if (jump.instructionClass() != Opcodes.CLASS_JMP || tail + 1 >= end) {
            return null;
        }
        int head = ProgramLayout.jumpTarget(tail, jump);
        if (head < start || head > tail || layout.wideTail[head] || tail - head > MAX_LENGTH) {
            return null;
        }
        boolean x = (jump.opcode() & Opcodes.SRC_X) != 0;
        int counter;
        int bound;
        switch (jump.opcode() & 0xf0) {
            // Taken while counter < bound or counter <= bound: the bound caps the counter.
            case Opcodes.JMP_JLT, Opcodes.JMP_JLE -> {
                counter = jump.dst();
                bound = x ? jump.src() : -1;
            }
            case Opcodes.JMP_JNE -> {
                counter = jump.dst();
                bound = x ? jump.src() : -1;
            }
            case Opcodes.JMP_JGT, Opcodes.JMP_JGE -> {
                if (!x) {
                    return null;
                }
                counter = jump.src();
                bound = jump.dst();
            }
            default -> {
                return null;
            }
        }
        boolean equality = (jump.opcode() & 0xf0) == Opcodes.JMP_JNE;
        if (counter > 10 || bound > 10 || counter == bound || !x && jump.imm() < 0 && !equality) {
            return null;
        }
        long step = -1;
        long by = 0;
        for (int pc = head; pc < tail; pc++) {
            if (layout.wideTail[pc]) {
                continue;
            }
            Instruction insn = layout.code[pc];
            if (ProgramLayout.isBranch(insn)) {
                int target = ProgramLayout.jumpTarget(pc, insn);
                if (target <= pc && target >= head) {
                    return null; // an inner loop could grow the counter unchecked
                }
            }
            int written = ProgramLayout.writtenRegisters(insn);
            if (bound >= 0 && (written & 1 << bound) != 0) {
                return null;
            }
            if ((written & 1 << counter) != 0 && equality) {
                if (by != 0) {
                    return null;
                }
                by = byOne(insn);
                if (by == 0) {
                    return null;
                }
                continue;
            }
            if ((written & 1 << counter) != 0) {
                boolean increment = insn.opcode() == (Opcodes.CLASS_ALU64 | Opcodes.SRC_K | Opcodes.ALU_ADD)
                        && insn.imm() >= 1 && insn.imm() <= MAX_STEP;
                if (!increment || step >= 0) {
                    return null;
                }
                step = insn.imm();
            }
        }
        if (equality) {
            CountedLoop loop = new CountedLoop(head, tail, counter, bound, by);
            return by == 0 || !loop.stepsEveryIteration(layout) ? null : loop;
        }
        return step < 0 ? null : new CountedLoop(head, tail, counter, bound, step);
    }

    /** 1 or -1 when {@code insn} adds that to its destination (as add or sub of 1 or -1), else 0. */
    private static long byOne(Instruction insn) {
        int op = insn.opcode();
        if (op != (Opcodes.CLASS_ALU64 | Opcodes.SRC_K | Opcodes.ALU_ADD)
                && op != (Opcodes.CLASS_ALU64 | Opcodes.SRC_K | Opcodes.ALU_SUB)
                || insn.imm() != 1 && insn.imm() != -1) {
            return 0;
        }
        return op == (Opcodes.CLASS_ALU64 | Opcodes.SRC_K | Opcodes.ALU_ADD) ? insn.imm() : -insn.imm();
    }
}
