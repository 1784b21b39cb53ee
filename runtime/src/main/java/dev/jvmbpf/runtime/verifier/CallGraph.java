package dev.jvmbpf.runtime.verifier;

import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The static calls between subprograms: bpf-to-bpf calls and function pointers loaded for helper
 * callbacks (a callback runs one frame below the helper's caller, like a call).
 */
final class CallGraph {
    private record Call(int pc, int callee) {
    }

    private final int[] entries;
    private final List<List<Call>> calls = new ArrayList<>();
    private final Verifier.Errors errors;

    CallGraph(Instruction[] insns, int[] entries, Verifier.Errors errors) {
        this.entries = entries;
        this.errors = errors;
        for (int s = 0; s < entries.length; s++) {
            calls.add(new ArrayList<>());
        }
        for (int pc = 0; pc < insns.length; pc++) {
            Instruction insn = insns[pc];
            boolean local = insn.opcode() == Opcodes.CALL && insn.src() == Opcodes.CALL_LOCAL;
            boolean func = insn.isWide() && insn.src() == Opcodes.PSEUDO_FUNC;
            if (local || func) {
                int callee = Arrays.binarySearch(entries, pc + 1 + insn.imm());
                calls.get(indexOf(pc)).add(new Call(pc, callee));
            }
            if (insn.isWide()) {
                pc++;
            }
        }
    }

    private int indexOf(int pc) {
        int i = Arrays.binarySearch(entries, pc);
        return i >= 0 ? i : -i - 2;
    }

    /** Refuses recursion and call chains deeper than {@link Verifier#MAX_FRAMES}, naming the offending call. */
    void checkDepth() {
        int[] state = new int[entries.length]; // 0 unvisited, 1 on the current path, 2 done
        int[] deepest = new int[entries.length]; // frames used from this subprogram down, itself included
        visit(0, 1, Verifier.MAX_FRAMES, state, deepest);
    }

    private int visit(int s, int frame, int maxFrames, int[] state, int[] deepest) {
        if (state[s] == 2) {
            return deepest[s];
        }
        state[s] = 1;
        int depth = 1;
        for (Call c : calls.get(s)) {
            if (state[c.callee()] == 1) {
                // The kernel's walk of the static calls goes round the cycle until it is too deep.
                throw errors.at(c.pc(), Verifier.TOO_DEEP + " (recursive call to the function at pc "
                        + entries[c.callee()] + ")");
            }
            if (frame + 1 > maxFrames) {
                throw errors.at(c.pc(), Verifier.TOO_DEEP + " (a call chain needs more than " + maxFrames
                        + " frames)");
            }
            int below = visit(c.callee(), frame + 1, maxFrames, state, deepest);
            if (frame + below > maxFrames) {
                throw errors.at(c.pc(), Verifier.TOO_DEEP + " (a call chain needs more than " + maxFrames
                        + " frames)");
            }
            depth = Math.max(depth, 1 + below);
        }
        state[s] = 2;
        deepest[s] = depth;
        return depth;
    }
}
