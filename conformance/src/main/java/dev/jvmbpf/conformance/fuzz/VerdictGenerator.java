package dev.jvmbpf.conformance.fuzz;

import static dev.jvmbpf.runtime.isa.Opcodes.ALU_ADD;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_AND;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_DIV;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_LSH;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_MOD;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_MOV;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_MUL;
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
import static dev.jvmbpf.runtime.isa.Opcodes.MODE_MEM;
import static dev.jvmbpf.runtime.isa.Opcodes.SIZE_B;
import static dev.jvmbpf.runtime.isa.Opcodes.SIZE_DW;
import static dev.jvmbpf.runtime.isa.Opcodes.SIZE_H;
import static dev.jvmbpf.runtime.isa.Opcodes.SIZE_W;
import static dev.jvmbpf.runtime.isa.Opcodes.SRC_K;
import static dev.jvmbpf.runtime.isa.Opcodes.SRC_X;

import dev.jvmbpf.conformance.fuzz.internal.CodeBuilder;
import dev.jvmbpf.conformance.fuzz.internal.CodeBuilder.Label;
import dev.jvmbpf.helpers.HelperNames;
import dev.jvmbpf.helpers.StandardHelpers;
import dev.jvmbpf.runtime.isa.Opcodes;
import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.MapType;
import java.util.SplittableRandom;

/**
 * Generates XDP programs the kernel's verifier may refuse, to compare verdicts rather than
 * results: unchecked or half-checked packet accesses, map values used without a null check or
 * beyond their size, variable offsets with and without bounds, arithmetic on pointers the kernel
 * forbids, loops (bounded, long, endless), reads of registers and stack never written, division
 * by zero, and returns of pointers or of nothing. Each program is a prologue ({@code r6} = ctx,
 * {@code r7} = data, {@code r8} = data_end) and a few snippets, each a safe or a risky variant
 * of one of those shapes, chosen by the seed; every jump goes forward except the loops'.
 * Programs use one array map ({@link #MAP}), referenced as map index 0.
 */
public final class VerdictGenerator {
    /** The map every program may look up: 4-byte keys, {@value #VALUE_SIZE}-byte values. */
    public static final int VALUE_SIZE = 16;
    public static final MapSpec MAP = new MapSpec("verdict_map", MapType.ARRAY, 4, VALUE_SIZE, 4, 0);
    private static final int HELPER_MAP_LOOKUP = StandardHelpers.MAP_LOOKUP_ELEM;
    private static final int HELPER_KTIME = HelperNames.idOf("ktime_get_ns");
    private static final int HELPER_PRANDOM = HelperNames.idOf("get_prandom_u32");
    private static final int CTX = 6;
    private static final int DATA = 7;
    private static final int END = 8;
    private static final int[] SIZES = {SIZE_B, SIZE_H, SIZE_W, SIZE_DW};
    private static final int[] CMP = {Opcodes.JMP_JGT, Opcodes.JMP_JGE, Opcodes.JMP_JLT, Opcodes.JMP_JLE,
        Opcodes.JMP_JEQ, Opcodes.JMP_JNE, Opcodes.JMP_JSGT, Opcodes.JMP_JSLT};

    private final SplittableRandom rnd;
    private final CodeBuilder b = new CodeBuilder();

    private VerdictGenerator(long seed) {
        this.rnd = new SplittableRandom(seed);
    }

    /** The program for {@code seed} (no input memory: the kernel gives XDP programs their packet). */
    public static FuzzProgram generate(long seed) {
        return new VerdictGenerator(seed).program();
    }

    private FuzzProgram program() {
        b.emit(CLASS_ALU64 | ALU_MOV | SRC_X, CTX, 1, 0, 0);
        b.emit(CLASS_LDX | MODE_MEM | SIZE_W, DATA, CTX, 0, 0);
        b.emit(CLASS_LDX | MODE_MEM | SIZE_W, END, CTX, 4, 0);
        if (rnd.nextInt(8) != 0) {
            b.emit(CLASS_ALU64 | ALU_MOV | SRC_K, 0, 0, 0, 2);
        }
        if (rnd.nextBoolean()) {
            // r9 an unknown scalar, for variable offsets and divisors.
            b.emit(CLASS_LDX | MODE_MEM | SIZE_W, 9, CTX, 12, 0);
        }
        int snippets = 1 + rnd.nextInt(4);
        for (int i = 0; i < snippets; i++) {
            switch (rnd.nextInt(10)) {
                case 0, 1 -> packet();
                case 2, 3 -> mapValue();
                case 4 -> pointerArithmetic();
                case 5 -> loop();
                case 6 -> uninitialised();
                case 7 -> division();
                case 8 -> stack();
                default -> scalars();
            }
        }
        ret();
        return new FuzzProgram(b.build(), new byte[0], b.pinned());
    }

    private int size() {
        return SIZES[rnd.nextInt(SIZES.length)];
    }

    private int small(int bound) {
        return rnd.nextInt(bound);
    }

    private void mov(int dst, int imm) {
        b.emit(CLASS_ALU64 | ALU_MOV | SRC_K, dst, 0, 0, imm);
    }

    private void movReg(int dst, int src) {
        b.emit(CLASS_ALU64 | ALU_MOV | SRC_X, dst, src, 0, 0);
    }

    /** A packet read after a bounds check that may be missing, too short, or on the wrong branch. */
    private void packet() {
        Label skip = b.label();
        int checked = small(40);
        int off = small(40);
        int size = size();
        int variant = small(6);
        if (variant != 0) {
            movReg(1, DATA);
            b.emit(CLASS_ALU64 | ALU_ADD | SRC_K, 1, 0, 0, checked);
            if (variant == 5) {
                // The check's comparison mirrored, possibly on the wrong branch.
                b.jump(CLASS_JMP | (rnd.nextBoolean() ? Opcodes.JMP_JLT : Opcodes.JMP_JGE) | SRC_X, END, 1, 0, skip);
            } else {
                int op = variant == 4 ? CMP[small(CMP.length)] : Opcodes.JMP_JGT;
                b.jump(CLASS_JMP | op | SRC_X, 1, END, 0, skip);
            }
        }
        int base = DATA;
        if (small(4) == 0) {
            // A variable offset, masked or not.
            movReg(2, DATA);
            b.emit(CLASS_LDX | MODE_MEM | SIZE_B, 3, DATA, 0, 0);
            if (rnd.nextBoolean()) {
                b.emit(CLASS_ALU64 | ALU_AND | SRC_K, 3, 0, 0, 1 << small(6));
            }
            b.emit(CLASS_ALU64 | ALU_ADD | SRC_X, 2, 3, 0, 0);
            base = 2;
        }
        if (rnd.nextInt(3) == 0) {
            b.emit(CLASS_STX | MODE_MEM | size, base, 0, off, 0);
        } else {
            b.emit(CLASS_LDX | MODE_MEM | size, 4, base, off, 0);
        }
        b.bind(skip);
    }

    private void lookup() {
        b.emit(CLASS_ST | MODE_MEM | SIZE_W, 10, 0, -4, small(6));
        movReg(2, 10);
        b.emit(CLASS_ALU64 | ALU_ADD | SRC_K, 2, 0, 0, -4);
        b.emit(Opcodes.LDDW, 1, Opcodes.PSEUDO_MAP_IDX, 0, 0);
        b.emit(0, 0, 0, 0, 0);
        b.emit(Opcodes.CALL, 0, 0, 0, HELPER_MAP_LOOKUP);
    }

    /** A map value read or written with or without a null check, at constant or variable offsets. */
    private void mapValue() {
        lookup();
        Label skip = b.label();
        if (small(5) != 0) {
            b.jump(CLASS_JMP | (rnd.nextBoolean() ? Opcodes.JMP_JEQ : Opcodes.JMP_JNE) | SRC_K, 0, 0, 0, skip);
        }
        int size = size();
        int off = small(4) == 0 ? small(24) - 4 : small(VALUE_SIZE / 2);
        int base = 0;
        if (small(3) == 0) {
            b.emit(CLASS_LDX | MODE_MEM | SIZE_B, 3, 0, 0, 0);
            switch (small(4)) {
                case 0 -> b.emit(CLASS_ALU64 | ALU_AND | SRC_K, 3, 0, 0, (1 << small(5)) - 1);
                case 1 -> b.jump(CLASS_JMP | Opcodes.JMP_JGT | SRC_K, 3, 0, small(16), skip);
                case 2 -> b.emit(CLASS_ALU64 | ALU_LSH | SRC_K, 3, 0, 0, small(4));
                default -> {
                }
            }
            movReg(2, 0);
            b.emit(CLASS_ALU64 | ALU_ADD | SRC_X, 2, 3, 0, 0);
            base = 2;
        }
        if (rnd.nextBoolean()) {
            b.emit(CLASS_ST | MODE_MEM | size, base, 0, off, 1);
        } else {
            b.emit(CLASS_LDX | MODE_MEM | size, 4, base, off, 0);
        }
        b.bind(skip);
        mov(0, 2);
    }

    /** Arithmetic on pointers, some of it forbidden. */
    private void pointerArithmetic() {
        int[] pointers = {CTX, DATA, END, 10};
        int p = pointers[small(pointers.length)];
        movReg(1, p);
        switch (small(8)) {
            case 0 -> b.emit(CLASS_ALU64 | ALU_ADD | SRC_K, 1, 0, 0, small(64) - 32);
            case 1 -> b.emit(CLASS_ALU64 | ALU_MUL | SRC_K, 1, 0, 0, 2);
            case 2 -> b.emit(CLASS_ALU | ALU_ADD | SRC_K, 1, 0, 0, 4);
            case 3 -> b.emit(CLASS_ALU64 | ALU_SUB | SRC_X, 1, pointers[small(pointers.length)], 0, 0);
            case 4 -> b.emit(CLASS_ALU64 | ALU_AND | SRC_K, 1, 0, 0, -8);
            case 5 -> b.emit(CLASS_ALU64 | ALU_ADD | SRC_X, 1, pointers[small(pointers.length)], 0, 0);
            case 6 -> {
                b.emit(CLASS_LDX | MODE_MEM | SIZE_W, 2, CTX, 12, 0);
                b.emit(CLASS_ALU64 | ALU_ADD | SRC_X, 1, 2, 0, 0);
            }
            default -> b.emit(CLASS_ALU64 | ALU_SUB | SRC_K, 1, 0, 0, small(16));
        }
        if (rnd.nextBoolean()) {
            b.emit(CLASS_LDX | MODE_MEM | size(), 2, 1, small(3) == 0 ? -8 : 0, 0);
        } else if (rnd.nextBoolean()) {
            movReg(0, 1);
        }
    }

    /** A loop counted in r1: bounded, long, or never ending. */
    private void loop() {
        Label top = b.label();
        Label out = b.label();
        mov(1, 0);
        b.bind(top);
        int step = small(4) == 0 ? 0 : 1 + small(3);
        b.emit(CLASS_ALU64 | ALU_ADD | SRC_K, 1, 0, 0, step);
        if (rnd.nextBoolean()) {
            b.emit(CLASS_ALU64 | ALU_ADD | SRC_X, 0, 1, 0, 0);
        }
        int limit = switch (small(4)) {
            case 0 -> 4 + small(8);
            case 1 -> 100 + small(200);
            case 2 -> 1 << (16 + small(8));
            default -> 7 + small(5);
        };
        if (rnd.nextBoolean()) {
            b.jump(CLASS_JMP | Opcodes.JMP_JLT | SRC_K, 1, 0, limit, top);
        } else {
            b.jump(CLASS_JMP | Opcodes.JMP_JEQ | SRC_K, 1, 0, limit, out);
            b.jump(Opcodes.JA, 0, 0, 0, top);
        }
        b.bind(out);
    }

    /** Reads of registers clobbered by a call, never written, or stack never written. */
    private void uninitialised() {
        switch (small(5)) {
            case 0 -> {
                b.emit(Opcodes.CALL, 0, 0, 0, rnd.nextBoolean() ? HELPER_KTIME : HELPER_PRANDOM);
                b.emit(CLASS_ALU64 | ALU_ADD | SRC_X, 0, 1 + small(5), 0, 0);
            }
            case 1 -> b.emit(CLASS_ALU64 | ALU_ADD | SRC_X, 0, 9, 0, 0);
            case 2 -> b.emit(CLASS_LDX | MODE_MEM | size(), 1, 10, -8 * (2 + small(8)), 0);
            case 3 -> {
                b.emit(CLASS_ST | MODE_MEM | SIZE_W, 10, 0, -24, 7);
                b.emit(CLASS_LDX | MODE_MEM | SIZE_DW, 1, 10, -24, 0);
                b.emit(CLASS_ALU64 | ALU_ADD | SRC_X, 0, 1, 0, 0);
            }
            default -> {
                // A helper's key on stack bytes nobody wrote.
                movReg(2, 10);
                b.emit(CLASS_ALU64 | ALU_ADD | SRC_K, 2, 0, 0, -8 * (3 + small(4)));
                b.emit(Opcodes.LDDW, 1, Opcodes.PSEUDO_MAP_IDX, 0, 0);
                b.emit(0, 0, 0, 0, 0);
                b.emit(Opcodes.CALL, 0, 0, 0, HELPER_MAP_LOOKUP);
                mov(0, 1);
            }
        }
    }

    /** Division and modulo by constants (zero among them) and by unknown registers. */
    private void division() {
        int op = rnd.nextBoolean() ? ALU_DIV : ALU_MOD;
        int cls = rnd.nextBoolean() ? CLASS_ALU64 : CLASS_ALU;
        int signed = small(4) == 0 ? 1 : 0;
        if (rnd.nextBoolean()) {
            b.emit(cls | op | SRC_K, 0, 0, signed, small(3) == 0 ? 0 : 1 + small(9));
        } else {
            b.emit(CLASS_LDX | MODE_MEM | SIZE_W, 2, CTX, 12, 0);
            b.emit(cls | op | SRC_X, 0, 2, signed, 0);
        }
    }

    /** Stack writes at odd, variable or out-of-frame offsets, and spills of pointers. */
    private void stack() {
        switch (small(5)) {
            case 0 -> b.emit(CLASS_ST | MODE_MEM | size(), 10, 0, small(3) == 0 ? 8 : -small(520), 1);
            case 1 -> {
                b.emit(CLASS_STX | MODE_MEM | SIZE_DW, 10, DATA, -16, 0);
                b.emit(CLASS_LDX | MODE_MEM | SIZE_DW, 1, 10, -16, 0);
                b.emit(CLASS_LDX | MODE_MEM | size(), 2, 1, 0, 0);
            }
            case 2 -> {
                b.emit(CLASS_LDX | MODE_MEM | SIZE_B, 2, CTX, 12, 0);
                b.emit(CLASS_ALU64 | ALU_AND | SRC_K, 2, 0, 0, 31);
                movReg(1, 10);
                b.emit(CLASS_ALU64 | ALU_SUB | SRC_K, 1, 0, 0, 64);
                b.emit(CLASS_ALU64 | ALU_ADD | SRC_X, 1, 2, 0, 0);
                b.emit(CLASS_ST | MODE_MEM | size(), 1, 0, 0, 3);
            }
            case 3 -> {
                b.emit(CLASS_STX | MODE_MEM | SIZE_W, 10, CTX, -8, 0);
                b.emit(CLASS_LDX | MODE_MEM | SIZE_W, 1, 10, -8, 0);
            }
            default -> {
                b.emit(CLASS_ST | MODE_MEM | SIZE_DW, 10, 0, -32, small(100));
                b.emit(CLASS_LDX | MODE_MEM | size(), 1, 10, -32 + small(8), 0);
                b.emit(CLASS_ALU64 | ALU_ADD | SRC_X, 0, 1, 0, 0);
            }
        }
    }

    /** Scalar arithmetic and comparisons that make dead branches the kernel may or may not see. */
    private void scalars() {
        Label skip = b.label();
        b.emit(CLASS_LDX | MODE_MEM | SIZE_W, 2, CTX, 12, 0);
        int[] ops = {ALU_AND, ALU_OR, ALU_XOR, ALU_RSH, ALU_LSH, ALU_ADD, ALU_MUL};
        b.emit((rnd.nextBoolean() ? CLASS_ALU64 : CLASS_ALU) | ops[small(ops.length)] | SRC_K, 2, 0, 0,
                small(3) == 0 ? small(64) : 0xff);
        int cls = rnd.nextBoolean() ? CLASS_JMP : CLASS_JMP32;
        b.jump(cls | CMP[small(CMP.length)] | SRC_K, 2, 0, small(300), skip);
        // Only a path the comparison leaves may reach this: something the kernel refuses when reachable.
        switch (small(3)) {
            case 0 -> b.emit(CLASS_ALU64 | ALU_ADD | SRC_X, 0, 5, 0, 0);
            case 1 -> b.emit(CLASS_LDX | MODE_MEM | SIZE_B, 3, DATA, 0, 0);
            default -> b.emit(CLASS_ALU64 | ALU_XOR | SRC_X, 0, 2, 0, 0);
        }
        b.bind(skip);
    }

    /** The exit, with r0 as it is (maybe unset), or a pointer. */
    private void ret() {
        switch (small(12)) {
            case 0 -> movReg(0, DATA);
            case 1 -> movReg(0, 10);
            case 2 -> b.emit(CLASS_ALU | ALU_MOV | SRC_K, 0, 0, 0, small(5));
            default -> {
            }
        }
        b.emit(Opcodes.EXIT, 0, 0, 0, 0);
    }
}
