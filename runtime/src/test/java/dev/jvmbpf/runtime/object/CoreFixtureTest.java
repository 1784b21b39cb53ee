package dev.jvmbpf.runtime.object;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.btf.Btf;
import dev.jvmbpf.runtime.btf.BtfType;
import dev.jvmbpf.runtime.btf.CoreKind;
import dev.jvmbpf.runtime.btf.CoreRelo;
import dev.jvmbpf.runtime.elf.ElfFile;
import dev.jvmbpf.runtime.elf.Fixtures;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.exec.Output;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.memory.Region;
import dev.jvmbpf.runtime.verifier.VerifiedProgram;
import dev.jvmbpf.runtime.verifier.Verifier;
import dev.jvmbpf.runtime.verifier.VerifierException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * core.o (core.bpf.c) relocated against its own BTF, against targets built from it with fields
 * moved, resized, dropped and renamed, and against the running kernel's BTF.
 */
class CoreFixtureTest {
    private static final byte[] CORE = Fixtures.bytes("core.o");
    private static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");

    private static BpfObject open(CoreTarget target) {
        return BpfObject.open(CORE, "core.o", MapFactory.standard(), Kconfig.empty(), target);
    }

    /** Runs read_rec on a 64-byte record followed by 14 result slots; returns the slots. */
    private static long[] runReadRec(BpfObject obj, byte[] record) {
        return runReadRec(obj, record, true);
    }

    private static long[] runReadRec(BpfObject obj, byte[] record, boolean verify) {
        ObjectProgram p = obj.program("read_rec");
        HelperTable helpers = HelperTable.empty();
        Executable e = new Interpreter().load(verify ? Verifier.verify(p.program(), helpers)
                : VerifiedProgram.unverified(p.program()), helpers);
        Machine m = e.newMachine(Output.discard());
        m.beginRun();
        byte[] io = new byte[64 + 14 * 8];
        System.arraycopy(record, 0, io, 0, record.length);
        Region region = Region.of("input", io, true);
        long address = m.memory().register(region);
        e.execute(m, address, io.length, 0, 0, 0);
        ByteBuffer b = ByteBuffer.wrap(m.memory().read(address, io.length)).order(ByteOrder.LITTLE_ENDIAN);
        long[] out = new long[14];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getLong(64 + 8 * i);
        }
        return out;
    }

    private static byte[] pattern() {
        byte[] r = new byte[64];
        for (int i = 0; i < r.length; i++) {
            r[i] = (byte) (0x11 * (i + 1) + i / 3);
        }
        return r;
    }

    private static long u32(byte[] b, int at) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(at) & 0xffffffffL;
    }

    private static long u16(byte[] b, int at) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getShort(at) & 0xffffL;
    }

    private static int id(Btf btf, String name) {
        return btf.findByName(name).getFirst().id();
    }

    @Test
    void ownBtfResolvesEveryRelocationToWhatClangCompiled() {
        BpfObject obj = open(CoreTarget.local());
        assertTrue(obj.btfExt().coreRelocations() > 10, "the fixture has CO-RE relocations");
        assertTrue(obj.notes().stream().anyMatch(n -> n.contains("resolved against the object's own BTF")),
                obj.notes().toString());
        // Instructions stay as compiled, except the bitfield ones, which libbpf recomputes from the
        // field's type (a 2-byte container where clang chose 4; the same bits are read).
        ElfFile elf = ElfFile.parse(CORE, "core.o");
        for (ObjectProgram p : obj.programs()) {
            byte[] compiled = elf.contents(elf.section(p.section()));
            Instruction[] now = p.program().instructions();
            List<Integer> bitfield = new ArrayList<>();
            for (CoreRelo r : obj.btfExt().coreRelos(p.section())) {
                if (r.kind() == CoreKind.FIELD_BYTE_OFFSET || r.kind() == CoreKind.FIELD_BYTE_SIZE
                        || r.kind() == CoreKind.FIELD_LSHIFT_U64) {
                    if (r.access().equals("0:4") || r.access().equals("0:5") || r.access().equals("0:6")) {
                        bitfield.add(r.insn());
                    }
                }
            }
            for (int pc = 0; pc < compiled.length / 8; pc++) {
                if (!bitfield.contains(pc) && now[pc].opcode() != Opcodes.LDDW && (pc == 0 || now[pc - 1].opcode() != Opcodes.LDDW)) {
                    assertEquals(Instruction.read(compiled, pc * 8), now[pc], p.name() + " pc " + pc);
                }
            }
            assertTrue(p.unresolved().isEmpty());
        }
        byte[] rec = pattern();
        long[] out = runReadRec(obj, rec);
        int recId = id(obj.btf(), "rec");
        assertEquals(u32(rec, 4), out[0], "b");
        assertEquals((u16(rec, 10) >> 4) & 0x7f, out[1], "mid");
        assertEquals(2, out[2], "size of c");
        assertEquals(u32(rec, 0), out[3], "rec___v1.legacy, at offset 0 of the local flavor");
        assertEquals(1, out[4]);
        assertEquals(20, out[5], "sizeof(struct rec)");
        assertEquals(1, out[6]);
        assertEquals(2, out[7], "REC_LARGE");
        assertEquals(1, out[8], "s is signed");
        assertEquals(recId, out[9]);
        assertEquals(recId, out[10]);
        assertEquals(1, out[11]);
        assertEquals(u32(rec, 16), out[12], "small");
        assertEquals(1, out[13]);
    }

    /** The fixture's own BTF with {@code struct rec}, {@code rec___v1} and the enums changed as a newer "kernel" has them. */
    private static Btf movedTarget(Btf local, UnaryOperator<List<BtfType.Member>> recMembers) {
        BtfType.Composite rec = local.struct("rec");
        int u32 = local.field(rec.id(), "a").type();
        int u16 = local.field(rec.id(), "c").type();
        List<BtfType.Member> members = new ArrayList<>(List.of(
                new BtfType.Member("a", u32, 0, 0),
                new BtfType.Member("b", u32, 64, 0),
                new BtfType.Member("c", u32, 96, 0),
                new BtfType.Member("lo", u16, 128, 4),
                new BtfType.Member("mid", u16, 139, 7),
                new BtfType.Member("hi", u16, 146, 5),
                new BtfType.Member("s", u16, 160, 0),
                new BtfType.Member("small", u32, 192, 0)));
        members = recMembers.apply(members);
        BtfType.Composite v1 = local.struct("rec___v1");
        BtfType.Enum kind = (BtfType.Enum) local.find(dev.jvmbpf.runtime.btf.BtfKind.ENUM, "rec_kind");
        BtfType.Enum v2 = (BtfType.Enum) local.find(dev.jvmbpf.runtime.btf.BtfKind.ENUM, "rec_kind___v2");
        return local.replacing(List.of(
                new BtfType.Composite(rec.id(), "rec", false, 28, members),
                new BtfType.Composite(v1.id(), "unrelated", false, v1.size(), v1.members()),
                new BtfType.Enum(kind.id(), "rec_kind", false, false, 4, List.of(
                        new BtfType.EnumValue("REC_SMALL", 10), new BtfType.EnumValue("REC_LARGE", 20))),
                new BtfType.Enum(v2.id(), "unrelated_enum", false, false, 4, v2.values())));
    }

    @Test
    void constructedTargetMovesResizesAndDropsFields() {
        Btf local = open(CoreTarget.local()).btf();
        BpfObject obj = open(CoreTarget.of(movedTarget(local, UnaryOperator.identity()), "a moved rec"));
        byte[] rec = pattern();
        long[] out = runReadRec(obj, rec);
        assertEquals(u32(rec, 8), out[0], "b moved to offset 8");
        assertEquals((u32(rec, 16) >> 11) & 0x7f, out[1], "mid moved to bit 139");
        assertEquals(4, out[2], "c is 4 bytes in the target");
        assertEquals(0xdead, out[3], "legacy is in no flavor of the target: the guarded read is dead");
        assertEquals(1, out[4], "rec___v1 matches the target's rec by essential name");
        assertEquals(28, out[5]);
        assertEquals(0, out[6], "REC_HUGE is in no enum of the target");
        assertEquals(20, out[7], "REC_LARGE is 20 in the target");
        assertEquals(0, out[8], "s is unsigned in the target");
        assertEquals(0, out[11], "c changed size, so the types do not match");
        assertEquals(u32(rec, 24), out[12], "small moved to offset 24");
        ObjectProgram p = obj.program("read_rec");
        assertEquals(1, p.unresolved().size(), "the legacy read, in dead code, is poisoned: " + p.unresolved());
        int pc = p.unresolved().keySet().iterator().next();
        assertEquals(Opcodes.CALL, p.program().instructions()[pc].opcode());
        assertEquals(Opcodes.HELPER_CORE_POISON, p.program().instructions()[pc].imm());
        assertTrue(p.describe(pc).contains("CO-RE relocation #"), p.describe(pc));
        assertTrue(p.describe(pc).contains("legacy"), p.describe(pc));
    }

    @Test
    void reachedPoisonFaultsNamingTheRelocation() {
        Btf local = open(CoreTarget.local()).btf();
        Btf target = movedTarget(local, members -> {
            members.removeIf(m -> m.name().equals("b"));
            return members;
        });
        BpfObject obj = open(CoreTarget.of(target, "a rec without b"));
        ObjectProgram p = obj.program("read_rec");
        assertTrue(obj.notes().stream().anyMatch(n -> n.contains("could not be resolved") && n.contains(".b")),
                obj.notes().toString());
        // The verifier refuses a program that reaches the poison, as the kernel does, at its pc.
        VerifierException v = assertThrows(VerifierException.class, () -> runReadRec(obj, pattern()));
        assertTrue(v.getMessage().contains("invalid func unknown#195896080"), v.getMessage());
        String where = p.describe(v.pc());
        assertTrue(where.contains(" of raw (FIELD_BYTE_OFFSET of struct rec.b"), where);
        assertTrue(where.contains("could not be resolved"), where);
        // Run unverified, the engine faults there.
        BpfFault f = assertThrows(BpfFault.class, () -> runReadRec(obj, pattern(), false));
        assertTrue(f.getMessage().contains("0xbad2310"), f.getMessage());
        assertEquals(v.pc(), f.pc());
    }

    @Test
    void ambiguousCandidatesRefuseTheObject() {
        Btf local = open(CoreTarget.local()).btf();
        // Two flavors of rec in the target with b at different offsets: libbpf refuses.
        BtfType.Composite v1 = local.struct("rec___v1");
        BtfType.Composite rec = local.struct("rec");
        int u32 = local.field(rec.id(), "a").type();
        Btf target = local.replacing(List.of(new BtfType.Composite(v1.id(), "rec___v9", false, 8,
                List.of(new BtfType.Member("b", u32, 0, 0), new BtfType.Member("small", u32, 32, 0)))));
        var e = assertThrows(dev.jvmbpf.runtime.exec.LoadException.class,
                () -> open(CoreTarget.of(target, "two recs")));
        assertTrue(e.getMessage().contains("ambiguity"), e.getMessage());
        assertTrue(e.getMessage().contains("CO-RE relocation #"), e.getMessage());
    }

    @Test
    void runningKernelBtfGivesTaskStructOffsets() throws IOException {
        Assumptions.assumeTrue(Files.isReadable(VMLINUX), "no " + VMLINUX + ": nothing to compare with");
        Btf kernel = Btf.read(VMLINUX);
        BpfObject local = open(CoreTarget.local());
        BpfObject obj = BpfObject.open(CORE, "core.o", MapFactory.standard(), Kconfig.empty(), CoreTarget.file(VMLINUX));
        BpfObject host = open(CoreTarget.host());
        ObjectProgram p = obj.program("task_info");
        assertEquals(List.of(p.program().instructions()), List.of(host.program("task_info").program().instructions()));
        Instruction[] code = p.program().instructions();
        Btf btf = local.btf();
        int kernelTask = kernel.struct("task_struct").id();
        int checked = 0;
        for (CoreRelo r : local.btfExt().coreRelos("kprobe/do_nanosleep")) {
            if (r.kind() != CoreKind.FIELD_BYTE_OFFSET) {
                continue;
            }
            BtfType.Composite t = (BtfType.Composite) btf.resolve(r.typeId());
            String field = t.members().get(Integer.parseInt(r.access().split(":")[1])).name();
            boolean present = kernel.struct("task_struct").members().stream().anyMatch(m -> m.name().equals(field))
                    || hasNested(kernel, kernelTask, field);
            if (!present) {
                assertEquals(Opcodes.HELPER_CORE_POISON, code[r.insn()].imm(), field + " is poisoned");
                assertNotNull(p.unresolved().get(r.insn()));
                continue;
            }
            long expected = kernel.field(kernelTask, field).byteOffset();
            assertEquals(expected, code[r.insn()].imm(), "offset of task_struct." + field + " in " + VMLINUX);
            checked++;
        }
        assertTrue(checked >= 5, "pid, tgid, real_parent, __state, flags, comm: " + checked);
        // PIDTYPE_SID's value in the kernel.
        BtfType.Enum pidType = (BtfType.Enum) kernel.find(dev.jvmbpf.runtime.btf.BtfKind.ENUM, "pid_type");
        long sid = pidType.values().stream().filter(v -> v.name().equals("PIDTYPE_SID")).findFirst().orElseThrow().value();
        for (CoreRelo r : local.btfExt().coreRelos("kprobe/do_nanosleep")) {
            if (r.kind() == CoreKind.ENUMVAL_VALUE) {
                assertEquals(sid, code[r.insn()].imm());
            }
        }
        assertNotEquals(List.of(code), List.of(local.program("task_info").program().instructions()));
        // The kernel has no struct rec: read_rec's relocations are poisoned, all behind the
        // bpf_core_type_exists test, so it verifies and returns at once.
        if (kernel.findByName("rec").isEmpty()) {
            ObjectProgram rec = host.program("read_rec");
            assertTrue(rec.unresolved().size() > 5, rec.unresolved().toString());
            long[] out = runReadRec(host, pattern());
            assertEquals(List.of(), java.util.Arrays.stream(out).filter(v -> v != 0).boxed().toList(),
                    "nothing written");
        }
    }

    private static boolean hasNested(Btf btf, int id, String field) {
        try {
            btf.field(id, field);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
