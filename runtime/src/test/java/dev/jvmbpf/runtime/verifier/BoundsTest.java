package dev.jvmbpf.runtime.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jvmbpf.runtime.isa.Opcodes;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The scalar domain: every transfer function and branch refinement keeps every concrete value
 * (soundness, on random values and bounds), and it is as sharp as the kernel where its
 * selftests need it.
 */
class BoundsTest {
    private static final int[] ALU = {Opcodes.ALU_ADD, Opcodes.ALU_SUB, Opcodes.ALU_MUL, Opcodes.ALU_AND,
        Opcodes.ALU_OR, Opcodes.ALU_XOR, Opcodes.ALU_LSH, Opcodes.ALU_RSH, Opcodes.ALU_ARSH};
    private static final int[] JMP = {Opcodes.JMP_JEQ, Opcodes.JMP_JNE, Opcodes.JMP_JGT, Opcodes.JMP_JGE,
        Opcodes.JMP_JLT, Opcodes.JMP_JLE, Opcodes.JMP_JSGT, Opcodes.JMP_JSGE, Opcodes.JMP_JSLT, Opcodes.JMP_JSLE,
        Opcodes.JMP_JSET};

    private static boolean contains(Bounds b, long v) {
        return Bounds.ule(b.umin(), v) && Bounds.ule(v, b.umax()) && b.smin() <= v && v <= b.smax()
                && b.u32min() <= (v & 0xffffffffL) && (v & 0xffffffffL) <= b.u32max()
                && b.s32min() <= (int) v && (int) v <= b.s32max() && (v & ~b.mask()) == b.value();
    }

    private static long interesting(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> r.nextInt(64) - 32;
            case 1 -> r.nextLong();
            case 2 -> 0x7fffffffL + r.nextInt(8) - 4;
            case 3 -> 0xffffffffL + r.nextInt(8) - 4;
            case 4 -> Long.MIN_VALUE + r.nextInt(8) - 4;
            default -> r.nextInt(1 << 16);
        };
    }

    /** Bounds around {@code v}: a range, a masked value, or a sign-extended one, each containing it. */
    private static Bounds around(Random r, long v) {
        Bounds b = switch (r.nextInt(5)) {
            case 0 -> Bounds.constant(v);
            case 1 -> {
                long lo = v - r.nextInt(300);
                long hi = v + r.nextInt(300);
                yield Bounds.ule(lo, v) && Bounds.ule(v, hi) ? Bounds.unsigned(lo, hi) : Bounds.UNKNOWN;
            }
            case 2 -> Bounds.UNKNOWN.alu(Opcodes.ALU_AND, Bounds.constant(v | r.nextLong() & r.nextLong()), true);
            case 3 -> Bounds.unsigned(v & 0xffff, v | 0xffffL << 16).signExtend(r.nextBoolean() ? 16 : 32, true);
            default -> Bounds.UNKNOWN;
        };
        return b;
    }

    @Test
    void transferFunctionsAndRefinementKeepEveryValue() {
        Random r = new Random(14);
        for (int i = 0; i < 200_000; i++) {
            long a = interesting(r);
            long c = interesting(r);
            Bounds ba = around(r, a);
            Bounds bc = around(r, c);
            if (!contains(ba, a) || !contains(bc, c)) {
                continue; // the generator's shapes do not always contain the value
            }
            boolean is64 = r.nextBoolean();
            int op = ALU[r.nextInt(ALU.length)];
            if (op == Opcodes.ALU_LSH || op == Opcodes.ALU_RSH || op == Opcodes.ALU_ARSH) {
                c = r.nextInt(is64 ? 64 : 32);
                bc = Bounds.constant(c);
            }
            Bounds res = ba.alu(op, bc, is64);
            if (res != null) {
                long v = is64 ? Scalars.eval64(op, 0, a, c) : Scalars.eval32(op, 0, a, c);
                if (!(contains(res, v))) {
                fail("op " + op + " " + is64 + " " + a + " " + c + " -> " + res);
            }
            }
            boolean is32 = r.nextBoolean();
            int j = JMP[r.nextInt(JMP.length)];
            boolean holds = Branches.compare(j, is32, a, c);
            Boolean decided = ba.decide(j, bc, is32);
            if (!(decided == null || decided == holds)) {
                fail("decide " + j + " " + a + " " + c + " " + ba + bc);
            }
            int cond = holds ? j : Branches.notTaken(j);
            Bounds[] refined = ba.refine(cond, bc, is32);
            if (refined == null) {
                fail("refine " + cond + " " + a + " " + c + " " + ba + bc);
            }
            if (!(contains(refined[0], a) && contains(refined[1], c))) {
                fail("refine " + cond + " " + is32 + " " + a + " " + c + " " + ba + " " + bc);
            }
            int bits = new int[] {8, 16, 32}[r.nextInt(3)];
            Bounds sx = ba.signExtend(bits, is64);
            long half = 1L << (bits - 1);
            long low = a & ((1L << bits) - 1);
            long ext = (low ^ half) - half;
            long expected = is64 ? ext : ext & 0xffffffffL;
            if (!(contains(sx, expected))) {
                fail("sext " + bits + " " + a + " " + ba + " -> " + sx);
            }
        }
    }

    @Test
    void signedAndThirtyTwoBitBoundsDecideBranches() {
        // u32 <= 0x80000003 and -3 s<= s32 <= 5: the kernel deduces 0 <= w <= 5
        Bounds w = Bounds.UNKNOWN.zext32();
        w = w.refine(Opcodes.JMP_JLE, Bounds.constant(0x80000003L), true)[0];
        w = w.refine(Opcodes.JMP_JSGE, Bounds.constant(-3), true)[0];
        w = w.refine(Opcodes.JMP_JSLE, Bounds.constant(5), true)[0];
        assertEquals(Boolean.TRUE, w.decide(Opcodes.JMP_JLE, Bounds.constant(5), true));
        // (s8) of a value in [0x80, 0x8f] is in [-128, -113]
        Bounds b = Bounds.unsigned(0x80, 0x8f).signExtend(8, false);
        assertEquals(Boolean.FALSE, b.decide(Opcodes.JMP_JSGE, Bounds.constant(-5), true));
        // w0 >= 4 (unsigned, 32-bit) rules out w0 == 3
        Bounds x = Bounds.UNKNOWN.refine(Opcodes.JMP_JGE, Bounds.constant(4), true)[0];
        assertEquals(Boolean.FALSE, x.decide(Opcodes.JMP_JEQ, Bounds.constant(3), true));
    }
}
