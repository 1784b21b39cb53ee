package dev.jvmbpf.runtime.maps;

/**
 * Maps without keys that the push/pop/peek helpers (87-89) use: queue, stack and bloom filter.
 * Return codes are the kernel's: 0 or a negative errno.
 */
public interface QueueMap extends BpfMap {
    /**
     * Adds {@code value}. When full: {@code -E2BIG} (-7), unless {@code flags} is BPF_EXIST (2),
     * which drops the oldest element to make room. A bloom filter records the value.
     */
    int push(byte[] value, long flags);

    /** Removes the next element into {@code into}; {@code -ENOENT} (-2) when empty. */
    int pop(byte[] into);

    /**
     * Copies the next element into {@code into} without removing it; {@code -ENOENT} when empty.
     * A bloom filter instead tests {@code into} (read-only): 0 when it may be present, else -ENOENT.
     */
    int peek(byte[] into);
}
