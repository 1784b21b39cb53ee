package dev.jvmbpf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.helpers.context.RawContext;
import dev.jvmbpf.helpers.context.SkBuffContext;
import dev.jvmbpf.helpers.context.TracepointContext;
import dev.jvmbpf.runtime.btf.Btf;
import dev.jvmbpf.runtime.btf.BtfType;
import dev.jvmbpf.runtime.program.ProgramType;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Contexts laid out by BTF: a hand-written type section with bitfields, a char array and an enum. */
class ContextBuilderTest {
    /**
     * {@code struct s { unsigned int a:3; unsigned int b:5; unsigned int c; char name[4]; enum e kind; }}
     * as BTF: [1] unsigned int, [2] char, [3] char[4], [4] enum e, [5] struct s.
     */
    private static Btf btf() {
        ByteArrayOutputStream strings = new ByteArrayOutputStream();
        strings.write(0);
        int uint = string(strings, "unsigned int");
        int chr = string(strings, "char");
        int e = string(strings, "e");
        int one = string(strings, "ONE");
        int s = string(strings, "s");
        int a = string(strings, "a");
        int b = string(strings, "b");
        int c = string(strings, "c");
        int name = string(strings, "name");
        int kind = string(strings, "kind");
        ByteBuffer t = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        t.putInt(uint).putInt(1 << 24).putInt(4).putInt(32);
        t.putInt(chr).putInt(1 << 24).putInt(1).putInt(2 << 24 | 8);
        t.putInt(0).putInt(3 << 24).putInt(0).putInt(2).putInt(1).putInt(4);
        t.putInt(e).putInt(6 << 24 | 1).putInt(4).putInt(one).putInt(1);
        t.putInt(s).putInt(1 << 31 | 4 << 24 | 5).putInt(16);
        t.putInt(a).putInt(1).putInt(3 << 24);
        t.putInt(b).putInt(1).putInt(5 << 24 | 3);
        t.putInt(c).putInt(1).putInt(32);
        t.putInt(name).putInt(3).putInt(64);
        t.putInt(kind).putInt(4).putInt(96);
        int typeLen = t.position();
        byte[] str = strings.toByteArray();
        ByteBuffer all = ByteBuffer.allocate(24 + typeLen + str.length).order(ByteOrder.LITTLE_ENDIAN);
        all.putShort((short) 0xeb9f).put((byte) 1).put((byte) 0).putInt(24).putInt(0).putInt(typeLen).putInt(typeLen)
                .putInt(str.length);
        all.put(t.array(), 0, typeLen).put(str);
        return Btf.parse(all.array(), "test BTF");
    }

    private static int string(ByteArrayOutputStream out, String s) {
        int offset = out.size();
        out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
        out.write(0);
        return offset;
    }

    private static ContextBuilder builder() {
        Btf btf = btf();
        return new ContextBuilder("p", ProgramType.TRACEPOINT, btf, btf.struct("s"));
    }

    private static byte[] bytes(ContextBuilder b) {
        return assertInstanceOf(TracepointContext.class, b.build()).bytes();
    }

    @Test
    void setsBitfieldsIntegersCharArraysAndEnums() {
        byte[] bytes = bytes(builder().set("a", 5).set("b", "31").set("c", "0xdeadbeef").set("name", "ab")
                .set("kind", 2));
        assertArrayEquals(new byte[] {(byte) 0xfd, 0, 0, 0, (byte) 0xef, (byte) 0xbe, (byte) 0xad, (byte) 0xde,
            'a', 'b', 0, 0, 2, 0, 0, 0}, bytes);
        // A bitfield keeps its neighbours; a negative value is its two's complement.
        byte[] again = bytes(builder().set("b", 31).set("a", -1).set("a", 2));
        assertEquals((byte) (2 | 31 << 3), again[0]);
    }

    @Test
    void memoryGivesTheInitialBytes() {
        byte[] initial = new byte[20];
        initial[19] = 9;
        initial[4] = 1;
        byte[] bytes = bytes(builder().memory(initial).set("a", 1));
        assertEquals(20, bytes.length);
        assertEquals(1, bytes[0]);
        assertEquals(1, bytes[4]);
        assertEquals(9, bytes[19]);
    }

    @Test
    void refusesWhatTheStructCannotHold() {
        assertMessage("field 'a' (unsigned int, 3 bits): 8 does not fit", () -> builder().set("a", 8));
        assertMessage("field 'c' (unsigned int, 32 bits): 0x100000000 does not fit",
                () -> builder().set("c", "0x100000000"));
        assertMessage("holds at most 3 bytes and a NUL", () -> builder().set("name", "abcd"));
        assertMessage("struct s has no field 'd'", () -> builder().set("d", 1));
        assertMessage("field 'c' (unsigned int): 'x1' is not a number", () -> builder().set("c", "x1"));
        assertMessage("takes no packet", () -> builder().packet(new byte[1]));
    }

    @Test
    void socketFiltersGetAnSkBuffWithNamedFields() {
        ContextBuilder b = new ContextBuilder("f", ProgramType.SOCKET_FILTER, null, null)
                .packet(new byte[60]).set("mark", 7).set("cb[2]", "0x11").set("protocol", "0x86dd");
        SkBuffContext skb = assertInstanceOf(SkBuffContext.class, b.build());
        assertEquals(7, skb.field(SkBuffContext.MARK));
        assertEquals(0x11, skb.field(SkBuffContext.CB + 8));
        assertEquals(0xdd86, skb.field(SkBuffContext.PROTOCOL));
        assertEquals(60, skb.field(SkBuffContext.LEN));
        assertMessage("struct __sk_buff has no settable field 'data'", () -> new ContextBuilder("f",
                ProgramType.SCHED_CLS, null, null).set("data", 1));
        assertMessage("give it a packet, not memory", () -> new ContextBuilder("f",
                ProgramType.SCHED_CLS, null, null).memory(new byte[1]));
    }

    @Test
    void rawProgramsTakeMemoryOnly() {
        ContextBuilder b = new ContextBuilder("r", ProgramType.RAW, null, null).memory(new byte[] {1, 2});
        assertArrayEquals(new byte[] {1, 2}, assertInstanceOf(RawContext.class, b.build()).memory());
        assertMessage("r is a raw program", () -> new ContextBuilder("r", ProgramType.RAW, null, null).set("x", 1));
    }

    @Test
    void withoutBtfThereAreNoNamedFields() {
        ContextBuilder b = new ContextBuilder("t", ProgramType.TRACEPOINT, null, (BtfType.Composite) null);
        assertEquals(ContextBuilder.DEFAULT_RECORD_SIZE, bytes(b).length);
        assertMessage("t's context has no BTF type", () -> b.set("id", 1));
    }

    private static void assertMessage(String expected, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
