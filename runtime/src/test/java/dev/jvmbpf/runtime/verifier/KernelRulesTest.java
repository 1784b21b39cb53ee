package dev.jvmbpf.runtime.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jvmbpf.runtime.isa.Assembler;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rules taken from the kernel's verifier as its selftests exercise them: each has a program the
 * kernel accepts and a close one it refuses, with the kernel's reason.
 */
class KernelRulesTest {
    static BpfProgram program(String section, ProgramType type, String asm) {
        return new BpfProgram("t", section, type, Assembler.assemble(asm), List.of(), "GPL");
    }

    static VerifiedProgram accept(String section, ProgramType type, String asm) {
        return Verifier.verify(program(section, type, asm), TypeCheckTest.HELPERS);
    }

    static String reject(String section, ProgramType type, String asm) {
        return assertThrows(VerifierException.class, () -> accept(section, type, asm)).getMessage();
    }

    static VerifiedProgram accept(String asm) {
        return accept("socket", ProgramType.SOCKET_FILTER, asm);
    }

    static String reject(String asm) {
        return reject("socket", ProgramType.SOCKET_FILTER, asm);
    }

    @Test
    void framePointerWritesAreRefusedOnlyWhereAPathReaches() {
        accept("mov %r0, 0\njeq %r0, 0, +1\nmov %r10, 1\nexit");
        assertEquals("pc 2 (r10 = 1): frame pointer is read only", reject("mov %r0, 0\njne %r0, 0, +1\nmov %r10, 1\nexit"));
    }

    @Test
    void aThirtyTwoBitCopyOfTheFramePointerIsAScalarForRoot() {
        accept("mov32 %r1, %r10\nmov %r0, %r1\nexit");
    }

    private static final String SKB_PACKET = """
            ldxw %r2, [%r1+76]
            ldxw %r3, [%r1+80]
            mov %r4, %r2
            add %r4, 8
            jgt %r4, %r3, +1
            """;

    @Test
    void packetPointersOfSkbContextsOfTypesNotModelled() {
        for (String section : List.of("lwt_in", "lwt_out", "lwt_xmit", "cgroup/skb", "sk_skb")) {
            accept(section, ProgramType.RAW, SKB_PACKET + "ldxb %r0, [%r2]\nmov %r0, 0\nexit");
            assertEquals("pc 5 (r0 = *(u8 *)(r2 + 8)): invalid access to packet, off=8 size=1, R2(id=0,off=0,r=8); R2 offset is outside of the packet",
                    reject(section, ProgramType.RAW, SKB_PACKET + "ldxb %r0, [%r2+8]\nmov %r0, 0\nexit"));
        }
        assertEquals("pc 5 (*(u8 *)(r2 + 0) = r2): cannot write into packet",
                reject("lwt_in", ProgramType.RAW, SKB_PACKET + "stxb [%r2], %r2\nmov %r0, 0\nexit"));
        accept("lwt_xmit", ProgramType.RAW, SKB_PACKET + "stxb [%r2], %r2\nmov %r0, 0\nexit");
        accept("sk_msg", ProgramType.RAW, """
                ldxdw %r2, [%r1+0]
                ldxdw %r3, [%r1+8]
                mov %r4, %r2
                add %r4, 8
                jgt %r4, %r3, +1
                ldxb %r0, [%r2]
                mov %r0, 0
                exit
                """);
    }

    @Test
    void deadBranchesByThirtyTwoBitAndSignedBounds() {
        // After w0 >= 4, w0 == w2 (w2 = 3) is never taken: the read of r1 there is on a dead path.
        String prefix = "call 14\njlt32 %r0, 4, +2\nmov32 %r2, 3\n";
        accept(prefix + "jeq32 %r0, %r2, +2\nmov %r0, 0\nexit\nsub %r0, %r1\nexit");
        assertEquals("pc 6 (r0 -= r1): R1 !read_ok", reject(prefix.replace("jlt32 %r0, 4", "jlt32 %r0, 3")
                + "jeq32 %r0, %r2, +2\nmov %r0, 0\nexit\nsub %r0, %r1\nexit"));
        // (s8) of [0x80, 0x8f] is negative
        accept("call 14\nmov %r3, %r0\nand %r3, 15\nor %r3, 128\nmovsx832 %r7, %r3\njsge32 %r7, -5, +2\n"
                + "mov32 %r0, 0\nexit\nmov %r10, 1\nexit");
    }

    @Test
    void atomicsOnTheContextOrThePacketAreRefused() {
        assertEquals("pc 1 (lock *(u32 *)(r1 + 0) += w0): BPF_ATOMIC stores into R1 ctx is not allowed",
                reject("mov %r0, 1\nlock add32 [%r1], %r0\nexit"));
    }

    @Test
    void packetMetadataIsCheckedAgainstData() {
        String meta = "ldxw %r2, [%r1+8]\nldxw %r3, [%r1+0]\nmov %r4, %r2\nadd %r4, 8\n";
        accept("xdp", ProgramType.XDP, meta + "jgt %r4, %r3, +1\nldxdw %r0, [%r2]\nmov %r0, 0\nexit");
        assertEquals("pc 5 (r0 = *(u64 *)(r2 + 4)): invalid access to packet, off=4 size=8, R2(id=0,off=0,r=8);"
                + " R2 offset is outside of the packet",
                reject("xdp", ProgramType.XDP, meta + "jgt %r4, %r3, +1\nldxdw %r0, [%r2+4]\nmov %r0, 0\nexit"));
        assertEquals("pc 4 (r0 = *(u8 *)(r2 + 0)): invalid access to packet, off=0 size=1, R2(id=0,off=0,r=0);"
                + " R2 offset is outside of the packet",
                reject("xdp", ProgramType.XDP, meta + "ldxb %r0, [%r2]\nmov %r0, 0\nexit"));
    }

    @Test
    void returnValueRangesPerProgramType() {
        assertEquals("pc 1 (exit): At program exit the register R0 has smin=0 smax=0 should have been in [1, 1]",
                reject("cgroup/recvmsg4", ProgramType.RAW, "mov %r0, 0\nexit"));
        accept("cgroup/recvmsg4", ProgramType.RAW, "mov %r0, 1\nexit");
        assertEquals("pc 1 (exit): At program exit the register R0 has smin=4 smax=4 should have been in [0, 3]",
                reject("cgroup/bind4", ProgramType.RAW, "mov %r0, 4\nexit"));
        accept("cgroup/bind4", ProgramType.RAW, "mov %r0, 3\nexit");
        // a range proven by a comparison is enough
        accept("cgroup/connect4", ProgramType.RAW, "call 14\njgt %r0, 1, +1\nexit\nmov %r0, 0\nexit");
        assertEquals("pc 1 (exit): At program exit the register R0 has unknown scalar value should have been in [0, 1]",
                reject("cgroup/connect4", ProgramType.RAW, "call 14\nexit"));
        accept("xdp", ProgramType.XDP, "mov %r0, 7\nexit");
    }
}
