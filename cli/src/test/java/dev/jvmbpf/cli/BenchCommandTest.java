package dev.jvmbpf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.jvmbpf.kernel.testing.KernelRequired;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchCommandTest {
    private static final Path EXAMPLES = Path.of(System.getProperty("jvmbpf.root", ".."), "examples").normalize();

    @Test
    void timesAWorkloadOnBothEnginesAndPrintsOneRowEach() {
        CliRun r = CliRun.of("bench", "--workload", "memory-loop", "--engines", "interpreter,jit",
                "--warmup-ms", "50", "--time-ms", "50", "--batches", "3");
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.lines();
        assertTrue(lines.getFirst().startsWith("memory-loop: 8 instructions, 6,004 executed per run, 1500 bytes"),
                r.out());
        List<String> rows = lines.stream().filter(l -> l.startsWith("interpreter ") || l.startsWith("jit ")).toList();
        assertEquals(2, rows.size(), r.out());
        // The first engine is the baseline of the speed-up column.
        assertTrue(rows.getFirst().strip().endsWith("1.00x"), rows.getFirst());
        for (String row : rows) {
            String[] cols = row.strip().split("\\s+");
            double nsPerRun = Double.parseDouble(cols[1].replace(",", ""));
            assertTrue(nsPerRun > 0, row);
        }
    }

    @Test
    void timesAnObjectProgramInTheKernelWithItsMaps() {
        KernelRequired.assume("kernel bench of an object");
        CliRun r = CliRun.of("bench", EXAMPLES.resolve("xdp_filter.o").toString(), "--packet-hex",
                "ffffffffffff0011223344550800" + "4500001400000000401100000a0000010a000002",
                "--map-update", "blocked:0a000001", "--engines", "jit,kernel", "--warmup-ms", "50", "--time-ms", "50",
                "--batches", "3");
        assertEquals(0, r.status(), r.err());
        List<String> kernel = r.lines().stream().filter(l -> l.startsWith("kernel ")).toList();
        assertEquals(1, kernel.size(), r.out());
        assertTrue(Double.parseDouble(kernel.getFirst().strip().split("\\s+")[1].replace(",", "")) > 0, r.out());
        // Both returned XDP_DROP for the blocked source: no disagreement note.
        assertTrue(r.lines().stream().noneMatch(l -> l.startsWith("note:")), r.out());
        // Perf samples have readers on every engine, as in the kernel: all return XDP_PASS.
        Path xdpPerf = Path.of(System.getProperty("jvmbpf.root", ".."), "cli/src/test/resources/bpf/xdp_perf.o");
        CliRun perf = CliRun.of("bench", xdpPerf.normalize().toString(), "-p", "sample_packet", "--packet-hex",
                "ffffffffffff0011223344550800" + "4500001400000000401100000a0000010a000002", "--engines",
                "interpreter,jit,kernel", "--warmup-ms", "20", "--time-ms", "20", "--batches", "1");
        assertEquals(0, perf.status(), perf.err());
        assertEquals(3, perf.lines().stream().filter(l -> l.matches("(interpreter|jit|kernel) +[0-9].*")).count(),
                perf.out());
        assertTrue(perf.lines().stream().noneMatch(l -> l.startsWith("note:")), perf.out());
        // A tracepoint cannot be test-run: asked for explicitly, that is an error naming why.
        CliRun tp = CliRun.of("bench", EXAMPLES.resolve("counter.o").toString(), "--engines", "jit,kernel",
                "--warmup-ms", "10", "--time-ms", "10", "--batches", "1");
        assertEquals(1, tp.status());
        assertTrue(tp.err().contains("cannot test-run TRACEPOINT program count_syscalls"), tp.err());
    }

    @Test
    void anUnknownWorkloadIsOneUsageError() {
        CliRun r = CliRun.of("bench", "--workload", "nope", "--engines", "jit");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("unknown workload 'nope'"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void zeroBatchesIsRefusedBeforeAnythingRuns() {
        CliRun r = CliRun.of("bench", "--workload", "compute-loop", "--batches", "0");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("--batches"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void anUnknownEngineIsRefused() {
        CliRun r = CliRun.of("bench", "--workload", "compute-loop", "--engines", "jit,warp");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("warp"), r.err());
    }

    private static final String[] QUICK = {"--engines", "interpreter,jit", "--warmup-ms", "20", "--time-ms", "40",
        "--rounds", "5"};

    private static String[] with(String[] head, String... tail) {
        String[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    @Test
    void jsonGivesEachEnginesMedianWithItsSpreadAndTheMachine() {
        CliRun r = CliRun.of(with(new String[] {"bench", "--workload", "compute-loop", "--json"}, QUICK));
        assertEquals(0, r.status(), r.err());
        JsonObject root = JsonParser.parseString(r.out()).getAsJsonObject();
        assertTrue(root.getAsJsonObject("machine").get("cores").getAsInt() >= 1, r.out());
        assertEquals(5, root.get("rounds").getAsInt());
        assertEquals("cpu", root.get("clock").getAsString());
        JsonObject program = root.getAsJsonArray("programs").get(0).getAsJsonObject();
        assertEquals("compute-loop", program.get("name").getAsString());
        JsonArray engines = program.getAsJsonArray("engines");
        assertEquals(2, engines.size());
        for (JsonElement e : engines) {
            JsonObject o = e.getAsJsonObject();
            assertTrue(o.get("ran").getAsBoolean());
            double median = o.get("median_ns").getAsDouble();
            assertTrue(o.get("min_ns").getAsDouble() <= o.get("p10_ns").getAsDouble(), o.toString());
            assertTrue(o.get("p10_ns").getAsDouble() <= median && median <= o.get("p90_ns").getAsDouble(), o.toString());
            assertTrue(o.get("ci_low_ns").getAsDouble() <= median && median <= o.get("ci_high_ns").getAsDouble());
            // Both engines compute the same value of the workload.
            assertEquals(engines.get(0).getAsJsonObject().get("r0").getAsBigInteger(), o.get("r0").getAsBigInteger());
        }
        assertEquals(1.0, engines.get(0).getAsJsonObject().get("speedup").getAsDouble(), 1e-9);
        assertFalse(program.get("results_differ").getAsBoolean());
    }

    @Test
    void csvHasAHeaderAndOneLinePerEngine() {
        CliRun r = CliRun.of(with(new String[] {"bench", "--workload", "memory-index", "--csv"}, QUICK));
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.lines();
        assertEquals(3, lines.size(), r.out());
        List<String> header = List.of(lines.get(0).split(","));
        assertEquals("program", header.get(0));
        for (String line : lines.subList(1, 3)) {
            String[] cells = line.split(",", -1);
            assertEquals(header.size(), cells.length, line);
            assertEquals("memory-index", cells[0]);
            assertTrue(Double.parseDouble(cells[header.indexOf("median_ns")]) > 0, line);
            assertEquals("5", cells[header.indexOf("rounds")]);
        }
        assertEquals("\"a,\"\"b\"\"\"", BenchCommand.csvCell("a,\"b\""));
    }

    @Test
    void chartIsWellFormedSvgWithABarPerEngineAndTheMachine(@TempDir Path dir) throws Exception {
        Path svg = dir.resolve("out.svg");
        CliRun r = CliRun.of(with(new String[] {"bench", "--workload", "compute-lanes", "--chart", svg.toString()},
                QUICK));
        assertEquals(0, r.status(), r.err());
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(svg.toFile());
        assertEquals("svg", doc.getDocumentElement().getNodeName());
        NodeList titles = doc.getElementsByTagName("title");
        assertEquals(2, titles.getLength());
        assertTrue(titles.item(0).getTextContent().startsWith("interpreter: median "), titles.item(0).getTextContent());
        assertTrue(titles.item(1).getTextContent().startsWith("jit: median "), titles.item(1).getTextContent());
        String text = doc.getDocumentElement().getTextContent();
        assertTrue(text.contains("compute-lanes"), text);
        assertTrue(text.contains("measured on ") && text.contains(" cores"), text);
        assertTrue(text.contains("median time per run (log scale)"), text);
        // The table is still printed, with the machine.
        assertTrue(r.out().contains("machine: "), r.out());
    }

    @Test
    void jsonAndCsvTogetherAreOneUsageError() {
        CliRun r = CliRun.of("bench", "--workload", "compute-loop", "--json", "--csv");
        assertEquals(2, r.status());
        assertEquals("", r.out());
    }

    @Test
    void theWallClockOnRequestAndAnUnknownClockIsAUsageError() {
        CliRun r = CliRun.of(with(new String[] {"bench", "--workload", "compute-loop", "--clock", "wall"}, QUICK));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.lines().getFirst().endsWith("engines interleaved, timed by wall clock"), r.out());
        CliRun bad = CliRun.of("bench", "--workload", "compute-loop", "--clock", "sundial");
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("unknown --clock 'sundial'"), bad.err());
    }
}
