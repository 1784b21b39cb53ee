package dev.jvmbpf.runtime.isa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Decoding and the validation messages. */
class InstructionDecoderTest {

    private static String rejection(Instruction... program) {
        return assertThrows(InvalidInstructionException.class,
                () -> InstructionDecoder.decode(Instruction.encode(program))).getMessage();
    }

    private static final Instruction EXIT = Instruction.of(Opcodes.EXIT, 0, 0, 0, 0);

    @Test
    void decodesLittleEndianSlots() {
        byte[] bytes = {(byte) 0xb7, 0x01, 0, 0, 0x78, 0x56, 0x34, 0x12, 0x1d, 0x21, (byte) 0xfe, (byte) 0xff, 0, 0, 0, 0,
            (byte) 0x95, 0, 0, 0, 0, 0, 0, 0};
        Instruction[] program = InstructionDecoder.decode(bytes);
        assertArrayEquals(new Instruction[] {Instruction.of(0xb7, 1, 0, 0, 0x12345678), Instruction.of(0x1d, 1, 2, -2, 0),
            EXIT}, program);
    }

    @Test
    void messageNamesIndexBytesAndReason() {
        assertEquals("instruction 1 (07 00 01 00 01 00 00 00): add64 with immediate must have offset 0 (found 1)",
                rejection(EXIT, Instruction.of(0x07, 0, 0, 1, 1)));
    }

    @Test
    void rejectsTruncatedInput() {
        InvalidInstructionException e = assertThrows(InvalidInstructionException.class,
                () -> InstructionDecoder.decode(new byte[12]));
        assertEquals(1, e.index());
        assertEquals("instruction 1: program length 12 is not a multiple of 8 bytes (last instruction truncated)",
                e.getMessage());
    }

    @Test
    void rejectsLddwWithoutSecondSlot() {
        assertEquals("instruction 1 (18 00 00 00 01 00 00 00): lddw is missing its second slot",
                rejection(EXIT, Instruction.of(Opcodes.LDDW, 0, 0, 0, 1)));
    }

    @Test
    void rejectsBadSecondSlot() {
        assertEquals("instruction 1 (95 00 00 00 00 00 00 00): second slot of lddw must have opcode 0 (found 0x95)",
                rejection(Instruction.of(Opcodes.LDDW, 0, 0, 0, 1), EXIT));
        assertEquals("instruction 1 (00 01 00 00 00 00 00 00): second slot of lddw must have dst 0 (found 1)",
                rejection(Instruction.of(Opcodes.LDDW, 0, 0, 0, 1), Instruction.of(0, 1, 0, 0, 0), EXIT));
        assertEquals("instruction 1 (00 00 00 00 01 00 00 00): second slot of lddw with src 1 must have imm 0 (found 1)",
                rejection(Instruction.of(Opcodes.LDDW, 0, 1, 0, 1), Instruction.of(0, 0, 0, 0, 1), EXIT));
        assertEquals("instruction 0 (18 70 00 00 01 00 00 00): lddw must have src 0 to 6 (found 7)",
                rejection(Instruction.of(Opcodes.LDDW, 0, 7, 0, 1), Instruction.of(0, 0, 0, 0, 0), EXIT));
    }

    @Test
    void rejectsUnknownOpcodesAndRegisters() {
        assertEquals("instruction 0 (8c 00 00 00 00 00 00 00): unknown opcode 0x8c", rejection(Instruction.of(0x8c, 0, 0, 0, 0)));
        assertEquals("instruction 0 (df 00 00 00 10 00 00 00): unknown opcode 0xdf", rejection(Instruction.of(0xdf, 0, 0, 0, 16)));
        assertEquals("instruction 0 (b7 0b 00 00 00 00 00 00): R11 is invalid: dst register r11 does not exist (r0 to r10)",
                rejection(Instruction.of(0xb7, 11, 0, 0, 0)));
        assertEquals("instruction 0 (bf f0 00 00 00 00 00 00): R15 is invalid: src register r15 does not exist (r0 to r10)",
                rejection(Instruction.of(0xbf, 0, 15, 0, 0)));
    }

    @Test
    void checksTheExtensionFields() {
        assertEquals("instruction 0 (3f 10 02 00 00 00 00 00): div64 with register must have offset 0 or 1 (found 2)",
                rejection(Instruction.of(0x3f, 0, 1, 2, 0), EXIT));
        assertEquals("instruction 0 (bc 10 20 00 00 00 00 00): mov32 with register must have offset 0, 8 or 16 (found 32)",
                rejection(Instruction.of(0xbc, 0, 1, 32, 0), EXIT));
        assertEquals("instruction 0 (b7 00 08 00 00 00 00 00): mov64 with immediate must have offset 0 (found 8)",
                rejection(Instruction.of(0xb7, 0, 0, 8, 0), EXIT));
        assertEquals("instruction 0 (d7 00 00 00 08 00 00 00): bswap must have imm 16, 32 or 64 (found 8)",
                rejection(Instruction.of(0xd7, 0, 0, 0, 8), EXIT));
        assertEquals("instruction 0 (06 00 01 00 00 00 00 00): gotol must have offset 0 (found 1)",
                rejection(Instruction.of(0x06, 0, 0, 1, 0), EXIT));
        assertEquals("instruction 0 (8d 02 00 00 01 00 00 00): callx must have imm 0 (found 1)",
                rejection(Instruction.of(0x8d, 2, 0, 0, 1), EXIT));
        assertEquals("instruction 0 (85 30 00 00 01 00 00 00): call must have src 0, 1 or 2 (found 3)",
                rejection(Instruction.of(0x85, 0, 3, 0, 1), EXIT));
        assertEquals("instruction 0 (d3 10 00 00 00 00 00 00): atomic read-modify-write operations need size w or dw, not b",
                rejection(Instruction.of(0xd3, 0, 1, 0, 0), EXIT));
        assertEquals("instruction 0 (db 10 00 00 02 00 00 00): atomicdw has unknown operation in imm 0x2",
                rejection(Instruction.of(0xdb, 0, 1, 0, 2), EXIT));
        assertEquals("instruction 0 (20 00 01 00 0c 00 00 00): ldabsw must have offset 0 (found 1)",
                rejection(Instruction.of(0x20, 0, 0, 1, 12), EXIT));
        assertEquals("instruction 0 (e5 00 02 00 01 00 00 00): may_goto must have imm 0 (found 1)",
                rejection(Instruction.of(0xe5, 0, 0, 2, 1), EXIT));
    }
}
