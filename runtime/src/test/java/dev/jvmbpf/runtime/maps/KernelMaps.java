package dev.jvmbpf.runtime.maps;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The map commands of bpf(2), for differential tests: each returns what the syscall returned,
 * or the negated errno, so results compare directly with the runtime's return codes.
 */
final class KernelMaps {
    private static final int MAP_CREATE = 0;
    private static final int LOOKUP = 1;
    private static final int UPDATE = 2;
    private static final int DELETE = 3;
    private static final int NEXT_KEY = 4;
    private static final int LOOKUP_AND_DELETE = 21;
    private static final int ATTR_SIZE = 128;

    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SYSCALL;
    private static final MethodHandle CLOSE;
    private static final long SYS_BPF = switch (System.getProperty("os.arch", "").toLowerCase(Locale.ROOT)) {
        case "amd64", "x86_64" -> 321;
        case "aarch64", "riscv64" -> 280;
        default -> -1;
    };

    static {
        Linker linker = Linker.nativeLinker();
        SYSCALL = linker.downcallHandle(linker.defaultLookup().find("syscall").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                        ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
                Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
        CLOSE = linker.downcallHandle(linker.defaultLookup().find("close").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    private KernelMaps() {
    }

    private static long bpf(int cmd, MemorySegment attr) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            long r = (long) SYSCALL.invokeExact(state, SYS_BPF, (long) cmd, attr, (long) ATTR_SIZE);
            return r < 0 ? -(int) ERRNO.get(state, 0L) : r;
        } catch (Throwable t) {
            throw new IllegalStateException("bpf(2) through libc failed", t);
        }
    }

    /** Null when bpf(2) can create a map here, else why not. */
    static String unavailableReason() {
        if (SYS_BPF < 0) {
            return "bpf(2) number unknown on " + System.getProperty("os.arch");
        }
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return "not Linux";
        }
        try {
            long fd = create(new MapSpec("probe", MapType.ARRAY, 4, 4, 1, 0));
            if (fd < 0) {
                return "BPF_MAP_CREATE failed with errno " + -fd + " (not root?)";
            }
            close((int) fd);
            return null;
        } catch (RuntimeException | LinkageError e) {
            return "bpf(2) not callable: " + e;
        }
    }

    /** The number of CPUs the kernel's per-CPU values have. */
    static int possibleCpus() {
        try {
            String s = Files.readString(Path.of("/sys/devices/system/cpu/possible")).trim();
            int max = 0;
            for (String part : s.split(",")) {
                String[] range = part.split("-");
                max = Math.max(max, Integer.parseInt(range[range.length - 1]));
            }
            return max + 1;
        } catch (java.io.IOException | NumberFormatException e) {
            return -1;
        }
    }

    static long create(MapSpec spec) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(ValueLayout.JAVA_INT, 0, spec.type().id());
            attr.set(ValueLayout.JAVA_INT, 4, spec.keySize());
            attr.set(ValueLayout.JAVA_INT, 8, spec.valueSize());
            attr.set(ValueLayout.JAVA_INT, 12, spec.maxEntries());
            attr.set(ValueLayout.JAVA_INT, 16, spec.flags());
            byte[] name = spec.name().getBytes(StandardCharsets.US_ASCII);
            MemorySegment.copy(name, 0, attr, ValueLayout.JAVA_BYTE, 28, Math.min(name.length, 15));
            attr.set(ValueLayout.JAVA_LONG, 64, spec.mapExtra());
            return bpf(MAP_CREATE, attr);
        }
    }

    static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException("close(2) failed", t);
        }
    }

    private static MemorySegment bytes(Arena arena, byte[] b) {
        if (b == null) {
            return MemorySegment.NULL;
        }
        MemorySegment s = arena.allocate(Math.max(1, b.length), 8);
        MemorySegment.copy(b, 0, s, ValueLayout.JAVA_BYTE, 0, b.length);
        return s;
    }

    private static long elementCommand(int cmd, int fd, byte[] key, byte[] value, long flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment k = bytes(arena, key);
            MemorySegment v = bytes(arena, value);
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(ValueLayout.JAVA_INT, 0, fd);
            attr.set(ValueLayout.JAVA_LONG, 8, k.address());
            attr.set(ValueLayout.JAVA_LONG, 16, v.address());
            attr.set(ValueLayout.JAVA_LONG, 24, flags);
            long r = bpf(cmd, attr);
            if (r >= 0 && value != null && cmd != UPDATE) {
                MemorySegment.copy(v, ValueLayout.JAVA_BYTE, 0, value, 0, value.length);
            }
            return r;
        }
    }

    static int update(int fd, byte[] key, byte[] value, long flags) {
        return (int) elementCommand(UPDATE, fd, key, value, flags);
    }

    /** Fills {@code valueOut}; 0 or -errno. */
    static int lookup(int fd, byte[] key, byte[] valueOut) {
        return (int) elementCommand(LOOKUP, fd, key, valueOut, 0);
    }

    static int delete(int fd, byte[] key) {
        return (int) elementCommand(DELETE, fd, key, null, 0);
    }

    static int lookupAndDelete(int fd, byte[] key, byte[] valueOut) {
        return (int) elementCommand(LOOKUP_AND_DELETE, fd, key, valueOut, 0);
    }

    /** Fills {@code nextOut}; 0 or -errno. */
    static int nextKey(int fd, byte[] key, byte[] nextOut) {
        return (int) elementCommand(NEXT_KEY, fd, key, nextOut, 0);
    }
}
