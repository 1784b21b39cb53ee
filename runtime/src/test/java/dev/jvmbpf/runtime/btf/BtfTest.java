package dev.jvmbpf.runtime.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.elf.Fixtures;
import dev.jvmbpf.runtime.object.BpfObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class BtfTest {
    /** One type of every kind, with the values the assertions below expect. */
    private static Btf everyKind() {
        BtfBlob w = new BtfBlob();
        int u32 = w.type("unsigned int", BtfKind.INT, false, 0, 4, 32); // 1
        int s8 = w.type("char", BtfKind.INT, false, 0, 1, (BtfType.Int.SIGNED | BtfType.Int.CHAR) << 24 | 8); // 2
        int ptr = w.type("", BtfKind.PTR, false, 0, u32); // 3
        int arr = w.type("", BtfKind.ARRAY, false, 0, 0, s8, u32, 4); // 4
        int st = w.type("pair", BtfKind.STRUCT, true, 3, 12, // 5
                w.str("a"), u32, 0, w.str("name"), arr, 32, w.str("bits"), u32, 3 << 24 | 64);
        int un = w.type("either", BtfKind.UNION, false, 2, 4, w.str("x"), u32, 0, w.str("c"), s8, 0); // 6
        int en = w.type("color", BtfKind.ENUM, true, 2, 4, w.str("RED"), -1, w.str("BLUE"), 2); // 7
        int fwd = w.type("later", BtfKind.FWD, true, 0, 0); // 8
        int td = w.type("u32_t", BtfKind.TYPEDEF, false, 0, u32); // 9
        int vol = w.type("", BtfKind.VOLATILE, false, 0, td); // 10
        int cst = w.type("", BtfKind.CONST, false, 0, vol); // 11
        int rst = w.type("", BtfKind.RESTRICT, false, 0, ptr); // 12
        int proto = w.type("", BtfKind.FUNC_PROTO, false, 2, u32, w.str("ctx"), ptr, w.str("n"), cst); // 13
        int func = w.type("handler", BtfKind.FUNC, false, 1, proto); // 14
        int var = w.type("counter", BtfKind.VAR, false, 0, u32, 1); // 15
        int sec = w.type(".data", BtfKind.DATASEC, false, 1, 4, var, 0, 4); // 16
        int flt = w.type("double", BtfKind.FLOAT, false, 0, 8); // 17
        int tag = w.type("my_tag", BtfKind.DECL_TAG, false, 0, st, 1); // 18
        int ttag = w.type("user", BtfKind.TYPE_TAG, false, 0, u32); // 19
        int e64 = w.type("big", BtfKind.ENUM64, false, 1, 8, w.str("HUGE"), 0, 1); // 20
        assertEquals(20, e64);
        assertEquals(java.util.List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19),
                java.util.List.of(u32, s8, ptr, arr, st, un, en, fwd, td, vol, cst, rst, proto, func, var, sec, flt,
                        tag, ttag));
        return Btf.parse(w.bytes(), "test");
    }

    @Test
    void parsesEveryKind() {
        Btf btf = everyKind();
        Set<BtfKind> kinds = EnumSet.noneOf(BtfKind.class);
        btf.types().forEach(t -> kinds.add(t.kind()));
        assertEquals(EnumSet.allOf(BtfKind.class), kinds);

        BtfType.Composite pair = btf.struct("pair");
        assertEquals(12, btf.sizeOf(pair.id()));
        BtfType.Member bits = pair.member("bits");
        assertEquals(64, bits.bitOffset());
        assertEquals(3, bits.bitSize());
        assertEquals("char[4]", btf.describe(pair.member("name").type()));
        assertEquals(4, btf.sizeOf(6));
        BtfType.Enum color = assertInstanceOf(BtfType.Enum.class, btf.type(7));
        assertTrue(color.signed());
        assertEquals(-1, color.values().getFirst().value());
        assertEquals(1L << 32, ((BtfType.Enum) btf.type(20)).values().getFirst().value());
        assertEquals(8, btf.sizeOf(20));
        assertTrue(((BtfType.Fwd) btf.type(8)).union());
        assertEquals(4, btf.sizeOf(11), "const volatile u32_t");
        assertEquals(btf.type(1), btf.resolve(11));
        assertEquals(btf.type(1), btf.resolve(19), "type tags are skipped");
        assertEquals(8, btf.sizeOf(12));
        assertEquals(8, btf.sizeOf(17));
        assertEquals(4, btf.sizeOf(16));
        assertEquals(1, ((BtfType.DeclTag) btf.type(18)).component());
        assertEquals(2, ((BtfType.FuncProto) btf.type(13)).params().size());
        assertEquals(1, ((BtfType.Func) btf.type(14)).linkage());
        assertEquals(null, btf.contextType("handler"), "the parameter points to an int, not a struct");
        assertThrows(BtfException.class, () -> btf.sizeOf(8));
        assertThrows(BtfException.class, () -> btf.sizeOf(14));
    }

    @Test
    void fieldPathsWithIndexesAndAnonymousMembers() {
        BtfBlob w = new BtfBlob();
        int u32 = w.type("u32", BtfKind.INT, false, 0, 4, 32); // 1
        int arr = w.type("", BtfKind.ARRAY, false, 0, 0, u32, u32, 4); // 2
        int inner = w.type("inner", BtfKind.STRUCT, false, 2, 20, w.str("tag"), u32, 0, w.str("vals"), arr, 32); // 3
        int anon = w.type("", BtfKind.UNION, false, 2, 4, w.str("as_int"), u32, 0, w.str("flags"), u32, 0); // 4
        int outer = w.type("outer", BtfKind.STRUCT, false, 3, 32,
                w.str("first"), u32, 0, w.str(""), anon, 32, w.str("in"), inner, 64); // 5
        Btf btf = Btf.parse(w.bytes(), "t");
        assertEquals(4, btf.field(outer, "flags").byteOffset(), "anonymous union members are direct members");
        assertEquals(8 + 4 + 2 * 4, btf.field(outer, "in.vals[2]").byteOffset());
        assertEquals(u32, btf.field(outer, "in.vals[2]").type());
        assertEquals(inner, btf.field(outer, "in").type());
        BtfException e = assertThrows(BtfException.class, () -> btf.field(outer, "in.vals[4]"));
        assertTrue(e.getMessage().contains("index 4 is outside u32[4]"), e.getMessage());
        e = assertThrows(BtfException.class, () -> btf.field(outer, "missing"));
        assertTrue(e.getMessage().contains("struct outer has no member 'missing'"), e.getMessage());
        assertThrows(BtfException.class, () -> btf.field(outer, "first.x"));
        assertThrows(BtfException.class, () -> btf.field(outer, "in.vals[x]"));
    }

    @Test
    void formatsStructsWithStringsAndBitfields() {
        Btf btf = everyKind();
        byte[] v = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(42).put("bash".getBytes())
                .putInt(5).array();
        assertEquals("{ .a = 42, .name = \"bash\", .bits = 5 }", new BtfFormatter(btf).format(5, v));
        assertEquals("{ .a = 42, .name = <truncated>, .bits = <truncated> }",
                new BtfFormatter(btf).format(5, java.util.Arrays.copyOf(v, 6)));
        assertEquals("RED", new BtfFormatter(btf).format(7, new byte[] {-1, -1, -1, -1}));
        assertEquals("{ .counter = 7 }", new BtfFormatter(btf).format(16, new byte[] {7, 0, 0, 0}));
    }

    @Test
    void longArraysAreCutShort() {
        BtfBlob w = new BtfBlob();
        int u8 = w.type("u8", BtfKind.INT, false, 0, 1, 8);
        int empty = w.type("nothing", BtfKind.STRUCT, false, 0, 0);
        int many = w.type("", BtfKind.ARRAY, false, 0, 0, empty, u8, Integer.MAX_VALUE);
        int five = w.type("", BtfKind.ARRAY, false, 0, 0, u8, u8, 5);
        Btf btf = Btf.parse(w.bytes(), "t");
        String text = new BtfFormatter(btf).format(many, new byte[0]);
        assertTrue(text.endsWith("... " + (Integer.MAX_VALUE - 4096L) + " more]"), text.substring(text.length() - 40));
        assertEquals("[1, 2, 3, 4, 5]", new BtfFormatter(btf).format(five, new byte[] {1, 2, 3, 4, 5}));
        assertEquals("[1, 2, <truncated>]", new BtfFormatter(btf).format(five, new byte[] {1, 2}));
    }

    @Test
    void danglingReferencesLoopsAndUnknownKindsAreErrors() {
        BtfBlob w = new BtfBlob();
        w.type("p", BtfKind.PTR, false, 0, 9);
        BtfException e = assertThrows(BtfException.class, () -> Btf.parse(w.bytes(), "t"));
        assertTrue(e.getMessage().contains("refers to type 9"), e.getMessage());

        BtfBlob loop = new BtfBlob();
        loop.type("a", BtfKind.TYPEDEF, false, 0, 2);
        loop.type("b", BtfKind.TYPEDEF, false, 0, 1);
        Btf looped = Btf.parse(loop.bytes(), "t");
        assertTrue(assertThrows(BtfException.class, () -> looped.resolve(1)).getMessage().contains("loop"));
        assertThrows(BtfException.class, () -> looped.sizeOf(1));

        BtfBlob unknown = new BtfBlob();
        unknown.u32(0);
        unknown.u32(25 << 24);
        unknown.u32(0);
        e = assertThrows(BtfException.class, () -> Btf.parse(unknown.bytes(), "t"));
        assertTrue(e.getMessage().contains("unknown kind 25"), e.getMessage());

        byte[] good = new BtfBlob().bytes();
        good[0] = 0;
        assertTrue(assertThrows(BtfException.class, () -> Btf.parse(good, "t")).getMessage().contains("magic"));
    }

    @Test
    void objectBtfDescribesTheMapValue() {
        BpfObject obj = BpfObject.open(Fixtures.bytes("maps.o"), "maps.o");
        Btf btf = obj.btf();
        BtfType.Composite event = btf.struct("event");
        assertEquals(32, btf.sizeOf(event.id()));
        assertEquals(0, event.member("pid").bitOffset());
        assertEquals(32, event.member("delta").bitOffset());
        assertEquals(64, event.member("comm").bitOffset());
        assertEquals(128, event.member("count").bitOffset());
        assertEquals(1, event.member("flag").bitSize());
        assertEquals(192, event.member("flag").bitOffset());
        assertEquals(3, event.member("level").bitSize());
        assertEquals(193, event.member("level").bitOffset());
        ByteBuffer v = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        v.putInt(42).putInt(-1).put("bash\0\0\0\0".getBytes()).putLong(7).putInt(1 | 5 << 1);
        assertEquals("{ .pid = 42, .delta = -1, .comm = \"bash\", .count = 7, .flag = 1, .level = 5 }",
                new BtfFormatter(btf).format(obj.map("events").valueType(), v.array()));
        assertEquals("0", new BtfFormatter(btf).format(obj.map("events").keyType(), new byte[4]));
        assertTrue(obj.btfExt().funcInfo("socket").size() == 1);
        assertEquals("count_events", btf.type(obj.btfExt().funcInfo("socket").getFirst().typeId()).name());
    }

    @Test
    void globalDataDumpsByVariable() {
        BpfObject obj = BpfObject.open(Fixtures.bytes("globals.o"), "globals.o");
        var data = obj.map(".data");
        String text = new BtfFormatter(obj.btf()).format(data.valueType(), data.map().lookup(new byte[4]).toByteArray());
        assertTrue(text.contains(".hits = 100"), text);
    }

    @Test
    void parsesTheRunningKernelsBtf() throws IOException {
        Path vmlinux = Path.of("/sys/kernel/btf/vmlinux");
        if (!Files.isReadable(vmlinux)) {
            System.out.println("BtfTest: skipping the kernel BTF test: " + vmlinux + " is not readable");
        }
        Assumptions.assumeTrue(Files.isReadable(vmlinux), vmlinux + " is not readable");
        Btf btf = Btf.read(vmlinux);
        assertTrue(btf.size() > 10_000, "types: " + btf.size());
        BtfType.Composite sysEnter = btf.struct("trace_event_raw_sys_enter");
        assertNotNull(sysEnter);
        assertEquals(64, btf.sizeOf(sysEnter.id()));
        assertEquals(64, sysEnter.member("id").bitOffset());
        assertEquals(128, sysEnter.member("args").bitOffset());
        assertEquals("long unsigned int[6]", btf.describe(sysEnter.member("args").type()));
        assertEquals(16 + 2 * 8, btf.field(sysEnter.id(), "args[2]").byteOffset());
        assertEquals(8, btf.field(sysEnter.id(), "id").byteOffset());
        BtfType.Composite skb = btf.struct("__sk_buff");
        assertNotNull(skb);
        assertEquals(0, btf.field(skb.id(), "len").byteOffset());
        assertEquals(8, btf.field(skb.id(), "mark").byteOffset(), "len, pkt_type, mark: the UAPI layout");
        BtfType.Composite xdp = btf.struct("xdp_md");
        assertEquals(4, btf.field(xdp.id(), "data_end").byteOffset());
        BtfType.Composite task = btf.struct("task_struct");
        assertNotNull(task.member("pid"));
        assertEquals(4, btf.sizeOf(task.member("pid").type()));
    }
}
