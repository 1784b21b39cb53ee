package dev.jvmbpf.bench;

import dev.jvmbpf.Bpf;
import dev.jvmbpf.LoadedObject;
import dev.jvmbpf.Program;
import dev.jvmbpf.helpers.context.XdpContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HexFormat;
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
 * A clang-compiled object as an embedding service runs it: {@code examples/xdp_filter.o} (parse
 * Ethernet and IPv4 headers, look the source address up in a hash map, count and drop) through
 * {@link Program#run}, one packet per operation, the context built once and reused. Three
 * packets take its three paths: a blocked source (lookup hit, atomic add, XDP_DROP), another
 * source (lookup miss, XDP_PASS) and a non-IP frame (returns before the lookup). The whole run
 * is timed: context install, the program, the helper and the map.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class ObjectBenchmarks {
    /** Ethernet + IPv4 from 10.0.0.1 to 10.0.0.2; the source address is at byte 26. */
    static final String IPV4 = "ffffffffffff0011223344550800" + "4500001400000000401100000a0000010a000002";

    @Param({"interpreter", "jit"})
    public String engine;

    private Program program;
    private XdpContext blocked;
    private XdpContext passed;
    private XdpContext notIp;

    @Setup
    public void setUp() {
        LoadedObject object = Bpf.open(resource("examples/xdp_filter.o"), "xdp_filter.o")
                .engine(EngineBenchmarks.engine(engine)).load("xdp_block");
        object.map("blocked").put(HexFormat.of().parseHex("0a000001"), 0L);
        program = object.program("xdp_block");
        byte[] packet = HexFormat.of().parseHex(IPV4);
        blocked = XdpContext.of(packet);
        packet[29] = 9;
        passed = XdpContext.of(packet);
        packet[13] = 6; // ARP
        notIp = XdpContext.of(packet);
        if (program.run(blocked) != 1 || program.run(passed) != 2 || program.run(notIp) != 2) {
            throw new IllegalStateException("xdp_filter.o does not drop 10.0.0.1 and pass the rest");
        }
    }

    static byte[] resource(String name) {
        try (InputStream in = ObjectBenchmarks.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not in the benchmark jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lookup hit: 23 instructions, one map lookup, one atomic add on the value. */
    @Benchmark
    public long xdpDrop() {
        return program.run(blocked);
    }

    /** Lookup miss: 20 instructions and one map lookup. */
    @Benchmark
    public long xdpPass() {
        return program.run(passed);
    }

    /** Not IPv4: 9 instructions, two context loads and one packet load. */
    @Benchmark
    public long xdpNotIp() {
        return program.run(notIp);
    }
}
