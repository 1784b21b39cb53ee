package dev.jvmbpf.jit.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Writes the stack map frames of a chunk method as it is emitted, in one pass, instead of ASM's
 * analysis of the finished method (which for a million-instruction program was most of the time
 * spent generating its class). It can, because a chunk declares every local with one type and
 * stores a default into each before its first branch ({@link MethodEmitter#chunkLocals}): the
 * locals of every frame are the declared ones, and only the operand stack needs following, which
 * this visitor does instruction by instruction.
 *
 * <p>Where the pass cannot know a frame (a backward jump to a label it placed without one, stacks
 * that disagree, an instruction it does not model) it throws {@link Unsupported} and the class is
 * generated again with ASM's frames; tests run with that fallback off.
 */
final class ChunkFrames extends MethodVisitor {
    /**
     * What the pass knows of a label, kept in its {@link Label#info} (a field ASM leaves to its
     * users) rather than in maps, which cost more than the rest of the pass.
     */
    private static final class At {
        /** The stack that jumps or handlers bring to the label while it is not placed yet. */
        Object[] pending;
        /** The stack of the label's frame once placed with one; a backward jump must match it. */
        Object[] framed;
        boolean placed;
        /** A backward jump will target it (announced before it is placed). */
        boolean expected;
    }

    private static At at(Label label) {
        if (label.info instanceof At a) {
            return a;
        }
        if (label.info != null) {
            throw new Unsupported("a label with someone else's info");
        }
        At a = new At();
        label.info = a;
        return a;
    }

    /** This pass cannot write the method's frames; ASM's analysis must. */
    static final class Unsupported extends RuntimeException {
        Unsupported(String message) {
            super(message);
        }
    }

    private static final Object[] EMPTY = new Object[0];

    private Object[] locals;
    private int maxLocals;
    /** The declared type of each local slot (null for the second slot of a long). */
    private Object[] bySlot;
    private final List<Object> stack = new ArrayList<>();
    private int stackSlots;
    private int maxStack;
    /** False after an unconditional transfer, until a label with a known frame. */
    private boolean reachable = true;
    /** Labels not yet placed that jumps or handlers go to. */
    private int pendingLabels;
    private boolean anyFrame;
    /** An instruction was written since the last frame (two frames cannot share an offset). */
    private boolean codeSinceFrame = true;
    private Object[] lastFrameStack;
    /** A label placed after a transfer with nothing jumping to it yet (see {@link #visitLabel}). */
    private Label deadLabel;

    ChunkFrames(MethodVisitor next) {
        super(Opcodes.ASM9, next);
    }

    /**
     * Declares the method's locals, before its code.
     *
     * @param locals the declared locals in ASM's frame format (a long or double is one entry)
     * @param maxLocals the local slots they take
     */
    void declare(Object[] locals, int maxLocals) {
        this.locals = locals;
        this.maxLocals = maxLocals;
        this.bySlot = new Object[maxLocals];
        int slot = 0;
        for (Object t : locals) {
            bySlot[slot] = t;
            slot += size(t);
        }
    }

    /** Announces that a jump from further on goes back to {@code label}, whose stack is then empty. */
    void expectBackwardJump(Label label) {
        at(label).expected = true;
    }

    // ---------------------------------------------------------------------------------------
    // Labels, jumps and frames

    @Override
    public void visitLabel(Label label) {
        super.visitLabel(label);
        At state = at(label);
        state.placed = true;
        deadLabel = null;
        Object[] incoming = state.pending;
        if (incoming != null) {
            state.pending = null;
            pendingLabels--;
        }
        Object[] current = reachable ? (stack.isEmpty() ? EMPTY : stack.toArray()) : null;
        Object[] at;
        if (incoming != null && current != null) {
            at = merge(incoming, current);
        } else if (incoming != null) {
            at = incoming;
        } else if (current != null) {
            if (!state.expected) {
                // Fall-through only (so far): no frame needed unless a jump back comes, which
                // then finds the label without one and gives up.
                return;
            }
            at = current;
        } else {
            // After a transfer and nothing jumped here yet: only a backward jump can come, and
            // those are announced. Otherwise what follows is dead code (BPF allows it), or nothing
            // (the method's end): check() gives the code a frame with an empty stack, where any
            // stack type-checks a block nothing reaches.
            if (!state.expected) {
                deadLabel = label;
                return;
            }
            at = EMPTY;
        }
        setStack(at);
        reachable = true;
        writeFrame(label, at);
    }

    private void writeFrame(Label label, Object[] at) {
        at(label).framed = at;
        if (!codeSinceFrame) {
            if (!Arrays.equals(at, lastFrameStack)) {
                throw new Unsupported("two frames at one offset");
            }
            return;
        }
        if (!anyFrame) {
            super.visitFrame(Opcodes.F_FULL, locals.length, locals, at.length, at);
            anyFrame = true;
        } else if (at.length == 0) {
            super.visitFrame(Opcodes.F_SAME, 0, null, 0, null);
        } else if (at.length == 1) {
            super.visitFrame(Opcodes.F_SAME1, 0, null, 1, at);
        } else {
            super.visitFrame(Opcodes.F_FULL, locals.length, locals, at.length, at);
        }
        codeSinceFrame = false;
        lastFrameStack = at;
    }

    private static Object[] merge(Object[] a, Object[] b) {
        if (a.length != b.length) {
            throw new Unsupported("stacks of different depths meet");
        }
        Object[] out = a.clone();
        for (int i = 0; i < a.length; i++) {
            if (a[i].equals(b[i])) {
                continue;
            }
            if (a[i] == Opcodes.NULL && b[i] instanceof String) {
                out[i] = b[i];
            } else if (!(b[i] == Opcodes.NULL && a[i] instanceof String)) {
                throw new Unsupported("stacks of different types meet: " + a[i] + ", " + b[i]);
            }
        }
        return out;
    }

    private void jumpTo(Label label) {
        Object[] at = stack.isEmpty() ? EMPTY : stack.toArray();
        At state = at(label);
        if (state.framed != null) {
            if (!Arrays.equals(state.framed, at)) {
                throw new Unsupported("a backward jump with another stack");
            }
            return;
        }
        if (state.placed) {
            throw new Unsupported("a backward jump to a label without a frame");
        }
        if (state.pending == null) {
            state.pending = at;
            pendingLabels++;
        } else {
            state.pending = merge(state.pending, at);
        }
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
        check();
        switch (opcode) {
            case Opcodes.IFEQ, Opcodes.IFNE, Opcodes.IFLT, Opcodes.IFGE, Opcodes.IFGT, Opcodes.IFLE,
                    Opcodes.IFNULL, Opcodes.IFNONNULL -> pop(1);
            case Opcodes.IF_ICMPEQ, Opcodes.IF_ICMPNE, Opcodes.IF_ICMPLT, Opcodes.IF_ICMPGE, Opcodes.IF_ICMPGT,
                    Opcodes.IF_ICMPLE, Opcodes.IF_ACMPEQ, Opcodes.IF_ACMPNE -> pop(2);
            case Opcodes.GOTO -> {
            }
            default -> throw new Unsupported("jump opcode " + opcode);
        }
        jumpTo(label);
        super.visitJumpInsn(opcode, label);
        if (opcode == Opcodes.GOTO) {
            unreachable();
        }
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
        check();
        pop(1);
        jumpTo(dflt);
        for (Label l : labels) {
            jumpTo(l);
        }
        super.visitTableSwitchInsn(min, max, dflt, labels);
        unreachable();
    }

    @Override
    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
        check();
        pop(1);
        jumpTo(dflt);
        for (Label l : labels) {
            jumpTo(l);
        }
        super.visitLookupSwitchInsn(dflt, keys, labels);
        unreachable();
    }

    @Override
    public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
        At state = at(handler);
        if (state.placed) {
            throw new Unsupported("a handler placed before its range was declared");
        }
        Object[] at = {type == null ? "java/lang/Throwable" : type};
        if (state.pending == null) {
            state.pending = at;
            pendingLabels++;
        } else {
            state.pending = merge(state.pending, at);
        }
        super.visitTryCatchBlock(start, end, handler, type);
    }

    @Override
    public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
        throw new Unsupported("frames are this visitor's to write");
    }

    @Override
    public void visitMaxs(int ignoredStack, int ignoredLocals) {
        if (pendingLabels != 0) {
            throw new Unsupported("a jump to a label never placed");
        }
        super.visitMaxs(maxStack, maxLocals);
    }

    private void unreachable() {
        reachable = false;
        stack.clear();
        stackSlots = 0;
    }

    // ---------------------------------------------------------------------------------------
    // The operand stack

    private void setStack(Object[] at) {
        stack.clear();
        stackSlots = 0;
        for (Object t : at) {
            push(t);
        }
    }

    private void push(Object type) {
        stack.add(type);
        stackSlots += size(type);
        maxStack = Math.max(maxStack, stackSlots);
    }

    private Object pop() {
        if (stack.isEmpty()) {
            throw new Unsupported("pop from an empty stack");
        }
        Object t = stack.remove(stack.size() - 1);
        stackSlots -= size(t);
        return t;
    }

    private void pop(int n) {
        for (int i = 0; i < n; i++) {
            pop();
        }
    }

    private Object peek(int depth) {
        return stack.get(stack.size() - 1 - depth);
    }

    private static int size(Object type) {
        return type == Opcodes.LONG || type == Opcodes.DOUBLE ? 2 : 1;
    }

    private void check() {
        if (!reachable) {
            if (deadLabel == null) {
                throw new Unsupported("code after a transfer without a label");
            }
            setStack(EMPTY);
            reachable = true;
            writeFrame(deadLabel, EMPTY);
            deadLabel = null;
        }
        codeSinceFrame = true;
    }

    private static Object ofDescriptor(Type t) {
        return switch (t.getSort()) {
            case Type.BOOLEAN, Type.BYTE, Type.CHAR, Type.SHORT, Type.INT -> Opcodes.INTEGER;
            case Type.LONG -> Opcodes.LONG;
            case Type.FLOAT -> Opcodes.FLOAT;
            case Type.DOUBLE -> Opcodes.DOUBLE;
            case Type.ARRAY, Type.OBJECT -> t.getInternalName();
            default -> throw new Unsupported("type " + t);
        };
    }

    @Override
    public void visitInsn(int opcode) {
        check();
        switch (opcode) {
            case Opcodes.NOP -> {
            }
            case Opcodes.ACONST_NULL -> push(Opcodes.NULL);
            case Opcodes.ICONST_M1, Opcodes.ICONST_0, Opcodes.ICONST_1, Opcodes.ICONST_2, Opcodes.ICONST_3,
                    Opcodes.ICONST_4, Opcodes.ICONST_5 -> push(Opcodes.INTEGER);
            case Opcodes.LCONST_0, Opcodes.LCONST_1 -> push(Opcodes.LONG);
            case Opcodes.FCONST_0, Opcodes.FCONST_1, Opcodes.FCONST_2 -> push(Opcodes.FLOAT);
            case Opcodes.DCONST_0, Opcodes.DCONST_1 -> push(Opcodes.DOUBLE);
            case Opcodes.IALOAD, Opcodes.BALOAD, Opcodes.CALOAD, Opcodes.SALOAD -> arrayLoad(Opcodes.INTEGER);
            case Opcodes.LALOAD -> arrayLoad(Opcodes.LONG);
            case Opcodes.FALOAD -> arrayLoad(Opcodes.FLOAT);
            case Opcodes.DALOAD -> arrayLoad(Opcodes.DOUBLE);
            case Opcodes.AALOAD -> {
                pop();
                Object array = pop();
                if (!(array instanceof String name) || !name.startsWith("[")) {
                    throw new Unsupported("aaload from " + array);
                }
                push(ofDescriptor(Type.getType(name.substring(1))));
            }
            case Opcodes.IASTORE, Opcodes.LASTORE, Opcodes.FASTORE, Opcodes.DASTORE, Opcodes.AASTORE,
                    Opcodes.BASTORE, Opcodes.CASTORE, Opcodes.SASTORE -> pop(3);
            case Opcodes.POP -> pop();
            case Opcodes.POP2 -> {
                if (size(pop()) == 1) {
                    pop();
                }
            }
            case Opcodes.DUP -> push(peek(0));
            case Opcodes.DUP_X1 -> {
                Object a = pop();
                Object b = pop();
                push(a);
                push(b);
                push(a);
            }
            case Opcodes.DUP2 -> {
                Object a = peek(0);
                if (size(a) == 2) {
                    push(a);
                } else {
                    Object b = peek(1);
                    push(b);
                    push(a);
                }
            }
            case Opcodes.SWAP -> {
                Object a = pop();
                Object b = pop();
                push(a);
                push(b);
            }
            case Opcodes.IADD, Opcodes.ISUB, Opcodes.IMUL, Opcodes.IDIV, Opcodes.IREM, Opcodes.ISHL, Opcodes.ISHR,
                    Opcodes.IUSHR, Opcodes.IAND, Opcodes.IOR, Opcodes.IXOR, Opcodes.LCMP, Opcodes.FCMPL,
                    Opcodes.FCMPG, Opcodes.DCMPL, Opcodes.DCMPG -> {
                pop(2);
                push(Opcodes.INTEGER);
            }
            case Opcodes.LADD, Opcodes.LSUB, Opcodes.LMUL, Opcodes.LDIV, Opcodes.LREM, Opcodes.LSHL, Opcodes.LSHR,
                    Opcodes.LUSHR, Opcodes.LAND, Opcodes.LOR, Opcodes.LXOR -> {
                pop(2);
                push(Opcodes.LONG);
            }
            case Opcodes.INEG, Opcodes.LNEG, Opcodes.FNEG, Opcodes.DNEG -> push(pop());
            case Opcodes.I2L, Opcodes.F2L, Opcodes.D2L -> convert(Opcodes.LONG);
            case Opcodes.L2I, Opcodes.F2I, Opcodes.D2I, Opcodes.I2B, Opcodes.I2C, Opcodes.I2S -> convert(Opcodes.INTEGER);
            case Opcodes.I2F, Opcodes.L2F, Opcodes.D2F -> convert(Opcodes.FLOAT);
            case Opcodes.I2D, Opcodes.L2D, Opcodes.F2D -> convert(Opcodes.DOUBLE);
            case Opcodes.ARRAYLENGTH -> convert(Opcodes.INTEGER);
            case Opcodes.IRETURN, Opcodes.LRETURN, Opcodes.FRETURN, Opcodes.DRETURN, Opcodes.ARETURN,
                    Opcodes.RETURN, Opcodes.ATHROW -> {
                super.visitInsn(opcode);
                unreachable();
                return;
            }
            case Opcodes.MONITORENTER, Opcodes.MONITOREXIT -> pop();
            default -> throw new Unsupported("opcode " + opcode);
        }
        super.visitInsn(opcode);
    }

    private void arrayLoad(Object element) {
        pop(2);
        push(element);
    }

    private void convert(Object to) {
        pop();
        push(to);
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
        check();
        switch (opcode) {
            case Opcodes.BIPUSH, Opcodes.SIPUSH -> push(Opcodes.INTEGER);
            case Opcodes.NEWARRAY -> {
                pop();
                push(switch (operand) {
                    case Opcodes.T_BOOLEAN -> "[Z";
                    case Opcodes.T_CHAR -> "[C";
                    case Opcodes.T_FLOAT -> "[F";
                    case Opcodes.T_DOUBLE -> "[D";
                    case Opcodes.T_BYTE -> "[B";
                    case Opcodes.T_SHORT -> "[S";
                    case Opcodes.T_INT -> "[I";
                    default -> "[J";
                });
            }
            default -> throw new Unsupported("opcode " + opcode);
        }
        super.visitIntInsn(opcode, operand);
    }

    @Override
    public void visitVarInsn(int opcode, int index) {
        check();
        Object declared = declared(index);
        switch (opcode) {
            case Opcodes.ILOAD -> load(Opcodes.INTEGER, declared);
            case Opcodes.LLOAD -> load(Opcodes.LONG, declared);
            case Opcodes.FLOAD -> load(Opcodes.FLOAT, declared);
            case Opcodes.DLOAD -> load(Opcodes.DOUBLE, declared);
            case Opcodes.ALOAD -> {
                if (!(declared instanceof String)) {
                    throw new Unsupported("aload of local " + index + " declared " + declared);
                }
                push(declared);
            }
            case Opcodes.ISTORE, Opcodes.LSTORE, Opcodes.FSTORE, Opcodes.DSTORE, Opcodes.ASTORE -> {
                Object value = pop();
                if (!value.equals(declared) && !(value == Opcodes.NULL && declared instanceof String)) {
                    throw new Unsupported("store of " + value + " to local " + index + " declared " + declared);
                }
            }
            default -> throw new Unsupported("opcode " + opcode);
        }
        super.visitVarInsn(opcode, index);
    }

    private void load(Object type, Object declared) {
        if (!type.equals(declared)) {
            throw new Unsupported("load of " + type + " from a local declared " + declared);
        }
        push(type);
    }

    /** The declared type of the local at slot {@code index}. */
    private Object declared(int index) {
        Object t = index < bySlot.length ? bySlot[index] : null;
        if (t == null) {
            throw new Unsupported("local " + index + " is not declared");
        }
        return t;
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
        check();
        switch (opcode) {
            case Opcodes.NEW -> throw new Unsupported("new");
            case Opcodes.ANEWARRAY -> {
                pop();
                push("[" + Type.getObjectType(type).getDescriptor());
            }
            case Opcodes.CHECKCAST -> {
                pop();
                push(type);
            }
            case Opcodes.INSTANCEOF -> convert(Opcodes.INTEGER);
            default -> throw new Unsupported("opcode " + opcode);
        }
        super.visitTypeInsn(opcode, type);
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
        check();
        Object type = ofDescriptor(Type.getType(descriptor));
        switch (opcode) {
            case Opcodes.GETSTATIC -> push(type);
            case Opcodes.PUTSTATIC -> pop();
            case Opcodes.GETFIELD -> convert(type);
            case Opcodes.PUTFIELD -> pop(2);
            default -> throw new Unsupported("opcode " + opcode);
        }
        super.visitFieldInsn(opcode, owner, name, descriptor);
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
        check();
        if ("<init>".equals(name)) {
            throw new Unsupported("constructor call");
        }
        Call call = CALLS.computeIfAbsent(descriptor, Call::of);
        pop(call.arguments() + (opcode == Opcodes.INVOKESTATIC ? 0 : 1));
        if (call.returns() != null) {
            push(call.returns());
        }
        super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
    }

    /** A method descriptor's argument count and return type (null: void), parsed once. */
    private record Call(int arguments, Object returns) {
        static Call of(String descriptor) {
            Type returns = Type.getReturnType(descriptor);
            return new Call(Type.getArgumentTypes(descriptor).length,
                    returns.getSort() == Type.VOID ? null : ofDescriptor(returns));
        }
    }

    /** Shared by every chunk: the descriptors compiled code calls are few. */
    private static final Map<String, Call> CALLS = new ConcurrentHashMap<>();

    @Override
    public void visitInvokeDynamicInsn(String name, String descriptor, Handle bsm, Object... bsmArgs) {
        throw new Unsupported("invokedynamic");
    }

    @Override
    public void visitLdcInsn(Object value) {
        check();
        push(switch (value) {
            case Integer i -> Opcodes.INTEGER;
            case Long l -> Opcodes.LONG;
            case Float f -> Opcodes.FLOAT;
            case Double d -> Opcodes.DOUBLE;
            case String s -> "java/lang/String";
            case Type t -> "java/lang/Class";
            default -> throw new Unsupported("ldc of " + value.getClass());
        });
        super.visitLdcInsn(value);
    }

    @Override
    public void visitIincInsn(int index, int increment) {
        check();
        if (declared(index) != Opcodes.INTEGER) {
            throw new Unsupported("iinc of a local not declared int");
        }
        super.visitIincInsn(index, increment);
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int dims) {
        throw new Unsupported("multianewarray");
    }
}
