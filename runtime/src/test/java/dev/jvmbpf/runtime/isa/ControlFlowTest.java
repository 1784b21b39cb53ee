package dev.jvmbpf.runtime.isa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.exec.LoadException;
import org.junit.jupiter.api.Test;

class ControlFlowTest {
    @Test
    void lddwSecondSlotIsNoInstructionStart() {
        ControlFlow flow = ControlFlow.check("p", Assembler.assemble("""
                lddw %r0, 0x100000002
                exit
                """));
        assertEquals(3, flow.length());
        assertTrue(flow.isInstructionStart(0));
        assertFalse(flow.isInstructionStart(1));
        assertTrue(flow.isInstructionStart(2));
        assertFalse(flow.isInstructionStart(3));
        assertFalse(flow.isInstructionStart(-1));
    }

    @Test
    void targetsOfJumpsCallsAndFunctionPointers() {
        assertEquals(5, ControlFlow.target(Instruction.of(Opcodes.CLASS_JMP | Opcodes.JMP_JEQ, 1, 0, 3, 0), 1));
        assertEquals(-9, ControlFlow.target(Instruction.of(Opcodes.JA32, 0, 0, 0, -10), 0));
        assertEquals(4, ControlFlow.target(Instruction.of(Opcodes.CALL, 0, Opcodes.CALL_LOCAL, 0, 2), 1));
        assertEquals(ControlFlow.NO_TARGET, ControlFlow.target(Instruction.of(Opcodes.CALL, 0, 0, 0, 14), 1));
        assertEquals(ControlFlow.NO_TARGET, ControlFlow.target(Instruction.of(Opcodes.EXIT, 0, 0, 0, 0), 1));
        assertEquals(7, ControlFlow.target(Instruction.of(Opcodes.LDDW, 1, Opcodes.PSEUDO_FUNC, 0, 6), 0));
        assertEquals(ControlFlow.NO_TARGET, ControlFlow.target(Instruction.of(Opcodes.LDDW, 1, 0, 0, 6), 0));
    }

    @Test
    void refusalsNameProgramPcAndReason() {
        assertEquals("p: the program has no instructions",
                assertThrows(LoadException.class, () -> ControlFlow.check("p", new Instruction[0])).getMessage());
        Instruction exit = Instruction.of(Opcodes.EXIT, 0, 0, 0, 0);
        LoadException unknown = assertThrows(LoadException.class, () -> ControlFlow.check("p",
                new Instruction[] {Instruction.of(0xff, 0, 0, 0, 0), exit}));
        assertTrue(unknown.getMessage().startsWith("p: pc 0 (") && unknown.getMessage().endsWith("unknown opcode 0xff"),
                unknown.getMessage());
        LoadException cut = assertThrows(LoadException.class, () -> ControlFlow.check("p",
                new Instruction[] {exit, Instruction.of(Opcodes.LDDW, 0, 0, 0, 1)}));
        assertTrue(cut.getMessage().contains("pc 1") && cut.getMessage().endsWith("lddw needs a second slot"));
        Instruction[] intoLddw = Assembler.assemble("""
                ja +1
                lddw %r0, 1
                exit
                """);
        assertTrue(assertThrows(LoadException.class, () -> ControlFlow.check("p", intoLddw)).getMessage()
                .endsWith("jump target 2 is the second half of an lddw"));
        Instruction[] outside = {Instruction.of(Opcodes.CLASS_JMP | Opcodes.JMP_JA, 0, 0, -2, 0), exit};
        assertTrue(assertThrows(LoadException.class, () -> ControlFlow.check("p", outside)).getMessage()
                .endsWith("jump target -1 is outside the program"));
    }

    @Test
    void knownOpcodesMatchWhatTheDecoderAccepts() {
        assertTrue(ControlFlow.isKnownOpcode(Opcodes.LDDW));
        assertTrue(ControlFlow.isKnownOpcode(Opcodes.MAY_GOTO));
        assertTrue(ControlFlow.isKnownOpcode(0xdc), "be16/32/64");
        assertFalse(ControlFlow.isKnownOpcode(0xdf), "there is no 64-bit be");
        assertFalse(ControlFlow.isKnownOpcode(0x8e), "no call in JMP32");
        assertFalse(ControlFlow.isKnownOpcode(0x38), "no ld_abs of a double word");
        assertFalse(ControlFlow.isKnownOpcode(256));
        assertFalse(ControlFlow.isKnownOpcode(-1));
    }
}
