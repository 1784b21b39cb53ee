package dev.jvmbpf.runtime.isa;

import dev.jvmbpf.runtime.isa.AsmOperands.Memory;
import dev.jvmbpf.runtime.isa.AsmOperands.Target;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The mnemonics of the conformance assembly syntax and how each one encodes. Keys of atomic
 * operations include their {@code lock} and {@code fetch} words ({@code "lock fetch add32"}).
 */
final class AsmMnemonics {
    /** How the assembler patches a label into an encoded instruction. */
    enum Fixup { NONE, OFFSET, IMM }

    /** One or two encoded slots, with a label to resolve into the first. */
    record Encoded(Instruction[] slots, String label, Fixup fixup) {
        static Encoded of(Instruction... slots) {
            return new Encoded(slots, null, Fixup.NONE);
        }

        static Encoded target(Instruction insn, Target target, Fixup fixup) {
            return new Encoded(new Instruction[] {insn}, target.label(), target.label() == null ? Fixup.NONE : fixup);
        }
    }

    interface Encoder {
        Encoded encode(List<String> operands);
    }

    record Spec(int minOperands, int maxOperands, Encoder encoder) {
    }

    private static final String[] ALU = {"add", "sub", "mul", "div", "or", "and", "lsh", "rsh", null, "mod", "xor",
        "mov", "arsh"};
    private static final String[] JUMPS = {null, "jeq", "jgt", "jge", "jset", "jne", "jsgt", "jsge", null, null,
        "jlt", "jle", "jslt", "jsle"};
    private static final String[] SIZES = {"w", "h", "b", "dw"};
    private static final Map<String, Spec> TABLE = build();

    private AsmMnemonics() {
    }

    static Spec find(String mnemonic) {
        return TABLE.get(mnemonic);
    }

    private static Map<String, Spec> build() {
        Map<String, Spec> t = new HashMap<>();
        for (int op = 0; op < ALU.length; op++) {
            if (ALU[op] == null) {
                continue;
            }
            int code = op << 4;
            for (String suffix : new String[] {"", "64", "32"}) {
                int cls = suffix.equals("32") ? Opcodes.CLASS_ALU : Opcodes.CLASS_ALU64;
                t.put(ALU[op] + suffix, new Spec(2, 2, ops -> alu(cls | code, 0, ops)));
                if (code == Opcodes.ALU_DIV || code == Opcodes.ALU_MOD) {
                    t.put("s" + ALU[op] + suffix, new Spec(2, 2, ops -> alu(cls | code, 1, ops)));
                }
            }
        }
        for (String suffix : new String[] {"", "64", "32"}) {
            int cls = suffix.equals("32") ? Opcodes.CLASS_ALU : Opcodes.CLASS_ALU64;
            t.put("neg" + suffix, new Spec(1, 1, ops -> Encoded.of(Instruction.of(cls | Opcodes.ALU_NEG,
                    AsmOperands.register(ops.get(0)), 0, 0, 0))));
        }
        for (int bits : new int[] {8, 16, 32}) {
            if (bits != 32) {
                t.put("movsx" + bits + "32", new Spec(2, 2, ops -> movsx(Opcodes.CLASS_ALU, bits, ops)));
            }
            t.put("movsx" + bits + "64", new Spec(2, 2, ops -> movsx(Opcodes.CLASS_ALU64, bits, ops)));
            t.put("movsx" + bits, new Spec(2, 2, ops -> movsx(Opcodes.CLASS_ALU64, bits, ops)));
        }
        for (int bits : new int[] {16, 32, 64}) {
            t.put("le" + bits, endian(Opcodes.CLASS_ALU | Opcodes.SRC_K, bits));
            t.put("be" + bits, endian(Opcodes.CLASS_ALU | Opcodes.SRC_X, bits));
            t.put("swap" + bits, endian(Opcodes.CLASS_ALU64, bits));
            t.put("bswap" + bits, endian(Opcodes.CLASS_ALU64, bits));
        }
        addJumps(t);
        addMemory(t);
        addWideLoads(t);
        return Map.copyOf(t);
    }

    private static void addJumps(Map<String, Spec> t) {
        for (int op = 0; op < JUMPS.length; op++) {
            if (JUMPS[op] == null) {
                continue;
            }
            int code = op << 4;
            t.put(JUMPS[op], new Spec(3, 3, ops -> conditional(Opcodes.CLASS_JMP | code, ops)));
            t.put(JUMPS[op] + "32", new Spec(3, 3, ops -> conditional(Opcodes.CLASS_JMP32 | code, ops)));
        }
        t.put("ja", new Spec(1, 1, ops -> Encoded.target(Instruction.of(Opcodes.JA, 0, 0,
                AsmOperands.target(ops.get(0), false).relative(), 0), AsmOperands.target(ops.get(0), false), Fixup.OFFSET)));
        Spec gotol = new Spec(1, 1, ops -> {
            Target target = AsmOperands.target(ops.get(0), true);
            return Encoded.target(Instruction.of(Opcodes.JA32, 0, 0, 0, target.relative()), target, Fixup.IMM);
        });
        t.put("ja32", gotol);
        t.put("gotol", gotol);
        t.put("may_goto", new Spec(1, 1, ops -> {
            Target target = AsmOperands.target(ops.get(0), false);
            return Encoded.target(Instruction.of(Opcodes.MAY_GOTO, 0, 0, target.relative(), 0), target, Fixup.OFFSET);
        }));
        t.put("exit", new Spec(0, 0, ops -> Encoded.of(Instruction.of(Opcodes.EXIT, 0, 0, 0, 0))));
        t.put("call", new Spec(1, 2, AsmMnemonics::call));
        t.put("callx", new Spec(1, 1, ops -> Encoded.of(Instruction.of(Opcodes.CALLX, AsmOperands.register(ops.get(0)),
                0, 0, 0))));
    }

    private static void addMemory(Map<String, Spec> t) {
        for (int i = 0; i < SIZES.length; i++) {
            int size = i << 3;
            String s = SIZES[i];
            t.put("ldx" + s, new Spec(2, 2, ops -> load(Opcodes.CLASS_LDX | Opcodes.MODE_MEM | size, ops)));
            if (size != Opcodes.SIZE_DW) {
                t.put("ldxs" + s, new Spec(2, 2, ops -> load(Opcodes.CLASS_LDX | Opcodes.MODE_MEMSX | size, ops)));
                t.put("ldabs" + s, new Spec(1, 1, ops -> Encoded.of(Instruction.of(Opcodes.CLASS_LD | Opcodes.MODE_ABS
                        | size, 0, 0, 0, AsmOperands.imm32(ops.get(0))))));
                t.put("ldind" + s, new Spec(2, 2, ops -> Encoded.of(Instruction.of(Opcodes.CLASS_LD | Opcodes.MODE_IND
                        | size, 0, AsmOperands.register(ops.get(0)), 0, AsmOperands.imm32(ops.get(1))))));
            }
            t.put("st" + s, new Spec(2, 2, ops -> {
                Memory m = AsmOperands.memory(ops.get(0));
                return Encoded.of(Instruction.of(Opcodes.CLASS_ST | Opcodes.MODE_MEM | size, m.register(), 0,
                        m.offset(), AsmOperands.imm32(ops.get(1))));
            }));
            t.put("stx" + s, new Spec(2, 2, ops -> store(Opcodes.CLASS_STX | Opcodes.MODE_MEM | size, 0, ops)));
            int atomic = Opcodes.CLASS_STX | Opcodes.MODE_ATOMIC | size;
            t.put("ldacq" + s, new Spec(2, 2, ops -> {
                Memory m = AsmOperands.memory(ops.get(1));
                return Encoded.of(Instruction.of(atomic, AsmOperands.register(ops.get(0)), m.register(), m.offset(),
                        Opcodes.ATOMIC_LOAD_ACQ));
            }));
            t.put("strel" + s, new Spec(2, 2, ops -> store(atomic, Opcodes.ATOMIC_STORE_REL, ops)));
        }
        String[] names = {"add", "or", "and", "xor"};
        int[] codes = {Opcodes.ATOMIC_ADD, Opcodes.ATOMIC_OR, Opcodes.ATOMIC_AND, Opcodes.ATOMIC_XOR};
        for (String suffix : new String[] {"", "64", "32"}) {
            int opcode = Opcodes.CLASS_STX | Opcodes.MODE_ATOMIC | (suffix.equals("32") ? Opcodes.SIZE_W : Opcodes.SIZE_DW);
            for (int i = 0; i < names.length; i++) {
                int code = codes[i];
                t.put("lock " + names[i] + suffix, new Spec(2, 2, ops -> store(opcode, code, ops)));
                t.put("lock fetch " + names[i] + suffix, new Spec(2, 2,
                        ops -> store(opcode, code | Opcodes.ATOMIC_FETCH, ops)));
            }
            for (String fetch : new String[] {"lock ", "lock fetch "}) {
                t.put(fetch + "xchg" + suffix, new Spec(2, 2, ops -> store(opcode, Opcodes.ATOMIC_XCHG, ops)));
                t.put(fetch + "cmpxchg" + suffix, new Spec(2, 2, ops -> store(opcode, Opcodes.ATOMIC_CMPXCHG, ops)));
            }
        }
    }

    private static void addWideLoads(Map<String, Spec> t) {
        t.put("lddw", new Spec(2, 2, ops -> wide(Opcodes.PSEUDO_NONE, ops.get(0), AsmOperands.imm64(ops.get(1)))));
        t.put("ldmapfd", new Spec(2, 2, ops -> wide(Opcodes.PSEUDO_MAP_FD, ops.get(0),
                Integer.toUnsignedLong(AsmOperands.imm32(ops.get(1))))));
        t.put("ldmapvalue", new Spec(3, 3, ops -> wide(Opcodes.PSEUDO_MAP_VALUE, ops.get(0), pair(ops))));
        t.put("ldbtfid", new Spec(2, 2, ops -> wide(Opcodes.PSEUDO_BTF_ID, ops.get(0),
                Integer.toUnsignedLong(AsmOperands.imm32(ops.get(1))))));
        t.put("ldmapidx", new Spec(2, 2, ops -> wide(Opcodes.PSEUDO_MAP_IDX, ops.get(0),
                Integer.toUnsignedLong(AsmOperands.imm32(ops.get(1))))));
        t.put("ldmapidxvalue", new Spec(3, 3, ops -> wide(Opcodes.PSEUDO_MAP_IDX_VALUE, ops.get(0), pair(ops))));
        t.put("ldfunc", new Spec(2, 2, ops -> {
            Target target = AsmOperands.target(ops.get(1), true);
            Encoded e = wide(Opcodes.PSEUDO_FUNC, ops.get(0), Integer.toUnsignedLong(target.relative()));
            return new Encoded(e.slots(), target.label(), target.label() == null ? Fixup.NONE : Fixup.IMM);
        }));
    }

    private static long pair(List<String> ops) {
        return Integer.toUnsignedLong(AsmOperands.imm32(ops.get(1))) | (long) AsmOperands.imm32(ops.get(2)) << 32;
    }

    private static Encoded wide(int pseudo, String dst, long value) {
        return Encoded.of(Instruction.of(Opcodes.LDDW, AsmOperands.register(dst), pseudo, 0, (int) value),
                Instruction.of(0, 0, 0, 0, (int) (value >>> 32)));
    }

    private static Encoded alu(int opcode, int offset, List<String> ops) {
        int dst = AsmOperands.register(ops.get(0));
        String src = ops.get(1);
        if (AsmOperands.isRegister(src)) {
            return Encoded.of(Instruction.of(opcode | Opcodes.SRC_X, dst, AsmOperands.register(src), offset, 0));
        }
        return Encoded.of(Instruction.of(opcode | Opcodes.SRC_K, dst, 0, offset, AsmOperands.imm32(src)));
    }

    private static Encoded movsx(int cls, int bits, List<String> ops) {
        if (!AsmOperands.isRegister(ops.get(1))) {
            throw new AsmSyntaxError("Invalid operand " + ops.get(1) + ": movsx needs a source register");
        }
        return Encoded.of(Instruction.of(cls | Opcodes.ALU_MOV | Opcodes.SRC_X, AsmOperands.register(ops.get(0)),
                AsmOperands.register(ops.get(1)), bits, 0));
    }

    private static Spec endian(int opcode, int bits) {
        return new Spec(1, 1, ops -> Encoded.of(Instruction.of(opcode | Opcodes.ALU_END,
                AsmOperands.register(ops.get(0)), 0, 0, bits)));
    }

    private static Encoded conditional(int opcode, List<String> ops) {
        int dst = AsmOperands.register(ops.get(0));
        Target target = AsmOperands.target(ops.get(2), false);
        String src = ops.get(1);
        Instruction insn = AsmOperands.isRegister(src)
                ? Instruction.of(opcode | Opcodes.SRC_X, dst, AsmOperands.register(src), target.relative(), 0)
                : Instruction.of(opcode | Opcodes.SRC_K, dst, 0, target.relative(), AsmOperands.imm32(src));
        return Encoded.target(insn, target, Fixup.OFFSET);
    }

    private static Encoded call(List<String> ops) {
        String mode = ops.size() == 2 ? ops.get(0) : "helper";
        String target = ops.get(ops.size() - 1);
        switch (mode) {
            case "helper" -> {
                if (AsmOperands.isRegister(target)) {
                    return Encoded.of(Instruction.of(Opcodes.CALLX, AsmOperands.register(target), 0, 0, 0));
                }
                return Encoded.of(Instruction.of(Opcodes.CALL, 0, Opcodes.CALL_HELPER, 0, AsmOperands.imm32(target)));
            }
            case "local" -> {
                Target t = AsmOperands.target(target, true);
                return Encoded.target(Instruction.of(Opcodes.CALL, 0, Opcodes.CALL_LOCAL, 0, t.relative()), t, Fixup.IMM);
            }
            case "runtime", "kfunc" -> {
                return Encoded.of(Instruction.of(Opcodes.CALL, 0, Opcodes.CALL_KFUNC, 0, AsmOperands.imm32(target)));
            }
            default -> throw new AsmSyntaxError("Invalid call mode " + mode + " (expected helper, local, runtime or kfunc)");
        }
    }

    private static Encoded load(int opcode, List<String> ops) {
        Memory m = AsmOperands.memory(ops.get(1));
        return Encoded.of(Instruction.of(opcode, AsmOperands.register(ops.get(0)), m.register(), m.offset(), 0));
    }

    private static Encoded store(int opcode, int imm, List<String> ops) {
        Memory m = AsmOperands.memory(ops.get(0));
        return Encoded.of(Instruction.of(opcode, m.register(), AsmOperands.register(ops.get(1)), m.offset(), imm));
    }
}
