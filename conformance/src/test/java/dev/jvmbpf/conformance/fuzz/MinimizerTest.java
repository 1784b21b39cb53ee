package dev.jvmbpf.conformance.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import org.junit.jupiter.api.Test;

class MinimizerTest {
    private static final int MOV = Opcodes.CLASS_ALU64 | Opcodes.ALU_MOV | Opcodes.SRC_K;
    private static final int JEQ = Opcodes.CLASS_JMP | Opcodes.JMP_JEQ | Opcodes.SRC_K;

    private static Instruction mov(int dst, int imm) {
        return Instruction.of(MOV, dst, 0, 0, imm);
    }

    @Test
    void deletingKeepsJumpsAimedAtTheSameInstructions() {
        Instruction[] code = {
            Instruction.of(JEQ, 1, 0, 3, 0), // 0 -> 4
            mov(2, 1), mov(3, 1), mov(4, 1),
            mov(0, 0), // 4
            Instruction.of(Opcodes.JA, 0, 0, -5, 0), // 5 -> 1
            Instruction.of(Opcodes.EXIT, 0, 0, 0, 0)};
        Instruction[] out = Minimizer.delete(code, 2, 1);
        assertEquals(2, out[0].offset());
        assertEquals(-4, out[4].offset());
        // A jump whose target is deleted lands on the instruction after the hole.
        Instruction[] hole = Minimizer.delete(code, 4, 1);
        assertEquals(3, hole[0].offset());
        assertEquals(Opcodes.JA, hole[4].opcode());
    }

    @Test
    void lddwIsOneUnit() {
        Instruction[] code = {mov(0, 1), Instruction.of(Opcodes.LDDW, 1, 0, 0, 5), Instruction.of(0, 0, 0, 0, 0),
            Instruction.of(Opcodes.EXIT, 0, 0, 0, 0)};
        assertEquals(java.util.List.of(0, 1, 3), Minimizer.unitStarts(code));
    }

    @Test
    void shrinksToWhatTheFailureNeeds() {
        // "Fails" while the program still contains mov r7, 77.
        Instruction[] code = {mov(1, 5), mov(2, 6), mov(7, 77), mov(3, 8), mov(0, 0),
            Instruction.of(Opcodes.EXIT, 0, 0, 0, 0)};
        FuzzProgram p = new FuzzProgram(code, new byte[] {1, 2, 3});
        FuzzProgram small = Minimizer.minimize(p, q -> {
            for (Instruction i : q.code()) {
                if (i.equals(mov(7, 77))) {
                    return true;
                }
            }
            return false;
        }, 1000);
        assertArrayEquals(new Instruction[] {mov(7, 77)}, small.code());
        assertArrayEquals(new byte[1], small.memory());
    }
}
