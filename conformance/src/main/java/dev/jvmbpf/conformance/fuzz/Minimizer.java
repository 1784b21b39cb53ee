package dev.jvmbpf.conformance.fuzz;

import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * Shrinks a failing program while it keeps failing: deletes instructions (jump offsets are
 * re-aimed so the control flow around the hole is kept), then sets immediates to 0 or 1, then
 * zeroes the input memory. Greedy, and bounded by a number of checks.
 */
public final class Minimizer {
    private final Predicate<FuzzProgram> failing;
    private int checksLeft;

    private Minimizer(Predicate<FuzzProgram> failing, int maxChecks) {
        this.failing = failing;
        this.checksLeft = maxChecks;
    }

    /** A smaller program for which {@code failing} still holds ({@code program} itself must fail). */
    public static FuzzProgram minimize(FuzzProgram program, Predicate<FuzzProgram> failing, int maxChecks) {
        return new Minimizer(failing, maxChecks).run(program);
    }

    private boolean check(FuzzProgram candidate) {
        if (checksLeft <= 0) {
            return false;
        }
        checksLeft--;
        return failing.test(candidate);
    }

    private FuzzProgram run(FuzzProgram p) {
        boolean progress = true;
        while (progress && checksLeft > 0) {
            progress = false;
            FuzzProgram dropped = dropLastFunction(p);
            if (dropped != p) {
                p = dropped;
                progress = true;
            }
            for (int chunk : new int[] {16, 4, 1}) {
                FuzzProgram q = deletePass(p, chunk);
                if (q != p) {
                    p = q;
                    progress = true;
                }
            }
            FuzzProgram q = simplifyImmediates(p);
            if (q != p) {
                p = q;
                progress = true;
            }
        }
        return simplifyMemory(p);
    }

    private FuzzProgram deletePass(FuzzProgram p, int chunk) {
        Instruction[] code = p.code();
        boolean[] pins = p.pinned();
        // From the end, so earlier deletions do not shift the units still to try.
        List<Integer> units = unitStarts(code);
        int u = units.size() - chunk;
        while (u >= 0 && checksLeft > 0) {
            int from = units.get(u);
            int to = u + chunk < units.size() ? units.get(u + chunk) : code.length;
            if (to - from < code.length && !anyPinned(pins, from, to)) {
                Instruction[] smaller = delete(code, from, to - from);
                boolean[] smallerPins = deletePins(pins, from, to - from);
                FuzzProgram candidate = new FuzzProgram(smaller, p.memory(), smallerPins);
                if (check(candidate)) {
                    p = candidate;
                    code = smaller;
                    pins = smallerPins;
                    units = unitStarts(code);
                }
            }
            u = Math.min(u - 1, units.size() - chunk);
        }
        return p;
    }

    /**
     * Deletes the last function when one call reaches it, the call becoming {@code r0 = 0}. The
     * deletions cannot do this: a function's stack set-up is pinned, and a function no call
     * reaches is refused by the kernel's verifier.
     */
    private FuzzProgram dropLastFunction(FuzzProgram p) {
        Instruction[] code = p.code();
        int last = -1;
        for (int pc = 0; pc < code.length; pc++) {
            if (isLocalCall(code[pc])) {
                last = Math.max(last, pc + 1 + code[pc].imm());
            }
        }
        if (last <= 0 || last >= code.length || checksLeft <= 0) {
            return p;
        }
        int callPc = -1;
        for (int pc = 0; pc < last; pc++) {
            if (isLocalCall(code[pc]) && pc + 1 + code[pc].imm() == last) {
                if (callPc >= 0) {
                    return p;
                }
                callPc = pc;
            }
        }
        Instruction[] smaller = Arrays.copyOf(code, last);
        smaller[callPc] = Instruction.of(Opcodes.CLASS_ALU64 | Opcodes.ALU_MOV | Opcodes.SRC_K, 0, 0, 0, 0);
        boolean[] pins = Arrays.copyOf(p.pinned(), last);
        FuzzProgram candidate = new FuzzProgram(smaller, p.memory(), pins);
        return check(candidate) ? candidate : p;
    }

    private static boolean isLocalCall(Instruction i) {
        return i.opcode() == Opcodes.CALL && i.src() == Opcodes.CALL_LOCAL;
    }

    private static boolean anyPinned(boolean[] pins, int from, int to) {
        for (int i = from; i < to; i++) {
            if (pins[i]) {
                return true;
            }
        }
        return false;
    }

    private static boolean[] deletePins(boolean[] pins, int at, int n) {
        boolean[] out = new boolean[pins.length - n];
        System.arraycopy(pins, 0, out, 0, at);
        System.arraycopy(pins, at + n, out, at, pins.length - at - n);
        return out;
    }

    /** The pcs where an instruction starts (a lddw's second slot is not one). */
    static List<Integer> unitStarts(Instruction[] code) {
        List<Integer> starts = new ArrayList<>();
        for (int pc = 0; pc < code.length; pc++) {
            starts.add(pc);
            if (code[pc].isWide()) {
                pc++;
            }
        }
        return starts;
    }

    /** Removes {@code n} slots at {@code at}; a jump into the hole lands on what follows it. */
    static Instruction[] delete(Instruction[] code, int at, int n) {
        Instruction[] out = new Instruction[code.length - n];
        for (int pc = 0, o = 0; pc < code.length; pc++) {
            if (pc >= at && pc < at + n) {
                continue;
            }
            Instruction i = code[pc];
            if (isRelative(i)) {
                boolean inImm = usesImm(i);
                int rel = inImm ? i.imm() : i.offset();
                int target = pc + 1 + rel;
                int newRel = remap(target, at, n) - (remap(pc, at, n) + 1);
                if (inImm) {
                    i = Instruction.of(i.opcode(), i.dst(), i.src(), i.offset(), newRel);
                } else if (newRel == (short) newRel) {
                    i = Instruction.of(i.opcode(), i.dst(), i.src(), newRel, i.imm());
                }
            }
            out[o++] = i;
        }
        return out;
    }

    private static int remap(int pc, int at, int n) {
        return pc < at ? pc : pc >= at + n ? pc - n : at;
    }

    private static boolean isRelative(Instruction i) {
        int cls = i.instructionClass();
        if (cls != Opcodes.CLASS_JMP && cls != Opcodes.CLASS_JMP32) {
            return false;
        }
        int op = Opcodes.aluOp(i.opcode());
        if (op == Opcodes.JMP_EXIT) {
            return false;
        }
        if (op == Opcodes.JMP_CALL) {
            return i.opcode() == Opcodes.CALL && i.src() == Opcodes.CALL_LOCAL;
        }
        return true;
    }

    private static boolean usesImm(Instruction i) {
        return i.opcode() == Opcodes.CALL || i.opcode() == Opcodes.JA32;
    }

    private FuzzProgram simplifyImmediates(FuzzProgram p) {
        Instruction[] code = p.code();
        FuzzProgram result = p;
        for (int pc = 0; pc < code.length && checksLeft > 0; pc++) {
            Instruction i = code[pc];
            if (!hasPlainImmediate(i, pc > 0 && code[pc - 1].isWide())) {
                continue;
            }
            for (int value : new int[] {0, 1}) {
                if (i.imm() == value) {
                    break;
                }
                Instruction[] c = code.clone();
                c[pc] = Instruction.of(i.opcode(), i.dst(), i.src(), i.offset(), value);
                FuzzProgram candidate = new FuzzProgram(c, p.memory(), p.pinned());
                if (check(candidate)) {
                    code = c;
                    result = candidate;
                    break;
                }
            }
        }
        return result;
    }

    /** An immediate that is a data value (not a jump offset, call target, width or atomic op). */
    private static boolean hasPlainImmediate(Instruction i, boolean secondSlot) {
        if (secondSlot) {
            return true;
        }
        int cls = i.instructionClass();
        int op = Opcodes.aluOp(i.opcode());
        return switch (cls) {
            case Opcodes.CLASS_ALU, Opcodes.CLASS_ALU64 -> Opcodes.source(i.opcode()) == Opcodes.SRC_K
                    && op != Opcodes.ALU_END && op != Opcodes.ALU_NEG;
            case Opcodes.CLASS_JMP, Opcodes.CLASS_JMP32 -> Opcodes.source(i.opcode()) == Opcodes.SRC_K
                    && op != Opcodes.JMP_CALL && op != Opcodes.JMP_EXIT && op != Opcodes.JMP_JA;
            case Opcodes.CLASS_ST -> true;
            case Opcodes.CLASS_LD -> i.isWide();
            default -> false;
        };
    }

    /** Drops memory from the end, in halving steps, while the failure needs none of it. */
    private FuzzProgram shortenMemory(FuzzProgram p) {
        int step = p.memory().length / 2;
        while (step > 0 && checksLeft > 0) {
            byte[] memory = p.memory();
            FuzzProgram candidate = p.withMemory(Arrays.copyOf(memory, memory.length - step));
            if (memory.length - step > 0 && check(candidate)) {
                p = candidate;
            } else {
                step /= 2;
            }
        }
        return p;
    }

    private FuzzProgram simplifyMemory(FuzzProgram p) {
        p = shortenMemory(p);
        byte[] memory = p.memory();
        byte[] zero = new byte[memory.length];
        if (Arrays.equals(memory, zero)) {
            return p;
        }
        FuzzProgram allZero = p.withMemory(zero);
        if (check(allZero)) {
            return allZero;
        }
        for (int at = 0; at < memory.length && checksLeft > 0; at += 8) {
            byte[] m = memory.clone();
            Arrays.fill(m, at, Math.min(m.length, at + 8), (byte) 0);
            if (Arrays.equals(m, memory)) {
                continue;
            }
            FuzzProgram candidate = p.withMemory(m);
            if (check(candidate)) {
                memory = m;
                p = candidate;
            }
        }
        return p;
    }
}
