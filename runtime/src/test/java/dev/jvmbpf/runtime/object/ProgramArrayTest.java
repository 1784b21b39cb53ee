package dev.jvmbpf.runtime.object;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jvmbpf.runtime.elf.Fixtures;
import dev.jvmbpf.runtime.exec.ArgType;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.HelperSpec;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.exec.Output;
import dev.jvmbpf.runtime.exec.TailCall;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.maps.BpfMap;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.maps.ProgramArray;
import dev.jvmbpf.runtime.memory.Region;
import dev.jvmbpf.runtime.verifier.Verifier;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A program array filled by its ELF definition, and tail calls between one object's programs. */
class ProgramArrayTest {
    /** Minimal stand-ins for the helpers module's lookup and tail call. */
    private static final HelperTable HELPERS = HelperTable.of(List.of(
            new HelperSpec(1, "map_lookup_elem", List.of(ArgType.CONST_MAP_PTR, ArgType.PTR_TO_MAP_KEY),
                    (m, map, key, c, d, e) -> {
                        BpfMap target = m.map(map);
                        Region value = target.lookup(m.memory().read(key, target.spec().keySize()));
                        return value == null ? 0 : m.memory().register(value);
                    }),
            new HelperSpec(12, "tail_call", List.of(ArgType.PTR_TO_CTX, ArgType.CONST_MAP_PTR, ArgType.ANYTHING),
                    (m, ctx, map, index, d, e) -> {
                        Executable next = ((ProgramArray) m.map(map)).program(index);
                        if (next == null || !m.admitTailCall()) {
                            return -2;
                        }
                        throw new TailCall(next, ctx);
                    })));

    @Test
    void definitionSlotsNameThePrograms() {
        BpfObject obj = BpfObject.open(Fixtures.bytes("tailcalls.o"), "tailcalls.o");
        ObjectMap stages = obj.map("stages");
        assertEquals(MapType.PROG_ARRAY, stages.spec().type());
        assertEquals(4, stages.spec().valueSize());
        assertEquals(Map.of(0, "stage0", 1, "stage1", 2, "stage2"), stages.programSlots());
        for (ObjectProgram p : obj.programs()) {
            assertEquals(obj.maps().stream().map(ObjectMap::map).toList(), p.program().maps(),
                    "every program shares the object's map list");
        }
    }

    @Test
    void tailCallsRunThroughTheFilledSlots() {
        BpfObject obj = BpfObject.open(Fixtures.bytes("tailcalls.o"), "tailcalls.o");
        Interpreter engine = new Interpreter();
        int filled = obj.fillProgramArrays(p -> {
            Verifier.verify(p, HELPERS);
            return engine.load(Verifier.verifyOrUnverified(p, HELPERS), HELPERS);
        });
        assertEquals(3, filled);
        ProgramArray stages = (ProgramArray) obj.map("stages").map();
        assertEquals("stage0", stages.program(0).program().name());
        Executable entry = engine.load(Verifier.verifyOrUnverified(obj.program("entry").program(), HELPERS), HELPERS);
        Machine m = entry.newMachine(Output.discard());
        m.beginRun();
        assertEquals(1 + 2 + 3, entry.execute(m, 0, 0, 0, 0, 0), "stage n adds n + 1; slot 3 is empty");
        assertEquals(6, obj.map("sum").map().lookup(new byte[4]).get(0, 8));
    }
}
