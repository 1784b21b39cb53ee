package dev.jvmbpf.kernel.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * One CPU's {@code PERF_COUNT_SW_BPF_OUTPUT} event, what user space stores in a perf event array
 * for {@code bpf_perf_event_output}, with its ring memory-mapped: the control page
 * ({@code struct perf_event_mmap_page}), then a power-of-two data area the kernel writes records
 * into, {@code data_head} ahead of the {@code data_tail} this reader advances. Not thread-safe.
 */
public final class PerfEventRing implements AutoCloseable {
    private static final int PERF_TYPE_SOFTWARE = 1;
    private static final long PERF_COUNT_SW_BPF_OUTPUT = 10;
    /** perf_event_header.type of a sample and of a count of samples the kernel had no room for. */
    private static final int PERF_RECORD_LOST = 2;
    private static final int PERF_RECORD_SAMPLE = 9;
    private static final int HEADER = 8;
    // Offsets in struct perf_event_mmap_page.
    private static final long DATA_HEAD = 1024;
    private static final long DATA_TAIL = 1032;
    private static final long DATA_OFFSET = 1040;
    private static final long DATA_SIZE = 1048;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private final int cpu;
    private final int fd;
    private final MemorySegment mapping;
    private final long dataOffset;
    private final long dataSize;
    private boolean closed;

    /** What a ring holds: samples, in the order the kernel wrote them, and counts of lost ones. */
    public interface Sink {
        void sample(byte[] data);

        void lost(long count);
    }

    private PerfEventRing(int cpu, int fd, MemorySegment mapping, long dataOffset, long dataSize) {
        this.cpu = cpu;
        this.fd = fd;
        this.mapping = mapping;
        this.dataOffset = dataOffset;
        this.dataSize = dataSize;
    }

    /**
     * Opens the event on {@code cpu} for every task, enabled, one sample per output, and maps
     * {@code dataPages} pages (a power of two) of ring behind its control page.
     */
    public static PerfEventRing open(int cpu, int dataPages) {
        if (Integer.bitCount(dataPages) != 1) {
            throw new IllegalArgumentException("perf ring pages must be a power of two, got " + dataPages);
        }
        int fd = Libc.perfEventOpen(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_BPF_OUTPUT, cpu);
        int page = Libc.pageSize();
        MemorySegment mapping;
        try {
            mapping = Libc.mmap("mmap of the perf event ring of CPU " + cpu, (long) page * (1 + dataPages),
                    Libc.PROT_READ | Libc.PROT_WRITE, fd, 0);
        } catch (RuntimeException e) {
            BpfSyscall.close(fd);
            throw e;
        }
        // Kernels before 4.1 leave data_offset and data_size zero: the data follows the first page.
        long offset = mapping.get(ValueLayout.JAVA_LONG, DATA_OFFSET);
        long size = mapping.get(ValueLayout.JAVA_LONG, DATA_SIZE);
        return new PerfEventRing(cpu, fd, mapping, offset == 0 ? page : offset,
                size == 0 ? (long) page * dataPages : size);
    }

    public int cpu() {
        return cpu;
    }

    /** The event's fd, the value user space stores at this CPU's slot of a perf event array. */
    public int fd() {
        return fd;
    }

    /**
     * Hands every record the kernel completed to {@code sink} (a sample's raw bytes as the kernel
     * stored them, padded with zeros so that size and data fill whole 8-byte words), and frees
     * their space; returns how many records it read.
     */
    public int drain(Sink sink) {
        if (closed) {
            return 0;
        }
        long head = (long) LONG.getAcquire(mapping, DATA_HEAD);
        long tail = (long) LONG.getAcquire(mapping, DATA_TAIL);
        int read = 0;
        while (tail < head) {
            byte[] header = copy(tail, HEADER);
            int type = u32(header, 0);
            int size = (header[6] & 0xff) | (header[7] & 0xff) << 8;
            if (size < HEADER) {
                // Never written by a kernel; stop rather than loop on a corrupt ring.
                tail = head;
                break;
            }
            byte[] record = copy(tail, size);
            if (type == PERF_RECORD_SAMPLE && size >= HEADER + 4) {
                int raw = Math.min(u32(record, HEADER), size - HEADER - 4);
                byte[] data = new byte[raw];
                System.arraycopy(record, HEADER + 4, data, 0, raw);
                sink.sample(data);
                read++;
            } else if (type == PERF_RECORD_LOST && size >= HEADER + 16) {
                sink.lost(u64(record, HEADER + 8));
                read++;
            }
            tail += size;
        }
        LONG.setRelease(mapping, DATA_TAIL, tail);
        return read;
    }

    /** {@code length} bytes of the ring from position {@code at}, across its end when the record wraps. */
    private byte[] copy(long at, int length) {
        byte[] out = new byte[length];
        long start = at & (dataSize - 1);
        long first = Math.min(length, dataSize - start);
        MemorySegment.copy(mapping, ValueLayout.JAVA_BYTE, dataOffset + start, out, 0, (int) first);
        if (first < length) {
            MemorySegment.copy(mapping, ValueLayout.JAVA_BYTE, dataOffset, out, (int) first, (int) (length - first));
        }
        return out;
    }

    private static int u32(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }

    private static long u64(byte[] b, int at) {
        return Integer.toUnsignedLong(u32(b, at)) | (long) u32(b, at + 4) << 32;
    }

    /** Unmaps the ring and closes the event. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Libc.munmap(mapping);
        BpfSyscall.close(fd);
    }
}
