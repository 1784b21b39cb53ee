package dev.jvmbpf.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.kernel.testing.KernelRequired;
import dev.jvmbpf.runtime.program.ProgramType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The forwarder in the running kernel: real execve events arrive through the mapped ring buffer. */
class KernelTracerTest {
    private static final int EXECVE_NR = 59;

    @BeforeAll
    static void kernelAvailable() {
        KernelRequired.assume("kernel tracer tests");
    }

    private static KernelTracer attachOrSkip(List<TraceTarget> targets) {
        try {
            return KernelTracer.attach(targets, 1 << 20);
        } catch (IllegalStateException e) {
            System.out.println("SKIPPED kernel tracer test: " + e.getMessage());
            Assumptions.abort(e.getMessage());
            throw e;
        }
    }

    private static List<Long> spawnTrue(int n) throws Exception {
        List<Long> pids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Process p = new ProcessBuilder("/bin/true").start();
            pids.add(p.pid());
            p.waitFor();
        }
        return pids;
    }

    @Test
    void execveEventsOfOtherProcessesCarryTheirTgidAndRecord() throws Exception {
        try (KernelTracer t = attachOrSkip(List.of(TraceTarget.of(ProgramType.TRACEPOINT,
                "tp/syscalls/sys_enter_execve")))) {
            assertTrue(t.captureSize(0) >= 40, "execve's record has filename, argv and envp: " + t.captureSize(0));
            List<Long> pids = spawnTrue(3);
            Set<Long> seen = new HashSet<>();
            List<KernelEvent> events = new ArrayList<>();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!seen.containsAll(pids) && System.nanoTime() < deadline) {
                t.poll(100, 1000, e -> {
                    events.add(e);
                    seen.add((long) e.tgid());
                });
            }
            assertTrue(seen.containsAll(pids), "spawned " + pids + ", events from " + seen);
            KernelEvent e = events.stream().filter(x -> x.tgid() == pids.getFirst()).findFirst().orElseThrow();
            assertEquals(t.captureSize(0), e.context().length);
            // __syscall_nr sits at offset 8 of the record.
            assertEquals(EXECVE_NR, ByteBuffer.wrap(e.context()).order(ByteOrder.LITTLE_ENDIAN).getInt(8));
            assertTrue(e.ktimeNanos() > 0 && e.cpu() >= 0);
            assertEquals(0, t.dropped());
        }
    }

    @Test
    void rawTracepointEventsCarryTheSyscallNumber() throws Exception {
        try (KernelTracer t = attachOrSkip(List.of(TraceTarget.of(ProgramType.RAW_TRACEPOINT, "raw_tp/sys_enter")))) {
            long pid = spawnTrue(1).getFirst();
            boolean[] found = {false};
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!found[0] && System.nanoTime() < deadline) {
                t.poll(100, 100_000, e -> {
                    // sys_enter(struct pt_regs *regs, long id): args[1] is the syscall number.
                    long id = ByteBuffer.wrap(e.context()).order(ByteOrder.LITTLE_ENDIAN).getLong(8);
                    found[0] |= e.tgid() == pid && id == EXECVE_NR;
                });
            }
            assertTrue(found[0], "no raw sys_enter execve event from " + pid);
        }
    }

    @Test
    void anUnknownTracepointIsOneLineNamingIt() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> KernelTracer.attach(
                List.of(TraceTarget.of(ProgramType.TRACEPOINT, "tp/nosuch/event")), 1 << 20));
        assertTrue(e.getMessage().startsWith("trace: the kernel has no tracepoint nosuch:event"), e.getMessage());
    }
}
