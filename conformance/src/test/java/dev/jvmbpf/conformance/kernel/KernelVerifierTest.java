package dev.jvmbpf.conformance.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.helpers.StandardHelpers;
import dev.jvmbpf.kernel.KernelVerifier;
import dev.jvmbpf.kernel.testing.KernelRequired;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.maps.Maps;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import dev.jvmbpf.runtime.verifier.Verifier;
import dev.jvmbpf.runtime.verifier.VerifierLog;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The kernel's verdicts and logs, and jvmbpf's log next to the kernel's on the same program. */
class KernelVerifierTest {
    /** An instruction line of a log: {@code 5: (2d) if r4 > r3 goto pc+1 ; ...}. */
    private static final Pattern INSTRUCTION = Pattern.compile("^\\d+: \\([0-9a-f]{2}\\) .*");

    @BeforeAll
    static void kernel() {
        KernelRequired.assume("the kernel's verifier log");
    }

    private static Instruction i(int opcode, int dst, int src, int off, int imm) {
        return Instruction.of(opcode, dst, src, off, imm);
    }

    /** Checks 8 bytes of packet, reads one, spills and fills a scalar, then reads the packet out of range. */
    private static BpfProgram program() {
        Instruction[] code = {
            i(0xbf, 6, 1, 0, 0), i(0x61, 2, 6, 0, 0), i(0x61, 3, 6, 4, 0), i(0xbf, 4, 2, 0, 0), i(0x07, 4, 0, 0, 8),
            i(0x2d, 4, 3, 6, 0), i(0x71, 5, 2, 0, 0), i(0x57, 5, 0, 0, 0x0f), i(0x07, 5, 0, 0, 3),
            i(0xbf, 1, 10, 0, 0), i(0x07, 1, 0, 0, -8), i(0x71, 0, 2, 9, 0), i(0xb7, 0, 0, 0, 2),
            i(0x95, 0, 0, 0, 0)};
        return new BpfProgram("logcmp", "xdp", ProgramType.XDP, code,
                List.of(Maps.create(new MapSpec("m", MapType.ARRAY, 4, 8, 1, 0))), "GPL");
    }

    @Test
    void aBranchLeftForLaterIsTakenUpWithTheKernelsFromToLine() {
        Instruction[] code = program().instructionsView().clone();
        code[11] = i(0x71, 0, 2, 1, 0);
        BpfProgram p = new BpfProgram("logbranch", "xdp", ProgramType.XDP, code, List.of(), "GPL");
        KernelVerifier.Verdict kernel = KernelVerifier.verify(p, 2);
        VerifierLog.Result ours = VerifierLog.verify(p, StandardHelpers.table(), Verifier.Options.PRIVILEGED, 2, null);
        assertTrue(kernel.accepted(), kernel.log());
        assertTrue(ours.accepted(), ours.text());
        Pattern fromTo = Pattern.compile("^from \\d+ to \\d+:");
        List<String> theirs = kernel.log().lines().map(fromTo::matcher).filter(java.util.regex.Matcher::find)
                .map(java.util.regex.Matcher::group).toList();
        List<String> mine = ours.text().lines().map(fromTo::matcher).filter(java.util.regex.Matcher::find)
                .map(java.util.regex.Matcher::group).toList();
        assertEquals(List.of("from 5 to 12:"), theirs, kernel.log());
        assertEquals(theirs, mine, ours.text());
    }

    @Test
    void bothVerifiersRefuseTheOverrunAndLogTheWalkInTheSameWords() {
        BpfProgram p = program();
        KernelVerifier.Verdict kernel = KernelVerifier.verify(p, 2);
        VerifierLog.Result ours = VerifierLog.verify(p, StandardHelpers.table(), Verifier.Options.PRIVILEGED, 2, null);
        assertFalse(kernel.accepted(), kernel.log());
        assertEquals("EACCES", kernel.errno());
        // The kernel's reason takes two lines; the last is the summary's.
        assertTrue(kernel.log().contains("invalid access to packet, off=9 size=1, R2(id=0,off=9,r=8)\n"
                + "R2 offset is outside of the packet\n"), kernel.log());
        assertEquals("R2 offset is outside of the packet", kernel.reason());
        assertFalse(ours.accepted());
        assertTrue(ours.refusal().reason().startsWith("invalid access to packet, off=9 size=1"),
                ours.refusal().reason());
        List<String> theirs = kernel.log().lines().filter(l -> INSTRUCTION.matcher(l).matches()).toList();
        List<String> mine = ours.text().lines().filter(l -> INSTRUCTION.matcher(l).matches()).toList();
        // Line for line, up to and including the refused instruction.
        assertEquals(theirs, mine, "kernel:\n" + kernel.log() + "\njvmbpf:\n" + ours.text());
        assertTrue(kernel.summary().startsWith("processed 12 insns (limit 1000000) "), kernel.summary());
        assertTrue(ours.text().contains("processed 12 insns (limit 1000000) "), ours.text());
    }

    @Test
    void aStatisticsLogHasTheReasonWithoutTheWalk() {
        KernelVerifier.Verdict v = KernelVerifier.verify(program(), KernelVerifier.LOG_STATS);
        assertFalse(v.accepted());
        assertEquals("R2 offset is outside of the packet", v.reason(), v.log());
        assertFalse(v.log().contains("(2d) if r4 > r3"), v.log());
    }

    @Test
    void anOverflowingLogStillGivesTheVerdict() {
        // 200,000 iterations at level 1: far more log than the buffer holds, which makes the
        // kernel answer ENOSPC whatever its verdict.
        Instruction[] loop = {i(0xb7, 0, 0, 0, 0), i(0xb7, 1, 0, 0, 0), i(0x07, 1, 0, 0, 1),
            i(0xa5, 1, 0, -2, 200_000), i(0x95, 0, 0, 0, 0)};
        BpfProgram p = new BpfProgram("long", "xdp", ProgramType.XDP, loop, List.of(), "GPL");
        KernelVerifier.Verdict v = KernelVerifier.verify(p, 1);
        assertTrue(v.accepted(), v.errno() + " " + v.reason());
        assertTrue(v.summary().startsWith("processed "), v.summary());
    }

    @Test
    void aMapTheProgramDoesNotNameIsNotCreated() {
        // The kernel creates socket storage only with BTF: if it were created, the load would fail.
        BpfProgram p = new BpfProgram("unused", "xdp", ProgramType.XDP,
                new Instruction[] {i(0xb7, 0, 0, 0, 2), i(0x95, 0, 0, 0, 0)},
                List.of(Maps.create(new MapSpec("sk", MapType.SK_STORAGE, 4, 8, 0, 1))), "GPL");
        KernelVerifier.Verdict v = KernelVerifier.verify(p, 1);
        assertTrue(v.accepted(), v.reason());
    }
}
