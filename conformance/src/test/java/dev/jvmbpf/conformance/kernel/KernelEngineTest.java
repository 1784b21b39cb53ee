package dev.jvmbpf.conformance.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.kernel.KernelBpf;
import dev.jvmbpf.kernel.KernelEngine;
import dev.jvmbpf.kernel.KernelExecutable;
import dev.jvmbpf.kernel.KernelRejectedException;
import dev.jvmbpf.kernel.testing.KernelRequired;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.exec.Output;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import dev.jvmbpf.runtime.memory.Region;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.verifier.Verifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KernelEngineTest {
    private static final int ALU64_K = Opcodes.CLASS_ALU64 | Opcodes.SRC_K;
    private static final int ALU64_X = Opcodes.CLASS_ALU64 | Opcodes.SRC_X;

    @BeforeAll
    static void kernelAvailable() {
        KernelRequired.assume("kernel engine tests");
    }

    private static Instruction ins(int opcode, int dst, int src, int off, int imm) {
        return Instruction.of(opcode, dst, src, off, imm);
    }

    private static KernelExecutable load(KernelEngine engine, Instruction... code) {
        return engine.load(Verifier.verifyOrUnverified(BpfProgram.raw("test", code), HelperTable.empty()), HelperTable.empty());
    }

    @Test
    void returnsFull64BitR0() {
        try (KernelEngine engine = new KernelEngine()) {
            KernelExecutable exe = load(engine,
                    ins(Opcodes.LDDW, 0, 0, 0, 0x9abcdef0), ins(0, 0, 0, 0, 0x12345678),
                    ins(Opcodes.EXIT, 0, 0, 0, 0));
            assertEquals(0x123456789abcdef0L, exe.run(new byte[0], true, 0).r0());
        }
    }

    @Test
    void readsAndWritesMemoryThroughR1AndSeesLengthInR2() {
        try (KernelEngine engine = new KernelEngine()) {
            // r0 = *(u32 *)(r1 + 4) + r2; *(u8 *)(r1 + 0) = 0x5a
            KernelExecutable exe = load(engine,
                    ins(Opcodes.CLASS_LDX | Opcodes.MODE_MEM | Opcodes.SIZE_W, 0, 1, 4, 0),
                    ins(ALU64_X | Opcodes.ALU_ADD, 0, 2, 0, 0),
                    ins(Opcodes.CLASS_ST | Opcodes.MODE_MEM | Opcodes.SIZE_B, 1, 0, 0, 0x5a),
                    ins(Opcodes.EXIT, 0, 0, 0, 0));
            byte[] mem = {1, 2, 3, 4, 0x10, 0x20, 0, 0};
            KernelExecutable.Result r = exe.run(mem, true, mem.length);
            assertEquals(0x2010L + 8, r.r0());
            assertArrayEquals(new byte[] {0x5a, 2, 3, 4, 0x10, 0x20, 0, 0}, r.memory());
        }
    }

    @Test
    void executeCopiesTheRegionInAndOut() {
        try (KernelEngine engine = new KernelEngine()) {
            // *(u64 *)(r1 + 0) += 1; r0 = r1 - r1 (a pointer difference is a scalar)
            KernelExecutable exe = load(engine,
                    ins(Opcodes.CLASS_LDX | Opcodes.MODE_MEM | Opcodes.SIZE_DW, 3, 1, 0, 0),
                    ins(ALU64_K | Opcodes.ALU_ADD, 3, 0, 0, 1),
                    ins(Opcodes.CLASS_STX | Opcodes.MODE_MEM | Opcodes.SIZE_DW, 1, 3, 0, 0),
                    ins(ALU64_K | Opcodes.ALU_MOV, 0, 0, 0, 42),
                    ins(Opcodes.EXIT, 0, 0, 0, 0));
            Machine machine = exe.newMachine(Output.discard());
            machine.beginRun();
            byte[] data = {(byte) 0xff, 0, 0, 0, 0, 0, 0, 0};
            long address = machine.memory().register(Region.of("mem", data, true));
            assertEquals(42, exe.execute(machine, address, data.length, 0, 0, 0));
            assertArrayEquals(new byte[] {0, 1, 0, 0, 0, 0, 0, 0}, data);
        }
    }

    @Test
    void outOfBoundsAccessIsAKernelRejectionWithTheVerifierLog() {
        try (KernelEngine engine = new KernelEngine()) {
            KernelExecutable exe = load(engine,
                    ins(Opcodes.CLASS_LDX | Opcodes.MODE_MEM | Opcodes.SIZE_DW, 0, 1, 4, 0),
                    ins(Opcodes.EXIT, 0, 0, 0, 0));
            KernelRejectedException e = assertThrows(KernelRejectedException.class,
                    () -> exe.run(new byte[8], true, 8));
            assertTrue(e.verifierLog().contains("invalid access to map value"), e.verifierLog());
            assertEquals(e, assertThrows(KernelRejectedException.class, () -> exe.prepare(8, true, 8)));
            // The same program is fine when the memory is large enough.
            assertEquals(0, exe.run(new byte[12], true, 12).r0());
        }
    }

    @Test
    void readOnlyMemoryRejectsStores() {
        try (KernelEngine engine = new KernelEngine()) {
            KernelExecutable exe = load(engine,
                    ins(Opcodes.CLASS_ST | Opcodes.MODE_MEM | Opcodes.SIZE_B, 1, 0, 0, 1),
                    ins(ALU64_K | Opcodes.ALU_MOV, 0, 0, 0, 0),
                    ins(Opcodes.EXIT, 0, 0, 0, 0));
            assertThrows(KernelRejectedException.class, () -> exe.prepare(4, false, 4));
            exe.prepare(4, true, 4);
        }
    }

    @Test
    void stackPoisonShowsReadsOfStackTheProgramNeverWrote() {
        Instruction[] readsUninitialised = {
            ins(Opcodes.CLASS_LDX | Opcodes.MODE_MEM | Opcodes.SIZE_DW, 0, 10, -16, 0),
            ins(Opcodes.EXIT, 0, 0, 0, 0)};
        try (KernelEngine a = KernelEngine.withStackPoison(0x1111222233334444L);
                KernelEngine b = KernelEngine.withStackPoison(0x5555666677778888L)) {
            assertEquals(0x1111222233334444L, load(a, readsUninitialised).run(new byte[0], true, 0).r0());
            assertEquals(0x5555666677778888L, load(b, readsUninitialised).run(new byte[0], true, 0).r0());
        }
    }

    @Test
    void strictVerificationRefusesWhatOnlyRootMayDo() {
        Instruction[] readsUninitialised = {
            ins(Opcodes.CLASS_LDX | Opcodes.MODE_MEM | Opcodes.SIZE_DW, 0, 10, -16, 0),
            ins(Opcodes.EXIT, 0, 0, 0, 0)};
        Instruction[] fine = {
            ins(Opcodes.CLASS_ST | Opcodes.MODE_MEM | Opcodes.SIZE_DW, 10, 0, -16, 3),
            ins(Opcodes.CLASS_LDX | Opcodes.MODE_MEM | Opcodes.SIZE_DW, 0, 10, -16, 0),
            ins(Opcodes.EXIT, 0, 0, 0, 0)};
        try (KernelEngine engine = new KernelEngine()) {
            load(engine, readsUninitialised).prepare(0, true, 0);
            KernelRejectedException e = engine.strictRejection(BpfProgram.raw("uninit", readsUninitialised), 0, 0);
            assertTrue(e != null && e.verifierLog().contains("invalid read from stack"), String.valueOf(e));
            assertEquals(null, engine.strictRejection(BpfProgram.raw("fine", fine), 0, 0));
            // The process itself keeps its privileges.
            assertEquals(3, load(engine, fine).run(new byte[0], true, 0).r0());
        }
    }

    @Test
    void mapReferencesAreOutOfScope() {
        try (KernelEngine engine = new KernelEngine()) {
            LoadException e = assertThrows(LoadException.class, () -> load(engine,
                    ins(Opcodes.LDDW, 1, Opcodes.PSEUDO_MAP_IDX, 0, 0), ins(0, 0, 0, 0, 0),
                    ins(Opcodes.EXIT, 0, 0, 0, 0)));
            assertTrue(e.getMessage().contains("lddw at pc 0"), e.getMessage());
        }
    }

    @Test
    void kernelReleaseIsKnownOnLinux() {
        assertTrue(KernelBpf.kernelRelease().matches("\\d+\\.\\d+.*"), KernelBpf.kernelRelease());
    }
}
