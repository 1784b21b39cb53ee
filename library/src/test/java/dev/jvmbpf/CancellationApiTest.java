package dev.jvmbpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.exec.HelperSpec;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.isa.Assembler;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.memory.FaultKind;
import dev.jvmbpf.runtime.program.BpfProgram;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Through the front door: a deadline or an interrupt stops a runaway program; a helper's exception is the fault's cause. */
class CancellationApiTest {
    private static final String ENDLESS = "mov %r0, 0\nloop:\nadd %r0, 1\nja loop\nexit\n";

    private static Program load(String engine, String asm, Duration deadline) {
        // ENDLESS never ends, so the verifier refuses it as the kernel would: it runs unverified.
        return Bpf.of(BpfProgram.raw("t", Assembler.assemble(asm))).engine(Bpf.engine(engine)).deadline(deadline)
                .noVerify().load().program();
    }

    /** Runs {@code program} on a thread of its own, interrupting it after 50 ms when asked. */
    private static BpfFault stop(Program program, boolean interrupt, AtomicBoolean interruptedAfter) {
        return assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    program.run();
                } catch (Throwable e) {
                    thrown.set(e);
                }
                interruptedAfter.set(Thread.currentThread().isInterrupted());
            }, "runaway");
            t.setDaemon(true);
            t.start();
            if (interrupt) {
                Thread.sleep(50);
                t.interrupt();
            }
            t.join();
            return assertInstanceOf(BpfFault.class, thrown.get());
        }, "the run did not stop");
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void aDeadlineStopsEveryRunAtAPcInTheLoop(String engine) {
        Program p = load(engine, ENDLESS, Duration.ofMillis(50));
        for (int i = 0; i < 2; i++) {
            AtomicBoolean interrupted = new AtomicBoolean();
            BpfFault f = stop(p, false, interrupted);
            assertEquals(FaultKind.DEADLINE_EXCEEDED, f.kind(), f.getMessage());
            assertTrue(f.pc() == 1 || f.pc() == 2, f.getMessage());
            assertFalse(interrupted.get());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void anInterruptStopsTheRunAndStaysSet(String engine) {
        AtomicBoolean interrupted = new AtomicBoolean();
        BpfFault f = stop(load(engine, ENDLESS, null), true, interrupted);
        assertEquals(FaultKind.INTERRUPTED, f.kind(), f.getMessage());
        assertTrue(f.getMessage().startsWith("interrupted at pc " + f.pc()), f.getMessage());
        assertTrue(interrupted.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void aHelpersExceptionIsTheFaultsCause(String engine) {
        NullPointerException npe = new NullPointerException("no value");
        HelperTable helpers = HelperTable.of(List.of(new HelperSpec(1000, "throwing", List.of(),
                (m, r1, r2, r3, r4, r5) -> {
                    throw npe;
                })));
        Program p = Bpf.of(BpfProgram.raw("t", Assembler.assemble("call 1000\nexit\n"))).engine(Bpf.engine(engine))
                .helpers(helpers).load().program();
        BpfFault f = assertThrows(BpfFault.class, p::run);
        assertEquals(FaultKind.HELPER, f.kind());
        assertEquals(0, f.pc());
        assertEquals(npe, f.getCause());
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void aNegativeDeadlineIsRefused(String engine) {
        assertThrows(IllegalArgumentException.class, () -> Bpf.of(BpfProgram.raw("t", Assembler.assemble(ENDLESS)))
                .engine(Bpf.engine(engine)).deadline(Duration.ofMillis(-1)));
    }
}
