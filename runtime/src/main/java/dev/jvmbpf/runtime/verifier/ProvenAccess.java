package dev.jvmbpf.runtime.verifier;

/**
 * What the verifier proved about one load or store: on every path that reaches the instruction,
 * its base register points into a region of this kind and the whole access lies inside it.
 *
 * <p>For {@link Region#PACKET} the proof is the kernel's: a comparison of a pointer derived from
 * the same packet pointer with {@code data_end} showed that {@code data <= address} and
 * {@code address + size <= data_end}; {@link #minOffset()} is the smallest offset from
 * {@code data} the access can start at and {@link #maxEnd()} is -1 (the end is bounded by
 * {@code data_end}, not by a constant). For {@link Region#MAP_VALUE} the base points into one value
 * of the map {@code mapIndex} of the program (an element, or the global data of a
 * {@code PSEUDO_MAP_IDX_VALUE}), and every byte accessed lies in [{@code minOffset}, {@code maxEnd})
 * of that value, with {@code maxEnd <= value size}. For {@link Region#MEMORY} the base points
 * into a ring-buffer record of a constant size, and the bytes lie in [{@code minOffset},
 * {@code maxEnd}) of it. Which element or record the base points to is not known statically: an
 * engine still has to find the region of the address, but it can skip the bounds comparison.
 *
 * @param region the kind of region
 * @param mapIndex for {@link Region#MAP_VALUE}, the index in {@code BpfProgram.maps()}; else -1
 * @param minOffset the lowest offset in the region the access can start at
 * @param maxEnd the highest offset (exclusive) the access can reach, or -1 for packets
 */
public record ProvenAccess(Region region, int mapIndex, long minOffset, long maxEnd) {
    /** The kinds of region whose bounds the verifier proves. */
    public enum Region {
        PACKET,
        MAP_VALUE,
        MEMORY
    }

    /** The fact that covers both this access and {@code other}, or null when they differ in region. */
    ProvenAccess merge(ProvenAccess other) {
        if (other.region != region || other.mapIndex != mapIndex) {
            return null;
        }
        long end = maxEnd < 0 || other.maxEnd < 0 ? -1 : Math.max(maxEnd, other.maxEnd);
        return new ProvenAccess(region, mapIndex, Math.min(minOffset, other.minOffset), end);
    }
}
