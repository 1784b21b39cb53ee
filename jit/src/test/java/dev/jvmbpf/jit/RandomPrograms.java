package dev.jvmbpf.jit;

import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random programs a verifier would accept: every register written before use, forward jumps
 * only apart from counted loops of at most 64 iterations (so they terminate), r10 only as a
 * base, r1 kept as the pointer to the input memory.
 * They cover every ALU operation with edge operands, both jump classes, stack loads and stores
 * of every width, atomics on the stack, helper and local calls, counted loops at the edges of
 * the signed range, and occasional out-of-bounds accesses so that fault paths are compared too.
 */
final class RandomPrograms {
    static final int HELPER_ID = 1;
    static final int MEMORY_SIZE = 64;
    private static final long[] EDGES = {0, 1, -1, 2, Long.MIN_VALUE, Long.MAX_VALUE, 0x7fffffffL, 0x80000000L,
        0xffffffffL, 0x100000000L, -0x80000000L, 63, 64, 31, 32, 0xff, 0x8000};
    private static final int[] ALU_OPS = {Opcodes.ALU_ADD, Opcodes.ALU_SUB, Opcodes.ALU_MUL, Opcodes.ALU_DIV,
        Opcodes.ALU_OR, Opcodes.ALU_AND, Opcodes.ALU_LSH, Opcodes.ALU_RSH, Opcodes.ALU_NEG, Opcodes.ALU_MOD,
        Opcodes.ALU_XOR, Opcodes.ALU_MOV, Opcodes.ALU_ARSH, Opcodes.ALU_END};
    private static final int[] CONDITIONS = {Opcodes.JMP_JEQ, Opcodes.JMP_JGT, Opcodes.JMP_JGE, Opcodes.JMP_JSET,
        Opcodes.JMP_JNE, Opcodes.JMP_JSGT, Opcodes.JMP_JSGE, Opcodes.JMP_JLT, Opcodes.JMP_JLE, Opcodes.JMP_JSLT,
        Opcodes.JMP_JSLE};
    private static final int[] SIZES = {Opcodes.SIZE_B, Opcodes.SIZE_H, Opcodes.SIZE_W, Opcodes.SIZE_DW};
    private static final int[] ATOMIC_OPS = {Opcodes.ATOMIC_ADD, Opcodes.ATOMIC_OR, Opcodes.ATOMIC_AND,
        Opcodes.ATOMIC_XOR, Opcodes.ATOMIC_ADD | Opcodes.ATOMIC_FETCH, Opcodes.ATOMIC_OR | Opcodes.ATOMIC_FETCH,
        Opcodes.ATOMIC_AND | Opcodes.ATOMIC_FETCH, Opcodes.ATOMIC_XOR | Opcodes.ATOMIC_FETCH, Opcodes.ATOMIC_XCHG,
        Opcodes.ATOMIC_CMPXCHG};
    /** Registers the body may write: not r1 (the memory pointer) and not r10. */
    private static final int[] WRITABLE = {0, 2, 3, 4, 5, 6, 7, 8, 9};

    private final SplittableRandom rnd;
    private final List<Instruction> out = new ArrayList<>();
    /** Indices of jumps whose target is patched when the body is complete: {index, target}. */
    private final List<int[]> pending = new ArrayList<>();
    /** Slots no jump may land on: inside a pointer set-up and its use. */
    private final java.util.BitSet noTarget = new java.util.BitSet();

    private final int minLength;
    private final int maxLength;

    private RandomPrograms(long seed, int minLength, int maxLength) {
        this.rnd = new SplittableRandom(seed);
        this.minLength = minLength;
        this.maxLength = maxLength;
    }

    /** A program with a body of 10 to 59 instructions. */
    static Instruction[] generate(long seed) {
        return new RandomPrograms(seed, 10, 60).program();
    }

    /** A program with a body of {@code min} to {@code max - 1} instructions. */
    static Instruction[] generate(long seed, int min, int max) {
        return new RandomPrograms(seed, min, max).program();
    }

    private Instruction[] program() {
        for (int r : WRITABLE) {
            lddw(r, edge());
        }
        // Stack slots start initialised so that every load reads defined bytes.
        for (int off = -64; off < 0; off += 8) {
            emit(Opcodes.CLASS_STX | Opcodes.MODE_MEM | Opcodes.SIZE_DW, 10, WRITABLE[rnd.nextInt(WRITABLE.length)],
                    off, 0);
        }
        int length = rnd.nextInt(minLength, maxLength);
        for (int i = 0; i < length; i++) {
            instruction();
        }
        int end = out.size();
        emit(Opcodes.EXIT, 0, 0, 0, 0);
        // Subprogram: r0 = r1 * 3 + r2, through its own stack frame; reads only r1, r2.
        int sub = out.size();
        emit(Opcodes.CLASS_ALU64 | Opcodes.SRC_X | Opcodes.ALU_MOV, 0, 1, 0, 0);
        emit(Opcodes.CLASS_ALU64 | Opcodes.ALU_MUL, 0, 0, 0, 3);
        emit(Opcodes.CLASS_ALU64 | Opcodes.SRC_X | Opcodes.ALU_ADD, 0, 2, 0, 0);
        emit(Opcodes.CLASS_STX | Opcodes.MODE_MEM | Opcodes.SIZE_DW, 10, 0, -8, 0);
        emit(Opcodes.CLASS_LDX | Opcodes.MODE_MEM | Opcodes.SIZE_W, 0, 10, -8, 0);
        emit(Opcodes.EXIT, 0, 0, 0, 0);
        boolean[] tail = new boolean[out.size()];
        for (int pc = 0; pc < out.size(); pc++) {
            if (out.get(pc).isWide()) {
                tail[++pc] = true;
            }
        }
        for (int[] p : pending) {
            Instruction j = out.get(p[0]);
            if (p[1] == -1) {
                out.set(p[0], Instruction.of(j.opcode(), j.dst(), j.src(), 0, sub - p[0] - 1));
                continue;
            }
            int target = Math.min(p[1] <= -2 ? -2 - p[1] : p[1], end);
            while (tail[target] || noTarget.get(target)) {
                target++;
            }
            if (p[1] <= -2) {
                out.set(p[0], Instruction.of(j.opcode(), j.dst(), j.src(), 0, target - p[0] - 1));
            } else {
                out.set(p[0], Instruction.of(j.opcode(), j.dst(), j.src(), target - p[0] - 1, j.imm()));
            }
        }
        return out.toArray(Instruction[]::new);
    }

    private void emit(int opcode, int dst, int src, int off, int imm) {
        out.add(Instruction.of(opcode, dst, src, off, imm));
    }

    private void lddw(int dst, long value) {
        emit(Opcodes.LDDW, dst, 0, 0, (int) value);
        emit(0, 0, 0, 0, (int) (value >>> 32));
    }

    private long edge() {
        return rnd.nextInt(3) == 0 ? rnd.nextLong() : EDGES[rnd.nextInt(EDGES.length)];
    }

    private int immediate() {
        return switch (rnd.nextInt(4)) {
            case 0 -> (int) EDGES[rnd.nextInt(EDGES.length)];
            case 1 -> rnd.nextInt(-70, 70);
            default -> rnd.nextInt();
        };
    }

    private int dst() {
        return WRITABLE[rnd.nextInt(WRITABLE.length)];
    }

    private int src() {
        return rnd.nextInt(10);
    }

    private void instruction() {
        int kind = rnd.nextInt(100);
        if (kind < 40) {
            alu();
        } else if (kind < 55) {
            jump();
        } else if (kind < 70) {
            stack();
        } else if (kind < 78) {
            atomic();
        } else if (kind < 88) {
            memory();
        } else if (kind < 93) {
            emit(Opcodes.CALL, 0, Opcodes.CALL_HELPER, 0, HELPER_ID);
        } else if (kind < 97) {
            pending.add(new int[] {out.size(), -1});
            emit(Opcodes.CALL, 0, Opcodes.CALL_LOCAL, 0, 0);
        } else if (kind < 98) {
            lddw(dst(), edge());
        } else {
            countedLoop();
        }
    }

    /**
     * A loop the JIT versions (an unsigned back edge, one increment, a bound it never writes),
     * from counter and bound values at the edges of the signed range, with a body of ALU work
     * and input loads. Only loops of at most 64 iterations are emitted; nothing jumps into one.
     */
    private void countedLoop() {
        int counter = dst();
        int bound = dst();
        while (bound == counter) {
            bound = dst();
        }
        long step = rnd.nextInt(4) == 0 ? rnd.nextInt(1, (1 << 20) + 1) : rnd.nextInt(1, 4);
        long start = switch (rnd.nextInt(3)) {
            case 0 -> edge();
            case 1 -> Long.MAX_VALUE - step * rnd.nextInt(0, 8) - rnd.nextInt(0, 3);
            default -> rnd.nextLong(-100, 100);
        };
        long end = rnd.nextInt(4) == 0 ? edge() : start + step * rnd.nextInt(0, 20) + rnd.nextInt(-1, 2);
        int op = new int[] {Opcodes.JMP_JLT, Opcodes.JMP_JLE, Opcodes.JMP_JGT, Opcodes.JMP_JGE}[rnd.nextInt(4)];
        if (iterations(op, start, end, step, 64) < 0) {
            alu();
            return;
        }
        int first = out.size();
        lddw(counter, start);
        lddw(bound, end);
        int head = out.size();
        int body = rnd.nextInt(1, 5);
        for (int i = 0; i < body; i++) {
            int d = dst();
            while (d == counter || d == bound) {
                d = dst();
            }
            if (rnd.nextInt(3) == 0) {
                int size = SIZES[rnd.nextInt(4)];
                emit(Opcodes.CLASS_LDX | Opcodes.MODE_MEM | size, d, 1,
                        rnd.nextInt(MEMORY_SIZE - Opcodes.sizeBytes(size) + 1), 0);
            } else {
                alu(d);
            }
        }
        emit(Opcodes.CLASS_ALU64 | Opcodes.ALU_ADD, counter, 0, 0, (int) step);
        int back = out.size();
        boolean less = op == Opcodes.JMP_JLT || op == Opcodes.JMP_JLE;
        emit(Opcodes.CLASS_JMP | Opcodes.SRC_X | op, less ? counter : bound, less ? bound : counter, head - back - 1, 0);
        noTarget.set(first + 1, back + 1);
    }

    /**
     * The iterations of {@code do { counter += step } while (counter op bound)}, with {@code op} a
     * JLT or JLE (or JGT or JGE written as {@code bound op counter}) in unsigned order as the
     * engines compare; -1 when it passes {@code cap}.
     */
    static long iterations(int op, long counter, long bound, long step, long cap) {
        for (long n = 1; n <= cap; n++) {
            counter += step;
            int cmp = Long.compareUnsigned(counter, bound);
            boolean again = op == Opcodes.JMP_JLT || op == Opcodes.JMP_JGT ? cmp < 0 : cmp <= 0;
            if (!again) {
                return n;
            }
        }
        return -1;
    }

    private void alu() {
        alu(dst());
    }

    private void alu(int d) {
        boolean wide = rnd.nextBoolean();
        int op = ALU_OPS[rnd.nextInt(ALU_OPS.length)];
        boolean x = rnd.nextBoolean() && op != Opcodes.ALU_NEG;
        int cls = wide ? Opcodes.CLASS_ALU64 : Opcodes.CLASS_ALU;
        int off = 0;
        int imm = immediate();
        if (op == Opcodes.ALU_END) {
            imm = new int[] {16, 32, 64}[rnd.nextInt(3)];
            x = !wide && x; // ALU64 bswap has no register form
        } else if (op == Opcodes.ALU_DIV || op == Opcodes.ALU_MOD) {
            off = rnd.nextInt(2);
        } else if (op == Opcodes.ALU_MOV && x) {
            off = wide ? new int[] {0, 8, 16, 32}[rnd.nextInt(4)] : new int[] {0, 8, 16}[rnd.nextInt(3)];
        }
        if (op == Opcodes.ALU_NEG) {
            imm = 0; // reserved field
        }
        if (op == Opcodes.ALU_END) {
            // le/be/bswap: the width is in imm, the source bit picks the byte order, src is reserved.
            emit(cls | (x ? Opcodes.SRC_X : Opcodes.SRC_K) | op, d, 0, 0, imm);
            return;
        }
        emit(cls | (x ? Opcodes.SRC_X : Opcodes.SRC_K) | op, d, x ? src() : 0, off, x ? 0 : imm);
    }

    private void jump() {
        boolean wide = rnd.nextBoolean();
        boolean x = rnd.nextBoolean();
        int op = rnd.nextInt(12) == 0 ? Opcodes.JMP_JA : CONDITIONS[rnd.nextInt(CONDITIONS.length)];
        if (rnd.nextInt(20) == 0) {
            // may_goto: taken only once the frame's loop budget is spent, which forward code never does.
            pending.add(new int[] {out.size(), out.size() + 1 + rnd.nextInt(1, 8)});
            emit(Opcodes.MAY_GOTO, 0, 0, 0, 0);
            return;
        }
        int cls = wide ? Opcodes.CLASS_JMP : Opcodes.CLASS_JMP32;
        if (op == Opcodes.JMP_JA) {
            x = false;
        }
        int target = out.size() + 1 + rnd.nextInt(1, 8);
        if (op == Opcodes.JMP_JA && !wide) {
            // gotol keeps its displacement in imm; -2 - target marks it for patching.
            pending.add(new int[] {out.size(), -2 - target});
            emit(Opcodes.JA32, 0, 0, 0, 0);
            return;
        }
        pending.add(new int[] {out.size(), target});
        if (op == Opcodes.JMP_JA) {
            emit(Opcodes.JA, 0, 0, 0, 0);
            return;
        }
        emit(cls | (x ? Opcodes.SRC_X : Opcodes.SRC_K) | op, rnd.nextInt(10), x ? rnd.nextInt(11) : 0, 0,
                x ? 0 : immediate());
    }

    private int stackOffset(int width) {
        return -width * rnd.nextInt(1, 64 / width + 1);
    }

    private void stack() {
        int size = SIZES[rnd.nextInt(4)];
        int width = Opcodes.sizeBytes(size);
        int off = stackOffset(width);
        int base = 10;
        if (rnd.nextInt(3) == 0) {
            // A pointer derived from r10, as clang passes stack buffers: base = r10 - k.
            base = new int[] {6, 7, 8, 9}[rnd.nextInt(4)];
            int k = 8 * rnd.nextInt(0, 5);
            emit(Opcodes.CLASS_ALU64 | Opcodes.SRC_X | Opcodes.ALU_MOV, base, 10, 0, 0);
            noTarget.set(out.size());
            emit(Opcodes.CLASS_ALU64 | Opcodes.ALU_ADD, base, 0, 0, -k);
            noTarget.set(out.size());
            off += k;
        }
        int value = src();
        while (value == base && base != 10) {
            value = src();
        }
        switch (rnd.nextInt(4)) {
            case 0 -> emit(Opcodes.CLASS_STX | Opcodes.MODE_MEM | size, base, value, off, 0);
            case 1 -> emit(Opcodes.CLASS_ST | Opcodes.MODE_MEM | size, base, 0, off, immediate());
            case 2 -> emit(Opcodes.CLASS_LDX | Opcodes.MODE_MEM | size, dst(), base, off, 0);
            default -> {
                if (width == 8) {
                    emit(Opcodes.CLASS_LDX | Opcodes.MODE_MEM | size, dst(), base, off, 0);
                } else {
                    emit(Opcodes.CLASS_LDX | Opcodes.MODE_MEMSX | size, dst(), base, off, 0);
                }
            }
        }
    }

    private void atomic() {
        int size = rnd.nextBoolean() ? Opcodes.SIZE_W : Opcodes.SIZE_DW;
        int width = Opcodes.sizeBytes(size);
        int op = ATOMIC_OPS[rnd.nextInt(ATOMIC_OPS.length)];
        int base = 10;
        int off = stackOffset(width);
        if (rnd.nextInt(4) == 0) {
            base = 1; // atomics on the input memory take the generic path
            off = width * rnd.nextInt(MEMORY_SIZE / width);
        }
        emit(Opcodes.CLASS_STX | Opcodes.MODE_ATOMIC | size, base, dst(), off, op);
    }

    private void memory() {
        int size = SIZES[rnd.nextInt(4)];
        int width = Opcodes.sizeBytes(size);
        // Mostly inside the memory; now and then past its end, which must fault identically.
        // Rarer in long programs, so that most of them run to the end.
        int off = rnd.nextInt(50 * Math.max(1, maxLength / 60)) == 0 ? MEMORY_SIZE - width + rnd.nextInt(1, 9) : rnd.nextInt(MEMORY_SIZE - width + 1);
        switch (rnd.nextInt(4)) {
            case 0 -> emit(Opcodes.CLASS_STX | Opcodes.MODE_MEM | size, 1, src(), off, 0);
            case 1 -> emit(Opcodes.CLASS_ST | Opcodes.MODE_MEM | size, 1, 0, off, immediate());
            case 2 -> emit(Opcodes.CLASS_LDX | Opcodes.MODE_MEM | size, dst(), 1, off, 0);
            default -> emit(Opcodes.CLASS_LDX | (width == 8 ? Opcodes.MODE_MEM : Opcodes.MODE_MEMSX) | size, dst(), 1,
                    off, 0);
        }
    }
}
