package dev.jvmbpf.runtime.isa;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Instructions as Linux 6.18's verifier log printed them (the expected strings are copied from its logs). */
class KernelSyntaxTest {
    private static String format(Instruction... program) {
        return KernelSyntax.format(program, 0, id -> id == 1 ? "map_lookup_elem" : null);
    }

    private static Instruction i(int opcode, int dst, int src, int off, int imm) {
        return Instruction.of(opcode, dst, src, off, imm);
    }

    @Test
    void printsTheKernelsWords() {
        assertEquals("(bf) r6 = r1", format(i(0xbf, 6, 1, 0, 0)));
        assertEquals("(61) r2 = *(u32 *)(r6 +0)", format(i(0x61, 2, 6, 0, 0)));
        assertEquals("(07) r2 += -4", format(i(0x07, 2, 0, 0, -4)));
        assertEquals("(2d) if r4 > r3 goto pc+1", format(i(0x2d, 4, 3, 1, 0)));
        assertEquals("(71) r5 = *(u8 *)(r2 +0)", format(i(0x71, 5, 2, 0, 0)));
        assertEquals("(62) *(u32 *)(r10 -4) = 0", format(i(0x62, 10, 0, -4, 0)));
        assertEquals("(7b) *(u64 *)(r10 -16) = r5", format(i(0x7b, 10, 5, -16, 0)));
        assertEquals("(85) call bpf_map_lookup_elem#1", format(i(0x85, 0, 0, 0, 1)));
        assertEquals("(57) r5 &= 255", format(i(0x57, 5, 0, 0, 255)));
        assertEquals("(15) if r0 == 0x0 goto pc+1", format(i(0x15, 0, 0, 1, 0)));
        assertEquals("(b4) w0 = 2", format(i(0xb4, 0, 0, 0, 2)));
        assertEquals("(95) exit", format(i(0x95, 0, 0, 0, 0)));
        assertEquals("(87) r1 = -r1", format(i(0x87, 1, 0, 0, 0)));
        assertEquals("(77) r1 >>= 60", format(i(0x77, 1, 0, 0, 60)));
        assertEquals("(0f) r0 += r1", format(i(0x0f, 0, 1, 0, 0)));
        assertEquals("(05) goto pc+0", format(i(0x05, 0, 0, 0, 0)));
        assertEquals("(56) if w4 != 0x8 goto pc+15", format(i(0x56, 4, 0, 15, 8)));
        assertEquals("(db) lock *(u64 *)(r1 +0) += r2", format(i(0xdb, 1, 2, 0, 0)));
        assertEquals("(18) r1 = 0x1122334455667788", format(i(0x18, 1, 0, 0, 0x55667788),
                i(0, 0, 0, 0, 0x11223344)));
    }
}
