package dev.jvmbpf.cli.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.IntToLongFunction;
import java.util.function.LongSupplier;

/**
 * Times repeated runs the way an embedding service makes them: one warm-up phase (so HotSpot has
 * compiled the interpreter loop or the generated class), then a number of equal batches whose
 * times per run give the median and the best. A quick measure for the command line; the JMH
 * benchmarks of the bench module are the careful one.
 */
public final class RunTimer {
    /** Time per run in nanoseconds: the median and the fastest of the batches, and the runs measured. */
    public record Timing(double medianNanos, double bestNanos, long runs) {
    }

    /** A batch this long by the wall clock is long enough, whatever the runner's clock says. */
    private static final long WALL_CAP = 100_000_000;

    private RunTimer() {
    }

    /**
     * Times {@code run} for about {@code warmupNanos + measureNanos}, measuring in {@code batches}
     * batches. The values {@code run} returns are kept in a sink so the runs cannot be dropped.
     */
    public static Timing time(LongSupplier run, long warmupNanos, long measureNanos, int batches) {
        return timeBatches(runner(run), warmupNanos, measureNanos, batches);
    }

    /**
     * Times a runner that makes {@code n} runs per call and says how long they took in total
     * (the kernel measures its own runs). Same phases as {@link #time}.
     */
    public static Timing timeBatches(IntToLongFunction runs, long warmupNanos, long measureNanos, int batches) {
        if (batches < 1) {
            throw new IllegalArgumentException("batches must be at least 1, got " + batches);
        }
        int size = calibrate(runs, warmupNanos, Math.max(1, measureNanos / batches));
        double[] samples = new double[batches];
        for (int b = 0; b < batches; b++) {
            samples[b] = sample(runs, size);
        }
        Arrays.sort(samples);
        double median = batches % 2 == 1 ? samples[batches / 2] : (samples[batches / 2 - 1] + samples[batches / 2]) / 2;
        return new Timing(median, samples[0], (long) size * batches);
    }

    /** {@code run} as a runner of {@code n} runs that returns their time in nanoseconds. */
    public static IntToLongFunction runner(LongSupplier run) {
        return runner(run, System::nanoTime);
    }

    /**
     * As {@link #runner(LongSupplier)}, timed by {@code clock} in nanoseconds: the wall clock, or
     * the thread's CPU time ({@link #threadCpuClock()}), which leaves out the time the thread waits
     * for a core on a busy machine, as the kernel's test-run clock does (it runs the program with
     * preemption off).
     */
    public static IntToLongFunction runner(LongSupplier run, LongSupplier clock) {
        return n -> {
            long sink = 0;
            long t0 = clock.getAsLong();
            for (int i = 0; i < n; i++) {
                sink += run.getAsLong();
            }
            long t = clock.getAsLong() - t0;
            Sink.value += sink;
            return t;
        };
    }

    /** The calling thread's CPU time in nanoseconds, or null where the JVM cannot measure it. */
    public static LongSupplier threadCpuClock() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (!threads.isCurrentThreadCpuTimeSupported()) {
            return null;
        }
        if (!threads.isThreadCpuTimeEnabled()) {
            threads.setThreadCpuTimeEnabled(true);
        }
        return threads::getCurrentThreadCpuTime;
    }

    /**
     * Interleaved rounds: in each, every runner makes one batch ({@code sizes[i]} runs), starting
     * one runner later than the round before, so that no runner always follows the same one and a
     * slow spell of the machine falls on all of them. Returns nanoseconds per run,
     * {@code [runner][round]}; {@code beforeRound} hears each round's number first.
     */
    public static double[][] interleave(List<IntToLongFunction> runs, int[] sizes, int rounds, IntConsumer beforeRound) {
        double[][] samples = new double[runs.size()][rounds];
        for (int round = 0; round < rounds; round++) {
            beforeRound.accept(round);
            for (int k = 0; k < runs.size(); k++) {
                int i = (k + round) % runs.size();
                samples[i][round] = sample(runs.get(i), sizes[i]);
            }
        }
        return samples;
    }

    /** One batch of {@code n} runs: nanoseconds per run. */
    public static double sample(IntToLongFunction runs, int n) {
        return (double) runs.applyAsLong(n) / n;
    }

    /**
     * Warms {@code runs} up for at least {@code warmupNanos} and returns the number of runs a batch
     * needs to last about {@code batchNanos}.
     */
    public static int calibrate(IntToLongFunction runs, long warmupNanos, long batchNanos) {
        // Grow the batch until the runner says it took a millisecond, then warm up with batches of
        // about that length. The measured batches are sized from the last of these: the first runs
        // of a cold JVM can be a thousand times slower than warm ones, so an average over all of
        // them would make the measured batches far too long. The runner's own time decides (for
        // the kernel, its clock inside the system call: a call's fixed cost would otherwise keep
        // its batches tiny); the wall clock only stops the growth where that time stays near 0.
        int n = 1;
        long last;
        long lastWall;
        long start = System.nanoTime();
        for (;;) {
            long w0 = System.nanoTime();
            last = runs.applyAsLong(n);
            lastWall = System.nanoTime() - w0;
            if (last >= 1_000_000 || lastWall >= WALL_CAP || n >= 1 << 30) {
                break;
            }
            n <<= 1;
        }
        int lastN = n;
        int sinceGrowth = 0;
        // Past the warm-up time, go on while batches are short: the growth above may have stopped
        // on a cold batch.
        while (System.nanoTime() - start < warmupNanos || last < 500_000 && lastWall < WALL_CAP && n < 1 << 30) {
            long w0 = System.nanoTime();
            last = runs.applyAsLong(n);
            lastWall = System.nanoTime() - w0;
            lastN = n;
            // Warm runs got faster: grow the batch again so one still takes about a millisecond.
            if (last < 500_000 && lastWall < WALL_CAP && n < 1 << 30 && ++sinceGrowth >= 2) {
                n <<= 1;
                sinceGrowth = 0;
            }
        }
        double perRun = (double) last / lastN;
        return (int) Math.max(1, Math.min(1 << 30, batchNanos / Math.max(perRun, 1e-3)));
    }

    /** Where the timed runs' results go, so that no run is dead code. */
    private static final class Sink {
        static volatile long value;
    }
}
