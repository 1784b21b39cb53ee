package dev.jvmbpf.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jvmbpf.jit.JitEngine;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.exec.Output;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.memory.Region;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.verifier.Verifier;
import dev.jvmbpf.workloads.Workloads;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The benchmarked programs compute the same thing on both engines, and what they claim to compute. */
class WorkloadsTest {
    private final EngineBenchmarks interpreter = bench("interpreter");
    private final EngineBenchmarks jit = bench("jit");

    private static EngineBenchmarks bench(String engine) {
        EngineBenchmarks b = new EngineBenchmarks();
        b.engine = engine;
        b.setUp();
        return b;
    }

    @Test
    void computeLoopsAgree() {
        assertEquals(interpreter.computeLoop(), jit.computeLoop());
        assertEquals(interpreter.computeLanes(), jit.computeLanes());
    }

    @Test
    void sipHashIsSipHash24() {
        // The message the program hashes: little-endian words 1000, 999, ..., 1.
        ByteBuffer message = ByteBuffer.allocate(8 * Workloads.COMPUTE_ITERATIONS).order(ByteOrder.LITTLE_ENDIAN);
        for (int w = Workloads.COMPUTE_ITERATIONS; w > 0; w--) {
            message.putLong(w);
        }
        long expected = SipHashReference.hash(Workloads.SIP_K0, Workloads.SIP_K1, message.array());
        assertEquals(expected, interpreter.sipHash());
        assertEquals(expected, jit.sipHash());
    }

    @Test
    void sipHashReferenceMatchesThePublishedVector() {
        // The first and last entries of the SipHash-2-4 64-bit test vectors (key 00..0f, message 00..len-1).
        assertEquals(0x726fdb47dd0e0e31L, SipHashReference.hash(Workloads.SIP_K0, Workloads.SIP_K1, new byte[0]));
        byte[] m = new byte[63];
        for (int i = 0; i < m.length; i++) {
            m[i] = (byte) i;
        }
        assertEquals(0x958a324ceb064572L, SipHashReference.hash(Workloads.SIP_K0, Workloads.SIP_K1, m));
    }

    @Test
    void compiledProgramsLoadOnBothEnginesAndAgree() {
        for (int size : new int[] {1000, 10000}) {
            BpfProgram p = BpfProgram.raw("s" + size, Workloads.straightLine(size, size));
            assertEquals(size, p.length());
            long expected = run(new Interpreter().load(Verifier.verifyOrUnverified(p, HelperTable.empty()), HelperTable.empty()));
            assertEquals(expected, run(new JitEngine().load(Verifier.verifyOrUnverified(p, HelperTable.empty()), HelperTable.empty())));
        }
    }

    private static long run(Executable exe) {
        Machine m = exe.newMachine(Output.discard());
        m.beginRun();
        return exe.execute(m, 0, 0, 0, 0, 0);
    }

    @Test
    void memoryLoopIsTheByteSum() {
        byte[] bytes = new byte[Workloads.PACKET_SIZE];
        new SplittableRandom(42).nextBytes(bytes);
        long sum = 0;
        for (byte b : bytes) {
            sum += b & 0xff;
        }
        assertEquals(sum, interpreter.memoryLoop());
        assertEquals(sum, jit.memoryLoop());
        assertEquals(sum, interpreter.memoryIndex());
        assertEquals(sum, jit.memoryIndex());
        assertEquals(Workloads.PACKET_SIZE, Region.of("p", bytes, false).size());
    }

    @Test
    void fnvHashIsFnv1a() {
        byte[] bytes = new byte[Workloads.PACKET_SIZE];
        new SplittableRandom(42).nextBytes(bytes);
        long hash = Workloads.FNV_OFFSET;
        for (byte b : bytes) {
            hash = (hash ^ (b & 0xff)) * Workloads.FNV_PRIME;
        }
        assertEquals(hash, interpreter.fnvHash());
        assertEquals(hash, jit.fnvHash());
    }
}
