package dev.jvmbpf.runtime.maps;

import java.util.Arrays;

/** One element of a map snapshot: copies of its key and value (syscall view). */
public record MapEntry(byte[] key, byte[] value) {
    public MapEntry {
        key = key.clone();
        value = value.clone();
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MapEntry e && Arrays.equals(key, e.key) && Arrays.equals(value, e.value);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(key) + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return MapDump.hex(key) + " => " + MapDump.hex(value);
    }
}
