package dev.jvmbpf.runtime.verifier;

import dev.jvmbpf.runtime.isa.Opcodes;
import dev.jvmbpf.runtime.verifier.RegValue.Kind;

/**
 * Conditional jumps on abstract values: which way a jump provably goes, and what each side
 * learns (null checks, packet bounds against {@code data_end}, scalar ranges).
 */
final class Branches {
    private static final long U32 = 0xffffffffL;

    private Branches() {
    }

    /** TRUE or FALSE when the jump provably is or is not taken on this path; null when both can happen. */
    static Boolean decide(int op, boolean is32, RegValue d, RegValue v) {
        if (d.isConstant() && v.isConstant()) {
            return compare(op, is32, d.min(), v.min());
        }
        if (!is32 && (op == Opcodes.JMP_JEQ || op == Opcodes.JMP_JNE)) {
            boolean nonNullVsZero = nonNull(d) && isZero(v) || nonNull(v) && isZero(d);
            if (nonNullVsZero) {
                return op == Opcodes.JMP_JNE;
            }
        }
        if (d.kind() != Kind.SCALAR || v.kind() != Kind.SCALAR) {
            return null;
        }
        return d.bounds().decide(op, v.bounds(), is32);
    }

    private static boolean lt(long a, long b) {
        return Long.compareUnsigned(a, b) < 0;
    }

    /**
     * The kernel's reg_not_null: the pointers a comparison with 0 is decided for. Others (the
     * context, the stack, packet pointers) are compared as if they might be 0, so both sides are
     * followed, as the kernel follows them.
     */
    private static boolean nonNull(RegValue v) {
        return switch (v.kind()) {
            // reg_not_null: KPTR is an acquired kernel object, trusted once checked
            case SOCK, TCP_SOCK, XDP_SOCK, MAP_VALUE, SOCK_COMMON, MEM, MAP_PTR, KPTR -> true;
            default -> false;
        };
    }

    private static boolean isZero(RegValue v) {
        return v.isConstant() && v.min() == 0;
    }

    static boolean compare(int op, boolean is32, long a, long b) {
        if (is32) {
            a &= U32;
            b &= U32;
        }
        long sa = is32 ? (int) a : a;
        long sb = is32 ? (int) b : b;
        return switch (op) {
            case Opcodes.JMP_JEQ -> a == b;
            case Opcodes.JMP_JNE -> a != b;
            case Opcodes.JMP_JGT -> Long.compareUnsigned(a, b) > 0;
            case Opcodes.JMP_JGE -> Long.compareUnsigned(a, b) >= 0;
            case Opcodes.JMP_JLT -> Long.compareUnsigned(a, b) < 0;
            case Opcodes.JMP_JLE -> Long.compareUnsigned(a, b) <= 0;
            case Opcodes.JMP_JSET -> (a & b) != 0;
            case Opcodes.JMP_JSGT -> sa > sb;
            case Opcodes.JMP_JSGE -> sa >= sb;
            case Opcodes.JMP_JSLT -> sa < sb;
            default -> sa <= sb; // JSLE
        };
    }

    private static boolean isSigned(int op) {
        return op == Opcodes.JMP_JSGT || op == Opcodes.JMP_JSGE || op == Opcodes.JMP_JSLT || op == Opcodes.JMP_JSLE;
    }

    private static int unsignedOf(int op) {
        return switch (op) {
            case Opcodes.JMP_JSGT -> Opcodes.JMP_JGT;
            case Opcodes.JMP_JSGE -> Opcodes.JMP_JGE;
            case Opcodes.JMP_JSLT -> Opcodes.JMP_JLT;
            case Opcodes.JMP_JSLE -> Opcodes.JMP_JLE;
            default -> op;
        };
    }

    /** The condition that holds when jump {@code op} is not taken, or -1 when it says nothing useful. */
    static int notTaken(int op) {
        return op == Opcodes.JMP_JSET ? Bounds.JSET_FALSE : negate(op);
    }

    private static int negate(int op) {
        return switch (op) {
            case Opcodes.JMP_JEQ -> Opcodes.JMP_JNE;
            case Opcodes.JMP_JNE -> Opcodes.JMP_JEQ;
            case Opcodes.JMP_JGT -> Opcodes.JMP_JLE;
            case Opcodes.JMP_JLE -> Opcodes.JMP_JGT;
            case Opcodes.JMP_JGE -> Opcodes.JMP_JLT;
            case Opcodes.JMP_JLT -> Opcodes.JMP_JGE;
            case Opcodes.JMP_JSGT -> Opcodes.JMP_JSLE;
            case Opcodes.JMP_JSLE -> Opcodes.JMP_JSGT;
            case Opcodes.JMP_JSGE -> Opcodes.JMP_JSLT;
            case Opcodes.JMP_JSLT -> Opcodes.JMP_JSGE;
            default -> -1;
        };
    }

    /** {@code a op b} as {@code b op' a}. */
    private static int swap(int op) {
        return switch (op) {
            case Opcodes.JMP_JGT -> Opcodes.JMP_JLT;
            case Opcodes.JMP_JLT -> Opcodes.JMP_JGT;
            case Opcodes.JMP_JGE -> Opcodes.JMP_JLE;
            case Opcodes.JMP_JLE -> Opcodes.JMP_JGE;
            case Opcodes.JMP_JSGT -> Opcodes.JMP_JSLT;
            case Opcodes.JMP_JSLT -> Opcodes.JMP_JSGT;
            case Opcodes.JMP_JSGE -> Opcodes.JMP_JSLE;
            case Opcodes.JMP_JSLE -> Opcodes.JMP_JSGE;
            default -> op;
        };
    }

    /**
     * Narrows {@code s} to the side of the jump where it is ({@code taken}) or is not taken.
     * {@code src} is the source register, or -1 for an immediate.
     */
    static boolean refine(AbstractState s, int op, boolean is32, int dst, int src, RegValue d, RegValue v,
            boolean taken) {
        int holds = taken ? op : notTaken(op);
        if (holds == -1) {
            return true;
        }
        if (d.kind() == Kind.SCALAR && v.kind() == Kind.SCALAR) {
            Bounds[] r = d.bounds().refine(holds, v.bounds(), is32);
            if (r == null) {
                return false; // the comparison cannot come out this way: a dead path
            }
            narrowed(s, dst, d, r[0]);
            if (src >= 0 && src != dst) {
                narrowed(s, src, v, r[1]);
            }
            return true;
        }
        if (!is32 && (holds == Opcodes.JMP_JEQ || holds == Opcodes.JMP_JNE)) {
            // As the kernel: only a comparison with the immediate 0 is a null check.
            if (src < 0 && d.kind().isNullable() && isZero(v)) {
                nullCheck(s, dst, d, holds == Opcodes.JMP_JEQ);
                return true;
            }
            if (src >= 0 && holds == Opcodes.JMP_JEQ && d.kind().isPointer() && v.kind().isPointer()
                    && d.kind().isNullable() != v.kind().isNullable()) {
                // Equal to a pointer that cannot be null: not null either (only this register).
                int reg = d.kind().isNullable() ? dst : src;
                RegValue maybe = d.kind().isNullable() ? d : v;
                s.set(reg, maybe.withKind(maybe.kind().nonNull()).withId(0));
                return true;
            }
        }
        if (!is32 && src >= 0) {
            // data' against data_end, or data_meta' against data: the pointers sharing the base gain a range
            if (d.kind() == Kind.PACKET && v.kind() == Kind.PACKET_END || d.kind() == Kind.PACKET_META
                    && v.kind() == Kind.PACKET) {
                packetBound(s, d, holds);
                return true;
            }
            if (d.kind() == Kind.PACKET_END && v.kind() == Kind.PACKET || d.kind() == Kind.PACKET
                    && v.kind() == Kind.PACKET_META) {
                packetBound(s, v, swap(holds));
                return true;
            }
        }
        return true;
    }

    /** Register {@code reg} (was {@code old}) is now known to be in {@code b}, and so are its linked copies. */
    private static void narrowed(AbstractState s, int reg, RegValue old, Bounds b) {
        if (old.id() != 0) {
            s.mapAll(x -> x.kind() == Kind.SCALAR && x.id() == old.id() ? shifted(x, b, x.off() - old.off())
                    : x);
        }
        s.set(reg, RegValue.scalar(b).withAux(old.aux()).withId(old.id()).withOff(old.off()));
    }

    private static RegValue shifted(RegValue x, Bounds b, long delta) {
        Bounds moved = delta == 0 ? b : b.alu(Opcodes.ALU_ADD, Bounds.constant(delta), true);
        return RegValue.scalar(moved).withAux(x.aux()).withId(x.id()).withOff(x.off());
    }

    private static void nullCheck(AbstractState s, int reg, RegValue v, boolean isNull) {
        if (v.kind() == Kind.KPTR_OR_NULL) {
            KfuncCalls.nullChecked(s, v, isNull);
            return;
        }
        Kind nonNull = v.kind().nonNull();
        if (isNull && v.ref() != 0 && v.ref() == v.id()) {
            s.release(v.ref()); // nothing was acquired on this side
        }
        if (v.id() == 0) {
            s.set(reg, isNull ? RegValue.constant(0) : v.withKind(nonNull));
            return;
        }
        s.mapAll(x -> x.kind() == v.kind() && x.id() == v.id()
                ? isNull ? RegValue.constant(0) : x.withKind(nonNull).withId(0) : x);
    }

    /** On this side {@code p holds data_end}: pointers sharing p's base gain a proven range. */
    private static void packetBound(AbstractState s, RegValue p, int holds) {
        long proven;
        if (holds == Opcodes.JMP_JLE) {
            proven = p.off();
        } else if (holds == Opcodes.JMP_JLT) {
            proven = p.off() + 1;
        } else {
            return;
        }
        if (p.off() < 0 || proven <= 0) {
            return;
        }
        s.mapAll(x -> x.kind() == p.kind() && x.id() == p.id() && x.range() < proven ? x.withRange(proven) : x);
    }
}
