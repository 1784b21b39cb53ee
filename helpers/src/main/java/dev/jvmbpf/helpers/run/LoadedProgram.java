package dev.jvmbpf.helpers.run;

import dev.jvmbpf.helpers.context.ProgramContext;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.object.ObjectProgram;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import dev.jvmbpf.runtime.verifier.VerifiedProgram;

/**
 * A verified program loaded on an engine, ready to run. Runs may happen on several threads at
 * once: each thread has its own machine (stack and run state); the maps are shared.
 */
public final class LoadedProgram {
    private final BpfRuntime runtime;
    private final ObjectProgram objectProgram;
    private final VerifiedProgram verified;
    private final Executable executable;
    private final ThreadLocal<Machine> machines;

    LoadedProgram(BpfRuntime runtime, ObjectProgram objectProgram, VerifiedProgram verified, Executable executable) {
        this.runtime = runtime;
        this.objectProgram = objectProgram;
        this.verified = verified;
        this.executable = executable;
        this.machines = ThreadLocal.withInitial(() -> executable.newMachine(runtime.output()));
    }

    public String name() {
        return program().name();
    }

    public ProgramType type() {
        return program().type();
    }

    public BpfProgram program() {
        return verified.program();
    }

    /** What the loader knew of the program (functions, lines, context type); null for a bare program. */
    public ObjectProgram objectProgram() {
        return objectProgram;
    }

    /** What the verifier proved. */
    public VerifiedProgram verified() {
        return verified;
    }

    public Executable executable() {
        return executable;
    }

    /** A builder of this program's context (see {@link ContextBuilder} for each program type). */
    public ContextBuilder context() {
        var btf = runtime.object() == null ? null : runtime.object().btf();
        var struct = objectProgram == null ? null : objectProgram.contextType();
        return new ContextBuilder(name(), type(), btf, struct);
    }

    /** Runs once with an empty context: no packet, no memory, fields zero. */
    public long run() {
        return run(context().build());
    }

    /**
     * Runs once with {@code context} and returns r0. Records committed to ring buffers with a
     * handler are delivered before this returns. A fault of the program is a {@link BpfFault}
     * ({@link #describe} names the source line of its pc); the context shows afterwards what the
     * program left in it.
     */
    public long run(ProgramContext context) {
        Machine machine = machines.get();
        machine.setBudget(runtime.budget());
        machine.setTimeout(runtime.deadline());
        machine.beginRun(verified.readsUnwrittenStack());
        try {
            ProgramContext.Entry entry = context.install(machine);
            return executable.execute(machine, entry.r1(), entry.r2(), 0, 0, 0);
        } finally {
            runtime.drainRingBuffers();
        }
    }

    /**
     * The instructions this thread's last run executed, callbacks and tail-called programs
     * included; 0 when the runtime's budget is 0 (engines count only against a budget).
     */
    public long lastRunInstructions() {
        return machines.get().charged();
    }

    /** Where {@code pc} is, with the source line when the object has line info: {@code prog+3 (prog.c:7:5 x = 1;)}. */
    public String describe(int pc) {
        return objectProgram == null ? "pc " + pc : objectProgram.describe(pc);
    }
}
