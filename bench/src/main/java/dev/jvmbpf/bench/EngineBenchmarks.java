package dev.jvmbpf.bench;

import dev.jvmbpf.Bpf;
import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.exec.Output;
import dev.jvmbpf.runtime.memory.Region;
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
 * JIT against interpreter on the same programs: one run (beginRun, register the packet,
 * execute) per operation, on one machine reused run after run as an embedding service would.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class EngineBenchmarks {
    @Param({"interpreter", "jit"})
    public String engine;

    private Executable compute;
    private Executable lanes;
    private Machine lanesMachine;
    private Executable sip;
    private Machine sipMachine;
    private Executable memory;
    private Executable index;
    private Machine indexMachine;
    private Executable fnv;
    private Machine fnvMachine;
    private Machine computeMachine;
    private Machine memoryMachine;
    private Region packet;

    static Engine engine(String name) {
        return Bpf.engine(name);
    }

    @Setup
    public void setUp() {
        Engine e = engine(engine);
        compute = e.load(Verifier.verifyOrUnverified(BpfProgram.raw("compute", Workloads.computeLoop()), HelperTable.empty()), HelperTable.empty());
        memory = e.load(Verifier.verifyOrUnverified(BpfProgram.raw("checksum", Workloads.memoryLoop()), HelperTable.empty()), HelperTable.empty());
        computeMachine = compute.newMachine(Output.discard());
        lanes = e.load(Verifier.verifyOrUnverified(BpfProgram.raw("lanes", Workloads.computeLanes()), HelperTable.empty()), HelperTable.empty());
        lanesMachine = lanes.newMachine(Output.discard());
        sip = e.load(Verifier.verifyOrUnverified(BpfProgram.raw("siphash", Workloads.sipHash()), HelperTable.empty()), HelperTable.empty());
        sipMachine = sip.newMachine(Output.discard());
        memoryMachine = memory.newMachine(Output.discard());
        index = e.load(Verifier.verifyOrUnverified(BpfProgram.raw("index", Workloads.memoryIndex()), HelperTable.empty()), HelperTable.empty());
        indexMachine = index.newMachine(Output.discard());
        fnv = e.load(Verifier.verifyOrUnverified(BpfProgram.raw("fnv", Workloads.fnvHash()), HelperTable.empty()), HelperTable.empty());
        fnvMachine = fnv.newMachine(Output.discard());
        packet = Region.of("packet", Workloads.packet(), false);
    }

    /** 1000 iterations of 9 instructions on one dependent chain through the stack (9,000 instructions per run). */
    @Benchmark
    public long computeLoop() {
        computeMachine.beginRun();
        return compute.execute(computeMachine, 0, 0, 0, 0, 0);
    }

    /** 1000 iterations of 10 instructions in four independent lanes (10,000 instructions per run). */
    @Benchmark
    public long computeLanes() {
        lanesMachine.beginRun();
        return lanes.execute(lanesMachine, 0, 0, 0, 0, 0);
    }

    /** SipHash-2-4 of 1000 words: 68 instructions per word on four state registers (68,000 per run). */
    @Benchmark
    public long sipHash() {
        sipMachine.beginRun();
        return sip.execute(sipMachine, 0, 0, 0, 0, 0);
    }

    /** 1500 one-byte loads through r1 (6,000 instructions per run). */
    @Benchmark
    public long memoryLoop() {
        memoryMachine.beginRun();
        long address = memoryMachine.memory().register(packet);
        return memory.execute(memoryMachine, address, Workloads.PACKET_SIZE, 0, 0, 0);
    }

    /** The byte sum in clang's indexed form (9,003 instructions per run). */
    @Benchmark
    public long memoryIndex() {
        indexMachine.beginRun();
        long address = indexMachine.memory().register(packet);
        return index.execute(indexMachine, address, Workloads.PACKET_SIZE, 0, 0, 0);
    }

    /** FNV-1a over the 1500-byte packet: 1500 loads on one xor-multiply chain (7,505 instructions per run). */
    @Benchmark
    public long fnvHash() {
        fnvMachine.beginRun();
        long address = fnvMachine.memory().register(packet);
        return fnv.execute(fnvMachine, address, Workloads.PACKET_SIZE, 0, 0, 0);
    }
}
