/**
 * ELF64 little-endian relocatable objects for the BPF machine, as {@code clang -target bpf -c}
 * writes them: section headers, symbols and REL relocations, each bounds-checked so that damaged
 * input fails with an {@link dev.jvmbpf.runtime.elf.ElfException} naming the section and offset.
 */
package dev.jvmbpf.runtime.elf;
