package dev.jvmbpf.runtime.maps;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The buffer behind one open slot of a perf event array. Each sample costs what a kernel perf
 * sample record takes: the 8-byte header, the 4-byte size and the padded data
 * ({@link PerfSample}); a sample that does not fit is dropped and counted in {@link #lost()}, as
 * the kernel counts lost samples.
 */
public final class PerfBuffer {
    /** The record's perf_event_header and the raw sample's size field. */
    private static final int SAMPLE_OVERHEAD = 8 + 4;

    private final int index;
    private final int capacity;
    private final ArrayDeque<byte[]> samples = new ArrayDeque<>();
    private long used;
    private long lost;

    public PerfBuffer(int index, int capacityBytes) {
        if (capacityBytes <= 0) {
            throw new IllegalArgumentException("perf buffer of slot " + index + ": capacity must be > 0");
        }
        this.index = index;
        this.capacity = capacityBytes;
    }

    private static long cost(byte[] sample) {
        return SAMPLE_OVERHEAD + PerfSample.readLength(sample.length);
    }

    /** Adds a sample; false (and one more lost sample) when it does not fit. */
    public synchronized boolean offer(byte[] sample) {
        long c = cost(sample);
        if (used + c > capacity) {
            lost++;
            return false;
        }
        used += c;
        samples.add(sample);
        notifyAll();
        return true;
    }

    /** Hands every buffered sample, oldest first, to {@code sink}; returns how many. */
    public int poll(Consumer<byte[]> sink) {
        int n = 0;
        while (true) {
            byte[] s;
            synchronized (this) {
                s = samples.poll();
                if (s == null) {
                    return n;
                }
                used -= cost(s);
            }
            sink.accept(s);
            n++;
        }
    }

    /** Waits up to {@code millis} for a sample; true when one is buffered. */
    public synchronized boolean await(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (samples.isEmpty()) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    public int index() {
        return index;
    }

    public synchronized int pending() {
        return samples.size();
    }

    public synchronized long lost() {
        return lost;
    }
}
