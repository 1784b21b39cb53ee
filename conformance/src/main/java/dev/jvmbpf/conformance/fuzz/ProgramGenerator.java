package dev.jvmbpf.conformance.fuzz;

import static dev.jvmbpf.runtime.isa.Opcodes.ALU_ADD;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_AND;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_ARSH;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_DIV;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_END;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_LSH;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_MOD;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_MOV;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_MUL;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_NEG;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_OR;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_RSH;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_SUB;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_XOR;
import static dev.jvmbpf.runtime.isa.Opcodes.CLASS_ALU;
import static dev.jvmbpf.runtime.isa.Opcodes.CLASS_ALU64;
import static dev.jvmbpf.runtime.isa.Opcodes.CLASS_JMP;
import static dev.jvmbpf.runtime.isa.Opcodes.CLASS_JMP32;
import static dev.jvmbpf.runtime.isa.Opcodes.CLASS_LDX;
import static dev.jvmbpf.runtime.isa.Opcodes.CLASS_ST;
import static dev.jvmbpf.runtime.isa.Opcodes.CLASS_STX;
import static dev.jvmbpf.runtime.isa.Opcodes.MODE_ATOMIC;
import static dev.jvmbpf.runtime.isa.Opcodes.MODE_MEM;
import static dev.jvmbpf.runtime.isa.Opcodes.MODE_MEMSX;
import static dev.jvmbpf.runtime.isa.Opcodes.SIZE_DW;
import static dev.jvmbpf.runtime.isa.Opcodes.SIZE_W;
import static dev.jvmbpf.runtime.isa.Opcodes.SRC_K;
import static dev.jvmbpf.runtime.isa.Opcodes.SRC_X;

import dev.jvmbpf.conformance.fuzz.internal.CodeBuilder;
import dev.jvmbpf.conformance.fuzz.internal.CodeBuilder.Label;
import dev.jvmbpf.runtime.isa.Opcodes;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generates random programs that the kernel verifier accepts, so that every engine must compute
 * the same result. The shape keeps the verifier's proofs easy without narrowing the arithmetic:
 *
 * <ul>
 * <li>r9 holds the input memory ({@value #MEMORY_SIZE} bytes) in every function and is never
 *     written after the prologue; r10 is the frame pointer; r0-r8 are scalars, all initialised
 *     in the prologue (edge values: 0, 1, -1, INT_MIN, INT_MAX, LONG_MIN, LONG_MAX, ...).
 * <li>The lowest {@value #STACK_BYTES} bytes below r10 are initialised before anything reads them.
 * <li>Conditional jumps go forward to item boundaries of the same block; the only backward jumps
 *     close loops counted in r8, which the loop body does not write: down to zero (some loops
 *     also start with a {@code may_goto} out of the loop, never taken this early), or up to a
 *     small constant from an edge value.
 * <li>Memory offsets are constant and in bounds, or variable and bounded by a mask or a
 *     comparison the verifier follows; atomics are aligned.
 * <li>Functions are bpf-to-bpf subprograms that call only later functions (no recursion); each
 *     gets the memory pointer in r5 and the caller's r1-r4 as arguments.
 * <li>Each function ends by folding its registers, its stack and (in the entry function) the
 *     memory into r0, so that a difference anywhere shows in the result.
 * </ul>
 */
public final class ProgramGenerator {
    public static final int MEMORY_SIZE = 64;
    static final int STACK_BYTES = 64;
    private static final int MEM = 9;
    private static final int LOOP = 8;
    private static final int MAX_NESTING = 2;
    private static final long MIX = 0x01000193L;

    private static final long[] EDGE64 = {0, 1, -1, 2, -2, Integer.MIN_VALUE, Integer.MAX_VALUE, 0x80000000L,
        0xffffffffL, 0x100000000L, Long.MIN_VALUE, Long.MAX_VALUE, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
        31, 32, 63, 64, 0x8000000000000001L, 0xffffffff00000000L, 0x00000000ffff0000L, 0x0123456789abcdefL};
    private static final int[] EDGE32 = {0, 1, -1, 2, -2, Integer.MIN_VALUE, Integer.MAX_VALUE, Integer.MIN_VALUE + 1,
        0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x10000, 31, 32, 63, 64, -31, -64};
    private static final int[] JUMP_OPS = {Opcodes.JMP_JEQ, Opcodes.JMP_JGT, Opcodes.JMP_JGE, Opcodes.JMP_JSET,
        Opcodes.JMP_JNE, Opcodes.JMP_JSGT, Opcodes.JMP_JSGE, Opcodes.JMP_JLT, Opcodes.JMP_JLE, Opcodes.JMP_JSLT,
        Opcodes.JMP_JSLE};
    private static final int[] PLAIN_ALU_OPS = {ALU_ADD, ALU_SUB, ALU_MUL, ALU_OR, ALU_AND, ALU_XOR, ALU_MOV};
    private static final int[] SIZES = {Opcodes.SIZE_B, Opcodes.SIZE_H, Opcodes.SIZE_W, SIZE_DW};
    private static final int[] ATOMIC_OPS = {Opcodes.ATOMIC_ADD, Opcodes.ATOMIC_OR, Opcodes.ATOMIC_AND,
        Opcodes.ATOMIC_XOR};

    private final SplittableRandom rnd;
    private final CodeBuilder b = new CodeBuilder();
    private Label[] functions;
    private boolean[] called;

    private ProgramGenerator(long seed) {
        this.rnd = new SplittableRandom(seed);
    }

    /** The program for {@code seed}: the same seed always gives the same program. */
    public static FuzzProgram generate(long seed) {
        return new ProgramGenerator(seed).program();
    }

    /** Where the fuzzer's program {@code index} of a campaign with {@code seed} comes from. */
    public static long programSeed(long campaignSeed, long index) {
        long z = campaignSeed * 0x9E3779B97F4A7C15L + index;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** What the code being generated may do at this point. */
    private record Ctx(int function, boolean inLoop, int nesting) {
        Ctx loopBody() {
            return new Ctx(function, true, nesting + 1);
        }

        Ctx nested() {
            return new Ctx(function, inLoop, nesting + 1);
        }
    }

    private FuzzProgram program() {
        int count = pickCount();
        functions = new Label[count];
        called = new boolean[count];
        for (int i = 0; i < count; i++) {
            functions[i] = b.label();
        }
        for (int i = 0; i < count; i++) {
            b.bind(functions[i]);
            function(i);
        }
        byte[] memory = new byte[MEMORY_SIZE];
        for (int i = 0; i < memory.length; i++) {
            memory[i] = switch (rnd.nextInt(6)) {
                case 0 -> 0;
                case 1 -> (byte) 0xff;
                case 2 -> (byte) (rnd.nextBoolean() ? 0x80 : 0x7f);
                default -> (byte) rnd.nextInt();
            };
        }
        return new FuzzProgram(b.build(), memory, b.pinned());
    }

    private int pickCount() {
        int p = rnd.nextInt(100);
        return p < 50 ? 1 : p < 80 ? 2 : p < 95 ? 3 : 4;
    }

    private void function(int index) {
        // The register that brought the memory pointer is overwritten by a pinned move, so no
        // reduction can leave a pointer where the program treats values as numbers.
        int pointerArgument = index == 0 ? 1 : 5;
        mov64Reg(MEM, pointerArgument);
        int[] initialised = index == 0 ? new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8} : new int[] {0, 5, 6, 7, 8};
        for (int r : initialised) {
            int from = b.size();
            initRegister(r);
            if (r == pointerArgument) {
                b.pinFrom(from);
            }
        }
        // Pinned: root may read stack nobody wrote and gets whatever the kernel left there, so a
        // reduction that deleted these stores would turn any mismatch into noise.
        for (int slot = 1; slot <= STACK_BYTES / 8; slot++) {
            if (rnd.nextBoolean()) {
                b.emitPinned(CLASS_ST | MODE_MEM | SIZE_DW, 10, 0, -8 * slot, imm32());
            } else {
                b.emitPinned(CLASS_STX | MODE_MEM | SIZE_DW, 10, rnd.nextInt(9), -8 * slot, 0);
            }
        }
        int items = 3 + rnd.nextInt(index == 0 ? 32 : 12);
        Ctx top = new Ctx(index, false, 0);
        block(top, items);
        // A function nobody calls would be unreachable code, which the verifier rejects.
        if (index + 1 < functions.length && !called[index + 1]) {
            callFunction(index + 1);
        }
        epilogue(index == 0);
    }

    private void epilogue(boolean entry) {
        for (int r = 1; r <= 8; r++) {
            mix(r);
        }
        for (int slot = 1; slot <= STACK_BYTES / 8; slot++) {
            b.emit(CLASS_LDX | MODE_MEM | SIZE_DW, 1, 10, -8 * slot, 0);
            mix(1);
        }
        if (entry) {
            for (int off = 0; off < MEMORY_SIZE; off += 8) {
                b.emit(CLASS_LDX | MODE_MEM | SIZE_DW, 1, MEM, off, 0);
                mix(1);
            }
        }
        b.emit(Opcodes.EXIT, 0, 0, 0, 0);
    }

    private void mix(int r) {
        b.emit(CLASS_ALU64 | ALU_MUL | SRC_K, 0, 0, 0, (int) MIX);
        b.emit(CLASS_ALU64 | (rnd.nextBoolean() ? ALU_ADD : ALU_XOR) | SRC_X, 0, r, 0, 0);
    }

    /** An open forward jump: its label is bound before the item {@code remaining} items on. */
    private static final class Open {
        final Label label;
        int remaining;

        Open(Label label, int remaining) {
            this.label = label;
            this.remaining = remaining;
        }
    }

    private void block(Ctx c, int items) {
        List<Open> open = new ArrayList<>();
        for (int k = 0; k < items; k++) {
            for (int i = open.size() - 1; i >= 0; i--) {
                if (open.get(i).remaining == 0) {
                    b.bind(open.remove(i).label);
                }
            }
            item(c, open, items - k - 1);
            for (Open o : open) {
                o.remaining--;
            }
        }
        for (Open o : open) {
            b.bind(o.label);
        }
    }

    private void item(Ctx c, List<Open> open, int itemsAfter) {
        int p = rnd.nextInt(100);
        if (p < 38) {
            alu(c);
        } else if (p < 41) {
            b.lddw(writable(c), imm64());
        } else if (p < 52) {
            Label target = b.label();
            conditionalJump(target);
            open.add(new Open(target, 1 + rnd.nextInt(Math.min(3, itemsAfter) + 1)));
        } else if (p < 67) {
            memoryAccess(c);
        } else if (p < 75) {
            atomic(c);
        } else if (p < 78) {
            indexedAccess(c);
        } else if (p < 80) {
            stackPointerAccess(c);
        } else if (p < 85 && c.nesting < MAX_NESTING) {
            diamond(c);
        } else if (p < 89 && !c.inLoop && c.nesting < MAX_NESTING) {
            loop(c);
        } else if (p < 94 && c.function < functions.length - 1) {
            call(c);
        } else if (p < 96) {
            Label skip = b.label();
            conditionalJump(skip);
            b.emit(Opcodes.EXIT, 0, 0, 0, 0);
            b.bind(skip);
        } else {
            alu(c);
        }
    }

    // ---- operands

    private int writable(Ctx c) {
        return rnd.nextInt(c.inLoop ? 8 : 9);
    }

    private int otherWritable(Ctx c, int not) {
        int r = writable(c);
        return r != not ? r : (r + 1) % (c.inLoop ? 8 : 9);
    }

    private int readable() {
        return rnd.nextInt(9);
    }

    private int imm32() {
        return switch (rnd.nextInt(5)) {
            case 0, 1 -> EDGE32[rnd.nextInt(EDGE32.length)];
            case 2 -> rnd.nextInt(-16, 17);
            default -> rnd.nextInt();
        };
    }

    private long imm64() {
        return switch (rnd.nextInt(4)) {
            case 0, 1 -> EDGE64[rnd.nextInt(EDGE64.length)];
            case 2 -> imm32();
            default -> rnd.nextLong();
        };
    }

    private void initRegister(int r) {
        long v = imm64();
        if (v == (int) v && rnd.nextInt(3) > 0) {
            b.emit(CLASS_ALU64 | ALU_MOV | SRC_K, r, 0, 0, (int) v);
        } else if (rnd.nextInt(4) == 0) {
            b.emit(CLASS_ALU | ALU_MOV | SRC_K, r, 0, 0, (int) v);
        } else {
            b.lddw(r, v);
        }
    }

    private void mov64Reg(int dst, int src) {
        b.emit(CLASS_ALU64 | ALU_MOV | SRC_X, dst, src, 0, 0);
    }

    // ---- items

    private void alu(Ctx c) {
        boolean wide = rnd.nextBoolean();
        int cls = wide ? CLASS_ALU64 : CLASS_ALU;
        int dst = writable(c);
        boolean x = rnd.nextBoolean();
        int src = x ? SRC_X : SRC_K;
        int kind = rnd.nextInt(16);
        switch (kind) {
            case 0, 1, 2, 3, 4, 5 -> {
                int op = PLAIN_ALU_OPS[rnd.nextInt(PLAIN_ALU_OPS.length)];
                b.emit(cls | op | src, dst, x ? readable() : 0, 0, x ? 0 : imm32());
            }
            case 6, 7 -> {
                // Signed forms (offset 1) included; a constant divisor of zero is rejected by the verifier.
                int op = rnd.nextBoolean() ? ALU_DIV : ALU_MOD;
                int signed = rnd.nextBoolean() ? 1 : 0;
                int k = imm32();
                b.emit(cls | op | src, dst, x ? readable() : 0, signed, x ? 0 : (k == 0 ? -1 : k));
            }
            case 8, 9 -> {
                int op = rnd.nextInt(3) == 0 ? ALU_LSH : rnd.nextBoolean() ? ALU_RSH : ALU_ARSH;
                // The verifier rejects constant shifts of the width or more; register counts are masked.
                b.emit(cls | op | src, dst, x ? readable() : 0, 0, x ? 0 : rnd.nextInt(wide ? 64 : 32));
            }
            case 10 -> b.emit(cls | ALU_NEG | SRC_K, dst, 0, 0, 0);
            case 11 -> {
                int width = switch (rnd.nextInt(3)) {
                    case 0 -> 16;
                    case 1 -> 32;
                    default -> 64;
                };
                // ALU class: le (K) / be (X); ALU64 class: bswap (K only).
                b.emit(cls | ALU_END | (wide ? SRC_K : src), dst, 0, 0, width);
            }
            case 12 -> {
                int[] widths = wide ? new int[] {8, 16, 32} : new int[] {8, 16};
                b.emit(cls | ALU_MOV | SRC_X, dst, readable(), widths[rnd.nextInt(widths.length)], 0);
            }
            default -> {
                int op = PLAIN_ALU_OPS[rnd.nextInt(PLAIN_ALU_OPS.length)];
                b.emit(cls | op | SRC_X, dst, readable(), 0, 0);
            }
        }
    }

    private void conditionalJump(Label target) {
        int cls = rnd.nextBoolean() ? CLASS_JMP : CLASS_JMP32;
        int op = JUMP_OPS[rnd.nextInt(JUMP_OPS.length)];
        if (rnd.nextBoolean()) {
            b.jump(cls | op | SRC_X, readable(), readable(), 0, target);
        } else {
            b.jump(cls | op | SRC_K, readable(), 0, imm32(), target);
        }
    }

    private void memoryAccess(Ctx c) {
        boolean stack = rnd.nextBoolean();
        int size = SIZES[rnd.nextInt(SIZES.length)];
        int width = Opcodes.sizeBytes(size);
        int base = stack ? 10 : MEM;
        // The verifier wants stack accesses aligned; map values may be accessed unaligned.
        int off = stack ? -width * (1 + rnd.nextInt(STACK_BYTES / width)) : rnd.nextInt(MEMORY_SIZE - width + 1);
        switch (rnd.nextInt(4)) {
            case 0 -> b.emit(CLASS_LDX | MODE_MEM | size, writable(c), base, off, 0);
            case 1 -> b.emit(CLASS_LDX | (size == SIZE_DW ? MODE_MEM : MODE_MEMSX) | size, writable(c), base, off, 0);
            case 2 -> b.emit(CLASS_STX | MODE_MEM | size, base, readable(), off, 0);
            default -> b.emit(CLASS_ST | MODE_MEM | size, base, 0, off, imm32());
        }
    }

    private void atomic(Ctx c) {
        boolean stack = rnd.nextBoolean();
        boolean wide = rnd.nextBoolean();
        int width = wide ? 8 : 4;
        int off = stack ? -width * (1 + rnd.nextInt(STACK_BYTES / width)) : width * rnd.nextInt(MEMORY_SIZE / width);
        if (rnd.nextInt(5) == 0) {
            acquireRelease(c, stack);
            return;
        }
        int op;
        int p = rnd.nextInt(10);
        if (p < 6) {
            op = ATOMIC_OPS[rnd.nextInt(ATOMIC_OPS.length)] | (rnd.nextBoolean() ? Opcodes.ATOMIC_FETCH : 0);
        } else if (p < 8) {
            op = Opcodes.ATOMIC_XCHG;
        } else {
            op = Opcodes.ATOMIC_CMPXCHG;
        }
        // A fetching atomic writes its source register (cmpxchg writes r0, which is never reserved).
        boolean writesSrc = (op & Opcodes.ATOMIC_FETCH) != 0 && op != Opcodes.ATOMIC_CMPXCHG;
        int src = writesSrc ? writable(c) : readable();
        b.emit(CLASS_STX | MODE_ATOMIC | (wide ? SIZE_DW : SIZE_W), stack ? 10 : MEM, src, off, op);
    }

    /** load-acquire or store-release of 1 to 8 bytes, naturally aligned. */
    private void acquireRelease(Ctx c, boolean stack) {
        int size = SIZES[rnd.nextInt(SIZES.length)];
        int width = Opcodes.sizeBytes(size);
        int base = stack ? 10 : MEM;
        int off = stack ? -width * (1 + rnd.nextInt(STACK_BYTES / width)) : width * rnd.nextInt(MEMORY_SIZE / width);
        if (rnd.nextBoolean()) {
            b.emit(CLASS_STX | MODE_ATOMIC | size, writable(c), base, off, Opcodes.ATOMIC_LOAD_ACQ);
        } else {
            b.emit(CLASS_STX | MODE_ATOMIC | size, base, readable(), off, Opcodes.ATOMIC_STORE_REL);
        }
    }

    /**
     * An access through a pointer derived from r10: a constant displacement, or a variable one
     * (a multiple of 8 up to 24, so alignment and bounds stay provable).
     */
    private void stackPointerAccess(Ctx c) {
        int size = SIZES[rnd.nextInt(SIZES.length)];
        int width = Opcodes.sizeBytes(size);
        int t = writable(c);
        int off;
        if (rnd.nextBoolean()) {
            int shift = 8 * rnd.nextInt(5);
            mov64Reg(t, 10);
            b.emit(CLASS_ALU64 | ALU_ADD | SRC_K, t, 0, 0, -shift);
            // t + off must land in [r10 - STACK_BYTES, r10 - width], aligned to width.
            off = shift - width * (1 + rnd.nextInt(STACK_BYTES / width));
        } else {
            // Pointer plus index. The mirrored form "index += r10" is left out on purpose: inside
            // a subprogram, Linux 6.18's verifier keeps tracking a stale constant in the slot
            // written through such a pointer and prunes a branch the wrong way (test resource
            // fuzz-findings/kernel-subprogram-stale-slot-after-scalar-plus-r10.data), so every
            // campaign would keep rediscovering that one issue.
            int u = otherWritable(c, t);
            mov64Reg(u, readable());
            b.emit(CLASS_ALU64 | ALU_AND | SRC_K, u, 0, 0, 0x18);
            mov64Reg(t, 10);
            b.emit(CLASS_ALU64 | ALU_ADD | SRC_X, t, u, 0, 0);
            int slots = (STACK_BYTES - 24) / width;
            off = -24 - width * (1 + rnd.nextInt(slots));
        }
        boolean load = rnd.nextBoolean();
        int d = otherWritable(c, t);
        if (load) {
            boolean sx = size != SIZE_DW && rnd.nextBoolean();
            b.emit(CLASS_LDX | (sx ? MODE_MEMSX : MODE_MEM) | size, d, t, off, 0);
        } else {
            int v = readable();
            b.emit(CLASS_STX | MODE_MEM | size, t, v == t ? (t + 1) % 9 : v, off, 0);
        }
        b.emitPinned(CLASS_ALU64 | ALU_MOV | SRC_K, t, 0, 0, imm32());
    }

    private void indexedAccess(Ctx c) {
        int size = SIZES[rnd.nextInt(SIZES.length)];
        int width = Opcodes.sizeBytes(size);
        int t = writable(c);
        mov64Reg(t, readable());
        Label skip = null;
        int off;
        if (rnd.nextBoolean()) {
            b.emit(CLASS_ALU64 | ALU_AND | SRC_K, t, 0, 0, 31);
            off = rnd.nextInt(MEMORY_SIZE - 31 - width + 1);
        } else {
            skip = b.label();
            b.jump(CLASS_JMP | Opcodes.JMP_JGT | SRC_K, t, 0, MEMORY_SIZE - width, skip);
            off = 0;
        }
        b.emit(CLASS_ALU64 | ALU_ADD | SRC_X, t, MEM, 0, 0);
        boolean load = rnd.nextBoolean();
        int d = otherWritable(c, t);
        if (load) {
            boolean sx = size != SIZE_DW && rnd.nextBoolean();
            b.emit(CLASS_LDX | (sx ? MODE_MEMSX : MODE_MEM) | size, d, t, off, 0);
        } else if (rnd.nextBoolean()) {
            int v = readable();
            b.emit(CLASS_STX | MODE_MEM | size, t, v == t ? (t + 1) % 9 : v, off, 0);
        } else {
            b.emit(CLASS_ST | MODE_MEM | size, t, 0, off, imm32());
        }
        // t holds a pointer now; make it a scalar again before any other item uses it.
        b.emitPinned(CLASS_ALU64 | ALU_MOV | SRC_K, t, 0, 0, imm32());
        if (skip != null) {
            b.bind(skip);
        }
    }

    private void diamond(Ctx c) {
        Label otherwise = b.label();
        Label end = b.label();
        conditionalJump(otherwise);
        block(c.nested(), 1 + rnd.nextInt(3));
        if (rnd.nextInt(4) == 0) {
            b.jump(Opcodes.JA32, 0, 0, 0, end);
        } else {
            b.jump(Opcodes.JA, 0, 0, 0, end);
        }
        b.bind(otherwise);
        block(c.nested(), 1 + rnd.nextInt(3));
        b.bind(end);
    }

    private void loop(Ctx c) {
        if (rnd.nextInt(3) == 0) {
            countUp(c);
            return;
        }
        b.emit(CLASS_ALU64 | ALU_MOV | SRC_K, LOOP, 0, 0, 1 + rnd.nextInt(5));
        Label top = b.label();
        Label done = null;
        b.bind(top);
        if (rnd.nextInt(4) == 0) {
            // may_goto leaves after a budget of iterations (a time budget in recent kernels);
            // these loops end long before any budget, so every engine must fall through.
            done = b.label();
            b.jump(Opcodes.MAY_GOTO, 0, 0, 0, done);
        }
        block(c.loopBody(), 1 + rnd.nextInt(4));
        if (rnd.nextBoolean()) {
            b.emit(CLASS_ALU64 | ALU_ADD | SRC_K, LOOP, 0, 0, -1);
        } else {
            b.emit((rnd.nextBoolean() ? CLASS_ALU64 : CLASS_ALU) | ALU_SUB | SRC_K, LOOP, 0, 0, 1);
        }
        int[] exits = {Opcodes.JMP_JNE, Opcodes.JMP_JSGT, Opcodes.JMP_JGT};
        int cls = rnd.nextBoolean() ? CLASS_JMP : CLASS_JMP32;
        b.jump(cls | exits[rnd.nextInt(exits.length)] | SRC_K, LOOP, 0, 0, top);
        if (done != null) {
            b.bind(done);
        }
    }

    /**
     * A loop counted up in r8 to a small constant with an unsigned test, the shape JITs compile
     * with a signed copy: the start is an edge value, so some runs enter that copy and others
     * (r8 past Long.MAX_VALUE - step) must stay in the unsigned loop. At most 6 iterations: a
     * start at or above the bound ends after one, unless adding the step wraps it below.
     */
    private void countUp(Ctx c) {
        int step = new int[] {1, 2, 3, 64}[rnd.nextInt(4)];
        int bound = step * (1 + rnd.nextInt(5));
        long[] starts = {0, 1, bound - 1, bound, Long.MAX_VALUE - step, Long.MAX_VALUE - step + 1, Long.MAX_VALUE,
            Long.MIN_VALUE, -1, -2, -step};
        b.lddw(LOOP, starts[rnd.nextInt(starts.length)]);
        Label top = b.label();
        b.bind(top);
        block(c.loopBody(), 1 + rnd.nextInt(4));
        b.emit(CLASS_ALU64 | ALU_ADD | SRC_K, LOOP, 0, 0, step);
        int op = rnd.nextBoolean() ? Opcodes.JMP_JLT : Opcodes.JMP_JLE;
        b.jump(CLASS_JMP | op | SRC_K, LOOP, 0, op == Opcodes.JMP_JLE ? bound - 1 : bound, top);
    }

    private void call(Ctx c) {
        callFunction(c.function + 1 + rnd.nextInt(functions.length - c.function - 1));
    }

    private void callFunction(int callee) {
        called[callee] = true;
        mov64Reg(5, MEM);
        b.call(functions[callee]);
        // The verifier considers r1-r5 clobbered by the call.
        for (int r = 1; r <= 5; r++) {
            initRegister(r);
        }
    }
}
