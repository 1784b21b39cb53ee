package dev.jvmbpf.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.jvmbpf.kernel.testing.KernelRequired;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code jvmbpf run} shows what a run changed: the packet (hex diff, {@code --data-out}), the
 * context ({@code --ctx-out}, changed fields by name), the verdict as the hook reads it, and all
 * of it as JSON.
 */
class RunChangesTest {
    private static final Path EXAMPLES = Path.of(System.getProperty("jvmbpf.root", ".."), "examples").normalize();
    private static final String REWRITE = EXAMPLES.resolve("packet_rewrite.o").toString();
    /** Ethernet (ff.. to 00:11:22:33:44:55), IPv4 10.0.0.1 to 10.0.0.2 TTL 64, UDP 4660 to 53. */
    private static final String UDP = "ffffffffffff001122334455" + "0800" + "4500001c00000000401100000a0000010a000002"
            + "1234003500080000";

    @TempDir
    Path dir;

    private static CliRun ok(String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(0, r.status(), "stderr: " + r.err() + " stdout: " + r.out());
        return r;
    }

    /** The packet xdp_reflect sends back: MACs swapped, TTL one less. */
    private static byte[] reflected() {
        byte[] p = HexFormat.of().parseHex(UDP);
        byte[] out = p.clone();
        System.arraycopy(p, 0, out, 6, 6);
        System.arraycopy(p, 6, out, 0, 6);
        out[22]--;
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void thePacketAfterTheRunIsWrittenAndItsChangedBytesMarked(String engine) throws IOException {
        Path out = dir.resolve("out.bin");
        CliRun r = ok("run", REWRITE, "-p", "xdp_reflect", "--engine", engine, "--packet-hex", UDP,
                "--data-out", out.toString());
        assertArrayEquals(reflected(), Files.readAllBytes(out));
        assertEquals("""
                return value: 3 (XDP_TX)
                packet: 13 of 42 bytes changed
                  0000: 00 11 22 33 44 55 ff ff ff ff ff ff 08 00 45 00
                        ^^ ^^ ^^ ^^ ^^ ^^ ^^ ^^ ^^ ^^ ^^ ^^
                  0010: 00 1c 00 00 00 00 3f 11 00 00 0a 00 00 01 0a 00
                                          ^^
                  0020: 00 02 12 34 00 35 00 08 00 00
                """, r.out());
    }

    @Test
    void theKernelWritesTheSamePacketBack() throws IOException {
        requireKernel();
        Path jit = dir.resolve("jit.bin");
        Path kernel = dir.resolve("kernel.bin");
        CliRun j = ok("run", REWRITE, "-p", "xdp_reflect", "--packet-hex", UDP, "--data-out", jit.toString());
        CliRun k = ok("run", REWRITE, "-p", "xdp_reflect", "--engine", "kernel", "--packet-hex", UDP,
                "--data-out", kernel.toString());
        assertArrayEquals(Files.readAllBytes(kernel), Files.readAllBytes(jit));
        assertArrayEquals(reflected(), Files.readAllBytes(kernel));
        assertEquals(j.out(), k.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void contextFieldsAProgramWritesArePrintedByNameAndWritten(String engine) throws IOException {
        Path ctx = dir.resolve("ctx.bin");
        CliRun r = ok("run", REWRITE, "-p", "tc_mark", "--engine", engine, "--packet-hex", UDP, "--ctx", "priority=3",
                "--ctx-out", ctx.toString());
        // default_mark is 1 in .rodata; priority comes from .data (0)
        assertEquals("return value: 0 (TC_ACT_OK)\ncontext changes:\n  mark: 0 -> 1\n  priority: 3 -> 0\n", r.out());
        byte[] out = Files.readAllBytes(ctx);
        assertEquals(192, out.length);
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(42, b.getInt(0), "len");
        assertEquals(1, b.getInt(8), "mark");
        assertEquals(0, b.getInt(76), "data: an address of the run, not written out");
    }

    @Test
    void theHookSeesTheLow32BitsOfR0AsTheKernelReportsThem() {
        CliRun r = ok("run", REWRITE, "-p", "xdp_wide", "--packet-hex", UDP);
        assertEquals("return value: 870333503 (r0 0x3133e03c3f, of which the hook takes the low 32 bits)\n", r.out());
        requireKernel();
        CliRun k = ok("run", REWRITE, "-p", "xdp_wide", "--engine", "kernel", "--packet-hex", UDP, "--json");
        JsonObject o = JsonParser.parseString(k.out()).getAsJsonObject();
        assertEquals(0x33e03c3fL, o.get("retval").getAsLong());
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void rawProgramsShowTheirMemoryAfterTheRun(String engine) throws IOException {
        Path prog = Files.writeString(dir.resolve("poke.s"), "stb [%r1+2], 7\nmov %r0, -1\nexit\n");
        Path mem = Files.write(dir.resolve("mem.bin"), new byte[4]);
        Path out = dir.resolve("out.bin");
        CliRun r = ok("run", prog.toString(), "--engine", engine, "--mem", mem.toString(), "--data-out", out.toString());
        // raw programs keep all 64 bits of r0
        assertEquals("return value: 18446744073709551615 (0xffffffffffffffff)\nmemory: 1 of 4 bytes changed\n"
                + "  0000: 00 00 07 00\n              ^^\n", r.out());
        assertArrayEquals(new byte[] {0, 0, 7, 0}, Files.readAllBytes(out));
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit", "kernel"})
    void runJsonHasTheVerdictThePacketAndPerCpuMapValues(String engine) {
        if (engine.equals("kernel")) {
            requireKernel();
        }
        CliRun r = ok("run", REWRITE, "-p", "xdp_reflect", "--engine", engine, "--packet-hex", UDP, "--repeat", "2",
                "--dump-maps", "--json");
        assertEquals(1, r.out().strip().lines().count(), "one line without --pretty");
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals("xdp_reflect", o.get("program").getAsString());
        assertEquals("xdp", o.get("type").getAsString());
        assertEquals(engine, o.get("engine").getAsString());
        assertEquals(2, o.get("runs").getAsInt());
        assertEquals(3, o.get("retval").getAsInt());
        assertEquals("XDP_TX", o.get("verdict").getAsString());
        JsonObject packet = o.getAsJsonObject("packet_out");
        assertEquals(42, packet.get("size").getAsInt());
        assertArrayEquals(reflected(), HexFormat.ofDelimiter(" ").parseHex(packet.get("hex").getAsString()));
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 22),
                packet.getAsJsonArray("changed").asList().stream().map(JsonElement::getAsInt).toList());
        JsonObject ports = map(o, "ports");
        assertEquals("percpu_array", ports.get("type").getAsString());
        assertEquals(65535, ports.get("hidden_zero_entries").getAsInt());
        JsonObject entry = ports.getAsJsonArray("entries").get(0).getAsJsonObject();
        assertEquals(53, entry.get("key").getAsInt());
        long sum = 0;
        for (JsonElement v : entry.getAsJsonArray("values")) {
            sum += v.getAsJsonObject().get("value").getAsLong();
        }
        assertEquals(2, sum, "two runs counted, over the CPUs");
        JsonObject rodata = map(o, ".rodata").getAsJsonArray("entries").get(0).getAsJsonObject();
        assertEquals("none", rodata.getAsJsonObject("value").get("label").getAsString());
        assertEquals(0, o.getAsJsonArray("printk").size());
    }

    @Test
    void prettyJsonIsIndentedAndParsesTheSame() {
        CliRun compact = ok("run", REWRITE, "-p", "tc_mark", "--packet-hex", UDP, "--json");
        CliRun pretty = ok("run", REWRITE, "-p", "tc_mark", "--packet-hex", UDP, "--json", "--pretty");
        assertTrue(pretty.out().lines().count() > 10, pretty.out());
        assertEquals(JsonParser.parseString(compact.out()), JsonParser.parseString(pretty.out()));
        JsonArray changes = JsonParser.parseString(compact.out()).getAsJsonObject().getAsJsonArray("ctx_changes");
        JsonObject mark = changes.get(0).getAsJsonObject();
        assertEquals("mark", mark.get("field").getAsString());
        assertEquals(0, mark.get("before").getAsInt());
        assertEquals(1, mark.get("after").getAsInt());
    }

    @Test
    void whatCannotBeWrittenOutIsOneError() {
        CliRun r = CliRun.of("run", EXAMPLES.resolve("counter.o").toString(), "--data-out", dir.resolve("x").toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("--data-out: counter.o's program has nothing to write"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    static JsonObject map(JsonObject run, String name) {
        for (JsonElement m : run.getAsJsonArray("maps")) {
            if (m.getAsJsonObject().get("name").getAsString().equals(name)) {
                return m.getAsJsonObject();
            }
        }
        throw new AssertionError("no map " + name + " in " + run);
    }

    static void requireKernel() {
        KernelRequired.assume("kernel comparison");
    }
}
