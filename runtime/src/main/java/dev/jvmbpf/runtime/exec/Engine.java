package dev.jvmbpf.runtime.exec;

import dev.jvmbpf.runtime.verifier.VerifiedProgram;

/**
 * Turns a verified program into something that runs: the interpreter, the JIT, the kernel.
 * Engines take what the verifier produced, so a program is verified once however many engines
 * load it; {@link VerifiedProgram#unverified} is the visible way to load one nobody checked.
 */
public interface Engine {
    /** The name used on the command line ({@code interpreter}, {@code jit}). */
    String name();

    /**
     * Prepares {@code program} to run with {@code helpers}. Throws {@link LoadException} for a
     * program the engine cannot run.
     */
    Executable load(VerifiedProgram program, HelperTable helpers);
}
