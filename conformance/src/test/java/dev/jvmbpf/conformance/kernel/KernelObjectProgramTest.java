package dev.jvmbpf.conformance.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.Bpf;
import dev.jvmbpf.LoadedObject;
import dev.jvmbpf.kernel.KernelObjectProgram;
import dev.jvmbpf.kernel.testing.KernelRequired;
import dev.jvmbpf.runtime.exec.LoadException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Object programs in the running kernel, with their maps mirrored: the same answers as the engines. */
class KernelObjectProgramTest {
    private static final Path ROOT = Path.of(System.getProperty("jvmbpf.root", "..")).normalize();
    private static final byte[] BLOCKED_SOURCE = HexFormat.of().parseHex("0a000001");

    @BeforeAll
    static void kernelAvailable() {
        KernelRequired.assume("kernel object program tests");
    }

    private static byte[] ipv4From(int lastByte) {
        byte[] packet = HexFormat.of().parseHex("ffffffffffff0011223344550800" + "4500001400000000401100000a0000010a000002");
        packet[29] = (byte) lastByte;
        return packet;
    }

    private static long u64(byte[] value) {
        return ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    @Test
    void xdpFilterDropsWhatItsMirroredMapHolds() {
        LoadedObject rt = Bpf.open(ROOT.resolve("examples/xdp_filter.o")).load("xdp_block");
        rt.map("blocked").put(BLOCKED_SOURCE, new byte[8]);
        try (KernelObjectProgram k = KernelObjectProgram.load(rt.program("xdp_block").bpfProgram())) {
            assertEquals(1, k.run(ipv4From(1), 1).r0());
            assertEquals(2, k.run(ipv4From(9), 1).r0());
            assertEquals(1, u64(k.lookup("blocked", BLOCKED_SOURCE)));
            k.run(ipv4From(1), 10);
            assertEquals(11, u64(k.lookup("blocked", BLOCKED_SOURCE)));
            assertEquals(null, k.lookup("blocked", HexFormat.of().parseHex("0a000009")));
        }
        // Without the element the kernel's map is empty too.
        LoadedObject empty = Bpf.open(ROOT.resolve("examples/xdp_filter.o")).load("xdp_block");
        try (KernelObjectProgram k = KernelObjectProgram.load(empty.program("xdp_block").bpfProgram())) {
            assertEquals(2, k.run(ipv4From(1), 1).r0());
        }
    }

    @Test
    void globalDataIsCopiedAndWritten() {
        LoadedObject rt = Bpf.open(ROOT.resolve("runtime/src/test/resources/elf/globals.o")).onPrintk(l -> { }).load();
        long r0 = rt.program("use_globals").run();
        LoadedObject fresh = Bpf.open(ROOT.resolve("runtime/src/test/resources/elf/globals.o")).load();
        try (KernelObjectProgram k = KernelObjectProgram.load(fresh.program("use_globals").bpfProgram())) {
            assertEquals(r0, k.run(ipv4From(1), 1).r0());
            assertEquals(7, r0);
            // hits = 100 in .data, and the run made it 101 in both.
            String data = rt.map(".data").raw().spec().name();
            assertEquals(101, u64(k.lookup(data, new byte[4])));
            assertArrayEquals(rt.map(".data").getBytes(0), k.lookup(data, new byte[4]));
        }
    }

    @Test
    void programArraysAreMirroredWithTheProgramsTheyHold() {
        LoadedObject tails = Bpf.open(ROOT.resolve("examples/tail_calls.o")).onPrintk(l -> { }).load("entry");
        long r0 = tails.program("entry").run(tails.program("entry").context().packet(ipv4From(1)).build());
        LoadedObject fresh = Bpf.open(ROOT.resolve("examples/tail_calls.o")).onPrintk(l -> { }).load("entry");
        try (KernelObjectProgram k = KernelObjectProgram.load(fresh.program("entry").bpfProgram())) {
            // entry -> stage0 -> stage1 -> stage2 -> empty slot 3: 0 + 1 + 2.
            assertEquals(3, r0);
            assertEquals(r0, k.run(ipv4From(1), 1).r0());
            assertEquals(List.of("entry", "stage0", "stage1", "stage2"),
                    k.programs().stream().map(p -> p.name()).toList());
        }
    }

    @Test
    void mapsThatCannotBeMirroredAreNamed() {
        // A per-CPU map is mirrored empty; with an element, its layout would depend on the CPUs.
        LoadedObject maps = Bpf.open(ROOT.resolve("runtime/src/test/resources/elf/maps.o")).load("count_events");
        KernelObjectProgram.load(maps.program("count_events").bpfProgram()).close();
        byte[] one = new byte[16];
        one[0] = 1;
        maps.map("scratch").put(0, one);
        LoadException perCpu = assertThrows(LoadException.class,
                () -> KernelObjectProgram.load(maps.program("count_events").bpfProgram()));
        assertTrue(perCpu.getMessage().contains("per-CPU map") && perCpu.getMessage().contains("holds elements"),
                perCpu.getMessage());
    }

    @Test
    void whatCannotRunInTheKernelIsNamed() {
        LoadedObject counter = Bpf.open(ROOT.resolve("examples/counter.o")).load();
        LoadException e = assertThrows(LoadException.class,
                () -> KernelObjectProgram.load(counter.program("count_syscalls").bpfProgram()));
        assertTrue(e.getMessage().contains("cannot test-run TRACEPOINT program count_syscalls"), e.getMessage());
        LoadedObject rt = Bpf.open(ROOT.resolve("examples/xdp_filter.o")).load("xdp_block");
        try (KernelObjectProgram k = KernelObjectProgram.load(rt.program("xdp_block").bpfProgram())) {
            IllegalArgumentException short_ = assertThrows(IllegalArgumentException.class, () -> k.run(new byte[4], 1));
            assertTrue(short_.getMessage().contains("4-byte packet"), short_.getMessage());
        }
    }
}
