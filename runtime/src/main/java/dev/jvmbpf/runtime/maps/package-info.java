/**
 * Maps shared by BPF programs and Java code, with the kernel's semantics and return codes.
 *
 * <p>{@link dev.jvmbpf.runtime.maps.Maps#create} builds a map from a
 * {@link dev.jvmbpf.runtime.maps.MapSpec}, refusing what the kernel's map_create refuses with the
 * errno it returns (checked against the running kernel by {@code KernelDifferentialTest}).
 *
 * <p>Decisions, where the kernel gives no direct answer:
 * <ul>
 * <li>CPUs. There are {@code Runtime.availableProcessors()} CPUs; each thread stays on the CPU it
 * is first given (round robin), or the one it {@link dev.jvmbpf.runtime.maps.Cpus#pin pins}.
 * Programs see their CPU's per-CPU value; Java sees all CPUs, each padded to 8 bytes.</li>
 * <li>Storage. A value is a {@link dev.jvmbpf.runtime.memory.Region} window of a byte array and
 * never moves: arrays and per-CPU maps update in place; hash maps and LPM tries install a new
 * element on update, so a program holding the old value keeps the old memory, as in the kernel.</li>
 * <li>Atomics. Byte-array views have no atomic access modes on JDK 25; program atomics hold the
 * monitor of the backing array ({@code AddressSpace.atomic}), and every in-place copy made by a
 * map (array update, per-CPU update, ring buffer headers) holds the same monitor.</li>
 * <li>LRU maps evict the exact least recently used element (the kernel approximates); a
 * program lookup counts as a use, a Java lookup does not.</li>
 * <li>Perf event arrays deliver to slots Java opened ({@code open}/{@code subscribe}); a spec
 * with max_entries 0 gets one slot per CPU, as libbpf does. Program arrays hold
 * {@code Executable}s set from Java.</li>
 * <li>Types not fully modelled. STACK_TRACE is a hash of stack ids to address arrays; maps whose
 * values name kernel objects (devmaps, cpumap, xskmap, sockmap/sockhash, cgroup array, maps of
 * maps) keep what Java stores and answer a program's lookup of an absent element with NULL; the
 * rest (storage maps, struct_ops, arena, user ring buffers) exist so their objects open, and
 * fault on any use, naming the type.</li>
 * </ul>
 */
package dev.jvmbpf.runtime.maps;
