package dev.jvmbpf.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jvmbpf.runtime.program.ProgramType;
import java.util.List;
import org.junit.jupiter.api.Test;

class ByteDiffTest {
    @Test
    void bytesPastTheOldEndCountAsChanged() {
        byte[] before = {1, 2, 3};
        byte[] after = {1, 9, 3, 4};
        assertEquals(List.of(1, 3), ByteDiff.changed(before, after));
        assertEquals("> 0000: 01 09 03 04\n>          ^^    ^^\n", ByteDiff.dump(before, after, "> "));
    }

    @Test
    void longDataShowsOnlyTheRowsWithAChange() {
        byte[] before = new byte[400];
        byte[] after = before.clone();
        after[0x150] = (byte) 0xab;
        String dump = ByteDiff.dump(before, after, "");
        assertEquals("...\n0150: ab 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n      ^^\n...\n", dump);
    }

    @Test
    void hooksReadTheLow32BitsAndNameTheirVerdicts() {
        assertEquals(0x33e03c3fL, Verdicts.retval(0x3133e03c3fL, ProgramType.XDP));
        assertEquals(0x3133e03c3fL, Verdicts.retval(0x3133e03c3fL, ProgramType.RAW));
        assertEquals("TC_ACT_SHOT", Verdicts.name(2, ProgramType.SCHED_CLS, 60));
        assertEquals("TC_ACT_REDIRECT", Verdicts.name(7, ProgramType.SCHED_ACT, 60));
        assertEquals("TC_ACT_UNSPEC", Verdicts.name(Verdicts.retval(-1, ProgramType.SCHED_CLS), ProgramType.SCHED_CLS, 60));
        assertEquals(null, Verdicts.name(99, ProgramType.SCHED_CLS, 60));
        assertEquals("drop", Verdicts.name(0, ProgramType.SOCKET_FILTER, 60));
        assertEquals("trim to 20 bytes", Verdicts.name(20, ProgramType.SOCKET_FILTER, 60));
        assertEquals("accept", Verdicts.name(0xffff_ffffL, ProgramType.SOCKET_FILTER, 60));
        assertEquals("XDP_REDIRECT", Verdicts.name(4, ProgramType.XDP, 60));
        assertEquals(null, Verdicts.name(0, ProgramType.TRACEPOINT, 0));
        assertEquals("870333503 (r0 0x3133e03c3f, of which the hook takes the low 32 bits)",
                RunReport.format(0x3133e03c3fL, ProgramType.XDP, 60));
        assertEquals("4294967295 (0xffffffff; TC_ACT_UNSPEC; r0 0xffffffffffffffff, of which the hook takes the low 32"
                + " bits)", RunReport.format(-1, ProgramType.SCHED_CLS, 60));
    }
}
