package dev.jvmbpf.runtime.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.maps.Maps;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The verifier's log. The expected lines are those Linux 6.18 printed at log_level 2 for the same
 * XDP program, where this verifier knows what the kernel knows.
 */
class VerifierLogTest {
    private static Instruction i(int opcode, int dst, int src, int off, int imm) {
        return Instruction.of(opcode, dst, src, off, imm);
    }

    /** Checks a packet, reads it, looks a key up, then reads r5, which the call clobbered. */
    private static final Instruction[] CLOBBERED = {
        i(0xbf, 6, 1, 0, 0), i(0x61, 2, 6, 0, 0), i(0x61, 3, 6, 4, 0), i(0xbf, 4, 2, 0, 0), i(0x07, 4, 0, 0, 8),
        i(0x2d, 4, 3, 1, 0), i(0x71, 5, 2, 0, 0), i(0x62, 10, 0, -4, 0), i(0xbf, 2, 10, 0, 0), i(0x07, 2, 0, 0, -4),
        i(0x18, 1, 5, 0, 0), i(0, 0, 0, 0, 0), i(0x85, 0, 0, 0, 1), i(0x57, 5, 0, 0, 0xff), i(0x15, 0, 0, 1, 0),
        i(0x71, 1, 0, 17, 0), i(0xb4, 0, 0, 0, 2), i(0x95, 0, 0, 0, 0)};

    private static BpfProgram xdp(Instruction[] code) {
        return new BpfProgram("t", "xdp", ProgramType.XDP, code,
                List.of(Maps.create(new MapSpec("", MapType.ARRAY, 4, 16, 4, 0))), "GPL");
    }

    private static VerifierLog.Result log(int level) {
        return VerifierLog.verify(xdp(CLOBBERED), TypeCheckTest.HELPERS, Verifier.Options.PRIVILEGED, level,
                pc -> pc == 13 ? "x &= 0xff; @ t.c:7" : null);
    }

    @Test
    void levelTwoPrintsEachInstructionWithTheRegistersItTouchedAsTheKernelDoes() {
        List<String> lines = log(2).text().lines().toList();
        List<String> kernel = List.of(
                "0: R1=ctx() R10=fp0",
                "0: (bf) r6 = r1                       ; R1=ctx() R6=ctx()",
                "1: (61) r2 = *(u32 *)(r6 +0)          ; R2=pkt(r=0) R6=ctx()",
                "2: (61) r3 = *(u32 *)(r6 +4)          ; R3=pkt_end() R6=ctx()",
                "3: (bf) r4 = r2                       ; R2=pkt(r=0) R4=pkt(r=0)",
                "4: (07) r4 += 8                       ; R4=pkt(off=8,r=0)",
                "5: (2d) if r4 > r3 goto pc+1          ; R3=pkt_end() R4=pkt(off=8,r=8)",
                "6: (71) r5 = *(u8 *)(r2 +0)           ; R2=pkt(r=8) "
                        + "R5=scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))",
                "8: (bf) r2 = r10                      ; R2=fp0 R10=fp0",
                "9: (07) r2 += -4                      ; R2=fp-4",
                // The kernel prints the map's kernel address where this names the map's index.
                "10: (18) r1 = map[0]                  ; R1=map_ptr(ks=4,vs=16)");
        assertEquals(kernel.subList(0, 8), lines.subList(0, 8));
        assertEquals(kernel.subList(8, 11), lines.subList(9, 12));
        // The kernel writes fp-8=0000???? (it tracks zeros); this verifier knows the bytes are written.
        assertEquals("7: (62) *(u32 *)(r10 -4) = 0          ; R10=fp0 fp-8=mmmm????", lines.get(8));
        assertEquals(List.of("; x &= 0xff; @ t.c:7", "13: (57) r5 &= 255", "R5 !read_ok"),
                lines.subList(lines.size() - 4, lines.size() - 1));
        assertTrue(lines.getLast().matches("processed \\d+ insns \\(limit 1000000\\) max_states_per_insn \\d+ "
                + "total_states \\d+ peak_states \\d+ mark_read 0"), lines.getLast());
    }

    @Test
    void levelOnePrintsOnlyTheRefusalAndTheSummary() {
        VerifierLog.Result r = log(1);
        assertFalse(r.accepted());
        assertEquals(13, r.refusal().pc());
        List<String> lines = r.text().lines().toList();
        assertEquals(List.of("; x &= 0xff; @ t.c:7", "13: (57) r5 &= 255", "R5 !read_ok"), lines.subList(0, 3));
        assertEquals("processed " + r.statistics().processed() + " insns (limit 1000000) max_states_per_insn "
                + r.statistics().maxStatesPerInsn() + " total_states " + r.statistics().totalStates()
                + " peak_states " + r.statistics().peakStates() + " mark_read 0", lines.get(3));
        assertEquals(4, lines.size());
        // Thirteen instructions up to the refused one, as the kernel counted them.
        assertEquals(13, r.statistics().processed());
    }

    @Test
    void anAcceptedProgramGetsOnlyItsSummaryAndAMapValueOverrunItsReason() {
        Instruction[] code = CLOBBERED.clone();
        code[13] = i(0xb7, 5, 0, 0, 1); // r5 = 1: nothing uninitialised is read any more
        VerifierLog.Result overrun = VerifierLog.verify(xdp(code), TypeCheckTest.HELPERS,
                Verifier.Options.PRIVILEGED, 1, null);
        // r0 + 17 is outside the 16-byte value.
        assertFalse(overrun.accepted(), overrun.text());
        assertTrue(overrun.text().startsWith("15: (71) r1 = *(u8 *)(r0 +17)\ninvalid access to map value"),
                overrun.text());
        code[15] = i(0x71, 1, 0, 15, 0);
        VerifierLog.Result good = VerifierLog.verify(xdp(code), TypeCheckTest.HELPERS, Verifier.Options.PRIVILEGED,
                1, null);
        assertTrue(good.accepted(), good.text());
        assertEquals(List.of(good.statistics().kernelSummary()), good.text().lines().toList());
        assertTrue(good.statistics().processed() >= 16, good.text());
    }

    @Test
    void onlyLevelsOneAndTwoExist() {
        assertThrows(IllegalArgumentException.class, () -> VerifierLog.verify(xdp(CLOBBERED), TypeCheckTest.HELPERS,
                Verifier.Options.PRIVILEGED, 3, null));
    }
}
