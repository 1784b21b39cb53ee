package dev.jvmbpf.conformance.fuzz;

import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which instruction forms the compared programs contained: for each class, the distinct forms
 * (opcode, plus the offset that selects sdiv/smod/movsx and the immediate that selects the
 * atomic operation or the byte-swap width).
 */
public final class Coverage {
    private static final String[] CLASS_NAMES = {"LD", "LDX", "ST", "STX", "ALU", "JMP", "JMP32", "ALU64"};
    private final Map<String, TreeSet<String>> forms = new TreeMap<>();
    private long instructions;

    void add(Instruction[] code) {
        for (int pc = 0; pc < code.length; pc++) {
            Instruction i = code[pc];
            instructions++;
            forms.computeIfAbsent(CLASS_NAMES[i.instructionClass()], k -> new TreeSet<>()).add(form(i));
            if (i.isWide()) {
                pc++;
            }
        }
    }

    private static String form(Instruction i) {
        String f = String.format("0x%02x", i.opcode());
        int cls = i.instructionClass();
        int op = Opcodes.aluOp(i.opcode());
        if ((cls == Opcodes.CLASS_ALU || cls == Opcodes.CLASS_ALU64) && i.offset() != 0) {
            f += "/off" + i.offset();
        }
        if ((cls == Opcodes.CLASS_ALU || cls == Opcodes.CLASS_ALU64) && op == Opcodes.ALU_END) {
            f += "/" + i.imm();
        }
        if (cls == Opcodes.CLASS_STX && Opcodes.mode(i.opcode()) == Opcodes.MODE_ATOMIC) {
            f += String.format("/0x%02x", i.imm());
        }
        if (i.opcode() == Opcodes.CALL) {
            f += "/src" + i.src();
        }
        return f;
    }

    /** Number of distinct forms per class. */
    public Map<String, Integer> formsPerClass() {
        Map<String, Integer> m = new TreeMap<>();
        forms.forEach((k, v) -> m.put(k, v.size()));
        return m;
    }

    public Map<String, TreeSet<String>> forms() {
        return forms;
    }

    public long instructions() {
        return instructions;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        forms.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ", ").append(k).append(' ').append(v.size()));
        return sb.toString();
    }
}
