package dev.jvmbpf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jvmbpf.Bpf;
import dev.jvmbpf.Program;
import dev.jvmbpf.kernel.KernelObjectProgram;
import dev.jvmbpf.kernel.testing.KernelRequired;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.maps.Cpus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code run --engine kernel} as the kernel has it: the object's licence, the ring-buffer records
 * it committed, tail calls through its program arrays and the samples it sent to its perf event
 * arrays.
 */
class KernelFidelityTest {
    private static final Path FIXTURES = Path.of(System.getProperty("jvmbpf.root", ".."),
            "cli/src/test/resources/bpf").normalize();
    private static final Path EXAMPLES = Path.of(System.getProperty("jvmbpf.root", ".."), "examples").normalize();
    private static final String PACKET = "ffffffffffff001122334455080045";

    @BeforeAll
    static void kernelAvailable() {
        KernelRequired.assume("kernel fidelity tests");
    }

    @Test
    void ringBufferRecordsTheKernelCommittedArePrintedAsTheJitPrintsThem() {
        CliRun kernel = runEvents("kernel");
        CliRun jit = runEvents("jit");
        assertEquals(0, kernel.status(), kernel.err());
        // The packet is 15 bytes; its first four are ff.
        assertEquals(2, kernel.out().lines().filter("record packets: 0f 00 00 00 ff ff ff ff"::equals).count(),
                kernel.out());
        assertEquals(jit.out(), kernel.out());
    }

    private static CliRun runEvents(String engine) {
        return CliRun.of("run", FIXTURES.resolve("xdp_events.o").toString(), "--packet-hex", PACKET, "--repeat", "2",
                "--engine", engine);
    }

    @Test
    void theKernelRefusesGplOnlyHelpersToAProprietaryObject() {
        CliRun r = CliRun.of("run", FIXTURES.resolve("proprietary.o").toString(), "--packet-hex", PACKET, "--engine",
                "kernel");
        assertEquals(1, r.status(), r.out());
        assertTrue(r.err().contains("cannot call GPL-restricted function from non-GPL compatible program"), r.err());
    }

    /** A 34-byte IPv4 frame (the kernel refuses a tc test run of a truncated IP header). */
    private static final String FRAME = "ffffffffffff00112233445508004500001400000000401100000a0000010a000002";

    @Test
    void tailCallsJumpThroughTheKernelsProgramArrayAsOnTheEngines() {
        String[] args = {"run", FIXTURES.resolve("tc_tail_calls.o").toString(), "-p", "classify", "--packet-hex",
            FRAME, "--repeat", "2", "--dump-maps", "--engine", "kernel"};
        CliRun kernel = CliRun.of(args);
        assertEquals(0, kernel.status(), kernel.err());
        // classify -> slot 0 -> slot 1, slot 2 empty: three hops a run, and 100 * hops + 34 returned.
        assertTrue(kernel.out().startsWith("return value: 634 (last of 2 runs; the first returned 334)\n"),
                kernel.out());
        assertTrue(kernel.out().contains("map hops (array):\n  key: 0 value: 6\n"), kernel.out());
        for (String engine : List.of("interpreter", "jit")) {
            args[args.length - 1] = engine;
            assertEquals(CliRun.of(args).out(), kernel.out(), engine);
        }
    }

    @Test
    void aSlotSetWithMapUpdateIsTailCalledUpToTheKernelsLimit() {
        // Slot 2 -> add_length, which jumps to slot 2 itself: 1 + 33 tail calls, then it returns.
        String[] args = {"run", FIXTURES.resolve("tc_tail_calls.o").toString(), "-p", "classify", "--packet-hex",
            FRAME, "--map-update", "jumps:2=add_length", "--dump-maps", "--engine", "kernel"};
        CliRun kernel = CliRun.of(args);
        assertEquals(0, kernel.status(), kernel.err());
        assertTrue(kernel.out().startsWith("return value: 3434\n"), kernel.out());
        assertTrue(kernel.out().contains("  key: 2 value: add_length\n"), kernel.out());
        assertTrue(kernel.out().contains("map hops (array):\n  key: 0 value: 34\n"), kernel.out());
        for (String engine : List.of("interpreter", "jit")) {
            args[args.length - 1] = engine;
            assertEquals(CliRun.of(args).out(), kernel.out(), engine);
        }
        CliRun unknown = CliRun.of("run", FIXTURES.resolve("tc_tail_calls.o").toString(), "-p", "classify",
                "--packet-hex", FRAME, "--map-update", "jumps:2=nothing", "--engine", "kernel");
        assertEquals(1, unknown.status());
        assertEquals("", unknown.out());
        assertTrue(unknown.err().startsWith("jvmbpf: --map-update jumps:2=nothing: map 'jumps' slot 2: ")
                && unknown.err().contains("no program named 'nothing'"), unknown.err());
        assertEquals(1, unknown.err().lines().count(), unknown.err());
    }

    @Test
    void perfSamplesTheKernelStoredArePrintedAsTheEnginesPrintThem() {
        String kernel = perfRun("kernel", "--repeat", "2");
        // The test runs on the CPU the engines give this thread, so the sample is in that CPU's slot.
        String record = "record samples[" + Cpus.current() + "]: 22 00 00 00 ff ff ff ff ff ff 00 11";
        assertEquals(2, kernel.lines().filter(record::equals).count(), kernel);
        // XDP_PASS: bpf_perf_event_output found an event in the CPU's slot and returned 0.
        assertTrue(kernel.endsWith("return value: 2 (XDP_PASS)\n"), kernel);
        for (String engine : List.of("interpreter", "jit")) {
            assertEquals(perfRun(engine, "--repeat", "2"), kernel, engine);
            assertEquals(perfRun(engine, "-j"), perfRun("kernel", "-j").replace("\"kernel\"", "\"" + engine + "\""),
                    engine);
        }
        int other = Cpus.count() > 1 ? 1 - Math.min(1, Cpus.current()) : 0;
        assumeTrue(KernelObjectProgram.runsOn(other), "this thread may not run on CPU " + other + " (affinity)");
        String there = perfRun("kernel", "--cpu", Integer.toString(other));
        assertTrue(there.startsWith("record samples[" + other + "]: 22 00 00 00"), there);
        assertEquals(perfRun("jit", "--cpu", Integer.toString(other)), there);
    }

    @Test
    void oddSizedSamplesArePaddedOnTheEnginesAsTheKernelPadsThem() {
        // 5 bytes, then 5 bytes and 9 of the packet: read back as 12 and 20 (size field and data
        // fill whole 8-byte words), the padding zeros.
        String kernel = perfProgramRun("sample_odd", "kernel");
        String slot = "record samples[" + Cpus.current() + "]: ";
        assertEquals(slot + "22 ff ff ff ff 00 00 00 00 00 00 00\n"
                + slot + "22 ff ff ff ff ff ff ff ff ff ff 00 11 22 00 00 00 00 00 00\n"
                + "return value: 2 (XDP_PASS)\n", kernel);
        String kernelJson = perfProgramRun("sample_odd", "kernel", "-j");
        for (String engine : List.of("interpreter", "jit")) {
            assertEquals(kernel, perfProgramRun("sample_odd", engine), engine);
            assertEquals(kernelJson.replace("\"kernel\"", "\"" + engine + "\""),
                    perfProgramRun("sample_odd", engine, "-j"), engine);
        }
    }

    @Test
    void cpuPicksTheKernelsCpuForPerCpuMapsAsOnTheEngines() {
        String udp = "ffffffffffff001122334455" + "0800" + "4500001c00000000401100000a0000010a000002" + "1234003500080000";
        List<Integer> cpus = new ArrayList<>();
        for (int cpu = 0; cpu < Math.min(2, Cpus.count()); cpu++) {
            if (KernelObjectProgram.runsOn(cpu)) {
                cpus.add(cpu);
            }
        }
        assumeTrue(!cpus.isEmpty(), "this thread may not be pinned to CPU 0 or 1 (affinity)");
        for (int cpu : cpus) {
            String[] args = {"run", EXAMPLES.resolve("packet_rewrite.o").toString(),
                "-p", "xdp_reflect", "--packet-hex", udp, "--cpu", Integer.toString(cpu), "--repeat", "3",
                "--dump-maps", "--engine", "kernel"};
            CliRun kernel = CliRun.of(args);
            assertEquals(0, kernel.status(), kernel.err());
            args[args.length - 1] = "jit";
            assertEquals(CliRun.of(args).out(), kernel.out(), "CPU " + cpu);
        }
    }

    private static String perfRun(String engine, String... more) {
        return perfProgramRun("sample_packet", engine, more);
    }

    private static String perfProgramRun(String program, String engine, String... more) {
        List<String> args = new ArrayList<>(List.of("run", FIXTURES.resolve("xdp_perf.o").toString(), "-p",
                program, "--packet-hex", FRAME, "--engine", engine));
        args.addAll(List.of(more));
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, r.status(), r.err());
        return r.out();
    }

    @Test
    void everyFdAndMappingIsReleasedAfterARunAndAfterARefusal() {
        long fds = openFds();
        long perfMappings = perfMappings();
        Program perf = Bpf.open(FIXTURES.resolve("xdp_perf.o")).load("sample_packet").program("sample_packet");
        byte[] frame = HexFormat.of().parseHex(FRAME);
        List<byte[]> samples = new ArrayList<>();
        try (KernelObjectProgram k = KernelObjectProgram.load(perf.bpfProgram())) {
            assertTrue(perfMappings() > perfMappings, "the CPUs' rings are mapped");
            assertEquals(2, k.run(frame, 1).r0());
            k.drainPerfEvents(r -> samples.add(((KernelObjectProgram.PerfRecord.Sample) r).data()));
        }
        assertEquals(1, samples.size());
        assertEquals("22000000ffffffffffff0011", HexFormat.of().formatHex(samples.getFirst()));
        assertEquals(fds, openFds(), "file descriptors after close");
        assertEquals(perfMappings, perfMappings(), "perf ring mappings after close");
        // The kernel refuses this one after the perf events are open: they go with the maps.
        Program unchecked = Bpf.open(FIXTURES.resolve("xdp_perf.o")).verify(false).load("sample_unchecked")
                .program("sample_unchecked");
        LoadException e = assertThrows(LoadException.class, () -> KernelObjectProgram.load(unchecked.bpfProgram()));
        assertTrue(e.getMessage().contains("the verifier refused sample_unchecked"), e.getMessage());
        assertEquals(fds, openFds(), "file descriptors after a refusal");
        assertEquals(perfMappings, perfMappings(), "perf ring mappings after a refusal");
        Program tails = Bpf.open(FIXTURES.resolve("tc_tail_calls.o")).load("classify").program("classify");
        try (KernelObjectProgram k = KernelObjectProgram.load(tails.bpfProgram())) {
            assertEquals(List.of("classify", "count_hop", "add_length"),
                    k.programs().stream().map(p -> p.name()).toList());
            assertEquals(334, k.run(frame, 1).r0());
        }
        assertEquals(fds, openFds(), "file descriptors after the tail-call programs closed");
    }

    @Test
    void samplesPastTheRingsRoomAreCountedAsLost() {
        Program perf = Bpf.open(FIXTURES.resolve("xdp_perf.o")).load("sample_packet").program("sample_packet");
        int runs = 5000;
        long[] samples = new long[1];
        long[] lost = new long[1];
        try (KernelObjectProgram k = KernelObjectProgram.load(perf.bpfProgram())) {
            // 24 bytes a sample record: 5000 fill the 32 KiB ring several times over before a drain,
            // and the last run's output found no room (-ENOSPC): XDP_DROP.
            assertEquals(1, k.run(HexFormat.of().parseHex(FRAME), runs).r0());
            Consumer<KernelObjectProgram.PerfRecord> count = r -> {
                switch (r) {
                    case KernelObjectProgram.PerfRecord.Sample x -> samples[0]++;
                    case KernelObjectProgram.PerfRecord.Lost x -> lost[0] += x.count();
                }
            };
            k.drainPerfEvents(count);
            assertEquals(0, lost[0], "the kernel writes the count of lost samples once it has room again");
            assertEquals(2, k.run(HexFormat.of().parseHex(FRAME), 1).r0());
            k.drainPerfEvents(count);
        }
        assertTrue(samples[0] > 1000 && lost[0] > 0, samples[0] + " samples, " + lost[0] + " lost");
        assertEquals(runs + 1, samples[0] + lost[0]);
        CliRun run = CliRun.of("run", FIXTURES.resolve("xdp_perf.o").toString(), "-p", "sample_packet",
                "--packet-hex", FRAME, "--engine", "kernel", "--repeat", "3");
        assertEquals(0, run.status(), run.err());
        assertEquals("", run.err());
    }

    private static long openFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Mappings of perf event rings (the kernel names them after the event's anonymous inode). */
    private static long perfMappings() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/maps"))) {
            return lines.filter(l -> l.contains("perf_event")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
