package dev.jvmbpf.bench;

import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.verifier.Verifier;
import dev.jvmbpf.workloads.Workloads;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Load time: JIT compilation (bytecode generation and hidden-class definition) against the
 * interpreter's decoding, for programs of 1k to 1M instructions (the verifier's limit). Divide by
 * {@code size} for the cost per instruction. A load of 1M takes seconds: measure the large sizes
 * in single-shot mode, e.g. {@code -bm ss -wi 1 -i 3 -p size=1000000 -jvmArgs -Xmx512m}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
public class CompileBenchmarks {
    @Param({"interpreter", "jit"})
    public String engine;

    @Param({"1000", "10000", "100000", "1000000"})
    public int size;

    private Engine loader;
    private BpfProgram program;

    @Setup
    public void setUp() {
        loader = EngineBenchmarks.engine(engine);
        program = BpfProgram.raw("compile" + size, Workloads.straightLine(size, size));
    }

    @Benchmark
    public Executable load() {
        return loader.load(Verifier.verifyOrUnverified(program, HelperTable.empty()), HelperTable.empty());
    }
}
