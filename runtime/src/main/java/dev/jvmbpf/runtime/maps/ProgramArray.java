package dev.jvmbpf.runtime.maps;

import dev.jvmbpf.runtime.exec.Executable;

/**
 * A {@code BPF_MAP_TYPE_PROG_ARRAY}: slots hold loaded programs that {@code bpf_tail_call} jumps
 * to. Java code fills slots with {@link #set}, since the kernel's program file descriptors have
 * no meaning here; {@code update} with bytes returns -EINVAL and {@code delete} empties a slot.
 * The limit of 33 tail calls is the helper's business.
 */
public interface ProgramArray extends BpfMap {
    /** The program in slot {@code index}, or null when the slot is empty or out of range. */
    Executable program(long index);

    /** Puts {@code program} in slot {@code index} (null empties it): 0, or -E2BIG when out of range. */
    int set(int index, Executable program);
}
