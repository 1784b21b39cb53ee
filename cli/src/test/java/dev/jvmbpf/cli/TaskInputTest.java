package dev.jvmbpf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --pid --tgid --uid --gid --comm --cpu --time}: what the task and clock helpers report. */
class TaskInputTest {
    private static final Path EXAMPLES = Path.of(System.getProperty("jvmbpf.root", ".."), "examples").normalize();
    private static final String TASK_INFO = EXAMPLES.resolve("task_info.o").toString();

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void theHelpersReportTheTaskAndClockGiven(String engine) {
        CliRun r = CliRun.of("run", TASK_INFO, "--engine", engine, "--tgid", "4242", "--pid", "4243", "--uid", "1000",
                "--gid", "100", "--comm", "nginx", "--cpu", "0", "--time", "123456789", "--dump-maps");
        assertEquals(0, r.status(), r.err());
        assertEquals("""
                return value: 4242
                map seen (hash):
                  key: 4242 value: { .pid = 4243, .tgid = 4242, .uid = 1000, .gid = 100, .cpu = 0, .pad = 0, \
                .time_ns = 123456789, .comm = "nginx" }
                """, r.out());
    }

    @Test
    void aPidAloneIsAMainThreadAndTheRestStaysReal() {
        CliRun r = CliRun.of("run", TASK_INFO, "--pid", "7", "--dump-maps", "--json");
        assertEquals(0, r.status(), r.err());
        JsonObject run = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(7, run.get("retval").getAsInt());
        JsonObject seen = RunChangesTest.map(run, "seen").getAsJsonArray("entries").get(0).getAsJsonObject()
                .getAsJsonObject("value");
        assertEquals(7, seen.get("pid").getAsInt());
        assertEquals(7, seen.get("tgid").getAsInt());
        assertTrue(seen.get("time_ns").getAsLong() > 0, "the real clock");
        assertTrue(!seen.get("comm").getAsString().isEmpty(), "the JVM's comm");
    }

    @Test
    void theCpuPicksTheSlotOfPerCpuMapsToo() {
        int cpus = Runtime.getRuntime().availableProcessors();
        Assumptions.assumeTrue(cpus >= 2, "needs two CPUs");
        String udp = "ffffffffffff001122334455" + "0800" + "4500001c00000000401100000a0000010a000002" + "1234003500080000";
        for (int cpu = 0; cpu < 2; cpu++) {
            CliRun r = CliRun.of("run", EXAMPLES.resolve("packet_rewrite.o").toString(), "-p", "xdp_reflect",
                    "--packet-hex", udp, "--cpu", Integer.toString(cpu), "--repeat", "3", "--dump-maps", "--json");
            assertEquals(0, r.status(), r.err());
            JsonArray values = RunChangesTest.map(JsonParser.parseString(r.out()).getAsJsonObject(), "ports")
                    .getAsJsonArray("entries").get(0).getAsJsonObject().getAsJsonArray("values");
            for (int c = 0; c < cpus; c++) {
                assertEquals(c == cpu ? 3 : 0, values.get(c).getAsJsonObject().get("value").getAsInt(), "CPU " + c);
            }
        }
    }

    @Test
    void wrongValuesAreOneLine() {
        CliRun comm = CliRun.of("run", TASK_INFO, "--comm", "0123456789abcdefg");
        assertEquals(2, comm.status());
        assertEquals("jvmbpf: --comm: a comm holds at most 15 bytes; '0123456789abcdefg' has 17\n", comm.err());
        CliRun uid = CliRun.of("run", TASK_INFO, "--uid", "-1");
        assertEquals(2, uid.status());
        assertTrue(uid.err().contains("--uid must be in [0, 4294967295], got -1"), uid.err());
        CliRun cpu = CliRun.of("run", TASK_INFO, "--cpu", "100000");
        assertEquals(1, cpu.status());
        assertTrue(cpu.err().contains("cpu 100000 is not one of this machine's"), cpu.err());
        CliRun kernel = CliRun.of("run", EXAMPLES.resolve("xdp_filter.o").toString(), "--engine", "kernel",
                "--packet-hex", "ffffffffffff0011223344550800", "--pid", "1");
        assertEquals(1, kernel.status(), kernel.err());
        assertEquals(1, kernel.err().lines().count(), kernel.err());
        assertTrue(kernel.err().contains("--pid") || kernel.err().contains("kernel"), kernel.err());
    }
}
