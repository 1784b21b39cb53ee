package dev.jvmbpf.jit.internal;

import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.memory.FaultKind;
import dev.jvmbpf.runtime.program.BpfProgram;

/** A compiled program. Stateless apart from the generated class, so any number of threads may run it. */
public final class JitExecutable implements Executable {
    private final BpfProgram program;
    private final HelperTable helpers;
    private final CompiledEntry entry;

    public JitExecutable(BpfProgram program, HelperTable helpers, CompiledEntry entry) {
        this.program = program;
        this.helpers = helpers;
        this.entry = entry;
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
        try {
            return entry.run(machine, r1, r2, r3, r4, r5);
        } catch (BpfFault f) {
            throw f;
        } catch (Throwable t) {
            // Generated methods locate their own faults; this catches what happens outside them,
            // such as a stack overflow in a dispatcher.
            throw new BpfFault(FaultKind.INTERNAL, BpfFault.UNKNOWN_PC, null, 0, 0, t.toString());
        }
    }
}
