package dev.jvmbpf.runtime.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import org.junit.jupiter.api.Test;

/**
 * Each CO-RE relocation kind on hand-made BTF whose target differs from the local types: a field
 * moved into an anonymous member and widened, a renamed flavor ({@code task_struct___old} against
 * {@code task_struct}), a bitfield moved, an array longer, a field and a type missing, enum values
 * renumbered and dropped; then how the results patch instructions.
 */
class CoreResolverTest {
    // Local ids.
    private static final int L_OLD = 5;
    private static final int L_COLOR = 7;
    private static final int L_GONE = 8;
    private static final int L_SAME = 9;
    private static final int L_PAIR = 10;
    // Target ids.
    private static final int T_TASK = 7;

    /** struct task_struct___old { int pid; u32 state; u32 lo:4, hi:5; u32 arr[4]; u32 extra; } and friends. */
    private static Btf local() {
        BtfBlob w = new BtfBlob();
        int u32 = w.type("unsigned int", BtfKind.INT, false, 0, 4, 32); // 1
        int s32 = w.type("int", BtfKind.INT, false, 0, 4, BtfType.Int.SIGNED << 24 | 32); // 2
        w.type("long unsigned int", BtfKind.INT, false, 0, 8, 64); // 3
        int arr = w.type("", BtfKind.ARRAY, false, 0, 0, u32, u32, 4); // 4
        w.type("task_struct___old", BtfKind.STRUCT, true, 6, 32, // 5
                w.str("pid"), s32, 0,
                w.str("state"), u32, 32,
                w.str("lo"), u32, 4 << 24 | 64,
                w.str("hi"), u32, 5 << 24 | 68,
                w.str("arr"), arr, 96,
                w.str("extra"), u32, 224);
        w.type("", BtfKind.PTR, false, 0, L_OLD); // 6
        w.type("color", BtfKind.ENUM, false, 2, 4, w.str("RED"), 1, w.str("GREEN"), 2); // 7
        w.type("gone", BtfKind.STRUCT, false, 1, 4, w.str("x"), u32, 0); // 8
        w.type("same", BtfKind.STRUCT, false, 1, 4, w.str("x"), u32, 0); // 9
        w.type("pair", BtfKind.STRUCT, false, 2, 8, w.str("a"), u32, 0, w.str("b"), u32, 32); // 10
        return Btf.parse(w.bytes(), "local");
    }

    /** The target: task_struct with pid moved, state widened inside an anonymous struct, lo/hi moved, arr longer. */
    private static Btf target() {
        BtfBlob w = new BtfBlob();
        int s32 = w.type("int", BtfKind.INT, false, 0, 4, BtfType.Int.SIGNED << 24 | 32); // 1
        int u32 = w.type("unsigned int", BtfKind.INT, false, 0, 4, 32); // 2
        int u64 = w.type("long unsigned int", BtfKind.INT, false, 0, 8, 64); // 3
        w.type("other", BtfKind.STRUCT, false, 0, 0); // 4
        int arr = w.type("", BtfKind.ARRAY, false, 0, 0, u32, u32, 8); // 5
        int anon = w.type("", BtfKind.STRUCT, false, 1, 8, w.str("state"), u64, 0); // 6
        w.type("task_struct", BtfKind.STRUCT, true, 5, 48, // 7
                0, anon, 0,
                w.str("pid"), s32, 64,
                w.str("lo"), u32, 4 << 24 | 100,
                w.str("hi"), u32, 5 << 24 | 104,
                w.str("arr"), arr, 128);
        w.type("color", BtfKind.ENUM, false, 2, 4, w.str("GREEN"), 20, w.str("BLUE"), 30); // 8
        w.type("same", BtfKind.STRUCT, false, 2, 8, w.str("y"), s32, 0, w.str("x"), u32, 32); // 9
        w.type("pair", BtfKind.STRUCT, false, 2, 8, w.str("a"), s32, 0, w.str("b"), u32, 32); // 10
        return Btf.parse(w.bytes(), "target");
    }

    private static CoreResolver.Result resolve(int type, String access, CoreKind kind) {
        return new CoreResolver(local(), target()).resolve(new CoreRelo(0, 0, type, access, kind.id()));
    }

    private static void assertValue(long orig, long now, CoreResolver.Result r) {
        assertValue(orig, now, r, "");
    }

    private static void assertValue(long orig, long now, CoreResolver.Result r, String why) {
        assertFalse(r.poison(), r.toString());
        assertEquals(orig, r.origValue(), "compiled value " + why);
        assertEquals(now, r.newValue(), "target value " + why);
    }

    @Test
    void essentialNamesDropTheFlavor() {
        assertEquals("task_struct", CoreResolver.essentialName("task_struct___old"));
        assertEquals("a___b", CoreResolver.essentialName("a___b___c"));
        assertEquals("x____y", CoreResolver.essentialName("x____y"), "four underscores are no separator");
        assertEquals("___x", CoreResolver.essentialName("___x"));
    }

    @Test
    void fieldByteOffsetFollowsTheFieldThroughFlavorsAndAnonymousMembers() {
        assertValue(0, 8, resolve(L_OLD, "0:0", CoreKind.FIELD_BYTE_OFFSET));
        CoreResolver.Result state = resolve(L_OLD, "0:1", CoreKind.FIELD_BYTE_OFFSET);
        assertValue(4, 0, state);
        assertEquals(4, state.origSize());
        assertEquals(8, state.newSize());
        assertFalse(state.failMemSizeAdjust(), "unsigned to wider unsigned may be resized");
        assertTrue(state.spec().contains("struct task_struct.state"), state.spec());
        assertValue(12 + 8, 16 + 8, resolve(L_OLD, "0:4:2", CoreKind.FIELD_BYTE_OFFSET));
        assertValue(32 * 2, 48 * 2, resolve(L_OLD, "2", CoreKind.FIELD_BYTE_OFFSET));
    }

    @Test
    void fieldByteSizeAndSigned() {
        assertValue(4, 8, resolve(L_OLD, "0:1", CoreKind.FIELD_BYTE_SIZE));
        assertValue(16, 32, resolve(L_OLD, "0:4", CoreKind.FIELD_BYTE_SIZE));
        assertValue(1, 1, resolve(L_OLD, "0:0", CoreKind.FIELD_SIGNED));
        assertValue(0, 0, resolve(L_OLD, "0:1", CoreKind.FIELD_SIGNED));
    }

    @Test
    void fieldExistsAndAMissingFieldPoisons() {
        assertValue(1, 1, resolve(L_OLD, "0:0", CoreKind.FIELD_EXISTS));
        assertValue(1, 0, resolve(L_OLD, "0:5", CoreKind.FIELD_EXISTS));
        assertTrue(resolve(L_OLD, "0:5", CoreKind.FIELD_BYTE_OFFSET).poison());
        assertTrue(resolve(L_OLD, "0:5", CoreKind.FIELD_BYTE_SIZE).poison());
        assertThrows(BtfException.class, () -> resolve(L_OLD, "0:4:7", CoreKind.FIELD_EXISTS),
                "index 7 is outside the local u32[4]: the access string is bad");
    }

    @Test
    void bitfieldShiftsFollowTheMovedBitfield() {
        // Local lo: bits 64..67, a 4-byte container at 8. Target lo: bits 100..103, container at 12.
        CoreResolver.Result offset = resolve(L_OLD, "0:2", CoreKind.FIELD_BYTE_OFFSET);
        assertEquals(8, offset.origValue());
        assertEquals(12, offset.newValue());
        assertFalse(offset.validate(), "bitfield offsets are not checked against the compiled value");
        assertEquals(4, resolve(L_OLD, "0:2", CoreKind.FIELD_BYTE_SIZE).newValue());
        assertEquals(64 - 4, resolve(L_OLD, "0:2", CoreKind.FIELD_LSHIFT_U64).origValue());
        assertEquals(64 - 8, resolve(L_OLD, "0:2", CoreKind.FIELD_LSHIFT_U64).newValue());
        assertValue(60, 60, resolve(L_OLD, "0:2", CoreKind.FIELD_RSHIFT_U64));
        // hi: bits 104..108 in the target: container 12, left shift 64 - (104 + 5 - 96).
        assertEquals(64 - 13, resolve(L_OLD, "0:3", CoreKind.FIELD_LSHIFT_U64).newValue());
        assertValue(59, 59, resolve(L_OLD, "0:3", CoreKind.FIELD_RSHIFT_U64));
    }

    @Test
    void typeKinds() {
        CoreResolver.Result local = resolve(L_OLD, "0", CoreKind.TYPE_ID_LOCAL);
        assertValue(L_OLD, L_OLD, local);
        assertFalse(local.validate());
        CoreResolver.Result target = resolve(L_OLD, "0", CoreKind.TYPE_ID_TARGET);
        assertValue(L_OLD, T_TASK, target);
        assertValue(1, 1, resolve(L_OLD, "0", CoreKind.TYPE_EXISTS));
        assertValue(1, 0, resolve(L_GONE, "0", CoreKind.TYPE_EXISTS));
        assertValue(L_GONE, 0, resolve(L_GONE, "0", CoreKind.TYPE_ID_TARGET));
        assertValue(32, 48, resolve(L_OLD, "0", CoreKind.TYPE_SIZE));
        assertValue(4, 0, resolve(L_GONE, "0", CoreKind.TYPE_SIZE));
        assertValue(1, 1, resolve(L_SAME, "0", CoreKind.TYPE_MATCHES));
        assertValue(1, 0, resolve(L_PAIR, "0", CoreKind.TYPE_MATCHES), "a: u32 here, int there");
        assertValue(1, 0, resolve(L_COLOR, "0", CoreKind.TYPE_MATCHES), "RED is not in the target");
        assertThrows(BtfException.class, () -> resolve(L_OLD, "0:1", CoreKind.TYPE_EXISTS));
    }

    @Test
    void enumValues() {
        assertValue(1, 1, resolve(L_COLOR, "1", CoreKind.ENUMVAL_EXISTS));
        assertValue(2, 20, resolve(L_COLOR, "1", CoreKind.ENUMVAL_VALUE));
        assertValue(1, 0, resolve(L_COLOR, "0", CoreKind.ENUMVAL_EXISTS));
        assertTrue(resolve(L_COLOR, "0", CoreKind.ENUMVAL_VALUE).poison(), "RED has no value in the target");
    }

    @Test
    void withoutATargetEveryValueIsTheCompiledOne() {
        CoreResolver self = new CoreResolver(local(), null);
        for (String access : new String[] {"0:0", "0:1", "0:4:2", "0:5"}) {
            CoreResolver.Result r = self.resolve(new CoreRelo(0, 0, L_OLD, access, CoreKind.FIELD_BYTE_OFFSET.id()));
            assertEquals(r.origValue(), r.newValue(), access);
        }
        CoreResolver.Result id = self.resolve(new CoreRelo(0, 0, L_OLD, "0", CoreKind.TYPE_ID_TARGET.id()));
        assertEquals(L_OLD, id.newValue());
    }

    @Test
    void ambiguousFlavorsAreRefused() {
        BtfBlob w = new BtfBlob();
        int s32 = w.type("int", BtfKind.INT, false, 0, 4, BtfType.Int.SIGNED << 24 | 32);
        w.type("task_struct", BtfKind.STRUCT, false, 1, 8, w.str("pid"), s32, 0);
        w.type("task_struct___2", BtfKind.STRUCT, false, 1, 8, w.str("pid"), s32, 32);
        CoreResolver r = new CoreResolver(local(), Btf.parse(w.bytes(), "two"));
        BtfException e = assertThrows(BtfException.class,
                () -> r.resolve(new CoreRelo(0, 0, L_OLD, "0:0", CoreKind.FIELD_BYTE_OFFSET.id())));
        assertTrue(e.getMessage().contains("ambiguity"), e.getMessage());
        // Flavors that agree are fine: both have no 'extra'.
        assertEquals(0, r.resolve(new CoreRelo(1, 0, L_OLD, "0:5", CoreKind.FIELD_EXISTS.id())).newValue());
    }

    // ------------------------------------------------------------------ patching

    @Test
    void patchesAluImmediates() {
        Instruction[] code = {Instruction.of(Opcodes.CLASS_ALU64 | Opcodes.SRC_K | 0x00, 3, 0, 0, 0)}; // r3 += 0
        assertFalse(CoreResolver.patch(code, 0, resolve(L_OLD, "0:0", CoreKind.FIELD_BYTE_OFFSET)));
        assertEquals(8, code[0].imm());
        Instruction[] wrong = {Instruction.of(Opcodes.CLASS_ALU64 | 0xb0, 1, 0, 0, 5)}; // r1 = 5, not the compiled 0
        assertThrows(BtfException.class, () -> CoreResolver.patch(wrong, 0, resolve(L_OLD, "0:0",
                CoreKind.FIELD_BYTE_OFFSET)));
    }

    @Test
    void patchesLoadOffsetsAndWidensUnsignedLoads() {
        int ldxw = Opcodes.CLASS_LDX | Opcodes.MODE_MEM | Opcodes.SIZE_W;
        Instruction[] code = {Instruction.of(ldxw, 0, 1, 4, 0)}; // r0 = *(u32 *)(r1 + 4): state
        assertFalse(CoreResolver.patch(code, 0, resolve(L_OLD, "0:1", CoreKind.FIELD_BYTE_OFFSET)));
        assertEquals(Instruction.of(Opcodes.CLASS_LDX | Opcodes.MODE_MEM | Opcodes.SIZE_DW, 0, 1, 0, 0), code[0]);
    }

    @Test
    void aSignedFieldThatChangedSizePoisonsItsLoad() {
        BtfBlob w = new BtfBlob();
        int s64 = w.type("long int", BtfKind.INT, false, 0, 8, BtfType.Int.SIGNED << 24 | 64);
        w.type("task_struct", BtfKind.STRUCT, false, 1, 8, w.str("pid"), s64, 0);
        CoreResolver.Result r = new CoreResolver(local(), Btf.parse(w.bytes(), "wide pid"))
                .resolve(new CoreRelo(0, 0, L_OLD, "0:0", CoreKind.FIELD_BYTE_OFFSET.id()));
        assertTrue(r.failMemSizeAdjust());
        Instruction[] load = {Instruction.of(Opcodes.CLASS_LDX | Opcodes.MODE_MEM | Opcodes.SIZE_W, 0, 1, 0, 0)};
        assertTrue(CoreResolver.patch(load, 0, r));
        assertEquals(CoreResolver.poisonInstruction(), load[0]);
        Instruction[] add = {Instruction.of(Opcodes.CLASS_ALU64, 1, 0, 0, 0)};
        assertFalse(CoreResolver.patch(add, 0, r), "an address computation needs no resize");
    }

    @Test
    void patchesLddwConstantsAndPoisonsBothSlots() {
        Instruction[] code = {Instruction.of(Opcodes.LDDW, 1, 0, 0, L_OLD), Instruction.of(0, 0, 0, 0, 0)};
        assertFalse(CoreResolver.patch(code, 0, resolve(L_OLD, "0", CoreKind.TYPE_ID_TARGET)));
        assertEquals(T_TASK, code[0].imm());
        assertEquals(0, code[1].imm());
        Instruction[] value = {Instruction.of(Opcodes.LDDW, 1, 0, 0, 1), Instruction.of(0, 0, 0, 0, 0)};
        assertTrue(CoreResolver.patch(value, 0, resolve(L_COLOR, "0", CoreKind.ENUMVAL_VALUE)));
        assertEquals(CoreResolver.poisonInstruction(), value[0]);
        assertEquals(CoreResolver.poisonInstruction(), value[1]);
        assertEquals(0xbad2310, value[0].imm());
    }
}
