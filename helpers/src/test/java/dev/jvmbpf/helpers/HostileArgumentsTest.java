package dev.jvmbpf.helpers;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jvmbpf.runtime.exec.HelperSpec;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.exec.TailCall;
import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.maps.Maps;
import dev.jvmbpf.runtime.memory.AddressSpace;
import dev.jvmbpf.runtime.memory.BpfFault;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Unverified code can pass anything to a helper. Every standard helper must then either return
 * or stop the run with a BpfFault: no other exception, no huge allocation.
 */
class HostileArgumentsTest {
    @Test
    void everyHelperSurvivesArbitraryArguments() {
        Harness h = new Harness(
                Maps.create(new MapSpec("hash", MapType.HASH, 4, 8, 8, 0)),
                Maps.create(new MapSpec("rb", MapType.RINGBUF, 0, 0, 4096, 0)),
                Maps.create(new MapSpec("queue", MapType.QUEUE, 0, 8, 4, 0)),
                Maps.create(new MapSpec("progs", MapType.PROG_ARRAY, 4, 4, 2, 0)),
                Maps.create(new MapSpec("perf", MapType.PERF_EVENT_ARRAY, 4, 4, 0, 0)));
        long buffer = h.mem(new byte[64]);
        long text = h.str("%d %s %pI4 %lx");
        long top = AddressSpace.frameTop(0);
        long[] interesting = {0, 1, 8, 16, 64, 0x7fffffffL, 0x80000000L, 0xffffffffL, -1, Long.MIN_VALUE,
                buffer, buffer + 60, buffer + 64, text, top - 8, top - 512, top, Machine.mapHandle(0),
                Machine.mapHandle(1), Machine.mapHandle(2), Machine.mapHandle(3), Machine.mapHandle(4),
                Machine.mapHandle(9), 0x1234_0000_0000L};
        Random random = new Random(20261125);
        int calls = 0;
        for (HelperSpec spec : StandardHelpers.table().all()) {
            for (int round = 0; round < 400; round++) {
                long[] a = new long[5];
                for (int i = 0; i < 5; i++) {
                    a[i] = random.nextInt(4) == 0 ? random.nextLong() : interesting[random.nextInt(interesting.length)];
                }
                try {
                    spec.implementation().call(h.machine, a[0], a[1], a[2], a[3], a[4]);
                } catch (BpfFault | TailCall expected) {
                    // a fault stops the run; a tail call is the engine's business
                } catch (RuntimeException | Error e) {
                    fail(HelperNames.describe(spec.id()) + " with " + java.util.Arrays.toString(a) + " threw " + e, e);
                }
                calls++;
            }
        }
        assertTrue(calls >= 38 * 400, "every helper was called: " + calls);
    }
}
