package dev.jvmbpf.runtime.verifier;

import dev.jvmbpf.runtime.isa.Alu;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;

/** Arithmetic on abstract scalars: exact on constants, unsigned ranges for a few operations. */
final class Scalars {
    private static final long U32 = 0xffffffffL;

    private Scalars() {
    }

    static String opName(int op) {
        return switch (op) {
            case Opcodes.ALU_ADD -> "+=";
            case Opcodes.ALU_SUB -> "-=";
            case Opcodes.ALU_MUL -> "*=";
            case Opcodes.ALU_DIV -> "/=";
            case Opcodes.ALU_OR -> "|=";
            case Opcodes.ALU_AND -> "&=";
            case Opcodes.ALU_LSH -> "<<=";
            case Opcodes.ALU_RSH -> ">>=";
            case Opcodes.ALU_NEG -> "neg";
            case Opcodes.ALU_MOD -> "%=";
            case Opcodes.ALU_XOR -> "^=";
            case Opcodes.ALU_MOV -> "=";
            case Opcodes.ALU_ARSH -> "s>>=";
            default -> "endian";
        };
    }

    /** {@code neg} or a byte swap of a constant. */
    static long unary(Instruction insn, long v) {
        boolean is64 = insn.instructionClass() == Opcodes.CLASS_ALU64;
        if (Opcodes.aluOp(insn.opcode()) == Opcodes.ALU_NEG) {
            return is64 ? -v : -(int) v & U32;
        }
        if (is64 || Opcodes.source(insn.opcode()) == Opcodes.SRC_X) {
            return Alu.toBigEndian(v, insn.imm());
        }
        return Alu.toLittleEndian(v, insn.imm());
    }

    /** {@code neg} or a byte swap of a non-constant (or a pointer, which becomes a scalar). */
    static RegValue unaryRange(Instruction insn, RegValue v) {
        boolean is64 = insn.instructionClass() == Opcodes.CLASS_ALU64;
        if (Opcodes.aluOp(insn.opcode()) == Opcodes.ALU_END) {
            boolean truncateOnly = !is64 && Opcodes.source(insn.opcode()) == Opcodes.SRC_K;
            if (truncateOnly && v.kind() == RegValue.Kind.SCALAR && insn.imm() < 64
                    && Long.compareUnsigned(v.max(), (1L << insn.imm()) - 1) <= 0) {
                return v;
            }
            return insn.imm() < 64 ? RegValue.scalar(0, (1L << insn.imm()) - 1) : RegValue.ANY_SCALAR;
        }
        return is64 ? RegValue.ANY_SCALAR : RegValue.scalar(0, U32);
    }

    static long signExtend(long v, int bits, boolean is64) {
        long r = switch (bits) {
            case 8 -> (byte) v;
            case 16 -> (short) v;
            default -> (int) v;
        };
        return is64 ? r : r & U32;
    }

    static RegValue truncate32(RegValue v) {
        if (v.isConstant()) {
            return RegValue.constant(v.min() & U32).withAux(v.aux());
        }
        return RegValue.scalar(v.bounds().zext32()).withAux(v.aux());
    }

    /**
     * {@code d op s} on scalars (32-bit results are zero-extended): the kernel's transfer functions on
     * known bits and ranges where it has them, unsigned ranges for division and modulo.
     */
    static RegValue binary(boolean is64, int op, int offset, RegValue d, RegValue s) {
        boolean shift = op == Opcodes.ALU_LSH || op == Opcodes.ALU_RSH || op == Opcodes.ALU_ARSH;
        long shiftBy = is64 ? s.min() : s.min() & U32;
        if (shift && s.isConstant() && Long.compareUnsigned(shiftBy, is64 ? 64 : 32) >= 0) {
            // The kernel does not compute shifts by the operand's width or more: any value.
            return is64 ? RegValue.ANY_SCALAR : RegValue.scalar(0, U32);
        }
        if (op == Opcodes.ALU_DIV || op == Opcodes.ALU_MOD) {
            // The kernel computes no bounds for them, not even of constants (is_safe_to_compute_dst_reg_range).
            return is64 ? RegValue.ANY_SCALAR : RegValue.scalar(0, U32);
        }
        if (d.isConstant() && s.isConstant()) {
            return RegValue.constant(is64 ? eval64(op, offset, d.min(), s.min()) : eval32(op, offset, d.min(), s.min()));
        }
        Bounds b = d.bounds().alu(op, s.bounds(), is64);
        if (b != null) {
            return RegValue.scalar(b);
        }
        if (is64) {
            return range(op, offset, d, s);
        }
        RegValue count = s.isConstant() && (op == Opcodes.ALU_LSH || op == Opcodes.ALU_RSH)
                ? RegValue.constant(s.min() & 31) : truncate32(s);
        RegValue r = range(op, offset, truncate32(d), count);
        return Long.compareUnsigned(r.max(), U32) <= 0 && op != Opcodes.ALU_ARSH ? r : RegValue.scalar(0, U32);
    }

    static long eval64(int op, int offset, long a, long b) {
        return switch (op) {
            case Opcodes.ALU_ADD -> a + b;
            case Opcodes.ALU_SUB -> a - b;
            case Opcodes.ALU_MUL -> a * b;
            case Opcodes.ALU_DIV -> offset == 1 ? Alu.sdiv64(a, b) : Alu.udiv64(a, b);
            case Opcodes.ALU_MOD -> offset == 1 ? Alu.smod64(a, b) : Alu.umod64(a, b);
            case Opcodes.ALU_OR -> a | b;
            case Opcodes.ALU_AND -> a & b;
            case Opcodes.ALU_XOR -> a ^ b;
            case Opcodes.ALU_LSH -> a << (b & 63);
            case Opcodes.ALU_RSH -> a >>> (b & 63);
            case Opcodes.ALU_ARSH -> a >> (b & 63);
            default -> b;
        };
    }

    static long eval32(int op, int offset, long a, long b) {
        int x = (int) a;
        int y = (int) b;
        long r = switch (op) {
            case Opcodes.ALU_ADD -> x + y;
            case Opcodes.ALU_SUB -> x - y;
            case Opcodes.ALU_MUL -> x * y;
            case Opcodes.ALU_DIV -> offset == 1 ? Alu.sdiv32(a, b) : Alu.udiv32(a, b);
            case Opcodes.ALU_MOD -> offset == 1 ? Alu.smod32(a, b) : Alu.umod32(a, b);
            case Opcodes.ALU_OR -> x | y;
            case Opcodes.ALU_AND -> x & y;
            case Opcodes.ALU_XOR -> x ^ y;
            case Opcodes.ALU_LSH -> x << (y & 31);
            case Opcodes.ALU_RSH -> x >>> (y & 31);
            case Opcodes.ALU_ARSH -> x >> (y & 31);
            default -> y;
        };
        return r & U32;
    }

    private static boolean le(long a, long b) {
        return Long.compareUnsigned(a, b) <= 0;
    }

    private static RegValue range(int op, int offset, RegValue d, RegValue s) {
        long dmin = d.min();
        long dmax = d.max();
        long smin = s.min();
        long smax = s.max();
        switch (op) {
            case Opcodes.ALU_ADD -> {
                long hi = dmax + smax;
                if (le(dmax, hi) && le(smax, hi)) {
                    return RegValue.scalar(dmin + smin, hi);
                }
            }
            case Opcodes.ALU_SUB -> {
                if (le(smax, dmin)) {
                    return RegValue.scalar(dmin - smax, dmax - smin);
                }
            }
            case Opcodes.ALU_AND -> {
                return RegValue.scalar(0, le(dmax, smax) ? dmax : smax);
            }
            case Opcodes.ALU_OR, Opcodes.ALU_XOR -> {
                long m = le(dmax, smax) ? smax : dmax;
                if (m >= 0 && m < Long.MAX_VALUE / 2) {
                    return RegValue.scalar(0, Long.highestOneBit(m) * 2 - 1);
                }
            }
            case Opcodes.ALU_RSH -> {
                if (s.isConstant()) {
                    int k = (int) (smin & 63);
                    return RegValue.scalar(dmin >>> k, dmax >>> k);
                }
                return RegValue.ANY_SCALAR;
            }
            case Opcodes.ALU_LSH -> {
                if (s.isConstant()) {
                    int k = (int) (smin & 63);
                    if (le(dmax, -1L >>> k)) {
                        return RegValue.scalar(dmin << k, dmax << k);
                    }
                }
            }
            case Opcodes.ALU_MUL -> {
                if (le(dmax, U32) && le(smax, U32)) {
                    return RegValue.scalar(dmin * smin, dmax * smax);
                }
            }
            case Opcodes.ALU_DIV -> {
                if (offset == 0 && s.isConstant() && smin != 0) {
                    return RegValue.scalar(Long.divideUnsigned(dmin, smin), Long.divideUnsigned(dmax, smin));
                }
            }
            case Opcodes.ALU_MOD -> {
                if (offset == 0 && s.isConstant()) {
                    return smin == 0 ? d : RegValue.scalar(0, le(dmax, smin - 1) ? dmax : smin - 1);
                }
            }
            default -> {
            }
        }
        return RegValue.ANY_SCALAR;
    }
}
