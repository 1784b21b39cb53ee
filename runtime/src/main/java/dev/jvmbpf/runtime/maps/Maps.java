package dev.jvmbpf.runtime.maps;

import static dev.jvmbpf.runtime.maps.MapFlags.ACCESS_MASK;
import static dev.jvmbpf.runtime.maps.MapFlags.BPF_F_INNER_MAP;
import static dev.jvmbpf.runtime.maps.MapFlags.BPF_F_MMAPABLE;
import static dev.jvmbpf.runtime.maps.MapFlags.BPF_F_NO_COMMON_LRU;
import static dev.jvmbpf.runtime.maps.MapFlags.BPF_F_NO_PREALLOC;
import static dev.jvmbpf.runtime.maps.MapFlags.BPF_F_NUMA_NODE;
import static dev.jvmbpf.runtime.maps.MapFlags.BPF_F_PRESERVE_ELEMS;
import static dev.jvmbpf.runtime.maps.MapFlags.BPF_F_RDONLY;
import static dev.jvmbpf.runtime.maps.MapFlags.BPF_F_RDONLY_PROG;
import static dev.jvmbpf.runtime.maps.MapFlags.BPF_F_STACK_BUILD_ID;
import static dev.jvmbpf.runtime.maps.MapFlags.BPF_F_WRONLY;
import static dev.jvmbpf.runtime.maps.MapFlags.BPF_F_WRONLY_PROG;
import static dev.jvmbpf.runtime.maps.MapFlags.BPF_F_ZERO_SEED;

import dev.jvmbpf.runtime.maps.internal.ArrayMap;
import dev.jvmbpf.runtime.maps.internal.BloomFilterMapImpl;
import dev.jvmbpf.runtime.maps.internal.CgroupStorageMap;
import dev.jvmbpf.runtime.maps.internal.HashTableMap;
import dev.jvmbpf.runtime.maps.internal.KernelObjectMap;
import dev.jvmbpf.runtime.maps.internal.LpmTrieMap;
import dev.jvmbpf.runtime.maps.internal.PerfEventArrayImpl;
import dev.jvmbpf.runtime.maps.internal.ProgArrayImpl;
import dev.jvmbpf.runtime.maps.internal.QueueStackMap;
import dev.jvmbpf.runtime.maps.internal.RingBufImpl;
import dev.jvmbpf.runtime.maps.internal.UnmodelledMap;
import dev.jvmbpf.runtime.maps.internal.UserRingBufImpl;

/**
 * Creates maps from specs, refusing what the kernel's map_create refuses, with the errno it would
 * return ({@link MapCreationException#errno()}) and a message naming the map and the problem.
 *
 * <p>One liberty, taken from libbpf: a PERF_EVENT_ARRAY with max_entries 0 gets one slot per CPU.
 *
 * <p>How far each type is modelled: STACK_TRACE is a hash of stack id to u64 address arrays;
 * maps whose values name kernel objects (devmaps, cpumap, xskmap, sockmap/sockhash, cgroup
 * array, array/hash of maps) hold those values for user space and give programs NULL for absent
 * elements ({@code KernelObjectMap}); cgroup storage holds the one storage of the run's
 * attachment; user ring buffers queue samples a Java producer submits; the remaining types
 * (sk/inode/task/cgrp storage, struct_ops, arena, reuseport arrays) are created so that their objects open, and fault on any use.
 */
public final class Maps {
    /** The kernel's largest single allocation, which bounds value sizes. */
    static final int KMALLOC_MAX_SIZE = 4 << 20;
    /** The largest per-CPU value. */
    static final int PCPU_MIN_UNIT_SIZE = 32 << 10;
    /** The kernel's per-element header of hash maps, which counts against the element limit. */
    static final int HTAB_ELEM_HEADER = 48;
    /** The kernel's largest hash table: power-of-two buckets of 16 bytes whose total size fits a u32. */
    static final long HTAB_MAX_BUCKETS = 1L << 27;
    /** The kernel's PAGE_SIZE (4 KiB on x86-64 and, by default, arm64): ring buffer sizes are multiples of it. */
    public static final int PAGE_SIZE = 4096;
    /** The largest ring buffer this runtime allocates (a Java array holds it twice over). */
    static final int RINGBUF_MAX_BYTES = 256 << 20;
    /** The largest Java array the VM allocates, with room for its header. */
    static final int MAX_STORAGE_BYTES = Integer.MAX_VALUE - 16;
    static final int LPM_DATA_SIZE_MAX = 256;

    private static final int HASH_FLAGS = BPF_F_NO_PREALLOC | BPF_F_NO_COMMON_LRU | BPF_F_NUMA_NODE | ACCESS_MASK
            | BPF_F_ZERO_SEED;
    private static final int ARRAY_FLAGS = BPF_F_NUMA_NODE | BPF_F_MMAPABLE | ACCESS_MASK | BPF_F_PRESERVE_ELEMS
            | BPF_F_INNER_MAP;

    private Maps() {
    }

    /** The CPU index of the calling thread, as per-CPU maps see it. */
    public static int currentCpu() {
        return Cpus.current();
    }

    public static BpfMap create(MapSpec spec) {
        MapSpec s = spec;
        if (s.type() == MapType.PERF_EVENT_ARRAY && s.maxEntries() == 0) {
            s = s.withMaxEntries(Cpus.count());
        }
        validate(s);
        try {
            return allocate(s);
        } catch (OutOfMemoryError e) {
            // One allocation of the map's storage failed as a whole, so nothing is half-built and
            // the heap is as it was; the kernel answers a failed allocation with ENOMEM too.
            throw new MapCreationException(s, Errno.ENOMEM, "not enough Java heap for max_entries "
                    + s.maxEntriesUnsigned() + " x value_size " + s.valueSize() + " (raise -Xmx)");
        }
    }

    private static BpfMap allocate(MapSpec s) {
        return switch (s.type()) {
            case HASH, PERCPU_HASH, LRU_HASH, LRU_PERCPU_HASH -> new HashTableMap(s);
            case ARRAY, PERCPU_ARRAY -> new ArrayMap(s);
            case PROG_ARRAY -> new ProgArrayImpl(s);
            case PERF_EVENT_ARRAY -> new PerfEventArrayImpl(s);
            case LPM_TRIE -> new LpmTrieMap(s);
            case QUEUE, STACK -> new QueueStackMap(s);
            case BLOOM_FILTER -> new BloomFilterMapImpl(s);
            case RINGBUF -> new RingBufImpl(s);
            case STACK_TRACE -> new HashTableMap(s);
            case CGROUP_ARRAY, DEVMAP, DEVMAP_HASH, CPUMAP, XSKMAP, SOCKMAP, SOCKHASH, ARRAY_OF_MAPS, HASH_OF_MAPS ->
                new KernelObjectMap(s);
            case USER_RINGBUF -> new UserRingBufImpl(s);
            case CGROUP_STORAGE, PERCPU_CGROUP_STORAGE -> new CgroupStorageMap(s);
            case SK_STORAGE, INODE_STORAGE, TASK_STORAGE, CGRP_STORAGE, STRUCT_OPS, ARENA, REUSEPORT_SOCKARRAY ->
                new UnmodelledMap(s, "this runtime does not model " + s.type() + " maps yet");
        };
    }

    private static MapCreationException invalid(MapSpec s, String problem) {
        return new MapCreationException(s, Errno.EINVAL, problem);
    }

    private static MapCreationException tooBig(MapSpec s, String problem) {
        return new MapCreationException(s, Errno.E2BIG, problem);
    }

    /** Throws {@link MapCreationException} for a spec the kernel would refuse. */
    public static void validate(MapSpec s) {
        int f = s.flags();
        if ((f & BPF_F_RDONLY) != 0 && (f & BPF_F_WRONLY) != 0) {
            throw invalid(s, "flags BPF_F_RDONLY and BPF_F_WRONLY exclude each other");
        }
        if ((f & BPF_F_RDONLY_PROG) != 0 && (f & BPF_F_WRONLY_PROG) != 0) {
            throw invalid(s, "flags BPF_F_RDONLY_PROG and BPF_F_WRONLY_PROG exclude each other");
        }
        if (s.keySize() < 0 || s.valueSize() < 0) {
            throw invalid(s, "negative key_size " + s.keySize() + " or value_size " + s.valueSize());
        }
        if (s.maxEntries() == 0 && !localStorage(s.type())) {
            throw invalid(s, "max_entries must be > 0, got 0");
        }
        if (s.mapExtra() != 0 && s.type() != MapType.BLOOM_FILTER) {
            throw invalid(s, "map_extra is only for bloom filters");
        }
        switch (s.type()) {
            case HASH, PERCPU_HASH, LRU_HASH, LRU_PERCPU_HASH -> validateHash(s);
            case ARRAY, PERCPU_ARRAY -> validateArray(s);
            case PROG_ARRAY, PERF_EVENT_ARRAY -> {
                requireFlags(s, ARRAY_FLAGS);
                if (s.keySize() != 4 || s.valueSize() != 4) {
                    throw invalid(s, "key_size and value_size must be 4, got " + s.keySize() + " and " + s.valueSize());
                }
                if ((f & (BPF_F_MMAPABLE | BPF_F_INNER_MAP)) != 0) {
                    throw invalid(s, "BPF_F_MMAPABLE and BPF_F_INNER_MAP are for arrays only");
                }
                if (s.type() != MapType.PERF_EVENT_ARRAY && (f & BPF_F_PRESERVE_ELEMS) != 0) {
                    throw invalid(s, "BPF_F_PRESERVE_ELEMS is for perf event arrays only");
                }
                requireStorage(s, s.maxEntriesUnsigned() * Long.BYTES);
            }
            case LPM_TRIE -> validateLpm(s);
            case QUEUE, STACK -> {
                requireFlags(s, BPF_F_NUMA_NODE | ACCESS_MASK);
                requireNoKey(s);
                requireValue(s);
                requireStorage(s, s.maxEntriesUnsigned() * s.valueSize());
            }
            case BLOOM_FILTER -> {
                requireFlags(s, BPF_F_NUMA_NODE | BPF_F_ZERO_SEED | ACCESS_MASK);
                requireNoKey(s);
                requireValue(s);
                if ((s.mapExtra() & ~0xfL) != 0) {
                    throw invalid(s, "map_extra 0x" + Long.toHexString(s.mapExtra())
                            + " has bits beyond the 4-bit number of hash functions");
                }
            }
            case STACK_TRACE -> validateStackTrace(s);
            case CGROUP_ARRAY, DEVMAP, DEVMAP_HASH, CPUMAP, XSKMAP, SOCKMAP, SOCKHASH, ARRAY_OF_MAPS, HASH_OF_MAPS ->
                validateKernelObjects(s);
            case SK_STORAGE, INODE_STORAGE, TASK_STORAGE, CGRP_STORAGE, STRUCT_OPS, ARENA, REUSEPORT_SOCKARRAY -> {
                // created unmodelled: any use faults, so nothing is allocated to check
            }
            case CGROUP_STORAGE, PERCPU_CGROUP_STORAGE -> validateCgroupStorage(s);
            case RINGBUF, USER_RINGBUF -> {
                requireFlags(s, BPF_F_NUMA_NODE);
                if (s.keySize() != 0 || s.valueSize() != 0) {
                    throw invalid(s, "key_size and value_size must be 0, got " + s.keySize() + " and " + s.valueSize());
                }
                long n = s.maxEntriesUnsigned();
                if (Long.bitCount(n) != 1 || n % PAGE_SIZE != 0) {
                    throw invalid(s, "max_entries " + n + " must be a power of 2 and a multiple of " + PAGE_SIZE);
                }
                if (n > RINGBUF_MAX_BYTES) {
                    throw tooBig(s, "ring of " + n + " bytes exceeds the " + RINGBUF_MAX_BYTES + "-byte limit");
                }
            }
        }
    }

    /** Storage attached to a kernel object: the kernel wants max_entries 0 for these. */
    private static boolean localStorage(MapType t) {
        return t == MapType.SK_STORAGE || t == MapType.INODE_STORAGE || t == MapType.TASK_STORAGE
                || t == MapType.CGRP_STORAGE || t == MapType.CGROUP_STORAGE || t == MapType.PERCPU_CGROUP_STORAGE;
    }

    /**
     * BPF_LOCAL_STORAGE_MAX_VALUE_SIZE: U16_MAX less the kernel's struct bpf_local_storage_elem
     * (128 bytes on x86-64 Linux 6.18, where 65407 is the largest value size map_create takes).
     */
    static final int LOCAL_STORAGE_MAX_VALUE = 0xffff - 128;

    /** struct bpf_cgroup_storage_key: the cgroup's inode id (u64) and the attach type (u32), padded. */
    static final int CGROUP_STORAGE_KEY_SIZE = 16;

    /** The kernel's cgroup_storage_map_alloc. */
    private static void validateCgroupStorage(MapSpec s) {
        requireFlags(s, BPF_F_NUMA_NODE | ACCESS_MASK);
        if (s.maxEntries() != 0) {
            throw invalid(s, "max_entries must be 0 (one storage per attachment), got "
                    + Integer.toUnsignedString(s.maxEntries()));
        }
        if (s.keySize() != CGROUP_STORAGE_KEY_SIZE && s.keySize() != Long.BYTES) {
            throw invalid(s, "key_size must be " + CGROUP_STORAGE_KEY_SIZE + " (struct bpf_cgroup_storage_key) or 8, got "
                    + s.keySize());
        }
        int max = s.type() == MapType.PERCPU_CGROUP_STORAGE ? Math.min(LOCAL_STORAGE_MAX_VALUE, PCPU_MIN_UNIT_SIZE)
                : LOCAL_STORAGE_MAX_VALUE;
        if (s.valueSize() == 0) {
            throw invalid(s, "value_size must be > 0");
        }
        if (s.valueSize() > max) {
            throw tooBig(s, "value_size " + s.valueSize() + " exceeds " + max);
        }
    }

    /** The kernel's perf_event_max_stack default: the deepest stack a stack trace map stores. */
    static final int MAX_STACK = 127;

    private static void validateKernelObjects(MapSpec s) {
        MapType t = s.type();
        boolean hashed = t == MapType.SOCKHASH || t == MapType.HASH_OF_MAPS;
        if (hashed ? s.keySize() == 0 : s.keySize() != 4) {
            throw invalid(s, "key_size must be " + (hashed ? "> 0" : "4") + ", got " + s.keySize());
        }
        boolean withProgram = t == MapType.DEVMAP || t == MapType.DEVMAP_HASH || t == MapType.CPUMAP
                || t == MapType.SOCKMAP || t == MapType.SOCKHASH;
        if (s.valueSize() != 4 && !(withProgram && s.valueSize() == 8)) {
            throw invalid(s, "value_size must be 4" + (withProgram ? " or 8" : "") + ", got " + s.valueSize());
        }
        if (hashed && padded(s.keySize()) + 8 + HTAB_ELEM_HEADER > KMALLOC_MAX_SIZE) {
            throw tooBig(s, "key_size " + s.keySize() + " exceeds the largest element of " + KMALLOC_MAX_SIZE + " bytes");
        }
    }

    private static void validateStackTrace(MapSpec s) {
        requireFlags(s, BPF_F_NUMA_NODE | ACCESS_MASK | BPF_F_STACK_BUILD_ID);
        if (s.maxEntriesUnsigned() > 1L << 31) {
            // the kernel's bound before it rounds the bucket count up to a power of two
            throw tooBig(s, "max_entries " + s.maxEntriesUnsigned() + " exceeds 2^31");
        }
        if (s.keySize() != 4) {
            throw invalid(s, "key_size must be 4, got " + s.keySize());
        }
        int frame = (s.flags() & BPF_F_STACK_BUILD_ID) != 0 ? 32 : 8;
        if (s.valueSize() < frame || s.valueSize() % frame != 0) {
            throw invalid(s, "value_size " + s.valueSize() + " must be a positive multiple of " + frame
                    + " (one entry per frame)");
        }
        if (s.valueSize() / frame > MAX_STACK) {
            throw invalid(s, "value_size " + s.valueSize() + " holds more than " + MAX_STACK + " frames");
        }
    }

    private static void requireFlags(MapSpec s, int allowed) {
        int bad = s.flags() & ~allowed;
        if (bad != 0) {
            throw invalid(s, "map_flags 0x" + Integer.toHexString(bad) + " not allowed for this map type");
        }
    }

    /**
     * The kernel takes maps as large as its allocator allows; here one Java array holds a map's
     * slots, so its size is the limit, refused up front rather than failing as an allocation.
     */
    private static void requireStorage(MapSpec s, long bytes) {
        if (bytes > MAX_STORAGE_BYTES) {
            throw tooBig(s, "max_entries " + s.maxEntriesUnsigned() + " needs " + bytes + " bytes, more than one map can hold ("
                    + MAX_STORAGE_BYTES + ")");
        }
    }

    /** A size rounded up to 8 bytes, without the int overflow of sizes near 2^31. */
    private static long padded(int size) {
        return ((long) size + 7) & ~7L;
    }

    private static void requireNoKey(MapSpec s) {
        if (s.keySize() != 0) {
            throw invalid(s, "key_size must be 0, got " + s.keySize());
        }
    }

    private static void requireValue(MapSpec s) {
        if (s.valueSize() == 0) {
            throw invalid(s, "value_size must be > 0");
        }
        if (s.valueSize() > KMALLOC_MAX_SIZE) {
            throw tooBig(s, "value_size " + s.valueSize() + " exceeds " + KMALLOC_MAX_SIZE);
        }
    }

    private static void validateHash(MapSpec s) {
        requireFlags(s, HASH_FLAGS);
        boolean lru = s.type() == MapType.LRU_HASH || s.type() == MapType.LRU_PERCPU_HASH;
        boolean percpu = s.type() == MapType.PERCPU_HASH || s.type() == MapType.LRU_PERCPU_HASH;
        if (!lru && (s.flags() & BPF_F_NO_COMMON_LRU) != 0) {
            throw invalid(s, "BPF_F_NO_COMMON_LRU is for LRU maps only");
        }
        if (lru && (s.flags() & BPF_F_NO_PREALLOC) != 0) {
            throw new MapCreationException(s, Errno.ENOTSUPP, "LRU maps are always preallocated (BPF_F_NO_PREALLOC)");
        }
        if (s.keySize() == 0 || s.valueSize() == 0) {
            throw invalid(s, "key_size and value_size must be > 0, got " + s.keySize() + " and " + s.valueSize());
        }
        // current kernels bound the element (key and value, each padded to 8, plus its header),
        // not the key alone
        if (padded(s.keySize()) + padded(s.valueSize()) + HTAB_ELEM_HEADER > KMALLOC_MAX_SIZE) {
            throw tooBig(s, "key_size " + s.keySize() + " + value_size " + s.valueSize()
                    + " exceed the largest element of " + KMALLOC_MAX_SIZE + " bytes");
        }
        if (percpu && s.valueSize() > PCPU_MIN_UNIT_SIZE) {
            throw tooBig(s, "per-CPU value_size " + s.valueSize() + " exceeds " + PCPU_MIN_UNIT_SIZE);
        }
        // The kernel's table has a power-of-two number of 16-byte buckets whose size must fit a
        // u32, allocated up front even without preallocated elements: at most 2^27 buckets.
        long entries = s.maxEntriesUnsigned();
        long buckets = entries <= 1 ? 1 : Long.highestOneBit(entries - 1) << 1;
        if (buckets > HTAB_MAX_BUCKETS) {
            throw tooBig(s, "max_entries " + s.maxEntriesUnsigned() + " needs " + buckets
                    + " hash buckets, the kernel's table holds at most " + HTAB_MAX_BUCKETS + " (max_entries up to "
                    + HTAB_MAX_BUCKETS + ")");
        }
    }

    private static void validateArray(MapSpec s) {
        requireFlags(s, ARRAY_FLAGS);
        boolean percpu = s.type() == MapType.PERCPU_ARRAY;
        if (s.keySize() != 4) {
            throw invalid(s, "key_size must be 4, got " + s.keySize());
        }
        if (s.valueSize() == 0) {
            throw invalid(s, "value_size must be > 0");
        }
        if (s.valueSize() > KMALLOC_MAX_SIZE) {
            throw tooBig(s, "value_size " + s.valueSize() + " exceeds " + KMALLOC_MAX_SIZE);
        }
        if ((s.flags() & BPF_F_PRESERVE_ELEMS) != 0) {
            throw invalid(s, "BPF_F_PRESERVE_ELEMS is for perf event arrays only");
        }
        if (percpu && (s.flags() & (BPF_F_MMAPABLE | BPF_F_INNER_MAP)) != 0) {
            throw invalid(s, "a per-CPU array cannot be BPF_F_MMAPABLE or BPF_F_INNER_MAP");
        }
        if (percpu && s.valueSize() > PCPU_MIN_UNIT_SIZE) {
            throw tooBig(s, "per-CPU value_size " + s.valueSize() + " exceeds " + PCPU_MIN_UNIT_SIZE);
        }
        // The kernel allocates an array whole when it is created: on Linux 6.18, 2^31 entries of 4
        // bytes (16 GiB) are accepted where the memory is there, 2^32 - 1 of 8 fail with ENOMEM.
        // Here one Java array holds the slots, so that is the limit: ENOMEM, as the kernel
        // answers an allocation it cannot make.
        long bytes = ArrayMap.storageBytes(s);
        if (bytes > MAX_STORAGE_BYTES) {
            throw new MapCreationException(s, Errno.ENOMEM, "max_entries " + s.maxEntriesUnsigned() + " x value_size "
                    + s.valueSize() + " needs " + bytes + " bytes, more than one array map can hold here ("
                    + MAX_STORAGE_BYTES + "); the kernel allocates it whole, or fails with ENOMEM");
        }
    }

    private static void validateLpm(MapSpec s) {
        if ((s.flags() & BPF_F_NO_PREALLOC) == 0) {
            throw invalid(s, "an LPM trie needs BPF_F_NO_PREALLOC");
        }
        requireFlags(s, BPF_F_NO_PREALLOC | BPF_F_NUMA_NODE | ACCESS_MASK);
        if (s.keySize() < 4 + 1 || s.keySize() > 4 + LPM_DATA_SIZE_MAX) {
            throw invalid(s, "key_size " + s.keySize() + " must be 4 (prefix length) + 1.." + LPM_DATA_SIZE_MAX
                    + " data bytes");
        }
        if (s.valueSize() < 1 || s.valueSize() > KMALLOC_MAX_SIZE - LPM_DATA_SIZE_MAX - 64) {
            throw invalid(s, "value_size " + s.valueSize() + " out of range");
        }
    }
}
