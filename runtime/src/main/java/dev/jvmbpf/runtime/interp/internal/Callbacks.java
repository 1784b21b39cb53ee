package dev.jvmbpf.runtime.interp.internal;

import dev.jvmbpf.runtime.exec.CallbackInvoker;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.memory.AddressSpace;
import dev.jvmbpf.runtime.memory.BpfFault;

/**
 * Runs the callbacks of helpers such as {@code bpf_loop}: the function pointer is the index of the
 * callee's first slot, and the callee runs one frame below the helper's caller. One instance per
 * machine and program; the dispatch loop records its depth before every helper call.
 */
final class Callbacks implements CallbackInvoker {
    final Code code;
    final HelperTable helpers;
    int callerDepth;

    Callbacks(Code code, HelperTable helpers) {
        this.code = code;
        this.helpers = helpers;
    }

    @Override
    public long invoke(Machine machine, long function, long r1, long r2, long r3, long r4, long r5) {
        if (!code.isInstructionStart(function)) {
            throw BpfFault.notAFunction(function);
        }
        int depth = callerDepth + 1;
        if (depth >= AddressSpace.MAX_FRAMES) {
            throw BpfFault.callDepth();
        }
        machine.memory().clearFrame(depth);
        int saved = callerDepth;
        try {
            return Loop.run(code, this, machine, (int) function, depth, r1, r2, r3, r4, r5);
        } finally {
            callerDepth = saved;
        }
    }
}
