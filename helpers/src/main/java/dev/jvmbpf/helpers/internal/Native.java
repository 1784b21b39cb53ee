package dev.jvmbpf.helpers.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * The few libc calls the task and time helpers need, through FFM. Every call has a pure-Java
 * fallback so the helpers still work where native access is denied: the ids then describe the
 * JVM rather than the OS thread.
 */
public final class Native {
    private static final long SYS_GETTID_X86_64 = 186;
    private static final long SYS_GETTID_AARCH64 = 178;

    private static final MethodHandle GETTID;
    private static final MethodHandle SYSCALL;
    private static final MethodHandle GETUID;
    private static final MethodHandle GETGID;
    private static final MethodHandle CLOCK_GETTIME;

    static {
        MethodHandle gettid = null;
        MethodHandle syscall = null;
        MethodHandle getuid = null;
        MethodHandle getgid = null;
        MethodHandle clock = null;
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            FunctionDescriptor intVoid = FunctionDescriptor.of(ValueLayout.JAVA_INT);
            gettid = find(libc, "gettid").map(s -> linker.downcallHandle(s, intVoid)).orElse(null);
            syscall = find(libc, "syscall").map(s -> linker.downcallHandle(s,
                    FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG))).orElse(null);
            getuid = find(libc, "getuid").map(s -> linker.downcallHandle(s, intVoid)).orElse(null);
            getgid = find(libc, "getgid").map(s -> linker.downcallHandle(s, intVoid)).orElse(null);
            clock = find(libc, "clock_gettime").map(s -> linker.downcallHandle(s,
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS))).orElse(null);
        } catch (RuntimeException | Error e) {
            // Native access denied or no libc: the fallbacks below apply.
        }
        GETTID = gettid;
        SYSCALL = syscall;
        GETUID = getuid;
        GETGID = getgid;
        CLOCK_GETTIME = clock;
    }

    private static final ThreadLocal<long[]> CACHED_TID = ThreadLocal.withInitial(() -> new long[] {-1});

    private Native() {
    }

    private static Optional<MemorySegment> find(SymbolLookup lookup, String name) {
        return lookup.find(name);
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
            if (GETTID != null) {
                return (int) GETTID.invokeExact();
            }
            if (SYSCALL != null) {
                String arch = System.getProperty("os.arch", "");
                long nr = arch.equals("aarch64") ? SYS_GETTID_AARCH64 : SYS_GETTID_X86_64;
                return (long) SYSCALL.invokeExact(nr);
            }
        } catch (Throwable e) {
            // fall through to the Java id
        }
        return Thread.currentThread().threadId();
    }

    /** The real user id, or -1 when it cannot be asked. */
    public static long uid() {
        return callInt(GETUID);
    }

    /** The real group id, or -1 when it cannot be asked. */
    public static long gid() {
        return callInt(GETGID);
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
        if (CLOCK_GETTIME != null) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment ts = arena.allocate(16, 8);
                int rc = (int) CLOCK_GETTIME.invokeExact(clock, ts);
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
