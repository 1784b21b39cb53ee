package dev.jvmbpf.runtime.maps.internal;

import dev.jvmbpf.runtime.maps.IterableMap;
import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.maps.MapEntry;
import dev.jvmbpf.runtime.maps.MapFlags;
import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.memory.Region;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * LPM_TRIE. A key is a little-endian u32 prefix length followed by the data, matched from the
 * most significant bit of its first byte. Prefixes are kept in a sorted map whose order is the
 * post-order of the binary trie they form (a more specific prefix before the prefix containing
 * it, a 0 branch before a 1 branch), which is the order BPF_MAP_GET_NEXT_KEY walks in the kernel.
 * A lookup probes the prefix lengths present, longest first, up to the key's own prefix length.
 * Updating a prefix installs a new element with new storage, as the kernel replaces the node.
 */
public final class LpmTrieMap implements IterableMap {
    private final MapSpec spec;
    private final int dataBytes;
    private final int maxPrefix;
    private final boolean writable;
    private final ConcurrentSkipListMap<Prefix, Element> elements;
    /** How many elements have each prefix length; guarded by {@code this}. */
    private final int[] lengthCount;
    /** Prefix lengths in use, longest first; replaced whole on change. */
    private volatile int[] lengths = new int[0];

    /** A prefix: the first {@code length} bits of {@code raw} from byte 4 on; raw may be a caller's key. */
    private record Prefix(int length, byte[] raw) {
    }

    private record Element(byte[] key, Region value, Region keyRegion) {
    }

    public LpmTrieMap(MapSpec spec) {
        this.spec = spec;
        this.dataBytes = spec.keySize() - 4;
        this.maxPrefix = dataBytes * 8;
        this.writable = (spec.flags() & MapFlags.BPF_F_RDONLY_PROG) == 0;
        this.elements = new ConcurrentSkipListMap<>(POST_ORDER);
        this.lengthCount = new int[maxPrefix + 1];
    }

    private static int bitAt(byte[] raw, int bit) {
        return (raw[4 + (bit >>> 3)] >>> (7 - (bit & 7))) & 1;
    }

    /** The first bit below {@code limit} where a and b differ, or -1. */
    private static int firstDifference(byte[] a, byte[] b, int limit) {
        int fullBytes = limit >>> 3;
        for (int i = 0; i < fullBytes; i++) {
            int x = (a[4 + i] ^ b[4 + i]) & 0xff;
            if (x != 0) {
                return i * 8 + Integer.numberOfLeadingZeros(x) - 24;
            }
        }
        int rest = limit & 7;
        if (rest != 0) {
            int x = (a[4 + fullBytes] ^ b[4 + fullBytes]) & 0xff & (0xff00 >>> rest);
            if (x != 0) {
                return fullBytes * 8 + Integer.numberOfLeadingZeros(x) - 24;
            }
        }
        return -1;
    }

    private static final Comparator<Prefix> POST_ORDER = (a, b) -> {
        int common = Math.min(a.length, b.length);
        int d = firstDifference(a.raw, b.raw, common);
        if (d >= 0) {
            return Integer.compare(bitAt(a.raw, d), bitAt(b.raw, d));
        }
        return Integer.compare(b.length, a.length);
    };

    @Override
    public MapSpec spec() {
        return spec;
    }

    private int prefixLength(byte[] key) {
        Bytes.requireLength(spec, "key", key, spec.keySize());
        return Bytes.u32(key);
    }

    private Element longestMatch(byte[] key) {
        int limit = prefixLength(key);
        for (int length : lengths) {
            if (Integer.compareUnsigned(length, limit) <= 0) {
                Element e = elements.get(new Prefix(length, key));
                if (e != null) {
                    return e;
                }
            }
        }
        return null;
    }

    @Override
    public Region lookup(byte[] key) {
        Element e = longestMatch(key);
        return e == null ? null : e.value;
    }

    @Override
    public byte[] lookupValue(byte[] key) {
        Element e = longestMatch(key);
        return e == null ? null : e.value.toByteArray();
    }

    @Override
    public int update(byte[] key, byte[] value, long flags) {
        int length = prefixLength(key);
        Bytes.requireLength(spec, "value", value, spec.valueSize());
        if (flags != MapFlags.BPF_ANY && flags != MapFlags.BPF_NOEXIST && flags != MapFlags.BPF_EXIST) {
            return -Errno.EINVAL;
        }
        if (Integer.compareUnsigned(length, maxPrefix) > 0) {
            return -Errno.EINVAL;
        }
        byte[] keyCopy = key.clone();
        Prefix p = new Prefix(length, keyCopy);
        Element fresh = new Element(keyCopy, Region.of(spec.name() + " value", value.clone(), writable),
                Region.of(spec.name() + " key", keyCopy, false));
        synchronized (this) {
            boolean present = elements.containsKey(p);
            if (present && flags == MapFlags.BPF_NOEXIST) {
                return -Errno.EEXIST;
            }
            if (!present && flags == MapFlags.BPF_EXIST) {
                return -Errno.ENOENT;
            }
            if (!present && elements.size() >= spec.maxEntriesUnsigned()) {
                return -Errno.ENOSPC;
            }
            // put keeps the stored prefix and swaps the element atomically: readers never miss it
            elements.put(p, fresh);
            if (!present && lengthCount[length]++ == 0) {
                rebuildLengths();
            }
            return 0;
        }
    }

    private void rebuildLengths() {
        int n = 0;
        for (int c : lengthCount) {
            n += c > 0 ? 1 : 0;
        }
        int[] out = new int[n];
        int i = 0;
        for (int len = maxPrefix; len >= 0; len--) {
            if (lengthCount[len] > 0) {
                out[i++] = len;
            }
        }
        lengths = out;
    }

    @Override
    public int delete(byte[] key) {
        int length = prefixLength(key);
        if (Integer.compareUnsigned(length, maxPrefix) > 0) {
            return -Errno.EINVAL;
        }
        synchronized (this) {
            if (elements.remove(new Prefix(length, key)) == null) {
                return -Errno.ENOENT;
            }
            if (--lengthCount[length] == 0) {
                rebuildLengths();
            }
            return 0;
        }
    }

    @Override
    public byte[] nextKey(byte[] key) {
        Map.Entry<Prefix, Element> next;
        if (key == null) {
            next = elements.firstEntry();
        } else {
            int length = prefixLength(key);
            Prefix p = new Prefix(length, key);
            if (Integer.compareUnsigned(length, maxPrefix) > 0 || !elements.containsKey(p)) {
                next = elements.firstEntry();
            } else {
                next = elements.higherEntry(p);
            }
        }
        return next == null ? null : next.getValue().key.clone();
    }

    @Override
    public List<byte[]> keys() {
        List<byte[]> out = new ArrayList<>();
        for (Element e : elements.values()) {
            out.add(e.key.clone());
        }
        return out;
    }

    @Override
    public List<MapEntry> entries() {
        List<MapEntry> out = new ArrayList<>();
        for (Element e : elements.values()) {
            out.add(new MapEntry(e.key, e.value.toByteArray()));
        }
        return out;
    }

    @Override
    public int size() {
        return elements.size();
    }
}
