package dev.jvmbpf.runtime.verifier;

import dev.jvmbpf.testing.SharedData;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.isa.Assembler;
import dev.jvmbpf.runtime.program.BpfProgram;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The verifier accepts every shared vector and refuses the one the suite expects it to. */
class SharedVectorsVerifyTest {

    private static Path dir(String name) {
        return SharedData.CONFORMANCE.require(name);
    }

    private static String asm(Path file) throws IOException {
        StringBuilder sb = new StringBuilder();
        boolean in = false;
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("-- ")) {
                in = line.strip().equals("-- asm");
            } else if (in) {
                sb.append(line).append('\n');
            }
        }
        return sb.toString();
    }

    @TestFactory
    Stream<DynamicTest> everyVectorVerifies() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir("tests"))) {
            files = s.filter(p -> p.toString().endsWith(".data")).sorted().toList();
        }
        assertFalse(files.isEmpty());
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            VerifiedProgram v = Verifier.verify(BpfProgram.raw("t", Assembler.assemble(asm(f))), VerifierTest.HELPERS);
            assertTrue(v.subprogramCount() >= 1);
        }));
    }

    @Test
    void errorVectorIsRefusedWithTheExpectedWord() throws IOException {
        Path file = dir("negative").resolve("error.data");
        String expected = Files.readString(file).substring(Files.readString(file).indexOf("-- error") + 9).strip();
        VerifierException e = assertThrows(VerifierException.class,
                () -> Verifier.verify(BpfProgram.raw("t", Assembler.assemble(asm(file))), VerifierTest.HELPERS));
        assertEquals("Invalid", expected);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
