package dev.jvmbpf.runtime.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jvmbpf.runtime.exec.ArgType;
import dev.jvmbpf.runtime.exec.HelperSpec;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.isa.Assembler;
import dev.jvmbpf.runtime.maps.BpfMap;
import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.maps.Maps;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The kernel's rules on sockets and references, as its verifier selftests (verifier_sock,
 * verifier_unpriv, verifier_ringbuf, verifier_sockmap_mutate) exercise them: each with a program
 * the kernel accepts and a close one it refuses, in the kernel's words.
 */
class SocketRulesTest {
    private static HelperSpec helper(int id, String name, ArgType... args) {
        return new HelperSpec(id, name, List.of(args), (m, a, b, c, d, e) -> 0);
    }

    private static final HelperTable HELPERS = HelperTable.of(List.of(
            helper(1, "map_lookup_elem", ArgType.CONST_MAP_PTR, ArgType.PTR_TO_MAP_KEY),
            helper(2, "map_update_elem", ArgType.CONST_MAP_PTR, ArgType.PTR_TO_MAP_KEY, ArgType.PTR_TO_MAP_VALUE,
                    ArgType.ANYTHING),
            helper(3, "map_delete_elem", ArgType.CONST_MAP_PTR, ArgType.PTR_TO_MAP_KEY),
            helper(84, "sk_lookup_tcp", ArgType.PTR_TO_CTX, ArgType.PTR_TO_MEM, ArgType.CONST_SIZE, ArgType.ANYTHING,
                    ArgType.ANYTHING),
            helper(86, "sk_release", ArgType.ANYTHING),
            helper(95, "sk_fullsock", ArgType.ANYTHING),
            helper(96, "tcp_sock", ArgType.ANYTHING),
            helper(131, "ringbuf_reserve", ArgType.CONST_MAP_PTR, ArgType.ANYTHING, ArgType.ANYTHING),
            helper(132, "ringbuf_submit", ArgType.PTR_TO_ALLOC_MEM, ArgType.ANYTHING)));

    /** Map 0: sockmap; 1: xskmap; 2: sk_storage; 3: ring buffer. */
    private static final List<BpfMap> MAPS = List.of(
            Maps.create(new MapSpec("sockmap", MapType.SOCKMAP, 4, 4, 1, 0, 0)),
            Maps.create(new MapSpec("xsks", MapType.XSKMAP, 4, 4, 1, 0, 0)),
            Maps.create(new MapSpec("storage", MapType.SK_STORAGE, 4, 8, 0, 1, 0)),
            Maps.create(new MapSpec("rb", MapType.RINGBUF, 0, 0, 4096, 0, 0)));

    private static void accept(String section, ProgramType type, String asm) {
        Verifier.verify(new BpfProgram("t", section, type, Assembler.assemble(asm), MAPS, "GPL"), HELPERS);
    }

    private static String reject(String section, ProgramType type, String asm) {
        return assertThrows(VerifierException.class, () -> accept(section, type, asm)).getMessage();
    }

    private static void acceptTc(String asm) {
        accept("tc", ProgramType.SCHED_CLS, asm);
    }

    private static String rejectTc(String asm) {
        return reject("tc", ProgramType.SCHED_CLS, asm);
    }

    /** r1 = skb->sk, checked against NULL (pc 0 and 1; pc 2 and 3 return 0 on NULL). */
    private static final String SKB_SK = """
            ldxdw %r1, [%r1+168]
            jne %r1, 0, +2
            mov %r0, 0
            exit
            """;

    /** r0 = sk_fullsock(skb->sk), checked against NULL (pc 4 to 7). */
    private static final String FULLSOCK = SKB_SK + """
            call 95
            jne %r0, 0, +2
            mov %r0, 0
            exit
            """;

    @Test
    void skbSocketIsNullableAndItsFieldsAreTheKernels() {
        assertEquals("pc 1 (r0 = *(u32 *)(r1 + 0)): R1 invalid mem access 'sock_common_or_null'",
                rejectTc("ldxdw %r1, [%r1+168]\nldxw %r0, [%r1]\nmov %r0, 0\nexit"));
        acceptTc(SKB_SK + "ldxw %r0, [%r1+4]\nmov %r0, 0\nexit");
        // type is a full socket's field, not a sock_common's
        assertEquals("pc 4 (r0 = *(u32 *)(r1 + 8)): R1 invalid sock_common access off=8 size=4",
                rejectTc(SKB_SK + "ldxw %r0, [%r1+8]\nmov %r0, 0\nexit"));
        assertEquals("pc 4 (*(u32 *)(r1 + 4) = 0): R1 cannot write into sock_common",
                rejectTc(SKB_SK + "stw [%r1+4], 0\nmov %r0, 0\nexit"));
        // a narrow load of the pointer field itself
        assertEquals("pc 0 (r1 = *(u32 *)(r1 + 172)): invalid bpf_context access off=172 size=4",
                rejectTc("ldxw %r1, [%r1+172]\nmov %r0, 0\nexit"));
    }

    @Test
    void castsNeedACheckedSocketAndGiveANullableOne() {
        assertEquals("pc 1 (call 95): R1 type=sock_common_or_null expected=sock_common, sock, tcp_sock, xdp_sock",
                rejectTc("ldxdw %r1, [%r1+168]\ncall 95\nmov %r0, 0\nexit"));
        assertEquals("pc 5 (r0 = *(u32 *)(r0 + 8)): R0 invalid mem access 'sock_or_null'",
                rejectTc(SKB_SK + "call 95\nldxw %r0, [%r0+8]\nmov %r0, 0\nexit"));
        acceptTc(FULLSOCK + "ldxw %r2, [%r0+8]\nldxh %r2, [%r0+48]\nmov %r0, 0\nexit");
        // dst_port is 16 bits followed by padding no load may touch
        assertEquals("pc 8 (r0 = *(u16 *)(r0 + 50)): R0 invalid sock access off=50 size=2",
                rejectTc(FULLSOCK + "ldxh %r0, [%r0+50]\nmov %r0, 0\nexit"));
        assertEquals("pc 8 (r0 = *(u32 *)(r0 + 80)): R0 invalid sock access off=80 size=4",
                rejectTc(FULLSOCK + "ldxw %r0, [%r0+80]\nmov %r0, 0\nexit"));
        // bpf_tcp_sock: bytes_acked is 64 bits and the last field ends at 112
        String tcp = SKB_SK + "call 96\njne %r0, 0, +2\nmov %r0, 0\nexit\n";
        acceptTc(tcp + "ldxdw %r0, [%r0+88]\nmov %r0, 0\nexit");
        assertEquals("pc 8 (r0 = *(u64 *)(r0 + 96)): R0 invalid tcp_sock access off=96 size=8",
                rejectTc(tcp + "ldxdw %r0, [%r0+96]\nmov %r0, 0\nexit"));
        assertEquals("pc 5 (r1 += 8): R1 pointer arithmetic on sock_common prohibited",
                rejectTc(SKB_SK + "mov %r0, 0\nadd %r1, 8\nexit"));
    }

    /** r0 = sk_lookup_tcp(ctx, &tuple on the stack, 8, 0, 0); the call is at pc 6. */
    private static final String LOOKUP = """
            stdw [%r10-8], 0
            mov %r2, %r10
            add %r2, -8
            mov %r3, 8
            mov %r4, 0
            mov %r5, 0
            call 84
            """;

    @Test
    void acquiredSocketsMustBeReleased() {
        assertEquals("pc 8 (exit): Unreleased reference id=7 alloc_insn=6; BPF_EXIT instruction in main prog would"
                + " lead to reference leak", rejectTc(LOOKUP + "mov %r0, 0\nexit"));
        // NULL holds nothing; a socket is released, after which no copy of it may be used
        acceptTc(LOOKUP + "jeq %r0, 0, +2\nmov %r1, %r0\ncall 86\nmov %r0, 0\nexit");
        assertEquals("pc 11 (r0 = *(u32 *)(r6 + 4)): R6 invalid mem access 'scalar'",
                rejectTc(LOOKUP + "jeq %r0, 0, +4\nmov %r6, %r0\nmov %r1, %r0\ncall 86\nldxw %r0, [%r6+4]\n"
                        + "mov %r0, 0\nexit"));
        // a cast takes no reference of its own: the socket is what is released
        acceptTc(LOOKUP + "jeq %r0, 0, +7\nmov %r6, %r0\nmov %r1, %r0\ncall 95\nmov %r1, %r6\ncall 86\nmov %r0, 0\n"
                + "exit\nmov %r0, 0\nexit");
    }

    @Test
    void onlyAcquiredReferencesAreReleased() {
        assertEquals("pc 4 (call 86): R1 must be referenced when passed to release function",
                rejectTc(SKB_SK + "call 86\nmov %r0, 0\nexit"));
        assertEquals("pc 9 (call 86): R1 must be referenced when passed to release function",
                rejectTc(FULLSOCK + "mov %r1, %r0\ncall 86\nmov %r0, 0\nexit"));
        assertEquals("pc 0 (call 86): R1 type=ctx expected=sock_common, sock, tcp_sock, xdp_sock, ptr_, trusted_ptr_",
                rejectTc("call 86\nmov %r0, 0\nexit"));
    }

    /** The ring-buffer record of 8 bytes reserved at pc 4, null-checked at pc 5. */
    private static final String RESERVE = """
            ldmapidx %r1, 3
            mov %r2, 8
            mov %r3, 0
            call 131
            jeq %r0, 0, +4
            """;

    @Test
    void ringBufferRecordsAreSubmittedWhole() {
        accept("xdp", ProgramType.XDP, RESERVE + "mov %r1, %r0\nmov %r2, 0\ncall 132\nmov %r0, 0\nmov %r0, 0\nexit");
        assertEquals("pc 9 (call 132): R1 must have zero offset when passed to release func or trusted arg to kfunc",
                reject("xdp", ProgramType.XDP, RESERVE + "mov %r1, %r0\nadd %r1, 4\nmov %r2, 0\ncall 132\n"
                        + "mov %r0, 0\nexit"));
        assertEquals("pc 11 (exit): Unreleased reference id=5 alloc_insn=4; BPF_EXIT instruction in main prog would"
                + " lead to reference leak", reject("xdp", ProgramType.XDP, RESERVE + "mov %r1, %r0\nmov %r1, %r0\n"
                        + "mov %r1, %r0\nmov %r1, %r0\nmov %r0, 0\nexit"));
    }

    /** r2 = &key (4 zero bytes at r10 - 4), r1 = the map at index {@code map}. */
    private static String key(int map) {
        return "stw [%r10-4], 0\nmov %r2, %r10\nadd %r2, -4\nldmapidx %r1, " + map + "\n";
    }

    @Test
    void socketMapsHoldSocketsAndUpdatesDependOnTheProgramType() {
        // a sockmap lookup acquires the socket (key: pc 0 to 4, call at pc 5)
        assertEquals("pc 7 (exit): Unreleased reference id=6 alloc_insn=5; BPF_EXIT instruction in main prog would"
                + " lead to reference leak", reject("sk_skb", ProgramType.RAW, key(0) + "call 1\nmov %r0, 0\nexit"));
        accept("sk_skb", ProgramType.RAW, key(0) + "call 1\njeq %r0, 0, +4\nmov %r1, %r0\nldxw %r0, [%r0+8]\n"
                + "call 86\nmov %r0, 0\nexit");
        accept("xdp", ProgramType.XDP, key(0) + "call 3\nmov %r0, 0\nexit");
        assertEquals("pc 5 (call 3): cannot update sockmap in this context; cannot pass map_type 15 into func"
                + " bpf_map_delete_elem#3", reject("kprobe/f", ProgramType.KPROBE, key(0) + "call 3\nmov %r0, 0\nexit"));
        assertEquals("pc 5 (call 1): cannot pass map_type 24 into func bpf_map_lookup_elem#1",
                reject("tc", ProgramType.SCHED_CLS, key(2) + "call 1\nmov %r0, 0\nexit"));
        // an xskmap lookup is an xdp_sock; one equal to a checked pointer is not null either
        accept("xdp", ProgramType.XDP, key(1) + "call 1\njeq %r0, 0, +1\nldxw %r0, [%r0+0]\nmov %r0, 0\nexit");
        assertEquals("pc 7 (r0 = *(u32 *)(r0 + 4)): R0 invalid xdp_sock access off=4 size=4",
                reject("xdp", ProgramType.XDP, key(1) + "call 1\njeq %r0, 0, +1\nldxw %r0, [%r0+4]\nmov %r0, 0\n"
                        + "exit"));
    }

    @Test
    void socketLookupsAreNetworkingHelpers() {
        assertEquals("pc 1 (call 86): program of this type cannot use helper bpf_sk_release#86",
                reject("flow_dissector", ProgramType.RAW, "mov %r1, 0\ncall 86\nmov %r0, 0\nexit"));
        assertEquals("pc 6 (call 84): program of this type cannot use helper bpf_sk_lookup_tcp#84",
                reject("kprobe/f", ProgramType.KPROBE, LOOKUP + "mov %r0, 0\nexit"));
    }

    @Test
    void oneInstructionDoesNotTakeTheContextAndAnotherPointer() {
        // The context compared with 0 is not decided (it is not one of the kernel's non-null types):
        // the store at pc 8 is reached with the context on one path and a stack pointer on another.
        String asm = """
                mov %r3, 42
                mov %r6, %r10
                add %r6, -8
                jeq %r1, 0, +3
                mov %r2, %r10
                add %r2, -16
                stxdw [%r6], %r2
                jne %r1, 0, +1
                stxdw [%r6], %r1
                ldxdw %r1, [%r6]
                stxw [%r1+8], %r3
                mov %r0, 0
                exit
                """;
        assertEquals("pc 10 (*(u32 *)(r1 + 8) = r3): same insn cannot be used with different pointers",
                rejectTc(asm));
        acceptTc("""
                mov %r3, 42
                mov %r6, %r10
                add %r6, -8
                stxdw [%r6], %r1
                jeq %r1, 0, +1
                stxdw [%r6], %r1
                ldxdw %r1, [%r6]
                stxw [%r1+8], %r3
                mov %r0, 0
                exit
                """);
    }
}
