package dev.jvmbpf.runtime.maps;

import java.util.Objects;

/**
 * The shape of a map, as an ELF object or the Java API declares it. {@code flags} are the kernel's
 * {@code map_flags} ({@link MapFlags}); {@code mapExtra} is the kernel's {@code map_extra} (the
 * number of hash functions of a bloom filter in its low 4 bits). {@code maxEntries} is the kernel's
 * {@code max_entries}, an unsigned 32-bit count held in an int's 32 bits (2^31 and more read as
 * negative ints): read it through {@link #maxEntriesUnsigned()}.
 */
public record MapSpec(String name, MapType type, int keySize, int valueSize, int maxEntries, int flags,
        long mapExtra) {
    public MapSpec {
        Objects.requireNonNull(name, "map name");
        Objects.requireNonNull(type, "map type of " + name);
    }

    public MapSpec(String name, MapType type, int keySize, int valueSize, int maxEntries, int flags) {
        this(name, type, keySize, valueSize, maxEntries, flags, 0);
    }

    /** {@code max_entries} as the kernel's u32: 0 to 2^32 - 1. */
    public long maxEntriesUnsigned() {
        return Integer.toUnsignedLong(maxEntries);
    }

    public MapSpec withMaxEntries(int entries) {
        return new MapSpec(name, type, keySize, valueSize, entries, flags, mapExtra);
    }
}
