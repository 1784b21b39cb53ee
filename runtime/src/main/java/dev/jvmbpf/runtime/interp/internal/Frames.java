package dev.jvmbpf.runtime.interp.internal;

import dev.jvmbpf.runtime.isa.Alu;
import dev.jvmbpf.runtime.memory.AddressSpace;
import dev.jvmbpf.runtime.memory.BpfFault;
import java.util.Arrays;

/**
 * The call stack of one run: return addresses, the callee-saved registers r6-r9 of each caller
 * and the {@code may_goto} counter of each active function. Created on the first bpf-to-bpf call
 * or {@code may_goto}, so straight-line programs never allocate it.
 */
final class Frames {
    private final int[] returnPc = new int[AddressSpace.MAX_FRAMES];
    private final long[] saved = new long[AddressSpace.MAX_FRAMES * 4];
    private final int[] loops = new int[AddressSpace.MAX_FRAMES];
    int depth;

    Frames(int depth) {
        this.depth = depth;
        Arrays.fill(loops, Alu.MAX_LOOPS);
    }

    /** Enters the function at {@code target}: a fresh, zeroed stack frame and a full loop counter. */
    int enter(int pc, int target, long[] r, AddressSpace memory) {
        if (depth + 1 >= AddressSpace.MAX_FRAMES) {
            throw BpfFault.callDepth();
        }
        returnPc[depth] = pc + 1;
        System.arraycopy(r, 6, saved, depth * 4, 4);
        depth++;
        r[10] = AddressSpace.frameTop(depth);
        memory.clearFrame(depth);
        loops[depth] = Alu.MAX_LOOPS;
        return target;
    }

    /** Returns to the caller: its r6-r9 and frame pointer come back, r0 carries the result. */
    int leave(long[] r) {
        depth--;
        System.arraycopy(saved, depth * 4, r, 6, 4);
        r[10] = AddressSpace.frameTop(depth);
        return returnPc[depth];
    }

    /** One {@code may_goto}: true when the current function's budget is spent and it must jump. */
    boolean mayGotoExhausted() {
        if (loops[depth] == 0) {
            return true;
        }
        loops[depth]--;
        return false;
    }
}
