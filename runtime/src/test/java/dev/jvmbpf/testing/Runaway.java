package dev.jvmbpf.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.memory.FaultKind;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Stops a runaway program from Java, for the cancellation tests of every layer (engines and the
 * library's front door): the run goes on a thread of its own, which is interrupted after 50 ms
 * when asked, and the outcome is checked against what the engines promise.
 */
public final class Runaway {
    /** Generous: a stop takes a fraction of a millisecond's worth of instructions. */
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private Runaway() {
    }

    /** What a stopped run threw, and the thread's interrupt status afterwards. */
    public record Stopped(Throwable thrown, boolean interruptedAfter) {
        public BpfFault fault() {
            return assertInstanceOf(BpfFault.class, thrown, () -> "the run should fault, got " + thrown);
        }

        /** Stopped by an interrupt at a pc in [first, last], with the thread's interrupt status left set. */
        public void assertInterrupted(int first, int last) {
            BpfFault fault = fault();
            assertEquals(FaultKind.INTERRUPTED, fault.kind(), fault.getMessage());
            assertPcIn(fault, first, last);
            assertTrue(fault.getMessage().startsWith("interrupted at pc " + fault.pc()), fault.getMessage());
            assertTrue(interruptedAfter, "the thread's interrupt status stays set");
        }

        /** Stopped by a deadline at a pc in [first, last], with the thread not interrupted. */
        public void assertDeadline(int first, int last) {
            BpfFault fault = fault();
            assertEquals(FaultKind.DEADLINE_EXCEEDED, fault.kind(), fault.getMessage());
            assertPcIn(fault, first, last);
            assertTrue(fault.getMessage().startsWith("deadline exceeded at pc " + fault.pc()), fault.getMessage());
            assertFalse(interruptedAfter, "a deadline does not interrupt the thread");
        }

        private static void assertPcIn(BpfFault fault, int first, int last) {
            assertTrue(fault.pc() >= first && fault.pc() <= last,
                    "pc " + fault.pc() + " should lie in [" + first + ", " + last + "]: " + fault.getMessage());
        }
    }

    /**
     * Runs {@code run} on a new thread, interrupting it after 50 ms when {@code interrupt}; fails
     * when it has not stopped within the patience.
     */
    public static Stopped runOnThread(Runnable run, boolean interrupt) {
        return assertTimeoutPreemptively(PATIENCE, () -> {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicBoolean status = new AtomicBoolean();
            Thread t = new Thread(() -> {
                try {
                    run.run();
                } catch (Throwable e) {
                    thrown.set(e);
                }
                status.set(Thread.currentThread().isInterrupted());
            }, "runaway");
            t.setDaemon(true);
            t.start();
            if (interrupt) {
                Thread.sleep(50);
                t.interrupt();
            }
            t.join();
            return new Stopped(thrown.get(), status.get());
        }, "the run did not stop");
    }
}
