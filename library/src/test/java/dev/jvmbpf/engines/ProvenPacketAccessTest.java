package dev.jvmbpf.engines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jvmbpf.Bpf;
import dev.jvmbpf.Program;
import dev.jvmbpf.helpers.StandardHelpers;
import dev.jvmbpf.helpers.context.SkBuffContext;
import dev.jvmbpf.helpers.context.XdpContext;
import dev.jvmbpf.jit.JitEngine;
import dev.jvmbpf.jit.internal.ClassDefiner;
import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.exec.Output;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.isa.Assembler;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.memory.Region;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import dev.jvmbpf.runtime.verifier.Verifier;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Packet accesses the verifier proved inside [data, data_end) go to the packet's array without a
 * test of their own, unless something in their function may move the packet: the same results
 * and packets as the interpreter on packets long enough and too short.
 */
class ProvenPacketAccessTest {
    /** Swaps the first two 6-byte addresses when the frame has 14 bytes; r0 = the sum of bytes 12 and 13. */
    private static final String SWAP = """
            ldxw %r2, [%r1+0]
            ldxw %r3, [%r1+4]
            mov %r0, 0
            mov %r4, %r2
            add %r4, 14
            jgt %r4, %r3, +SKIP
            ldxb %r5, [%r2+0]
            ldxb %r6, [%r2+6]
            stxb [%r2+0], %r6
            stxb [%r2+6], %r5
            ldxh %r5, [%r2+4]
            ldxh %r6, [%r2+10]
            stxh [%r2+4], %r6
            stxh [%r2+10], %r5
            ldxb %r0, [%r2+12]
            ldxb %r5, [%r2+13]
            add %r0, %r5
            exit
            """;

    private static String swap(String before) {
        String[] lines = SWAP.split("\n");
        // The skip goes to the exit: count the instructions after the comparison.
        return before + SWAP.replace("SKIP", Integer.toString(lines.length - 7));
    }

    private static Program load(Engine engine, ProgramType type, String asm) {
        return Bpf.of(new BpfProgram("t", "", type, Assembler.assemble(asm),
                List.of(), "GPL")).engine(engine).load().program();
    }

    private static String jitClass(ProgramType type, String asm) {
        byte[] bytes = ClassDefiner.classBytes(Verifier.verifyOrUnverified(new BpfProgram("t", "", type, Assembler.assemble(asm), List.of(), "GPL"), StandardHelpers.table()),
                StandardHelpers.table());
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static void agree(String asm, int length) {
        byte[] frame = new byte[length];
        for (int i = 0; i < length; i++) {
            frame[i] = (byte) (i * 7 + 1);
        }
        long[] r0 = new long[2];
        byte[][] after = new byte[2][];
        Engine[] engines = {new Interpreter(), new JitEngine()};
        for (int i = 0; i < 2; i++) {
            XdpContext ctx = XdpContext.of(frame.clone());
            r0[i] = load(engines[i], ProgramType.XDP, asm).run(ctx);
            after[i] = ctx.packet();
        }
        assertEquals(r0[0], r0[1], "r0 on a " + length + "-byte frame");
        assertEquals(Arrays.toString(after[0]), Arrays.toString(after[1]), "packet of " + length + " bytes");
    }

    @Test
    void provenAccessesNeedNoTestOfTheirOwn() {
        String asm = swap("");
        // Without a proof each input access has an IndexOutOfBoundsException handler; with one, none.
        assertEquals(false, jitClass(ProgramType.XDP, asm).contains("java/lang/IndexOutOfBoundsException"));
        for (int length : new int[] {0, 13, 14, 60}) {
            agree(asm, length);
        }
    }

    @Test
    void aHelperThatMovesThePacketKeepsTheTests() {
        // bpf_xdp_adjust_head(ctx, 0) first: the function may move the packet, so no access skips its test.
        String asm = swap("mov %r6, %r1\nmov %r2, 0\ncall 44\nmov %r1, %r6\n");
        assertEquals(true, jitClass(ProgramType.XDP, asm).contains("java/lang/IndexOutOfBoundsException"));
        for (int length : new int[] {0, 14, 60}) {
            agree(asm, length);
        }
    }

    @Test
    void aRunWithoutAPacketContextTakesTheGeneralPath() {
        // A plain machine with r1 pointing at bytes that merely look like an xdp_md: data 0,
        // data_end 100. No context set a packet, so the proofs do not hold for r1's region: the
        // first packet load is of address 0 and must fault as in the interpreter.
        String asm = swap("");
        BpfFault[] faults = new BpfFault[2];
        Engine[] engines = {new Interpreter(), new JitEngine()};
        for (int i = 0; i < 2; i++) {
            Executable exe = engines[i].load(Verifier.verifyOrUnverified(new BpfProgram("t", "", ProgramType.XDP, Assembler.assemble(asm),
                    List.of(), "GPL"), StandardHelpers.table()), StandardHelpers.table());
            Machine m = exe.newMachine(Output.discard());
            m.beginRun();
            byte[] ctx = new byte[24];
            ctx[4] = 100;
            long r1 = m.memory().register(Region.of("ctx", ctx, true));
            faults[i] = assertThrows(BpfFault.class, () -> exe.execute(m, r1, 0, 0, 0, 0), engines[i].name());
        }
        assertEquals(faults[0].kind(), faults[1].kind());
        assertEquals(faults[0].pc(), faults[1].pc());
    }

    @Test
    void socketBufferDataAgreesToo() {
        // The same accesses through __sk_buff's data and data_end (offsets 76 and 80).
        String asm = swap("").replace("[%r1+0]", "[%r1+76]").replace("[%r1+4]", "[%r1+80]");
        assertEquals(false, jitClass(ProgramType.SOCKET_FILTER, asm).contains("java/lang/IndexOutOfBoundsException"));
        for (int length : new int[] {13, 14, 60}) {
            byte[] frame = new byte[length];
            for (int i = 0; i < length; i++) {
                frame[i] = (byte) (i * 5 + 3);
            }
            SkBuffContext a = SkBuffContext.of(frame.clone());
            SkBuffContext b = SkBuffContext.of(frame.clone());
            assertEquals(load(new Interpreter(), ProgramType.SOCKET_FILTER, asm).run(a),
                    load(new JitEngine(), ProgramType.SOCKET_FILTER, asm).run(b), "r0, " + length + " bytes");
            assertEquals(Arrays.toString(a.packet()), Arrays.toString(b.packet()), length + " bytes");
        }
    }
}
