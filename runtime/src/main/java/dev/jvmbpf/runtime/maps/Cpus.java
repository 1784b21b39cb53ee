package dev.jvmbpf.runtime.maps;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The "CPUs" of per-CPU maps and perf event arrays. There are {@link #count()} of them, the
 * number of processors the JVM sees when this class loads. A thread runs on one CPU for its whole
 * life: the first time it asks, it gets the next index of a global counter modulo the count, so
 * threads spread over the CPUs and one thread always sees the same per-CPU values.
 * {@link #pin(int)} lets an embedding application (or a test) choose the CPU of a thread.
 */
public final class Cpus {
    private static final int COUNT = Math.max(1, Runtime.getRuntime().availableProcessors());
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static final ThreadLocal<int[]> CURRENT = ThreadLocal.withInitial(
            () -> new int[] {Math.floorMod(NEXT.getAndIncrement(), COUNT)});

    private Cpus() {
    }

    public static int count() {
        return COUNT;
    }

    /** The CPU index of the calling thread, in {@code [0, count())}. */
    public static int current() {
        return CURRENT.get()[0];
    }

    /** Makes the calling thread run on {@code cpu} from now on. */
    public static void pin(int cpu) {
        if (cpu < 0 || cpu >= COUNT) {
            throw new IllegalArgumentException("cpu " + cpu + " is not in [0, " + COUNT + ")");
        }
        CURRENT.get()[0] = cpu;
    }

    /** Rounds a per-CPU value size up to 8 bytes, the stride of per-CPU values in copies. */
    public static int stride(int valueSize) {
        return (valueSize + 7) & ~7;
    }
}
