package dev.jvmbpf.helpers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jvmbpf.runtime.isa.Assembler;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import dev.jvmbpf.runtime.maps.BpfMap;
import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.maps.Maps;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import dev.jvmbpf.runtime.verifier.Verifier;
import dev.jvmbpf.runtime.verifier.VerifierException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The verifier's rules for the cgroup storage, user ring buffer, dynptr and timer helpers, with the kernel's messages. */
class HelperMapRulesTest {
    private static final BpfMap STORAGE = Maps.create(new MapSpec("st", MapType.CGROUP_STORAGE, 16, 64, 0, 0));
    private static final BpfMap HASH = Maps.create(new MapSpec("h", MapType.HASH, 8, 8, 1, 0));

    /** {@code asm} whose lddw at instruction {@code at} loads map {@code index} of {@code maps}. */
    private static BpfProgram program(ProgramType type, String asm, int at, List<BpfMap> maps, int index) {
        Instruction[] insns = Assembler.assemble(asm);
        Instruction i = insns[at];
        insns[at] = Instruction.of(i.opcode(), i.dst(), Opcodes.PSEUDO_MAP_IDX, 0, index);
        return new BpfProgram("t", "t", type, insns, maps, "GPL");
    }

    private static String refusal(BpfProgram p) {
        return assertThrows(VerifierException.class, () -> Verifier.verify(p, StandardHelpers.table())).getMessage();
    }

    private static final String LOCAL_STORAGE = """
            mov %r2, FLAGS
            lddw %r1, 0
            call 81
            ldxw %r0, [%r0+OFF]
            exit
            """;

    private static BpfProgram storage(String flags, int off, int mapIndex) {
        return program(ProgramType.XDP, LOCAL_STORAGE.replace("FLAGS", flags).replace("OFF", String.valueOf(off)), 1,
                List.of(STORAGE, HASH), mapIndex);
    }

    @Test
    void getLocalStorageIsANonNullValueOfACgroupStorageMap() {
        Verifier.verify(storage("0", 60, 0), StandardHelpers.table());
        assertEquals("pc 3 (call 81): cannot pass map_type 1 into func bpf_get_local_storage#81",
                refusal(storage("0", 0, 1)));
        assertEquals("pc 3 (call 81): get_local_storage() doesn't support non-zero flags",
                refusal(storage("7", 0, 0)));
        String outOfBounds = refusal(storage("0", 64, 0));
        assertEquals(true, outOfBounds.contains("value_size=64 off=64 size=4"), outOfBounds);
    }

    @Test
    void cgroupStorageGoesToNoOtherHelper() {
        String lookup = """
                stdw [%r10-16], 0
                stdw [%r10-8], 0
                mov %r2, %r10
                add %r2, -16
                lddw %r1, 0
                call 1
                mov %r0, 0
                exit
                """;
        assertEquals("pc 6 (call 1): cannot pass map_type 19 into func bpf_map_lookup_elem#1",
                refusal(program(ProgramType.XDP, lookup, 4, List.of(STORAGE), 0)));
    }

    @Test
    void timersAreRefusedInTracingPrograms() {
        String init = """
                mov %r1, 0
                mov %r3, 1
                lddw %r2, 0
                call 169
                exit
                """;
        assertEquals("pc 4 (call 169): tracing progs cannot use bpf_timer yet",
                refusal(program(ProgramType.KPROBE, init, 2, List.of(HASH), 0)));
    }

    @Test
    void aLocalDynptrIsMadeOverMapValuesOnly() {
        String fromStack = """
                mov %r1, %r10
                add %r1, -16
                mov %r2, 8
                mov %r3, 0
                mov %r4, %r10
                add %r4, -32
                call 197
                mov %r0, 0
                exit
                """;
        assertEquals("pc 6 (call 197): Unsupported reg type fp for bpf_dynptr_from_mem data",
                refusal(new BpfProgram("t", "t", ProgramType.XDP, Assembler.assemble(fromStack), List.of(), "GPL")));
    }
}
