package dev.jvmbpf.runtime.isa;

import static dev.jvmbpf.runtime.isa.Opcodes.ALU_DIV;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_END;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_MOD;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_MOV;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_NEG;
import static dev.jvmbpf.runtime.isa.Opcodes.CLASS_ALU64;
import static dev.jvmbpf.runtime.isa.Opcodes.CLASS_JMP;
import static dev.jvmbpf.runtime.isa.Opcodes.CLASS_JMP32;
import static dev.jvmbpf.runtime.isa.Opcodes.JMP_CALL;
import static dev.jvmbpf.runtime.isa.Opcodes.JMP_EXIT;
import static dev.jvmbpf.runtime.isa.Opcodes.JMP_JA;
import static dev.jvmbpf.runtime.isa.Opcodes.JMP_JCOND;
import static dev.jvmbpf.runtime.isa.Opcodes.MODE_ABS;
import static dev.jvmbpf.runtime.isa.Opcodes.MODE_ATOMIC;
import static dev.jvmbpf.runtime.isa.Opcodes.MODE_IND;
import static dev.jvmbpf.runtime.isa.Opcodes.MODE_MEM;
import static dev.jvmbpf.runtime.isa.Opcodes.MODE_MEMSX;
import static dev.jvmbpf.runtime.isa.Opcodes.SIZE_DW;
import static dev.jvmbpf.runtime.isa.Opcodes.SRC_X;

/**
 * The per-instruction encoding rules. Each check returns null when the slot is valid, otherwise
 * the reason, phrased with the field names {@code dst}, {@code src}, {@code offset} and
 * {@code imm} so that a reader can find the offending bits.
 */
final class InstructionRules {
    static final int MAX_REGISTER = 10;

    private static final String[] ALU_NAMES = {"add", "sub", "mul", "div", "or", "and", "lsh", "rsh", "neg", "mod",
        "xor", "mov", "arsh", "end"};
    private static final String[] JMP_NAMES = {"ja", "jeq", "jgt", "jge", "jset", "jne", "jsgt", "jsge", "call",
        "exit", "jlt", "jle", "jslt", "jsle", "may_goto"};

    /**
     * Instruction names as the messages give them, by [op >> 4][32-bit or 64][immediate or
     * register]: built once, as checking a million-instruction program built its names a million
     * times over (90 MB of strings) although only a refusal prints one.
     */
    private static final String[][][] ALU_FULL = names(ALU_NAMES, "32", "64");
    private static final String[][][] JMP_FULL = names(JMP_NAMES, "", "32");

    private static String[][][] names(String[] ops, String first, String second) {
        String[][][] out = new String[ops.length][2][3];
        for (int i = 0; i < ops.length; i++) {
            for (int w = 0; w < 2; w++) {
                String base = ops[i] + (w == 0 ? first : second);
                out[i][w] = new String[] {base + " with immediate", base + " with register", base};
            }
        }
        return out;
    }

    private InstructionRules() {
    }

    static String check(Instruction insn) {
        return switch (insn.instructionClass()) {
            case Opcodes.CLASS_ALU, Opcodes.CLASS_ALU64 -> checkAlu(insn);
            case Opcodes.CLASS_JMP, Opcodes.CLASS_JMP32 -> checkJump(insn);
            case Opcodes.CLASS_LD -> checkLd(insn);
            case Opcodes.CLASS_LDX -> checkLdx(insn);
            case Opcodes.CLASS_ST -> checkSt(insn);
            default -> checkStx(insn);
        };
    }

    /** The second slot of a {@code lddw} carries only the upper half of the constant. */
    static String checkSecondSlot(Instruction first, Instruction second) {
        if (second.opcode() != 0) {
            return "second slot of lddw must have opcode 0 (found 0x" + Integer.toHexString(second.opcode()) + ")";
        }
        String name = "second slot of lddw";
        String r = zero(name, "dst", second.dst());
        r = r != null ? r : zero(name, "src", second.src());
        r = r != null ? r : zero(name, "offset", second.offset());
        int pseudo = first.src();
        if (r == null && second.imm() != 0 && (pseudo == Opcodes.PSEUDO_MAP_FD || pseudo == Opcodes.PSEUDO_FUNC
                || pseudo == Opcodes.PSEUDO_MAP_IDX)) {
            r = "second slot of lddw with src " + pseudo + " must have imm 0 (found " + second.imm() + ")";
        }
        return r;
    }

    private static String checkAlu(Instruction insn) {
        int op = Opcodes.aluOp(insn.opcode());
        boolean wide = insn.instructionClass() == CLASS_ALU64;
        boolean reg = Opcodes.source(insn.opcode()) == SRC_X;
        if (op > ALU_END) {
            return unknown(insn);
        }
        String base = ALU_FULL[op >> 4][wide ? 1 : 0][2];
        String r = register("dst", insn.dst());
        if (r != null) {
            return r;
        }
        if (op == ALU_NEG) {
            if (reg) {
                return unknown(insn);
            }
            return allZero(base, insn, false, true, true, true);
        }
        if (op == ALU_END) {
            if (wide && reg) {
                return unknown(insn);
            }
            String name = wide ? "bswap" : reg ? "be" : "le";
            r = allZero(name, insn, false, true, true, false);
            if (r == null && insn.imm() != 16 && insn.imm() != 32 && insn.imm() != 64) {
                r = name + " must have imm 16, 32 or 64 (found " + insn.imm() + ")";
            }
            return r;
        }
        String name = ALU_FULL[op >> 4][wide ? 1 : 0][reg ? 1 : 0];
        if (reg) {
            r = register("src", insn.src());
            r = r != null ? r : zero(name, "imm", insn.imm());
        } else {
            r = zero(name, "src", insn.src());
        }
        if (r != null) {
            return r;
        }
        int off = insn.offset();
        if (op == ALU_DIV || op == ALU_MOD) {
            if (off != 0 && off != 1) {
                return name + " must have offset 0 or 1 (found " + off + ")";
            }
        } else if (op == ALU_MOV && reg) {
            if (off != 0 && off != 8 && off != 16 && !(wide && off == 32)) {
                return name + " must have offset " + (wide ? "0, 8, 16 or 32" : "0, 8 or 16") + " (found " + off + ")";
            }
        } else if (off != 0) {
            return zero(name, "offset", off);
        }
        return null;
    }

    private static String checkJump(Instruction insn) {
        int op = Opcodes.aluOp(insn.opcode());
        boolean jmp32 = insn.instructionClass() == CLASS_JMP32;
        boolean reg = Opcodes.source(insn.opcode()) == SRC_X;
        if (op > JMP_JCOND) {
            return unknown(insn);
        }
        switch (op) {
            case JMP_JA -> {
                if (reg) {
                    return unknown(insn);
                }
                return jmp32 ? allZero("gotol", insn, true, true, true, false)
                        : allZero("ja", insn, true, true, false, true);
            }
            case JMP_CALL -> {
                if (jmp32) {
                    return unknown(insn);
                }
                if (reg) {
                    String r = register("dst", insn.dst());
                    return r != null ? r : allZero("callx", insn, false, true, true, true);
                }
                String r = zero("call", "dst", insn.dst());
                if (r == null && insn.src() > Opcodes.CALL_KFUNC) {
                    r = "call must have src 0, 1 or 2 (found " + insn.src() + ")";
                }
                // The kernel lets a kfunc call name a module's BTF in the offset; there are no
                // kernel modules here, so every call has offset 0.
                return r != null ? r : zero("call", "offset", insn.offset());
            }
            case JMP_EXIT -> {
                if (jmp32 || reg) {
                    return unknown(insn);
                }
                return allZero("exit", insn, true, true, true, true);
            }
            case JMP_JCOND -> {
                if (jmp32 || reg) {
                    return unknown(insn);
                }
                return allZero("may_goto", insn, true, true, false, true);
            }
            default -> {
                String name = JMP_FULL[op >> 4][jmp32 ? 1 : 0][reg ? 1 : 0];
                String r = register("dst", insn.dst());
                if (r == null) {
                    r = reg ? register("src", insn.src()) : zero(name, "src", insn.src());
                }
                if (r == null && reg) {
                    r = zero(name, "imm", insn.imm());
                }
                return r;
            }
        }
    }

    private static String checkLd(Instruction insn) {
        int mode = Opcodes.mode(insn.opcode());
        int size = Opcodes.size(insn.opcode());
        if (insn.opcode() == Opcodes.LDDW) {
            String r = register("dst", insn.dst());
            if (r == null && insn.src() > Opcodes.PSEUDO_MAP_IDX_VALUE) {
                r = "lddw must have src 0 to 6 (found " + insn.src() + ")";
            }
            return r != null ? r : zero("lddw", "offset", insn.offset());
        }
        if ((mode == MODE_ABS || mode == MODE_IND) && size != SIZE_DW) {
            String name = (mode == MODE_ABS ? "ldabs" : "ldind") + sizeSuffix(size);
            String r = zero(name, "dst", insn.dst());
            r = r != null ? r : zero(name, "offset", insn.offset());
            if (r == null) {
                r = mode == MODE_ABS ? zero(name, "src", insn.src()) : register("src", insn.src());
            }
            return r;
        }
        return unknown(insn);
    }

    private static String checkLdx(Instruction insn) {
        int mode = Opcodes.mode(insn.opcode());
        int size = Opcodes.size(insn.opcode());
        if (mode != MODE_MEM && !(mode == MODE_MEMSX && size != SIZE_DW)) {
            return unknown(insn);
        }
        String r = register("dst", insn.dst());
        r = r != null ? r : register("src", insn.src());
        return r != null || insn.imm() == 0 ? r
                : zero((mode == MODE_MEM ? "ldx" : "ldxs") + sizeSuffix(size), "imm", insn.imm());
    }

    private static String checkSt(Instruction insn) {
        if (Opcodes.mode(insn.opcode()) != MODE_MEM) {
            return unknown(insn);
        }
        String r = register("dst", insn.dst());
        return r != null || insn.src() == 0 ? r : zero("st" + sizeSuffix(Opcodes.size(insn.opcode())), "src", insn.src());
    }

    private static String checkStx(Instruction insn) {
        int mode = Opcodes.mode(insn.opcode());
        int size = Opcodes.size(insn.opcode());
        String r = register("dst", insn.dst());
        r = r != null ? r : register("src", insn.src());
        if (r != null) {
            return r;
        }
        if (mode == MODE_MEM) {
            return insn.imm() == 0 ? null : zero("stx" + sizeSuffix(size), "imm", insn.imm());
        }
        if (mode != MODE_ATOMIC) {
            return unknown(insn);
        }
        int imm = insn.imm();
        boolean ordered = imm == Opcodes.ATOMIC_LOAD_ACQ || imm == Opcodes.ATOMIC_STORE_REL;
        if (ordered) {
            return null;
        }
        boolean word = size == Opcodes.SIZE_W || size == SIZE_DW;
        boolean known = switch (imm) {
            case Opcodes.ATOMIC_ADD, Opcodes.ATOMIC_OR, Opcodes.ATOMIC_AND, Opcodes.ATOMIC_XOR,
                 Opcodes.ATOMIC_ADD | Opcodes.ATOMIC_FETCH, Opcodes.ATOMIC_OR | Opcodes.ATOMIC_FETCH,
                 Opcodes.ATOMIC_AND | Opcodes.ATOMIC_FETCH, Opcodes.ATOMIC_XOR | Opcodes.ATOMIC_FETCH,
                 Opcodes.ATOMIC_XCHG, Opcodes.ATOMIC_CMPXCHG -> true;
            default -> false;
        };
        if (!known) {
            return "atomic" + sizeSuffix(size) + " has unknown operation in imm 0x" + Integer.toHexString(imm);
        }
        return word ? null : "atomic read-modify-write operations need size w or dw, not " + sizeSuffix(size);
    }

    static String sizeSuffix(int size) {
        return switch (size) {
            case Opcodes.SIZE_W -> "w";
            case Opcodes.SIZE_H -> "h";
            case Opcodes.SIZE_B -> "b";
            default -> "dw";
        };
    }

    private static String allZero(String name, Instruction insn, boolean dst, boolean src, boolean off, boolean imm) {
        String r = dst ? zero(name, "dst", insn.dst()) : null;
        r = r == null && src ? zero(name, "src", insn.src()) : r;
        r = r == null && off ? zero(name, "offset", insn.offset()) : r;
        return r == null && imm ? zero(name, "imm", insn.imm()) : r;
    }

    private static String zero(String name, String field, int value) {
        return value == 0 ? null : name + " must have " + field + " 0 (found " + value + ")";
    }

    private static String register(String field, int reg) {
        // The kernel's words (check_reg_arg), then which field names it.
        return reg <= MAX_REGISTER ? null : "R" + reg + " is invalid: " + field + " register r" + reg
                + " does not exist (r0 to r10)";
    }

    private static String unknown(Instruction insn) {
        return "unknown opcode 0x" + String.format("%02x", insn.opcode());
    }
}
