package dev.jvmbpf.runtime.object;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.exec.HelperSpec;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.verifier.Verifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The repository's example objects load, link and pass the verifier's structural checks. */
class ExamplesLoadTest {
    @Test
    void everyExampleObjectLoads() throws IOException {
        Path dir = Path.of(System.getProperty("jvmbpf.root", ".."), "examples").normalize();
        if (!Files.isDirectory(dir)) {
            System.out.println("ExamplesLoadTest: skipped, no examples directory at " + dir);
        }
        Assumptions.assumeTrue(Files.isDirectory(dir), "no examples directory at " + dir);
        List<Path> objects;
        try (Stream<Path> s = Files.list(dir)) {
            objects = s.filter(p -> p.toString().endsWith(".o")).sorted().toList();
        }
        assertFalse(objects.isEmpty());
        // Every helper id a verifier could meet, with no argument checks: this test is about linking.
        List<HelperSpec> any = new ArrayList<>();
        for (int id = 1; id < 212; id++) {
            any.add(new HelperSpec(id, "helper" + id, List.of(), (m, a, b, c, d, e) -> 0));
        }
        HelperTable helpers = HelperTable.of(any);
        for (Path o : objects) {
            BpfObject obj = BpfObject.open(o);
            assertFalse(obj.programs().isEmpty(), o.toString());
            assertTrue(!obj.license().isEmpty(), o + " declares a license");
            for (ObjectProgram p : obj.programs()) {
                Verifier.verify(p.program(), helpers);
            }
        }
    }
}
