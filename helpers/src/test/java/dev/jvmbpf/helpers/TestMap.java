package dev.jvmbpf.helpers;

import dev.jvmbpf.runtime.maps.IterableMap;
import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.memory.Region;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A minimal hash map for helper tests: values are regions so a program can write through them. */
final class TestMap implements IterableMap {
    private final MapSpec spec;
    private final Map<ByteBuffer, Region> entries = new LinkedHashMap<>();

    TestMap(int keySize, int valueSize, int maxEntries) {
        this.spec = new MapSpec("test", MapType.HASH, keySize, valueSize, maxEntries, 0);
    }

    @Override
    public MapSpec spec() {
        return spec;
    }

    @Override
    public Region lookup(byte[] key) {
        return entries.get(ByteBuffer.wrap(key.clone()));
    }

    @Override
    public int update(byte[] key, byte[] value, long flags) {
        ByteBuffer k = ByteBuffer.wrap(key.clone());
        Region existing = entries.get(k);
        if (flags == 1 && existing != null) {
            return -17;
        }
        if (flags == 2 && existing == null) {
            return -2;
        }
        if (existing == null && entries.size() >= spec.maxEntries()) {
            return -7;
        }
        if (existing != null) {
            System.arraycopy(value, 0, existing.data(), existing.base(), value.length);
        } else {
            entries.put(k, Region.of("value", value.clone(), true));
        }
        return 0;
    }

    @Override
    public int delete(byte[] key) {
        return entries.remove(ByteBuffer.wrap(key.clone())) == null ? -2 : 0;
    }

    @Override
    public byte[] nextKey(byte[] key) {
        List<ByteBuffer> keys = new ArrayList<>(entries.keySet());
        if (key == null) {
            return keys.isEmpty() ? null : keys.get(0).array().clone();
        }
        int i = keys.indexOf(ByteBuffer.wrap(key));
        if (i < 0) {
            return keys.isEmpty() ? null : keys.get(0).array().clone();
        }
        return i + 1 < keys.size() ? keys.get(i + 1).array().clone() : null;
    }
}
