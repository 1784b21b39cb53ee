package dev.jvmbpf.runtime.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jvmbpf.runtime.exec.ArgType;
import dev.jvmbpf.runtime.exec.HelperSpec;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.isa.Assembler;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import dev.jvmbpf.runtime.maps.BpfMap;
import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.maps.Maps;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The type analysis: every check has a program it refuses and a close one it accepts. Maps are
 * written in the assembly as {@code lddw %rN, MAP+i} (map i of the program) and
 * {@code lddw %rN, VAL+i*65536+off} (its value plus off, as global data).
 */
class TypeCheckTest {
    private static final long MAP = 0x4d41500000000000L;
    private static final long VAL = 0x56414c0000000000L;

    private static HelperSpec helper(int id, String name, ArgType... args) {
        return new HelperSpec(id, name, List.of(args), (m, a, b, c, d, e) -> 0);
    }

    /** The kernel's prototypes of the helpers used here. */
    static final HelperTable HELPERS = HelperTable.of(List.of(
            helper(1, "map_lookup_elem", ArgType.CONST_MAP_PTR, ArgType.PTR_TO_MAP_KEY),
            helper(2, "map_update_elem", ArgType.CONST_MAP_PTR, ArgType.PTR_TO_MAP_KEY, ArgType.PTR_TO_MAP_VALUE,
                    ArgType.ANYTHING),
            helper(6, "trace_printk", ArgType.PTR_TO_MEM, ArgType.CONST_SIZE),
            helper(14, "get_current_pid_tgid"),
            helper(16, "get_current_comm", ArgType.PTR_TO_UNINIT_MEM, ArgType.CONST_SIZE),
            helper(28, "csum_diff", ArgType.PTR_TO_MEM, ArgType.CONST_SIZE_OR_ZERO, ArgType.PTR_TO_MEM,
                    ArgType.CONST_SIZE_OR_ZERO, ArgType.ANYTHING),
            helper(44, "xdp_adjust_head", ArgType.PTR_TO_CTX, ArgType.ANYTHING).withChangesPacket(),
            helper(131, "ringbuf_reserve", ArgType.CONST_MAP_PTR, ArgType.ANYTHING, ArgType.ANYTHING),
            helper(132, "ringbuf_submit", ArgType.PTR_TO_ALLOC_MEM, ArgType.ANYTHING),
            helper(165, "snprintf", ArgType.PTR_TO_UNINIT_MEM, ArgType.CONST_SIZE_OR_ZERO, ArgType.PTR_TO_CONST_STR,
                    ArgType.ANYTHING, ArgType.ANYTHING),
            helper(181, "loop", ArgType.ANYTHING, ArgType.PTR_TO_FUNC, ArgType.ANYTHING, ArgType.ANYTHING)));

    /** Map 0: hash u32 -> 8 bytes; map 1: ring buffer; map 2: array u32 -> 16 bytes (global data). */
    private static final List<BpfMap> MAPS = List.of(
            Maps.create(new MapSpec("h", MapType.HASH, 4, 8, 16, 0, 0)),
            Maps.create(new MapSpec("rb", MapType.RINGBUF, 0, 0, 4096, 0, 0)),
            Maps.create(new MapSpec(".rodata", MapType.ARRAY, 4, 16, 1, 0, 0)));

    static BpfProgram program(ProgramType type, String asm) {
        Instruction[] insns = Assembler.assemble(asm);
        for (int pc = 0; pc < insns.length; pc++) {
            if (insns[pc].isWide()) {
                long v = Instruction.wideImmediate(insns, pc);
                Instruction i = insns[pc];
                if ((v & 0xffffff0000000000L) == MAP) {
                    insns[pc] = Instruction.of(i.opcode(), i.dst(), Opcodes.PSEUDO_MAP_IDX, 0, (int) (v & 0xffff));
                    insns[pc + 1] = Instruction.of(0, 0, 0, 0, 0);
                } else if ((v & 0xffffff0000000000L) == VAL) {
                    insns[pc] = Instruction.of(i.opcode(), i.dst(), Opcodes.PSEUDO_MAP_IDX_VALUE, 0,
                            (int) ((v >>> 16) & 0xffff));
                    insns[pc + 1] = Instruction.of(0, 0, 0, 0, (int) (v & 0xffff));
                }
                pc++;
            }
        }
        return new BpfProgram("t", "", type, insns, MAPS, "GPL");
    }

    static VerifiedProgram accept(ProgramType type, String asm) {
        return Verifier.verify(program(type, asm), HELPERS);
    }

    static String reject(ProgramType type, String asm) {
        return assertThrows(VerifierException.class, () -> accept(type, asm)).getMessage();
    }

    /** get_current_comm into 16 bytes of stack, then a read of them: written by the helper, not read by it. */
    private static final String COMM_INTO_STACK = """
                mov %r1, %r10
                add %r1, -16
                mov %r2, 16
                call 16
                ldxdw %r0, [%r10-16]
                exit
                """;

    private static String lookup(String then) {
        return """
                stw [%r10-4], 1
                lddw %r1, 0x4d41500000000000
                mov %r2, %r10
                add %r2, -4
                call 1
                """ + then;
    }

    @Test
    void uninitialisedRegisters() {
        assertEquals("pc 0 (r0 = r3): R3 !read_ok", reject(ProgramType.RAW, "mov %r0, %r3\nexit"));
        accept(ProgramType.RAW, "mov %r3, 1\nmov %r0, %r3\nexit");
        assertEquals("pc 0 (exit): R0 !read_ok", reject(ProgramType.RAW, "exit"));
        accept(ProgramType.RAW, "mov %r0, 0\nexit");
        assertEquals("pc 1 (if r4 > r0 goto +0): R4 !read_ok", reject(ProgramType.RAW, "mov %r0, 0\njgt %r4, %r0, +0\nexit"));
        assertEquals("pc 0 (*(u64 *)(r10 - 8) = r7): R7 !read_ok", reject(ProgramType.RAW, "stxdw [%r10-8], %r7\nexit"));
        // Only r1 is set for a context program: r2 is not.
        assertEquals("pc 0 (r0 = r2): R2 !read_ok", reject(ProgramType.XDP, "mov %r0, %r2\nexit"));
        accept(ProgramType.RAW, "mov %r0, %r2\nexit");
    }

    @Test
    void callsClobberArgumentRegisters() {
        assertEquals("pc 2 (r0 = r1): R1 !read_ok", reject(ProgramType.RAW, "mov %r1, 1\ncall 14\nmov %r0, %r1\nexit"));
        accept(ProgramType.RAW, "mov %r6, 1\ncall 14\nmov %r0, %r6\nexit");
        String local = """
                mov %r2, 1
                call local f
                mov %r0, %r2
                exit
                f:
                mov %r0, 0
                exit
                """;
        assertEquals("pc 2 (r0 = r2): R2 !read_ok", reject(ProgramType.RAW, local));
        accept(ProgramType.RAW, local.replace("mov %r0, %r2", "add %r0, 1"));
        // Callee-saved registers are not visible to the callee.
        assertEquals("pc 4 (r0 = r6): R6 !read_ok",
                reject(ProgramType.RAW, "mov %r6, 1\ncall local f\nmov %r0, %r6\nexit\nf:\nmov %r0, %r6\nexit"));
        accept(ProgramType.RAW, "mov %r6, 1\ncall local f\nmov %r0, %r6\nexit\nf:\nmov %r0, %r1\nexit");
    }

    @Test
    void voidSubprogramMayLeaveR0Unset() {
        // The kernel checks r0 at the entry function's exit only; a subprogram returns it as it is.
        String voidCall = """
                mov %r1, 1
                call local f
                mov %r0, 0
                exit
                f:
                exit
                """;
        accept(ProgramType.RAW, voidCall);
        // Reading the unset result in the caller is still refused.
        assertEquals("pc 2 (r0 += 1): R0 !read_ok", reject(ProgramType.RAW, voidCall.replace("mov %r0, 0", "add %r0, 1")));
    }

    @Test
    void dereferences() {
        assertEquals("pc 0 (r0 = *(u32 *)(r2 + 0)): R2 invalid mem access 'scalar'",
                reject(ProgramType.RAW, "ldxw %r0, [%r2]\nexit"));
        accept(ProgramType.RAW, "ldxw %r0, [%r1]\nexit");
        assertEquals("pc 4 (r0 = *(u32 *)(r1 + 0)): R1 invalid mem access 'scalar'",
                reject(ProgramType.KPROBE, "ldxdw %r1, [%r1+8]\nmov %r0, 0\nmov %r2, 0\nadd %r2, 1\nldxw %r0, [%r1]\nexit"));
        accept(ProgramType.KPROBE, "ldxdw %r1, [%r1+8]\nmov %r0, 0\nmov %r2, 0\nadd %r2, 1\nmov %r0, %r1\nexit");
    }

    @Test
    void nullChecksOfMapLookups() {
        assertEquals("pc 6 (r0 = *(u64 *)(r0 + 0)): R0 invalid mem access 'map_value_or_null'",
                reject(ProgramType.XDP, lookup("ldxdw %r0, [%r0]\nexit")));
        accept(ProgramType.XDP, lookup("jeq %r0, 0, +1\nldxdw %r0, [%r0]\nexit"));
        // The check on a copy refines the original, and the other way round.
        accept(ProgramType.XDP, lookup("mov %r6, %r0\njne %r6, 0, +2\nmov %r0, 0\nexit\nldxdw %r0, [%r0]\nexit"));
        // On the null side, both copies are the scalar 0.
        assertEquals("pc 9 (r0 = *(u64 *)(r0 + 0)): R0 invalid mem access 'scalar'",
                reject(ProgramType.XDP, lookup("mov %r6, %r0\njeq %r6, 0, +1\nexit\nldxdw %r0, [%r0]\nexit")));
        assertEquals("pc 6 (r0 += 8): R0 pointer arithmetic on map_value_or_null prohibited, null-check it first",
                reject(ProgramType.XDP, lookup("add %r0, 8\nexit")));
        accept(ProgramType.XDP, lookup("jeq %r0, 0, +1\nadd %r0, 8\nexit"));
    }

    @Test
    void mapValueBounds() {
        assertEquals("pc 7 (r1 = *(u64 *)(r0 + 8)): invalid access to map value, value_size=8 off=8 size=8 (R0)",
                reject(ProgramType.XDP, lookup("jeq %r0, 0, +1\nldxdw %r1, [%r0+8]\nexit")));
        VerifiedProgram v = accept(ProgramType.XDP, lookup("jeq %r0, 0, +1\nldxw %r1, [%r0+4]\nexit"));
        assertEquals(new ProvenAccess(ProvenAccess.Region.MAP_VALUE, 0, 4, 8), v.provenAccess(7));
        assertEquals("pc 2 (*(u8 *)(r1 - 1) = 0): invalid access to map value, value_size=16 off=-1 size=1 (R1)",
                reject(ProgramType.XDP, "lddw %r1, 0x56414c0000020000\nstb [%r1-1], 0\nmov %r0, 0\nexit"));
        v = accept(ProgramType.XDP, "lddw %r1, 0x56414c000002000c\nstw [%r1], 0\nmov %r0, 0\nexit");
        assertEquals(new ProvenAccess(ProvenAccess.Region.MAP_VALUE, 2, 12, 16), v.provenAccess(2));
        // A variable offset bounded by a mask is proven; an unbounded one is refused as the kernel
        // refuses it; one this analysis bounds less well than the kernel is accepted unproven.
        v = accept(ProgramType.XDP, lookup("""
                jeq %r0, 0, +5
                ldxdw %r1, [%r0]
                and %r1, 3
                add %r0, %r1
                ldxw %r0, [%r0]
                exit
                mov %r0, 0
                exit
                """));
        assertEquals(new ProvenAccess(ProvenAccess.Region.MAP_VALUE, 0, 0, 7), v.provenAccess(10));
        assertEquals("pc 8 (r0 += r1): math between map_value pointer and register with unbounded min value is not"
                + " allowed", reject(ProgramType.XDP, lookup("""
                jeq %r0, 0, +4
                ldxdw %r1, [%r0]
                add %r0, %r1
                ldxw %r0, [%r0]
                exit
                mov %r0, 0
                exit
                """)));
        v = accept(ProgramType.XDP, lookup("""
                jeq %r0, 0, +6
                ldxdw %r1, [%r0]
                stxdw [%r10-16], %r1
                ldxw %r1, [%r10-16]
                add %r0, %r1
                ldxw %r0, [%r0]
                exit
                mov %r0, 0
                exit
                """));
        assertNull(v.provenAccess(11));
    }

    @Test
    void stackInitialisationForUnprivilegedLoaders() {
        String uninit = "ldxdw %r0, [%r10-8]\nexit";
        assertEquals("pc 0 (r0 = *(u64 *)(r10 - 8)): invalid read from stack R10 off -8+0 size 8",
                assertThrows(VerifierException.class, () -> Verifier.verify(program(ProgramType.RAW, uninit), HELPERS,
                        Verifier.Options.UNPRIVILEGED)).getMessage());
        assertEquals("pc 1 (r0 = *(u64 *)(r10 - 8)): invalid read from stack R10 off -8+4 size 8",
                assertThrows(VerifierException.class, () -> Verifier.verify(program(ProgramType.RAW,
                        "stw [%r10-8], 1\n" + uninit), HELPERS, Verifier.Options.UNPRIVILEGED)).getMessage());
        Verifier.verify(program(ProgramType.RAW, "stdw [%r10-8], 1\n" + uninit), HELPERS, Verifier.Options.UNPRIVILEGED);
        // Root may read uninitialised stack, as in the kernel.
        accept(ProgramType.RAW, uninit);
        // A helper argument: the key must be initialised; a helper's output buffer need not be.
        String key = "lddw %r1, 0x4d41500000000000\nmov %r2, %r10\nadd %r2, -4\ncall 1\nmov %r0, 0\nexit";
        assertEquals("pc 4 (call 1): invalid indirect read from stack R2 off -4+0 size 4",
                assertThrows(VerifierException.class, () -> Verifier.verify(program(ProgramType.XDP, key), HELPERS,
                        Verifier.Options.UNPRIVILEGED)).getMessage());
        Verifier.verify(program(ProgramType.XDP, "stw [%r10-4], 0\n" + key), HELPERS, Verifier.Options.UNPRIVILEGED);
        Verifier.verify(program(ProgramType.RAW, COMM_INTO_STACK), HELPERS, Verifier.Options.UNPRIVILEGED);
    }

    @Test
    void findsReadsOfStackNotWrittenFirst() {
        assertEquals(false, accept(ProgramType.RAW, "stdw [%r10-8], 1\nldxdw %r0, [%r10-8]\nexit").readsUnwrittenStack());
        assertEquals(true, accept(ProgramType.RAW, "ldxdw %r0, [%r10-8]\nexit").readsUnwrittenStack());
        // Written on one path only.
        assertEquals(true, accept(ProgramType.RAW, """
                mov %r0, 0
                jeq %r2, 0, +1
                stdw [%r10-8], 1
                ldxdw %r0, [%r10-8]
                exit
                """).readsUnwrittenStack());
        // Written on one path of a loop that the analysis explores by joining its states.
        assertEquals(true, accept(ProgramType.RAW, """
                mov %r0, 0
                mov %r3, 0
                jeq %r2, 0, +1
                stdw [%r10-8], 1
                add %r3, 1
                jlt %r3, 100, -4
                ldxdw %r0, [%r10-8]
                exit
                """).readsUnwrittenStack());
        // Half written.
        assertEquals(true, accept(ProgramType.RAW, "stw [%r10-8], 1\nldxdw %r0, [%r10-8]\nexit").readsUnwrittenStack());
        // A variable offset is not followed.
        assertEquals(true, accept(ProgramType.RAW, """
                stdw [%r10-16], 0
                stdw [%r10-8], 0
                mov %r0, 0
                and %r2, 8
                mov %r3, %r10
                add %r3, -16
                add %r3, %r2
                ldxdw %r0, [%r3]
                exit
                """).readsUnwrittenStack());
        // A helper reads a map key: written or not.
        assertEquals(false, accept(ProgramType.XDP, lookup("mov %r0, 0\nexit")).readsUnwrittenStack());
        assertEquals(true, accept(ProgramType.XDP,
                "lddw %r1, 0x4d41500000000000\nmov %r2, %r10\nadd %r2, -4\ncall 1\nmov %r0, 0\nexit")
                .readsUnwrittenStack());
        // A helper's output buffer is written, not read; a stack pointer of unknown use may be read.
        assertEquals(false, accept(ProgramType.RAW, COMM_INTO_STACK).readsUnwrittenStack());
        assertEquals(true, accept(ProgramType.XDP, """
                mov %r2, %r10
                add %r2, -8
                call 44
                mov %r0, 0
                exit
                """).readsUnwrittenStack());
        // A callee reading its caller's frame through a pointer: what the caller wrote counts.
        assertEquals(false, accept(ProgramType.RAW, """
                stdw [%r10-8], 3
                mov %r1, %r10
                add %r1, -8
                call local f
                exit
                f:
                ldxdw %r0, [%r1]
                exit
                """).readsUnwrittenStack());
    }

    @Test
    void spilledPointersKeepTheirType() {
        accept(ProgramType.XDP, lookup("stxdw [%r10-16], %r0\nldxdw %r1, [%r10-16]\njeq %r1, 0, +1\nldxdw %r0, [%r1]\n"
                + "mov %r0, 0\nexit"));
        // A 4-byte reload of a spilled pointer is refused as the kernel refuses it (not a value).
        assertEquals("pc 1 (r1 = *(u32 *)(r10 - 8)): invalid size of register fill",
                reject(ProgramType.XDP, "stxdw [%r10-8], %r1\nldxw %r1, [%r10-8]\nmov %r0, 0\nldxw %r0, [%r1]\nexit"));
        accept(ProgramType.XDP, "stxdw [%r10-8], %r1\nldxdw %r1, [%r10-8]\nmov %r0, 0\nldxw %r0, [%r1]\nexit");
    }

    @Test
    void pointerArithmetic() {
        assertEquals("pc 0 (r1 *= 2): R1 pointer arithmetic with *= operator prohibited",
                reject(ProgramType.RAW, "mul %r1, 2\nmov %r0, 0\nexit"));
        assertEquals("pc 0 (r1 &= -8): R1 bitwise operator &= on pointer prohibited",
                reject(ProgramType.RAW, "and %r1, -8\nmov %r0, 0\nexit"));
        assertEquals("pc 1 (r2 -= r1): R2 tried to subtract pointer from scalar",
                reject(ProgramType.RAW, "mov %r2, 0\nsub %r2, %r1\nmov %r0, 0\nexit"));
        assertEquals("pc 1 (w1 += 4): R1 32-bit pointer arithmetic prohibited",
                reject(ProgramType.XDP, "mov %r0, 0\nadd32 %r1, 4\nexit"));
        assertEquals("pc 1 (r1 *= r3): R1 pointer *= pointer prohibited",
                reject(ProgramType.XDP, "mov %r3, %r10\nmul %r1, %r3\nmov %r0, 0\nexit"));
        // What the kernel allows: pointer plus or minus a scalar, pointer minus pointer.
        accept(ProgramType.RAW, "mov %r3, %r10\nadd %r1, 8\nsub %r1, %r2\nsub %r3, %r1\nmov %r0, %r3\nmul %r0, 2\nexit");
        accept(ProgramType.XDP, "mov32 %r0, %r1\nsub32 %r0, 4\nexit");
    }

    @Test
    void helperArguments() {
        assertEquals("pc 1 (call 1): R1 type=scalar expected=map_ptr",
                reject(ProgramType.XDP, "mov %r1, 0\ncall 1\nmov %r0, 0\nexit"));
        assertEquals("pc 4 (call 1): R2 type=scalar expected=fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem,"
                + " buf", reject(ProgramType.XDP, "stw [%r10-4], 1\nlddw %r1, 0x4d41500000000000\nmov %r2, 4\ncall 1\n"
                        + "mov %r0, 0\nexit"));
        assertEquals("pc 5 (call 1): invalid indirect access to stack R2 off=-2 size=4",
                reject(ProgramType.XDP, lookup("mov %r0, 0\nexit").replace("add %r2, -4", "add %r2, -2")));
        accept(ProgramType.XDP, lookup("mov %r0, 0\nexit"));
        // Value of a map update: 8 bytes needed, a map value of the same map is fine.
        assertEquals("pc 8 (call 2): invalid access to map value, value_size=16 off=12 size=8 (R3)",
                reject(ProgramType.XDP, "stw [%r10-4], 1\nlddw %r1, 0x4d41500000000000\nmov %r2, %r10\nadd %r2, -4\n"
                        + "lddw %r3, 0x56414c000002000c\nmov %r4, 0\ncall 2\nmov %r0, 0\nexit"));
        accept(ProgramType.XDP, "stw [%r10-4], 1\nlddw %r1, 0x4d41500000000000\nmov %r2, %r10\nadd %r2, -4\n"
                + "lddw %r3, 0x56414c0000020008\nmov %r4, 0\ncall 2\nmov %r0, 0\nexit");
        // Memory and size.
        assertEquals("pc 3 (call 6): R2 invalid zero-sized read: u64=[0,0]",
                reject(ProgramType.XDP, "lddw %r1, 0x56414c0000020000\nmov %r2, 0\ncall 6\nexit"));
        assertEquals("pc 3 (call 6): R2 type=fp expected=scalar",
                reject(ProgramType.XDP, "lddw %r1, 0x56414c0000020000\nmov %r2, %r10\ncall 6\nexit"));
        assertEquals("pc 3 (call 6): invalid access to map value, value_size=16 off=0 size=17 (R1)",
                reject(ProgramType.XDP, "lddw %r1, 0x56414c0000020000\nmov %r2, 17\ncall 6\nexit"));
        accept(ProgramType.XDP, "lddw %r1, 0x56414c0000020000\nmov %r2, 16\ncall 6\nexit");
        assertEquals("pc 2 (call 6): R1 type=scalar expected=fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem,"
                + " buf", reject(ProgramType.XDP, "mov %r1, 0\nmov %r2, 0\ncall 6\nexit"));
        // NULL with a size that may be zero is allowed (csum_diff).
        accept(ProgramType.XDP, "mov %r1, 0\nmov %r2, 0\nstdw [%r10-8], 0\nmov %r3, %r10\nadd %r3, -8\nmov %r4, 8\n"
                + "mov %r5, 0\ncall 28\nexit");
        // Context, constant strings, functions.
        assertEquals("pc 2 (call 44): R1 type=fp expected=ctx",
                reject(ProgramType.XDP, "mov %r1, %r10\nmov %r2, 0\ncall 44\nexit"));
        assertEquals("pc 2 (call 44): dereference of modified ctx ptr R1 off=4 disallowed",
                reject(ProgramType.XDP, "add %r1, 4\nmov %r2, 0\ncall 44\nexit"));
        accept(ProgramType.XDP, "mov %r2, 0\ncall 44\nexit");
        assertEquals("pc 5 (call 165): R3 type=fp expected=map_value", reject(ProgramType.RAW,
                "mov %r1, %r10\nadd %r1, -8\nmov %r2, 8\nmov %r3, %r10\nmov %r4, 0\ncall 165\nexit"));
        accept(ProgramType.RAW, "mov %r1, %r10\nadd %r1, -8\nmov %r2, 8\nlddw %r3, 0x56414c0000020000\nmov %r4, 0\n"
                + "mov %r5, 0\ncall 165\nexit");
        assertEquals("pc 4 (call 181): R2 type=scalar expected=func", reject(ProgramType.RAW,
                "mov %r1, 4\nmov %r2, 0\nmov %r3, 0\nmov %r4, 0\ncall 181\nexit"));
    }

    @Test
    void callbacksAreVerifiedToo() {
        String prog = """
                mov %r1, 4
                lddw %r2, cb
                mov %r3, 0
                mov %r4, 0
                call 181
                exit
                cb:
                mov %r0, %r6
                exit
                """;
        Instruction[] insns = Assembler.assemble(prog.replace("lddw %r2, cb", "lddw %r2, 0"));
        insns[1] = Instruction.of(insns[1].opcode(), 2, Opcodes.PSEUDO_FUNC, 0, 5);
        VerifierException e = assertThrows(VerifierException.class,
                () -> Verifier.verify(BpfProgram.raw("t", insns), HELPERS));
        assertEquals("pc 7 (r0 = r6): R6 !read_ok", e.getMessage());
        insns[7] = Instruction.of(0xb7, 0, 0, 0, 0);
        Verifier.verify(BpfProgram.raw("t", insns), HELPERS);
    }

    /**
     * {@code caller} then {@code callback}: the caller's {@code lddw %r2, cb} (written as
     * {@code lddw %r2, 0}) becomes the address of the callback, which starts after the caller.
     */
    private static VerifiedProgram loopProgram(String caller, String callback) {
        Instruction[] head = Assembler.assemble(caller);
        Instruction[] insns = Assembler.assemble(caller + callback);
        for (int pc = 0; pc < head.length; pc++) {
            if (insns[pc].isWide() && insns[pc].dst() == 2) {
                insns[pc] = Instruction.of(insns[pc].opcode(), 2, Opcodes.PSEUDO_FUNC, 0, head.length - pc - 1);
            }
        }
        return Verifier.verify(BpfProgram.raw("t", insns), HELPERS);
    }

    private static final String LOOP_OVER_CONTEXT = """
            stdw [%r10-8], 7
            mov %r1, 4
            lddw %r2, 0
            mov %r3, %r10
            add %r3, -8
            mov %r4, 0
            call 181
            ldxdw %r0, [%r10-8]
            exit
            """;

    @Test
    void loopCallbacksSeeTheContextTheirCallerPassed() {
        // The callback reads and writes the caller's stack through its context: the bytes the
        // caller wrote count as written, so no read of unwritten stack.
        VerifiedProgram p = loopProgram(LOOP_OVER_CONTEXT, """
                ldxdw %r0, [%r2]
                add %r0, %r1
                stxdw [%r2], %r0
                mov %r0, 0
                exit
                """);
        assertEquals(false, p.readsUnwrittenStack());
        // Beyond the caller's frame top: refused, where an untracked context let it through.
        VerifierException beyond = assertThrows(VerifierException.class, () -> loopProgram(LOOP_OVER_CONTEXT, """
                ldxdw %r0, [%r2+8]
                exit
                """));
        assertEquals("pc 10 (r0 = *(u64 *)(r2 + 8)): invalid read from stack R2 off=0 size=8; 8-byte stack access at r10 + 0 is outside the frame "
                + "[-512, 0) (R2 = r10 - 8)", beyond.getMessage());
        // Reading a caller byte nobody wrote is found.
        assertEquals(true, loopProgram(LOOP_OVER_CONTEXT.replace("stdw [%r10-8], 7", "stw [%r10-8], 7"), """
                ldxdw %r0, [%r2]
                stxdw [%r2], %r0
                mov %r0, 0
                exit
                """).readsUnwrittenStack());
    }

    @Test
    void frameAccessesNameTheFrameEveryPathReaches() {
        // f reads through r1: called from main, main's frame at -8; called from g, g's frame at
        // -16. Both are one frame up from f, at different offsets, so the load has no fact.
        String program = """
                stdw [%r10-8], 1
                stdw [%r10-16], 2
                mov %r1, %r10
                add %r1, -8
                call local f
                mov %r6, %r0
                call local g
                add %r0, %r6
                exit
                f:
                ldxdw %r0, [%r1]
                exit
                g:
                stdw [%r10-16], 3
                mov %r1, %r10
                add %r1, -16
                call local f
                exit
                """;
        VerifiedProgram p = accept(ProgramType.RAW, program);
        assertEquals(-1, p.frameAccessUp(9), "f's load lands at -8 or -16 depending on the caller");
        assertEquals(0, p.frameAccessUp(0));
        assertEquals(-8, p.frameAccessOffset(0));
        // Called only from main, f's load is one frame up at -8.
        String withoutG = program.substring(0, program.indexOf("g:\n")).replace("call local g\n", "mov %r0, 0\n");
        VerifiedProgram q = accept(ProgramType.RAW, withoutG);
        assertEquals(1, q.frameAccessUp(9));
        assertEquals(-8, q.frameAccessOffset(9));
    }

    @Test
    void aSubprogramMayNotReturnAStackPointer() {
        // The kernel's words; the JIT also relies on it (a frame may live in locals).
        assertEquals("pc 6 (exit): cannot return stack pointer to the caller", reject(ProgramType.RAW, """
                call local g
                mov %r0, 0
                exit
                g:
                stdw [%r10-8], 0
                mov %r0, %r10
                add %r0, -8
                exit
                """));
    }

    @Test
    void aLoopCallbackMayReturnWhatOnlyDeadPathsOfTheKernelWouldReturn() {
        // The kernel proves mov r0, 7 dead (r1 is 0 to 3 there) and accepts the program; this
        // analysis does not follow signed ranges, so it must not check the return value.
        String caller = "mov %r1, 4\nlddw %r2, 0\nmov %r3, 0\nmov %r4, 0\ncall 181\nexit\n";
        loopProgram(caller, """
                mov %r0, 0
                jslt %r1, 0, +3
                jsgt %r1, 5, +2
                jle %r1, 5, +1
                mov %r0, 7
                exit
                """);
    }

    @Test
    void whatALoopCallbackWritesCountsOnlyAfterAtLeastOneIteration() {
        // The caller reads -16 after the loop, which only the callback writes; the loop may run
        // zero times, so that read may see unwritten stack.
        String caller = LOOP_OVER_CONTEXT.replace("ldxdw %r0, [%r10-8]", "ldxdw %r0, [%r10-16]")
                .replace("add %r3, -8", "add %r3, -16");
        assertEquals(true, loopProgram(caller, """
                stdw [%r2], 1
                mov %r0, 0
                exit
                """).readsUnwrittenStack());
        // Written before the loop as well: fine.
        assertEquals(false, loopProgram("stdw [%r10-16], 0\n" + caller, """
                stdw [%r2], 1
                mov %r0, 0
                exit
                """).readsUnwrittenStack());
    }

    @Test
    void ringBufferRecords() {
        String reserve = """
                lddw %r1, 0x4d41500000000001
                mov %r2, 16
                mov %r3, 0
                call 131
                """;
        assertEquals("pc 5 (*(u64 *)(r0 + 0) = 1): R0 invalid mem access 'ringbuf_mem_or_null'",
                reject(ProgramType.RAW, reserve + "stdw [%r0], 1\nexit"));
        assertEquals("pc 8 (call 132): R1 type=ringbuf_mem_or_null expected=ringbuf_mem",
                reject(ProgramType.RAW, reserve + "mov %r6, %r0\nmov %r1, %r0\nmov %r2, 0\ncall 132\nmov %r0, 0\nexit"));
        assertEquals("pc 6 (*(u64 *)(r0 + 16) = 1): invalid access to memory, mem_size=16 off=16 size=8 (R0)",
                reject(ProgramType.RAW, reserve + "jeq %r0, 0, +4\nstdw [%r0+16], 1\nmov %r1, %r0\nmov %r2, 0\n"
                        + "call 132\nmov %r0, 0\nexit"));
        VerifiedProgram v = accept(ProgramType.RAW, reserve + "jeq %r0, 0, +4\nstdw [%r0+8], 1\nmov %r1, %r0\n"
                + "mov %r2, 0\ncall 132\nmov %r0, 0\nexit");
        assertEquals(new ProvenAccess(ProvenAccess.Region.MEMORY, -1, 8, 16), v.provenAccess(6));
    }

    private static final String XDP_PACKET = """
            ldxw %r2, [%r1+0]
            ldxw %r3, [%r1+4]
            mov %r0, 0
            mov %r4, %r2
            add %r4, 14
            """;

    @Test
    void marksTheAccessesThatGoIntoThePacketOrTheInput() {
        // A RAW program's r1 is its input memory: loads through it and pointers derived from it
        // count; the stack and map values do not.
        VerifiedProgram raw = accept(ProgramType.RAW, """
                mov %r0, 0
                mov %r3, %r1
                add %r3, %r2
                ldxb %r4, [%r1]
                add %r0, %r4
                add %r1, 1
                jlt %r1, %r3, -4
                stxdw [%r10-8], %r0
                ldxdw %r0, [%r10-8]
                exit
                """);
        assertEquals(true, raw.isInputAccess(3));
        assertEquals(false, raw.isInputAccess(7));
        assertEquals(false, raw.isInputAccess(8));
        VerifiedProgram xdp = accept(ProgramType.XDP, XDP_PACKET + "jgt %r4, %r3, +1\nldxw %r0, [%r2+10]\nexit");
        assertEquals(true, xdp.isInputAccess(6));
        // r1 of an XDP program is its context, not input memory.
        assertEquals(false, xdp.isInputAccess(0));
        assertEquals(true, xdp.isContextAccess(0));
        assertEquals(true, xdp.isContextAccess(1));
        assertEquals(false, xdp.isContextAccess(6));
        assertEquals(false, raw.isContextAccess(3));
        VerifiedProgram value = accept(ProgramType.RAW, lookup("jeq %r0, 0, +1\nldxdw %r0, [%r0]\nexit"));
        for (int pc = 0; pc < 12; pc++) {
            assertEquals(false, value.isInputAccess(pc), "pc " + pc);
        }
    }

    @Test
    void packetPointersDieAtACallOfAHelperWhoseSpecSaysItChangesThePacket() {
        String reuse = XDP_PACKET + """
                jgt %r4, %r3, +4
                mov %r6, %r2
                mov %r2, 0
                call 44
                ldxw %r0, [%r6+10]
                exit
                """;
        assertEquals("pc 9 (r0 = *(u32 *)(r6 + 10)): R6 invalid mem access 'scalar'", reject(ProgramType.XDP, reuse));
        // The rule is the spec's property, not a list of ids: the same id without it keeps the pointer.
        HelperSpec plain = new HelperSpec(44, "xdp_adjust_head", List.of(ArgType.PTR_TO_CTX, ArgType.ANYTHING),
                (m, a, b, c, d, e) -> 0);
        Verifier.verify(program(ProgramType.XDP, reuse), HELPERS.with(plain));
    }

    @Test
    void packetAccessNeedsABoundCheck() {
        assertEquals("pc 5 (r0 = *(u32 *)(r2 + 0)): invalid access to packet, off=0 size=4, R2(id=0,off=0,r=0); R2 offset is outside of the packet",
                reject(ProgramType.XDP, XDP_PACKET + "ldxw %r0, [%r2]\nexit"));
        VerifiedProgram v = accept(ProgramType.XDP, XDP_PACKET + "jgt %r4, %r3, +1\nldxw %r0, [%r2+10]\nexit");
        assertEquals(new ProvenAccess(ProvenAccess.Region.PACKET, -1, 10, -1), v.provenAccess(6));
        assertEquals("pc 6 (r0 = *(u32 *)(r2 + 12)): invalid access to packet, off=12 size=4, R2(id=0,off=0,r=14); R2 offset is outside of the packet",
                reject(ProgramType.XDP, XDP_PACKET + "jgt %r4, %r3, +1\nldxw %r0, [%r2+12]\nexit"));
        // The other orientations of the comparison.
        accept(ProgramType.XDP, XDP_PACKET + "jle %r4, %r3, +1\nexit\nldxw %r0, [%r2+10]\nexit");
        accept(ProgramType.XDP, XDP_PACKET + "jlt %r3, %r4, +1\nldxh %r0, [%r4-2]\nexit");
        assertEquals("pc 6 (r0 = *(u32 *)(r2 + 0)): invalid access to packet, off=0 size=4, R2(id=0,off=0,r=0); R2 offset is outside of the packet",
                reject(ProgramType.XDP, XDP_PACKET + "jle %r4, %r3, +1\nldxw %r0, [%r2]\nexit"));
        // A variable offset gets a new identity: its own comparison is needed.
        String variable = XDP_PACKET + """
                jgt %r4, %r3, +6
                ldxb %r5, [%r2]
                and %r5, 7
                add %r2, %r5
                mov %r6, %r2
                add %r6, 4
                ldxw %r0, [%r2]
                exit
                """;
        assertEquals("pc 11 (r0 = *(u32 *)(r2 + 0)): invalid access to packet, off=0 size=4, R2(id=9,off=0,r=0); R2 offset is outside of the packet",
                reject(ProgramType.XDP, variable));
        v = accept(ProgramType.XDP, variable.replace("ldxw %r0, [%r2]\nexit", "jgt %r6, %r3, +1\nldxw %r0, [%r2]\nexit")
                .replace("+6", "+7"));
        assertEquals(new ProvenAccess(ProvenAccess.Region.PACKET, -1, 0, -1), v.provenAccess(12));
        // __sk_buff: data at 76, data_end at 80.
        accept(ProgramType.SCHED_CLS, "ldxw %r2, [%r1+76]\nldxw %r3, [%r1+80]\nmov %r0, 0\nmov %r4, %r2\nadd %r4, 1\n"
                + "jgt %r4, %r3, +1\nldxb %r0, [%r2]\nexit");
        assertEquals("pc 6 (r0 = *(u8 *)(r2 + 0)): invalid access to packet, off=0 size=1, R2(id=0,off=0,r=0); R2 offset is outside of the packet",
                reject(ProgramType.SCHED_CLS, "ldxw %r2, [%r1+76]\nldxw %r3, [%r1+80]\nmov %r0, 0\nmov %r4, %r2\n"
                        + "add %r4, 1\njgt %r3, %r4, +1\nldxb %r0, [%r2]\nexit"));
        assertEquals("pc 3 (r0 = *(u8 *)(r3 + 0)): R3 invalid mem access 'pkt_end'",
                reject(ProgramType.XDP, "ldxw %r3, [%r1+4]\nmov %r0, 0\nja +0\nldxb %r0, [%r3]\nexit"));
    }

    @Test
    void helpersThatMoveThePacketInvalidateItsPointers() {
        String prog = XDP_PACKET + """
                jgt %r4, %r3, +6
                mov %r6, %r2
                mov %r7, %r1
                mov %r2, 0
                call 44
                ldxb %r0, [%r6]
                exit
                mov %r0, 0
                exit
                """;
        assertEquals("pc 10 (r0 = *(u8 *)(r6 + 0)): R6 invalid mem access 'scalar'", reject(ProgramType.XDP, prog));
        accept(ProgramType.XDP, prog.replace("call 44", "call 14"));
    }

    @Test
    void complexityLimit() {
        // The loop body is processed twice even when every state is joined: more than 1,000,000.
        assertEquals("program too complex", tooComplex(600_000));
        // The precise pass gives up after about 10 of the 24 unrolled iterations; the coarse one
        // joins at the loop head and ends.
        assertNull(tooComplex(100_000));
        assertNull(tooComplex(10_000));
    }

    @Test
    void theCoarsePassStillChecks() {
        // Too long for the precise pass, and an uninitialised register after the loop.
        List<Instruction> l = loop(100_000);
        l.set(l.size() - 1, Instruction.of(0xbf, 0, 3, 0, 0)); // r0 = r3
        l.add(Instruction.of(0x95, 0, 0, 0, 0));
        VerifierException e = assertThrows(VerifierException.class,
                () -> Verifier.verify(BpfProgram.raw("t", l.toArray(Instruction[]::new)), HELPERS));
        assertEquals("R3 !read_ok", e.reason());
    }

    /** A loop over {@code filler} instructions run 1000 times: the analysis unrolls it until it widens. */
    private static String tooComplex(int filler) {
        List<Instruction> l = loop(filler);
        try {
            Verifier.verify(BpfProgram.raw("t", l.toArray(Instruction[]::new)), HELPERS);
            return null;
        } catch (VerifierException e) {
            assertNotNull(e.getMessage());
            return e.reason().startsWith("program too complex") ? "program too complex" : e.getMessage();
        }
    }

    private static List<Instruction> loop(int filler) {
        List<Instruction> l = new ArrayList<>();
        l.add(Instruction.of(0xb7, 1, 0, 0, 0)); // r1 = 0
        l.add(Instruction.of(0xb7, 0, 0, 0, 0)); // r0 = 0
        l.add(Instruction.of(0x07, 1, 0, 0, 1)); // loop: r1 += 1
        for (int i = 0; i < filler; i++) {
            l.add(Instruction.of(0x07, 0, 0, 0, 1)); // r0 += 1
        }
        l.add(Instruction.of(0x35, 1, 0, 1, 1000)); // if r1 >= 1000 goto exit
        l.add(Instruction.of(0x06, 0, 0, 0, -(filler + 3))); // gotol loop
        l.add(Instruction.of(0x95, 0, 0, 0, 0));
        return l;
    }
}
