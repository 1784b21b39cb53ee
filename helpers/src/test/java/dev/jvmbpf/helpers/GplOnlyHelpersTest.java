package dev.jvmbpf.helpers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.isa.Assembler;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import dev.jvmbpf.runtime.verifier.Verifier;
import dev.jvmbpf.runtime.verifier.VerifierException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** GPL-only helpers against the program's licence, as the kernel's check_helper_call refuses them. */
class GplOnlyHelpersTest {
    /** bpf_probe_read_kernel (113, GPL-only) into the stack, then bpf_get_prandom_u32 (7, for everyone). */
    private static final String PROBE_READ = """
            mov %r1, %r10
            add %r1, -8
            mov %r2, 8
            mov %r3, 0
            call 113
            call 7
            mov %r0, 0
            exit
            """;

    private static BpfProgram program(String asm, String licence) {
        return new BpfProgram("t", "kprobe/f", ProgramType.KPROBE, Assembler.assemble(asm), List.of(), licence);
    }

    @Test
    void theKernelsGplCompatibleLicencesMayCallThem() {
        for (String licence : List.of("GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL",
                "Dual MPL/GPL")) {
            assertTrue(program(PROBE_READ, licence).gplCompatible(), licence);
            Verifier.verify(program(PROBE_READ, licence), StandardHelpers.table());
        }
    }

    @Test
    void otherLicencesAreRefusedWithTheKernelsWords() {
        // The kernel compares exactly: case, spaces and SPDX names do not count.
        for (String licence : List.of("Proprietary", "MIT", "gpl", "GPL-2.0", "GPL ")) {
            assertFalse(program(PROBE_READ, licence).gplCompatible(), licence);
            VerifierException e = assertThrows(VerifierException.class,
                    () -> Verifier.verify(program(PROBE_READ, licence), StandardHelpers.table()));
            assertEquals("pc 4 (call 113): cannot call GPL-restricted function from non-GPL compatible program",
                    e.getMessage());
        }
    }

    @Test
    void helpersForEveryoneAndProgramsWithoutALicenceAreNotAffected() {
        Verifier.verify(program(PROBE_READ.replace("call 113", "call 7"), "Proprietary"), StandardHelpers.table());
        // No licence (bare programs, conformance vectors): run as jvmbpf always has.
        Verifier.verify(program(PROBE_READ, ""), StandardHelpers.table());
        Verifier.verify(program(PROBE_READ, null), StandardHelpers.table());
    }
}
