package dev.jvmbpf.runtime.maps;

/**
 * A PROG_ARRAY: slots holding programs for tail calls. A slot holds any object the engines agree
 * on (an {@code Executable}); Java code fills slots with {@link #set}, since the kernel's
 * program file descriptors have no meaning here. {@link #update} with bytes returns -EINVAL;
 * {@link #delete} empties a slot. The limit of 33 tail calls is the helper's business.
 */
public interface ProgArrayMap extends BpfMap {
    /** Puts {@code program} in slot {@code index} (null empties it): 0, or -E2BIG when out of range. */
    int set(int index, Object program);

    /** The program in slot {@code index} (unsigned), or null when empty or out of range. */
    Object program(long index);
}
