package dev.jvmbpf.helpers.context;

import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.program.ProgramType;

/**
 * The argument registers of one run, built from Java data. {@link #install} registers the
 * context's regions in the machine's address space for the current run (call it after
 * {@link Machine#beginRun()}) and returns r1 and r2 for {@code Executable.execute}.
 */
public interface ProgramContext {
    Entry install(Machine machine);

    /**
     * Whether this context is what a program of {@code type} gets: an {@code xdp_md} only for XDP,
     * an {@code __sk_buff} only for socket filters and tc. Contexts of plain memory suit any type.
     */
    default boolean suits(ProgramType type) {
        return true;
    }

    /** The registers a run starts with: r1 (usually the context pointer) and r2. */
    record Entry(long r1, long r2) {
    }
}
