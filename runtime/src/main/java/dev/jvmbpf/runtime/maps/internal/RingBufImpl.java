package dev.jvmbpf.runtime.maps.internal;

import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.maps.MapFlags;
import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.RingBufferMap;
import dev.jvmbpf.runtime.memory.Region;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * RINGBUF. The ring is {@code max_entries} bytes addressed by ever-growing 64-bit producer and
 * consumer positions. The kernel maps the ring's pages twice in a row so a record that wraps is
 * still contiguous; here the backing array is twice the ring size and a record that runs past
 * the end simply continues into the second half. Producer and consumer agree on where each
 * record lives (at its position modulo the size, for as many bytes as it has), and at most a
 * ring's worth of records is in flight, so no two live records ever share bytes.
 *
 * <p>Byte-array views have no atomic access modes on this JDK, and program atomics on any map
 * memory hold the monitor of its backing array ({@code AddressSpace.atomic}). The ring follows
 * the same rule: reservations, commits and the consumer's reading of headers all hold the
 * array's monitor, which also orders a record's data before the header that publishes it.
 */
public final class RingBufImpl implements RingBufferMap {
    static final int HEADER = 8;
    static final int BUSY = 1 << 31;
    static final int DISCARD = 1 << 30;
    /** The kernel refuses records whose length would collide with the busy and discard bits. */
    static final long MAX_RECORD = 0x3fff_ffffL;
    private static final int PAGE_SHIFT = 12;
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class,
            java.nio.ByteOrder.LITTLE_ENDIAN);

    private final MapSpec spec;
    private final String recordName;
    private final int size;
    private final long mask;
    private final byte[] data;
    private final Object signal = new Object();
    private volatile long producerPos;
    private volatile long consumerPos;
    private volatile int waiters;

    public RingBufImpl(MapSpec spec) {
        this.spec = spec;
        this.recordName = spec.name() + " record";
        this.size = spec.maxEntries();
        this.mask = size - 1L;
        this.data = new byte[size * 2];
    }

    @Override
    public MapSpec spec() {
        return spec;
    }

    private int offsetOf(long position) {
        return (int) (position & mask);
    }

    @Override
    public Region reserve(long requested) {
        if (requested < 0 || requested > MAX_RECORD) {
            return null;
        }
        long length = (requested + HEADER + 7) & ~7L;
        if (length > size) {
            return null;
        }
        synchronized (data) {
            long prod = producerPos;
            long next = prod + length;
            if (next - consumerPos > mask) {
                return null;
            }
            int off = offsetOf(prod);
            INT.set(data, off + 4, off >>> PAGE_SHIFT);
            INT.set(data, off, (int) requested | BUSY);
            producerPos = next;
            return Region.slice(recordName, data, off + HEADER, (int) requested, true);
        }
    }

    /**
     * A record is pending when its region starts right after a header of this ring that is
     * still busy with the region's length: a region of another ring, an already committed
     * record or a window that is not a whole record is refused.
     */
    @Override
    public boolean commit(Region sample, boolean discard, long flags) {
        if (sample == null || sample.data() != data) {
            return false;
        }
        int off = sample.base() - HEADER;
        if (off < 0 || off >= size) {
            return false;
        }
        synchronized (data) {
            if ((int) INT.get(data, off) != (sample.size() | BUSY)) {
                return false;
            }
            INT.set(data, off, sample.size() | (discard ? DISCARD : 0));
        }
        if ((flags & MapFlags.BPF_RB_NO_WAKEUP) == 0 && waiters > 0) {
            synchronized (signal) {
                signal.notifyAll();
            }
        }
        return true;
    }

    @Override
    public int output(byte[] bytes, long flags) {
        if ((flags & ~(MapFlags.BPF_RB_NO_WAKEUP | MapFlags.BPF_RB_FORCE_WAKEUP)) != 0) {
            return -Errno.EINVAL;
        }
        Region r = reserve(bytes.length);
        if (r == null) {
            return -Errno.EAGAIN;
        }
        System.arraycopy(bytes, 0, data, r.base(), bytes.length);
        commit(r, false, flags);
        return 0;
    }

    @Override
    public long query(long flags) {
        if (flags == MapFlags.BPF_RB_AVAIL_DATA) {
            return producerPos - consumerPos;
        } else if (flags == MapFlags.BPF_RB_RING_SIZE) {
            return size;
        } else if (flags == MapFlags.BPF_RB_CONS_POS) {
            return consumerPos;
        } else if (flags == MapFlags.BPF_RB_PROD_POS) {
            return producerPos;
        }
        return 0;
    }

    @Override
    public synchronized int consume(RecordHandler handler) {
        int handed = 0;
        long cons = consumerPos;
        while (cons < producerPos) {
            int off = offsetOf(cons);
            int header = header(off);
            if ((header & BUSY) != 0) {
                break;
            }
            int length = header & ~(BUSY | DISCARD);
            long total = (length + HEADER + 7) & ~7L;
            byte[] record = null;
            if ((header & DISCARD) == 0) {
                record = new byte[length];
                System.arraycopy(data, off + HEADER, record, 0, length);
            }
            cons += total;
            consumerPos = cons;
            if (record != null) {
                handed++;
                int r = handler.onRecord(record);
                if (r < 0) {
                    return r;
                }
            }
        }
        return handed;
    }

    @Override
    public boolean await(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        synchronized (signal) {
            waiters++;
            try {
                while (!hasCommitted()) {
                    long left = (deadline - System.nanoTime()) / 1_000_000L;
                    if (left <= 0) {
                        return false;
                    }
                    signal.wait(left);
                }
                return true;
            } finally {
                waiters--;
            }
        }
    }

    private int header(int off) {
        synchronized (data) {
            return (int) INT.get(data, off);
        }
    }

    private boolean hasCommitted() {
        long cons = consumerPos;
        return cons < producerPos && (header(offsetOf(cons)) & BUSY) == 0;
    }

    @Override
    public Region lookup(byte[] key) {
        return null;
    }

    @Override
    public int update(byte[] key, byte[] value, long flags) {
        return -Errno.ENOTSUPP;
    }

    @Override
    public int delete(byte[] key) {
        return -Errno.ENOTSUPP;
    }

    @Override
    public List<byte[]> keys() {
        return List.of();
    }

    @Override
    public int size() {
        return 0;
    }
}
