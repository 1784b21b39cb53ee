package dev.jvmbpf.jit;

import static dev.jvmbpf.runtime.isa.Opcodes.ALU_ADD;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_AND;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_MUL;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_SUB;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_XOR;
import static dev.jvmbpf.runtime.isa.Opcodes.JMP_JGT;
import static dev.jvmbpf.runtime.isa.Opcodes.JMP_JEQ;
import static dev.jvmbpf.runtime.isa.Opcodes.SIZE_DW;
import static dev.jvmbpf.runtime.isa.Opcodes.SIZE_W;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.jit.internal.ClassDefiner;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.verifier.Verifier;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Programs far beyond one JVM method: every emitted method must stay under HotSpot's 8000-byte
 * limit, and the split code must compute what the interpreter computes.
 */
class LargeProgramTest {
    private static final int HOTSPOT_LIMIT = 8000;

    /**
     * Straight-line arithmetic with forward branches, stack traffic, distinct 32- and 64-bit
     * constants (more than the constant pool could hold) and an outer loop whose backward jump
     * crosses every chunk, run three times.
     */
    static Instruction[] program(int size, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Asm a = new Asm().mov(0, 1).mov(9, 3).mov(6, 0).stx(SIZE_DW, 10, 6, -8);
        int loopStart = a.size();
        while (a.size() < size - 8) {
            switch (rnd.nextInt(7)) {
                case 0 -> a.alu64(ALU_ADD, 0, rnd.nextInt());
                case 1 -> a.alu64(ALU_XOR, 0, rnd.nextInt()).alu64(ALU_MUL, 0, 3);
                case 2 -> a.movx(1, 0).alu64(ALU_AND, 1, 0xff).jmp(JMP_JGT, 1, 100, 1).alu64(ALU_SUB, 0, rnd.nextInt(1000));
                case 3 -> a.ldx(SIZE_DW, 2, 10, -8).alu64x(ALU_ADD, 2, 0).stx(SIZE_DW, 10, 2, -8);
                case 4 -> a.lddw(3, rnd.nextLong()).alu64x(ALU_XOR, 0, 3);
                case 5 -> a.alu32(ALU_ADD, 0, rnd.nextInt()).st(SIZE_W, 10, -16, rnd.nextInt());
                default -> a.ldx(SIZE_W, 4, 10, -16).alu64x(ALU_ADD, 0, 4);
            }
        }
        // gotol: a backward jump farther than a 16-bit offset reaches.
        a.alu64(ALU_SUB, 9, 1).jmp(JMP_JEQ, 9, 0, 1);
        a.raw(Opcodes.JA32, 0, 0, 0, loopStart - a.size() - 1);
        a.ldx(SIZE_DW, 2, 10, -8).alu64x(ALU_XOR, 0, 2).exit();
        return a.build();
    }

    @ParameterizedTest
    @ValueSource(ints = {10_000, 100_000, 1_000_000})
    void compilesUnderTheMethodLimitAndMatchesTheInterpreter(int size) {
        Instruction[] code = program(size, size);
        BpfProgram program = BpfProgram.raw("large" + size, code);
        Map<String, Integer> sizes = MethodSizes.of(ClassDefiner.classBytes(Verifier.verifyOrUnverified(program, HelperTable.empty()), HelperTable.empty()));
        int largest = sizes.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
        System.out.printf("%d instructions: %d methods, largest %d bytes%n", code.length, sizes.size(), largest);
        sizes.forEach((name, bytes) -> assertTrue(bytes < HOTSPOT_LIMIT, name + " has " + bytes + " bytes"));
        assertTrue(sizes.size() > 2, "a program this large must be split");

        Executable jit = new JitEngine().load(Verifier.verifyOrUnverified(program, HelperTable.empty()), HelperTable.empty());
        Executable interp = new Interpreter().load(Verifier.verifyOrUnverified(program, HelperTable.empty()), HelperTable.empty());
        assertEquals(Runs.run(interp), Runs.run(jit));
    }
}
