package dev.jvmbpf.engines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.Bpf;
import dev.jvmbpf.helpers.StandardHelpers;
import dev.jvmbpf.jit.JitEngine;
import dev.jvmbpf.jit.internal.ClassDefiner;
import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.interp.Interpreter;
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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * map_lookup_elem on an array map the verifier names is done by compiled code without the helper:
 * the same values, misses and map contents as the interpreter's helper, for keys inside and
 * outside the array, on plain and per-CPU arrays.
 */
class IndexedLookupTest {
    /** Adds 7 to the value of key KEY (a u32 at r10 - 4) when there is one; r0 = 1 on a hit, 0 on a miss. */
    private static final String ADD_SEVEN = """
            stw [%r10-4], KEY
            lddw %r1, 0
            mov %r2, %r10
            add %r2, -4
            call 1
            jeq %r0, 0, +5
            ldxdw %r1, [%r0]
            add %r1, 7
            stxdw [%r0], %r1
            mov %r0, 1
            exit
            mov %r0, 0
            exit
            """;

    private static BpfProgram program(long key, BpfMap map) {
        Instruction[] insns = Assembler.assemble(ADD_SEVEN.replace("KEY", Long.toString((int) key)));
        // The lddw at pc 1 loads map 0 of the program.
        insns[1] = Instruction.of(insns[1].opcode(), 1, Opcodes.PSEUDO_MAP_IDX, 0, 0);
        return new BpfProgram("t", "", ProgramType.RAW, insns, List.of(map), "GPL");
    }

    private static byte[] key(int k) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(k).array();
    }

    private static void agree(MapType type) {
        for (long k : new long[] {0, 3, 4, 9, 0xffffffffL}) {
            BpfMap[] maps = new BpfMap[2];
            long[] r0 = new long[2];
            Engine[] engines = {new Interpreter(), new JitEngine()};
            for (int i = 0; i < 2; i++) {
                maps[i] = Maps.create(new MapSpec("a", type, 4, 8, 4, 0, 0));
                var p = Bpf.of(program(k, maps[i])).engine(engines[i]).load().program();
                r0[i] = p.run() + p.run();
            }
            assertEquals(r0[0], r0[1], type + ", key " + k);
            assertEquals(k < 4 ? 2 : 0, r0[1], type + ", key " + k);
            for (int e = 0; e < 4; e++) {
                assertArrayEquals(maps[0].lookupValue(key(e)), maps[1].lookupValue(key(e)), type + ", element " + e);
            }
        }
    }

    @Test
    void arrayLookupsAgreeWithTheHelper() {
        BpfMap map = Maps.create(new MapSpec("a", MapType.ARRAY, 4, 8, 4, 0, 0));
        String bytes = new String(ClassDefiner.classBytes(Verifier.verifyOrUnverified(program(1, map), StandardHelpers.table()), StandardHelpers.table()),
                StandardCharsets.ISO_8859_1);
        assertTrue(bytes.contains("lookupIndex"), "the lookup should not go through the helper");
        agree(MapType.ARRAY);
    }

    @Test
    void perCpuArrayLookupsAgreeWithTheHelper() {
        agree(MapType.PERCPU_ARRAY);
    }

    @Test
    void hashMapsStillGoThroughTheHelper() {
        BpfMap map = Maps.create(new MapSpec("h", MapType.HASH, 4, 8, 4, 0, 0));
        String bytes = new String(ClassDefiner.classBytes(Verifier.verifyOrUnverified(program(1, map), StandardHelpers.table()), StandardHelpers.table()),
                StandardCharsets.ISO_8859_1);
        assertTrue(!bytes.contains("lookupIndex") && bytes.contains("H1"));
    }
}
