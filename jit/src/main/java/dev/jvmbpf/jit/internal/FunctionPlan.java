package dev.jvmbpf.jit.internal;

import java.util.Arrays;
import java.util.List;

/**
 * How one BPF function becomes JVM methods: a single method, or (when its bytecode would pass
 * HotSpot's 8000-byte compile limit) chunk methods over contiguous pc ranges. Control moves
 * between chunks by returning a code {@code chunk << 16 | entry} to a dispatch loop; each
 * chunk lists the pcs other chunks may enter it at.
 */
final class FunctionPlan {
    /** Chunk indices must leave the sign bit of the code free (-1 means exit). */
    static final int MAX_CHUNKS = 1 << 15;

    final int index;
    final int start;
    final int end;
    final boolean stackDirect;
    final boolean usesMayGoto;
    /** The promoted stack slots of a function emitted as one method, or null when its frame is the array. */
    final StackSlots slots;
    /** First pc of each chunk, ascending; null for a function emitted as one method. */
    final int[] chunkStarts;
    /** For each chunk, the pcs it can be entered at, ascending; entry 0 is the chunk start. */
    final int[][] entries;
    /**
     * The loops emitted with a signed copy ({@link CountedLoop}): in a chunked function, those
     * inside one chunk that has room for the copy.
     */
    final List<CountedLoop> loops;

    FunctionPlan(int index, int start, int end, boolean stackDirect, boolean usesMayGoto, StackSlots slots,
            int[] chunkStarts, int[][] entries) {
        this(index, start, end, stackDirect, usesMayGoto, slots, chunkStarts, entries, List.of());
    }

    private FunctionPlan(int index, int start, int end, boolean stackDirect, boolean usesMayGoto, StackSlots slots,
            int[] chunkStarts, int[][] entries, List<CountedLoop> loops) {
        this.index = index;
        this.start = start;
        this.end = end;
        this.stackDirect = stackDirect;
        this.usesMayGoto = usesMayGoto;
        this.slots = slots;
        this.chunkStarts = chunkStarts;
        this.entries = entries;
        this.loops = List.copyOf(loops);
    }

    /** This plan with {@code versioned} emitted with their signed copies. */
    FunctionPlan withLoops(List<CountedLoop> versioned) {
        return new FunctionPlan(index, start, end, stackDirect, usesMayGoto, slots, chunkStarts, entries, versioned);
    }

    /** The versioned loop whose head is {@code pc}, or null. */
    CountedLoop loopAt(int pc) {
        for (CountedLoop loop : loops) {
            if (loop.head() == pc) {
                return loop;
            }
        }
        return null;
    }

    boolean chunked() {
        return chunkStarts != null;
    }

    int chunkCount() {
        return chunkStarts.length;
    }

    int chunkStart(int chunk) {
        return chunkStarts[chunk];
    }

    int chunkEnd(int chunk) {
        return chunk + 1 < chunkStarts.length ? chunkStarts[chunk + 1] : end;
    }

    int chunkOf(int pc) {
        int i = Arrays.binarySearch(chunkStarts, pc);
        return i >= 0 ? i : -i - 2;
    }

    /** The dispatch code that enters the chunk holding {@code pc} at {@code pc}. */
    int entryCode(int pc) {
        int chunk = chunkOf(pc);
        int entry = Arrays.binarySearch(entries[chunk], pc);
        if (entry < 0) {
            throw new IllegalStateException("pc " + pc + " is no entry of chunk " + chunk);
        }
        return chunk << 16 | entry;
    }

    String methodName() {
        return "f" + index;
    }

    String chunkName(int chunk) {
        return "f" + index + "_c" + chunk;
    }
}
