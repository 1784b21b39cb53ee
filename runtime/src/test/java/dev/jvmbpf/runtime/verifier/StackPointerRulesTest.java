package dev.jvmbpf.runtime.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jvmbpf.runtime.program.ProgramType;
import org.junit.jupiter.api.Test;

/**
 * Arithmetic on the frame pointer (verifier_direct_stack_access_wraparound): the kernel's
 * check_reg_sane_offset refuses the arithmetic itself, before any access lands outside the frame.
 */
class StackPointerRulesTest {
    private static String addTwice(String constant) {
        return "mov %r1, %r10\nadd %r1, " + constant + "\nadd %r1, " + constant
                + "\nmov32 %r0, 0\nstxb [%r1], %r0\nexit\n";
    }

    @Test
    void constantsOfHalfAGigabyteOrMoreAreRefused() {
        assertEquals("pc 1 (r1 += 2147483647): math between fp pointer and 2147483647 is not allowed",
                TypeCheckTest.reject(ProgramType.SOCKET_FILTER, addTwice("0x7fffffff")));
        assertEquals("pc 1 (r1 += 1073741823): math between fp pointer and 1073741823 is not allowed",
                TypeCheckTest.reject(ProgramType.SOCKET_FILTER, addTwice("0x3fffffff")));
    }

    @Test
    void offsetsOfHalfAGigabyteOrMoreAreRefused() {
        assertEquals("pc 2 (r1 += 536870911): fp pointer offset 1073741822 is not allowed",
                TypeCheckTest.reject(ProgramType.SOCKET_FILTER, addTwice("0x1fffffff")));
        // Small constants: the access is then what is refused, outside the frame.
        assertEquals("pc 4 (*(u8 *)(r1 + 0) = r0): invalid write to stack R1 off=2 size=1;"
                + " 1-byte stack access at r10 + 2 is outside the frame [-512, 0) (r1 = r10 + 2)",
                TypeCheckTest.reject(ProgramType.SOCKET_FILTER, addTwice("1")));
        TypeCheckTest.accept(ProgramType.SOCKET_FILTER, addTwice("-1"));
    }
}
