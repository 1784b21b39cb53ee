package dev.jvmbpf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Only the subcommand named is built; help and mistakes still see them all. */
class MainTest {
    @Test
    void topLevelHelpListsEverySubcommand() {
        CliRun r = CliRun.of("--help");
        assertEquals(0, r.status(), r.err());
        for (String name : new String[] {"run", "conformance", "asm", "disasm", "verify", "fuzz", "bench"}) {
            assertTrue(r.out().contains("  " + name + " ") || r.out().contains("  " + name + "\n"), name + ":\n" + r.out());
        }
    }

    @Test
    void aMistypedSubcommandIsAUsageErrorWithASuggestion() {
        CliRun r = CliRun.of("disasmm", "x.o");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("disasm"), r.err());
    }

    @Test
    void theRootsOwnOptionsMayComeFirst() {
        CliRun r = CliRun.of("--debug", "asm", "--help");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("Usage: jvmbpf asm"), r.out());
    }
}
