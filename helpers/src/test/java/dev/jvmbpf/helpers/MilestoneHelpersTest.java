package dev.jvmbpf.helpers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.exec.HelperSpec;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MilestoneHelpersTest {
    @Test
    void pidTgidHasTheJvmPidAndAnOsThreadIdThatDiffersBetweenThreads() throws Exception {
        Harness h = new Harness();
        long v = h.call(StandardHelpers.GET_CURRENT_PID_TGID);
        assertEquals(ProcessHandle.current().pid(), v >>> 32);
        long mainTid = v & 0xffffffffL;
        assertTrue(mainTid > 0);
        assertEquals(v, h.call(StandardHelpers.GET_CURRENT_PID_TGID), "stable on one thread");
        AtomicLong other = new AtomicLong();
        Thread t = new Thread(() -> other.set(new Harness().call(StandardHelpers.GET_CURRENT_PID_TGID)));
        t.start();
        t.join();
        assertEquals(v >>> 32, other.get() >>> 32);
        assertNotEquals(mainTid, other.get() & 0xffffffffL);
        // The low half is a real OS thread id: the kernel lists it under /proc/self/task.
        assertTrue(java.nio.file.Files.isDirectory(java.nio.file.Path.of("/proc/self/task/" + mainTid)));
    }

    @Test
    void seedProgramPrintk() {
        Harness h = new Harness();
        long pid = h.call(StandardHelpers.GET_CURRENT_PID_TGID) >>> 32;
        long n = h.printk("execve called by PID: %d\n", pid);
        String expected = "execve called by PID: " + pid;
        assertEquals(expected, h.last());
        assertEquals(expected.length() + 1, n, "bytes written include the newline");
    }

    @Test
    void mapLookupUpdateDelete() {
        TestMap map = new TestMap(4, 8, 4);
        Harness h = new Harness(map);
        long handle = dev.jvmbpf.runtime.exec.Machine.mapHandle(0);
        long key = h.mem(new byte[] {7, 0, 0, 0});
        long value = h.mem(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertEquals(0, h.call(1, handle, key));
        assertEquals(0, h.call(2, handle, key, value, 0));
        long p = h.call(1, handle, key);
        assertNotEquals(0, p);
        assertEquals(0x0807060504030201L, h.machine.memory().load64(p));
        h.machine.memory().store64(p, 42);
        assertEquals(42, h.machine.memory().load64(h.call(1, handle, key)), "lookup returns the live value");
        assertEquals(-17, h.call(2, handle, key, value, 1), "BPF_NOEXIST on an existing key");
        assertEquals(0, h.call(3, handle, key));
        assertEquals(-2, h.call(3, handle, key));
        assertEquals(0, h.call(1, handle, key));
    }

    @Test
    void ktimeIsMonotonic() {
        Harness h = new Harness();
        long a = h.call(5);
        long b = h.call(5);
        assertTrue(b >= a);
        assertTrue(h.call(125) > 0);
        assertTrue(h.call(160) > 0);
        assertTrue(h.call(208) > 0);
    }

    @Test
    void tableNamesAndUserHelpers() {
        assertEquals("map_lookup_elem", StandardHelpers.table().get(1).name());
        assertEquals("ktime_get_tai_ns", StandardHelpers.table().get(208).name());
        assertNull(StandardHelpers.table().get(24), "get_route_realm is not implemented");
        assertEquals("d_path", StandardHelpers.table().get(147).name());
        assertEquals("helper 35 (get_current_task)", HelperNames.describe(35));
        assertEquals("unknown helper 999", HelperNames.describe(999));
        assertEquals(181, HelperNames.idOf("bpf_loop"));
        var table = StandardHelpers.table().with(new HelperSpec(1000, "answer", java.util.List.of(),
                (m, r1, r2, r3, r4, r5) -> 42));
        assertNotNull(table.get(1000));
        assertNotNull(table.get(14));
        var built = HelperTableBuilder.standard().remove(6).add(2000, "twice", (m, a, b, c, d, e) -> 2 * a).build();
        assertNull(built.get(6));
        assertEquals(10, built.get(2000).implementation().call(null, 5, 0, 0, 0, 0));
    }
}
