package dev.jvmbpf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --type} on run, verify and disasm: a tc program in a section that names no type (the
 * library's fixture untyped.o, SEC("from-netdev") as cilium's objects have them) is refused as RAW
 * and runs once typed, by libbpf's names or the kernel's.
 */
class ProgramTypeOptionTest {
    private static final String OBJECT = Path.of(System.getProperty("jvmbpf.root", ".."), "library", "src", "test",
            "resources", "bpf", "untyped.o").normalize().toString();
    /** Ethernet + IPv4 (UDP) from 10.0.0.1 to 10.1.2.3, with 4 bytes of payload. */
    private static final String PACKET = "ffffffffffff0011223344550800450000200000000040110000" + "0a000001"
            + "0a010203" + "01020304";

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void verifyRefusesTheUntypedSectionAsRawAndAcceptsItTyped() {
        CliRun raw = run("verify", OBJECT);
        assertEquals(1, raw.status(), raw.out() + raw.err());
        for (String type : new String[] {"tc", "sched_cls", "SCHED_CLS", "classifier"}) {
            CliRun typed = run("verify", OBJECT, "--type", type);
            assertEquals(0, typed.status(), type + ": " + typed.err());
            assertTrue(typed.out().startsWith("from_netdev: OK: "), typed.out());
        }
        CliRun named = run("verify", OBJECT, "--program", "from_netdev", "--type", "tc");
        assertEquals(0, named.status(), named.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void runTakesTheTypeAndItsContext(String engine) {
        CliRun r = run("run", OBJECT, "--type", "tc", "--engine", engine, "--packet-hex", PACKET);
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err(), "no note that the section loads as RAW");
        assertTrue(r.out().contains("return value: 0"), r.out());
    }

    @Test
    void withoutTheTypeRunIsRefusedWithTheNote() {
        CliRun r = run("run", OBJECT, "--packet-hex", PACKET);
        assertEquals(1, r.status(), r.out());
        assertTrue(r.err().contains("loaded as RAW"), r.err());
    }

    @Test
    void unknownTypeNamesAreOneLineUsageErrors() {
        for (String[] args : new String[][] {{"run", OBJECT, "--type", "nosuch"}, {"verify", OBJECT, "--type", "nosuch"},
                {"disasm", OBJECT, "--type", "tc/ingress"}}) {
            CliRun r = run(args);
            assertEquals(2, r.status(), String.join(" ", args));
            assertTrue(r.err().contains("--type") && r.err().contains("not a program type"), r.err());
            assertFalse(r.err().contains("Exception"), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
        }
    }

    @Test
    void disasmAcceptsTheType() {
        CliRun r = run("disasm", OBJECT, "--type", "xdp");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("from_netdev (section from-netdev):"), r.out());
    }
}
