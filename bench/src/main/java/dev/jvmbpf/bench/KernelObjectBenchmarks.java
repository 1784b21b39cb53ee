package dev.jvmbpf.bench;

import dev.jvmbpf.Bpf;
import dev.jvmbpf.LoadedObject;
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
 * {@link ObjectBenchmarks}' program and packets in the running kernel: {@code xdp_filter.o} with
 * its map created in the kernel and the blocked address set, one {@code BPF_PROG_TEST_RUN} of
 * {@value #REPEAT} runs per operation, reported per run; JMH's wall clock includes the system
 * call's fixed cost (see {@link #REPEAT}), which the kernel's own clock ({@code jvmbpf bench},
 * {@code bpftool prog run}) leaves out. Fails in set-up, saying why, where the kernel cannot run
 * BPF.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class KernelObjectBenchmarks {
    /**
     * Runs per system call. An XDP test run with more than one repeat spends about 16 ms of wall
     * time outside its timed loop (set-up and tear-down in the kernel, measured on Linux 6.18),
     * so the repeat must be large for that to fade: at 2,000,000 it adds about 8 ns per run.
     */
    static final int REPEAT = 2_000_000;

    @Param({"drop", "pass", "notIp"})
    public String path;

    private KernelObjectProgram program;
    private byte[] packet;

    @Setup(Level.Trial)
    public void setUp() {
        LoadedObject object = Bpf.open(ObjectBenchmarks.resource("examples/xdp_filter.o"), "xdp_filter.o")
                .load("xdp_block");
        object.map("blocked").put(HexFormat.of().parseHex("0a000001"), 0L);
        program = KernelObjectProgram.load(object.program("xdp_block").bpfProgram());
        packet = HexFormat.of().parseHex(ObjectBenchmarks.IPV4);
        switch (path) {
            case "drop" -> { }
            case "pass" -> packet[29] = 9;
            case "notIp" -> packet[13] = 6;
            default -> throw new IllegalArgumentException("unknown path " + path);
        }
        long expected = path.equals("drop") ? 1 : 2;
        if (program.run(packet, 1).r0() != expected) {
            throw new IllegalStateException("xdp_filter.o in the kernel did not return " + expected + " on " + path);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        program.close();
    }

    /** {@value #REPEAT} runs in the kernel, timed by JMH from outside the system call. */
    @Benchmark
    @OperationsPerInvocation(REPEAT)
    public long run() {
        return program.run(packet, REPEAT).r0();
    }
}
