package dev.jvmbpf.runtime.verifier;

import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import dev.jvmbpf.runtime.verifier.RegValue.Kind;
import java.util.Set;

/**
 * The kernel's rules that tie helpers to map types (check_map_func_compatibility) with its
 * {@code cannot pass map_type N into func bpf_NAME#ID} refusal: cgroup storages and user ring
 * buffers only with their own helpers, local storages never with the generic element helpers, and
 * sockmap/sockhash updates and deletes only in the program types that may make them
 * (may_update_sockmap); plus the helper-specific argument checks of the cgroup storage, dynptr and
 * timer helpers. Only what the kernel certainly refuses is refused: a RAW program with a section
 * nobody names is allowed every sockmap update.
 */
final class HelperMapRules {
    static final int MAP_LOOKUP = HelperIds.MAP_LOOKUP_ELEM;
    static final int MAP_UPDATE = 2;
    static final int MAP_DELETE = 3;
    static final int GET_LOCAL_STORAGE = 81;
    static final int TIMER_INIT = 169;
    static final int USER_RINGBUF_DRAIN = HelperIds.USER_RINGBUF_DRAIN;
    static final int DYNPTR_FROM_MEM = 197;

    private static final Set<MapType> LOCAL_STORAGES = Set.of(MapType.SK_STORAGE, MapType.INODE_STORAGE,
            MapType.TASK_STORAGE, MapType.CGRP_STORAGE);
    /** Section prefixes (libbpf's) of program types that may not update a sockmap with the generic helpers. */
    private static final Set<String> NO_SOCKMAP_UPDATE = Set.of("cgroup", "cgroup_skb", "cgroup_sock",
            "cgroup_sock_addr", "cgroup_sysctl", "cgroup_sockopt", "cgroup_device", "sockops", "sk_skb", "sk_msg",
            "lwt_in", "lwt_out", "lwt_xmit", "lwt_seg6local", "lsm", "lsm.s", "lsm_cgroup", "netfilter",
            "struct_ops", "struct_ops.s", "lirc_mode2");

    private HelperMapRules() {
    }

    /**
     * Refuses helper {@code id} ({@code name} without "bpf_") called by {@code program} with
     * {@code map} (null when the call takes none or it is not known) where the kernel would;
     * {@code r1} and {@code r2} are the first two arguments as the call sees them.
     */
    static void check(int pc, BpfProgram program, int id, String name, MapSpec map, RegValue r1, RegValue r2,
            Verifier.Errors errors) {
        if (id == DYNPTR_FROM_MEM && r1.kind() != Kind.MAP_VALUE && r1.kind() != Kind.UNKNOWN) {
            // check_helper_call: a local dynptr is made over map values only
            throw errors.at(pc, "Unsupported reg type " + r1.describe() + " for bpf_dynptr_from_mem data");
        }
        String cannot = map == null ? null : "cannot pass map_type " + map.type().id() + " into func bpf_" + name
                + "#" + id;
        if (map != null) {
            MapType t = map.type();
            boolean storage = t == MapType.CGROUP_STORAGE || t == MapType.PERCPU_CGROUP_STORAGE;
            boolean compatible = switch (id) {
                case GET_LOCAL_STORAGE -> storage;
                case USER_RINGBUF_DRAIN -> t == MapType.USER_RINGBUF;
                default -> !storage && t != MapType.USER_RINGBUF;
            };
            if (!compatible) {
                throw errors.at(pc, cannot);
            }
        }
        if (id == GET_LOCAL_STORAGE && !mayBeZero(r2)) {
            throw errors.at(pc, "get_local_storage() doesn't support non-zero flags");
        }
        if (map == null || id != MAP_LOOKUP && id != MAP_UPDATE && id != MAP_DELETE) {
            return;
        }
        if (LOCAL_STORAGES.contains(map.type())) {
            throw errors.at(pc, cannot);
        }
        boolean sockmap = map.type() == MapType.SOCKMAP || map.type() == MapType.SOCKHASH;
        if (sockmap && id != MAP_LOOKUP && !maySockmapUpdate(program, id)) {
            throw errors.at(pc, "cannot update sockmap in this context; " + cannot);
        }
    }

    /**
     * Refuses a call the program's type rules out before its arguments matter: the kernel refuses
     * a map holding a bpf_timer in tracing programs when the program is loaded
     * (check_map_prog_compatibility), whatever path reaches the call.
     */
    static void checkProgramType(int pc, int id, ProgramType type, Verifier.Errors errors) {
        boolean tracing = type == ProgramType.KPROBE || type == ProgramType.TRACEPOINT
                || type == ProgramType.PERF_EVENT || type == ProgramType.RAW_TRACEPOINT;
        if (tracing && id == TIMER_INIT) {
            throw errors.at(pc, "tracing progs cannot use bpf_timer yet");
        }
    }

    /** False only where the register is surely not the constant 0 the kernel wants. */
    private static boolean mayBeZero(RegValue v) {
        if (v.kind() == Kind.UNKNOWN || v.kind() == Kind.SCALAR && v.imprecise()) {
            return true;
        }
        return v.isConstant() && v.min() == 0;
    }

    private static boolean maySockmapUpdate(BpfProgram program, int helper) {
        String head = sectionHead(program);
        return switch (program.type()) {
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
