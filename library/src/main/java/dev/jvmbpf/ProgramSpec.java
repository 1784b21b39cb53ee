package dev.jvmbpf;

import dev.jvmbpf.runtime.program.ProgramType;

/**
 * A program of an {@link ObjectSpec}, not loaded: its function name, its ELF section
 * ({@code xdp}, {@code tp/syscalls/sys_enter_execve}), the program type the section implies and
 * its length in instruction slots (calls to {@code .text} functions linked in).
 */
public record ProgramSpec(String name, String section, ProgramType type, int instructionCount) {
}
