package dev.jvmbpf.kernel.internal;

import dev.jvmbpf.runtime.maps.Errno;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Locale;

/**
 * The libc calls trace mode and object runs need beside bpf(2): perf_event_open (through
 * {@code syscall}), ioctl, mmap, epoll, mount and the thread's CPU affinity, called with the
 * Foreign Function API. Each failure is a {@link SyscallException} carrying the errno.
 */
public final class Libc {
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;
    public static final int EPOLLIN = 1;
    /** perf_event_attr's size (PERF_ATTR_SIZE_VER5 and later all fit) and its raw-sample flag. */
    private static final int PERF_ATTR_SIZE = 128;
    private static final long PERF_SAMPLE_RAW = 1 << 10;
    private static final int EPOLL_CTL_ADD = 1;
    private static final int EPOLL_CLOEXEC = 0x80000;
    private static final long PERF_FLAG_FD_CLOEXEC = 8;
    /** epoll_event is packed to 12 bytes on x86-64 and 16 elsewhere; 16 fits both. */
    private static final int EPOLL_EVENT_SIZE = 16;

    private static final long SYS_PERF_EVENT_OPEN = switch (System.getProperty("os.arch", "").toLowerCase(Locale.ROOT)) {
        case "amd64", "x86_64" -> 298;
        case "aarch64", "arm64", "riscv64", "loongarch64" -> 241;
        default -> -1;
    };

    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");
    private static final MethodHandle SYSCALL5;
    private static final MethodHandle IOCTL;
    private static final MethodHandle MMAP;
    private static final MethodHandle MUNMAP;
    private static final MethodHandle EPOLL_CREATE1;
    private static final MethodHandle EPOLL_CTL;
    private static final MethodHandle EPOLL_WAIT;
    private static final MethodHandle MOUNT;
    private static final MethodHandle GETPAGESIZE;
    private static final MethodHandle SCHED_GETAFFINITY;
    private static final MethodHandle SCHED_SETAFFINITY;
    /** glibc's cpu_set_t: a bit per CPU up to 1024. */
    public static final int CPU_SET_BYTES = 128;

    static {
        Linker linker = Linker.nativeLinker();
        var lookup = linker.defaultLookup();
        ValueLayout.OfLong j = ValueLayout.JAVA_LONG;
        ValueLayout.OfInt i = ValueLayout.JAVA_INT;
        ValueLayout a = ValueLayout.ADDRESS;
        SYSCALL5 = linker.downcallHandle(lookup.find("syscall").orElseThrow(),
                FunctionDescriptor.of(j, j, a, j, j, j, j), Linker.Option.firstVariadicArg(1), ERRNO_OPTION);
        IOCTL = linker.downcallHandle(lookup.find("ioctl").orElseThrow(),
                FunctionDescriptor.of(i, i, j, j), Linker.Option.firstVariadicArg(2), ERRNO_OPTION);
        MMAP = linker.downcallHandle(lookup.find("mmap").orElseThrow(),
                FunctionDescriptor.of(a, a, j, i, i, i, j), ERRNO_OPTION);
        MUNMAP = linker.downcallHandle(lookup.find("munmap").orElseThrow(), FunctionDescriptor.of(i, a, j));
        EPOLL_CREATE1 = linker.downcallHandle(lookup.find("epoll_create1").orElseThrow(),
                FunctionDescriptor.of(i, i), ERRNO_OPTION);
        EPOLL_CTL = linker.downcallHandle(lookup.find("epoll_ctl").orElseThrow(),
                FunctionDescriptor.of(i, i, i, i, a), ERRNO_OPTION);
        EPOLL_WAIT = linker.downcallHandle(lookup.find("epoll_wait").orElseThrow(),
                FunctionDescriptor.of(i, i, a, i, i), ERRNO_OPTION);
        MOUNT = linker.downcallHandle(lookup.find("mount").orElseThrow(),
                FunctionDescriptor.of(i, a, a, a, j, a), ERRNO_OPTION);
        GETPAGESIZE = linker.downcallHandle(lookup.find("getpagesize").orElseThrow(), FunctionDescriptor.of(i));
        SCHED_GETAFFINITY = linker.downcallHandle(lookup.find("sched_getaffinity").orElseThrow(),
                FunctionDescriptor.of(i, i, j, a), ERRNO_OPTION);
        SCHED_SETAFFINITY = linker.downcallHandle(lookup.find("sched_setaffinity").orElseThrow(),
                FunctionDescriptor.of(i, i, j, a), ERRNO_OPTION);
    }

    private Libc() {
    }

    private static SyscallException failure(String what, MemorySegment state) {
        return new SyscallException(what, (int) ERRNO.get(state, 0L));
    }

    private static IllegalStateException broken(String what, Throwable t) {
        return new IllegalStateException("calling " + what + " through the Foreign Function API failed", t);
    }

    /**
     * perf_event_open(2) for every task on {@code cpu} of an event of {@code type} and
     * {@code config} that samples each occurrence with its raw record and wakes its reader on
     * each; returns the event's fd (close-on-exec).
     */
    public static int perfEventOpen(int type, long config, int cpu) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(PERF_ATTR_SIZE, 8);
            attr.set(ValueLayout.JAVA_INT, 0, type);
            attr.set(ValueLayout.JAVA_INT, 4, PERF_ATTR_SIZE);
            attr.set(ValueLayout.JAVA_LONG, 8, config);
            attr.set(ValueLayout.JAVA_LONG, 16, 1);
            attr.set(ValueLayout.JAVA_LONG, 24, PERF_SAMPLE_RAW);
            attr.set(ValueLayout.JAVA_INT, 48, 1);
            return perfEventOpen(attr, -1, cpu);
        }
    }

    private static int perfEventOpen(MemorySegment attr, int pid, int cpu) {
        if (SYS_PERF_EVENT_OPEN < 0) {
            throw new SyscallException("perf_event_open (unknown syscall number on " + System.getProperty("os.arch")
                    + ")", Errno.ENOSYS);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            long r = (long) SYSCALL5.invokeExact(state, SYS_PERF_EVENT_OPEN, attr, (long) pid, (long) cpu, -1L,
                    PERF_FLAG_FD_CLOEXEC);
            if (r < 0) {
                throw failure("perf_event_open", state);
            }
            return (int) r;
        } catch (SyscallException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("perf_event_open", t);
        }
    }

    /** ioctl(2) with an integer argument. */
    public static void ioctl(String what, int fd, long request, long argument) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int r = (int) IOCTL.invokeExact(state, fd, request, argument);
            if (r < 0) {
                throw failure(what, state);
            }
        } catch (SyscallException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("ioctl", t);
        }
    }

    /** mmap(2) of {@code length} bytes of {@code fd} at {@code offset}, shared. */
    public static MemorySegment mmap(String what, long length, int prot, int fd, long offset) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment r = (MemorySegment) MMAP.invokeExact(state, MemorySegment.NULL, length, prot, MAP_SHARED,
                    fd, offset);
            if (r.address() == -1L) {
                throw failure(what, state);
            }
            return r.reinterpret(length);
        } catch (SyscallException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("mmap", t);
        }
    }

    public static void munmap(MemorySegment mapping) {
        try {
            int ignored = (int) MUNMAP.invokeExact(mapping, mapping.byteSize());
        } catch (Throwable t) {
            throw broken("munmap", t);
        }
    }

    /** A new epoll instance watching {@code fd} for input. */
    public static int epollFor(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int ep = (int) EPOLL_CREATE1.invokeExact(state, EPOLL_CLOEXEC);
            if (ep < 0) {
                throw failure("epoll_create1", state);
            }
            MemorySegment event = arena.allocate(EPOLL_EVENT_SIZE, 8);
            event.set(ValueLayout.JAVA_INT, 0, EPOLLIN);
            int r = (int) EPOLL_CTL.invokeExact(state, ep, EPOLL_CTL_ADD, fd, event);
            if (r < 0) {
                SyscallException e = failure("epoll_ctl", state);
                BpfSyscall.close(ep);
                throw e;
            }
            return ep;
        } catch (SyscallException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("epoll", t);
        }
    }

    /** Waits up to {@code timeoutMillis} for input; true when some arrived (false on timeout or a signal). */
    public static boolean epollWait(int epollFd, int timeoutMillis) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment events = arena.allocate(EPOLL_EVENT_SIZE, 8);
            int r = (int) EPOLL_WAIT.invokeExact(state, epollFd, events, 1, timeoutMillis);
            if (r < 0) {
                SyscallException e = failure("epoll_wait", state);
                if (e.errno() == Errno.EINTR) {
                    return false;
                }
                throw e;
            }
            return r > 0;
        } catch (SyscallException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("epoll_wait", t);
        }
    }

    /** The size of a memory page, the unit of mmap offsets. */
    public static int pageSize() {
        try {
            return (int) GETPAGESIZE.invokeExact();
        } catch (Throwable t) {
            throw broken("getpagesize", t);
        }
    }

    /** mount(2) of a pseudo file system ({@code tracefs}) at {@code target}. */
    public static void mount(String fsType, String target) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int r = (int) MOUNT.invokeExact(state, arena.allocateFrom("nodev"), arena.allocateFrom(target),
                    arena.allocateFrom(fsType), 0L, MemorySegment.NULL);
            if (r < 0) {
                throw failure("mount " + fsType + " on " + target, state);
            }
        } catch (SyscallException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("mount", t);
        }
    }

    /** The CPUs the calling thread may run on, as a cpu_set_t of {@link #CPU_SET_BYTES} bytes. */
    public static byte[] threadAffinity() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment mask = arena.allocate(CPU_SET_BYTES, 8);
            int r = (int) SCHED_GETAFFINITY.invokeExact(state, 0, (long) CPU_SET_BYTES, mask);
            if (r < 0) {
                throw failure("sched_getaffinity", state);
            }
            return mask.toArray(ValueLayout.JAVA_BYTE);
        } catch (SyscallException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("sched_getaffinity", t);
        }
    }

    /**
     * Lets the calling thread run only on the CPUs of {@code mask} (a cpu_set_t); the kernel moves
     * it there before this returns.
     */
    public static void setThreadAffinity(byte[] mask) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment m = arena.allocate(CPU_SET_BYTES, 8);
            MemorySegment.copy(mask, 0, m, ValueLayout.JAVA_BYTE, 0, Math.min(mask.length, CPU_SET_BYTES));
            int r = (int) SCHED_SETAFFINITY.invokeExact(state, 0, (long) CPU_SET_BYTES, m);
            if (r < 0) {
                throw failure("sched_setaffinity", state);
            }
        } catch (SyscallException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("sched_setaffinity", t);
        }
    }
}
