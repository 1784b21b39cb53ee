package dev.jvmbpf.runtime.verifier;

import java.util.Arrays;

/**
 * A stack of pcs for walks of the control flow graph: a boxed deque allocated an {@code Integer}
 * per push beyond 127, which for a million-instruction program was tens of megabytes per walk.
 */
final class PcStack {
    private int[] pcs = new int[64];
    private int size;

    void push(int pc) {
        if (size == pcs.length) {
            pcs = Arrays.copyOf(pcs, size * 2);
        }
        pcs[size++] = pc;
    }

    int pop() {
        return pcs[--size];
    }

    boolean isEmpty() {
        return size == 0;
    }
}
