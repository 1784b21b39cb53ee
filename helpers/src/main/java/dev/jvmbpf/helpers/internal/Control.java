package dev.jvmbpf.helpers.internal;

import dev.jvmbpf.runtime.exec.CallbackInvoker;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.exec.TailCall;
import dev.jvmbpf.runtime.isa.Alu;
import dev.jvmbpf.runtime.maps.BpfMap;
import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.maps.ProgramArray;
import dev.jvmbpf.runtime.memory.AddressSpace;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.memory.FaultKind;

/** Helpers that change the program's control flow: tail_call (12), loop (181), for_each_map_elem (164). */
public final class Control {
    private Control() {
    }

    /**
     * Jumps ({@link Machine#tailCall}: throws {@link TailCall}, or records the jump for an engine
     * that armed it) when the slot holds a program; otherwise returns a negative errno and the
     * program goes on.
     */
    public static long tailCall(Machine m, long ctx, long r2, long index, long r4, long r5) {
        if (!(Maps.map(m, r2, "tail_call") instanceof ProgramArray array)) {
            return -Errno.EINVAL;
        }
        long slot = index & 0xffffffffL;
        if (slot >= array.spec().maxEntries()) {
            return -Errno.ENOENT;
        }
        if (!m.admitTailCall()) {
            return -Errno.E2BIG;
        }
        Executable target = array.program(slot);
        if (target == null) {
            return -Errno.ENOENT;
        }
        if (!target.program().maps().equals(m.program().maps())) {
            throw BpfFault.of(FaultKind.HELPER, "tail_call: program " + target.program().name()
                    + " in slot " + slot + " uses other maps than " + m.program().name());
        }
        return m.tailCall(target, ctx);
    }

    private static CallbackInvoker invoker(Machine m, String helper) {
        CallbackInvoker invoker = m.callbackInvoker();
        if (invoker == null) {
            throw BpfFault.of(FaultKind.HELPER, helper + ": this engine does not support callbacks");
        }
        return invoker;
    }

    /** Calls {@code callback(i, ctx)} for i from 0 until it returns non-zero; returns the calls made. */
    public static long loop(Machine m, long nrLoops, long callback, long ctx, long flags, long r5) {
        if (flags != 0) {
            return -Errno.EINVAL;
        }
        long n = nrLoops & 0xffffffffL;
        if (n > Alu.MAX_LOOPS) {
            return -Errno.E2BIG;
        }
        CallbackInvoker invoker = invoker(m, "loop");
        for (long i = 0; i < n; i++) {
            if (invoker.invoke(m, callback, i, ctx, 0, 0, 0) != 0) {
                return i + 1;
            }
        }
        return n;
    }

    /**
     * Calls {@code callback(map, &key, &value, ctx)} per element (the map's own walk,
     * {@link BpfMap#forEach}) until it returns non-zero; returns the number of elements visited.
     */
    public static long forEachMapElem(Machine m, long r1, long callback, long ctx, long flags, long r5) {
        BpfMap map = Maps.map(m, r1, "for_each_map_elem");
        if (flags != 0) {
            return -Errno.EINVAL;
        }
        CallbackInvoker invoker = invoker(m, "for_each_map_elem");
        AddressSpace mem = m.memory();
        return map.forEach((key, value) ->
                invoker.invoke(m, callback, r1, mem.register(key), mem.register(value), ctx, 0));
    }
}
