package dev.jvmbpf.kernel.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/**
 * Drops capabilities from the calling thread's effective set with capset(2). Linux keeps
 * capabilities per thread, so one dedicated thread can load programs as a less privileged user
 * while the rest of the process stays root.
 */
public final class Capabilities {
    public static final int CAP_SYS_ADMIN = 21;
    public static final int CAP_PERFMON = 38;

    private static final int VERSION_3 = 0x20080522;
    private static final MethodHandle SYSCALL;

    static {
        Linker linker = Linker.nativeLinker();
        SYSCALL = linker.downcallHandle(linker.defaultLookup().find("syscall").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS,
                        ValueLayout.ADDRESS),
                Linker.Option.firstVariadicArg(1));
    }

    private Capabilities() {
    }

    private static long[] numbers() {
        return switch (System.getProperty("os.arch", "").toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> new long[] {125, 126};
            case "aarch64", "arm64", "riscv64", "loongarch64" -> new long[] {90, 91};
            default -> throw new IllegalStateException("capget/capset numbers unknown for " + System.getProperty("os.arch"));
        };
    }

    /** Removes {@code caps} from the effective set of the calling thread (they stay permitted). */
    public static void dropEffective(int... caps) {
        long[] nr = numbers();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment header = arena.allocate(8, 4);
            header.set(ValueLayout.JAVA_INT, 0, VERSION_3);
            header.set(ValueLayout.JAVA_INT, 4, 0);
            // Two {effective, permitted, inheritable} triples: capabilities 0-31, then 32-63.
            MemorySegment data = arena.allocate(24, 4);
            if ((long) SYSCALL.invokeExact(nr[0], header, data) != 0) {
                throw new IllegalStateException("capget failed");
            }
            for (int cap : caps) {
                long at = (cap / 32) * 12L;
                int effective = data.get(ValueLayout.JAVA_INT, at);
                data.set(ValueLayout.JAVA_INT, at, effective & ~(1 << (cap % 32)));
            }
            header.set(ValueLayout.JAVA_INT, 4, 0);
            if ((long) SYSCALL.invokeExact(nr[1], header, data) != 0) {
                throw new IllegalStateException("capset failed");
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("calling capset(2) failed", t);
        }
    }
}
