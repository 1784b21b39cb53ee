package dev.jvmbpf.runtime.verifier;

import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import java.util.Set;

/**
 * The part of the kernel's check_map_func_compatibility this verifier applies: map types the
 * generic element helpers may not take (local storages, which have their own helpers), and the
 * program types that may update or delete sockmap and sockhash elements (may_update_sockmap).
 * Only what the kernel certainly refuses is refused: a RAW program with a section nobody names is
 * allowed everything.
 */
final class MapRules {
    static final int MAP_LOOKUP = 1;
    static final int MAP_UPDATE = 2;
    static final int MAP_DELETE = 3;

    private static final Set<MapType> LOCAL_STORAGES = Set.of(MapType.SK_STORAGE, MapType.INODE_STORAGE,
            MapType.TASK_STORAGE, MapType.CGRP_STORAGE);
    /** Section prefixes (libbpf's) of program types that may not update a sockmap with the generic helpers. */
    private static final Set<String> NO_SOCKMAP_UPDATE = Set.of("cgroup", "cgroup_skb", "cgroup_sock",
            "cgroup_sock_addr", "cgroup_sysctl", "cgroup_sockopt", "cgroup_device", "sockops", "sk_skb", "sk_msg",
            "lwt_in", "lwt_out", "lwt_xmit", "lwt_seg6local", "lsm", "lsm.s", "lsm_cgroup", "netfilter",
            "struct_ops", "struct_ops.s", "lirc_mode2");

    private MapRules() {
    }

    /** Why the kernel refuses helper {@code helper} ({@code name} without "bpf_") on {@code map}, or null. */
    static String refusal(BpfProgram program, int helper, String name, MapSpec map) {
        if (map == null || helper != MAP_LOOKUP && helper != MAP_UPDATE && helper != MAP_DELETE) {
            return null;
        }
        String cannot = "cannot pass map_type " + map.type().id() + " into func bpf_" + name + "#" + helper;
        if (LOCAL_STORAGES.contains(map.type())) {
            return cannot;
        }
        boolean sockmap = map.type() == MapType.SOCKMAP || map.type() == MapType.SOCKHASH;
        if (sockmap && helper != MAP_LOOKUP && !maySockmapUpdate(program, helper)) {
            return "cannot update sockmap in this context; " + cannot;
        }
        return null;
    }

    private static boolean maySockmapUpdate(BpfProgram program, int helper) {
        ProgramType type = program.type();
        String head = sectionHead(program);
        return switch (type) {
            case SOCKET_FILTER, SCHED_CLS, SCHED_ACT, XDP -> true;
            case KPROBE, TRACEPOINT, PERF_EVENT, RAW_TRACEPOINT, SYSCALL -> false;
            case TRACING -> head.equals("iter") || head.equals("iter.s");
            case RAW -> head.equals("sockops") ? helper == MAP_DELETE : !NO_SOCKMAP_UPDATE.contains(head);
        };
    }

    private static String sectionHead(BpfProgram program) {
        String sec = program.section() == null ? "" : program.section();
        sec = sec.startsWith("?") ? sec.substring(1) : sec;
        int slash = sec.indexOf('/');
        return slash >= 0 ? sec.substring(0, slash) : sec;
    }
}
