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
    void legacyNamesAreTypedByPrefixAsLibbpf0xAndTheSamplesLoadersDid() {
        for (String xdp : new String[] {"xdp1", "xdp_vlan01", "xdp_redirect_map", "xdpfoo", "xdp_devmap/x"}) {
            SectionType t = SectionType.of(xdp);
            assertEquals(ProgramType.XDP, t.type(), xdp);
            assertTrue(t.note().contains("typed by its prefix 'xdp'"), t.note());
        }
        assertEquals(ProgramType.SOCKET_FILTER, SectionType.of("socket1").type());
        assertEquals(ProgramType.SOCKET_FILTER, SectionType.of("socket_filter").type());
        assertEquals(ProgramType.SCHED_CLS, SectionType.of("classifier_ingress").type());
        assertEquals(ProgramType.SCHED_ACT, SectionType.of("action-mark").type());
        assertEquals(ProgramType.PERF_EVENT, SectionType.of("perf_event_sample").type());
        assertEquals(ProgramType.RAW, SectionType.of("sockops_x").type());
        assertTrue(SectionType.of("sockops_x").note().contains("does not model"));
    }

    @Test
    void nearMissesAreNotPrefixMatches() {
        // tc was never a sloppy prefix in libbpf: tc_mark and tcp are unknown
        for (String name : new String[] {"tc_mark", "tcpfoo", "from-netdev", "kprobe_x", "xd"}) {
            SectionType t = SectionType.of(name);
            assertEquals(ProgramType.RAW, t.type(), name);
            assertTrue(t.note().contains("does not name a known program type"), t.note());
        }
        SectionType lsm = SectionType.of("lsm/file_open");
        assertEquals(ProgramType.RAW, lsm.type());
        assertTrue(lsm.note().contains("lsm program, a type this runtime does not model"), lsm.note());
    }
}
