package dev.jvmbpf.helpers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.maps.BpfMap;
import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.maps.Maps;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.program.ProgramType;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The dynptr, timer, get_local_storage and d_path helpers called directly, on their error paths. */
class DynptrTimerPathHelpersTest {
    private static final int D_PATH = 147;
    private static final int TIMER_INIT = 169;
    private static final int TIMER_SET_CALLBACK = 170;
    private static final int TIMER_START = 171;
    private static final int TIMER_CANCEL = 172;
    private static final int DYNPTR_FROM_MEM = 197;
    private static final int DYNPTR_READ = 201;
    private static final int DYNPTR_WRITE = 202;
    private static final int DYNPTR_DATA = 203;

    @Test
    void dPathWritesTheModelsPathOrFailsAsTheKernelDoes() {
        Harness h = new Harness();
        long buf = h.mem(new byte[32]);
        assertEquals(-14, h.call(D_PATH, 0, buf, 32), "no path in the model: -EFAULT");
        assertEquals(0, h.call(D_PATH, 0, buf, 0), "a zero-sized buffer: 0");

        KernelModel model = new KernelModel().path("/usr/bin/true");
        Harness m = new Harness(ProgramType.RAW, StandardHelpers.table(model));
        byte[] out = new byte[32];
        long at = m.mem(out);
        assertEquals(14, m.call(D_PATH, 0, at, 32), "13 bytes and the NUL");
        assertArrayEquals("/usr/bin/true\0".getBytes(StandardCharsets.UTF_8), Arrays.copyOf(out, 14));
        assertEquals(-36, m.call(D_PATH, 0, m.mem(new byte[8]), 8), "-ENAMETOOLONG");
    }

    @Test
    void localDynptrErrors() {
        Harness h = new Harness();
        byte[] data = "0123456789".getBytes(StandardCharsets.US_ASCII);
        long mem = h.mem(data);
        byte[] dynptr = new byte[16];
        long d = h.mem(dynptr);
        assertEquals(-7, h.call(DYNPTR_FROM_MEM, mem, 1L << 24, 0, d), "past DYNPTR_MAX_SIZE: -E2BIG");
        assertArrayEquals(new byte[16], dynptr, "and the dynptr is null");
        assertEquals(0, h.call(DYNPTR_DATA, d, 0, 1), "a null dynptr has no data");
        assertEquals(-22, h.call(DYNPTR_READ, h.mem(new byte[4]), 4, d, 0, 0), "reading a null dynptr: -EINVAL");
        assertEquals(0, h.call(DYNPTR_FROM_MEM, mem, data.length, 0, d));
        assertEquals(mem + 8, h.call(DYNPTR_DATA, d, 8, 2));
        assertEquals(0, h.call(DYNPTR_DATA, d, 8, 3), "past the end: NULL");
        assertEquals(-7, h.call(DYNPTR_WRITE, d, 9, h.mem(new byte[2]), 2, 0));
        assertEquals(-22, h.call(DYNPTR_READ, h.mem(new byte[4]), 4, d, 0, 1), "flags: -EINVAL");
        assertThrows(BpfFault.class, () -> h.call(DYNPTR_READ, h.mem(new byte[2]), 4, d, 0, 0),
                "a destination smaller than len faults");
    }

    @Test
    void timerErrors() {
        BpfMap map = Maps.create(new MapSpec("timers", MapType.ARRAY, 4, 24, 1, 0));
        Harness h = new Harness(map);
        long timer = h.machine.memory().register(map.lookup(new byte[4]));
        long handle = Machine.mapHandle(0);
        assertEquals(-22, h.call(TIMER_SET_CALLBACK, timer, 0), "not initialised");
        assertEquals(-22, h.call(TIMER_START, timer, 0, 0), "not initialised");
        assertEquals(-22, h.call(TIMER_CANCEL, timer), "not initialised");
        assertEquals(-22, h.call(TIMER_INIT, timer, handle, 2), "CLOCK_PROCESS_CPUTIME_ID: -EINVAL");
        assertEquals(0, h.call(TIMER_INIT, timer, handle, 7), "CLOCK_BOOTTIME");
        assertEquals(-16, h.call(TIMER_INIT, timer, handle, 1), "once: -EBUSY");
        assertEquals(0, h.call(TIMER_CANCEL, timer), "not armed: 0");
        assertEquals(-22, h.call(TIMER_START, timer, 0, 0), "no callback yet");
    }

    @Test
    void localStorageOfAnotherMapFaults() {
        BpfMap array = Maps.create(new MapSpec("a", MapType.ARRAY, 4, 8, 1, 0));
        BpfMap storage = Maps.create(new MapSpec("st", MapType.CGROUP_STORAGE, 16, 8, 0, 0));
        Harness h = new Harness(array, storage);
        assertThrows(BpfFault.class, () -> h.call(81, Machine.mapHandle(0), 0));
        long value = h.call(81, Machine.mapHandle(1), 0);
        h.machine.memory().store64(value, 99);
        assertEquals(99, storage.lookup(new byte[16]).get(0, 8));
    }
}
