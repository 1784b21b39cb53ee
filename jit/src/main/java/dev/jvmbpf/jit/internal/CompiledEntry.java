package dev.jvmbpf.jit.internal;

import dev.jvmbpf.runtime.exec.Machine;

/** Implemented by every generated class: runs the entry function in frame 0. */
public interface CompiledEntry {
    long run(Machine machine, long r1, long r2, long r3, long r4, long r5);
}
