package dev.jvmbpf.jit.internal;

import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import dev.jvmbpf.runtime.memory.AddressSpace;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scalar replacement of one function's stack frame: when the frame can only be reached through
 * {@code r10 + constant} accesses that each hit one aligned slot of a single width, every slot
 * lives in a {@code long} local instead of the frame array. C2 then keeps the values in
 * registers, so dependency chains through the stack lose the store-to-load round trip. The
 * locals are read from the frame when the method starts and written back whenever it leaves
 * (return, fault, end of run), so the frame's bytes after a call are those the interpreter
 * leaves, at the cost of a few array accesses per call instead of one per access.
 *
 * <p>The frame stays unobservable only if no pointer into it exists, so the function must never
 * read r10 as a value (no copy, no comparison, no helper or callee argument, no store of it) and
 * must touch the stack with plain loads and stores only (atomics keep the array). The verifier
 * must have accepted the program: only then can no forged address reach the frame, and no slot be
 * read before it is written.
 */
final class StackSlots {
    private final Map<Integer, Integer> indexByOffset;
    private final int[] offsets;
    private final int[] widths;

    private StackSlots(TreeMap<Integer, Integer> widthByOffset) {
        this.indexByOffset = new TreeMap<>();
        this.offsets = new int[widthByOffset.size()];
        this.widths = new int[widthByOffset.size()];
        int i = 0;
        for (Map.Entry<Integer, Integer> slot : widthByOffset.entrySet()) {
            indexByOffset.put(slot.getKey(), i);
            offsets[i] = slot.getKey();
            widths[i++] = slot.getValue();
        }
    }

    /** The slots of the function {@code [start, end)}, or null when its frame must stay an array. */
    static StackSlots analyse(ProgramLayout layout, int start, int end, boolean verified) {
        if (!verified || layout.writesFramePointer(start, end)) {
            return null;
        }
        TreeMap<Integer, Integer> widthByOffset = new TreeMap<>();
        for (int pc = start; pc < end; pc++) {
            if (layout.wideTail[pc]) {
                continue;
            }
            Instruction insn = layout.code[pc];
            int cls = insn.instructionClass();
            int mode = insn.opcode() & 0xe0;
            int width = Opcodes.sizeBytes(insn.opcode());
            if (cls == Opcodes.CLASS_LDX && (mode == Opcodes.MODE_MEM || mode == Opcodes.MODE_MEMSX)) {
                if (insn.src() == 10 && !addSlot(widthByOffset, insn.offset(), width)) {
                    return null;
                }
            } else if ((cls == Opcodes.CLASS_ST || cls == Opcodes.CLASS_STX) && mode == Opcodes.MODE_MEM) {
                if (cls == Opcodes.CLASS_STX && insn.src() == 10) {
                    return null;
                }
                if (insn.dst() == 10 && !addSlot(widthByOffset, insn.offset(), width)) {
                    return null;
                }
            } else if (readsFramePointer(insn)) {
                return null;
            }
        }
        int previousEnd = Integer.MIN_VALUE;
        for (Map.Entry<Integer, Integer> slot : widthByOffset.entrySet()) {
            if (slot.getKey() < previousEnd) {
                return null;
            }
            previousEnd = slot.getKey() + slot.getValue();
        }
        return new StackSlots(widthByOffset);
    }

    /** Any use of r10 outside a plain load or store base, counted conservatively (call kinds never name r10). */
    private static boolean readsFramePointer(Instruction insn) {
        return insn.dst() == 10 || insn.src() == 10;
    }

    private static boolean addSlot(TreeMap<Integer, Integer> widthByOffset, int offset, int width) {
        if (offset < -AddressSpace.FRAME_SIZE || offset + width > 0 || offset % width != 0) {
            return false;
        }
        Integer known = widthByOffset.putIfAbsent(offset, width);
        return known == null || known == width;
    }

    int count() {
        return widths.length;
    }

    /** The offset from r10 of slot {@code i}. */
    int offset(int i) {
        return offsets[i];
    }

    /** The width in bytes of every access to slot {@code i}. */
    int width(int i) {
        return widths[i];
    }

    /** The slot index of the access at {@code offset} from r10 (it was seen by the analysis). */
    int slot(int offset) {
        return indexByOffset.get(offset);
    }
}
