package dev.jvmbpf.runtime.maps;

import dev.jvmbpf.runtime.memory.Region;

/**
 * A map shared by programs and Java code. Return codes follow the kernel: 0 or a negative errno.
 * Implementations are safe under concurrent use.
 */
public interface BpfMap {
    MapSpec spec();

    /** The region holding the value for {@code key}, or null when there is none. */
    Region lookup(byte[] key);

    /** {@code flags} is BPF_ANY (0), BPF_NOEXIST (1) or BPF_EXIST (2). */
    int update(byte[] key, byte[] value, long flags);

    int delete(byte[] key);
}
