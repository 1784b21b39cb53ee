package dev.jvmbpf.runtime.verifier;

import java.util.Arrays;
import java.util.BitSet;

/**
 * Per pc, a value the analysis finds on every path through that pc (the callback a bpf_loop call
 * gets, the frame an access lands in, the map a helper is given): the value when all paths agree,
 * {@code none} where they differ or no path came.
 */
final class SamePerPath {
    private final int[] values;
    private final BitSet seen = new BitSet();
    private final int none;

    SamePerPath(int length, int none) {
        this.values = new int[length];
        this.none = none;
    }

    void record(int pc, int value) {
        if (!seen.get(pc)) {
            seen.set(pc);
            values[pc] = value;
        } else if (values[pc] != value) {
            values[pc] = none;
        }
    }

    /** Forgets everything (a second pass starts over). */
    void clear() {
        seen.clear();
    }

    int[] result() {
        int[] out = new int[values.length];
        Arrays.fill(out, none);
        for (int pc = seen.nextSetBit(0); pc >= 0; pc = seen.nextSetBit(pc + 1)) {
            out[pc] = values[pc];
        }
        return out;
    }
}
