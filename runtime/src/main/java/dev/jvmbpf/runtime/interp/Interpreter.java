package dev.jvmbpf.runtime.interp;

import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.Kfuncs;
import dev.jvmbpf.runtime.interp.internal.Code;
import dev.jvmbpf.runtime.interp.internal.InterpretedProgram;
import dev.jvmbpf.runtime.verifier.VerifiedProgram;

/**
 * The reference engine: executes instructions one by one with the kernel's semantics. It is the
 * baseline the JIT is measured against and the engine the JIT is compared with, so it favours
 * plain, obviously correct code over cleverness.
 *
 * <p>Loading checks only what the interpreter needs to run safely (known opcodes, jump and call
 * targets inside the program and not into the middle of an {@code lddw}); everything else is the
 * decoder's and the verifier's business. A program that reaches something it cannot execute
 * stops with a {@link dev.jvmbpf.runtime.memory.BpfFault}.
 */
public final class Interpreter implements Engine {
    public static final String NAME = "interpreter";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Executable load(VerifiedProgram program, HelperTable helpers) {
        // Kfunc calls run as helper calls (a kfunc without a userspace model is refused here).
        Kfuncs.Bound bound = Kfuncs.bind(program, helpers);
        return new InterpretedProgram(bound.program().program(), bound.helpers(),
                Code.decode(bound.program().program()));
    }
}
