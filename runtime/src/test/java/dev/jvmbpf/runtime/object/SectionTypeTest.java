package dev.jvmbpf.runtime.object;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.program.ProgramType;
import org.junit.jupiter.api.Test;

class SectionTypeTest {
    @Test
    void prefixesMatchTheWholeNameOrThePartBeforeTheFirstSlash() {
        assertEquals(ProgramType.XDP, SectionType.of("xdp/devmap").type());
        assertEquals(ProgramType.XDP, SectionType.of("xdp.frags").type());
        assertEquals(ProgramType.KPROBE, SectionType.of("kprobe.multi/vfs_*").type());
        assertEquals(ProgramType.KPROBE, SectionType.of("usdt/libc.so.6:libc:setjmp").type());
        assertEquals(ProgramType.TRACING, SectionType.of("fentry.s/do_sys_open").type());
        assertEquals(ProgramType.SCHED_CLS, SectionType.of("tcx/ingress").type());
        assertEquals(ProgramType.RAW_TRACEPOINT, SectionType.of("raw_tp.w/bpf_testmod").type());
        assertEquals(ProgramType.TRACEPOINT, SectionType.of("?tp/syscalls/sys_enter_openat").type(),
                "a leading ? only disables auto-loading");
        assertNull(SectionType.of("socket").note());
    }

    @Test
    void nearMissesAreNotPrefixMatches() {
        SectionType t = SectionType.of("xdpfoo");
        assertEquals(ProgramType.RAW, t.type());
        assertTrue(t.note().contains("does not name a known program type"), t.note());
        SectionType lsm = SectionType.of("lsm/file_open");
        assertEquals(ProgramType.RAW, lsm.type());
        assertTrue(lsm.note().contains("lsm program, a type this runtime does not model"), lsm.note());
    }
}
