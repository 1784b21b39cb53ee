package dev.jvmbpf.runtime.isa;

import java.util.ArrayList;
import java.util.List;

/**
 * Prints instructions in the C-like syntax of LLVM's BPF backend as {@code llvm-objdump -d} shows
 * it: {@code r0 = 1}, {@code w1 += w2}, {@code if r1 > 0x2 goto +3},
 * {@code *(u32 *)(r10 - 4) = r1}, {@code r0 = 0x1122334455667788 ll},
 * {@code lock *(u64 *)(r10 - 8) += r1}, {@code r0 = atomic_fetch_add((u64 *)(r10 - 8), r0)},
 * {@code r1 = be16 r1}, {@code r0 = (s8)r1}, {@code gotol +5}, {@code may_goto +2},
 * {@code callx r2}, {@code exit}.
 *
 * <p>Numbers follow LLVM 14: ALU and store immediates, memory offsets and helper ids in decimal;
 * jump comparands and {@code lddw} constants in hex. Forms LLVM does not print are ours:
 * a local call is {@code call pc+N} (the target is relative to the next instruction, as in
 * bpftool), a kfunc call {@code call kfunc N}, and the pseudo {@code lddw} sources
 * {@code r1 = map_fd(N) ll}, {@code r1 = map_value(N) + M ll}, {@code r1 = btf_id(N) ll},
 * {@code r1 = func(pc+N) ll}, {@code r1 = map_idx(N) ll}, {@code r1 = map_idx_value(N) + M ll}.
 * Invalid slots print as {@code <invalid: bytes>}; this class never throws on bad input.
 *
 * <p>Given {@link Symbols}, a listing names what the numbers stand for, as {@code bpftool prog dump
 * xlated} does: {@code call bpf_map_lookup_elem#1}, {@code r1 = map[counts] ll},
 * {@code r1 = map[.bss][0]+4 ll}, {@code call pc+3 <square>}.
 */
public final class Disassembler {
    private static final String[] ALU_OPS = {"+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=", null, "%=", "^=",
        "=", "s>>="};
    private static final String[] JMP_OPS = {null, "==", ">", ">=", "&", "!=", "s>", "s>=", null, null, "<", "<=",
        "s<", "s<="};

    private Disassembler() {
    }

    /**
     * Names for the numbers of a program (this module does not know helper names or map names).
     * Each method returns null for a number it has no name for, and the number is printed.
     */
    public interface Symbols {
        /** No names: the plain LLVM syntax. */
        Symbols NONE = new Symbols() {
        };

        /** The name of helper {@code id}, as the kernel's {@code enum bpf_func_id} spells it without BPF_FUNC_. */
        default String helper(int id) {
            return null;
        }

        /** The name of the map an {@code lddw} of source {@code map_idx} or {@code map_idx_value} indexes. */
        default String map(int index) {
            return null;
        }

        /** The name of the function that starts at {@code pc}. */
        default String function(int pc) {
            return null;
        }
    }

    /** One line per instruction (the second slot of {@code lddw} gets none), each {@code "pc: text"}. */
    public static List<String> listing(Instruction[] program) {
        List<String> lines = new ArrayList<>();
        int width = String.valueOf(Math.max(0, program.length - 1)).length();
        for (int pc = 0; pc < program.length; pc++) {
            lines.add(String.format("%" + width + "d: %s", pc, disassemble(program, pc)));
            if (program[pc].isWide() && pc + 1 < program.length) {
                pc++;
            }
        }
        return lines;
    }

    /** The instruction at {@code pc}, reading the second slot of a {@code lddw} when present. */
    public static String disassemble(Instruction[] program, int pc) {
        return disassemble(program, pc, Symbols.NONE);
    }

    /** As {@link #disassemble(Instruction[], int)}, naming what {@code symbols} knows. */
    public static String disassemble(Instruction[] program, int pc, Symbols symbols) {
        Instruction insn = program[pc];
        if (insn.isWide() && pc + 1 < program.length) {
            return wide(insn, Instruction.wideImmediate(program, pc), program[pc + 1].imm(), pc, symbols);
        }
        return format(insn, pc, symbols);
    }

    /** One slot on its own; a {@code lddw} shows only the low half of its constant. */
    public static String format(Instruction insn) {
        return format(insn, 0, Symbols.NONE);
    }

    private static String format(Instruction insn, int pc, Symbols symbols) {
        if (InstructionRules.check(insn) != null) {
            return "<invalid: " + insn.hex() + ">";
        }
        return switch (insn.instructionClass()) {
            case Opcodes.CLASS_ALU, Opcodes.CLASS_ALU64 -> alu(insn);
            case Opcodes.CLASS_JMP, Opcodes.CLASS_JMP32 -> jump(insn, pc, symbols);
            case Opcodes.CLASS_LD -> insn.isWide() ? wide(insn, insn.imm() & 0xffffffffL, 0, pc, symbols)
                    : legacyLoad(insn);
            case Opcodes.CLASS_LDX -> reg(insn.dst(), true) + " = " + memory(insn, insn.src(),
                    Opcodes.mode(insn.opcode()) == Opcodes.MODE_MEMSX);
            case Opcodes.CLASS_ST -> memory(insn, insn.dst(), false) + " = " + insn.imm();
            default -> store(insn);
        };
    }

    private static String alu(Instruction insn) {
        boolean wide = insn.instructionClass() == Opcodes.CLASS_ALU64;
        int op = Opcodes.aluOp(insn.opcode()) >> 4;
        boolean x = Opcodes.source(insn.opcode()) == Opcodes.SRC_X;
        String dst = reg(insn.dst(), wide);
        if (op == Opcodes.ALU_NEG >> 4) {
            return dst + " = -" + dst;
        }
        if (op == Opcodes.ALU_END >> 4) {
            String name = wide ? "bswap" : x ? "be" : "le";
            String whole = reg(insn.dst(), true);
            return whole + " = " + name + insn.imm() + " " + whole;
        }
        String src = x ? reg(insn.src(), wide) : Integer.toString(insn.imm());
        if (op == Opcodes.ALU_MOV >> 4 && x && insn.offset() != 0) {
            return dst + " = (s" + insn.offset() + ")" + src;
        }
        String operator = ALU_OPS[op];
        if (insn.offset() == 1 && (op == Opcodes.ALU_DIV >> 4 || op == Opcodes.ALU_MOD >> 4)) {
            operator = "s" + operator;
        }
        return dst + " " + operator + " " + src;
    }

    private static String jump(Instruction insn, int pc, Symbols symbols) {
        boolean jmp32 = insn.instructionClass() == Opcodes.CLASS_JMP32;
        int op = Opcodes.aluOp(insn.opcode());
        return switch (op) {
            case Opcodes.JMP_JA -> jmp32 ? "gotol " + signed(insn.imm()) : "goto " + signed(insn.offset());
            case Opcodes.JMP_EXIT -> "exit";
            case Opcodes.JMP_JCOND -> "may_goto " + signed(insn.offset());
            case Opcodes.JMP_CALL -> call(insn, pc, symbols);
            default -> {
                String src = Opcodes.source(insn.opcode()) == Opcodes.SRC_X ? reg(insn.src(), !jmp32) : hex(insn.imm());
                yield "if " + reg(insn.dst(), !jmp32) + " " + JMP_OPS[op >> 4] + " " + src + " goto "
                        + signed(insn.offset());
            }
        };
    }

    private static String call(Instruction insn, int pc, Symbols symbols) {
        if (Opcodes.source(insn.opcode()) == Opcodes.SRC_X) {
            return "callx " + reg(insn.dst(), true);
        }
        return switch (insn.src()) {
            case Opcodes.CALL_LOCAL -> "call pc" + signed(insn.imm()) + function(symbols, pc + 1 + insn.imm());
            case Opcodes.CALL_KFUNC -> "call kfunc " + insn.imm();
            default -> {
                String name = symbols.helper(insn.imm());
                yield name == null ? "call " + insn.imm() : "call bpf_" + name + "#" + insn.imm();
            }
        };
    }

    private static String function(Symbols symbols, long target) {
        String name = target >= 0 && target <= Integer.MAX_VALUE ? symbols.function((int) target) : null;
        return name == null ? "" : " <" + name + ">";
    }

    private static String wide(Instruction insn, long value, int high, int pc, Symbols symbols) {
        String dst = reg(insn.dst(), true) + " = ";
        int low = insn.imm();
        String map = insn.src() == Opcodes.PSEUDO_MAP_IDX || insn.src() == Opcodes.PSEUDO_MAP_IDX_VALUE
                ? symbols.map(low) : null;
        return switch (insn.src()) {
            case Opcodes.PSEUDO_MAP_FD -> dst + "map_fd(" + low + ") ll";
            case Opcodes.PSEUDO_MAP_VALUE -> dst + "map_value(" + low + ") + " + high + " ll";
            case Opcodes.PSEUDO_BTF_ID -> dst + "btf_id(" + low + ") ll";
            case Opcodes.PSEUDO_FUNC -> dst + "func(pc" + signed(low) + ") ll" + function(symbols, pc + 1L + low);
            case Opcodes.PSEUDO_MAP_IDX -> map != null ? dst + "map[" + map + "] ll" : dst + "map_idx(" + low + ") ll";
            case Opcodes.PSEUDO_MAP_IDX_VALUE -> map != null ? dst + "map[" + map + "][0]+" + high + " ll"
                    : dst + "map_idx_value(" + low + ") + " + high + " ll";
            default -> dst + "0x" + Long.toHexString(value) + " ll";
        };
    }

    private static String legacyLoad(Instruction insn) {
        String type = "(u" + Opcodes.sizeBytes(insn.opcode()) * 8 + " *)";
        String index = Opcodes.mode(insn.opcode()) == Opcodes.MODE_IND
                ? reg(insn.src(), true) + (insn.imm() == 0 ? "" : " + " + insn.imm())
                : Integer.toString(insn.imm());
        return "r0 = *" + type + "skb[" + index + "]";
    }

    private static String store(Instruction insn) {
        if (Opcodes.mode(insn.opcode()) == Opcodes.MODE_MEM) {
            return memory(insn, insn.dst(), false) + " = " + reg(insn.src(), true);
        }
        boolean wide = Opcodes.size(insn.opcode()) == Opcodes.SIZE_DW;
        String type = type(insn, false);
        String address = reg(insn.dst(), true) + displacement(insn.offset());
        String src = reg(insn.src(), wide);
        return switch (insn.imm()) {
            case Opcodes.ATOMIC_LOAD_ACQ -> reg(insn.dst(), wide) + " = load_acquire((" + type + ")("
                    + reg(insn.src(), true) + displacement(insn.offset()) + "))";
            case Opcodes.ATOMIC_STORE_REL -> "store_release((" + type + ")(" + address + "), " + src + ")";
            case Opcodes.ATOMIC_XCHG -> src + " = xchg" + (wide ? "_64(" : "32_32(") + address + ", " + src + ")";
            case Opcodes.ATOMIC_CMPXCHG -> reg(0, wide) + " = cmpxchg" + (wide ? "_64(" : "32_32(") + address + ", "
                    + reg(0, wide) + ", " + src + ")";
            default -> {
                int op = insn.imm() & ~Opcodes.ATOMIC_FETCH;
                String name = switch (op) {
                    case Opcodes.ATOMIC_ADD -> "add";
                    case Opcodes.ATOMIC_OR -> "or";
                    case Opcodes.ATOMIC_AND -> "and";
                    default -> "xor";
                };
                if ((insn.imm() & Opcodes.ATOMIC_FETCH) != 0) {
                    yield src + " = atomic_fetch_" + name + "((" + type + ")(" + address + "), " + src + ")";
                }
                yield "lock *(" + type + ")(" + address + ") " + ALU_OPS[op >> 4] + " " + src;
            }
        };
    }

    private static String memory(Instruction insn, int base, boolean signed) {
        return "*(" + type(insn, signed) + ")(" + reg(base, true) + displacement(insn.offset()) + ")";
    }

    private static String type(Instruction insn, boolean signed) {
        return (signed ? "s" : "u") + Opcodes.sizeBytes(insn.opcode()) * 8 + " *";
    }

    private static String displacement(int offset) {
        return offset < 0 ? " - " + -offset : " + " + offset;
    }

    private static String reg(int r, boolean wide) {
        return (wide ? "r" : "w") + r;
    }

    private static String signed(int value) {
        return value < 0 ? Integer.toString(value) : "+" + value;
    }

    private static String hex(int value) {
        return value < 0 ? "-0x" + Long.toHexString(-(long) value) : "0x" + Integer.toHexString(value);
    }
}
