package dev.jvmbpf;

import dev.jvmbpf.helpers.context.ProgramContext;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.exec.TaskSettings;
import dev.jvmbpf.runtime.maps.Cpus;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.object.ObjectProgram;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import dev.jvmbpf.runtime.verifier.VerifiedProgram;

/**
 * A program of a {@link LoadedObject}, verified and loaded on its engine, ready to run. Runs may
 * happen on several threads at once: each thread has its own machine (stack and run state); the
 * maps are shared.
 */
public final class Program {
    private final LoadedObject owner;
    private final ObjectProgram objectProgram;
    private final VerifiedProgram verified;
    private final Executable executable;
    private final ThreadLocal<Machine> machines;

    Program(LoadedObject owner, ObjectProgram objectProgram, VerifiedProgram verified, Executable executable) {
        this.owner = owner;
        this.objectProgram = objectProgram;
        this.verified = verified;
        this.executable = executable;
        this.machines = ThreadLocal.withInitial(() -> executable.newMachine(owner.output()));
    }

    public String name() {
        return bpfProgram().name();
    }

    /** Its ELF section ({@code xdp}, {@code tp/syscalls/sys_enter_execve}); empty for a bare program. */
    public String section() {
        return bpfProgram().section();
    }

    public ProgramType type() {
        return bpfProgram().type();
    }

    /** The object it belongs to. */
    public LoadedObject object() {
        return owner;
    }

    /** Its instructions as loaded. */
    public BpfProgram bpfProgram() {
        return verified.program();
    }

    /** What the loader knew of the program (functions, lines, context type); null for a bare program. */
    public ObjectProgram objectProgram() {
        return objectProgram;
    }

    /**
     * What the verifier proved ({@code passed()} is false for a program loaded with
     * {@link ObjectSpec#noVerify()}).
     */
    public VerifiedProgram verified() {
        return verified;
    }

    /** What the engine made of it. */
    public Executable executable() {
        return executable;
    }

    /** A builder of this program's context (see {@link ContextBuilder} for each program type). */
    public ContextBuilder context() {
        var object = owner.object();
        var btf = object == null ? null : object.btf();
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
     * program left in it. After the object's {@link LoadedObject#close()}: {@link IllegalStateException}.
     */
    public long run(ProgramContext context) {
        owner.checkOpen();
        if (!context.suits(type())) {
            throw new IllegalArgumentException("program '" + name() + "' is a " + type() + " program; a "
                    + context.getClass().getSimpleName() + " is not its context (use context() to build one)");
        }
        Machine machine = machines.get();
        machine.setBudget(owner.budget());
        machine.setTimeout(owner.deadline());
        TaskSettings task = owner.task();
        machine.setTask(task);
        // Per-CPU maps pick their slot by the thread's CPU: the run moves to the CPU it is told of.
        int homeCpu = Cpus.current();
        if (task.cpu() != null) {
            Cpus.pin(task.cpu());
        }
        machine.beginRun(verified.readsUnwrittenStack());
        try {
            ProgramContext.Entry entry = context.install(machine);
            return executable.execute(machine, entry.r1(), entry.r2(), 0, 0, 0);
        } finally {
            if (task.cpu() != null) {
                Cpus.pin(homeCpu);
            }
            owner.drainRingBuffers();
        }
    }

    /**
     * The instructions this thread's last run executed, callbacks and tail-called programs
     * included; 0 when the budget is 0 (engines count only against a budget).
     */
    public long lastRunInstructions() {
        return machines.get().charged();
    }

    /** Where {@code pc} is, with the source line when the object has line info: {@code prog+3 (prog.c:7:5 x = 1;)}. */
    public String describe(int pc) {
        return objectProgram == null ? "pc " + pc : objectProgram.describe(pc);
    }

    @Override
    public String toString() {
        return name() + " (" + ContextBuilder.typeName(type()) + ", " + bpfProgram().length() + " instructions, "
                + owner.engine().name() + ")";
    }
}
