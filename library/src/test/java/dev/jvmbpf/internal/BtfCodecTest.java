package dev.jvmbpf.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jvmbpf.runtime.btf.Btf;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** BTF-typed bytes to Java values and back, on a hand-written type section. */
class BtfCodecTest {
    /** Writes raw BTF: types get ids in the order they are added, from 1. */
    private static final class Blob {
        final ByteArrayOutputStream strings = new ByteArrayOutputStream();
        final ByteBuffer types = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        int next = 1;

        Blob() {
            strings.write(0);
        }

        int str(String s) {
            if (s.isEmpty()) {
                return 0;
            }
            int at = strings.size();
            strings.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
            strings.write(0);
            return at;
        }

        int type(String name, int kind, boolean flag, int vlen, int sizeOrType, int... extra) {
            types.putInt(str(name)).putInt(vlen | kind << 24 | (flag ? 1 << 31 : 0)).putInt(sizeOrType);
            for (int e : extra) {
                types.putInt(e);
            }
            return next++;
        }

        int integer(String name, int size, int encoding, int bits) {
            return type(name, 1, false, 0, size, encoding << 24 | bits);
        }

        int array(int element, int index, int length) {
            return type("", 3, false, 0, 0, element, index, length);
        }

        Btf btf() {
            byte[] s = strings.toByteArray();
            int typeLen = types.position();
            ByteBuffer all = ByteBuffer.allocate(24 + typeLen + s.length).order(ByteOrder.LITTLE_ENDIAN);
            all.putShort((short) Btf.MAGIC).put((byte) 1).put((byte) 0).putInt(24).putInt(0).putInt(typeLen)
                    .putInt(typeLen).putInt(s.length);
            all.put(types.array(), 0, typeLen).put(s);
            return Btf.parse(all.array(), "test BTF");
        }
    }

    private static final Btf BTF;
    private static final int REC;
    private static final int U64;
    private static final int CHARS;
    private static final int INT128;

    /*
     * struct rec {                        // 56 bytes
     *     __u8 a;                         // 0, then 3 bytes of padding
     *     int b;                          // 4
     *     unsigned long long c;           // 8
     *     char name[6];                   // 16, then 2 bytes of padding
     *     unsigned short grid[2][3];      // 24
     *     unsigned int flags : 3;         // bit 288 (byte 36)
     *     int s : 5;                      // bit 291
     *     enum color kind;                // 40
     *     _Bool ok;                       // 44
     *     union { int i; unsigned short h; };   // 48
     *     __u8 mac[4];                    // 52
     * };
     */
    static {
        Blob b = new Blob();
        int u8 = b.integer("unsigned char", 1, 0, 8);
        int u16 = b.integer("unsigned short", 2, 0, 16);
        int i32 = b.integer("int", 4, 1, 32);
        int u64 = b.integer("unsigned long long", 8, 0, 64);
        int chr = b.integer("char", 1, 1, 8);
        int bool = b.integer("_Bool", 1, 4, 8);
        int u32 = b.integer("unsigned int", 4, 0, 32);
        int typedefU8 = b.type("__u8", 8, false, 0, u8);
        int chars = b.array(chr, i32, 6);
        int row = b.array(u16, i32, 3);
        int grid = b.array(row, i32, 2);
        int mac = b.array(typedefU8, i32, 4);
        int color = b.type("color", 6, false, 2, 4, b.str("RED"), 1, b.str("BLUE"), 2);
        int union = b.type("", 5, false, 2, 4, b.str("i"), i32, 0, b.str("h"), u16, 0);
        int rec = b.type("rec", 4, true, 11, 56,
                b.str("a"), u8, 0,
                b.str("b"), i32, 32,
                b.str("c"), u64, 64,
                b.str("name"), chars, 128,
                b.str("grid"), grid, 192,
                b.str("flags"), u32, 3 << 24 | 288,
                b.str("s"), i32, 5 << 24 | 291,
                b.str("kind"), color, 320,
                b.str("ok"), bool, 352,
                b.str(""), union, 384,
                b.str("mac"), mac, 416);
        int int128 = b.integer("__int128", 16, 1, 128);
        BTF = b.btf();
        REC = rec;
        U64 = u64;
        CHARS = chars;
        INT128 = int128;
    }

    private static final BtfCodec CODEC = new BtfCodec(BTF);

    private static Map<String, Object> record() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("a", 255L);
        r.put("b", -5L);
        r.put("c", -1L);
        r.put("name", "eth0");
        r.put("grid", List.of(List.of(1L, 2L, 3L), List.of(4L, 5L, 65535L)));
        r.put("flags", 5L);
        r.put("s", -3L);
        r.put("kind", 2L);
        r.put("ok", true);
        r.put("i", 0x10002L);
        r.put("h", 2L);
        r.put("mac", List.of(0xaaL, 0L, 0L, 0xbbL));
        return r;
    }

    @Test
    void aStructRoundTripsWithItsLayout() {
        Map<String, Object> in = record();
        in.remove("h");
        byte[] bytes = CODEC.encode(REC, in, "value");
        assertEquals(56, bytes.length);
        assertEquals("ff000000" + "fbffffff" + "ffffffffffffffff" + "657468300000" + "0000"
                + "010002000300" + "04000500ffff" + "ed000000" + "02000000" + "01000000" + "02000100" + "aa0000bb",
                HexFormat.of().formatHex(bytes));
        assertEquals(record(), CODEC.decode(REC, bytes, 0));
        assertEquals(List.copyOf(record().keySet()), List.copyOf(((Map<?, ?>) CODEC.decode(REC, bytes, 0)).keySet()));
    }

    @Test
    void leftOutMembersAndElementsAreZeroAndOtherShapesAreAccepted() {
        Map<String, Object> in = Map.of("grid", List.of(new int[] {7}), "kind", "BLUE", "name", new byte[6],
                "ok", 1, "a", (byte) -1, "c", new BigInteger("18446744073709551615"));
        Map<?, ?> out = (Map<?, ?>) CODEC.decode(REC, CODEC.encode(REC, in, "v"), 0);
        assertEquals(List.of(List.of(7L, 0L, 0L), List.of(0L, 0L, 0L)), out.get("grid"));
        assertEquals(2L, out.get("kind"));
        assertEquals("", out.get("name"));
        assertEquals(true, out.get("ok"));
        assertEquals(255L, out.get("a"));
        assertEquals(-1L, out.get("c"));
        assertEquals(0L, out.get("b"));
    }

    @Test
    void signedAndUnsignedDecodeByTheirType() {
        byte[] ones = new byte[8];
        java.util.Arrays.fill(ones, (byte) 0xff);
        assertEquals(-1L, CODEC.decode(U64, ones, 0));
        Map<?, ?> r = (Map<?, ?>) CODEC.decode(REC, new byte[56], 0);
        assertEquals(0L, r.get("s"));
        byte[] bits = new byte[56];
        bits[36] = (byte) 0xff;
        r = (Map<?, ?>) CODEC.decode(REC, bits, 0);
        assertEquals(7L, r.get("flags"));
        assertEquals(-1L, r.get("s"));
        byte[] wide = CODEC.encode(INT128, BigInteger.ONE.shiftLeft(100).negate(), "x");
        assertEquals(BigInteger.ONE.shiftLeft(100).negate(), CODEC.decode(INT128, wide, 0));
        assertEquals("ab", CODEC.decode(CHARS, "ab\0cd\0".getBytes(StandardCharsets.US_ASCII), 0));
    }

    @Test
    void errorsNameThePathTheTypeAndTheValue() {
        assertEquals("value.a (unsigned char, 8 bits): 256 does not fit",
                assertThrows(IllegalArgumentException.class, () -> CODEC.encode(REC, Map.of("a", 256), "value"))
                        .getMessage());
        assertEquals("value.s (int, 5 bits): 32 does not fit",
                assertThrows(IllegalArgumentException.class, () -> CODEC.encode(REC, Map.of("s", 32), "value"))
                        .getMessage());
        assertEquals("value.name (char[6]): \"eth0:1\" has 6 bytes; it holds at most 5 and a NUL",
                assertThrows(IllegalArgumentException.class, () -> CODEC.encode(REC, Map.of("name", "eth0:1"), "value"))
                        .getMessage());
        assertEquals("value.grid[1] (unsigned short[3]): 4 elements given, it has 3",
                assertThrows(IllegalArgumentException.class,
                        () -> CODEC.encode(REC, Map.of("grid", List.of(List.of(), List.of(1, 2, 3, 4))), "value"))
                        .getMessage());
        assertEquals("value.kind (enum color): \"GREEN\" is not one of its values [RED, BLUE]",
                assertThrows(IllegalArgumentException.class, () -> CODEC.encode(REC, Map.of("kind", "GREEN"), "value"))
                        .getMessage());
        assertEquals("value (struct rec) has no member 'z' (a, b, c, name, grid, flags, s, kind, ok, i, h, mac)",
                assertThrows(IllegalArgumentException.class, () -> CODEC.encode(REC, Map.of("z", 1), "value"))
                        .getMessage());
        assertEquals("value (struct rec): expected a Map of member names to values, got 3 (Long)",
                assertThrows(IllegalArgumentException.class, () -> CODEC.encode(REC, 3L, "value")).getMessage());
        assertEquals("value.b (int): expected a number, got 1.5 (Double)",
                assertThrows(IllegalArgumentException.class, () -> CODEC.encode(REC, Map.of("b", 1.5), "value"))
                        .getMessage());
        assertEquals("key (struct rec, 56 bytes): 3 bytes given",
                assertThrows(IllegalArgumentException.class, () -> CODEC.encode(REC, new byte[3], "key")).getMessage());
    }

    @Test
    void withoutBtfNumbersOfOneTwoFourOrEightBytesAndBytes() {
        assertArrayEquals(new byte[] {1, 2, 0, 0}, BtfCodec.encodeRaw(0x201, 4, "key"));
        assertArrayEquals(new byte[] {-1, -1}, BtfCodec.encodeRaw(-1, 2, "key"));
        assertEquals(0xffffL, BtfCodec.decodeRaw(new byte[] {-1, -1}, 0, 2));
        assertEquals(-1L, BtfCodec.decodeRaw(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1}, 0, 8));
        assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) BtfCodec.decodeRaw(new byte[] {0, 1, 2, 3}, 1, 3));
        assertEquals("key (16 bits, no BTF): 65536 does not fit",
                assertThrows(IllegalArgumentException.class, () -> BtfCodec.encodeRaw(65536, 2, "key")).getMessage());
        assertEquals("value (3 bytes, no BTF): a number fits 1, 2, 4 or 8 bytes; give a byte[] for 7",
                assertThrows(IllegalArgumentException.class, () -> BtfCodec.encodeRaw(7, 3, "value")).getMessage());
        assertEquals("value (4 bytes, no BTF): expected a number or a byte[], got \"x\" (String)",
                assertThrows(IllegalArgumentException.class, () -> BtfCodec.encodeRaw("x", 4, "value")).getMessage());
    }
}
