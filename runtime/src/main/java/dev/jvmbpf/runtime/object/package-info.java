/**
 * Object files as libbpf and cilium/ebpf load them: {@link dev.jvmbpf.runtime.object.BpfObject}
 * holds the linked programs, the maps every program shares, the BTF and the license of one
 * {@code .o} file.
 */
package dev.jvmbpf.runtime.object;
