package dev.jvmbpf.runtime.verifier;

import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.program.ProgramType;
import dev.jvmbpf.runtime.verifier.RegValue.Kind;

/**
 * The kernel's rules that tie helpers to map types (check_map_func_compatibility) and the
 * helper-specific argument checks of the cgroup storage, user ring buffer and timer helpers,
 * with the kernel's messages. Only the pairs of those helpers and map types are checked here.
 */
final class HelperMapRules {
    static final int GET_LOCAL_STORAGE = 81;
    static final int TIMER_INIT = 169;
    static final int USER_RINGBUF_DRAIN = 209;
    static final int DYNPTR_FROM_MEM = 197;

    private HelperMapRules() {
    }

    /**
     * Refuses helper {@code id} called with {@code map} (null when the call takes none or it is not
     * known) where the kernel would; {@code r2} is the second argument as the call sees it.
     */
    static void check(int pc, int id, String name, MapSpec map, RegValue r1, RegValue r2, Verifier.Errors errors) {
        if (id == DYNPTR_FROM_MEM && r1.kind() != Kind.MAP_VALUE && r1.kind() != Kind.UNKNOWN) {
            // check_helper_call: a local dynptr is made over map values only
            throw errors.at(pc, "Unsupported reg type " + r1.describe() + " for bpf_dynptr_from_mem data");
        }
        if (map != null) {
            MapType t = map.type();
            boolean storage = t == MapType.CGROUP_STORAGE || t == MapType.PERCPU_CGROUP_STORAGE;
            boolean compatible = switch (id) {
                case GET_LOCAL_STORAGE -> storage;
                case USER_RINGBUF_DRAIN -> t == MapType.USER_RINGBUF;
                default -> !storage && t != MapType.USER_RINGBUF;
            };
            if (!compatible) {
                throw errors.at(pc, "cannot pass map_type " + t.id() + " into func bpf_" + name + "#" + id);
            }
        }
        if (id == GET_LOCAL_STORAGE && !mayBeZero(r2)) {
            throw errors.at(pc, "get_local_storage() doesn't support non-zero flags");
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
}
