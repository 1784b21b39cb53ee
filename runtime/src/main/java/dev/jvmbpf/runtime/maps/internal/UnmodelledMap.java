package dev.jvmbpf.runtime.maps.internal;

import dev.jvmbpf.runtime.maps.BpfMap;
import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.memory.FaultKind;
import dev.jvmbpf.runtime.memory.Region;

/**
 * A map the runtime can declare but not run: a type it does not model yet (storage maps,
 * struct_ops, arena, user ring buffers, ...) or a definition that could not be created. The
 * object that declares it opens; any use of the map, by a program or from Java, faults with
 * {@code reason}. It holds no elements.
 */
public final class UnmodelledMap implements BpfMap {
    private final MapSpec spec;
    private final String reason;

    public UnmodelledMap(MapSpec spec, String reason) {
        this.spec = spec;
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }

    @Override
    public MapSpec spec() {
        return spec;
    }

    private BpfFault refused() {
        return BpfFault.of(FaultKind.HELPER, "map '" + spec.name() + "' (" + spec.type() + "): " + reason);
    }

    @Override
    public Region lookup(byte[] key) {
        throw refused();
    }

    @Override
    public int update(byte[] key, byte[] value, long flags) {
        throw refused();
    }

    @Override
    public int delete(byte[] key) {
        throw refused();
    }

    @Override
    public byte[] lookupValue(byte[] key) {
        throw refused();
    }

    @Override
    public int size() {
        return 0;
    }
}
