package dev.jvmbpf.jit;

import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.exec.Output;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.memory.Region;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.verifier.Verifier;
import dev.jvmbpf.testing.Execution;

/** Loads and runs test programs on the JIT. */
final class Runs {
    private Runs() {
    }

    static Executable jit(Instruction[] code) {
        return jit(code, HelperTable.empty());
    }

    static Executable jit(Instruction[] code, HelperTable helpers) {
        return new JitEngine().load(Verifier.verifyOrUnverified(BpfProgram.raw("test", code), helpers), helpers);
    }

    static long run(Executable exe) {
        return Execution.runOnce(exe);
    }

    /** Runs with {@code memory} registered as r1 (and its length in r2), as the vectors do. */
    static long run(Executable exe, byte[] memory) {
        Machine m = exe.newMachine(Output.discard());
        m.beginRun();
        long address = m.memory().register(Region.of("mem", memory, true));
        return exe.execute(m, address, memory.length, 0, 0, 0);
    }

    static long run(Instruction[] code) {
        return run(jit(code));
    }
}
