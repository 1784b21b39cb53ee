package dev.jvmbpf.runtime.verifier;

import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;

/** What a valid instruction reads and writes, as the checks need it. */
final class Effects {
    private Effects() {
    }

    /** The register a valid instruction writes (r0 for calls and packet loads), or -1. */
    static int writtenRegister(Instruction insn) {
        int op = Opcodes.aluOp(insn.opcode());
        return switch (insn.instructionClass()) {
            case Opcodes.CLASS_ALU, Opcodes.CLASS_ALU64, Opcodes.CLASS_LDX -> insn.dst();
            case Opcodes.CLASS_LD -> insn.isWide() ? insn.dst() : 0;
            case Opcodes.CLASS_JMP -> op == Opcodes.JMP_CALL ? 0 : -1;
            case Opcodes.CLASS_STX -> {
                if (Opcodes.mode(insn.opcode()) != Opcodes.MODE_ATOMIC) {
                    yield -1;
                }
                yield switch (insn.imm()) {
                    case Opcodes.ATOMIC_LOAD_ACQ -> insn.dst();
                    case Opcodes.ATOMIC_CMPXCHG -> 0;
                    default -> (insn.imm() & Opcodes.ATOMIC_FETCH) != 0 ? insn.src() : -1;
                };
            }
            default -> -1;
        };
    }

    /** The base register of a memory access, or -1 for instructions that do not address memory. */
    static int addressRegister(Instruction insn) {
        return switch (insn.instructionClass()) {
            case Opcodes.CLASS_LDX -> insn.src();
            case Opcodes.CLASS_ST -> insn.dst();
            case Opcodes.CLASS_STX -> Opcodes.mode(insn.opcode()) == Opcodes.MODE_ATOMIC
                    && insn.imm() == Opcodes.ATOMIC_LOAD_ACQ ? insn.src() : insn.dst();
            default -> -1;
        };
    }

    /** Where a jump at {@code pc} goes when taken ({@code gotol} has its offset in imm). */
    static long jumpTarget(int pc, Instruction insn) {
        return (long) pc + 1 + (insn.opcode() == Opcodes.JA32 ? insn.imm() : insn.offset());
    }

    /** Whether the instruction ends a basic block without falling through. */
    static boolean isUnconditional(Instruction insn) {
        return insn.opcode() == Opcodes.JA || insn.opcode() == Opcodes.JA32 || insn.opcode() == Opcodes.EXIT;
    }

    /** Whether the instruction is a jump with a target (conditional, unconditional, may_goto). */
    static boolean isBranch(Instruction insn) {
        int cls = insn.instructionClass();
        if (cls != Opcodes.CLASS_JMP && cls != Opcodes.CLASS_JMP32) {
            return false;
        }
        int op = Opcodes.aluOp(insn.opcode());
        return op != Opcodes.JMP_CALL && op != Opcodes.JMP_EXIT;
    }
}
