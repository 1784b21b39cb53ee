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
import dev.jvmbpf.runtime.memory.FaultKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Unverified code can pass anything to a helper. Every standard helper must then either return
 * or stop the run with a BpfFault that is not an engine bug: no other exception, no huge
 * allocation. Random arguments find the unexpected; the pairwise walk makes sure of the
 * combinations random draws rarely hit (a valid pointer with a huge size, a map of the wrong kind
 * with a valid key).
 */
class HostileArgumentsTest {
    /** One map of each kind a helper distinguishes, so that a handle can name the wrong kind. */
    private static Harness harness() {
        return new Harness(
                Maps.create(new MapSpec("hash", MapType.HASH, 4, 8, 8, 0)),
                Maps.create(new MapSpec("rb", MapType.RINGBUF, 0, 0, 4096, 0)),
                Maps.create(new MapSpec("queue", MapType.QUEUE, 0, 8, 4, 0)),
                Maps.create(new MapSpec("progs", MapType.PROG_ARRAY, 4, 4, 2, 0)),
                Maps.create(new MapSpec("perf", MapType.PERF_EVENT_ARRAY, 4, 4, 0, 0)),
                Maps.create(new MapSpec("array", MapType.ARRAY, 4, 16, 4, 0)),
                Maps.create(new MapSpec("lpm", MapType.LPM_TRIE, 8, 8, 4, 1)));
    }

    /**
     * Sizes around the 32-bit boundaries, pointers at the edges of writable, read-only and stack
     * memory, and handles of every map, of none and of a map that does not exist.
     */
    private record Hostile(long buffer, long text, long[] values) {
    }

    private static Hostile hostileValues(Harness h) {
        long buffer = h.mem(new byte[64]);
        long readOnly = h.readOnly(new byte[16]);
        long text = h.str("%d %s %pI4 %lx %c");
        long top = AddressSpace.frameTop(0);
        return new Hostile(buffer, text, new long[] {0, 1, 7, 8, 16, 64, 65, 4096, 0x7fffffffL, 0x80000000L, 0xffffffffL, 0x100000000L, -1, -8,
            Long.MIN_VALUE, Long.MAX_VALUE, buffer, buffer + 60, buffer + 63, buffer + 64, buffer - 1, readOnly, text,
            top - 8, top - 512, top, Machine.mapHandle(0), Machine.mapHandle(1), Machine.mapHandle(2),
            Machine.mapHandle(3), Machine.mapHandle(4), Machine.mapHandle(5), Machine.mapHandle(6),
            Machine.mapHandle(9), Machine.mapHandle(-1), 0x1234_0000_0000L});
    }

    @Test
    void everyHelperSurvivesArbitraryArguments() {
        Harness h = harness();
        long[] interesting = hostileValues(h).values();
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
                    fail(HelperNames.describe(spec.id()) + " with " + Arrays.toString(a) + " threw " + e, e);
                }
                calls++;
            }
        }
        assertTrue(calls >= 38 * 400, "every helper was called: " + calls);
    }

    @Test
    void everyPairOfHostileArgumentsEndsInAResultOrAFault() {
        Harness h = harness();
        Hostile fixture = hostileValues(h);
        long[] hostile = fixture.values();
        long buffer = fixture.buffer();
        long text = fixture.text();
        long[][] bases = {
            {buffer, 8, buffer + 16, 8, 0},
            {Machine.mapHandle(0), buffer, buffer + 8, 0, 0},
            {buffer, 64, text, 4, 0},
            {text, 6, buffer, buffer + 8, buffer + 16},
        };
        List<String> escaped = new ArrayList<>();
        long calls = 0;
        for (HelperSpec spec : StandardHelpers.table().all()) {
            for (long[] base : bases) {
                for (int i = 0; i < 5; i++) {
                    for (int j = i; j < 5; j++) {
                        for (long x : hostile) {
                            for (long y : i == j ? new long[] {0} : hostile) {
                                long[] a = base.clone();
                                a[i] = x;
                                if (i != j) {
                                    a[j] = y;
                                }
                                String problem = call(h, spec, a);
                                calls++;
                                if (problem != null && escaped.size() < 20) {
                                    escaped.add(problem);
                                }
                            }
                        }
                    }
                }
            }
        }
        assertTrue(escaped.isEmpty(), escaped.size() + " escapes, first ones:\n" + String.join("\n", escaped));
        assertTrue(calls > 1_000_000, "the walk covered " + calls + " calls");
    }

    private static String call(Harness h, HelperSpec spec, long[] a) {
        try {
            spec.implementation().call(h.machine, a[0], a[1], a[2], a[3], a[4]);
            return null;
        } catch (BpfFault f) {
            return f.kind() == FaultKind.INTERNAL ? describe(spec, a) + " reported an engine bug: " + f.getMessage()
                    : null;
        } catch (TailCall t) {
            return null;
        } catch (RuntimeException | Error e) {
            return describe(spec, a) + " threw " + e;
        }
    }

    private static String describe(HelperSpec spec, long[] a) {
        StringBuilder args = new StringBuilder();
        for (long v : a) {
            args.append(args.isEmpty() ? "" : ", ").append("0x").append(Long.toHexString(v));
        }
        return HelperNames.describe(spec.id()) + "(" + args + ")";
    }
}
