package dev.jvmbpf.jit.internal;

import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Pushes int and long constants. A class file holds at most 65535 constant-pool entries and a
 * million-instruction program can carry more distinct immediates than that, so once a budget of
 * pool entries is used, constants are built from two 16-bit halves instead (no pool entry, and
 * still a constant to C2). In measuring mode every constant takes the longest form, so size
 * estimates are upper bounds.
 */
final class Immediates {
    private static final int INT_BUDGET = 16_000;
    private static final int LONG_BUDGET = 8_000;

    private final PoolSet ints = new PoolSet(INT_BUDGET);
    private final PoolSet longs = new PoolSet(LONG_BUDGET);
    private final boolean worstCase;

    Immediates(boolean worstCase) {
        this.worstCase = worstCase;
    }

    void pushInt(MethodVisitor mv, int v) {
        if (!worstCase && v >= -1 && v <= 5) {
            mv.visitInsn(Opcodes.ICONST_0 + v);
        } else if (!worstCase && v == (byte) v) {
            mv.visitIntInsn(Opcodes.BIPUSH, v);
        } else if (!worstCase && v == (short) v) {
            mv.visitIntInsn(Opcodes.SIPUSH, v);
        } else if (!worstCase && ints.admit(v)) {
            mv.visitLdcInsn(v);
        } else {
            // v == high * 65536 + low with low the sign-extended low half (wrapping arithmetic).
            short low = (short) v;
            short high = (short) ((v - low) >> 16);
            mv.visitIntInsn(Opcodes.SIPUSH, high);
            mv.visitIntInsn(Opcodes.BIPUSH, 16);
            mv.visitInsn(Opcodes.ISHL);
            mv.visitIntInsn(Opcodes.SIPUSH, low);
            mv.visitInsn(Opcodes.IADD);
        }
    }

    void pushLong(MethodVisitor mv, long v) {
        if (!worstCase && (v == 0 || v == 1)) {
            mv.visitInsn(Opcodes.LCONST_0 + (int) v);
        } else if (!worstCase && v == (int) v && (int) v == (short) v) {
            pushInt(mv, (int) v);
            mv.visitInsn(Opcodes.I2L);
        } else if (!worstCase && longs.admit(v)) {
            mv.visitLdcInsn(v);
        } else if (v == (int) v) {
            pushInt(mv, (int) v);
            mv.visitInsn(Opcodes.I2L);
        } else {
            pushInt(mv, (int) (v >>> 32));
            mv.visitInsn(Opcodes.I2L);
            mv.visitIntInsn(Opcodes.BIPUSH, 32);
            mv.visitInsn(Opcodes.LSHL);
            pushInt(mv, (int) v);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Integer", "toUnsignedLong", "(I)J", false);
            mv.visitInsn(Opcodes.LOR);
        }
    }

    /**
     * The constants given pool entries, up to a budget: an open-addressing set of primitives, as
     * boxed sets cost a large program's generation more than its constants are worth.
     */
    private static final class PoolSet {
        private final long[] keys;
        private final boolean[] used;
        private final int budget;
        private int size;

        PoolSet(int budget) {
            this.budget = budget;
            int capacity = Integer.highestOneBit(budget * 2) * 2;
            keys = new long[capacity];
            used = new boolean[capacity];
        }

        /** True when {@code v} has an entry, adding it while the budget lasts. */
        boolean admit(long v) {
            int mask = keys.length - 1;
            int i = (int) (v ^ (v >>> 29) ^ (v >>> 47)) * 0x9E3779B9 & mask;
            while (used[i]) {
                if (keys[i] == v) {
                    return true;
                }
                i = (i + 1) & mask;
            }
            if (size == budget) {
                return false;
            }
            used[i] = true;
            keys[i] = v;
            size++;
            return true;
        }
    }
}
