package dev.jvmbpf.kernel;

import dev.jvmbpf.kernel.internal.BpfSyscall;
import dev.jvmbpf.kernel.internal.Forwarder;
import dev.jvmbpf.kernel.internal.Libc;
import dev.jvmbpf.kernel.internal.RingBufferReader;
import dev.jvmbpf.kernel.internal.SyscallException;
import dev.jvmbpf.kernel.internal.Tracefs;
import dev.jvmbpf.kernel.internal.VerifierRejection;
import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.program.ProgramType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The kernel as an event source: for each {@link TraceTarget}, a forwarding program
 * ({@link Forwarder}, assembled here) loaded into the running kernel and attached to the event
 * copies every occurrence into one BPF ring buffer, which this class reads memory-mapped. The
 * JVM then runs the user's program on the {@link KernelEvent}s.
 *
 * <p>{@link #close()} detaches and frees every kernel object (the kernel would also free them
 * when the process ends, as they live only as this process's file descriptors). Polling and
 * closing are serialized, so another thread may close a tracer while one polls it.
 */
public final class KernelTracer implements AutoCloseable {
    /** The default ring buffer: 8 MiB, some 70,000 events of a syscall tracepoint. */
    public static final int DEFAULT_RING_BUFFER_BYTES = 8 << 20;
    /** The arguments a raw tracepoint's forwarder copies: the kernel passes at most 12. */
    private static final int RAW_TRACEPOINT_ARGS = 12;
    private static final int PERF_TYPE_TRACEPOINT = 2;
    private static final long PERF_EVENT_IOC_ENABLE = 0x2400;
    private static final long PERF_EVENT_IOC_SET_BPF = 0x40042408;

    private final List<TraceTarget> targets;
    private final int[] captureSizes;
    private final List<Integer> fds = new ArrayList<>();
    private final List<Integer> attachments = new ArrayList<>();
    private int dropsFd = -1;
    private RingBufferReader reader;
    private boolean closed;

    private KernelTracer(List<TraceTarget> targets) {
        this.targets = List.copyOf(targets);
        this.captureSizes = new int[targets.size()];
    }

    /**
     * Loads and attaches a forwarder per target; an {@link IllegalStateException} with one line
     * saying why when the kernel cannot (no bpf(2), not root, no tracefs, no such event).
     */
    public static KernelTracer attach(List<TraceTarget> targets, int ringBufferBytes) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("nothing to trace");
        }
        if (Integer.bitCount(ringBufferBytes) != 1 || ringBufferBytes < Libc.pageSize()) {
            throw new IllegalArgumentException("the ring buffer size must be a power of two of at least a page, got "
                    + ringBufferBytes);
        }
        KernelAvailability a = KernelBpf.availability();
        if (!a.available()) {
            throw new IllegalStateException("trace: " + a.refusal());
        }
        KernelTracer t = new KernelTracer(targets);
        try {
            t.open(ringBufferBytes);
            return t;
        } catch (SyscallException e) {
            t.close();
            throw new IllegalStateException("trace: " + explain(e));
        } catch (VerifierRejection e) {
            t.close();
            throw new IllegalStateException("trace: the kernel refused the forwarding program (" + Errno.name(e.errno())
                    + "): " + lastLine(e.log()));
        } catch (IllegalArgumentException | IllegalStateException e) {
            t.close();
            throw new IllegalStateException("trace: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    private static String explain(SyscallException e) {
        return e.errno() == Errno.EPERM || e.errno() == Errno.EACCES
                ? e.call() + " not permitted (" + Errno.name(e.errno()) + "): tracing needs root (CAP_BPF and CAP_PERFMON)"
                : e.getMessage();
    }

    private static String lastLine(String log) {
        List<String> lines = log.strip().lines().toList();
        return lines.isEmpty() ? "no log" : lines.getLast();
    }

    private void open(int ringBufferBytes) {
        int ring = keep(BpfSyscall.createMap(MapType.RINGBUF.id(), "jvmbpf_trace", 0, 0, ringBufferBytes, 0, 0));
        dropsFd = keep(BpfSyscall.createArrayMap("jvmbpf_drops", 8, 1, 0));
        Tracefs tracefs = null;
        for (int i = 0; i < targets.size(); i++) {
            TraceTarget target = targets.get(i);
            int type;
            int capture;
            if (target.type() == ProgramType.TRACEPOINT) {
                if (tracefs == null) {
                    tracefs = Tracefs.open();
                }
                Tracefs.Tracepoint tp = tracefs.tracepoint(target.category(), target.name());
                capture = tp.recordSize();
                type = KernelVerifier.kernelType(ProgramType.TRACEPOINT);
                int prog = keep(BpfSyscall.loadProgram(type, "jvmbpf_fwd", Forwarder.code(ring, dropsFd, i, capture)));
                attachments.add(attachTracepoint(tp.id(), prog));
            } else {
                capture = RAW_TRACEPOINT_ARGS * 8;
                type = KernelVerifier.kernelType(ProgramType.RAW_TRACEPOINT);
                int prog = keep(BpfSyscall.loadProgram(type, "jvmbpf_fwd", Forwarder.code(ring, dropsFd, i, capture)));
                attachments.add(BpfSyscall.rawTracepointOpen(target.name(), prog));
            }
            captureSizes[i] = capture;
        }
        reader = new RingBufferReader(ring, ringBufferBytes);
    }

    private int keep(int fd) {
        fds.add(fd);
        return fd;
    }

    /** perf_event_open on the tracepoint (all tasks, CPU 0: the program runs on every CPU), then the program on it. */
    private static int attachTracepoint(int id, int progFd) {
        int fd = Libc.perfEventOpen(PERF_TYPE_TRACEPOINT, id, 0);
        try {
            Libc.ioctl("PERF_EVENT_IOC_SET_BPF", fd, PERF_EVENT_IOC_SET_BPF, progFd);
            Libc.ioctl("PERF_EVENT_IOC_ENABLE", fd, PERF_EVENT_IOC_ENABLE, 0);
            return fd;
        } catch (RuntimeException e) {
            BpfSyscall.close(fd);
            throw e;
        }
    }

    /**
     * Attaches {@code program} (loaded with {@link KernelObjectProgram#loadForTracing}) to
     * {@code target}, so that it runs in the kernel on the real events; closing the result
     * detaches it. An {@link IllegalStateException} with one line when the kernel cannot.
     */
    public static Attachment attachProgram(KernelObjectProgram program, TraceTarget target) {
        try {
            int fd = target.type() == ProgramType.TRACEPOINT
                    ? attachTracepoint(Tracefs.open().tracepoint(target.category(), target.name()).id(),
                            program.programFd())
                    : BpfSyscall.rawTracepointOpen(target.name(), program.programFd());
            return () -> BpfSyscall.close(fd);
        } catch (SyscallException e) {
            throw new IllegalStateException("trace: " + explain(e));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalStateException("trace: " + e.getMessage(), e);
        }
    }

    /** A program attached to an event; closing detaches it. */
    public interface Attachment extends AutoCloseable {
        @Override
        void close();
    }

    public List<TraceTarget> targets() {
        return targets;
    }

    /** How many bytes of the context the forwarder of target {@code index} copies. */
    public int captureSize(int index) {
        return captureSizes[index];
    }

    /**
     * Waits up to {@code timeoutMillis} for events when none is waiting, then hands at most
     * {@code limit} of them to {@code sink}; returns how many. 0 once closed.
     */
    public synchronized int poll(int timeoutMillis, int limit, Consumer<KernelEvent> sink) {
        return await(timeoutMillis) ? drain(limit, sink) : 0;
    }

    /** Returns at once when events wait, else waits up to {@code timeoutMillis} for some; true when some wait. */
    public synchronized boolean await(int timeoutMillis) {
        return !closed && (reader.hasRecords() || reader.await(timeoutMillis));
    }

    /** Hands at most {@code limit} waiting events to {@code sink} without waiting; returns how many. */
    public synchronized int drain(int limit, Consumer<KernelEvent> sink) {
        return closed ? 0 : reader.drain(record -> sink.accept(KernelEvent.decode(record)), limit);
    }

    /** Events the kernel could not forward because the ring buffer was full. */
    public synchronized long dropped() {
        if (closed) {
            return 0;
        }
        byte[] v = BpfSyscall.lookupElement(dropsFd, 0, 8);
        return ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** Detaches the forwarders and frees the ring buffer, the programs and the maps. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int fd : attachments) {
            BpfSyscall.close(fd);
        }
        attachments.clear();
        if (reader != null) {
            reader.close();
        }
        for (int fd : fds.reversed()) {
            BpfSyscall.close(fd);
        }
        fds.clear();
    }
}
