package dev.jvmbpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.kernel.KernelObjectProgram;
import dev.jvmbpf.kernel.KernelTracer;
import dev.jvmbpf.kernel.TraceTarget;
import dev.jvmbpf.kernel.testing.KernelRequired;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link Trace}: programs in the JVM on the kernel's events, compared with the same program in the kernel. */
class TraceTest {
    private static final Path EXAMPLES = Path.of(System.getProperty("jvmbpf.root", ".."), "examples").normalize();

    @BeforeAll
    static void kernelAvailable() {
        KernelRequired.assume("trace tests");
    }

    private static Trace attachOrSkip(ObjectSpec spec, java.util.function.Consumer<TraceEvent> onEvent) {
        try {
            return Trace.attach(spec, onEvent);
        } catch (IllegalStateException e) {
            System.out.println("SKIPPED trace test: " + e.getMessage());
            Assumptions.abort(e.getMessage());
            throw e;
        }
    }

    /** Processes that each make some system calls and end, started and ended while both tracers run. */
    private static List<Long> workload() throws Exception {
        List<Long> pids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Process p = new ProcessBuilder("/bin/sh", "-c", "i=0; while [ $i -lt " + (50 * (i + 1))
                    + " ]; do read x < /dev/null; i=$((i+1)); done").start();
            pids.add(p.pid());
        }
        for (Long pid : pids) {
            ProcessHandle.of(pid).ifPresent(h -> h.onExit().join());
        }
        return pids;
    }

    private static Map<Long, Long> counts(Map<String, byte[]> elements) {
        Map<Long, Long> out = new HashMap<>();
        elements.forEach((key, value) -> out.put(
                Integer.toUnsignedLong(ByteBuffer.wrap(java.util.HexFormat.of().parseHex(key))
                        .order(ByteOrder.LITTLE_ENDIAN).getInt()),
                ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getLong()));
        return out;
    }

    @Test
    void perPidCountsInTheJvmMatchTheSameProgramInTheKernel() throws Exception {
        ObjectSpec spec = Bpf.open(EXAMPLES.resolve("pid_counter.o")).engine(Bpf.jit());
        try (LoadedObject forKernel = Bpf.open(EXAMPLES.resolve("pid_counter.o")).load();
                KernelObjectProgram inKernel = KernelObjectProgram.loadForTracing(
                        forKernel.program("count_per_pid").bpfProgram());
                KernelTracer.Attachment attached = KernelTracer.attachProgram(inKernel,
                        TraceTarget.of(forKernel.program("count_per_pid").type(), "tp/raw_syscalls/sys_enter"));
                Trace trace = attachOrSkip(spec, e -> { })) {
            List<Long> pids = workload();
            attached.close();
            Map<Long, Long> kernel = counts(inKernel.elements("syscalls_per_pid"));
            TypedMap map = trace.object().map("syscalls_per_pid");
            // The workload has ended, so its counts are final once the JVM has read what the kernel forwarded.
            Map<Long, Long> jvm = new HashMap<>();
            long deadline = System.nanoTime() + 10_000_000_000L;
            do {
                Thread.sleep(100);
                jvm.clear();
                for (Map.Entry<Object, Object> e : map.entries().entrySet()) {
                    jvm.put(((Number) e.getKey()).longValue(), ((Number) e.getValue()).longValue());
                }
            } while (!pids.stream().allMatch(p -> jvm.getOrDefault(p, 0L).equals(kernel.getOrDefault(p, 0L)))
                    && System.nanoTime() < deadline);
            trace.stop();
            assertTrue(trace.await(5000));
            long dropped = trace.stats().dropped();
            for (Long pid : pids) {
                long k = kernel.getOrDefault(pid, 0L);
                long j = jvm.getOrDefault(pid, 0L);
                assertTrue(k >= 50, "pid " + pid + " made system calls: kernel counted " + k);
                assertTrue(Math.abs(k - j) <= dropped, "pid " + pid + ": kernel " + k + ", JVM " + j + ", " + dropped
                        + " dropped");
            }
            assertEquals(0, trace.stats().faults());
        }
    }

    @Test
    void helpersReturnTheEventsTaskAndTime() throws Exception {
        ConcurrentLinkedQueue<String> printed = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<TraceEvent> events = new ConcurrentLinkedQueue<>();
        ObjectSpec spec = Bpf.open(EXAMPLES.resolve("execve_trace.o")).engine(Bpf.interpreter())
                .onPrintk(printed::add);
        try (Trace trace = attachOrSkip(spec, events::add)) {
            Process p = new ProcessBuilder("/bin/true").start();
            p.waitFor();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (events.stream().noneMatch(e -> e.tgid() == p.pid()) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            TraceEvent e = events.stream().filter(x -> x.tgid() == p.pid()).findFirst().orElseThrow();
            assertEquals("trace_execve", e.program());
            assertEquals(0, e.returnValue());
            assertTrue(printed.stream().anyMatch(line -> line.endsWith("execve called by PID: " + p.pid())
                    && line.contains("-" + e.tid() + " ") && line.contains("[" + String.format("%03d", e.cpu()) + "]")),
                    printed.toString());
        }
        // The spec is left as it was: printk lines of a plain run are not decorated.
        try (LoadedObject plain = spec.load()) {
            plain.program().run();
            assertTrue(printed.stream().anyMatch(l -> l.startsWith("execve called by PID: ")), printed.toString());
        }
    }

    @Test
    void aProgramOfAnotherKindIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trace.attach(
                Bpf.open(EXAMPLES.resolve("xdp_filter.o")), e2 -> { }));
        assertTrue(e.getMessage().contains("no tracepoint or raw tracepoint program"), e.getMessage());
    }

    @Test
    void theCallbackMayCloseTheTraceItRunsIn() throws Exception {
        java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
        Trace[] self = new Trace[1];
        ObjectSpec spec = Bpf.open(EXAMPLES.resolve("pid_counter.o")).engine(Bpf.interpreter());
        Trace trace = attachOrSkip(spec, e -> {
            while (self[0] == null) {
                Thread.onSpinWait();
            }
            self[0].close();
            closed.countDown();
        });
        self[0] = trace;
        assertTrue(closed.await(10, java.util.concurrent.TimeUnit.SECONDS), "no event within 10 s");
        assertTrue(trace.await(5000));
        assertEquals(null, trace.failure());
        assertEquals(1, trace.stats().seen());
        assertTrue(trace.object().isClosed());
    }
}
