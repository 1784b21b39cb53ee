package dev.jvmbpf.runtime.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jvmbpf.runtime.exec.ArgType;
import dev.jvmbpf.runtime.exec.HelperSpec;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.isa.Assembler;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Argument and alignment rules of the kernel the helper table does not spell out (verifier_ctx,
 * verifier_int_ptr, verifier_xadd): each with a program the kernel accepts and one it refuses.
 */
class HelperArgumentRulesTest {
    private static final HelperTable HELPERS = HelperTable.of(List.of(
            new HelperSpec(106, "strtoul", List.of(ArgType.PTR_TO_MEM, ArgType.CONST_SIZE, ArgType.ANYTHING,
                    ArgType.ANYTHING), (m, a, b, c, d, e) -> 0),
            new HelperSpec(122, "get_netns_cookie", List.of(ArgType.ANYTHING), (m, a, b, c, d, e) -> 0),
            new HelperSpec(26, "skb_load_bytes", List.of(ArgType.PTR_TO_CTX, ArgType.ANYTHING,
                    ArgType.PTR_TO_UNINIT_MEM, ArgType.CONST_SIZE), (m, a, b, c, d, e) -> 0),
            new HelperSpec(28, "csum_diff", List.of(ArgType.PTR_TO_MEM, ArgType.CONST_SIZE_OR_ZERO,
                    ArgType.PTR_TO_MEM, ArgType.CONST_SIZE_OR_ZERO, ArgType.ANYTHING), (m, a, b, c, d, e) -> 0)
                    .withPacketAccess()));

    private static void accept(String section, String asm) {
        Verifier.verify(new BpfProgram("t", section, ProgramType.RAW, Assembler.assemble(asm), List.of(), "GPL"),
                HELPERS);
    }

    private static String reject(String section, String asm) {
        return assertThrows(VerifierException.class, () -> accept(section, asm)).getMessage();
    }

    /** A tc program: r6 = data + 8 checked against data_end, r3 = data; then {@code call} (lines). */
    private static String packetInto(String call) {
        return """
                ldxw %r6, [%r1+76]
                ldxw %r7, [%r1+80]
                mov %r3, %r6
                add %r6, 8
                jgt %r6, %r7, +SKIP
                """.replace("SKIP", String.valueOf(call.lines().count())) + call + """
                mov %r0, 0
                exit
                """;
    }

    @Test
    void onlyHelpersWithPacketAccessTakePacketPointers() {
        // skb_load_bytes(ctx, 0, data, 4) copies into its third argument: not one of the packet's helpers.
        String load = "mov %r2, 0\nmov %r4, 4\ncall 26\n";
        assertEquals("pc 7 (call 26): helper access to the packet is not allowed",
                assertThrows(VerifierException.class, () -> verifyTc(packetInto(load))).getMessage());
        // csum_diff(NULL, 0, data, 4, 0) is: it may read the 8 bytes checked.
        verifyTc(packetInto("mov %r1, 0\nmov %r2, 0\nmov %r4, 4\nmov %r5, 0\ncall 28\n"));
    }

    @Test
    void helpersTakeTheContextUnmoved() {
        // skb_load_bytes(ctx, 0, r10 - 8, 4) with ctx moved before the call (check_ptr_off_reg).
        String load = "mov %r2, 0\nmov %r3, %r10\nadd %r3, -8\nmov %r4, 4\ncall 26\nmov %r0, 0\nexit\n";
        verifyTc(load);
        assertEquals("pc 5 (call 26): negative offset ctx ptr R1 off=-612 disallowed",
                assertThrows(VerifierException.class, () -> verifyTc("add %r1, -612\n" + load)).getMessage());
        assertEquals("pc 5 (call 26): dereference of modified ctx ptr R1 off=4 disallowed",
                assertThrows(VerifierException.class, () -> verifyTc("add %r1, 4\n" + load)).getMessage());
        // By a variable 0 or 4: skb->len & 4.
        assertEquals("pc 7 (call 26): variable ctx access var_off=(0x0; 0x4) disallowed",
                assertThrows(VerifierException.class, () -> verifyTc(
                        "ldxw %r2, [%r1+0]\nand %r2, 4\nadd %r1, %r2\n" + load)).getMessage());
    }

    private static void verifyTc(String asm) {
        Verifier.verify(new BpfProgram("t", "tc", ProgramType.SCHED_CLS, Assembler.assemble(asm), List.of(), "GPL"),
                HELPERS);
    }

    @Test
    void netnsCookieTakesTheContextOrNull() {
        accept("cgroup/sendmsg6", "call 122\nmov %r0, 0\nexit");
        accept("cgroup/sendmsg6", "mov %r1, 0\ncall 122\nmov %r0, 0\nexit");
        assertEquals("pc 1 (call 122): R1 type=scalar expected=ctx",
                reject("cgroup/sendmsg6", "mov %r1, 1\ncall 122\nmov %r0, 0\nexit"));
        assertEquals("pc 1 (call 122): negative offset ctx ptr R1 off=-612 disallowed",
                reject("cgroup/sendmsg6", "add %r1, -612\ncall 122\nmov %r0, 0\nexit"));
    }

    /** strtoul(buf = "600" at r10 - 16, 4, 0, res = r4). */
    private static final String STRTOUL = """
            mov %r1, %r10
            add %r1, -16
            stdw [%r1], 0
            mov %r2, 4
            mov %r3, 0
            """;

    @Test
    void strtoulWritesAnAlignedLong() {
        accept("cgroup/sysctl", STRTOUL + "mov %r4, %r10\nadd %r4, -8\ncall 106\nmov %r0, 1\nexit");
        assertEquals("pc 7 (call 106): misaligned stack access off 0+-20+0 size 8",
                reject("cgroup/sysctl", STRTOUL + "mov %r4, %r10\nadd %r4, -20\ncall 106\nmov %r0, 1\nexit"));
        assertEquals("pc 7 (call 106): invalid indirect access to stack R4 off=-4 size=8",
                reject("cgroup/sysctl", STRTOUL + "mov %r4, %r10\nadd %r4, -4\ncall 106\nmov %r0, 1\nexit"));
    }

    @Test
    void atomicsAreAligned() {
        TypeCheckTest.accept(ProgramType.XDP, "lddw %r1, 0x56414c0000020000\nmov %r2, 1\nlock add32 [%r1+4], %r2\n"
                + "mov %r0, 0\nexit");
        assertEquals("pc 3 (lock *(u32 *)(r1 + 3) += w2): misaligned value access off 0+0+3 size 4",
                TypeCheckTest.reject(ProgramType.XDP, "lddw %r1, 0x56414c0000020000\nmov %r2, 1\n"
                        + "lock add32 [%r1+3], %r2\nmov %r0, 0\nexit"));
    }
}
