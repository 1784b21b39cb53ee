package dev.jvmbpf.runtime.maps;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Little-endian key and value builders for map tests. */
final class MapTestSupport {
    private MapTestSupport() {
    }

    static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    static byte[] u64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    static long readU64(byte[] b, int offset) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(offset);
    }

    static int readU32(byte[] b, int offset) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(offset);
    }

    static BpfMap map(MapType type, int keySize, int valueSize, int maxEntries) {
        return Maps.create(new MapSpec("m", type, keySize, valueSize, maxEntries, 0));
    }
}
