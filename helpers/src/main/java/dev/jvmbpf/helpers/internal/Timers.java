package dev.jvmbpf.helpers.internal;

import dev.jvmbpf.runtime.exec.CallbackInvoker;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.maps.BpfMap;
import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.memory.AddressSpace;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.memory.FaultKind;
import dev.jvmbpf.runtime.memory.Region;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * bpf_timer_init, set_callback, start and cancel (169-172). As in the kernel, the 16-byte
 * {@code struct bpf_timer} in a map value holds a reference to the timer's state: here the
 * timer's id in its first 8 bytes, the state in a registry of this process.
 *
 * <p>The model of time: a started timer fires after the program that started it returns, in the
 * same run ({@link Machine#runDeferred}), timers in the order of their expiry, with
 * {@code callback(map, key, value)} one frame above an empty stack; a callback that starts its
 * timer again makes it fire again, up to {@link Machine#MAX_DEFERRED} firings per run. Nothing
 * fires between runs, and a run that faults fires nothing.
 */
public final class Timers {
    private static final long CLOCK_REALTIME = 0;
    private static final long CLOCK_MONOTONIC = 1;
    /** BPF_F_TIMER_ABS | BPF_F_TIMER_CPU_PIN. */
    private static final long START_FLAGS = 3;
    private static final long ABSOLUTE = 1;

    private static final AtomicLong NEXT_ID = new AtomicLong(1);
    private static final Map<Long, Timer> TIMERS = new ConcurrentHashMap<>();

    private Timers() {
    }

    /** One bpf_timer's state: which map value holds it, its callback, whether it is armed. */
    private static final class Timer {
        final BpfMap map;
        final long mapHandle;
        final Region value;
        long callback = -1;
        long generation;
        boolean armed;
        boolean running;

        Timer(BpfMap map, long mapHandle, Region value) {
            this.map = map;
            this.mapHandle = mapHandle;
            this.value = value;
        }
    }

    private static Timer timer(Machine m, long address, String helper) {
        Mem.require(m.memory(), address, 16, true, helper);
        return TIMERS.get(m.memory().load64(address));
    }

    /** bpf_timer_init(timer, map, flags): 0; -EINVAL for a clock other than realtime, monotonic, boottime; -EBUSY once initialised. */
    public static long init(Machine m, long address, long mapHandle, long flags, long r4, long r5) {
        BpfMap map = Maps.map(m, mapHandle, "timer_init");
        if (flags != CLOCK_REALTIME && flags != CLOCK_MONOTONIC && flags != Native.CLOCK_BOOTTIME) {
            return -Errno.EINVAL;
        }
        synchronized (TIMERS) {
            if (timer(m, address, "timer_init") != null) {
                return -Errno.EBUSY;
            }
            Region value = m.memory().regionOf(address);
            long id = NEXT_ID.getAndIncrement();
            TIMERS.put(id, new Timer(map, mapHandle, value));
            m.memory().store64(address, id);
        }
        return 0;
    }

    /** bpf_timer_set_callback(timer, callback): 0, or -EINVAL for a timer not initialised. */
    public static long setCallback(Machine m, long address, long callback, long r3, long r4, long r5) {
        Timer t = timer(m, address, "timer_set_callback");
        if (t == null) {
            return -Errno.EINVAL;
        }
        synchronized (t) {
            t.callback = callback;
        }
        return 0;
    }

    /** bpf_timer_start(timer, nsecs, flags): 0; -EINVAL for unknown flags or a timer without callback. */
    public static long start(Machine m, long address, long nsecs, long flags, long r4, long r5) {
        if ((flags & ~START_FLAGS) != 0) {
            return -Errno.EINVAL;
        }
        Timer t = timer(m, address, "timer_start");
        if (t == null || t.callback < 0) {
            return -Errno.EINVAL;
        }
        long when = (flags & ABSOLUTE) != 0 ? nsecs : Task.ktimeNs(m, 0, 0, 0, 0, 0) + nsecs;
        long generation;
        synchronized (t) {
            t.armed = true;
            generation = ++t.generation;
        }
        m.defer(new Machine.Deferred() {
            @Override
            public long when() {
                return when;
            }

            @Override
            public void run(Machine machine) {
                fire(machine, t, generation);
            }
        });
        return 0;
    }

    /**
     * bpf_timer_cancel(timer): 1 if it was armed, else 0; -EINVAL not initialised; -EDEADLK from
     * its own callback. As in Linux 6.18, it also forgets the callback: a later start needs
     * bpf_timer_set_callback first (-EINVAL otherwise).
     */
    public static long cancel(Machine m, long address, long r2, long r3, long r4, long r5) {
        Timer t = timer(m, address, "timer_cancel");
        if (t == null) {
            return -Errno.EINVAL;
        }
        synchronized (t) {
            if (t.running) {
                return -Errno.EDEADLK;
            }
            boolean was = t.armed;
            t.armed = false;
            t.callback = -1;
            t.generation++;
            return was ? 1 : 0;
        }
    }

    private static void fire(Machine m, Timer t, long generation) {
        long callback;
        synchronized (t) {
            if (!t.armed || t.generation != generation) {
                return; // cancelled or started again since
            }
            t.armed = false;
            t.running = true;
            callback = t.callback;
        }
        try {
            CallbackInvoker invoker = m.callbackInvoker();
            if (invoker == null) {
                throw BpfFault.of(FaultKind.HELPER, "timer callback: this engine does not support callbacks");
            }
            AddressSpace mem = m.memory();
            byte[] key = keyOf(t);
            long keyAddress = key == null ? 0 : mem.register(Region.of(t.map.spec().name() + " key", key, false));
            invoker.invoke(m, callback, t.mapHandle, keyAddress, mem.register(t.value), 0, 0);
        } finally {
            synchronized (t) {
                t.running = false;
            }
        }
    }

    /** The key of the element whose value holds the timer, or null once the element is gone. */
    private static byte[] keyOf(Timer t) {
        for (byte[] key : t.map.keys()) {
            Region r = t.map.lookup(key);
            if (r != null && r.data() == t.value.data() && r.base() == t.value.base()) {
                return key;
            }
        }
        return null;
    }
}
