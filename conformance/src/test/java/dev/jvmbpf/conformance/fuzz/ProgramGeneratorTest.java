package dev.jvmbpf.conformance.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.InstructionDecoder;
import dev.jvmbpf.runtime.isa.Opcodes;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ProgramGeneratorTest {
    @Test
    void sameSeedSameProgram() {
        FuzzProgram a = ProgramGenerator.generate(123);
        FuzzProgram b = ProgramGenerator.generate(123);
        assertArrayEquals(a.code(), b.code());
        assertArrayEquals(a.memory(), b.memory());
        assertNotEquals(Arrays.asList(a.code()), Arrays.asList(ProgramGenerator.generate(124).code()));
    }

    @Test
    void programsAreValidEncodingsThatEndInExitAndNeverWriteR9AfterTheFirstInstruction() {
        for (long s = 0; s < 500; s++) {
            Instruction[] code = ProgramGenerator.generate(ProgramGenerator.programSeed(9, s)).code();
            InstructionDecoder.validate(code);
            assertEquals(Opcodes.EXIT, code[code.length - 1].opcode());
            for (int pc = 0; pc < code.length; pc++) {
                Instruction i = code[pc];
                boolean writesDst = Opcodes.isAlu(i.opcode()) || i.instructionClass() == Opcodes.CLASS_LDX
                        || i.opcode() == Opcodes.LDDW;
                boolean prologueMove = i.opcode() == (Opcodes.CLASS_ALU64 | Opcodes.ALU_MOV | Opcodes.SRC_X)
                        && (i.src() == 1 || i.src() == 5);
                assertTrue(!writesDst || i.dst() != 9 || prologueMove, "seed " + s + " pc " + pc + " writes r9");
                if (i.isWide()) {
                    pc++;
                }
            }
        }
    }

    @Test
    void everyDerivedPointerIsTurnedBackIntoAScalarByAPinnedMove() {
        int pointers = 0;
        for (long s = 0; s < 500; s++) {
            FuzzProgram p = ProgramGenerator.generate(ProgramGenerator.programSeed(11, s));
            Instruction[] code = p.code();
            boolean[] pinned = p.pinned();
            for (int pc = 0; pc < code.length; pc++) {
                Instruction i = code[pc];
                boolean makesPointer = i.opcode() == (Opcodes.CLASS_ALU64 | Opcodes.ALU_ADD | Opcodes.SRC_X) && i.src() == 9
                        || i.opcode() == (Opcodes.CLASS_ALU64 | Opcodes.ALU_MOV | Opcodes.SRC_X) && i.src() == 10;
                if (!makesPointer) {
                    continue;
                }
                pointers++;
                boolean reset = false;
                for (int q = pc + 1; q < Math.min(code.length, pc + 6) && !reset; q++) {
                    reset = pinned[q] && code[q].dst() == i.dst()
                            && code[q].opcode() == (Opcodes.CLASS_ALU64 | Opcodes.ALU_MOV | Opcodes.SRC_K);
                }
                assertTrue(reset, "seed " + s + " pc " + pc + ": pointer in r" + i.dst() + " is never reset");
            }
        }
        assertTrue(pointers > 100, "only " + pointers + " derived pointers in 500 programs");
    }

    @Test
    void campaignSeedsSpreadAcrossPrograms() {
        assertNotEquals(ProgramGenerator.programSeed(1, 0), ProgramGenerator.programSeed(1, 1));
        assertNotEquals(ProgramGenerator.programSeed(1, 0), ProgramGenerator.programSeed(2, 0));
    }
}
