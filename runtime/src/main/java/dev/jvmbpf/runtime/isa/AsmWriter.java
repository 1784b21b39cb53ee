package dev.jvmbpf.runtime.isa;

/**
 * Prints instructions back in the {@link Assembler}'s syntax, so that {@code assemble(write(p))}
 * gives back {@code p}. Jump and call targets are printed relative ({@code +N}/{@code -N}).
 */
public final class AsmWriter {
    private static final String[] ALU = {"add", "sub", "mul", "div", "or", "and", "lsh", "rsh", "neg", "mod", "xor",
        "mov", "arsh"};
    private static final String[] JUMPS = {"ja", "jeq", "jgt", "jge", "jset", "jne", "jsgt", "jsge", "call", "exit",
        "jlt", "jle", "jslt", "jsle"};

    private AsmWriter() {
    }

    /** The whole program, one statement per line. */
    public static String source(Instruction[] program) {
        StringBuilder sb = new StringBuilder();
        for (int pc = 0; pc < program.length; pc++) {
            sb.append(write(program, pc)).append('\n');
            if (program[pc].isWide()) {
                pc++;
            }
        }
        return sb.toString();
    }

    /**
     * The statement for the instruction at {@code pc}.
     *
     * @throws IllegalArgumentException if the instruction is not valid
     */
    public static String write(Instruction[] program, int pc) {
        Instruction insn = program[pc];
        String invalid = InstructionRules.check(insn);
        if (invalid != null) {
            throw new IllegalArgumentException("instruction " + pc + " (" + insn.hex() + "): " + invalid);
        }
        return switch (insn.instructionClass()) {
            case Opcodes.CLASS_ALU, Opcodes.CLASS_ALU64 -> alu(insn);
            case Opcodes.CLASS_JMP, Opcodes.CLASS_JMP32 -> jump(insn);
            case Opcodes.CLASS_LD -> insn.isWide() ? wide(insn, program[pc + 1].imm()) : legacy(insn);
            case Opcodes.CLASS_LDX -> (Opcodes.mode(insn.opcode()) == Opcodes.MODE_MEMSX ? "ldxs" : "ldx")
                    + size(insn) + " " + reg(insn.dst()) + ", " + mem(insn.src(), insn.offset());
            case Opcodes.CLASS_ST -> "st" + size(insn) + " " + mem(insn.dst(), insn.offset()) + ", " + insn.imm();
            default -> store(insn);
        };
    }

    private static String alu(Instruction insn) {
        boolean wide = insn.instructionClass() == Opcodes.CLASS_ALU64;
        int op = Opcodes.aluOp(insn.opcode());
        boolean x = Opcodes.source(insn.opcode()) == Opcodes.SRC_X;
        String suffix = wide ? "" : "32";
        if (op == Opcodes.ALU_END) {
            return (wide ? "bswap" : x ? "be" : "le") + insn.imm() + " " + reg(insn.dst());
        }
        if (op == Opcodes.ALU_NEG) {
            return "neg" + suffix + " " + reg(insn.dst());
        }
        if (op == Opcodes.ALU_MOV && x && insn.offset() != 0) {
            return "movsx" + insn.offset() + (wide ? "64" : "32") + " " + reg(insn.dst()) + ", " + reg(insn.src());
        }
        String name = (insn.offset() == 1 ? "s" : "") + ALU[op >> 4] + suffix;
        return name + " " + reg(insn.dst()) + ", " + (x ? reg(insn.src()) : Integer.toString(insn.imm()));
    }

    private static String jump(Instruction insn) {
        boolean jmp32 = insn.instructionClass() == Opcodes.CLASS_JMP32;
        int op = Opcodes.aluOp(insn.opcode());
        boolean x = Opcodes.source(insn.opcode()) == Opcodes.SRC_X;
        return switch (op) {
            case Opcodes.JMP_JA -> jmp32 ? "ja32 " + signed(insn.imm()) : "ja " + signed(insn.offset());
            case Opcodes.JMP_EXIT -> "exit";
            case Opcodes.JMP_JCOND -> "may_goto " + signed(insn.offset());
            case Opcodes.JMP_CALL -> {
                if (x) {
                    yield "callx " + reg(insn.dst());
                }
                yield switch (insn.src()) {
                    case Opcodes.CALL_LOCAL -> "call local " + signed(insn.imm());
                    case Opcodes.CALL_KFUNC -> "call kfunc " + insn.imm();
                    default -> "call " + insn.imm();
                };
            }
            default -> JUMPS[op >> 4] + (jmp32 ? "32 " : " ") + reg(insn.dst()) + ", "
                    + (x ? reg(insn.src()) : Integer.toString(insn.imm())) + ", " + signed(insn.offset());
        };
    }

    private static String wide(Instruction insn, int high) {
        String dst = reg(insn.dst());
        long value = (insn.imm() & 0xffffffffL) | (long) high << 32;
        return switch (insn.src()) {
            case Opcodes.PSEUDO_MAP_FD -> "ldmapfd " + dst + ", " + insn.imm();
            case Opcodes.PSEUDO_MAP_VALUE -> "ldmapvalue " + dst + ", " + insn.imm() + ", " + high;
            case Opcodes.PSEUDO_BTF_ID -> "ldbtfid " + dst + ", " + insn.imm();
            case Opcodes.PSEUDO_FUNC -> "ldfunc " + dst + ", " + signed(insn.imm());
            case Opcodes.PSEUDO_MAP_IDX -> "ldmapidx " + dst + ", " + insn.imm();
            case Opcodes.PSEUDO_MAP_IDX_VALUE -> "ldmapidxvalue " + dst + ", " + insn.imm() + ", " + high;
            default -> "lddw " + dst + ", 0x" + Long.toHexString(value);
        };
    }

    private static String legacy(Instruction insn) {
        if (Opcodes.mode(insn.opcode()) == Opcodes.MODE_ABS) {
            return "ldabs" + size(insn) + " " + insn.imm();
        }
        return "ldind" + size(insn) + " " + reg(insn.src()) + ", " + insn.imm();
    }

    private static String store(Instruction insn) {
        String m = mem(insn.dst(), insn.offset());
        String src = reg(insn.src());
        if (Opcodes.mode(insn.opcode()) == Opcodes.MODE_MEM) {
            return "stx" + size(insn) + " " + m + ", " + src;
        }
        String width = Opcodes.size(insn.opcode()) == Opcodes.SIZE_W ? "32" : "";
        return switch (insn.imm()) {
            case Opcodes.ATOMIC_LOAD_ACQ -> "ldacq" + size(insn) + " " + reg(insn.dst()) + ", "
                    + mem(insn.src(), insn.offset());
            case Opcodes.ATOMIC_STORE_REL -> "strel" + size(insn) + " " + m + ", " + src;
            case Opcodes.ATOMIC_XCHG -> "lock xchg" + width + " " + m + ", " + src;
            case Opcodes.ATOMIC_CMPXCHG -> "lock cmpxchg" + width + " " + m + ", " + src;
            default -> {
                String fetch = (insn.imm() & Opcodes.ATOMIC_FETCH) != 0 ? "fetch " : "";
                String name = switch (insn.imm() & ~Opcodes.ATOMIC_FETCH) {
                    case Opcodes.ATOMIC_ADD -> "add";
                    case Opcodes.ATOMIC_OR -> "or";
                    case Opcodes.ATOMIC_AND -> "and";
                    default -> "xor";
                };
                yield "lock " + fetch + name + width + " " + m + ", " + src;
            }
        };
    }

    private static String size(Instruction insn) {
        return InstructionRules.sizeSuffix(Opcodes.size(insn.opcode()));
    }

    private static String mem(int reg, int offset) {
        return "[" + reg(reg) + (offset < 0 ? "-" + -offset : "+" + offset) + "]";
    }

    private static String reg(int r) {
        return "%r" + r;
    }

    private static String signed(int value) {
        return value < 0 ? Integer.toString(value) : "+" + value;
    }
}
