package dev.jvmbpf.bench;

import dev.jvmbpf.kernel.KernelEngine;
import dev.jvmbpf.kernel.KernelExecutable;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.verifier.Verifier;
import dev.jvmbpf.workloads.Workloads;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The workloads in the running kernel, the yardstick for {@link EngineBenchmarks}: each operation
 * is one {@code BPF_PROG_TEST_RUN} system call that runs the program {@value #REPEAT} times, so the
 * figure per run (JMH divides by the repeat) carries 1/{@value #REPEAT} of a system call. Only the
 * workloads the kernel verifier accepts: it refuses the pointer walks over r1, whose bounds it
 * cannot see (memoryLoop, fnvHash). Fails in set-up, saying why, where the kernel cannot run BPF.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class KernelBenchmarks {
    static final int REPEAT = 1000;

    @Param({"compute-loop", "compute-lanes", "siphash", "memory-index"})
    public String workload;

    private KernelEngine engine;
    private KernelExecutable program;
    private byte[] memory;

    @Setup(Level.Trial)
    public void setUp() {
        Workloads.Workload w = Workloads.named(workload);
        memory = w.usesMemory() ? Workloads.packet() : new byte[0];
        engine = new KernelEngine();
        program = engine.load(Verifier.verifyOrUnverified(BpfProgram.raw(w.name(), w.code()), HelperTable.empty()), HelperTable.empty());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        program.close();
        engine.close();
    }

    /** {@value #REPEAT} runs in the kernel, timed by JMH from outside the system call. */
    @Benchmark
    @OperationsPerInvocation(REPEAT)
    public long run() {
        return program.timeRuns(memory, true, memory.length, REPEAT);
    }
}
