package dev.jvmbpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.helpers.context.XdpContext;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.isa.Assembler;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.memory.FaultKind;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The facade on the committed example objects (examples/), on the interpreter. */
class BpfRuntimeTest {
    private static final Path EXAMPLES = Path.of(System.getProperty("jvmbpf.root", ".."), "examples").normalize();
    private static final long PID = ProcessHandle.current().pid();

    private static BpfRuntime open(String example, List<String> printed) {
        return BpfRuntime.open(EXAMPLES.resolve(example + ".o")).onPrintk(printed::add);
    }

    private static byte[] u64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    private static long u64(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    @Test
    void printkLinesGoToTheCallback() {
        List<String> printed = new ArrayList<>();
        LoadedProgram p = open("execve_trace", printed).load();
        assertEquals(0, p.run());
        assertEquals(List.of("execve called by PID: " + PID), printed);
    }

    @Test
    void tracePipeFormatIsOnRequest() {
        List<String> printed = new ArrayList<>();
        BpfRuntime rt = open("execve_trace", printed).tracePipeFormat(true);
        rt.load("trace_execve").run();
        assertEquals(1, printed.size());
        assertTrue(printed.getFirst().matches(" *\\S+-\\d+ +\\[\\d{3}\\] d\\.\\.31 +\\d+\\.\\d{6}: bpf_trace_printk: "
                + "execve called by PID: " + PID), printed.getFirst());
    }

    @Test
    void tracepointFieldsByNameReachTheProgram() {
        BpfRuntime rt = open("counter", new ArrayList<>());
        LoadedProgram p = rt.load("count_syscalls");
        for (int i = 0; i < 3; i++) {
            assertEquals(0, p.run(p.context().set("id", 59).build()));
        }
        p.run(p.context().set("id", "0x1234").set("args[5]", -1).build());
        assertEquals(3, u64(rt.map("counts").lookupValue(u64(59))));
        assertEquals(1, u64(rt.map("counts").lookupValue(u64(0x1234))));
        assertEquals(4, u64(rt.map("runs").lookupValue(new byte[4])));
        assertEquals(Set.of("key: 59 value: 3", "key: 4660 value: 1"),
                Set.copyOf(rt.dump("counts").lines().toList()));
    }

    @Test
    void runsOnSeveralThreadsShareTheMaps() throws InterruptedException {
        BpfRuntime rt = open("counter", new ArrayList<>());
        LoadedProgram p = rt.load();
        // The first run inserts the key with BPF_NOEXIST; two first runs at once would both see no
        // entry and one insert would fail, losing a count (as in the kernel). After this run every
        // run takes the atomic increment.
        p.run(p.context().set("id", 7).build());
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < 500; i++) {
                        p.run(p.context().set("id", 7).build());
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(List.of(), failures);
        assertEquals(2001, u64(rt.map("counts").lookupValue(u64(7))));
    }

    @Test
    void ringBufferRecordsArriveBeforeTheRunReturns() {
        List<byte[]> records = new ArrayList<>();
        BpfRuntime rt = open("ringbuf_events", new ArrayList<>()).onRingBuffer("events", records::add);
        LoadedProgram p = rt.load();
        for (int run = 0; run < 3; run++) {
            assertEquals(0, p.run());
            assertEquals(run + 1, records.size());
            ByteBuffer b = ByteBuffer.wrap(records.get(run)).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(PID, b.getInt(0));
            assertEquals(run, b.getInt(4));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> rt.onRingBuffer(".bss", r -> { }));
        assertTrue(e.getMessage().contains("not a ring buffer"), e.getMessage());
    }

    @Test
    void xdpProgramsSeeTheirPacket() {
        BpfRuntime rt = open("xdp_filter", new ArrayList<>());
        rt.update("blocked", HexFormat.of().parseHex("0a000001"), new byte[8]);
        LoadedProgram p = rt.load("xdp_block");
        byte[] packet = HexFormat.of().parseHex("ffffffffffff0011223344550800" + "4500001400000000401100000a0000010a000002");
        assertEquals(1, p.run(p.context().packet(packet).build()));
        packet[29] = 9;
        assertEquals(2, p.run(XdpContext.of(packet)));
        assertEquals(1, u64(rt.map("blocked").lookupValue(HexFormat.of().parseHex("0a000001"))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> rt.update("blocked", new byte[3], new byte[8]));
        assertTrue(e.getMessage().contains("4-byte keys"), e.getMessage());
    }

    @Test
    void oneContextServesManyRunsInterleavedWithOthers() {
        BpfRuntime rt = open("xdp_filter", new ArrayList<>());
        rt.update("blocked", HexFormat.of().parseHex("0a000001"), new byte[8]);
        LoadedProgram p = rt.load("xdp_block");
        byte[] packet = HexFormat.of().parseHex("ffffffffffff0011223344550800" + "4500001400000000401100000a0000010a000002");
        XdpContext blocked = XdpContext.of(packet);
        packet[29] = 9;
        XdpContext passed = XdpContext.of(packet);
        for (int run = 0; run < 3; run++) {
            assertEquals(1, p.run(blocked));
            assertEquals(2, p.run(passed));
        }
        assertEquals(3, u64(rt.map("blocked").lookupValue(HexFormat.of().parseHex("0a000001"))));
    }

    @Test
    void aRingBufferHandlerAddedBetweenRunsReceivesWhatIsWaiting() {
        List<byte[]> records = new ArrayList<>();
        BpfRuntime rt = open("ringbuf_events", new ArrayList<>());
        LoadedProgram p = rt.load();
        assertEquals(0, p.run());
        rt.onRingBuffer("events", records::add);
        assertEquals(0, p.run());
        assertEquals(2, records.size());
        assertEquals(1, ByteBuffer.wrap(records.get(1)).order(ByteOrder.LITTLE_ENDIAN).getInt(4));
    }

    @Test
    void declarativeProgramArraysMakeTailCallsWork() {
        List<String> printed = new ArrayList<>();
        BpfRuntime rt = open("tail_calls", printed);
        assertEquals(3, rt.load("entry").run());
        assertEquals(List.of("stage 0", "stage 1", "stage 2"), printed);
        LoadException e = assertThrows(LoadException.class, rt::load);
        assertTrue(e.getMessage().contains("[stage0, stage1, stage2, entry]"), e.getMessage());
    }

    @Test
    void theVerifierRefusesBeforeLoading() {
        BpfProgram bad = BpfProgram.raw("bad", Assembler.assemble("or %r0, %r10\nexit\n"));
        LoadException e = assertThrows(LoadException.class, () -> BpfRuntime.standalone().load(bad));
        assertTrue(e.getMessage().startsWith("program 'bad' rejected by the verifier: pc 0"), e.getMessage());
    }

    @Test
    void theBudgetStopsRunawayLoops() {
        BpfProgram loop = BpfProgram.raw("loop", Assembler.assemble("mov %r0, 0\nadd %r0, 1\nja -2\n"));
        LoadedProgram p = BpfRuntime.standalone().budget(100).load(loop);
        BpfFault f = assertThrows(BpfFault.class, p::run);
        assertEquals(FaultKind.BUDGET_EXHAUSTED, f.kind());
    }

    @Test
    void socketFiltersReadTheirSkBuff() {
        BpfProgram prog = new BpfProgram("mark", "socket", ProgramType.SOCKET_FILTER,
                Assembler.assemble("ldxw %r0, [%r1+8]\nldxw %r2, [%r1+0]\nadd %r0, %r2\nexit\n"), List.of(), "GPL");
        LoadedProgram p = BpfRuntime.standalone().load(prog);
        assertEquals(7 + 42, p.run(p.context().packet(new byte[42]).set("mark", 7).build()));
    }

    @Test
    void missingFilesAndNamesAreNamed() {
        LoadException e = assertThrows(LoadException.class, () -> BpfRuntime.open(EXAMPLES.resolve("none.o")));
        assertTrue(e.getMessage().endsWith("none.o: no such file"), e.getMessage());
        LoadException n = assertThrows(LoadException.class, () -> open("counter", new ArrayList<>()).load("x"));
        assertTrue(n.getMessage().contains("no program named 'x'"), n.getMessage());
    }
}
