package dev.jvmbpf.kernel.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * The consumer side of a kernel BPF ring buffer, memory-mapped as the kernel lays it out: the
 * consumer position page (read-write), then the producer position page and the data area mapped
 * twice in a row (read-only), so that a record wrapping around the end reads as one piece.
 * Waits for records with epoll on the map's fd. Not thread-safe.
 */
public final class RingBufferReader implements AutoCloseable {
    private static final int BUSY_BIT = 1 << 31;
    private static final int DISCARD_BIT = 1 << 30;
    private static final int RECORD_HEADER = 8;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final MemorySegment consumer;
    private final MemorySegment producerAndData;
    private final long dataOffset;
    private final long mask;
    private final int epoll;
    private boolean closed;

    /** Maps ring buffer {@code mapFd} of {@code size} bytes (a power of two, a multiple of the page size). */
    public RingBufferReader(int mapFd, int size) {
        int page = Libc.pageSize();
        this.dataOffset = page;
        this.mask = size - 1L;
        this.consumer = Libc.mmap("mmap of the ring buffer's consumer page", page,
                Libc.PROT_READ | Libc.PROT_WRITE, mapFd, 0);
        MemorySegment data;
        try {
            data = Libc.mmap("mmap of the ring buffer's data", page + 2L * size, Libc.PROT_READ, mapFd, page);
        } catch (RuntimeException e) {
            Libc.munmap(consumer);
            throw e;
        }
        this.producerAndData = data;
        int ep;
        try {
            ep = Libc.epollFor(mapFd);
        } catch (RuntimeException e) {
            Libc.munmap(consumer);
            Libc.munmap(data);
            throw e;
        }
        this.epoll = ep;
    }

    /** Waits up to {@code timeoutMillis} for the kernel to signal records; true when it did. */
    public boolean await(int timeoutMillis) {
        return !closed && Libc.epollWait(epoll, timeoutMillis);
    }

    /** Whether records wait to be read. */
    public boolean hasRecords() {
        return !closed && (long) LONG.getAcquire(consumer, 0L) < (long) LONG.getAcquire(producerAndData, 0L);
    }

    /**
     * Hands every committed record to {@code sink} (a copy of its bytes) up to the first one still
     * being written, at most {@code limit} of them, and frees their space; returns how many it read.
     */
    public int drain(Consumer<byte[]> sink, int limit) {
        if (closed) {
            return 0;
        }
        long cons = (long) LONG.getAcquire(consumer, 0L);
        long prod = (long) LONG.getAcquire(producerAndData, 0L);
        int read = 0;
        while (cons < prod && read < limit) {
            long at = dataOffset + (cons & mask);
            int header = (int) INT.getAcquire(producerAndData, at);
            if ((header & BUSY_BIT) != 0) {
                break;
            }
            int length = header & ~(BUSY_BIT | DISCARD_BIT);
            cons += (length + RECORD_HEADER + 7) & ~7L;
            if ((header & DISCARD_BIT) == 0) {
                sink.accept(producerAndData.asSlice(at + RECORD_HEADER, length).toArray(ValueLayout.JAVA_BYTE));
                read++;
                if (closed) {
                    // The sink closed this reader: the mappings are gone, so touch nothing more.
                    return read;
                }
            }
            // Free the space at once, so that the kernel can reuse it while the sink works.
            LONG.setRelease(consumer, 0L, cons);
        }
        return read;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        BpfSyscall.close(epoll);
        Libc.munmap(producerAndData);
        Libc.munmap(consumer);
    }
}
