package dev.jvmbpf.runtime.maps;

import dev.jvmbpf.runtime.memory.Region;

/**
 * A map whose keys are 32-bit indexes (the array maps): a lookup by number gives what
 * {@link BpfMap#lookup} gives for the index's four little-endian key bytes, without building
 * them, so that compiled code can look elements up directly.
 */
public interface IndexedMap extends BpfMap {
    /** As {@link #lookup} of the key whose u32 value is {@code index}: the element, or null when out of range. */
    Region lookupIndex(int index);
}
