package dev.jvmbpf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.cli.internal.SafeText;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Error lines quote control characters of the input instead of sending them to the terminal. */
class SafeErrorsTest {
    @TempDir
    Path dir;

    @Test
    void anEscapeSequenceInAFileNameIsQuoted() {
        Path missing = dir.resolve("evil\u001b[31mred.o");
        CliRun r = CliRun.of("run", missing.toString());
        assertEquals(1, r.status(), r.err());
        assertFalse(r.err().contains("\u001b"), r.err());
        assertTrue(r.err().contains("\\x1b[31mred"), r.err());
    }

    @Test
    void aFileNameNoPathCanHoldIsOneCleanLine() {
        // Found by HostileInputCampaignTest: picocli's conversion quoted java.nio.file.InvalidPathException.
        for (String command : new String[] {"run", "verify", "disasm", "asm"}) {
            CliRun r = CliRun.of(command, "a\0b");
            assertEquals(2, r.status(), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertFalse(r.err().contains("Exception"), r.err());
            assertTrue(r.err().contains("is not a file name here"), r.err());
        }
    }

    @Test
    void aContextMemberOutsideItsStructIsOneCleanLine() {
        // Found by HostileInputCampaignTest (seed 16056650601619): examples/ object with 4 bits flipped,
        // whose context struct's BTF puts a member past the struct's bytes.
        Path object = Path.of(System.getProperty("jvmbpf.root", ".."), "cli", "src", "test", "resources", "hostile",
                "btf-member-outside.o");
        CliRun r = CliRun.of("run", object.toString(), "--engine", "interpreter");
        assertEquals(1, r.status(), r.err());
        assertEquals(List.of("jvmbpf: malformed BTF: 16 bits at bit 2048 lie outside the 64 bytes of the value"),
                r.err().lines().toList());
    }

    @Test
    void aLineBreakInANameStaysOnTheOneErrorLine() {
        // Found by HostileInputCampaignTest (seed 17848682022856): program and map names from a
        // corrupted object held line breaks, and the error took several lines.
        CliRun r = CliRun.of("run", dir.resolve("two\nlines.o").toString());
        assertEquals(1, r.status(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("two\\nlines.o"), r.err());
    }

    @Test
    void quotingKeepsLineBreaksAndTabsAndPlainText() {
        assertEquals("a\tb\nc", SafeText.quote("a\tb\nc"));
        assertEquals("bell \\x07 del \\x7f c1 \\x9b é", SafeText.quote("bell \u0007 del \u007f c1 \u009b é"));
    }
}
