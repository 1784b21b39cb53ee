/**
 * BTF type information ({@code .BTF}, {@code /sys/kernel/btf/vmlinux}) and its {@code .BTF.ext}
 * companion (function and line info): type resolution, sizes, member offsets and field paths,
 * the context type of an entry function, and a formatter that renders values for map dumps.
 */
package dev.jvmbpf.runtime.btf;
