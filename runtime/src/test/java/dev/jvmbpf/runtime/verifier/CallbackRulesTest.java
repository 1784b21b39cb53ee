package dev.jvmbpf.runtime.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jvmbpf.runtime.exec.ArgType;
import dev.jvmbpf.runtime.exec.HelperSpec;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.isa.Assembler;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Helpers that call back (verifier_iterating_callbacks): the kernel follows the callback from the
 * call site, on the caller's frames, as many times as the helper may call it, so that what the
 * callback leaves in the caller's stack after one, two, ... iterations is checked. Maps as in
 * {@link TypeCheckTest}: map 0 a hash u32 -> 8 bytes, map 2 an array of one 16-byte value.
 */
class CallbackRulesTest {
    private static HelperSpec helper(int id, String name, ArgType... args) {
        return new HelperSpec(id, name, List.of(args), (m, a, b, c, d, e) -> 0);
    }

    private static final HelperTable HELPERS = HelperTable.of(List.of(
            helper(164, "for_each_map_elem", ArgType.CONST_MAP_PTR, ArgType.PTR_TO_FUNC, ArgType.ANYTHING,
                    ArgType.ANYTHING),
            helper(180, "find_vma", ArgType.ANYTHING, ArgType.ANYTHING, ArgType.PTR_TO_FUNC, ArgType.ANYTHING,
                    ArgType.ANYTHING),
            helper(181, "loop", ArgType.ANYTHING, ArgType.PTR_TO_FUNC, ArgType.ANYTHING, ArgType.ANYTHING)));

    /** Written in a caller as {@code lddw %rN, CALLBACK}: the address of the first instruction after the caller. */
    private static final String CALLBACK = "0x43414c4c4241434b";

    /** {@code caller} then {@code callback}, in a socket filter. */
    private static BpfProgram program(String caller, String callback) {
        int callerLength = Assembler.assemble(caller).length;
        BpfProgram p = TypeCheckTest.program(ProgramType.SOCKET_FILTER, caller + callback);
        Instruction[] insns = p.instructionsView().clone();
        for (int pc = 0; pc < callerLength; pc++) {
            if (insns[pc].isWide() && Instruction.wideImmediate(insns, pc) == Long.decode(CALLBACK)) {
                insns[pc] = Instruction.of(insns[pc].opcode(), insns[pc].dst(), Opcodes.PSEUDO_FUNC, 0,
                        callerLength - pc - 1);
                insns[pc + 1] = Instruction.of(0, 0, 0, 0, 0);
            }
        }
        return new BpfProgram("t", "", ProgramType.SOCKET_FILTER, insns, p.maps(), "GPL");
    }

    private static void accept(String caller, String callback) {
        Verifier.verify(program(caller, callback), HELPERS);
    }

    private static String reject(String caller, String callback) {
        return assertThrows(VerifierException.class, () -> accept(caller, callback)).getMessage();
    }

    /** bpf_loop(COUNT, callback, &i, 0) with i = 0 at r10 - 8, then a byte of the 16-byte value at 14 + i. */
    private static final String LOOP_THEN_INDEX = """
            stdw [%r10-8], 0
            mov %r1, COUNT
            lddw %r2, CALLBACK
            mov %r3, %r10
            add %r3, -8
            mov %r4, 0
            call 181
            ldxdw %r1, [%r10-8]
            lddw %r2, 0x56414c000002000e
            add %r2, %r1
            ldxb %r0, [%r2]
            exit
            """.replace("CALLBACK", CALLBACK);

    /** i += 1. */
    private static final String INCREMENT = """
            ldxdw %r0, [%r2]
            add %r0, 1
            stxdw [%r2], %r0
            mov %r0, 0
            exit
            """;

    @Test
    void bpfLoopFollowsItsCallbackAsManyTimesAsItsCount() {
        // One iteration at most: i is 0 or 1, bytes 14 and 15.
        accept(LOOP_THEN_INDEX.replace("COUNT", "1"), INCREMENT);
        // Two: i may be 2, past the value; the kernel's words.
        assertEquals("pc 12 (r0 = *(u8 *)(r2 + 0)): invalid access to map value, value_size=16 off=16 size=1 (R2)",
                reject(LOOP_THEN_INDEX.replace("COUNT", "2"), INCREMENT));
        // No iteration at all.
        accept(LOOP_THEN_INDEX.replace("COUNT", "0"), "ldxdw %r0, [%r2+8]\nexit\n");
    }

    @Test
    void bpfLoopWithAnUnknownCountRunsItsCallbackUntilTheStatesRepeat() {
        String unknownCount = LOOP_THEN_INDEX.replace("mov %r1, COUNT", "ldxw %r1, [%r1+0]");
        assertEquals("pc 12 (r0 = *(u8 *)(r2 + 0)): invalid access to map value, value_size=16 off=16 size=1 (R2)",
                reject(unknownCount, """
                        ldxdw %r0, [%r2]
                        jgt %r0, 1, +2
                        add %r0, 1
                        stxdw [%r2], %r0
                        mov %r0, 0
                        exit
                        """));
    }

    /** A state machine on the context: 0 becomes 1, 1 becomes 18 (r2 holds the context). */
    private static final String ZERO_ONE_EIGHTEEN = """
            ldxdw %r0, [%r2]
            jeq %r0, 1, +3
            jne %r0, 0, +3
            stdw [%r2], 1
            ja +1
            stdw [%r2], 18
            mov %r0, 0
            exit
            """;

    @Test
    void forEachMapElemRunsItsCallbackFromTheCallSite() {
        String caller = """
                stdw [%r10-8], 0
                lddw %r1, 0x4d41500000000000
                lddw %r2, CALLBACK
                mov %r3, %r10
                add %r3, -8
                mov %r4, 0
                call 164
                ldxdw %r1, [%r10-8]
                lddw %r2, 0x56414c0000020000
                add %r2, %r1
                ldxb %r0, [%r2]
                exit
                """.replace("CALLBACK", CALLBACK);
        // The context is r4 in the callback: two iterations take it from 0 to 18, past the value.
        assertEquals("pc 13 (r0 = *(u8 *)(r2 + 0)): invalid access to map value, value_size=16 off=18 size=1 (R2)",
                reject(caller, "mov %r2, %r4\n" + ZERO_ONE_EIGHTEEN));
        // One state less: 0 becomes 1 and stays there.
        accept(caller, "mov %r2, %r4\n" + ZERO_ONE_EIGHTEEN.replace("stdw [%r2], 18", "stdw [%r2], 1"));
        // r3 is the map's 8-byte value.
        accept(caller, "ldxdw %r0, [%r3]\nmov %r0, 0\nexit\n");
        assertEquals("pc 15 (r0 = *(u64 *)(r3 + 8)): invalid access to map value, value_size=8 off=8 size=8 (R3)",
                reject(caller, "ldxdw %r0, [%r3+8]\nmov %r0, 0\nexit\n"));
    }

    @Test
    void findVmaRunsItsCallbackFromTheCallSite() {
        String caller = """
                stdw [%r10-8], 0
                mov %r1, 0
                mov %r2, 0
                lddw %r3, CALLBACK
                mov %r4, %r10
                add %r4, -8
                mov %r5, 0
                call 180
                ldxdw %r1, [%r10-8]
                lddw %r2, 0x56414c0000020000
                add %r2, %r1
                ldxb %r0, [%r2]
                exit
                """.replace("CALLBACK", CALLBACK);
        // The context is r3 in the callback.
        assertEquals("pc 13 (r0 = *(u8 *)(r2 + 0)): invalid access to map value, value_size=16 off=18 size=1 (R2)",
                reject(caller, "mov %r2, %r3\n" + ZERO_ONE_EIGHTEEN));
        accept(caller, "mov %r2, %r3\n" + ZERO_ONE_EIGHTEEN.replace("stdw [%r2], 18", "stdw [%r2], 1"));
    }

    @Test
    void callbacksReturnZeroOrOne() {
        String caller = LOOP_THEN_INDEX.replace("COUNT", "1");
        accept(caller, "mov %r0, 1\nexit\n");
        assertEquals("pc 15 (exit): At callback return the register R0 has smin=2 smax=2 should have been in [0, 1]",
                reject(caller, "mov %r0, 2\nexit\n"));
        assertEquals("pc 15 (exit): R0 not a scalar value", reject(caller, "mov %r0, %r2\nexit\n"));
        // r1 is the iteration number: unknown, so 'r0 = r1' may be anything.
        assertEquals("pc 15 (exit): At callback return the register R0 has unknown scalar value should have been"
                + " in [0, 1]", reject(caller, "mov %r0, %r1\nexit\n"));
    }
}
