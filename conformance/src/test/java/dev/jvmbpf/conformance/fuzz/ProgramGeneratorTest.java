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
    void campaignSeedsSpreadAcrossPrograms() {
        assertNotEquals(ProgramGenerator.programSeed(1, 0), ProgramGenerator.programSeed(1, 1));
        assertNotEquals(ProgramGenerator.programSeed(1, 0), ProgramGenerator.programSeed(2, 0));
    }
}
