package dev.jvmbpf.testing;

import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.exec.Output;

/** Runs a loaded program the way most engine tests do: once, on a fresh machine, without input. */
public final class Execution {
    private Execution() {
    }

    /** r0 of one run of {@code exe} with r1 to r5 zero, its output discarded. */
    public static long runOnce(Executable exe) {
        Machine m = exe.newMachine(Output.discard());
        m.beginRun();
        return exe.execute(m, 0, 0, 0, 0, 0);
    }
}
