package dev.jvmbpf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --set} for globals, typed {@code --map-update}, and dumps typed per CPU with {@code --all}. */
class TypedInputTest {
    private static final Path EXAMPLES = Path.of(System.getProperty("jvmbpf.root", ".."), "examples").normalize();
    private static final String REWRITE = EXAMPLES.resolve("packet_rewrite.o").toString();
    private static final String UDP = "ffffffffffff001122334455" + "0800" + "4500001c00000000401100000a0000010a000002"
            + "1234003500080000";

    private static CliRun ok(String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(0, r.status(), "stderr: " + r.err() + " stdout: " + r.out());
        return r;
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit", "kernel"})
    void globalsByNameAndStructKeysSetWhatTheProgramSees(String engine) {
        if (engine.equals("kernel")) {
            RunChangesTest.requireKernel();
        }
        CliRun r = ok("run", REWRITE, "-p", "tc_mark", "--engine", engine, "--packet-hex", UDP,
                "--set", "default_mark=7", "--set", "label=eth0", "--set", "priority=0x10",
                "--map-update", "rules:{port=53,proto=17}={mark=9,drop=1}", "--dump-maps");
        assertTrue(r.out().startsWith("return value: 2 (TC_ACT_SHOT)\n"), r.out());
        if (!engine.equals("kernel")) {
            assertTrue(r.out().contains("context changes:\n  mark: 0 -> 9\n  priority: 0 -> 16\n  cb[0]: 0 -> 101\n"),
                    r.out());
        }
        assertTrue(r.out().contains("map rules (hash):\n  key: { .port = 53, .proto = 17, .pad = 0 } value: { .mark = 9,"
                + " .drop = 1 }\n"), r.out());
        assertTrue(r.out().contains("map .rodata (array):\n  key: 00 00 00 00 value: { .default_mark = 7,"
                + " .label = \"eth0\" }\n"), r.out());
        assertTrue(r.out().contains("map .bss (array):\n  key: 00 00 00 00 value: { .priority = 16 }\n"), r.out());
    }

    @Test
    void aGlobalOfACustomSectionIsSetByName() {
        CliRun r = ok("run", REWRITE, "-p", "xdp_reflect", "--packet-hex", UDP, "--set", "rewritten=40", "--repeat", "2",
                "--dump-maps");
        assertTrue(r.out().contains("map .data.stats (array):\n  key: 00 00 00 00 value: { .rewritten = 42 }\n"),
                r.out());
    }

    @Test
    void hexKeysAndValuesAreStillAccepted() {
        CliRun r = ok("run", EXAMPLES.resolve("xdp_filter.o").toString(), "--packet-hex", UDP,
                "--map-update", "blocked:0a000001=0500000000000000", "--dump-maps");
        assertEquals("return value: 1 (XDP_DROP)\nmap blocked (hash):\n  key: 16777226 value: 6\n", r.out());
    }

    @Test
    void perCpuValuesAreTypedOneACpuAndZeroSlotsHiddenUnlessAll() {
        CliRun r = ok("run", REWRITE, "-p", "xdp_reflect", "--packet-hex", UDP, "--dump-maps");
        String out = r.out();
        int ports = out.indexOf("map ports (percpu_array):\n  key: 53\n    value (CPU 0): ");
        assertTrue(ports >= 0, out);
        assertTrue(out.contains("  (65535 zero entries not shown; --all shows them)\n"), out);
        int cpus = Runtime.getRuntime().availableProcessors();
        long cpuLines = out.lines().filter(l -> l.startsWith("    value (CPU ")).count();
        assertEquals(cpus, cpuLines, out);
        CliRun all = ok("run", REWRITE, "-p", "xdp_reflect", "--packet-hex", UDP, "--dump-maps", "--all", "--json");
        JsonObject map = RunChangesTest.map(JsonParser.parseString(all.out()).getAsJsonObject(), "ports");
        assertEquals(0, map.get("hidden_zero_entries").getAsInt());
        assertEquals(65536, map.getAsJsonArray("entries").size());
        assertEquals(cpus, map.getAsJsonArray("entries").get(0).getAsJsonObject().getAsJsonArray("values").size());
    }

    @Test
    void wrongValuesAreOneLineNamingWhat() {
        refused("no global variable named 'nope'; it has [default_mark, label, priority, rewritten]",
                "--set", "nope=1");
        refused("--set label=waytoolongforit: variable label (const volatile char[8])", "--set", "label=waytoolongforit");
        refused("map 'rules' key: struct flow has no member 'prot'", "--map-update", "rules:{port=53,prot=17}");
        refused("map 'rules' key.port (__u16, 16 bits): 70000 does not fit", "--map-update", "rules:{port=70000}");
        CliRun usage = CliRun.of("run", REWRITE, "-p", "tc_mark", "--set", "noequals");
        assertEquals(2, usage.status());
        assertTrue(usage.err().contains("--set noequals: expected NAME=VALUE"), usage.err());
    }

    private static void refused(String expected, String... options) {
        String[] args = new String[options.length + 4];
        args[0] = "run";
        args[1] = REWRITE;
        args[2] = "-p";
        args[3] = "tc_mark";
        System.arraycopy(options, 0, args, 4, options.length);
        CliRun r = CliRun.of(args);
        assertEquals(1, r.status(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains(expected), r.err());
    }
}
