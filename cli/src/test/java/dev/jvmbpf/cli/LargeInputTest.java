package dev.jvmbpf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inputs too large or endless end in one error line; large hex programs are read back. */
class LargeInputTest {
    @TempDir
    Path dir;

    @Test
    void theCliReadsBackItsOwnHexOutputOfTwentyThousandInstructions() throws IOException {
        // asm writes hex text to stdout; the hex reader once overflowed the stack at 5,000 instructions.
        Path src = Files.writeString(dir.resolve("big.s"), "mov %r0, 1\n".repeat(19_999) + "exit\n");
        CliRun asm = CliRun.of("asm", src.toString());
        assertEquals(0, asm.status(), asm.err());
        Path hex = Files.writeString(dir.resolve("big.hex"), asm.out());
        CliRun run = CliRun.of("run", hex.toString(), "--engine", "interpreter");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("return value: 1"), run.out());
    }

    @Test
    void hexTextIsRecognisedByAScanNotAPattern() {
        assertTrue(ProgramFiles.isHexText("b7 00 00 00 01 00 00 00\n95 00 00 00 00 00 00 00\n"));
        assertTrue(ProgramFiles.isHexText(" 0a"));
        assertFalse(ProgramFiles.isHexText("b7 0"));
        assertFalse(ProgramFiles.isHexText("b70 00"));
        assertFalse(ProgramFiles.isHexText("   "));
        assertFalse(ProgramFiles.isHexText("mov %r0, 1"));
    }

    @Test
    void anEndlessInputIsOneErrorLine() {
        Path zero = Path.of("/dev/zero");
        if (!Files.isReadable(zero)) {
            System.out.println("SKIPPED: /dev/zero is not readable here");
            return;
        }
        for (String[] args : new String[][] {
                {"run", zero.toString()},
                {"verify", zero.toString()},
                {"run", examples("counter.o"), "--mem", zero.toString()}}) {
            CliRun r = CliRun.of(args);
            assertEquals(1, r.status(), String.join(" ", args) + ": " + r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().contains("larger than 256 MiB"), r.err());
        }
    }

    private static String examples(String name) {
        return Path.of(System.getProperty("jvmbpf.root", ".."), "examples", name).normalize().toString();
    }
}
