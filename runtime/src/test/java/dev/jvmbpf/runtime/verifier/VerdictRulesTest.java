package dev.jvmbpf.runtime.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jvmbpf.runtime.isa.Assembler;
import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.maps.Maps;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rules where the verdict fuzzer ({@code jvmbpf fuzz --mode verdict}) found jvmbpf's verdict
 * differing from the kernel's: each program here was checked against Linux 6.18, and a refusal
 * is in the kernel's words.
 */
class VerdictRulesTest {
    /** Map 0: an array of 4 u32-keyed 8-byte values; map 1: a hash map of the same sizes. */
    private static BpfProgram xdp(String asm) {
        return new BpfProgram("t", "xdp", ProgramType.XDP, Assembler.assemble(asm), List.of(
                Maps.create(new MapSpec("a", MapType.ARRAY, 4, 8, 4, 0)),
                Maps.create(new MapSpec("h", MapType.HASH, 4, 8, 4, 0))), "GPL");
    }

    private static void accept(String asm) {
        Verifier.verify(xdp(asm), TypeCheckTest.HELPERS);
    }

    private static String reject(String asm) {
        return assertThrows(VerifierException.class, () -> accept(asm)).getMessage();
    }

    private static BpfProgram raw(String asm) {
        return BpfProgram.raw("t", Assembler.assemble(asm));
    }

    @Test
    void divisionByTheConstantZeroIsRefusedWhereAPathReachesIt() {
        assertEquals("pc 1 (r0 s%= 0): div by zero", reject("mov %r0, 0\nsmod %r0, 0\nexit"));
        assertEquals("pc 1 (w0 /= 0): div by zero", reject("mov %r0, 0\ndiv32 %r0, 0\nexit"));
        // Undefined registers come first, as in check_alu_op.
        assertEquals("pc 0 (r3 /= 0): R3 !read_ok", reject("div %r3, 0\nmov %r0, 0\nexit"));
        accept("mov %r0, 0\njeq %r0, 0, +1\ndiv %r0, 0\nexit");
        accept("mov %r0, 1\nmov %r1, 0\ndiv %r0, %r1\nexit");
        // The ISA defines it: RAW programs are refused too, as the shared vectors expect.
        assertThrows(VerifierException.class, () -> Verifier.verify(raw("mov %r0, 1\nmod32 %r0, 0\nexit"),
                TypeCheckTest.HELPERS));
    }

    @Test
    void shiftsByAnImmediateOutsideTheWidthAreRefusedToKernelTypes() {
        assertEquals("pc 1 (w0 <<= 32): invalid shift 32", reject("mov %r0, 0\nlsh32 %r0, 32\nexit"));
        assertEquals("pc 1 (r0 s>>= -1): invalid shift -1", reject("mov %r0, 0\narsh %r0, -1\nexit"));
        accept("mov %r0, 0\nlsh32 %r0, 31\nrsh %r0, 63\nexit");
        accept("mov %r0, 0\njeq %r0, 0, +1\nlsh %r0, 64\nexit");
        // RAW programs follow RFC 9669, which masks the amount (the shared vectors run them).
        Verifier.verify(raw("mov %r0, 0x11\nlsh32 %r0, 60\nexit"), TypeCheckTest.HELPERS);
    }

    @Test
    void aPointerIsSpilledOnlyWhole() {
        assertEquals("pc 2 (*(u32 *)(r10 - 8) = r6): invalid size of register spill",
                reject("mov %r6, %r1\nmov %r0, 0\nstxw [%r10-8], %r6\nexit"));
        accept("mov %r6, %r1\nmov %r0, 0\nstxdw [%r10-8], %r6\nexit");
        accept("mov %r6, 7\nmov %r0, 0\nstxw [%r10-8], %r6\nexit");
    }

    @Test
    void theFramePointerMaySubtractFromAPointer() {
        accept("mov %r6, %r1\nmov %r0, 0\nsub %r1, %r10\nmov %r0, %r1\nexit");
        accept("mov %r1, %r10\nsub32 %r1, %r10\nmov %r0, %r1\nexit");
        assertEquals("pc 1 (r1 -= r10): R1 tried to subtract pointer from scalar",
                reject("mov %r1, 5\nsub %r1, %r10\nmov %r0, %r1\nexit"));
    }

    private static String lookup(String keyStores, int keyOffset, int map) {
        return keyStores + "mov %r2, %r10\nadd %r2, " + keyOffset + "\nldmapidx %r1, " + map
                + "\ncall 1\nstdw [%r0+0], 0\nmov %r0, 0\nexit";
    }

    private static final String NULL_DEREF = "pc 6 (*(u64 *)(r0 + 0) = 0): R0 invalid mem access 'map_value_or_null'";

    @Test
    void anArrayLookupAtAConstantKeyInRangeIsNeverNull() {
        // Zero bytes stored where the kernel does not spill (STACK_ZERO).
        accept(lookup("stw [%r10-4], 0\n", -4, 0));
        accept(lookup("mov %r1, 0\nstxw [%r10-12], %r1\n", -12, 0));
        // A 4-byte spill of a constant at a slot's start, a register's or an immediate's.
        accept(lookup("stw [%r10-8], 3\n", -8, 0));
        accept(lookup("mov %r1, 2\nstxw [%r10-8], %r1\n", -8, 0));
        // The upper half of an 8-byte spill counts 4 spilled bytes: the spill's whole value is the key.
        accept(lookup("stdw [%r10-8], 2\n", -4, 0));
        // Out of range, negative, not a 4-byte spill, not constant, not an array: maybe NULL.
        assertEquals(NULL_DEREF, reject(lookup("stw [%r10-8], 4\n", -8, 0)));
        assertEquals(NULL_DEREF, reject(lookup("stw [%r10-8], -1\n", -8, 0)));
        assertEquals(NULL_DEREF, reject(lookup("stdw [%r10-8], 0\n", -8, 0)));
        assertEquals("pc 7 (*(u64 *)(r0 + 0) = 0): R0 invalid mem access 'map_value_or_null'",
                reject(lookup("ldxw %r1, [%r1+12]\nstxw [%r10-8], %r1\n", -8, 0)));
        assertEquals(NULL_DEREF, reject(lookup("stw [%r10-4], 0\n", -4, 1)));
        // A later store of unknown bytes into the key's slot ends it.
        assertEquals("pc 8 (*(u64 *)(r0 + 0) = 0): R0 invalid mem access 'map_value_or_null'",
                reject(lookup("stw [%r10-4], 0\nldxw %r3, [%r1+12]\nstxb [%r10-2], %r3\n", -4, 0)));
    }

    /** r1 = r10 plus the u32 at ctx offset 12 (ingress_ifindex): any value in [0, 2^32). */
    private static final String FP_PLUS_U32 = "mov %r6, %r1\nmov %r0, 0\nmov %r1, %r10\nldxw %r2, [%r6+12]\n";

    @Test
    void stackAccessesAtAVariableOffsetAreAlignedAndInsideTheFrame() {
        assertEquals("pc 5 (r2 = *(u64 *)(r1 + 0)): misaligned stack access off (0x0; 0xffffffff)+0+0 size 8",
                reject(FP_PLUS_U32 + "add %r1, %r2\nldxdw %r2, [%r1+0]\nexit"));
        assertEquals("pc 5 (r2 = *(u8 *)(r1 + 0)): invalid unbounded variable-offset read from stack R1",
                reject(FP_PLUS_U32 + "add %r1, %r2\nldxb %r2, [%r1+0]\nexit"));
        assertEquals("pc 6 (*(u8 *)(r1 - 4) = r2): invalid variable-offset write to stack R1 var_off=(0x0; 0x8) off=-4"
                + " size=1", reject(FP_PLUS_U32 + "and %r2, 8\nadd %r1, %r2\nstxb [%r1-4], %r2\nexit"));
        accept(FP_PLUS_U32 + "and %r2, 7\nsub %r2, 8\nadd %r1, %r2\nldxb %r2, [%r1+0]\nexit");
        accept(FP_PLUS_U32 + "and %r2, 8\nadd %r1, %r2\nstxdw [%r1-16], %r2\nexit");
    }

    @Test
    void theContextIsReadAtAConstantOffsetOnly() {
        assertEquals("pc 4 (r2 = *(u8 *)(r1 - 8)): variable ctx access var_off=(0x0; 0xffffffff) disallowed",
                reject("mov %r6, %r1\nmov %r0, 0\nldxw %r2, [%r6+12]\nadd %r1, %r2\nldxb %r2, [%r1-8]\nexit"));
    }

    @Test
    void unwrittenStackReadsAsAnyValueForRoot() {
        // Eight bytes never written are any 64-bit value: the kernel's rule on fp + unbounded applies.
        assertEquals("pc 3 (r0 += r1): math between fp pointer and register with unbounded min value is not allowed",
                reject("mov %r1, %r10\nmov %r0, %r1\nldxdw %r1, [%r10-24]\nadd %r0, %r1\nexit"));
        accept("mov %r1, %r10\nmov %r0, %r1\nldxw %r1, [%r10-24]\nadd %r0, %r1\nmov %r0, 0\nexit");
    }

    @Test
    void partOfASpilledScalarReadsAsTheKernelReadsIt() {
        // The upper half of a spilled 0 is 0 (fp + 0 is fine); of a spilled 5, any u16 (fp + [0, 0xffff]).
        accept("mov %r1, 0\nstxdw [%r10-8], %r1\nldxh %r2, [%r10-6]\nmov %r1, %r10\nadd %r1, %r2\n"
                + "ldxb %r0, [%r1-8]\nmov %r0, 0\nexit");
        assertEquals("pc 5 (r0 = *(u8 *)(r1 - 8)): invalid variable-offset read from stack R1 var_off=(0x0; 0xffff)"
                + " off=-8 size=1", reject("mov %r1, 5\nstxdw [%r10-8], %r1\nldxh %r2, [%r10-6]\nmov %r1, %r10\n"
                + "add %r1, %r2\nldxb %r0, [%r1-8]\nmov %r0, 0\nexit"));
        // Eight bytes of which a 4-byte spill of 0 and 4 never written: any 64-bit value.
        assertEquals("pc 4 (r0 += r1): math between fp pointer and register with unbounded min value is not allowed",
                reject("mov %r1, %r10\nmov %r0, %r1\nstw [%r10-24], 0\nldxdw %r1, [%r10-24]\nadd %r0, %r1\nexit"));
    }

    @Test
    void anXdpProgramReadsWholeXdpMdFieldsOnly() {
        accept("mov %r0, 0\nldxw %r2, [%r1+16]\nldxw %r2, [%r1+12]\nldxw %r2, [%r1+8]\nexit");
        assertEquals("pc 1 (r2 = *(u64 *)(r1 + 0)): invalid bpf_context access off=0 size=8",
                reject("mov %r0, 0\nldxdw %r2, [%r1+0]\nexit"));
        assertEquals("pc 1 (r2 = *(u8 *)(r1 - 8)): invalid bpf_context access off=-8 size=1",
                reject("mov %r0, 0\nldxb %r2, [%r1-8]\nexit"));
        assertEquals("pc 1 (r2 = *(u16 *)(r1 + 12)): invalid bpf_context access off=12 size=2",
                reject("mov %r0, 0\nldxh %r2, [%r1+12]\nexit"));
        assertEquals("pc 1 (*(u32 *)(r1 + 16) = 0): invalid bpf_context access off=16 size=4",
                reject("mov %r0, 0\nstw [%r1+16], 0\nexit"));
        // egress_ifindex is a devmap program's only.
        assertEquals("pc 1 (r2 = *(u32 *)(r1 + 20)): invalid bpf_context access off=20 size=4",
                reject("mov %r0, 0\nldxw %r2, [%r1+20]\nexit"));
        assertEquals(true, XdpContext.allowed("xdp/devmap", 20, 4, false));
        assertEquals(false, XdpContext.allowed("xdp/cpumap", 8, 4, false));
    }
}
