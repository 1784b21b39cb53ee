package dev.jvmbpf.helpers.context;

import dev.jvmbpf.runtime.exec.Machine;

/**
 * The argument registers of one run, built from Java data. {@link #install} registers the
 * context's regions in the machine's address space for the current run (call it after
 * {@link Machine#beginRun()}) and returns r1 and r2 for {@code Executable.execute}.
 */
public interface ProgramContext {
    Entry install(Machine machine);

    /** The registers a run starts with: r1 (usually the context pointer) and r2. */
    record Entry(long r1, long r2) {
    }
}
