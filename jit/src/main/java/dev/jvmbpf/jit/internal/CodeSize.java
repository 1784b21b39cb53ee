package dev.jvmbpf.jit.internal;

import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Counts an upper bound of the bytecode bytes a sequence of visits produces. The code generator
 * measures each BPF instruction with it before deciding whether and where to split a function,
 * so the split follows from the real emitter and cannot drift from it.
 */
final class CodeSize extends MethodVisitor {
    private long bytes;

    CodeSize() {
        super(Opcodes.ASM9);
    }

    long bytes() {
        return bytes;
    }

    @Override
    public void visitInsn(int opcode) {
        bytes += 1;
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
        bytes += opcode == Opcodes.SIPUSH ? 3 : 2;
    }

    @Override
    public void visitVarInsn(int opcode, int varIndex) {
        bytes += varIndex > 255 ? 4 : 2;
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
        bytes += 3;
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
        bytes += 3;
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
        bytes += opcode == Opcodes.INVOKEINTERFACE ? 5 : 3;
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String descriptor, Handle bsm, Object... bsmArgs) {
        bytes += 5;
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
        bytes += 3;
    }

    @Override
    public void visitLdcInsn(Object value) {
        bytes += 3;
    }

    @Override
    public void visitIincInsn(int varIndex, int increment) {
        bytes += 6;
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
        bytes += 16 + 4L * labels.length;
    }

    @Override
    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
        bytes += 12 + 8L * keys.length;
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
        bytes += 4;
    }
}
