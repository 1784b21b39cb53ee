package dev.jvmbpf.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunTimerTest {
    /** Spins for about {@code nanos}. */
    private static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    @Test
    void measuredBatchesAreSizedFromWarmRunsNotFromAColdStart() {
        // The first run takes 5 ms (a cold JVM), every later one about 2 us: the measured batches
        // must be sized for 2 us runs. Sizing them from an average that counted the warm-up runs
        // but only the cold run's time asked for millions of runs per batch.
        List<Integer> sizes = new ArrayList<>();
        long[] calls = {0};
        RunTimer.Timing t = RunTimer.timeBatches(n -> {
            long t0 = System.nanoTime();
            if (calls[0]++ == 0) {
                spin(5_000_000);
            } else {
                spin(2_000L * n);
            }
            sizes.add(n);
            return System.nanoTime() - t0;
        }, 20_000_000L, 20_000_000L, 4);
        int measured = sizes.getLast();
        // 5 ms per batch at 2 us a run is 2,500 runs; overheads only make runs look slower.
        assertTrue(measured <= 2_500, "measured batches of " + measured + " runs");
        assertTrue(t.medianNanos() >= 2_000, "median " + t.medianNanos());
        assertEquals(4L * measured, t.runs());
    }

    @Test
    void aRunnerWithItsOwnClockIsSizedByThatClock() {
        // Like the kernel's test run: each call costs a millisecond of wall time (the system
        // call), and its own clock says 20 us of set-up plus 50 ns a run. Batches sized by the
        // wall clock stay tiny and report the set-up; sized by the runner's clock they are large.
        List<Integer> sizes = new ArrayList<>();
        RunTimer.Timing t = RunTimer.timeBatches(n -> {
            spin(1_000_000);
            sizes.add(n);
            return 20_000 + 50L * n;
        }, 20_000_000L, 20_000_000L, 4);
        assertTrue(sizes.getLast() >= 50_000, "measured batches of " + sizes.getLast() + " runs");
        assertTrue(t.medianNanos() < 60, "median " + t.medianNanos());
    }

    @Test
    void refusesZeroBatches() {
        assertThrows(IllegalArgumentException.class, () -> RunTimer.timeBatches(n -> 1, 0, 1, 0));
    }

    @Test
    void theThreadCpuClockLeavesOutTimeSpentWaiting() throws InterruptedException {
        java.util.function.LongSupplier cpu = RunTimer.threadCpuClock();
        org.junit.jupiter.api.Assumptions.assumeTrue(cpu != null, "this JVM cannot measure a thread's CPU time");
        // A run that sleeps 20 ms takes 20 ms of wall time and almost no CPU time.
        java.util.function.IntToLongFunction sleeping = RunTimer.runner(() -> {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        }, cpu);
        assertTrue(sleeping.applyAsLong(2) < 10_000_000, "CPU time of two sleeps");
        // A run that burns 3 ms of CPU is timed as at least that, however long the machine keeps it waiting.
        assertTrue(RunTimer.runner(() -> {
            long end = cpu.getAsLong() + 3_000_000;
            while (cpu.getAsLong() < end) {
                Thread.onSpinWait();
            }
            return 0;
        }, cpu).applyAsLong(1) >= 3_000_000, "CPU time of a 3 ms spin");
    }
}
