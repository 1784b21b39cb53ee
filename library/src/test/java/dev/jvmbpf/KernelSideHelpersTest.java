package dev.jvmbpf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.maps.UserRingBufferMap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * drain_timer_storage.c (built by build.sh): bpf_user_ringbuf_drain with a Java producer, the
 * local and ring-buffer dynptr helpers, bpf_timer and bpf_get_local_storage, on both engines.
 */
class KernelSideHelpersTest {
    private static final Path OBJECT = Path.of(System.getProperty("jvmbpf.root", ".."), "library", "src", "test",
            "resources", "bpf", "drain_timer_storage.o").normalize();
    private static final byte[] PACKET = HexFormat.of().parseHex("ffffffffffff0011223344550800" + "4500");
    private static final List<Engine> ENGINES = List.of(Bpf.interpreter(), Bpf.jit());

    private static byte[] u64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    private static long result(LoadedObject o, int i) {
        Object[] results = (Object[]) toArray(o.variable("results").get());
        return ((Number) results[i]).longValue();
    }

    private static Object toArray(Object v) {
        return v instanceof List<?> l ? l.toArray() : v;
    }

    private static long number(LoadedObject o, String name) {
        return ((Number) o.variable(name).get()).longValue();
    }

    private static long run(LoadedObject o, String program) {
        Program p = o.program(program);
        return p.run(p.context().packet(PACKET).build());
    }

    @Test
    void drainHandsEverySampleOnceOldestFirstAndStopsWhenTheCallbackSays() {
        for (Engine engine : ENGINES) {
            try (LoadedObject o = Bpf.open(OBJECT).engine(engine).load("drain")) {
                assertEquals(2, run(o, "drain"), "XDP_PASS");
                assertEquals(0L, number(o, "drained"), "an empty ring drains nothing");
                o.submitUserSample("samples", u64(5)).submitUserSample("samples", u64(7));
                o.submitUserSample("samples", new byte[] {1}).submitUserSample("samples", u64(100));
                run(o, "drain");
                assertEquals(3L, number(o, "drained"), engine.name() + ": the short sample is handed and stops it");
                assertEquals(12L, number(o, "sum"), engine.name());
                run(o, "drain");
                assertEquals(1L, number(o, "drained"), engine.name() + ": what was left");
                assertEquals(112L, number(o, "sum"), engine.name());
                assertEquals(0, ((UserRingBufferMap) o.map("samples").raw()).pending());
            }
        }
    }

    @Test
    void aFullUserRingRefusesMoreSamples() {
        try (LoadedObject o = Bpf.open(OBJECT).load("drain")) {
            // 4096 bytes: each 8-byte sample takes 16 with its header
            for (int i = 0; i < 256; i++) {
                o.submitUserSample("samples", u64(i));
            }
            IllegalStateException full = assertThrows(IllegalStateException.class,
                    () -> o.submitUserSample("samples", u64(1)));
            assertTrue(full.getMessage().contains("no room"), full.getMessage());
            assertThrows(IllegalStateException.class, () -> o.submitUserSample("samples", new byte[4096]));
            assertThrows(IllegalArgumentException.class, () -> o.submitUserSample("events", u64(1)));
        }
    }

    @Test
    void localDynptrsReadWriteAndRefuseAsTheKernelDoes() {
        for (Engine engine : ENGINES) {
            try (LoadedObject o = Bpf.open(OBJECT).engine(engine).load("dynptr_local")) {
                run(o, "dynptr_local");
                assertEquals(0, result(o, 0), "from_mem");
                assertEquals(0, result(o, 1), "write");
                assertEquals(0, result(o, 2), "read");
                assertEquals(-7, result(o, 3), "read past the end: -E2BIG");
                assertEquals(-22, result(o, 4), "write with flags: -EINVAL");
                assertEquals('e', result(o, 5), "dynptr_data at offset 4");
                assertEquals('a' | 'b' << 8 | 'X' << 16 | 'Y' << 24, result(o, 6), engine.name());
                assertEquals(-22, result(o, 7), "from_mem with flags: -EINVAL");
            }
        }
    }

    @Test
    void ringBufferDynptrsCommitRecords() {
        for (Engine engine : ENGINES) {
            List<byte[]> records = new ArrayList<>();
            try (LoadedObject o = Bpf.open(OBJECT).engine(engine).load("dynptr_ringbuf")) {
                o.onRingBuffer("events", records::add);
                run(o, "dynptr_ringbuf");
                assertEquals(0, result(o, 0));
                assertEquals(0, result(o, 1));
                assertEquals(-22, result(o, 2), "reserve with flags: -EINVAL, and a null dynptr to discard");
            }
            assertEquals(1, records.size(), engine.name());
            assertArrayEquals(u64(42), records.get(0));
        }
    }

    /** What Linux 6.18 gave for the timer program, run twice (bpftool prog run, maps pinned). */
    private static final long[] KERNEL_TIMER_FIRST = {0, -22, 0, 0, 1, -22, 0, 0, -22, 0};
    private static final long[] KERNEL_TIMER_SECOND = {-16, 0, 0, 0, 1, -22, 0, 0, -22, 0};

    private static long fired(LoadedObject o) {
        return ByteBuffer.wrap(o.map("timers").getBytes(0)).order(ByteOrder.LITTLE_ENDIAN).getLong(16);
    }

    @Test
    void timersFireAfterTheProgramReturnsInTheSameRun() {
        for (Engine engine : ENGINES) {
            try (LoadedObject o = Bpf.open(OBJECT).engine(engine).load("timer")) {
                run(o, "timer");
                for (int i = 0; i < KERNEL_TIMER_FIRST.length; i++) {
                    assertEquals(KERNEL_TIMER_FIRST[i], result(o, i), engine.name() + " results[" + i + "]");
                }
                assertEquals(0L, number(o, "fired_in_run"), "nothing fires while the program runs");
                assertEquals(1L, fired(o), engine.name() + ": the re-armed timer fired once, after the return");
                run(o, "timer");
                for (int i = 0; i < KERNEL_TIMER_SECOND.length; i++) {
                    assertEquals(KERNEL_TIMER_SECOND[i], result(o, i), engine.name() + " second run, results[" + i + "]");
                }
                assertEquals(1L, number(o, "fired_in_run"));
                assertEquals(2L, fired(o), engine.name());
            }
        }
    }

    @Test
    void cgroupStorageIsOneValuePerAttachment() {
        for (Engine engine : ENGINES) {
            try (LoadedObject o = Bpf.open(OBJECT).engine(engine).load("count")) {
                Program p = o.program("count");
                // cgroup_skb is not a program type of this runtime yet: the section loads as RAW
                for (int i = 0; i < 3; i++) {
                    assertEquals(1, p.run());
                }
                byte[] key = new byte[16];
                assertArrayEquals(u64(3), o.map("packets").raw().lookupValue(key), engine.name());
            }
        }
    }
}
