package dev.jvmbpf.conformance.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.conformance.fuzz.FuzzProgram;
import dev.jvmbpf.conformance.fuzz.ProgramGenerator;
import dev.jvmbpf.helpers.StandardHelpers;
import dev.jvmbpf.runtime.object.BpfObject;
import dev.jvmbpf.runtime.object.ObjectProgram;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.verifier.VerifiedProgram;
import dev.jvmbpf.runtime.verifier.Verifier;
import dev.jvmbpf.runtime.verifier.VerifierException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Programs the kernel accepts must pass the verifier: the fuzzer's random programs (kernel-accepted
 * by construction), and every program of the ELF fixtures and the examples, with the standard
 * helpers' prototypes.
 */
class VerifierCorporaTest {
    private static final int FUZZ_PROGRAMS = 3000;

    private static Path root() {
        String root = System.getProperty("jvmbpf.root");
        Assumptions.assumeTrue(root != null, "system property jvmbpf.root is not set (run through Maven)");
        return Path.of(root);
    }

    @Test
    void everyFuzzProgramVerifies() {
        List<String> refused = new ArrayList<>();
        int instructions = 0;
        for (long i = 0; i < FUZZ_PROGRAMS; i++) {
            long seed = ProgramGenerator.programSeed(20261125, i);
            FuzzProgram p = ProgramGenerator.generate(seed);
            try {
                Verifier.verify(BpfProgram.raw("fuzz", p.code()), StandardHelpers.table());
                instructions += p.length();
            } catch (VerifierException e) {
                refused.add("seed " + seed + ": " + e.getMessage());
            }
        }
        System.out.println("VerifierCorporaTest: " + (FUZZ_PROGRAMS - refused.size()) + " of " + FUZZ_PROGRAMS
                + " fuzz programs verified (" + instructions + " instructions)");
        assertEquals(List.of(), refused.subList(0, Math.min(5, refused.size())), refused.size() + " refused");
    }

    private static List<Path> objects(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            // maps-nog.o is the loader's negative fixture (BTF maps without BTF): it does not load.
            return s.filter(p -> p.toString().endsWith(".o") && !p.endsWith("maps-nog.o")).sorted().toList();
        }
    }

    @Test
    void everyFixtureAndExampleProgramVerifiesWithTheStandardHelpers() throws IOException {
        List<Path> files = new ArrayList<>(objects(root().resolve("runtime/src/test/resources/elf")));
        files.addAll(objects(root().resolve("examples")));
        assertTrue(files.size() >= 25, "fixtures found: " + files);
        int programs = 0;
        for (Path f : files) {
            BpfObject obj = BpfObject.open(f);
            for (ObjectProgram p : obj.programs()) {
                VerifiedProgram v = Verifier.verify(p.program(), StandardHelpers.table());
                assertEquals(p.program().length(), v.length());
                programs++;
            }
        }
        assertTrue(programs >= 40, "programs found: " + programs);
        System.out.println("VerifierCorporaTest: " + programs + " programs of " + files.size() + " objects verified");
    }
}
