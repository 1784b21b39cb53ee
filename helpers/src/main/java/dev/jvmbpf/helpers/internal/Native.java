package dev.jvmbpf.helpers.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The few libc calls the task and time helpers need, through FFM. Every call has a pure-Java
 * fallback so the helpers still work where native access is denied: the ids then describe the
 * JVM rather than the OS thread.
 */
public final class Native {
    private static final long SYS_GETTID_X86_64 = 186;
    private static final long SYS_GETTID_AARCH64 = 178;

    // One holder class per call: a downcall handle costs tens of milliseconds to make, and a
    // command that runs one program needs one or two of them, so each is made on first use.
    private static final class Gettid {
        static final MethodHandle H = downcall("gettid", FunctionDescriptor.of(ValueLayout.JAVA_INT));
    }

    private static final class Syscall {
        static final MethodHandle H = downcall("syscall",
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
    }

    private static final class Getuid {
        static final MethodHandle H = downcall("getuid", FunctionDescriptor.of(ValueLayout.JAVA_INT));
    }

    private static final class Getgid {
        static final MethodHandle H = downcall("getgid", FunctionDescriptor.of(ValueLayout.JAVA_INT));
    }

    private static final class ClockGettime {
        static final MethodHandle H = downcall("clock_gettime",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    }

    /** The libc function as a method handle, or null where it or native access is missing. */
    private static MethodHandle downcall(String name, FunctionDescriptor type) {
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find(name).map(s -> linker.downcallHandle(s, type)).orElse(null);
        } catch (RuntimeException | Error e) {
            // Native access denied or no libc: the callers' fallbacks apply.
            return null;
        }
    }

    private static final ThreadLocal<long[]> CACHED_TID = ThreadLocal.withInitial(() -> new long[] {-1});

    private Native() {
    }

    /** The OS thread id of the calling thread (cached per platform thread), or -1 when unknown. */
    public static long currentTid() {
        Thread t = Thread.currentThread();
        if (t.isVirtual()) {
            // A virtual thread moves between carriers, so its OS thread must be asked every time.
            return queryTid();
        }
        long[] cell = CACHED_TID.get();
        if (cell[0] < 0) {
            cell[0] = queryTid();
        }
        return cell[0];
    }

    private static long queryTid() {
        try {
            MethodHandle gettid = Gettid.H;
            if (gettid != null) {
                return (int) gettid.invokeExact();
            }
            MethodHandle syscall = Syscall.H;
            if (syscall != null) {
                String arch = System.getProperty("os.arch", "");
                long nr = arch.equals("aarch64") ? SYS_GETTID_AARCH64 : SYS_GETTID_X86_64;
                return (long) syscall.invokeExact(nr);
            }
        } catch (Throwable e) {
            // fall through to the Java id
        }
        return Thread.currentThread().threadId();
    }

    /** The real user id, or -1 when it cannot be asked. */
    public static long uid() {
        return callInt(Getuid.H);
    }

    /** The real group id, or -1 when it cannot be asked. */
    public static long gid() {
        return callInt(Getgid.H);
    }

    private static long callInt(MethodHandle h) {
        if (h == null) {
            return -1;
        }
        try {
            return Integer.toUnsignedLong((int) h.invokeExact());
        } catch (Throwable e) {
            return -1;
        }
    }

    public static final int CLOCK_MONOTONIC_COARSE = 6;
    public static final int CLOCK_BOOTTIME = 7;
    public static final int CLOCK_TAI = 11;

    /** {@code clock_gettime(clock)} in nanoseconds, or {@link System#nanoTime()} when unavailable. */
    public static long clockNanos(int clock) {
        MethodHandle clockGettime = ClockGettime.H;
        if (clockGettime != null) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment ts = arena.allocate(16, 8);
                int rc = (int) clockGettime.invokeExact(clock, ts);
                if (rc == 0) {
                    return ts.get(ValueLayout.JAVA_LONG, 0) * 1_000_000_000L + ts.get(ValueLayout.JAVA_LONG, 8);
                }
            } catch (Throwable e) {
                // fall back below
            }
        }
        return System.nanoTime();
    }
}
