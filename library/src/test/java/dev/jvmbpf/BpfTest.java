package dev.jvmbpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.helpers.context.XdpContext;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.isa.Assembler;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.memory.FaultKind;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import dev.jvmbpf.runtime.verifier.VerifierException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The library's front door on the committed example objects (examples/), on the interpreter. */
class BpfTest {
    private static final Path EXAMPLES = Path.of(System.getProperty("jvmbpf.root", ".."), "examples").normalize();
    private static final long PID = ProcessHandle.current().pid();

    private static ObjectSpec open(String example, List<String> printed) {
        return Bpf.open(EXAMPLES.resolve(example + ".o")).onPrintk(printed::add);
    }

    private static byte[] u64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    private static long u64(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    @Test
    void aContextBuiltForAnotherProgramTypeIsRefused() {
        Program tracepoint = open("execve_trace", new ArrayList<>()).load().program();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> tracepoint.run(XdpContext.of(new byte[64])));
        assertTrue(e.getMessage().contains("is a TRACEPOINT program; a XdpContext is not its context"), e.getMessage());
        Program xdp = Bpf.open(EXAMPLES.resolve("xdp_filter.o")).load().program("xdp_block");
        assertEquals(2, xdp.run(XdpContext.of(new byte[14])));
    }

    @Test
    void printkLinesGoToTheCallback() {
        List<String> printed = new ArrayList<>();
        Program p = open("execve_trace", printed).load().program();
        assertEquals(0, p.run());
        assertEquals(List.of("execve called by PID: " + PID), printed);
    }

    @Test
    void tracePipeFormatIsOnRequest() {
        List<String> printed = new ArrayList<>();
        LoadedObject obj = open("execve_trace", printed).tracePipeFormat(true).load();
        obj.program("trace_execve").run();
        assertEquals(1, printed.size());
        assertTrue(printed.getFirst().matches(" *\\S+-\\d+ +\\[\\d{3}\\] d\\.\\.31 +\\d+\\.\\d{6}: bpf_trace_printk: "
                + "execve called by PID: " + PID), printed.getFirst());
    }

    @Test
    void tracepointFieldsByNameReachTheProgram() {
        LoadedObject obj = open("counter", new ArrayList<>()).load();
        Program p = obj.program("count_syscalls");
        for (int i = 0; i < 3; i++) {
            assertEquals(0, p.run(p.context().set("id", 59).build()));
        }
        p.run(p.context().set("id", "0x1234").set("args[5]", -1).build());
        assertEquals(3, u64(obj.map("counts").raw().lookupValue(u64(59))));
        assertEquals(3L, obj.map("counts").get(59));
        assertEquals(1L, obj.map("counts").get(0x1234));
        assertEquals(4L, obj.map("runs").get(0));
        assertEquals(Map.of(59L, 3L, 0x1234L, 1L), obj.map("counts").entries());
        assertEquals(Set.of("key: 59 value: 3", "key: 4660 value: 1"),
                Set.copyOf(obj.object().dump("counts").lines().toList()));
    }

    @Test
    void runsOnSeveralThreadsShareTheMaps() throws InterruptedException {
        LoadedObject obj = open("counter", new ArrayList<>()).load();
        Program p = obj.program();
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
        assertEquals(2001L, obj.map("counts").get(7));
    }

    @Test
    void ringBufferRecordsArriveBeforeTheRunReturns() {
        List<byte[]> records = new ArrayList<>();
        LoadedObject obj = open("ringbuf_events", new ArrayList<>()).load().onRingBuffer("events", records::add);
        Program p = obj.program();
        for (int run = 0; run < 3; run++) {
            assertEquals(0, p.run());
            assertEquals(run + 1, records.size());
            ByteBuffer b = ByteBuffer.wrap(records.get(run)).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(PID, b.getInt(0));
            assertEquals(run, b.getInt(4));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> obj.onRingBuffer(".bss", r -> { }));
        assertTrue(e.getMessage().contains("not a ring buffer"), e.getMessage());
    }

    @Test
    void xdpProgramsSeeTheirPacket() {
        LoadedObject obj = open("xdp_filter", new ArrayList<>()).load();
        obj.map("blocked").put(HexFormat.of().parseHex("0a000001"), new byte[8]);
        Program p = obj.program("xdp_block");
        byte[] packet = HexFormat.of().parseHex("ffffffffffff0011223344550800" + "4500001400000000401100000a0000010a000002");
        assertEquals(1, p.run(p.context().packet(packet).build()));
        packet[29] = 9;
        assertEquals(2, p.run(XdpContext.of(packet)));
        assertEquals(1L, obj.map("blocked").get(HexFormat.of().parseHex("0a000001")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> obj.map("blocked").put(new byte[3], 0));
        assertEquals("map 'blocked' key (__u32, 4 bytes): 3 bytes given", e.getMessage());
    }

    @Test
    void oneContextServesManyRunsInterleavedWithOthers() {
        LoadedObject obj = open("xdp_filter", new ArrayList<>()).load();
        obj.map("blocked").put(HexFormat.of().parseHex("0a000001"), new byte[8]);
        Program p = obj.program("xdp_block");
        byte[] packet = HexFormat.of().parseHex("ffffffffffff0011223344550800" + "4500001400000000401100000a0000010a000002");
        XdpContext blocked = XdpContext.of(packet);
        packet[29] = 9;
        XdpContext passed = XdpContext.of(packet);
        for (int run = 0; run < 3; run++) {
            assertEquals(1, p.run(blocked));
            assertEquals(2, p.run(passed));
        }
        assertEquals(3L, obj.map("blocked").get(HexFormat.of().parseHex("0a000001")));
    }

    @Test
    void aRingBufferHandlerAddedBetweenRunsReceivesWhatIsWaiting() {
        List<byte[]> records = new ArrayList<>();
        LoadedObject obj = open("ringbuf_events", new ArrayList<>()).load();
        Program p = obj.program();
        assertEquals(0, p.run());
        obj.onRingBuffer("events", records::add);
        assertEquals(0, p.run());
        assertEquals(2, records.size());
        assertEquals(1, ByteBuffer.wrap(records.get(1)).order(ByteOrder.LITTLE_ENDIAN).getInt(4));
    }

    @Test
    void declarativeProgramArraysMakeTailCallsWork() {
        List<String> printed = new ArrayList<>();
        LoadedObject only = open("tail_calls", printed).load("entry");
        assertEquals(3, only.program("entry").run());
        assertEquals(List.of("stage 0", "stage 1", "stage 2"), printed);
        LoadException notLoaded = assertThrows(LoadException.class, () -> only.program("stage1"));
        assertEquals("tail_calls: program 'stage1' was not loaded; loaded: [entry]", notLoaded.getMessage());
        LoadedObject all = open("tail_calls", printed).load();
        LoadException e = assertThrows(LoadException.class, all::program);
        assertTrue(e.getMessage().contains("[stage0, stage1, stage2, entry]"), e.getMessage());
    }

    @Test
    void aProgramPutInASlotByNameIsTailCalledUpToTheLimit() {
        List<String> printed = new ArrayList<>();
        LoadedObject o = open("tail_calls", printed).load("entry");
        // Slot 3 -> stage0: stages 0, 1, 2 repeat until the 33rd tail call; the 33rd stage (a
        // stage 2) cannot jump and returns the sum, 11 x (0 + 1 + 2).
        o.map("stages").putProgram(3, "stage0");
        assertEquals(33, o.program("entry").run());
        assertEquals(33, printed.size());
        IllegalArgumentException notArray = assertThrows(IllegalArgumentException.class,
                () -> o.map("sum").putProgram(0, "stage0"));
        assertEquals("map 'sum' is a ARRAY map, not a program array", notArray.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> o.map("stages").putText("1", "stage9"));
        assertTrue(unknown.getMessage().startsWith("map 'stages' slot 1: tail_calls: no program named 'stage9'"),
                unknown.getMessage());
    }

    @Test
    void theVerifierRefusesBeforeLoading() {
        BpfProgram bad = BpfProgram.raw("bad", Assembler.assemble("or %r0, %r10\nexit\n"));
        LoadException e = assertThrows(LoadException.class, () -> Bpf.of(bad).load());
        assertTrue(e.getMessage().startsWith("program 'bad' rejected by the verifier: pc 0"), e.getMessage());
        assertInstanceOf(VerifierException.class, e.getCause());
    }

    @Test
    void theBudgetStopsRunawayLoops() {
        BpfProgram loop = BpfProgram.raw("loop", Assembler.assemble("mov %r0, 0\nadd %r0, 1\nja -2\n"));
        // The verifier refuses a loop no path leaves, as the kernel does: run it unverified.
        Program p = Bpf.of(loop).budget(100).noVerify().load().program();
        BpfFault f = assertThrows(BpfFault.class, p::run);
        assertEquals(FaultKind.BUDGET_EXHAUSTED, f.kind());
    }

    @Test
    void socketFiltersReadTheirSkBuff() {
        BpfProgram prog = new BpfProgram("mark", "socket", ProgramType.SOCKET_FILTER,
                Assembler.assemble("ldxw %r0, [%r1+8]\nldxw %r2, [%r1+0]\nadd %r0, %r2\nexit\n"), List.of(), "GPL");
        Program p = Bpf.of(prog).load().program();
        assertEquals(7 + 42, p.run(p.context().packet(new byte[42]).set("mark", 7).build()));
    }

    @Test
    void missingFilesAndNamesAreNamed() {
        LoadException e = assertThrows(LoadException.class, () -> Bpf.open(EXAMPLES.resolve("none.o")));
        assertTrue(e.getMessage().endsWith("none.o: no such file"), e.getMessage());
        assertInstanceOf(java.nio.file.NoSuchFileException.class, e.getCause());
        LoadException n = assertThrows(LoadException.class, () -> open("counter", new ArrayList<>()).load("x"));
        assertEquals("counter: no program named 'x'; it has [count_syscalls]", n.getMessage());
        LoadException m = assertThrows(LoadException.class, () -> open("counter", new ArrayList<>()).load().map("x"));
        assertTrue(m.getMessage().contains("no map named 'x'"), m.getMessage());
    }
}
