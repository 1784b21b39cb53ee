package dev.jvmbpf.runtime.object;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.jvmbpf.runtime.elf.Fixtures;
import dev.jvmbpf.runtime.exec.ArgType;
import dev.jvmbpf.runtime.exec.HelperSpec;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.verifier.Verifier;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every program the loader links from the fixtures passes the verifier's structural checks. */
class VerifiedFixturesTest {
    private static HelperSpec stub(int id, String name, ArgType... args) {
        return new HelperSpec(id, name, List.of(args), (m, a, b, c, d, e) -> 0);
    }

    private static final HelperTable HELPERS = HelperTable.of(List.of(
            stub(1, "map_lookup_elem", ArgType.CONST_MAP_PTR, ArgType.PTR_TO_MAP_KEY),
            stub(2, "map_update_elem", ArgType.CONST_MAP_PTR, ArgType.PTR_TO_MAP_KEY, ArgType.PTR_TO_MAP_VALUE,
                    ArgType.ANYTHING),
            stub(6, "trace_printk", ArgType.PTR_TO_MEM, ArgType.CONST_SIZE),
            stub(12, "tail_call", ArgType.PTR_TO_CTX, ArgType.CONST_MAP_PTR, ArgType.ANYTHING),
            stub(14, "get_current_pid_tgid"),
            stub(181, "loop", ArgType.ANYTHING, ArgType.PTR_TO_FUNC, ArgType.ANYTHING, ArgType.ANYTHING)));

    @ParameterizedTest
    @ValueSource(strings = {"seed.o", "seed-nog.o", "seed-clang14.o", "seed-clang16.o", "maps.o", "maps-clang14.o",
        "maps-clang16.o", "globals.o", "globals-clang14.o", "globals-clang16.o", "multi.o", "multi-nog.o",
        "multi-v4.o", "multi-clang14.o", "multi-clang16.o", "legacy.o", "legacy-nog.o", "sections.o",
        "tailcalls.o", "samesection.o", "datasec.o", "voidcall.o", "voidcall-nog.o"})
    void everyProgramVerifies(String fixture) {
        BpfObject obj = BpfObject.open(Fixtures.bytes(fixture), fixture);
        assertFalse(obj.programs().isEmpty());
        for (ObjectProgram p : obj.programs()) {
            Verifier.verify(p.program(), HELPERS);
        }
    }
}
