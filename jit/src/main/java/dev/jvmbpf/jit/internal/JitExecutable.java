package dev.jvmbpf.jit.internal;

import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.exec.TailCall;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.memory.FaultKind;
import dev.jvmbpf.runtime.program.BpfProgram;

/** A compiled program. Stateless apart from the generated class, so any number of threads may run it. */
public final class JitExecutable implements Executable {
    private final BpfProgram program;
    private final HelperTable helpers;
    private final CompiledEntry entry;
    private final boolean takesFunctionPointers;
    private final boolean zeroesFrames;

    /**
     * {@code zeroesFrames} false when the verifier found no read of stack a call did not write
     * first: callbacks then run in their frame as the last call left it, which they cannot tell.
     */
    public JitExecutable(BpfProgram program, HelperTable helpers, CompiledEntry entry, boolean takesFunctionPointers,
            boolean zeroesFrames) {
        this.program = program;
        this.helpers = helpers;
        this.entry = entry;
        this.takesFunctionPointers = takesFunctionPointers;
        this.zeroesFrames = zeroesFrames;
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
        if (takesFunctionPointers && !(machine.callbackInvoker() instanceof JitCallbacks c && c.entry == entry)) {
            machine.setCallbackInvoker(new JitCallbacks(entry, zeroesFrames));
        }
        machine.setEntryR1(r1);
        try {
            long r0 = entry.run(machine, r1, r2, r3, r4, r5);
            Executable next = machine.takeTailCall();
            if (next != null) {
                // The entry function ended at a tail call it made (JitRuntime.tailCall): the
                // target runs on this run's machine, its r0 the run's, its deferred work after it.
                return next.execute(machine, machine.tailCallContext(), 0, 0, 0, 0);
            }
            if (machine.hasDeferred()) {
                // bpf_timer callbacks fire once the program returned, from an empty call stack
                if (machine.callbackInvoker() instanceof JitCallbacks c) {
                    c.callerDepth = 0;
                }
                machine.runDeferred();
            }
            return r0;
        } catch (BpfFault f) {
            throw f;
        } catch (TailCall t) {
            return t.target().execute(machine, t.context(), 0, 0, 0, 0);
        } catch (EndOfRun e) {
            return 0;
        } catch (Throwable t) {
            // Generated methods locate their own faults; this catches what happens outside them,
            // such as a stack overflow in a dispatcher.
            throw new BpfFault(FaultKind.INTERNAL, BpfFault.UNKNOWN_PC, null, 0, 0, t.toString(), t);
        }
    }
}
