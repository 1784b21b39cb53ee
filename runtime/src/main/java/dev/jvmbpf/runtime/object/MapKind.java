package dev.jvmbpf.runtime.object;

/** Where an object declared a map. */
public enum MapKind {
    /** A BTF-described definition in the {@code .maps} section. */
    BTF,
    /** A {@code struct bpf_map_def} in the legacy {@code maps} section. */
    LEGACY,
    /** A global data section ({@code .data}, {@code .rodata}, {@code .bss}, ...) as a one-element array. */
    GLOBAL_DATA
}
