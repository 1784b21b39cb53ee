package dev.jvmbpf.runtime.isa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every legal instruction survives write (assembly text) -> assemble -> encode -> decode, and its
 * disassembly is the same before and after and differs from every other instruction's.
 */
class RoundTripTest {
    private static final int[] REGS = {0, 1, 7, 10};
    private static final int[] OFFSETS = {0, 1, 8, 16, 32, -8, 300, -32768, 32767};
    private static final int[] IMMS = {0, 1, -1, 16, 32, 64, 0x7fffffff, Integer.MIN_VALUE, 0x51, 0xa1, 0xe1, 0xf1,
        0x100, 0x110, 0x40, 0x41, 0x50, 0xa0};

    /** Every combination of the sample field values, with a second slot after lddw. */
    private static List<Instruction[]> validPrograms() {
        List<Instruction[]> out = new ArrayList<>();
        for (int opcode = 0; opcode < 256; opcode++) {
            for (int dst : REGS) {
                for (int src = 0; src <= 10; src++) {
                    for (int off : OFFSETS) {
                        for (int imm : IMMS) {
                            Instruction insn = Instruction.of(opcode, dst, src, off, imm);
                            if (InstructionRules.check(insn) != null) {
                                continue;
                            }
                            out.add(insn.isWide()
                                    ? new Instruction[] {insn, Instruction.of(0, 0, 0, 0, src == 0 ? 0x11223344 : 0)}
                                    : new Instruction[] {insn, Instruction.of(Opcodes.EXIT, 0, 0, 0, 0)});
                        }
                    }
                }
            }
        }
        return out;
    }

    @Test
    void everyLegalInstructionRoundTrips() {
        List<Instruction[]> programs = validPrograms();
        Map<String, Instruction> byText = new HashMap<>();
        TreeSet<Integer> opcodes = new TreeSet<>();
        for (Instruction[] program : programs) {
            Instruction insn = program[0];
            opcodes.add(insn.opcode());
            String source = AsmWriter.source(program);
            Instruction[] assembled = Assembler.assemble(source);
            assertArrayEquals(program, assembled, source);
            Instruction[] decoded = InstructionDecoder.decode(Instruction.encode(assembled));
            assertArrayEquals(program, decoded, source);
            String text = Disassembler.disassemble(program, 0);
            assertEquals(text, Disassembler.disassemble(decoded, 0));
            assertFalse(text.contains("<invalid"), text);
            Instruction previous = byText.put(text, insn);
            if (previous != null) {
                assertEquals(previous, insn, "two instructions disassemble to '" + text + "'");
            }
        }
        // RFC 9669 plus the kernel's additions define 129 opcodes: 53 ALU/ALU64 (13 operations in
        // two classes and two sources, no neg with a register, le/be and bswap), 27 JMP (ja,
        // 11 comparisons x 2 sources, call, callx, exit, may_goto), 23 JMP32 (gotol and the
        // comparisons), 7 LD (lddw, abs and ind in 3 sizes), 7 LDX (4 sizes, 3 sign-extending),
        // 4 ST and 8 STX (plain and atomic in 4 sizes).
        assertEquals(129, opcodes.size(), "opcodes: " + opcodes);
    }

    @Test
    void everyOtherOpcodeIsRejected() {
        TreeSet<Integer> legal = new TreeSet<>();
        for (Instruction[] p : validPrograms()) {
            legal.add(p[0].opcode());
        }
        for (int opcode = 0; opcode < 256; opcode++) {
            if (legal.contains(opcode)) {
                continue;
            }
            String reason = InstructionRules.check(Instruction.of(opcode, 0, 0, 0, 0));
            assertEquals("unknown opcode 0x" + String.format("%02x", opcode), reason);
        }
        assertNull(InstructionRules.check(Instruction.of(Opcodes.EXIT, 0, 0, 0, 0)));
    }
}
