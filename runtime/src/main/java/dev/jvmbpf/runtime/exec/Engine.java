package dev.jvmbpf.runtime.exec;

import dev.jvmbpf.runtime.program.BpfProgram;

/** Turns a program into something that runs: the interpreter, the JIT, the kernel. */
public interface Engine {
    /** The name used on the command line ({@code interpreter}, {@code jit}). */
    String name();

    /**
     * Prepares {@code program} to run with {@code helpers}. Throws {@link LoadException} for a
     * program the engine cannot run.
     */
    Executable load(BpfProgram program, HelperTable helpers);
}
