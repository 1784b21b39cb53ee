package dev.jvmbpf.runtime.interp.internal;

import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.exec.TailCall;
import dev.jvmbpf.runtime.program.BpfProgram;

/** A program loaded into the interpreter. Stateless, so any number of threads may run it. */
public final class InterpretedProgram implements Executable {
    private final BpfProgram program;
    private final HelperTable helpers;
    private final Code code;

    public InterpretedProgram(BpfProgram program, HelperTable helpers, Code code) {
        this.program = program;
        this.helpers = helpers;
        this.code = code;
    }

    @Override
    public BpfProgram program() {
        return program;
    }

    @Override
    public HelperTable helpers() {
        return helpers;
    }

    @Override
    public long execute(Machine machine, long r1, long r2, long r3, long r4, long r5) {
        Callbacks callbacks = machine.callbackInvoker() instanceof Callbacks c && c.code == code ? c : null;
        if (callbacks == null) {
            callbacks = new Callbacks(code, helpers);
            machine.setCallbackInvoker(callbacks);
        }
        long r0;
        try {
            r0 = Loop.run(code, callbacks, machine, 0, 0, r1, r2, r3, r4, r5);
        } catch (TailCall t) {
            return t.target().execute(machine, t.context(), 0, 0, 0, 0);
        }
        if (machine.hasDeferred()) {
            // bpf_timer callbacks fire once the program returned, from an empty call stack
            callbacks.callerDepth = 0;
            machine.runDeferred();
        }
        return r0;
    }
}
