package dev.jvmbpf.runtime.maps;

import static dev.jvmbpf.runtime.maps.MapTestSupport.u32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.program.BpfProgram;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PerfAndProgArrayTest {
    @Test
    void perfOutputGoesToTheOpenSlotOnly() {
        PerfEventArrayMap perf = (PerfEventArrayMap) Maps.create(new MapSpec("perf", MapType.PERF_EVENT_ARRAY, 4, 4, 2, 0));
        assertEquals(-Errno.ENOENT, perf.output(0, new byte[] {1}));
        assertEquals(-Errno.E2BIG, perf.output(2, new byte[] {1}));
        PerfBuffer b0 = perf.open(0, 64);
        List<byte[]> direct = new ArrayList<>();
        perf.subscribe(1, direct::add);
        assertEquals(0, perf.output(0, new byte[] {1, 2}));
        assertEquals(0, perf.output(0, new byte[] {3}));
        assertEquals(0, perf.output(1, new byte[] {9}));
        assertEquals(1, direct.size());
        // Zero-padded as the kernel pads them: with the 4-byte size field, whole 8-byte words.
        assertArrayEquals(new byte[] {9, 0, 0, 0}, direct.get(0));
        List<byte[]> polled = new ArrayList<>();
        assertEquals(2, b0.poll(polled::add));
        assertArrayEquals(new byte[] {1, 2, 0, 0}, polled.get(0));
        assertArrayEquals(new byte[] {3, 0, 0, 0}, polled.get(1));
        assertEquals(List.of(u32(0), u32(1)).size(), perf.keys().size());
        assertEquals(0, perf.delete(u32(1)));
        assertEquals(-Errno.ENOENT, perf.delete(u32(1)));
        assertEquals(-Errno.ENOENT, perf.output(1, new byte[] {9}));
    }

    @Test
    void samplesAreReadBackPaddedAsTheKernelPadsThem() {
        // The kernel's size field (4 bytes) and the data fill whole 8-byte words.
        int[][] sentRead = {{0, 4}, {1, 4}, {4, 4}, {5, 12}, {12, 12}, {13, 20}, {14, 20}, {20, 20}, {21, 28}};
        for (int[] c : sentRead) {
            assertEquals(c[1], PerfSample.readLength(c[0]), "sent " + c[0]);
        }
        PerfEventArrayMap perf = (PerfEventArrayMap) Maps.create(new MapSpec("perf", MapType.PERF_EVENT_ARRAY, 4, 4, 1, 0));
        PerfBuffer b = perf.open(0, 64);
        byte[] sent = {1, 2, 3, 4, 5};
        assertEquals(0, perf.output(0, sent));
        List<byte[]> polled = new ArrayList<>();
        b.poll(polled::add);
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 0, 0, 0, 0, 0, 0, 0}, polled.get(0));
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, sent, "the program's bytes are not changed");
    }

    @Test
    void fullPerfBufferLosesSamples() {
        PerfEventArrayMap perf = (PerfEventArrayMap) Maps.create(new MapSpec("perf", MapType.PERF_EVENT_ARRAY, 4, 4, 1, 0));
        PerfBuffer b = perf.open(0, 48);
        assertEquals(0, perf.output(0, new byte[20]));
        assertEquals(-Errno.ENOSPC, perf.output(0, new byte[20]));
        assertEquals(1, b.lost());
        assertEquals(1, b.poll(s -> { }));
        assertEquals(0, perf.output(0, new byte[20]));
    }

    private static Executable program(String name) {
        BpfProgram p = BpfProgram.raw(name, new dev.jvmbpf.runtime.isa.Instruction[0]);
        return new Executable() {
            @Override
            public BpfProgram program() {
                return p;
            }

            @Override
            public HelperTable helpers() {
                return null;
            }

            @Override
            public long execute(Machine machine, long r1, long r2, long r3, long r4, long r5) {
                return 0;
            }
        };
    }

    @Test
    void progArraySlotsHoldPrograms() {
        ProgramArray pa = (ProgramArray) Maps.create(new MapSpec("jmp", MapType.PROG_ARRAY, 4, 4, 4, 0));
        Executable a = program("a");
        assertNull(pa.program(0));
        assertEquals(0, pa.set(2, a));
        assertEquals(-Errno.E2BIG, pa.set(4, a));
        assertSame(a, pa.program(2));
        assertNull(pa.program(4));
        assertNull(pa.program(-1));
        assertNull(pa.program(1L << 32 | 2));
        assertNull(pa.lookup(u32(2)), "programs cannot read a program array");
        assertEquals(-Errno.EINVAL, pa.update(u32(1), u32(7), 0));
        assertEquals(-Errno.E2BIG, pa.update(u32(9), u32(7), 0));
        assertEquals(1, pa.keys().size());
        assertEquals(0, pa.delete(u32(2)));
        assertEquals(-Errno.ENOENT, pa.delete(u32(2)));
        assertNull(pa.program(2));
    }
}
