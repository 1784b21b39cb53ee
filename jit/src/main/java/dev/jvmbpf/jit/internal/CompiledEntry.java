package dev.jvmbpf.jit.internal;

import dev.jvmbpf.runtime.exec.Machine;

/** Implemented by every generated class. */
public interface CompiledEntry {
    /** Runs the entry function in frame 0. */
    long run(Machine machine, long r1, long r2, long r3, long r4, long r5);

    /** Runs the function starting at {@code pc} in frame {@code depth} (helper callbacks). */
    long callback(Machine machine, int pc, int depth, long r1, long r2, long r3, long r4, long r5);
}
