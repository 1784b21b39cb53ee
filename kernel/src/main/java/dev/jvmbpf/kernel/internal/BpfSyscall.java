package dev.jvmbpf.kernel.internal;

import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.maps.MapType;
import java.io.IOException;
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
 * The bpf(2) commands the kernel engine needs, called through libc's {@code syscall} with the
 * Foreign Function API. {@code union bpf_attr} is laid out by hand at the offsets of the kernel's
 * UAPI header; fields this class does not set stay zero, which the kernel requires.
 */
public final class BpfSyscall {
    // Commands (enum bpf_cmd).
    private static final int BPF_MAP_CREATE = 0;
    private static final int BPF_MAP_LOOKUP_ELEM = 1;
    private static final int BPF_MAP_UPDATE_ELEM = 2;
    private static final int BPF_MAP_DELETE_ELEM = 3;
    private static final int BPF_MAP_GET_NEXT_KEY = 4;
    private static final int BPF_BTF_LOAD = 18;
    private static final int BPF_PROG_LOAD = 5;
    private static final int BPF_PROG_TEST_RUN = 10;
    private static final int BPF_RAW_TRACEPOINT_OPEN = 17;

    private static final int BPF_MAP_LOOKUP_AND_DELETE_ELEM = 21;
    private static final int BPF_MAP_FREEZE = 22;
    /** The licence the kernel engine declares when the caller names none. */
    public static final String DEFAULT_LICENSE = "GPL";

    /** Large enough for every command used here; the kernel checks that the tail it ignores is zero. */
    private static final int ATTR_SIZE = 128;
    private static final int OBJ_NAME_LEN = 16;
    private static final int LOG_SIZE = 1 << 20;

    private static final long SYS_BPF = bpfSyscallNumber();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SYSCALL;
    private static final MethodHandle CLOSE;

    static {
        Linker linker = Linker.nativeLinker();
        SYSCALL = linker.downcallHandle(linker.defaultLookup().find("syscall").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                        ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
                Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
        CLOSE = linker.downcallHandle(linker.defaultLookup().find("close").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    private BpfSyscall() {
    }

    /** The number of bpf(2) on this architecture, or -1 when this class does not know it. */
    public static long bpfSyscallNumber() {
        return switch (System.getProperty("os.arch", "").toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> 321;
            case "aarch64", "arm64", "riscv64", "loongarch64" -> 280;
            default -> -1;
        };
    }

    private static long bpf(String what, int cmd, MemorySegment attr) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            long r = (long) SYSCALL.invokeExact(state, SYS_BPF, (long) cmd, attr, (long) ATTR_SIZE);
            if (r < 0) {
                throw new SyscallException(what, (int) ERRNO.get(state, 0L));
            }
            return r;
        } catch (SyscallException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("calling bpf(2) through libc syscall failed", t);
        }
    }

    public static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException("calling close(2) failed", t);
        }
    }

    private static void putName(MemorySegment attr, long offset, String name) {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        MemorySegment.copy(bytes, 0, attr, ValueLayout.JAVA_BYTE, offset, Math.min(bytes.length, OBJ_NAME_LEN - 1));
    }

    /** Creates an array map with 4-byte keys and returns its fd. */
    public static int createArrayMap(String name, int valueSize, int maxEntries, int flags) {
        return createMap(MapType.ARRAY.id(), name, 4, valueSize, maxEntries, flags, 0);
    }

    /** Creates a map of kernel type {@code type} and returns its fd. */
    public static int createMap(int type, String name, int keySize, int valueSize, int maxEntries, int flags,
            long mapExtra) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(ValueLayout.JAVA_INT, 0, type);
            attr.set(ValueLayout.JAVA_INT, 4, keySize);
            attr.set(ValueLayout.JAVA_INT, 8, valueSize);
            attr.set(ValueLayout.JAVA_INT, 12, maxEntries);
            attr.set(ValueLayout.JAVA_INT, 16, flags);
            putName(attr, 28, name);
            attr.set(ValueLayout.JAVA_LONG, 64, mapExtra);
            return (int) bpf("BPF_MAP_CREATE", BPF_MAP_CREATE, attr);
        }
    }

    /** Writes {@code value} at {@code key} with update flags {@code flags} (BPF_ANY = 0); a null key: none. */
    public static void updateElement(int mapFd, byte[] key, byte[] value, long flags) {
        elementCommand("BPF_MAP_UPDATE_ELEM", BPF_MAP_UPDATE_ELEM, mapFd, key, value, flags, false);
    }

    /** Reads the {@code valueSize} bytes at {@code key}; null when the key is absent. */
    public static byte[] lookupElement(int mapFd, byte[] key, int valueSize) {
        byte[] value = new byte[valueSize];
        return lookupElement(mapFd, key, value) ? value : null;
    }

    /**
     * BPF_MAP_LOOKUP_ELEM into {@code value}, which a bloom filter reads instead, as the value to
     * look for; a null key for maps without keys. False when the kernel answers ENOENT.
     */
    public static boolean lookupElement(int mapFd, byte[] key, byte[] value) {
        return found(() -> elementCommand("BPF_MAP_LOOKUP_ELEM", BPF_MAP_LOOKUP_ELEM, mapFd, key, value, 0, true));
    }

    /** BPF_MAP_DELETE_ELEM (a null key for maps without keys); false when the kernel answers ENOENT. */
    public static boolean deleteElement(int mapFd, byte[] key) {
        return found(() -> elementCommand("BPF_MAP_DELETE_ELEM", BPF_MAP_DELETE_ELEM, mapFd, key, null, 0, false));
    }

    /** BPF_MAP_LOOKUP_AND_DELETE_ELEM into {@code value} (a queue's or stack's pop with a null key); false on ENOENT. */
    public static boolean lookupAndDeleteElement(int mapFd, byte[] key, byte[] value) {
        return found(() -> elementCommand("BPF_MAP_LOOKUP_AND_DELETE_ELEM", BPF_MAP_LOOKUP_AND_DELETE_ELEM, mapFd, key,
                value, 0, true));
    }

    /**
     * One command on a map element: the key and value (either may be null: NULL for the kernel)
     * in native memory, the value copied back when {@code valueOut} and the command succeeded.
     */
    private static void elementCommand(String what, int cmd, int mapFd, byte[] key, byte[] value, long flags,
            boolean valueOut) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment k = key == null ? MemorySegment.NULL : copyOf(arena, key);
            MemorySegment v = value == null ? MemorySegment.NULL : copyOf(arena, value);
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(ValueLayout.JAVA_INT, 0, mapFd);
            attr.set(ValueLayout.JAVA_LONG, 8, k.address());
            attr.set(ValueLayout.JAVA_LONG, 16, v.address());
            attr.set(ValueLayout.JAVA_LONG, 24, flags);
            bpf(what, cmd, attr);
            if (valueOut && value != null) {
                MemorySegment.copy(v, ValueLayout.JAVA_BYTE, 0, value, 0, value.length);
            }
        }
    }

    /** {@code bytes} in native memory of {@code arena} (at least one byte, 8-aligned), for the kernel to read. */
    private static MemorySegment copyOf(Arena arena, byte[] bytes) {
        MemorySegment segment = arena.allocate(Math.max(1, bytes.length), 8);
        MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return segment;
    }

    /** Runs {@code command}; false when the kernel answers ENOENT (no such element, or no next key). */
    private static boolean found(Runnable command) {
        try {
            command.run();
            return true;
        } catch (SyscallException e) {
            if (e.errno() == Errno.ENOENT) {
                return false;
            }
            throw e;
        }
    }

    /** The kernel's count of possible CPUs (highest index in /sys/devices/system/cpu/possible, plus one). */
    public static int possibleCpus() {
        try {
            String text = Files.readString(Path.of("/sys/devices/system/cpu/possible")).strip();
            int max = 0;
            for (String part : text.split(",")) {
                String last = part.contains("-") ? part.substring(part.indexOf('-') + 1) : part;
                max = Math.max(max, Integer.parseInt(last.strip()));
            }
            return max + 1;
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read the possible CPUs: " + e.getMessage(), e);
        }
    }

    /** BPF_MAP_GET_NEXT_KEY: the key after {@code key} (the first for null), or null after the last. */
    public static byte[] nextKey(int mapFd, byte[] key, int keySize) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment next = arena.allocate(Math.max(1, keySize), 8);
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(ValueLayout.JAVA_INT, 0, mapFd);
            if (key != null) {
                attr.set(ValueLayout.JAVA_LONG, 8, copyOf(arena, key).address());
            }
            attr.set(ValueLayout.JAVA_LONG, 16, next.address());
            return found(() -> bpf("BPF_MAP_GET_NEXT_KEY", BPF_MAP_GET_NEXT_KEY, attr))
                    ? next.asSlice(0, keySize).toArray(ValueLayout.JAVA_BYTE) : null;
        }
    }

    /** BPF_MAP_FREEZE: the map becomes read-only from user space, so programs may use it as constant data. */
    public static void freezeMap(int mapFd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(ValueLayout.JAVA_INT, 0, mapFd);
            bpf("BPF_MAP_FREEZE", BPF_MAP_FREEZE, attr);
        }
    }

    /** Writes {@code value} at 4-byte key {@code key} (of an array map). */
    public static void updateElement(int mapFd, int key, byte[] value) {
        updateElement(mapFd, u32(key), value, 0);
    }

    /** Reads the {@code valueSize} bytes at 4-byte key {@code key} (of an array map, where every key exists). */
    public static byte[] lookupElement(int mapFd, int key, int valueSize) {
        byte[] value = lookupElement(mapFd, u32(key), valueSize);
        if (value == null) {
            throw new SyscallException("BPF_MAP_LOOKUP_ELEM", Errno.ENOENT);
        }
        return value;
    }

    private static byte[] u32(int key) {
        return new byte[] {(byte) key, (byte) (key >>> 8), (byte) (key >>> 16), (byte) (key >>> 24)};
    }

    /**
     * Loads a program and returns its fd. When the verifier refuses it, loads it once more with
     * a log buffer (only then, since logging slows every load down) and throws
     * {@link VerifierRejection} with the log.
     */
    public static int loadProgram(int progType, String name, byte[] instructions) {
        return loadProgram(progType, name, instructions, null);
    }

    /**
     * Function information for {@link #loadProgram(int, String, byte[], FuncInfo)}: the fd of a
     * loaded BTF and, per function in pc order, its first instruction and its FUNC type id.
     */
    public record FuncInfo(int btfFd, int[] insns, int[] typeIds) {
    }

    /** As {@link #loadProgram(int, String, byte[])}, with BTF function information when not null. */
    public static int loadProgram(int progType, String name, byte[] instructions, FuncInfo funcs) {
        return loadProgram(progType, name, instructions, funcs, DEFAULT_LICENSE);
    }

    /**
     * As {@link #loadProgram(int, String, byte[], FuncInfo)}, declaring {@code license} (the
     * object's {@code license} section): the kernel refuses GPL-only helpers to programs whose
     * licence is not GPL-compatible.
     */
    public static int loadProgram(int progType, String name, byte[] instructions, FuncInfo funcs, String license) {
        try {
            return loadProgram(progType, name, instructions, funcs, license, false);
        } catch (SyscallException first) {
            if (first.errno() == Errno.EPERM) {
                throw first;
            }
            try {
                int fd = loadProgram(progType, name, instructions, funcs, license, true);
                // Accepted when logging: never seen, but the program is loaded, so use it.
                return fd;
            } catch (VerifierRejection rejection) {
                throw rejection;
            } catch (SyscallException second) {
                throw new VerifierRejection(first.errno(), "");
            }
        }
    }

    private static int loadProgram(int progType, String name, byte[] instructions, FuncInfo funcs, String license,
            boolean withLog) {
        Loaded l = load(progType, 0, name, instructions, funcs, license, withLog ? 1 : 0);
        if (l.fd() >= 0) {
            return l.fd();
        }
        if (!withLog) {
            throw new SyscallException("BPF_PROG_LOAD", l.errno());
        }
        throw new VerifierRejection(l.errno(), l.log());
    }

    /** What one BPF_PROG_LOAD did: the program's fd (-1 when refused), the errno (0 when loaded) and the log. */
    public record Loaded(int fd, int errno, String log) {
    }

    /** BPF_F_SLEEPABLE: the program may sleep (syscall programs must). */
    public static final int BPF_F_SLEEPABLE = 1 << 4;

    /**
     * One BPF_PROG_LOAD declaring {@code license}, with the verifier's log at {@code logLevel}
     * (0: none, 1, 2) and {@code flags} as prog_flags; the caller closes the fd of a program that loaded.
     */
    public static Loaded load(int progType, int flags, String name, byte[] instructions, FuncInfo funcs,
            String license, int logLevel) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment insns = arena.allocate(Math.max(8, instructions.length), 8);
            MemorySegment.copy(instructions, 0, insns, ValueLayout.JAVA_BYTE, 0, instructions.length);
            MemorySegment licenseText = arena.allocateFrom(license);
            MemorySegment log = logLevel > 0 ? arena.allocate(LOG_SIZE) : MemorySegment.NULL;
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(ValueLayout.JAVA_INT, 0, progType);
            attr.set(ValueLayout.JAVA_INT, 4, instructions.length / 8);
            attr.set(ValueLayout.JAVA_LONG, 8, insns.address());
            attr.set(ValueLayout.JAVA_LONG, 16, licenseText.address());
            if (logLevel > 0) {
                attr.set(ValueLayout.JAVA_INT, 24, logLevel);
                attr.set(ValueLayout.JAVA_INT, 28, LOG_SIZE);
                attr.set(ValueLayout.JAVA_LONG, 32, log.address());
            }
            attr.set(ValueLayout.JAVA_INT, 44, flags);
            putName(attr, 48, name);
            if (funcs != null) {
                MemorySegment records = arena.allocate(8L * funcs.insns().length, 8);
                for (int i = 0; i < funcs.insns().length; i++) {
                    records.set(ValueLayout.JAVA_INT, 8L * i, funcs.insns()[i]);
                    records.set(ValueLayout.JAVA_INT, 8L * i + 4, funcs.typeIds()[i]);
                }
                attr.set(ValueLayout.JAVA_INT, 72, funcs.btfFd());
                attr.set(ValueLayout.JAVA_INT, 76, 8);
                attr.set(ValueLayout.JAVA_LONG, 80, records.address());
                attr.set(ValueLayout.JAVA_INT, 88, funcs.insns().length);
            }
            String text = "";
            try {
                int fd = (int) bpf("BPF_PROG_LOAD", BPF_PROG_LOAD, attr);
                return new Loaded(fd, 0, logLevel > 0 ? log.getString(0, StandardCharsets.UTF_8) : "");
            } catch (SyscallException e) {
                if (logLevel > 0) {
                    text = log.getString(0, StandardCharsets.UTF_8);
                }
                return new Loaded(-1, e.errno(), text);
            }
        }
    }

    /**
     * BPF_RAW_TRACEPOINT_OPEN: attaches raw tracepoint program {@code progFd} to tracepoint
     * {@code name}; returns the attachment's fd, closing it detaches.
     */
    public static int rawTracepointOpen(String name, int progFd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment text = arena.allocateFrom(name);
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(ValueLayout.JAVA_LONG, 0, text.address());
            attr.set(ValueLayout.JAVA_INT, 8, progFd);
            return (int) bpf("BPF_RAW_TRACEPOINT_OPEN", BPF_RAW_TRACEPOINT_OPEN, attr);
        }
    }

    /** BPF_BTF_LOAD: loads type information and returns its fd. */
    public static int loadBtf(byte[] btf) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = copyOf(arena, btf);
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(ValueLayout.JAVA_LONG, 0, data.address());
            attr.set(ValueLayout.JAVA_INT, 16, btf.length);
            return (int) bpf("BPF_BTF_LOAD", BPF_BTF_LOAD, attr);
        }
    }

    /** What one BPF_PROG_TEST_RUN reported. */
    public record TestRun(int retval, int durationNanos, byte[] dataOut) {
    }

    /** Runs a loaded program {@code repeat} times on {@code data} and returns the last run's result. */
    public static TestRun testRun(int progFd, byte[] data, int repeat) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment in = copyOf(arena, data);
            // Packet programs can grow their data; leave headroom so the kernel never reports ENOSPC.
            int outSize = data.length + 256;
            MemorySegment out = arena.allocate(outSize, 8);
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(ValueLayout.JAVA_INT, 0, progFd);
            attr.set(ValueLayout.JAVA_INT, 8, data.length);
            attr.set(ValueLayout.JAVA_INT, 12, outSize);
            attr.set(ValueLayout.JAVA_LONG, 16, in.address());
            attr.set(ValueLayout.JAVA_LONG, 24, out.address());
            attr.set(ValueLayout.JAVA_INT, 32, repeat);
            bpf("BPF_PROG_TEST_RUN", BPF_PROG_TEST_RUN, attr);
            int retval = attr.get(ValueLayout.JAVA_INT, 4);
            int sizeOut = Math.min(outSize, attr.get(ValueLayout.JAVA_INT, 12));
            int duration = attr.get(ValueLayout.JAVA_INT, 36);
            return new TestRun(retval, duration, out.asSlice(0, sizeOut).toArray(ValueLayout.JAVA_BYTE));
        }
    }
}
