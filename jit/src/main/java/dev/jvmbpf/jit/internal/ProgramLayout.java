package dev.jvmbpf.jit.internal;

import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import java.util.Arrays;
import java.util.TreeSet;

/**
 * The shape of a program as the code generator needs it: where its functions start and end
 * (pc 0 and every target of a local call, as the kernel splits subprograms), which slots are
 * second halves of {@code lddw}, and which pcs start basic blocks.
 */
final class ProgramLayout {
    final Instruction[] code;
    final int[] functionStarts;
    /** True for the slot after an {@code lddw}, which is data, not an instruction. */
    final boolean[] wideTail;
    /** True where a basic block starts: function entries, jump targets, slots after jumps. */
    final boolean[] leader;
    /** Instructions in the basic block starting at a leader (an lddw counts once). */
    final int[] blockLength;

    ProgramLayout(Instruction[] code) {
        this.code = code;
        int n = code.length;
        wideTail = new boolean[n];
        for (int pc = 0; pc < n; pc++) {
            if (code[pc].isWide() && pc + 1 < n) {
                wideTail[pc + 1] = true;
                pc++;
            }
        }
        TreeSet<Integer> starts = new TreeSet<>();
        starts.add(0);
        for (int pc = 0; pc < n; pc++) {
            if (!wideTail[pc] && (isLocalCall(code[pc]) || isFunctionPointer(code[pc]))) {
                int target = pc + code[pc].imm() + 1;
                if (target > 0 && target < n && !wideTail[target]) {
                    starts.add(target);
                }
            }
        }
        functionStarts = starts.stream().mapToInt(Integer::intValue).toArray();
        leader = new boolean[n];
        for (int start : functionStarts) {
            leader[start] = true;
        }
        for (int pc = 0; pc < n; pc++) {
            if (wideTail[pc]) {
                continue;
            }
            Instruction insn = code[pc];
            int next = pc + (insn.isWide() ? 2 : 1);
            if (isBranch(insn)) {
                int target = jumpTarget(pc, insn);
                if (target >= 0 && target < n && !wideTail[target]) {
                    leader[target] = true;
                }
                if (next < n) {
                    leader[next] = true;
                }
            } else if (isExit(insn) && next < n) {
                leader[next] = true;
            }
        }
        blockLength = new int[n];
        for (int pc = n - 1, run = 0; pc >= 0; pc--) {
            if (!wideTail[pc]) {
                run++;
            }
            if (leader[pc]) {
                blockLength[pc] = run;
                run = 0;
            }
        }
    }

    int functionCount() {
        return functionStarts.length;
    }

    int functionStart(int f) {
        return functionStarts[f];
    }

    int functionEnd(int f) {
        return f + 1 < functionStarts.length ? functionStarts[f + 1] : code.length;
    }

    /** The function starting exactly at {@code pc}, or -1. */
    int functionAt(int pc) {
        int i = Arrays.binarySearch(functionStarts, pc);
        return i >= 0 ? i : -1;
    }

    static boolean isLocalCall(Instruction insn) {
        return insn.opcode() == Opcodes.CALL && insn.src() == Opcodes.CALL_LOCAL;
    }

    /** An lddw loading a function pointer (callbacks of bpf_loop and friends): its target is a function. */
    static boolean isFunctionPointer(Instruction insn) {
        return insn.opcode() == Opcodes.LDDW && insn.src() == Opcodes.PSEUDO_FUNC;
    }

    static boolean isExit(Instruction insn) {
        return insn.opcode() == Opcodes.EXIT;
    }

    /** Jumps with a target: ja, gotol, conditional jumps and may_goto (not call or exit). */
    static boolean isBranch(Instruction insn) {
        int cls = insn.instructionClass();
        if (cls != Opcodes.CLASS_JMP && cls != Opcodes.CLASS_JMP32) {
            return false;
        }
        int op = insn.opcode() & 0xf0;
        return op != Opcodes.JMP_CALL && op != Opcodes.JMP_EXIT;
    }

    static boolean isUnconditional(Instruction insn) {
        return insn.opcode() == Opcodes.JA || insn.opcode() == Opcodes.JA32;
    }

    /** The pc a branch goes to; {@code gotol} carries its displacement in imm. */
    static int jumpTarget(int pc, Instruction insn) {
        long displacement = insn.opcode() == Opcodes.JA32 ? insn.imm() : insn.offset();
        long target = pc + 1 + displacement;
        return target < Integer.MIN_VALUE || target > Integer.MAX_VALUE ? -1 : (int) target;
    }

    /** True when the function writes r10, so the frame pointer cannot be assumed constant. */
    boolean writesFramePointer(int start, int end) {
        for (int pc = start; pc < end; pc++) {
            if (!wideTail[pc] && (writtenRegisters(code[pc]) & 1 << 10) != 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * The registers an instruction may write, as a bit mask (bit r for register r). Calls and the
     * legacy packet loads count as writing r0 to r5, the registers a call leaves undefined.
     */
    static int writtenRegisters(Instruction insn) {
        int cls = insn.instructionClass();
        int mode = insn.opcode() & 0xe0;
        return switch (cls) {
            case Opcodes.CLASS_ALU, Opcodes.CLASS_ALU64, Opcodes.CLASS_LDX -> 1 << insn.dst();
            case Opcodes.CLASS_LD -> insn.isWide() ? 1 << insn.dst() : CALL_CLOBBERS;
            case Opcodes.CLASS_JMP -> (insn.opcode() & 0xf0) == Opcodes.JMP_CALL ? CALL_CLOBBERS : 0;
            case Opcodes.CLASS_STX -> {
                if (mode != Opcodes.MODE_ATOMIC) {
                    yield 0;
                }
                int op = insn.imm();
                yield op == Opcodes.ATOMIC_LOAD_ACQ ? 1 << insn.dst()
                        : op == Opcodes.ATOMIC_CMPXCHG ? 1
                        : (op & Opcodes.ATOMIC_FETCH) != 0 ? 1 << insn.src() : 0;
            }
            default -> 0;
        };
    }

    private static final int CALL_CLOBBERS = 0x3f;
}
