package dev.jvmbpf.conformance.fuzz.internal;

import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/** Emits instructions with symbolic jump and call targets, resolved to pc-relative offsets at the end. */
public final class CodeBuilder {
    /** A position in the code, bound once. */
    public static final class Label {
        private int pc = -1;
    }

    private record Pending(Instruction insn, Label target) {
    }

    private final List<Pending> slots = new ArrayList<>();
    private final BitSet pinned = new BitSet();

    public Label label() {
        return new Label();
    }

    public void bind(Label label) {
        if (label.pc >= 0) {
            throw new IllegalStateException("label bound twice");
        }
        label.pc = slots.size();
    }

    public int size() {
        return slots.size();
    }

    public void emit(Instruction insn) {
        slots.add(new Pending(insn, null));
    }

    public void emit(int opcode, int dst, int src, int offset, int imm) {
        emit(Instruction.of(opcode, dst, src, offset, imm));
    }

    /** Emits an instruction that later tools must not remove (see {@link #pinned()}). */
    public void emitPinned(int opcode, int dst, int src, int offset, int imm) {
        pinned.set(slots.size());
        emit(opcode, dst, src, offset, imm);
    }

    /** One flag per slot of {@link #build()}: true for slots emitted with {@link #emitPinned}. */
    public boolean[] pinned() {
        boolean[] out = new boolean[slots.size()];
        for (int i = pinned.nextSetBit(0); i >= 0 && i < out.length; i = pinned.nextSetBit(i + 1)) {
            out[i] = true;
        }
        return out;
    }

    public void lddw(int dst, long value) {
        emit(Opcodes.LDDW, dst, 0, 0, (int) value);
        emit(0, 0, 0, 0, (int) (value >>> 32));
    }

    /** Pins the slots emitted from {@code fromSlot} on (see {@link #pinned()}). */
    public void pinFrom(int fromSlot) {
        pinned.set(fromSlot, slots.size());
    }

    /** A jump (JMP or JMP32 class, any op) to {@code target}; {@code ja32} keeps its offset in imm. */
    public void jump(int opcode, int dst, int src, int imm, Label target) {
        slots.add(new Pending(Instruction.of(opcode, dst, src, 0, imm), target));
    }

    public void call(Label function) {
        slots.add(new Pending(Instruction.of(Opcodes.CALL, 0, Opcodes.CALL_LOCAL, 0, 0), function));
    }

    public Instruction[] build() {
        Instruction[] out = new Instruction[slots.size()];
        for (int pc = 0; pc < out.length; pc++) {
            Pending p = slots.get(pc);
            Instruction i = p.insn;
            if (p.target != null) {
                if (p.target.pc < 0) {
                    throw new IllegalStateException("unbound label used at pc " + pc);
                }
                int rel = p.target.pc - (pc + 1);
                boolean inImm = i.opcode() == Opcodes.CALL || i.opcode() == Opcodes.JA32;
                if (!inImm && rel != (short) rel) {
                    throw new IllegalStateException("jump at pc " + pc + " too far: " + rel);
                }
                i = inImm ? Instruction.of(i.opcode(), i.dst(), i.src(), 0, rel)
                        : Instruction.of(i.opcode(), i.dst(), i.src(), rel, i.imm());
            }
            out[pc] = i;
        }
        return out;
    }
}
