package dev.jvmbpf.helpers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import dev.jvmbpf.runtime.object.BpfObject;
import dev.jvmbpf.runtime.object.ObjectProgram;
import dev.jvmbpf.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every helper the corpora's programs call ({@code ../shared/corpora}: realworld and the kernel's
 * verifier selftests) is one {@link StandardHelpers} provides, except those listed in
 * {@link #UNMODELLED} with the reason. Skips, saying why, without the corpora; objects the loader
 * refuses are counted and left to the loader's tests.
 */
class CorpusHelperCoverageTest {
    private static final int CALL = 0x85;
    /** Helpers the corpora call that wait for something else than a helper (the map or the verifier). */
    private static final Map<Long, String> UNMODELLED = Map.of();

    @Test
    void everyHelperTheCorporaCallIsStandard() throws IOException {
        Path corpora = SharedData.CORPORA.require("");
        List<Path> objects = new ArrayList<>();
        for (String sub : List.of("realworld", "verifier-selftests/obj")) {
            Path dir = corpora.resolve(sub);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.walk(dir)) {
                    s.filter(p -> p.toString().endsWith(".o")).sorted().forEach(objects::add);
                }
            }
        }
        HelperTable table = StandardHelpers.table();
        Map<Long, Set<String>> missing = new TreeMap<>();
        int programs = 0;
        int refused = 0;
        for (Path o : objects) {
            BpfObject object;
            try {
                object = BpfObject.open(o);
            } catch (RuntimeException e) {
                refused++;
                continue;
            }
            for (ObjectProgram p : object.programs()) {
                programs++;
                for (Instruction insn : p.program().instructionsView()) {
                    if (insn.opcode() == CALL && insn.src() == 0) {
                        long id = insn.imm() & 0xffff_ffffL;
                        // A CO-RE relocation the target BTF cannot satisfy leaves libbpf's poison call: no helper.
                        if (table.get(id) == null && !UNMODELLED.containsKey(id) && id != Opcodes.HELPER_CORE_POISON) {
                            missing.computeIfAbsent(id, k -> new TreeSet<>())
                                    .add(corpora.relativize(o) + ":" + p.name());
                        }
                    }
                }
            }
        }
        Map<Long, Set<String>> unmodelled = new TreeMap<>();
        for (Path o : objects) {
            try {
                for (ObjectProgram p : BpfObject.open(o).programs()) {
                    for (Instruction insn : p.program().instructionsView()) {
                        long id = insn.imm() & 0xffff_ffffL;
                        if (insn.opcode() == CALL && insn.src() == 0 && UNMODELLED.containsKey(id)) {
                            unmodelled.computeIfAbsent(id, k -> new TreeSet<>()).add(o + ":" + p.name());
                        }
                    }
                }
            } catch (RuntimeException e) {
                // counted above
            }
        }
        unmodelled.forEach((id, progs) -> System.out.printf("not modelled: %4d %s, %d programs%n", id,
                UNMODELLED.get(id), progs.size()));
        Set<String> callers = new TreeSet<>();
        unmodelled.values().forEach(progs -> progs.forEach(p -> callers.add(corpora.relativize(Path.of(p.substring(0,
                p.lastIndexOf(':')))) + p.substring(p.lastIndexOf(':')))));
        StringBuilder report = new StringBuilder();
        missing.forEach((id, progs) -> {
            callers.addAll(progs);
            report.append(String.format("%4d %-28s %3d programs%n", id, HelperNames.nameOf(id), progs.size()));
        });
        System.out.printf("corpus helper scan: %d objects (%d refused by the loader), %d programs, %d call a "
                + "helper the runtime lacks%n%s", objects.size(), refused, programs, callers.size(), report);
        assertEquals(Map.of(), missing, "helpers the corpora call that StandardHelpers lacks");
    }
}
