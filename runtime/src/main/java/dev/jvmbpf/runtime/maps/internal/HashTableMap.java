package dev.jvmbpf.runtime.maps.internal;

import dev.jvmbpf.runtime.maps.IterableMap;
import dev.jvmbpf.runtime.maps.Cpus;
import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.maps.MapEntry;
import dev.jvmbpf.runtime.maps.MapFlags;
import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.memory.Region;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * HASH, PERCPU_HASH, LRU_HASH and LRU_PERCPU_HASH.
 *
 * <p>A fixed table of {@code roundup_pow_of_two(max_entries)} buckets, as in the kernel, so that
 * BPF_MAP_GET_NEXT_KEY can walk bucket by bucket. A bucket is an immutable array of elements
 * replaced on every change (readers never lock; writers lock a stripe of buckets, or the whole
 * map for LRU maps, whose recency list spans buckets).
 *
 * <p>Updating an existing key of a plain hash map installs a new element with new storage, like
 * the kernel: a program still holding the old value's region keeps the old memory. Per-CPU maps
 * update the existing element in place, as the kernel does.
 *
 * <p>LRU maps keep exact recency: a program lookup stamps the element with a global tick without
 * locking; the recency list is ordered lazily when an eviction needs its least recent element.
 */
public final class HashTableMap implements IterableMap {
    private static final int STRIPES = 64;

    private final MapSpec spec;
    /** Region names per CPU, made once: elements are created on every update. */
    private final String[] valueNames;
    private final String keyName;
    private final boolean percpu;
    private final boolean lru;
    private final int cpus;
    private final int stride;
    private final boolean writable;
    /** {@link Bytes#start} for this map's seed and key size: every key hashes from it. */
    private final long hashStart;
    private final AtomicReferenceArray<Element[]> buckets;
    private final int mask;
    private final Object[] locks;
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicLong clock = new AtomicLong();
    /** Recency list of LRU maps, least recent first; guarded by {@code locks[0]} (the only lock then). */
    private Element head;
    private Element tail;

    private static final Element[] EMPTY = new Element[0];

    private final class Element {
        final byte[] key;
        final long hash;
        final byte[] storage;
        final Region[] values;
        volatile Region keyRegion;
        volatile long lastUse;
        long listStamp;
        Element prev;
        Element next;

        Element(byte[] key, long hash) {
            this.key = key;
            this.hash = hash;
            this.storage = new byte[stride * cpus];
            this.values = new Region[cpus];
            for (int c = 0; c < cpus; c++) {
                values[c] = Region.slice(valueNames[c], storage, c * stride,
                        spec.valueSize(), writable);
            }
        }

        Region keyRegion() {
            Region k = keyRegion;
            if (k == null) {
                k = Region.of(keyName, key, false);
                keyRegion = k;
            }
            return k;
        }
    }

    public HashTableMap(MapSpec spec) {
        this.spec = spec;
        MapType t = spec.type();
        this.percpu = t == MapType.PERCPU_HASH || t == MapType.LRU_PERCPU_HASH;
        this.lru = t == MapType.LRU_HASH || t == MapType.LRU_PERCPU_HASH;
        this.cpus = percpu ? Cpus.count() : 1;
        this.stride = Cpus.stride(spec.valueSize());
        this.valueNames = new String[cpus];
        for (int c = 0; c < cpus; c++) {
            valueNames[c] = spec.name() + " value" + (percpu ? "@cpu" + c : "");
        }
        this.keyName = spec.name() + " key";
        this.writable = (spec.flags() & MapFlags.BPF_F_RDONLY_PROG) == 0;
        long seed = (spec.flags() & MapFlags.BPF_F_ZERO_SEED) != 0 ? 0 : ThreadLocalRandom.current().nextLong();
        this.hashStart = Bytes.start(seed, spec.keySize());
        int n = Math.min(Bytes.nextPowerOfTwo(spec.maxEntriesUnsigned()), 1 << 20);
        this.buckets = new AtomicReferenceArray<>(n);
        for (int i = 0; i < n; i++) {
            buckets.setPlain(i, EMPTY);
        }
        this.mask = n - 1;
        this.locks = new Object[lru ? 1 : Math.min(STRIPES, n)];
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
    }

    @Override
    public MapSpec spec() {
        return spec;
    }

    private Object lockOf(int bucket) {
        return locks[bucket & (locks.length - 1)];
    }

    private long hashOf(byte[] key) {
        Bytes.requireLength(spec, "key", key, spec.keySize());
        return Bytes.hashFrom(hashStart, key, 0, key.length);
    }

    private int bucketOf(long hash) {
        return (int) (hash ^ (hash >>> 32)) & mask;
    }

    private static int indexIn(Element[] bucket, byte[] key, long hash) {
        for (int i = 0; i < bucket.length; i++) {
            Element e = bucket[i];
            if (e.hash == hash && Arrays.equals(e.key, key)) {
                return i;
            }
        }
        return -1;
    }

    private Element find(byte[] key) {
        long h = hashOf(key);
        Element[] bucket = buckets.get(bucketOf(h));
        int i = indexIn(bucket, key, h);
        return i < 0 ? null : bucket[i];
    }

    @Override
    public Region lookup(byte[] key) {
        Element e = find(key);
        if (e == null) {
            return null;
        }
        if (lru) {
            e.lastUse = clock.incrementAndGet();
        }
        return e.values[percpu ? Cpus.current() : 0];
    }

    @Override
    public Region lookupPerCpu(byte[] key, int cpu) {
        if (!percpu || cpu < 0 || cpu >= cpus) {
            return null;
        }
        Element e = find(key);
        if (e == null) {
            return null;
        }
        if (lru) {
            e.lastUse = clock.incrementAndGet();
        }
        return e.values[cpu];
    }

    /** The syscall view does not count as a use for LRU maps, as in the kernel. */
    @Override
    public byte[] lookupValue(byte[] key) {
        Element e = find(key);
        return e == null ? null : copyOut(e);
    }

    private byte[] copyOut(Element e) {
        if (percpu) {
            return e.storage.clone();
        }
        return Arrays.copyOf(e.storage, spec.valueSize());
    }

    /** True when {@code value} is the syscall view of a per-CPU map (all CPUs). */
    private boolean checkValue(byte[] value) {
        if (percpu && value != null && value.length == stride * cpus && value.length != spec.valueSize()) {
            return true;
        }
        Bytes.requireLength(spec, "value", value, spec.valueSize());
        return false;
    }

    /** Program atomics hold the storage's monitor (AddressSpace.atomic), so an in-place update does too. */
    private void fill(Element e, byte[] value, boolean allCpus) {
        synchronized (e.storage) {
            if (allCpus) {
                System.arraycopy(value, 0, e.storage, 0, value.length);
            } else {
                System.arraycopy(value, 0, e.storage, (percpu ? Cpus.current() : 0) * stride, spec.valueSize());
            }
        }
    }

    @Override
    public int update(byte[] key, byte[] value, long flags) {
        long h = hashOf(key);
        boolean allCpus = checkValue(value);
        if (flags != MapFlags.BPF_ANY && flags != MapFlags.BPF_NOEXIST && flags != MapFlags.BPF_EXIST) {
            return -Errno.EINVAL;
        }
        byte[] keyCopy = key.clone();
        int b = bucketOf(h);
        synchronized (lockOf(b)) {
            Element[] bucket = buckets.get(b);
            int i = indexIn(bucket, key, h);
            if (i >= 0) {
                if (flags == MapFlags.BPF_NOEXIST) {
                    return -Errno.EEXIST;
                }
                Element old = bucket[i];
                if (percpu) {
                    fill(old, value, allCpus);
                    touch(old);
                    return 0;
                }
                Element fresh = new Element(keyCopy, h);
                fill(fresh, value, false);
                Element[] next = bucket.clone();
                next[i] = fresh;
                buckets.set(b, next);
                if (lru) {
                    unlink(old);
                    append(fresh);
                }
                return 0;
            }
            if (flags == MapFlags.BPF_EXIST) {
                return -Errno.ENOENT;
            }
            if (lru) {
                if (count.get() >= spec.maxEntries()) {
                    evictOne();
                    bucket = buckets.get(b);
                }
                count.incrementAndGet();
            } else if (!reserveSlot()) {
                return -Errno.E2BIG;
            }
            Element fresh = new Element(keyCopy, h);
            fill(fresh, value, allCpus);
            Element[] next = Arrays.copyOf(bucket, bucket.length + 1);
            next[bucket.length] = fresh;
            buckets.set(b, next);
            if (lru) {
                append(fresh);
            }
            return 0;
        }
    }

    private boolean reserveSlot() {
        while (true) {
            int c = count.get();
            if (c >= spec.maxEntries()) {
                return false;
            }
            if (count.compareAndSet(c, c + 1)) {
                return true;
            }
        }
    }

    /** Removes element {@code e} from bucket {@code b}; the caller holds the bucket's lock. */
    private void removeFromBucket(int b, Element e) {
        Element[] bucket = buckets.get(b);
        int i = -1;
        for (int j = 0; j < bucket.length; j++) {
            if (bucket[j] == e) {
                i = j;
                break;
            }
        }
        if (i < 0) {
            return;
        }
        Element[] next = new Element[bucket.length - 1];
        System.arraycopy(bucket, 0, next, 0, i);
        System.arraycopy(bucket, i + 1, next, i, bucket.length - i - 1);
        buckets.set(b, next);
        count.decrementAndGet();
        if (lru) {
            unlink(e);
        }
    }

    @Override
    public int delete(byte[] key) {
        return remove(key, null);
    }

    private int remove(byte[] key, byte[] valueOut) {
        long h = hashOf(key);
        int b = bucketOf(h);
        synchronized (lockOf(b)) {
            Element[] bucket = buckets.get(b);
            int i = indexIn(bucket, key, h);
            if (i < 0) {
                return -Errno.ENOENT;
            }
            Element e = bucket[i];
            if (valueOut != null) {
                byte[] v = copyOut(e);
                System.arraycopy(v, 0, valueOut, 0, v.length);
            }
            removeFromBucket(b, e);
            return 0;
        }
    }

    @Override
    public int lookupAndDelete(byte[] key, byte[] valueOut) {
        Bytes.requireLength(spec, "value buffer", valueOut, percpu ? stride * cpus : spec.valueSize());
        return remove(key, valueOut);
    }

    @Override
    public byte[] nextKey(byte[] key) {
        int from = 0;
        if (key != null) {
            long h = hashOf(key);
            int b = bucketOf(h);
            Element[] bucket = buckets.get(b);
            int i = indexIn(bucket, key, h);
            if (i >= 0) {
                if (i + 1 < bucket.length) {
                    return bucket[i + 1].key.clone();
                }
                from = b + 1;
            }
        }
        for (int b = from; b <= mask; b++) {
            Element[] bucket = buckets.get(b);
            if (bucket.length > 0) {
                return bucket[0].key.clone();
            }
        }
        return null;
    }

    @Override
    public List<byte[]> keys() {
        List<byte[]> out = new ArrayList<>();
        for (int b = 0; b <= mask; b++) {
            for (Element e : buckets.get(b)) {
                out.add(e.key.clone());
            }
        }
        return out;
    }

    @Override
    public List<MapEntry> entries() {
        List<MapEntry> out = new ArrayList<>();
        for (int b = 0; b <= mask; b++) {
            for (Element e : buckets.get(b)) {
                out.add(new MapEntry(e.key, copyOut(e)));
            }
        }
        return out;
    }

    @Override
    public int size() {
        return count.get();
    }

    @Override
    public long forEach(ElementVisitor visitor) {
        int cpu = percpu ? Cpus.current() : 0;
        long visited = 0;
        for (int b = 0; b <= mask; b++) {
            for (Element e : buckets.get(b)) {
                visited++;
                if (visitor.visit(e.keyRegion(), e.values[cpu]) != 0) {
                    return visited;
                }
            }
        }
        return visited;
    }

    // LRU bookkeeping; every method below runs under the map's single lock.

    private void touch(Element e) {
        if (lru) {
            e.lastUse = clock.incrementAndGet();
        }
    }

    private void append(Element e) {
        long stamp = clock.incrementAndGet();
        e.lastUse = stamp;
        e.listStamp = stamp;
        e.prev = tail;
        e.next = null;
        if (tail == null) {
            head = e;
        } else {
            tail.next = e;
        }
        tail = e;
    }

    private void unlink(Element e) {
        if (e.prev == null) {
            if (head == e) {
                head = e.next;
            }
        } else {
            e.prev.next = e.next;
        }
        if (e.next == null) {
            if (tail == e) {
                tail = e.prev;
            }
        } else {
            e.next.prev = e.prev;
        }
        e.prev = null;
        e.next = null;
    }

    /** Places {@code e} by its stamp, searching from the most recent end. */
    private void insertSorted(Element e) {
        Element after = tail;
        while (after != null && after.listStamp > e.listStamp) {
            after = after.prev;
        }
        e.prev = after;
        e.next = after == null ? head : after.next;
        if (after == null) {
            head = e;
        } else {
            after.next = e;
        }
        if (e.next == null) {
            tail = e;
        } else {
            e.next.prev = e;
        }
    }

    /**
     * Evicts the least recently used element. An element used since it was placed is moved to
     * its place by its last use; the first element found unused since placement is the least
     * recent of all, because the list is sorted by placement stamps and uses only raise them.
     */
    private void evictOne() {
        int budget = count.get() + 1;
        Element victim = head;
        while (victim != null && budget-- > 0) {
            long used = victim.lastUse;
            if (used == victim.listStamp) {
                break;
            }
            unlink(victim);
            victim.listStamp = used;
            insertSorted(victim);
            victim = head;
        }
        if (victim != null) {
            removeFromBucket(bucketOf(victim.hash), victim);
        }
    }
}
