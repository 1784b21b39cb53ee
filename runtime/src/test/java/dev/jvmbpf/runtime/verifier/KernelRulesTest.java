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

    /** r1 = the 16-byte value of map 2 (global data), r0 = an unknown scalar. */
    private static final String VALUE = "call 14\nlddw %r1, 0x56414c0000020000\n";

    private static VerifiedProgram acceptValue(String asm) {
        return TypeCheckTest.accept(ProgramType.SOCKET_FILTER, VALUE + asm + "mov %r0, 0\nexit");
    }

    private static String rejectValue(String asm) {
        return TypeCheckTest.reject(ProgramType.SOCKET_FILTER, VALUE + asm + "mov %r0, 0\nexit");
    }

    @Test
    void mapValuesWithVariableOffsetsAsTheKernelBoundsThem() {
        assertEquals("pc 3 (r1 += r0): math between map_value pointer and register with unbounded min value is not"
                + " allowed", rejectValue("add %r1, %r0\n"));
        acceptValue("and %r0, 7\nadd %r1, %r0\nldxdw %r2, [%r1]\n");
        assertEquals("pc 5 (r2 = *(u32 *)(r1 + 0)): invalid access to map value, value_size=16 off=15 size=4;"
                + " R1 max value is outside of the allowed memory range",
                rejectValue("and %r0, 15\nadd %r1, %r0\nldxw %r2, [%r1]\n"));
        assertEquals("pc 6 (r2 = *(u8 *)(r1 + 0)): R1 min value is negative, either use unsigned index or do a"
                + " if (index >=0) check.", rejectValue("and %r0, 7\nsub %r0, 4\nadd %r1, %r0\nldxb %r2, [%r1]\n"));
        // [-4, 3] as signed is any value as unsigned: the kernel wants the unsigned bound too
        assertEquals("pc 6 (r2 = *(u8 *)(r1 + 4)): R1 unbounded memory access, make sure to bounds check any such"
                + " access", rejectValue("and %r0, 7\nsub %r0, 4\nadd %r1, %r0\nldxb %r2, [%r1+4]\n"));
        assertEquals("pc 3 (r1 += 536870912): math between map_value pointer and 536870912 is not allowed",
                rejectValue("add %r1, 0x20000000\n"));
        assertEquals("pc 3 (r1 -= r0): R1 subtraction from stack pointer prohibited",
                reject("call 14\nmov %r1, %r10\nand %r0, 7\nsub %r1, %r0\nmov %r0, 0\nexit"));
    }

    @Test
    void aComparisonBoundsEveryCopyOfTheScalar() {
        // r2 is a copy of r0: bounding r2 bounds r0 too (the kernel's linked registers)
        acceptValue("mov %r2, %r0\njgt %r2, 8, +2\nadd %r1, %r0\nldxdw %r2, [%r1]\n");
        // ... also a copy with a constant added
        acceptValue("mov %r2, %r0\nadd %r2, 4\njgt %r2, 12, +3\njlt %r2, 4, +2\nadd %r1, %r0\nldxdw %r2, [%r1]\n");
        assertEquals("pc 4 (r1 += r0): math between map_value pointer and register with unbounded min value is not"
                + " allowed", rejectValue("mov %r2, %r0\nadd %r1, %r0\njgt %r2, 8, +1\nldxdw %r2, [%r1]\n"));
    }

    @Test
    void noRefusalRestsOnBoundsTheKernelKnowsBetter() {
        // A 4-byte fill of a spilled [0, 7]: the kernel keeps the range, this analysis does not: accepted.
        acceptValue("and %r0, 7\nstxw [%r10-8], %r0\nldxw %r0, [%r10-8]\nadd %r1, %r0\nldxdw %r2, [%r1]\n");
        // Stored where the kernel does not spill (not at a multiple of 8), it reads back any u32, as here.
        assertEquals("pc 7 (r2 = *(u64 *)(r1 + 0)): R1 unbounded memory access, make sure to bounds check any such"
                + " access", rejectValue("and %r0, 7\nstxw [%r10-4], %r0\nldxw %r0, [%r10-4]\nadd %r1, %r0\n"
                + "ldxdw %r2, [%r1]\n"));
    }

    @Test
    void helperSizesAsTheKernelBoundsThem() {
        // get_current_comm(r1 = fp-16, r2 = size): a size of 1 to 16 is fine
        String buf = "call 14\nmov %r2, %r0\nmov %r1, %r10\nadd %r1, -16\n";
        accept(buf + "and %r2, 15\nadd %r2, 1\ncall 16\nmov %r0, 0\nexit");
        assertEquals("pc 5 (call 16): R2 invalid zero-sized read: u64=[0,15]",
                reject(buf + "and %r2, 15\ncall 16\nmov %r0, 0\nexit"));
        assertEquals("pc 6 (call 16): R2 min value is negative, either use unsigned or 'var &= const'",
                reject(buf + "and %r2, 15\nsub %r2, 1\ncall 16\nmov %r0, 0\nexit"));
        assertEquals("pc 6 (call 16): R2 unbounded memory access, use 'var &= const' or 'if (var < const)'",
                reject(buf + "rsh %r2, 2\nadd %r2, 1\ncall 16\nmov %r0, 0\nexit"));
    }

    @Test
    void stackAccessesAreAlignedAndInsideTheFrameInTheKernelsWords() {
        assertEquals("pc 1 (r0 = *(u64 *)(r2 - 4)): misaligned stack access off 0+0+-4 size 8",
                reject("mov %r2, %r10\nldxdw %r0, [%r2-4]\nexit"));
        assertEquals("pc 2 (*(u64 *)(r2 + 8) = r1): invalid write to stack R2 off=8 size=8;"
                + " 8-byte stack access at r10 + 8 is outside the frame [-512, 0) (r2 = r10 + 0)",
                reject("mov %r1, 0\nmov %r2, %r10\nstxdw [%r2+8], %r1\nmov %r0, 0\nexit"));
        accept("mov %r2, %r10\nstw [%r2-4], 0\nldxw %r0, [%r2-4]\nexit");
    }

    @Test
    void helpersTracingProgramsMayNotCall() {
        var helpers = dev.jvmbpf.runtime.exec.HelperTable.of(List.of(
                new dev.jvmbpf.runtime.exec.HelperSpec(93, "spin_lock", List.of(dev.jvmbpf.runtime.exec.ArgType.ANYTHING),
                        (m, a, b, c, d, e) -> 0),
                new dev.jvmbpf.runtime.exec.HelperSpec(160, "ktime_get_coarse_ns", List.of(), (m, a, b, c, d, e) -> 0)));
        String coarse = "call 160\nmov %r0, 0\nexit";
        assertEquals("pc 0 (call 160): program of this type cannot use helper bpf_ktime_get_coarse_ns#160",
                assertThrows(VerifierException.class, () -> Verifier.verify(program("kprobe/f", ProgramType.KPROBE,
                        coarse), helpers)).getMessage());
        Verifier.verify(program("xdp", ProgramType.XDP, coarse), helpers);
        String lock = "mov %r1, 0\ncall 93\nmov %r0, 0\nexit";
        assertEquals("pc 1 (call 93): tracing progs cannot use bpf_spin_lock yet",
                assertThrows(VerifierException.class, () -> Verifier.verify(program("tracepoint/a/b",
                        ProgramType.TRACEPOINT, lock), helpers)).getMessage());
    }

    @Test
    void skbContextAccessesAsTheKernelAllowsThem() {
        // a narrow load of the sk pointer, a load past the end, flow_keys: refused for tc
        assertEquals("pc 0 (r1 = *(u32 *)(r1 + 168)): invalid bpf_context access off=168 size=4",
                reject("tc", ProgramType.SCHED_CLS, "ldxw %r1, [%r1+168]\nmov %r0, 0\nexit"));
        assertEquals("pc 0 (r1 = *(u32 *)(r1 + 192)): invalid bpf_context access off=192 size=4",
                reject("tc", ProgramType.SCHED_CLS, "ldxw %r1, [%r1+192]\nmov %r0, 0\nexit"));
        accept("tc", ProgramType.SCHED_CLS, "ldxdw %r2, [%r1+168]\nldxb %r3, [%r1+0]\nstw [%r1+8], 1\nmov %r0, 0\nexit");
        // tc_classid: not for cgroup_skb or lwt
        assertEquals("pc 0 (r0 = *(u32 *)(r1 + 72)): invalid bpf_context access off=72 size=4",
                reject("cgroup/skb", ProgramType.RAW, "ldxw %r0, [%r1+72]\nmov %r0, 0\nexit"));
        assertEquals("pc 0 (r0 = *(u16 *)(r1 + 72)): invalid bpf_context access off=72 size=2",
                reject("lwt_in", ProgramType.RAW, "ldxh %r0, [%r1+72]\nmov %r0, 0\nexit"));
        accept("tc", ProgramType.SCHED_CLS, "ldxw %r0, [%r1+72]\nmov %r0, 0\nexit");
        // only the pointer the kernel gave may be dereferenced
        assertEquals("pc 1 (r0 = *(u32 *)(r1 + 0)): dereference of modified ctx ptr R1 off=8 disallowed",
                reject("tc", ProgramType.SCHED_CLS, "add %r1, 8\nldxw %r0, [%r1]\nexit"));
        assertEquals("pc 1 (r0 = *(u32 *)(r1 + 8)): negative offset ctx ptr R1 off=-8 disallowed",
                reject("xdp", ProgramType.XDP, "add %r1, -8\nldxw %r0, [%r1+8]\nexit"));
    }

    @Test
    void socketFiltersSeeLessOfTheSkBuff() {
        assertEquals("pc 0 (r0 = *(u32 *)(r1 + 72)): invalid bpf_context access off=72 size=4",
                reject("ldxw %r0, [%r1+72]\nexit"));
        assertEquals("pc 0 (*(u32 *)(r1 + 8) = 1): invalid bpf_context access off=8 size=4",
                reject("stw [%r1+8], 1\nmov %r0, 0\nexit"));
        accept("ldxw %r0, [%r1+8]\nldxw %r2, [%r1+0]\nstw [%r1+48], 1\nexit");
    }
}
