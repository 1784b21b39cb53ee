package dev.jvmbpf.runtime.exec;

import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.program.BpfProgram;

/** A program loaded into an engine. One executable may run on many threads, each with its own machine. */
public interface Executable {
    BpfProgram program();

    HelperTable helpers();

    /**
     * Runs the program once with the given argument registers and returns r0. The caller has
     * called {@link Machine#beginRun()} and registered the run's regions. The only exception this
     * throws is {@link BpfFault}.
     */
    long execute(Machine machine, long r1, long r2, long r3, long r4, long r5);

    /** A fresh machine for this program with its output going to {@code output}. */
    default Machine newMachine(Output output) {
        return new Machine(program(), helpers(), output);
    }
}
