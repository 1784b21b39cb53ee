package dev.jvmbpf.runtime.maps;

import java.util.HexFormat;

/**
 * Text dumps of maps without type information, one element per line in iteration order:
 * {@code key: 01 00 00 00 value: 2a 00 00 00 00 00 00 00}. Per-CPU values show each CPU's
 * padded slot in turn; queues and stacks list their values in pop order without a key.
 */
public final class MapDump {
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    private MapDump() {
    }

    /** Space-separated lower-case hex bytes. */
    public static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    public static String hex(BpfMap map) {
        StringBuilder sb = new StringBuilder();
        for (MapEntry e : map.entries()) {
            byte[] key = e.key();
            if (key.length > 0) {
                sb.append("key: ").append(hex(key)).append(' ');
            }
            sb.append("value: ").append(hex(e.value())).append('\n');
        }
        return sb.toString();
    }
}
