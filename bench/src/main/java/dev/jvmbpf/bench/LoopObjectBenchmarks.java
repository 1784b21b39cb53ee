package dev.jvmbpf.bench;

import dev.jvmbpf.Bpf;
import dev.jvmbpf.ObjectSpec;
import dev.jvmbpf.Program;
import dev.jvmbpf.helpers.context.XdpContext;
import dev.jvmbpf.kernel.KernelObjectProgram;
import java.util.HexFormat;
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
 * The clang fixture {@code loops.o}: two {@code bpf_loop}s whose callbacks work on their
 * caller's stack (an FNV-1a walk over the packet's first 64 bytes, 1000 rounds of xorshift that
 * stop early) and four map updates, per run, on the interpreter, the JIT and the kernel (one
 * {@code BPF_PROG_TEST_RUN} of {@value #REPEAT} runs per operation, reported per run; the
 * system call's fixed cost of about 16 ms adds about 16 ns per run).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LoopObjectBenchmarks {
    static final int REPEAT = 1_000_000;

    @Param({"interpreter", "jit", "kernel"})
    public String engine;

    private Program program;
    private XdpContext context;
    private KernelObjectProgram kernel;
    private byte[] packet;

    @Setup(Level.Trial)
    public void setUp() {
        ObjectSpec spec = Bpf.open(ObjectBenchmarks.resource("fixtures/loops.o"), "loops.o");
        packet = HexFormat.of().parseHex(ObjectBenchmarks.IPV4);
        if (engine.equals("kernel")) {
            kernel = KernelObjectProgram.load(spec.load("xdp_loops").program("xdp_loops").bpfProgram());
            check(kernel.run(packet, 1).r0());
        } else {
            program = spec.engine(EngineBenchmarks.engine(engine)).load("xdp_loops").program("xdp_loops");
            context = XdpContext.of(packet);
            check(program.run(context));
        }
    }

    private static void check(long r0) {
        if (r0 != 2) {
            throw new IllegalStateException("loops.o returned " + r0 + ", not XDP_PASS, on a 34-byte frame");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (kernel != null) {
            kernel.close();
        }
    }

    /** One run (interpreter, JIT) or {@value #REPEAT} runs in the kernel, reported per run. */
    @Benchmark
    @OperationsPerInvocation(REPEAT)
    public long run() {
        if (kernel != null) {
            return kernel.run(packet, REPEAT).r0();
        }
        long sink = 0;
        for (int i = 0; i < REPEAT; i++) {
            sink += program.run(context);
        }
        return sink;
    }
}
