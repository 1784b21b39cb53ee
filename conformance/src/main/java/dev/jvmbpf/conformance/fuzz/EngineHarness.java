package dev.jvmbpf.conformance.fuzz;

import dev.jvmbpf.kernel.KernelRejectedException;
import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.exec.Output;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.memory.Region;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.verifier.Verifier;

/** Runs a raw program on one engine with r1 = input memory, r2 = its length, and records the outcome. */
public final class EngineHarness {
    /** Far more than any generated program executes; stops an engine that would loop forever. */
    public static final long BUDGET = 50_000_000L;

    private EngineHarness() {
    }

    public static Outcome run(Engine engine, Instruction[] code, byte[] memory) {
        Executable exe;
        try {
            // The kernel is the reference here: engines run what it accepts whatever our verifier says.
            exe = engine.load(Verifier.verifyOrUnverified(BpfProgram.raw("fuzz", code), HelperTable.empty()),
                    HelperTable.empty());
        } catch (LoadException e) {
            return new Outcome.Rejected(e instanceof KernelRejectedException k
                    ? k.reason() : e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            return new Outcome.Crashed("load: " + e);
        }
        try {
            Machine machine = exe.newMachine(Output.discard());
            machine.setBudget(BUDGET);
            machine.beginRun();
            byte[] mem = memory.clone();
            long address = machine.memory().register(Region.of("memory", mem, true));
            long r0 = exe.execute(machine, address, mem.length, 0, 0, 0);
            return new Outcome.Returned(r0, mem);
        } catch (BpfFault f) {
            return new Outcome.Faulted(f.getMessage());
        } catch (KernelRejectedException k) {
            return new Outcome.Rejected(k.reason());
        } catch (RuntimeException | StackOverflowError e) {
            return new Outcome.Crashed(e.toString());
        } finally {
            if (exe instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // Closing only releases kernel fds; a failure leaves nothing to clean up here.
                }
            }
        }
    }
}
