package dev.jvmbpf.helpers.internal;

import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.memory.AddressSpace;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.memory.FaultKind;

/**
 * bpf_spin_lock (93) and bpf_spin_unlock (94) on the 4-byte {@code struct bpf_spin_lock} inside a
 * map value: a real lock between the threads that run programs on the same map. Programs never
 * read the lock word (the kernel's verifier forbids it), so it holds the owner's id, which lets
 * a second lock by the same thread fault instead of spinning forever.
 */
public final class Locks {
    private static final int CMPXCHG = 0xf1;
    private static final int XCHG = 0xe1;

    private Locks() {
    }

    private static long owner() {
        // Never 0 (the unlocked value): thread ids are positive.
        return Thread.currentThread().threadId() & 0x7fff_ffffL | 1L << 31;
    }

    public static long lock(Machine m, long lock, long r2, long r3, long r4, long r5) {
        AddressSpace mem = m.memory();
        long me = owner() & 0xffff_ffffL;
        while (true) {
            long old = mem.atomic(CMPXCHG, lock, 4, me, 0);
            if (old == 0) {
                return 0;
            }
            if (old == me) {
                throw BpfFault.memory(FaultKind.HELPER, lock, 4, "spin_lock: this thread already holds the lock");
            }
            Thread.onSpinWait();
        }
    }

    public static long unlock(Machine m, long lock, long r2, long r3, long r4, long r5) {
        long old = m.memory().atomic(XCHG, lock, 4, 0, 0);
        if (old != (owner() & 0xffff_ffffL)) {
            throw BpfFault.memory(FaultKind.HELPER, lock, 4, "spin_unlock: the lock is not held by this thread");
        }
        return 0;
    }
}
