/**
 * Object files as libbpf and cilium/ebpf load them: {@link dev.jvmbpf.runtime.object.BpfObject}
 * holds the linked programs, the maps every program shares, the BTF and the license of one
 * {@code .o} file, with its CO-RE relocations resolved against a {@link
 * dev.jvmbpf.runtime.object.CoreTarget}.
 */
package dev.jvmbpf.runtime.object;
