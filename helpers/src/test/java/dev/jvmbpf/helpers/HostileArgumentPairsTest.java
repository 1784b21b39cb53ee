package dev.jvmbpf.helpers;

import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every standard helper against every pair of hostile values in every pair of argument positions,
 * around argument lists that otherwise look valid (a buffer and its size, a map and a key). Random
 * arguments rarely hit "valid pointer with a huge size" or "a map of the wrong type with a valid
 * key"; this walk hits each such pair. A helper must return or stop the run with a BpfFault that
 * is not an engine bug: no other exception, no huge allocation.
 */
class HostileArgumentPairsTest {
    @Test
    void everyPairOfHostileArgumentsEndsInAResultOrAFault() {
        Harness h = new Harness(
                Maps.create(new MapSpec("hash", MapType.HASH, 4, 8, 8, 0)),
                Maps.create(new MapSpec("array", MapType.ARRAY, 4, 16, 4, 0)),
                Maps.create(new MapSpec("rb", MapType.RINGBUF, 0, 0, 4096, 0)),
                Maps.create(new MapSpec("queue", MapType.QUEUE, 0, 8, 4, 0)),
                Maps.create(new MapSpec("progs", MapType.PROG_ARRAY, 4, 4, 2, 0)),
                Maps.create(new MapSpec("perf", MapType.PERF_EVENT_ARRAY, 4, 4, 0, 0)),
                Maps.create(new MapSpec("lpm", MapType.LPM_TRIE, 8, 8, 4, 1)));
        long buffer = h.mem(new byte[64]);
        long readOnly = h.readOnly(new byte[16]);
        long text = h.str("%d %s %pI4 %lx %c");
        long top = AddressSpace.frameTop(0);
        long[] hostile = {0, 1, 7, 64, 65, 4096, 0x7fffffffL, 0x80000000L, 0xffffffffL, 0x100000000L, -1, -8,
            Long.MIN_VALUE, Long.MAX_VALUE, buffer, buffer + 63, buffer + 64, buffer - 1, readOnly, text, top - 8,
            top - 512, top, Machine.mapHandle(0), Machine.mapHandle(1), Machine.mapHandle(2), Machine.mapHandle(3),
            Machine.mapHandle(4), Machine.mapHandle(5), Machine.mapHandle(6), Machine.mapHandle(7),
            Machine.mapHandle(-1)};
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
