package dev.jvmbpf.runtime.maps;

import dev.jvmbpf.runtime.exec.Executable;

/** A {@code BPF_MAP_TYPE_PROG_ARRAY}: slots hold loaded programs that {@code bpf_tail_call} jumps to. */
public interface ProgramArray extends BpfMap {
    /** The program in slot {@code index}, or null when the slot is empty or out of range. */
    Executable program(long index);
}
