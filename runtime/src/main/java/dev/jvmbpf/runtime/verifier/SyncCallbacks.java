package dev.jvmbpf.runtime.verifier;

import dev.jvmbpf.runtime.exec.ArgType;
import dev.jvmbpf.runtime.exec.HelperSpec;
import dev.jvmbpf.runtime.verifier.AbstractState.Frame;
import dev.jvmbpf.runtime.verifier.RegValue.Kind;
import java.util.List;

/**
 * The helpers that call a function of the program before they return, zero or more times (the
 * kernel's synchronous callbacks: bpf_loop, bpf_for_each_map_elem, bpf_find_vma,
 * bpf_user_ringbuf_drain). The kernel verifies such a callback from the call site, its frame on
 * top of the caller's, and after each return goes back to the call, which may run it again; this
 * class says where each helper takes the function and the context it hands on, and what the
 * callback's registers hold (the kernel's set_*_callback_state).
 *
 * @param helper the helper's id
 * @param function the register holding the callback
 * @param context the register holding the context the helper hands on to the callback
 * @param contextArgument the callback's register that receives it
 */
record SyncCallbacks(int helper, int function, int context, int contextArgument) {
    private static final List<SyncCallbacks> ALL = List.of(
            new SyncCallbacks(HelperIds.LOOP, 2, 3, 2),
            new SyncCallbacks(HelperMapRules.USER_RINGBUF_DRAIN, 2, 3, 2),
            new SyncCallbacks(HelperIds.FOR_EACH_MAP_ELEM, 2, 3, 4),
            new SyncCallbacks(HelperIds.FIND_VMA, 3, 4, 3));

    /**
     * The shape of a call of {@code spec} (helper {@code id}), or null when the helper is not one
     * of these or the table declares it otherwise than the kernel (its function argument elsewhere).
     */
    static SyncCallbacks of(int id, HelperSpec spec) {
        if (spec == null) {
            return null;
        }
        for (SyncCallbacks c : ALL) {
            if (c.helper == id) {
                List<ArgType> args = spec.args();
                boolean shaped = args.size() > c.context - 1 && args.get(c.function - 1) == ArgType.PTR_TO_FUNC
                        && args.get(c.context - 1) == ArgType.ANYTHING
                        && args.stream().filter(a -> a == ArgType.PTR_TO_FUNC).count() == 1;
                return shaped ? c : null;
            }
        }
        return null;
    }

    /**
     * How many times the kernel follows the callback from one path before it only goes on past the
     * call: bpf_loop's count (r1's unsigned upper bound, which the kernel marks precise), when this
     * analysis knows it as the kernel does; otherwise no limit (the iterations end when a state
     * repeats).
     */
    long iterations(RegValue r1) {
        if (helper != HelperIds.LOOP || r1.kind() != Kind.SCALAR || r1.imprecise()) {
            return Long.MAX_VALUE;
        }
        return r1.max() < 0 ? Long.MAX_VALUE : r1.max();
    }

    /**
     * The callback's arguments, from the caller's registers at the call: bpf_loop passes the
     * iteration number, for_each_map_elem the map, a key and a value of it, find_vma the task and
     * a vma (kernel objects, not followed here), user_ringbuf_drain a dynptr (not followed).
     */
    void arguments(Frame caller, Frame callee) {
        switch (helper) {
            case HelperIds.LOOP -> callee.regs[1] = RegValue.ANY_SCALAR;
            case HelperIds.FOR_EACH_MAP_ELEM -> {
                RegValue map = caller.regs[1];
                callee.regs[1] = map;
                callee.regs[2] = RegValue.UNKNOWN;
                callee.regs[3] = map.kind() == Kind.MAP_PTR && map.aux() >= 0
                        ? RegValue.pointer(Kind.MAP_VALUE, 0, map.aux()) : RegValue.UNKNOWN;
            }
            case HelperIds.FIND_VMA -> {
                callee.regs[1] = caller.regs[1];
                callee.regs[2] = RegValue.UNKNOWN;
            }
            default -> callee.regs[1] = RegValue.UNKNOWN;
        }
        callee.regs[contextArgument] = caller.regs[context];
    }
}
