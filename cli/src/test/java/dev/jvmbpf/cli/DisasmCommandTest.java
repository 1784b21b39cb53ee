package dev.jvmbpf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code disasm} as bpftool's {@code prog dump xlated linum opcodes} and llvm-objdump -S show a program. */
class DisasmCommandTest {
    private static final Path ROOT = Path.of(System.getProperty("jvmbpf.root", "..")).normalize();
    private static final String XDP = ROOT.resolve("examples/xdp_filter.o").toString();
    private static final String MULTI = ROOT.resolve("runtime/src/test/resources/elf/multi.o").toString();

    @Test
    void namesHelpersAndMapsAndPrintsSourceLinesBeforeTheirCode() {
        CliRun r = CliRun.of("disasm", XDP);
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.lines();
        assertEquals("xdp_block (section xdp):", lines.get(0));
        assertEquals("; int xdp_block(struct xdp_md *ctx) { [xdp_filter.c:16:0]", lines.get(1));
        int lookup = lines.indexOf("; __u64 *drops = bpf_map_lookup_elem(&blocked, &saddr); [xdp_filter.c:28:20]");
        assertTrue(lookup > 0, r.out());
        assertEquals("14: r1 = map[blocked] ll", lines.get(lookup + 1));
        assertEquals("16: call bpf_map_lookup_elem#1", lines.get(lookup + 2));
        // A line clang records twice (two columns of one statement) is printed once.
        assertEquals(1, lines.stream().filter(l -> l.startsWith("; if ((void *)(eth + 1) > data_end)")).count(), r.out());
    }

    @Test
    void opcodesPrintTheBytesOfEachInstructionBothSlotsOfLddw() {
        CliRun r = CliRun.of("disasm", XDP, "--opcodes", "--no-source");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.lines().contains(" 0: b4 00 00 00 02 00 00 00  w0 = 2"), r.out());
        assertTrue(r.lines().contains("16: 85 00 00 00 01 00 00 00  call bpf_map_lookup_elem#1"), r.out());
        assertTrue(r.lines().contains("14: 18 51 00 00 00 00 00 00 00 00 00 00 00 00 00 00 r1 = map[blocked] ll"),
                r.out());
        assertTrue(r.lines().stream().noneMatch(l -> l.startsWith(";")), r.out());
    }

    @Test
    void functionsAreHeadedAndLocalCallsNamed() {
        CliRun r = CliRun.of("disasm", MULTI, "-p", "first");
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.lines();
        assertTrue(lines.contains(" 2: call pc+1 <sum_of_squares>"), r.out());
        int square = lines.indexOf("<square>:");
        assertTrue(square > 0, r.out());
        assertEquals("; static __noinline int square(int x) [multi.bpf.c:7:0]", lines.get(square + 1));
        CliRun second = CliRun.of("disasm", MULTI, "--program", "second", "--no-source");
        assertTrue(second.lines().contains(" 5: r2 = func(pc+8) ll <add_index>"), second.out());
        assertTrue(second.lines().contains(" 8: call bpf_loop#181"), second.out());
    }

    @Test
    void globalDataLoadsNameTheirSection() {
        CliRun r = CliRun.of("disasm", ROOT.resolve("runtime/src/test/resources/elf/globals.o").toString(), "--no-source");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("= map[.bss][0]+32 ll"), r.out());
        assertTrue(r.out().contains("= map[.rodata][0]+4 ll"), r.out());
    }

    @Test
    void jsonHasOneEntryPerInstructionWithItsBytesFunctionAndSource() {
        CliRun r = CliRun.of("disasm", MULTI, "-j");
        assertEquals(0, r.status(), r.err());
        JsonObject root = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(MULTI, root.get("file").getAsString());
        JsonArray programs = root.getAsJsonArray("programs");
        JsonObject first = programs.get(0).getAsJsonObject();
        assertEquals("first", first.get("name").getAsString());
        assertEquals("tc", first.get("section").getAsString());
        assertEquals("sched_cls", first.get("type").getAsString());
        JsonObject atTwelve = null;
        for (JsonElement e : first.getAsJsonArray("instructions")) {
            if (e.getAsJsonObject().get("pc").getAsInt() == 12) {
                atTwelve = e.getAsJsonObject();
            }
        }
        assertEquals("r0 *= r0", atTwelve.get("text").getAsString());
        assertEquals("2f 00 00 00 00 00 00 00", atTwelve.get("opcodes").getAsString());
        assertEquals("square", atTwelve.get("function").getAsString());
        JsonObject source = atTwelve.getAsJsonObject("source");
        assertTrue(source.get("file").getAsString().endsWith("multi.bpf.c"), source.toString());
        assertEquals(9, source.get("line").getAsInt());
        assertEquals(14, source.get("column").getAsInt());
        assertEquals("return x * x;", source.get("text").getAsString());
    }

    @Test
    void aBareProgramHasNoSectionAndNamesItsHelpers() throws Exception {
        Path bin = java.nio.file.Files.createTempFile("call", ".s");
        try {
            java.nio.file.Files.writeString(bin, "call 5\nexit\n");
            CliRun text = CliRun.of("disasm", bin.toString());
            assertEquals("0: call bpf_ktime_get_ns#5\n1: exit\n", text.out());
            JsonObject p = JsonParser.parseString(CliRun.of("disasm", "--json", bin.toString()).out()).getAsJsonObject()
                    .getAsJsonArray("programs").get(0).getAsJsonObject();
            assertTrue(p.get("section").isJsonNull());
            assertEquals("raw", p.get("type").getAsString());
            assertTrue(p.getAsJsonArray("instructions").get(0).getAsJsonObject().get("source").isJsonNull());
        } finally {
            java.nio.file.Files.delete(bin);
        }
    }

    @Test
    void verifyAndDisasmTakeShortProgramOption() {
        CliRun v = CliRun.of("verify", "-p", "xdp_block", XDP);
        assertEquals(0, v.status(), v.err());
        assertEquals("xdp_block: OK: 23 instructions\n", v.out());
        CliRun none = CliRun.of("disasm", "-p", "nope", XDP);
        assertEquals(1, none.status());
    }
}
