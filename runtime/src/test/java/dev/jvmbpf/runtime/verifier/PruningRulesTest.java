package dev.jvmbpf.runtime.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jvmbpf.runtime.program.ProgramType;
import org.junit.jupiter.api.Test;

/**
 * When a state seen before covers the current one, so that the path ends there (the kernel's
 * states_equal and regsafe): each rule with a program that needs it to be refused, as the kernel
 * refuses it, and a close one both accept. Maps as in {@link TypeCheckTest}.
 */
class PruningRulesTest {
    /**
     * r1 is r0 + 1 on one side of an unpredictable branch and r0 + 100 on the other; below the
     * join, a bound on r0 bounds r1 as well, [1, 9] or [100, 108], and r1 indexes a 16-byte value.
     */
    private static final String LINKED_WITH_DELTA = """
            lddw %r8, 0x56414c0000020000
            call 14
            mov %r6, %r0
            call 14
            mov %r7, %r0
            call 14
            mov %r1, %r0
            jgt %r6, %r7, +2
            add %r1, 1
            ja +2
            add %r1, DELTA
            ja +0
            jgt %r0, 8, +2
            add %r8, %r1
            stxb [%r8], %r0
            exit
            """;

    @Test
    void linkedScalarsCoverOnlyWithTheSameDifference() {
        // The state after 'r1 += 1' does not cover the one after 'r1 += 100': r1 = r0 + 100 there.
        assertEquals("pc 15 (*(u8 *)(r8 + 0) = r0): invalid access to map value, value_size=16 off=100 size=1;"
                + " R8 min value is outside of the allowed memory range",
                TypeCheckTest.reject(ProgramType.SOCKET_FILTER, LINKED_WITH_DELTA.replace("DELTA", "100")));
        // r0 + 7 stays inside on both sides.
        TypeCheckTest.accept(ProgramType.SOCKET_FILTER, LINKED_WITH_DELTA.replace("DELTA", "7"));
    }
}
