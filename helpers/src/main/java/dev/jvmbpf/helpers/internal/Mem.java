package dev.jvmbpf.helpers.internal;

import dev.jvmbpf.runtime.memory.AddressSpace;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.memory.FaultKind;

/**
 * Program memory access for helpers whose sizes come from the program: the range is checked
 * before anything is allocated, so a huge or negative size faults instead of exhausting the heap.
 */
final class Mem {
    private Mem() {
    }

    /** {@code size} as an unsigned 32-bit count, as the kernel's {@code u32 size} arguments are. */
    static long u32(long size) {
        return size & 0xffff_ffffL;
    }

    static byte[] read(AddressSpace mem, long address, long length, String helper) {
        require(mem, address, length, false, helper);
        return mem.read(address, (int) length);
    }

    static void require(AddressSpace mem, long address, long length, boolean write, String helper) {
        if (length == 0) {
            return;
        }
        if (length < 0 || length > Integer.MAX_VALUE || !mem.isAccessible(address, length, write)) {
            throw BpfFault.memory(FaultKind.OUT_OF_BOUNDS, address, (int) Math.min(length, Integer.MAX_VALUE),
                    helper + ": " + length + " bytes are not " + (write ? "writable" : "readable") + " there");
        }
    }
}
