package dev.jvmbpf.runtime.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jvmbpf.runtime.program.ProgramType;
import org.junit.jupiter.api.Test;

/** The kernel's scalar tracking where it knows less than the arithmetic would (verifier_bounds). */
class ScalarRulesTest {
    /** r0 = map 2's 16-byte value; r1 = 1 << r2 (32-bit), masked to 16 bits, added to r0 and read. */
    private static String shifted(int count) {
        return "lddw %r0, 0x56414c0000020000\nmov %r2, " + count + "\nmov %r1, 1\nlsh32 %r1, %r2\nand %r1, 0xffff\n"
                + "add %r0, %r1\nldxb %r0, [%r0]\nmov %r0, 0\nexit";
    }

    @Test
    void shiftsByTheWidthOrMoreGiveAnyValue() {
        TypeCheckTest.accept(ProgramType.SOCKET_FILTER, shifted(31));
        assertEquals("pc 7 (r0 = *(u8 *)(r0 + 0)): invalid access to map value, value_size=16 off=65535 size=1; R0 max"
                + " value is outside of the allowed memory range", TypeCheckTest.reject(ProgramType.SOCKET_FILTER,
                        shifted(32)));
    }
}
