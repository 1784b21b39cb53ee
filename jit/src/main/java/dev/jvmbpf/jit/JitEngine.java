package dev.jvmbpf.jit;

import dev.jvmbpf.jit.internal.ClassDefiner;
import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.Kfuncs;
import dev.jvmbpf.runtime.verifier.VerifiedProgram;

/**
 * Compiles each program to one hidden JVM class with ASM; C2 then compiles it to machine code.
 * See {@code jit/README.md} for the translation scheme and where it differs from the interpreter.
 */
public final class JitEngine implements Engine {
    public static final String NAME = "jit";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Executable load(VerifiedProgram program, HelperTable helpers) {
        // Kfunc calls run as helper calls (a kfunc without a userspace model is refused here).
        Kfuncs.Bound bound = Kfuncs.bind(program, helpers);
        return ClassDefiner.load(bound.program(), bound.helpers());
    }
}
