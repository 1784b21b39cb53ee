package dev.jvmbpf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code jvmbpf run} on the examples (committed objects in examples/), on both engines, and its errors. */
class RunCommandTest {
    @Test
    void noVerifyRunsWhatTheVerifierRefusesWithEveryCheckOn() throws IOException {
        // r2 = r1 & -1 is still the input pointer at run time; the verifier refuses the pointer arithmetic.
        Path prog = Files.writeString(dir.resolve("laundered.s"), "mov %r2, %r1\nand %r2, -1\nldxb %r0, [%r2+5]\nexit\n");
        Path mem = Files.write(dir.resolve("mem.bin"), new byte[] {0, 1, 2, 3, 4, 42, 6, 7});
        refused("&= on pointer prohibited", "run", prog.toString(), "--mem", mem.toString());
        for (String engine : new String[] {"interpreter", "jit"}) {
            CliRun r = run("run", prog.toString(), "--mem", mem.toString(), "--no-verify", "--engine", engine);
            assertEquals(0, r.status(), r.err());
            assertTrue(r.out().contains("return value: 42"), r.out());
            // and an access outside the memory still faults, as the checks stay on
            Path past = Files.writeString(dir.resolve("past.s"), "mov %r2, %r1\nand %r2, -1\nldxb %r0, [%r2+64]\nexit\n");
            refused("faulted", "run", past.toString(), "--mem", mem.toString(), "--no-verify", "--engine", engine);
        }
    }

    /** One rule for every command: 2 when the command line is wrong, 1 when the files or the program are refused. */
    @Test
    void exitStatusTwoIsForTheCommandLineOneForWhatItNames() {
        String counter = EXAMPLES.resolve("counter.o").toString();
        for (String[] usage : new String[][] {
                {"run", counter, "--engine", "bogus"},
                {"run", counter, "--ctx", "noequals"},
                {"run", counter, "--budget", "-5"},
                {"run", counter, "--map-update", "counts"},
                {"run", counter, "--bogus-option"},
                {"bench", "--workload", "bogus"},
                {"conformance", EXAMPLES.toString(), "--engine", "bogus"},
                {"fuzz", "--count", "-1"}}) {
            CliRun r = CliRun.of(usage);
            assertEquals(2, r.status(), String.join(" ", usage) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
        for (String[] refused : new String[][] {
                {"run", EXAMPLES.resolve("none.o").toString()},
                {"run", counter, "--ctx", "nosuch=1"},
                {"run", counter, "--map-update", "counts:0x1ffffffffffffffff"},
                {"run", counter, "--map-update", "counts:zz"},
                {"conformance", EXAMPLES.resolve("none").toString()},
                {"conformance", EXAMPLES.toString()}}) {
            CliRun r = CliRun.of(refused);
            assertEquals(1, r.status(), String.join(" ", refused) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
    }

    private static final Path EXAMPLES = Path.of(System.getProperty("jvmbpf.root", ".."), "examples").normalize();
    private static final long PID = ProcessHandle.current().pid();
    /** Ethernet + IPv4 header (UDP, 20 bytes, no options) from 10.0.0.1 to 10.0.0.2. */
    private static final String FROM_10_0_0_1 = "ffffffffffff 001122334455 0800 4500001400000000401100000a0000010a000002";
    private static final String FROM_10_0_0_9 = "ffffffffffff 001122334455 0800 4500001400000000401100000a0000090a000002";

    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private static String example(String name) {
        return EXAMPLES.resolve(name + ".o").toString();
    }

    private static CliRun ok(String... args) {
        CliRun r = run(args);
        assertEquals(0, r.status(), "stderr: " + r.err() + " stdout: " + r.out());
        assertEquals("", r.err());
        return r;
    }

    /** One error line naming {@code expected}, exit status 1, no stack trace. */
    private static void refused(String expected, String... args) {
        oneLine(1, expected, args);
    }

    /** A command line that is wrong in itself: exit status 2. */
    private static void misused(String expected, String... args) {
        oneLine(2, expected, args);
    }

    private static void oneLine(int status, String expected, String... args) {
        CliRun r = run(args);
        assertEquals(status, r.status(), "stdout: " + r.out() + " stderr: " + r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("jvmbpf: "), r.err());
        assertTrue(r.err().contains(expected), "'" + expected + "' not in: " + r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertFalse(r.out().contains("return value"), r.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void execveTracePrintsThePidOfTheJvm(String engine) {
        CliRun r = ok("run", example("execve_trace"), "--engine", engine);
        assertEquals("execve called by PID: " + PID + "\nreturn value: 0\n", r.out());
    }

    @Test
    void theJitIsTheDefaultEngineAndGivesTheSameOutput() {
        assertEquals(ok("run", example("execve_trace"), "--engine", "interpreter").out(),
                ok("run", example("execve_trace")).out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void tracePipeFormatDecoratesTheLine(String engine) {
        CliRun r = ok("run", example("execve_trace"), "--engine", engine, "--trace-pipe");
        List<String> lines = r.lines();
        assertEquals(2, lines.size(), r.out());
        assertTrue(Pattern.matches(" *\\S+-\\d+ +\\[\\d{3}\\] d\\.\\.31 +\\d+\\.\\d{6}: bpf_trace_printk: "
                + "execve called by PID: " + PID, lines.get(0)), lines.get(0));
        assertEquals("return value: 0", lines.get(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void counterCountsTheSyscallIdOfEveryRun(String engine) {
        CliRun r = ok("run", example("counter"), "--engine", engine, "--repeat", "3", "--ctx", "id=59", "--dump-maps");
        assertEquals("""
                return value: 0
                map counts (hash):
                  key: 59 value: 3
                map runs (array):
                  key: 0 value: 3
                """, r.out());
        CliRun other = ok("run", example("counter"), "--engine", engine, "--repeat", "2", "--ctx", "id=0x1234",
                "--dump-maps");
        assertTrue(other.out().contains("map counts (hash):\n  key: 4660 value: 2\nmap runs"), other.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void ringBufferRecordsCarryPidSequenceAndComm(String engine) throws IOException {
        CliRun r = ok("run", example("ringbuf_events"), "--engine", engine, "--repeat", "3", "--dump-maps");
        String comm = Files.readString(Path.of("/proc/self/comm")).strip();
        comm = comm.substring(0, Math.min(comm.length(), 15));
        Pattern record = Pattern.compile("record events: ([0-9a-f ]+)");
        List<byte[]> records = new ArrayList<>();
        for (String line : r.lines()) {
            Matcher m = record.matcher(line);
            if (m.matches()) {
                records.add(HexFormat.ofDelimiter(" ").parseHex(m.group(1)));
            }
        }
        assertEquals(3, records.size(), r.out());
        for (int i = 0; i < records.size(); i++) {
            ByteBuffer b = ByteBuffer.wrap(records.get(i)).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(24, records.get(i).length);
            assertEquals(PID, b.getInt(0));
            assertEquals(i, b.getInt(4));
            byte[] name = Arrays.copyOfRange(records.get(i), 8, 24);
            int nul = 0;
            while (name[nul] != 0) {
                nul++;
            }
            assertEquals(comm, new String(name, 0, nul, StandardCharsets.UTF_8));
        }
        assertTrue(r.out().contains("return value: 0\n"), r.out());
        assertTrue(r.out().contains("map .bss (array):\n  key: 00 00 00 00 value: { .seq = 3 }"), r.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void xdpFilterDropsAndCountsBlockedSources(String engine) {
        CliRun dropped = ok("run", example("xdp_filter"), "--engine", engine, "--packet-hex", FROM_10_0_0_1,
                "--map-update", "blocked:0a000001=0000000000000000", "--repeat", "2", "--dump-maps");
        // 10.0.0.1 in network byte order, read as a little-endian __u32.
        assertEquals("return value: 1 (XDP_DROP)\nmap blocked (hash):\n  key: 16777226 value: 2\n", dropped.out());
        CliRun passed = ok("run", example("xdp_filter"), "--engine", engine, "--packet-hex", FROM_10_0_0_9,
                "--map-update", "blocked:0a000001", "--dump-maps");
        assertEquals("return value: 2 (XDP_PASS)\nmap blocked (hash):\n  key: 16777226 value: 0\n", passed.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void xdpFilterChecksTheBoundsOfShortAndForeignPackets(String engine) throws IOException {
        Path arp = Files.write(dir.resolve("arp.bin"), HexFormat.of().parseHex(FROM_10_0_0_1.replace(" ", "")
                .replace("0800", "0806")));
        CliRun notIp = ok("run", example("xdp_filter"), "--engine", engine, "--packet", arp.toString(),
                "--map-update", "blocked:0a000001");
        assertEquals("return value: 2 (XDP_PASS)\n", notIp.out());
        CliRun truncated = ok("run", example("xdp_filter"), "--engine", engine, "--packet-hex",
                FROM_10_0_0_1.replace(" ", "").substring(0, 40), "--map-update", "blocked:0a000001", "--dump-maps");
        assertEquals("return value: 2 (XDP_PASS)\nmap blocked (hash):\n  key: 16777226 value: 0\n", truncated.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void tailCallsChainTheStages(String engine) {
        CliRun r = ok("run", example("tail_calls"), "--engine", engine, "--program", "entry", "--dump-maps");
        assertEquals("""
                stage 0
                stage 1
                stage 2
                return value: 3 (accept)
                map stages (prog_array):
                  key: 0 value: stage0
                  key: 1 value: stage1
                  key: 2 value: stage2
                map sum (array):
                  key: 0 value: 3
                map .rodata (array):
                  key: 00 00 00 00 value: { .stage.____fmt = "stage %d" }
                """, r.out());
        CliRun last = ok("run", example("tail_calls"), "--engine", engine, "--program", "stage2");
        assertEquals("stage 2\nreturn value: 2 (accept)\n", last.out());
    }

    @Test
    void everyExampleGivesTheSameOutputOnBothEngines() {
        List<List<String>> cases = List.of(
                List.of("execve_trace"),
                List.of("counter", "--ctx", "id=59", "--ctx", "args[0]=0x1234", "--repeat", "3"),
                List.of("ringbuf_events", "--repeat", "4"),
                List.of("xdp_filter", "--packet-hex", FROM_10_0_0_1, "--map-update", "blocked:0a000001"),
                List.of("tail_calls", "--program", "entry"));
        for (List<String> c : cases) {
            List<String> args = new ArrayList<>(List.of("run", example(c.getFirst()), "--dump-maps"));
            args.addAll(c.subList(1, c.size()));
            List<String> interpreter = new ArrayList<>(args);
            interpreter.addAll(List.of("--engine", "interpreter"));
            List<String> jit = new ArrayList<>(args);
            jit.addAll(List.of("--engine", "jit"));
            CliRun a = ok(interpreter.toArray(String[]::new));
            CliRun b = ok(jit.toArray(String[]::new));
            assertEquals(a.out(), b.out(), c.getFirst());
            assertTrue(a.out().contains("return value: "), a.out());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void rawProgramsGetMemoryAndLength(String engine) throws IOException {
        Path prog = Files.writeString(dir.resolve("sum.s"), "ldxw %r0, [%r1]\nadd %r0, %r2\nexit\n");
        Path mem = Files.write(dir.resolve("mem.bin"), new byte[] {0x10, 0, 0, 0, 1, 2});
        CliRun r = ok("run", prog.toString(), "--engine", engine, "--mem", mem.toString());
        assertEquals("return value: 22\n", r.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void aFaultIsOneLineNamingThePc(String engine) throws IOException {
        Path prog = Files.writeString(dir.resolve("null.s"), "mov %r0, 0\nldxdw %r0, [%r1+8]\nexit\n");
        CliRun r = run("run", prog.toString(), "--engine", engine);
        assertEquals(1, r.status());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("null.s faulted") && r.err().contains("pc 1"), r.err());
    }

    @Test
    void theVerifierRunsBeforeTheEngines() throws IOException {
        Path prog = Files.writeString(dir.resolve("r10.s"), "or %r0, %r10\nexit\n");
        refused("rejected by the verifier: pc 0", "run", prog.toString(), "--engine", "interpreter");
        refused("rejected by the verifier: pc 0", "run", prog.toString(), "--engine", "jit");
    }

    @Test
    void runawayLoopsStopAtTheBudget() throws IOException {
        Path prog = Files.writeString(dir.resolve("loop.s"), "mov %r0, 0\nloop:\nadd %r0, 1\nja loop\n");
        // The verifier refuses a loop no path leaves, as the kernel does; --no-verify runs it.
        assertTrue(run("run", prog.toString(), "--engine", "interpreter").err().contains("no path from insn 1"
                + " reaches an exit"));
        CliRun r = run("run", prog.toString(), "--engine", "interpreter", "--budget", "1000", "--no-verify");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("more than 1000 instructions"), r.err());
    }

    @Test
    void badInputIsOneClearLine() throws IOException {
        String counter = example("counter");
        refused("has no field 'nosuch'", "run", counter, "--ctx", "nosuch=1");
        refused("'abc' is not a number", "run", counter, "--ctx", "id=abc");
        refused("field 'ent.type' (unsigned short, 16 bits): 70000 does not fit", "run", counter, "--ctx",
                "ent.type=70000");
        misused("expected FIELD=VALUE", "run", counter, "--ctx", "id");
        refused("index 6 is outside", "run", counter, "--ctx", "args[6]=1");
        refused("no program named 'nope'", "run", counter, "--program", "nope");
        refused("has 4 programs [stage0, stage1, stage2, entry]; choose one", "run", example("tail_calls"));
        refused("missing.o: no such file", "run", dir.resolve("missing.o").toString());
        refused("nothing.bin: no such file (packet)", "run", example("xdp_filter"), "--packet",
                dir.resolve("nothing.bin").toString());
        refused("takes no packet", "run", counter, "--packet-hex", "00");
        refused("struct xdp_md has no settable field 'mark'", "run", example("xdp_filter"), "--ctx", "mark=1");
        misused("unknown engine 'warp'", "run", counter, "--engine", "warp");
        refused("no map named 'nope'", "run", counter, "--map-update", "nope:00");
        refused("map 'counts' key: '0a000001' is not a number; as hex bytes it would need 16 digits, not 8", "run",
                counter, "--map-update", "counts:0a000001");
        refused("map 'counts' key: 'zz' is not a number", "run", counter, "--map-update", "counts:zz");
        misused("expected MAP:KEY[=VALUE]", "run", counter, "--map-update", "counts");
        refused("has no BTF type", "run", example("ringbuf_events"), "--ctx", "id=1");
        misused("--repeat must be at least 1", "run", counter, "--repeat", "0");
        Path junk = Files.writeString(dir.resolve("junk.o"), "\u007fELF this is no object");
        refused("junk.o", "run", junk.toString());
    }

    @Test
    void usageErrorsAreOneLineToo() {
        CliRun r = run("run", example("counter"), "--repeat", "abc");
        assertEquals(2, r.status());
        assertEquals("jvmbpf: Invalid value for option '--repeat': 'abc' is not a long (see 'jvmbpf run --help')\n",
                r.err());
        CliRun none = run("run");
        assertEquals(2, none.status());
        assertEquals(1, none.err().lines().count(), none.err());
        assertTrue(none.err().contains("PROG"), none.err());
    }

    @Test
    void debugAddsTheStackTrace() {
        CliRun r = run("--debug", "run", dir.resolve("missing.o").toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("\tat dev.jvmbpf."), r.err());
    }
}
