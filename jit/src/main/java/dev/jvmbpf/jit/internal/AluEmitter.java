package dev.jvmbpf.jit.internal;

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
import static org.objectweb.asm.Opcodes.I2B;
import static org.objectweb.asm.Opcodes.I2S;
import static org.objectweb.asm.Opcodes.IADD;
import static org.objectweb.asm.Opcodes.IAND;
import static org.objectweb.asm.Opcodes.INEG;
import static org.objectweb.asm.Opcodes.INVOKESTATIC;
import static org.objectweb.asm.Opcodes.LADD;
import static org.objectweb.asm.Opcodes.LAND;
import static org.objectweb.asm.Opcodes.LNEG;
import static org.objectweb.asm.Opcodes.LOR;
import static org.objectweb.asm.Opcodes.LSUB;

import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import org.objectweb.asm.MethodVisitor;

/**
 * The ALU and ALU64 instructions of one method: arithmetic on the {@code long} register locals,
 * inline where Java's operators already have the kernel's semantics (wrapping, masked shift
 * counts), through {@code Alu} where they do not (division by zero, byte swaps).
 */
final class AluEmitter {
    private final MethodEmitter e;
    private final MethodVisitor mv;
    private final Immediates imm;

    AluEmitter(MethodEmitter e, MethodVisitor mv, Immediates imm) {
        this.e = e;
        this.mv = mv;
        this.imm = imm;
    }

    void emitAlu64(int pc, Instruction insn) {
        int op = insn.opcode() & 0xf0;
        boolean x = (insn.opcode() & Opcodes.SRC_X) != 0;
        int d = insn.dst();
        int s = insn.src();
        switch (op) {
            case ALU_MOV -> {
                if (!x) {
                    imm.pushLong(mv, insn.imm());
                } else {
                    e.load(s);
                    switch (insn.offset()) {
                        case 0 -> { }
                        case 8 -> e.signExtend(I2B);
                        case 16 -> e.signExtend(I2S);
                        case 32 -> e.signExtend(-1);
                        default -> { }
                    }
                }
                e.store(d);
            }
            case ALU_ADD, ALU_SUB, ALU_MUL, ALU_OR, ALU_AND, ALU_XOR -> {
                e.load(d);
                e.operand64(insn, x);
                mv.visitInsn(switch (op) {
                    case ALU_ADD -> LADD;
                    case ALU_SUB -> LSUB;
                    case ALU_MUL -> org.objectweb.asm.Opcodes.LMUL;
                    case ALU_OR -> LOR;
                    case ALU_AND -> LAND;
                    default -> org.objectweb.asm.Opcodes.LXOR;
                });
                e.store(d);
            }
            case ALU_LSH, ALU_RSH, ALU_ARSH -> {
                // lshl/lshr/lushr use the count modulo 64, as the kernel masks it.
                e.load(d);
                e.operand32(insn, x);
                mv.visitInsn(op == ALU_LSH ? org.objectweb.asm.Opcodes.LSHL
                        : op == ALU_RSH ? org.objectweb.asm.Opcodes.LUSHR : org.objectweb.asm.Opcodes.LSHR);
                e.store(d);
            }
            case ALU_NEG -> {
                e.load(d);
                mv.visitInsn(LNEG);
                e.store(d);
            }
            case ALU_DIV, ALU_MOD -> {
                e.load(d);
                e.operand64(insn, x);
                String name = (insn.offset() != 0 ? "s" : "u") + (op == ALU_DIV ? "div" : "mod") + "64";
                mv.visitMethodInsn(INVOKESTATIC, Names.ALU, name, "(JJ)J", false);
                e.store(d);
            }
            case ALU_END -> {
                e.load(d);
                imm.pushInt(mv, insn.imm());
                mv.visitMethodInsn(INVOKESTATIC, Names.ALU, "toBigEndian", "(JI)J", false);
                e.store(d);
            }
            default -> e.invalid(pc, "unknown ALU64 operation");
        }
    }

    void emitAlu32(int pc, Instruction insn) {
        int op = insn.opcode() & 0xf0;
        boolean x = (insn.opcode() & Opcodes.SRC_X) != 0;
        int d = insn.dst();
        int s = insn.src();
        switch (op) {
            case ALU_MOV -> {
                if (!x) {
                    imm.pushLong(mv, insn.imm() & 0xffffffffL);
                } else {
                    e.load(s);
                    mv.visitInsn(org.objectweb.asm.Opcodes.L2I);
                    switch (insn.offset()) {
                        case 0 -> { }
                        case 8 -> mv.visitInsn(I2B);
                        case 16 -> mv.visitInsn(I2S);
                        default -> { }
                    }
                    e.toUnsigned();
                }
                e.store(d);
            }
            case ALU_ADD, ALU_SUB, ALU_MUL, ALU_OR, ALU_AND, ALU_XOR, ALU_LSH, ALU_RSH, ALU_ARSH -> {
                // The int shifts use the count modulo 32, as the kernel masks it.
                e.load(d);
                mv.visitInsn(org.objectweb.asm.Opcodes.L2I);
                e.operand32(insn, x);
                mv.visitInsn(switch (op) {
                    case ALU_ADD -> IADD;
                    case ALU_SUB -> org.objectweb.asm.Opcodes.ISUB;
                    case ALU_MUL -> org.objectweb.asm.Opcodes.IMUL;
                    case ALU_OR -> org.objectweb.asm.Opcodes.IOR;
                    case ALU_AND -> IAND;
                    case ALU_XOR -> org.objectweb.asm.Opcodes.IXOR;
                    case ALU_LSH -> org.objectweb.asm.Opcodes.ISHL;
                    case ALU_RSH -> org.objectweb.asm.Opcodes.IUSHR;
                    default -> org.objectweb.asm.Opcodes.ISHR;
                });
                e.toUnsigned();
                e.store(d);
            }
            case ALU_NEG -> {
                e.load(d);
                mv.visitInsn(org.objectweb.asm.Opcodes.L2I);
                mv.visitInsn(INEG);
                e.toUnsigned();
                e.store(d);
            }
            case ALU_DIV, ALU_MOD -> {
                e.load(d);
                e.operand64(insn, x);
                String name = (insn.offset() != 0 ? "s" : "u") + (op == ALU_DIV ? "div" : "mod") + "32";
                mv.visitMethodInsn(INVOKESTATIC, Names.ALU, name, "(JJ)J", false);
                e.store(d);
            }
            case ALU_END -> {
                e.load(d);
                imm.pushInt(mv, insn.imm());
                mv.visitMethodInsn(INVOKESTATIC, Names.ALU, x ? "toBigEndian" : "toLittleEndian", "(JI)J", false);
                e.store(d);
            }
            default -> e.invalid(pc, "unknown ALU operation");
        }
    }
}
