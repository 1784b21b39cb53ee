package dev.jvmbpf.runtime.object.internal;

/** A function: {@code length} instructions of {@code section} from instruction {@code start}. */
record CodeFunction(CodeSection section, String name, int start, int length, boolean global) {
    boolean contains(int insn) {
        return insn >= start && insn < start + length;
    }
}
