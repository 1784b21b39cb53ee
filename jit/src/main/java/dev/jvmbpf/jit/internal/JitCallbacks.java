package dev.jvmbpf.jit.internal;

import dev.jvmbpf.runtime.exec.CallbackInvoker;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.memory.AddressSpace;
import dev.jvmbpf.runtime.memory.BpfFault;

/**
 * Lets helpers such as {@code bpf_loop} call back into a compiled program. A function pointer is
 * the pc of the callee's first slot (as in the interpreter); the callee runs one frame below the
 * helper's caller, whose depth the generated code records before every helper call of a program
 * that takes function pointers.
 */
public final class JitCallbacks implements CallbackInvoker {
    /**
     * What a callback costs against the machine's countdown besides its own loops: a callback
     * without a loop counts nothing itself, and a helper may call it millions of times.
     */
    static final int CALLBACK_COST = 64;

    final CompiledEntry entry;
    private final boolean zeroesFrames;
    int callerDepth;

    JitCallbacks(CompiledEntry entry, boolean zeroesFrames) {
        this.entry = entry;
        this.zeroesFrames = zeroesFrames;
    }

    @Override
    public long invoke(Machine machine, long function, long r1, long r2, long r3, long r4, long r5) {
        int depth = callerDepth + 1;
        if (depth >= AddressSpace.MAX_FRAMES) {
            throw JitRuntime.callbackDepth(callerDepth);
        }
        if (function < 0 || function > Integer.MAX_VALUE) {
            throw notAFunction(function);
        }
        int countdown = machine.countdown() - CALLBACK_COST;
        machine.setCountdown(countdown < 0 ? machine.poll() : countdown);
        if (zeroesFrames) {
            machine.memory().clearFrame(depth);
        }
        int saved = callerDepth;
        // A tail call armed for the entry function's helper call is not the callback's: in the
        // callback the tail-call helper must throw, as it does in any frame but the entry's.
        boolean armed = machine.tailCallArmed();
        machine.disarmTailCall();
        try {
            return entry.callback(machine, (int) function, depth, r1, r2, r3, r4, r5);
        } finally {
            callerDepth = saved;
            if (armed) {
                machine.armTailCall();
            }
        }
    }

    /** Called by generated code (through {@link JitRuntime#enterHelper}) before a helper runs. */
    void enter(int depth) {
        callerDepth = depth;
    }

    public static BpfFault notAFunction(long function) {
        return BpfFault.notAFunction(function);
    }
}
