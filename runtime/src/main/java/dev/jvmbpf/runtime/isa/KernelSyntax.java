package dev.jvmbpf.runtime.isa;

import java.util.function.IntFunction;

/**
 * Prints one instruction as the kernel's verifier log does ({@code print_bpf_insn}): the opcode in
 * hex in parentheses, then {@code r1 = *(u32 *)(r6 +0)}, {@code w0 = 2}, {@code r2 += -4},
 * {@code if r4 > r3 goto pc+1}, {@code if r0 == 0x0 goto pc+1}, {@code call bpf_map_lookup_elem#1},
 * {@code exit}. It differs from {@link Disassembler} (LLVM's syntax) in the signed displacement
 * with its sign always shown, {@code pc+N} jump targets, hex jump immediates and helper names.
 * A {@code lddw} of a map prints the map's index where the kernel prints a kernel address.
 * Invalid instructions print as {@link Disassembler} prints them; this class never throws.
 */
public final class KernelSyntax {
    private static final String[] ALU_OPS = {"+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=", null, "%=", "^=",
        "=", "s>>="};
    private static final String[] JMP_OPS = {null, "==", ">", ">=", "&", "!=", "s>", "s>=", null, null, "<", "<=",
        "s<", "s<="};

    private KernelSyntax() {
    }

    /**
     * The instruction at {@code pc} (reading the second slot of a {@code lddw});
     * {@code helperName} gives a helper id's name without the {@code bpf_} prefix, or null.
     */
    public static String format(Instruction[] program, int pc, IntFunction<String> helperName) {
        Instruction i = program[pc];
        String code = String.format("(%02x) ", i.opcode());
        if (InstructionRules.check(i) != null) {
            return code + Disassembler.format(i);
        }
        return code + switch (i.instructionClass()) {
            case Opcodes.CLASS_ALU, Opcodes.CLASS_ALU64 -> alu(i);
            case Opcodes.CLASS_JMP, Opcodes.CLASS_JMP32 -> jump(i, helperName);
            case Opcodes.CLASS_LDX -> "r" + i.dst() + " = *(" + (Opcodes.mode(i.opcode()) == Opcodes.MODE_MEMSX ? "s"
                    : "u") + bits(i) + " *)" + address(i.src(), i.offset());
            case Opcodes.CLASS_ST -> "*(u" + bits(i) + " *)" + address(i.dst(), i.offset()) + " = " + i.imm();
            case Opcodes.CLASS_STX -> Opcodes.mode(i.opcode()) == Opcodes.MODE_ATOMIC ? atomic(i)
                    : "*(u" + bits(i) + " *)" + address(i.dst(), i.offset()) + " = r" + i.src();
            default -> load(program, pc, i);
        };
    }

    private static int bits(Instruction i) {
        return 8 * Opcodes.sizeBytes(i.opcode());
    }

    private static String address(int reg, int offset) {
        return "(r" + reg + " " + (offset >= 0 ? "+" : "") + offset + ")";
    }

    private static String alu(Instruction i) {
        boolean wide = i.instructionClass() == Opcodes.CLASS_ALU64;
        char r = wide ? 'r' : 'w';
        int op = Opcodes.aluOp(i.opcode());
        boolean x = Opcodes.source(i.opcode()) == Opcodes.SRC_X;
        String dst = "" + r + i.dst();
        if (op == Opcodes.ALU_NEG) {
            return dst + " = -" + dst;
        }
        if (op == Opcodes.ALU_END) {
            String kind = wide ? "bswap" : x ? "be" : "le";
            return dst + " = " + kind + i.imm() + " " + dst;
        }
        String operand = x ? "" + r + i.src() : String.valueOf(i.imm());
        if (op == Opcodes.ALU_MOV && x && i.offset() != 0) {
            return dst + " = (s" + i.offset() + ")" + r + i.src();
        }
        String sym = ALU_OPS[op >>> 4];
        if ((op == Opcodes.ALU_DIV || op == Opcodes.ALU_MOD) && i.offset() == 1) {
            sym = "s" + sym;
        }
        return dst + " " + sym + " " + operand;
    }

    private static String jump(Instruction i, IntFunction<String> helperName) {
        int op = Opcodes.aluOp(i.opcode());
        if (i.opcode() == Opcodes.EXIT) {
            return "exit";
        }
        if (i.opcode() == Opcodes.JA) {
            return "goto pc" + signed(i.offset());
        }
        if (i.opcode() == Opcodes.JA32) {
            return "gotol pc" + signed(i.imm());
        }
        if (i.opcode() == Opcodes.MAY_GOTO) {
            return "may_goto pc" + signed(i.offset());
        }
        if (i.opcode() == Opcodes.CALLX) {
            return "callx r" + i.dst();
        }
        if (op == Opcodes.JMP_CALL) {
            if (i.src() == Opcodes.CALL_LOCAL) {
                return "call pc" + signed(i.imm());
            }
            if (i.src() == Opcodes.CALL_KFUNC) {
                return "call kernel-function#" + i.imm();
            }
            String name = helperName == null ? null : helperName.apply(i.imm());
            return "call " + (name == null ? "unknown" : "bpf_" + name) + "#" + i.imm();
        }
        char r = i.instructionClass() == Opcodes.CLASS_JMP32 ? 'w' : 'r';
        String operand = Opcodes.source(i.opcode()) == Opcodes.SRC_X ? "" + r + i.src()
                : "0x" + Integer.toHexString(i.imm());
        return "if " + r + i.dst() + " " + JMP_OPS[op >>> 4] + " " + operand + " goto pc" + signed(i.offset());
    }

    private static String atomic(Instruction i) {
        String size = "u" + bits(i);
        String suffix = Opcodes.size(i.opcode()) == Opcodes.SIZE_DW ? "64" : "";
        String at = "((" + size + " *)" + address(i.dst(), i.offset());
        int op = i.imm();
        return switch (op) {
            case Opcodes.ATOMIC_ADD -> "lock *(" + size + " *)" + address(i.dst(), i.offset()) + " += r" + i.src();
            case Opcodes.ATOMIC_OR -> "lock *(" + size + " *)" + address(i.dst(), i.offset()) + " |= r" + i.src();
            case Opcodes.ATOMIC_AND -> "lock *(" + size + " *)" + address(i.dst(), i.offset()) + " &= r" + i.src();
            case Opcodes.ATOMIC_XOR -> "lock *(" + size + " *)" + address(i.dst(), i.offset()) + " ^= r" + i.src();
            case Opcodes.ATOMIC_ADD | Opcodes.ATOMIC_FETCH -> "r" + i.src() + " = atomic" + suffix + "_fetch_add" + at
                    + ", r" + i.src() + ")";
            case Opcodes.ATOMIC_OR | Opcodes.ATOMIC_FETCH -> "r" + i.src() + " = atomic" + suffix + "_fetch_or" + at
                    + ", r" + i.src() + ")";
            case Opcodes.ATOMIC_AND | Opcodes.ATOMIC_FETCH -> "r" + i.src() + " = atomic" + suffix + "_fetch_and" + at
                    + ", r" + i.src() + ")";
            case Opcodes.ATOMIC_XOR | Opcodes.ATOMIC_FETCH -> "r" + i.src() + " = atomic" + suffix + "_fetch_xor" + at
                    + ", r" + i.src() + ")";
            case Opcodes.ATOMIC_XCHG -> "r" + i.src() + " = atomic" + suffix + "_xchg" + at + ", r" + i.src() + ")";
            case Opcodes.ATOMIC_CMPXCHG -> "r0 = atomic" + suffix + "_cmpxchg" + at + ", r0, r" + i.src() + ")";
            case Opcodes.ATOMIC_LOAD_ACQ -> "r" + i.dst() + " = load_acquire((" + size + " *)" + address(i.src(),
                    i.offset()) + ")";
            case Opcodes.ATOMIC_STORE_REL -> "store_release((" + size + " *)" + address(i.dst(), i.offset()) + ", r"
                    + i.src() + ")";
            default -> Disassembler.format(i);
        };
    }

    private static String load(Instruction[] program, int pc, Instruction i) {
        int mode = Opcodes.mode(i.opcode());
        String size = "u" + bits(i);
        if (mode == Opcodes.MODE_ABS) {
            return "r0 = *(" + size + " *)skb[" + i.imm() + "]";
        }
        if (mode == Opcodes.MODE_IND) {
            return "r0 = *(" + size + " *)skb[r" + i.src() + " + " + i.imm() + "]";
        }
        String value = switch (i.src()) {
            case Opcodes.PSEUDO_MAP_FD, Opcodes.PSEUDO_MAP_IDX -> "map[" + i.imm() + "]";
            case Opcodes.PSEUDO_MAP_VALUE, Opcodes.PSEUDO_MAP_IDX_VALUE -> "map[" + i.imm() + "]+"
                    + (pc + 1 < program.length ? program[pc + 1].imm() : 0);
            case Opcodes.PSEUDO_FUNC -> "func#pc" + signed(i.imm());
            case Opcodes.PSEUDO_BTF_ID -> "btf_id#" + i.imm();
            default -> "0x" + Long.toHexString(pc + 1 < program.length ? Instruction.wideImmediate(program, pc)
                    : Integer.toUnsignedLong(i.imm()));
        };
        return "r" + i.dst() + " = " + value;
    }

    private static String signed(int v) {
        return (v >= 0 ? "+" : "") + v;
    }
}
