package dev.jvmbpf.runtime.object;

import dev.jvmbpf.runtime.maps.BpfMap;
import dev.jvmbpf.runtime.maps.MapSpec;
import java.util.Map;

/**
 * A map of an object file: its declaration and the one instance every program of the object
 * shares. {@code section} is where it was declared; for global data it is also the name
 * {@code cilium/ebpf} uses ({@code .rodata}), while {@link MapSpec#name()} is libbpf's
 * ({@code <object>.rodata}, at most 15 characters). {@code keyType}/{@code valueType} are BTF ids
 * for formatting entries (0 when the object has no BTF for them). {@code programSlots} are the
 * slots a program array's definition fills ({@code .values = { [0] = &prog }}): slot to program
 * name, applied by {@link BpfObject#fillProgramArrays}.
 */
public record ObjectMap(String name, String section, MapKind kind, MapSpec spec, BpfMap map, int keyType,
        int valueType, boolean readOnly, Map<Integer, String> programSlots) {
    public ObjectMap {
        programSlots = Map.copyOf(programSlots);
    }
}
