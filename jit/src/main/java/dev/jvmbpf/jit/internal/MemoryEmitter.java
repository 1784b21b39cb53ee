package dev.jvmbpf.jit.internal;

import static org.objectweb.asm.Opcodes.ALOAD;
import static org.objectweb.asm.Opcodes.ASTORE;
import static org.objectweb.asm.Opcodes.DUP;
import static org.objectweb.asm.Opcodes.GOTO;
import static org.objectweb.asm.Opcodes.I2B;
import static org.objectweb.asm.Opcodes.I2C;
import static org.objectweb.asm.Opcodes.I2L;
import static org.objectweb.asm.Opcodes.I2S;
import static org.objectweb.asm.Opcodes.IADD;
import static org.objectweb.asm.Opcodes.IFEQ;
import static org.objectweb.asm.Opcodes.IFGT;
import static org.objectweb.asm.Opcodes.IFNE;
import static org.objectweb.asm.Opcodes.ILOAD;
import static org.objectweb.asm.Opcodes.INVOKESTATIC;
import static org.objectweb.asm.Opcodes.INVOKEVIRTUAL;
import static org.objectweb.asm.Opcodes.ISTORE;
import static org.objectweb.asm.Opcodes.LADD;
import static org.objectweb.asm.Opcodes.L2I;
import static org.objectweb.asm.Opcodes.LAND;
import static org.objectweb.asm.Opcodes.LCMP;
import static org.objectweb.asm.Opcodes.LLOAD;
import static org.objectweb.asm.Opcodes.LSTORE;
import static org.objectweb.asm.Opcodes.LSUB;
import static org.objectweb.asm.Opcodes.POP;
import static org.objectweb.asm.Opcodes.POP2;

import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import dev.jvmbpf.runtime.memory.AddressSpace;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.verifier.VerifiedProgram;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * Loads, stores and atomics of one method: direct frame-array accesses where the stack offset is
 * proven, the per-method region cache for other pointers, and the address space (which checks
 * and faults as in the interpreter) otherwise.
 */
final class MemoryEmitter {
    private static final int NOT_ON_STACK = VerifiedProgram.NO_STACK_OFFSET;

    private final MethodEmitter e;
    private final MethodVisitor mv;
    private final Immediates imm;

    MemoryEmitter(MethodEmitter e, MethodVisitor mv, Immediates imm) {
        this.e = e;
        this.mv = mv;
        this.imm = imm;
    }

    /**
     * The index, relative to the current frame's top in the frame array, of an access proven
     * inside a frame: {@code r10 + constant} seen here, any register the verifier proved to hold
     * r10 plus a constant, or a pointer the verifier proved to point into a caller's frame (below
     * this one's in the array: frames are laid out by depth). {@link #NOT_ON_STACK} otherwise.
     */
    private int stackOffset(int pc, int base, int offset, int width) {
        if (!e.plan.stackDirect) {
            return NOT_ON_STACK;
        }
        if (base == 10) {
            return e.plan.slots == null && CompilationUnit.insideFrame(offset, width) ? offset : NOT_ON_STACK;
        }
        int index = e.unit.provenFrameIndex(pc, width);
        // A method with promoted slots keeps its own frame in locals; its callers' frames stay in the array.
        return e.plan.slots != null && index >= -AddressSpace.FRAME_SIZE ? NOT_ON_STACK : index;
    }

    /** Reads every promoted slot from the frame array into its local (method entry). */
    void loadPromotedSlots() {
        StackSlots slots = e.plan.slots;
        for (int i = 0; i < slots.count(); i++) {
            stackIndex(slots.offset(i));
            mv.visitMethodInsn(INVOKESTATIC, Names.RUNTIME, "stackLoad" + slots.width(i) * 8, "([BI)J", false);
            mv.visitVarInsn(LSTORE, e.promotedLocal(i));
        }
    }

    /** Writes every promoted slot back to the frame array (every way out of the method). */
    void storePromotedSlots() {
        StackSlots slots = e.plan.slots;
        for (int i = 0; i < slots.count(); i++) {
            stackIndex(slots.offset(i));
            mv.visitVarInsn(LLOAD, e.promotedLocal(i));
            mv.visitMethodInsn(INVOKESTATIC, Names.RUNTIME, "stackStore" + slots.width(i) * 8, "([BIJ)V", false);
        }
    }

    /** Pushes a promoted slot's value as a load of {@code width} bytes would return it. */
    private void promotedLoad(int slot, int width, boolean signed) {
        mv.visitVarInsn(LLOAD, e.promotedLocal(slot));
        switch (width) {
            case 8 -> { }
            case 4 -> {
                mv.visitInsn(L2I);
                if (signed) {
                    mv.visitInsn(I2L);
                } else {
                    e.toUnsigned();
                }
            }
            case 2 -> {
                mv.visitInsn(L2I);
                mv.visitInsn(signed ? I2S : I2C);
                mv.visitInsn(I2L);
            }
            default -> {
                if (signed) {
                    mv.visitInsn(L2I);
                    mv.visitInsn(I2B);
                    mv.visitInsn(I2L);
                } else {
                    imm.pushLong(mv, 0xffL);
                    mv.visitInsn(LAND);
                }
            }
        }
    }

    private void stackIndex(int offset) {
        mv.visitVarInsn(ALOAD, e.stackSlot);
        mv.visitVarInsn(ILOAD, e.frameTopSlot);
        imm.pushInt(mv, offset);
        mv.visitInsn(IADD);
    }

    private void address(int base, int offset) {
        mv.visitVarInsn(ALOAD, e.memSlot);
        e.load(base);
        if (offset != 0) {
            imm.pushLong(mv, offset);
            mv.visitInsn(LADD);
        }
    }

    void emitLdx(int pc, Instruction insn) {
        int mode = insn.opcode() & 0xe0;
        int width = Opcodes.sizeBytes(insn.opcode());
        boolean signed = mode == Opcodes.MODE_MEMSX;
        if ((mode != Opcodes.MODE_MEM && !signed) || (signed && width == 8)) {
            e.invalid(pc, "unknown load mode");
            return;
        }
        int s = insn.src();
        int frameOffset = stackOffset(pc, s, insn.offset(), width);
        if (e.plan.slots != null && s == 10) {
            promotedLoad(e.plan.slots.slot(insn.offset()), width, signed);
        } else if (frameOffset != NOT_ON_STACK) {
            stackIndex(frameOffset);
            mv.visitMethodInsn(INVOKESTATIC, Names.RUNTIME, "stackLoad" + width * 8 + (signed ? "s" : ""), "([BI)J",
                    false);
        } else {
            emitPointerAccess(pc, s, insn.offset(), width, false,
                    () -> mv.visitMethodInsn(INVOKESTATIC, Names.RUNTIME, "stackLoad" + width * 8, "([BI)J", false),
                    () -> {
                        mv.visitVarInsn(ALOAD, e.memSlot);
                        mv.visitVarInsn(LLOAD, e.addressSlot);
                        imm.pushInt(mv, width);
                        mv.visitMethodInsn(INVOKEVIRTUAL, Names.ADDRESS_SPACE, "load", "(JI)J", false);
                    });
            if (signed) {
                e.signExtend(width == 1 ? I2B : width == 2 ? I2S : -1);
            }
        }
        e.store(insn.dst());
    }

    void emitStore(int pc, Instruction insn) {
        boolean stx = insn.instructionClass() == Opcodes.CLASS_STX;
        int mode = insn.opcode() & 0xe0;
        int width = Opcodes.sizeBytes(insn.opcode());
        int d = insn.dst();
        if (mode == Opcodes.MODE_ATOMIC && stx) {
            emitAtomic(pc, insn, width);
            return;
        }
        if (mode != Opcodes.MODE_MEM) {
            e.invalid(pc, "unknown store mode");
            return;
        }
        int frameOffset = stackOffset(pc, d, insn.offset(), width);
        if (e.plan.slots != null && d == 10) {
            // Loads of the slot truncate to its width, so the local may keep the whole value.
            storedValue(insn, stx);
            mv.visitVarInsn(LSTORE, e.promotedLocal(e.plan.slots.slot(insn.offset())));
        } else if (frameOffset != NOT_ON_STACK) {
            stackIndex(frameOffset);
            storedValue(insn, stx);
            mv.visitMethodInsn(INVOKESTATIC, Names.RUNTIME, "stackStore" + width * 8, "([BIJ)V", false);
        } else {
            emitPointerAccess(pc, d, insn.offset(), width, true, () -> {
                storedValue(insn, stx);
                mv.visitMethodInsn(INVOKESTATIC, Names.RUNTIME, "stackStore" + width * 8, "([BIJ)V", false);
            }, () -> {
                mv.visitVarInsn(ALOAD, e.memSlot);
                mv.visitVarInsn(LLOAD, e.addressSlot);
                imm.pushInt(mv, width);
                storedValue(insn, stx);
                mv.visitMethodInsn(INVOKEVIRTUAL, Names.ADDRESS_SPACE, "store", "(JIJ)V", false);
            });
        }
    }

    /** Pushes the cached region's array and the index of the current address in it. */
    private void cachedIndex() {
        mv.visitVarInsn(ALOAD, e.cacheDataSlot);
        mv.visitVarInsn(ILOAD, e.cacheBaseSlot);
        mv.visitVarInsn(LLOAD, e.addressSlot);
        mv.visitInsn(org.objectweb.asm.Opcodes.L2I);
        mv.visitInsn(IADD);
    }

    /**
     * A load or store through a register other than the frame pointer: through the input region
     * when the verifier saw the base point there, else through the region cache. {@code fast}
     * finds the region's array and the index on the stack; {@code slow} does the access through
     * the address space. Leaves a loaded value on the stack.
     */
    private void emitPointerAccess(int pc, int base, int offset, int width, boolean write, Runnable fast,
            Runnable slow) {
        e.load(base);
        if (offset != 0) {
            imm.pushLong(mv, offset);
            mv.visitInsn(LADD);
        }
        mv.visitVarInsn(LSTORE, e.addressSlot);
        if (e.unit.inputAccesses.get(pc)) {
            emitInputAccess(pc, width, write, e.unit.provenPacketAccesses.get(pc), fast, slow);
        } else if (!write && e.unit.contextAccesses.get(pc)) {
            // The context's computed fields make its region uncacheable; a fill would only cost.
            e.setPc(pc);
            slow.run();
        } else {
            emitCachedAccess(pc, width, write, fast, slow);
        }
    }

    /**
     * An access the verifier saw go into the run's packet or input memory, which the method holds
     * in locals from its entry. The bounds test is {@code Objects.checkIndex} on the offset from
     * the region's start: C2 knows it as a range check, so in a counted loop it moves the test out
     * of the loop (loop predication) and unrolls and vectorises what is left. An address outside
     * the region makes it throw, and the handler does the access through the address space, which
     * faults or finds the address in another region exactly as the interpreter does. Throwing is
     * slow, but it only happens where a program leaves its packet.
     *
     * <p>A {@code proven} access is a packet access the verifier proved inside [data, data_end),
     * in a function where the method's packet region stays the packet's
     * ({@link CompilationUnit#provenPacketAccesses}): the address is inside the region, so it has
     * no test of its own, and C2 merges the array's own bounds checks of nearby constant offsets
     * from one base. It takes the general path only when no packet context set the run's packet
     * ({@code Machine.hasContextPacket}: without one, the context's data fields need not point
     * into the packet), or for a store to a read-only region, which faults.
     */
    private void emitInputAccess(int pc, int width, boolean write, boolean proven, Runnable fast, Runnable slow) {
        Label check = new Label();
        Label checked = new Label();
        Label handler = new Label();
        Label slowPath = new Label();
        Label done = new Label();
        if (proven) {
            mv.visitVarInsn(ILOAD, e.inputIsPacketSlot);
            mv.visitJumpInsn(IFEQ, slowPath);
        } else {
            mv.visitTryCatchBlock(check, checked, handler, "java/lang/IndexOutOfBoundsException");
        }
        if (write) {
            mv.visitVarInsn(ILOAD, e.inputWritableSlot);
            mv.visitJumpInsn(IFEQ, slowPath);
        }
        // The array goes below the index; a throw discards both.
        mv.visitVarInsn(ALOAD, e.inputDataSlot);
        mv.visitVarInsn(LLOAD, e.addressSlot);
        mv.visitVarInsn(LLOAD, e.inputStartSlot);
        mv.visitInsn(LSUB);
        if (!proven) {
            mv.visitVarInsn(LLOAD, e.inputSizeSlot);
            if (width > 1) {
                imm.pushLong(mv, width - 1);
                mv.visitInsn(LSUB);
            }
            mv.visitLabel(check);
            mv.visitMethodInsn(INVOKESTATIC, "java/util/Objects", "checkIndex", "(JJ)J", false);
            mv.visitLabel(checked);
        }
        mv.visitInsn(L2I);
        mv.visitVarInsn(ILOAD, e.inputBaseSlot);
        mv.visitInsn(IADD);
        fast.run();
        mv.visitJumpInsn(GOTO, done);
        if (!proven) {
            mv.visitLabel(handler);
            mv.visitInsn(POP);
        }
        mv.visitLabel(slowPath);
        e.setPc(pc);
        slow.run();
        mv.visitLabel(done);
    }

    /**
     * Makes the region of {@link JitRuntime#inputAddress} the method's input region (none: every
     * test fails); with {@code proven} packet accesses, also notes whether a packet context set it.
     */
    void emitInputFill(boolean proven) {
        Label none = new Label();
        Label filled = new Label();
        if (proven) {
            mv.visitVarInsn(ALOAD, 0);
            mv.visitMethodInsn(INVOKEVIRTUAL, Names.MACHINE, "hasContextPacket", "()Z", false);
            mv.visitVarInsn(ISTORE, e.inputIsPacketSlot);
        }
        mv.visitVarInsn(ALOAD, 0);
        mv.visitMethodInsn(INVOKESTATIC, Names.RUNTIME, "inputAddress", "(L" + Names.MACHINE + ";)J", false);
        imm.pushLong(mv, 0xffffffff00000000L);
        mv.visitInsn(LAND);
        mv.visitVarInsn(LSTORE, e.inputStartSlot);
        mv.visitVarInsn(ALOAD, e.memSlot);
        mv.visitVarInsn(LLOAD, e.inputStartSlot);
        mv.visitMethodInsn(INVOKESTATIC, Names.RUNTIME, "cacheable",
                "(L" + Names.ADDRESS_SPACE + ";J)L" + Names.REGION + ";", false);
        mv.visitInsn(DUP);
        mv.visitJumpInsn(org.objectweb.asm.Opcodes.IFNULL, none);
        regionToLocals(e.inputDataSlot, e.inputBaseSlot, e.inputWritableSlot, e.inputSizeSlot);
        mv.visitJumpInsn(GOTO, filled);
        mv.visitLabel(none);
        mv.visitInsn(POP);
        mv.visitInsn(org.objectweb.asm.Opcodes.ACONST_NULL);
        mv.visitVarInsn(ASTORE, e.inputDataSlot);
        mv.visitInsn(org.objectweb.asm.Opcodes.ICONST_0);
        mv.visitVarInsn(ISTORE, e.inputBaseSlot);
        mv.visitInsn(org.objectweb.asm.Opcodes.ICONST_0);
        mv.visitVarInsn(ISTORE, e.inputWritableSlot);
        mv.visitInsn(org.objectweb.asm.Opcodes.LCONST_0);
        mv.visitVarInsn(LSTORE, e.inputSizeSlot);
        mv.visitLabel(filled);
    }

    /**
     * Copies the fields of the region on the stack (consumed) to locals: the fast paths then read
     * no memory but the data.
     */
    private void regionToLocals(int dataSlot, int baseSlot, int writableSlot, int sizeSlot) {
        mv.visitInsn(DUP);
        mv.visitMethodInsn(INVOKEVIRTUAL, Names.REGION, "data", "()[B", false);
        mv.visitVarInsn(ASTORE, dataSlot);
        mv.visitInsn(DUP);
        mv.visitMethodInsn(INVOKEVIRTUAL, Names.REGION, "base", "()I", false);
        mv.visitVarInsn(ISTORE, baseSlot);
        mv.visitInsn(DUP);
        mv.visitMethodInsn(INVOKEVIRTUAL, Names.REGION, "writable", "()Z", false);
        mv.visitVarInsn(ISTORE, writableSlot);
        mv.visitMethodInsn(INVOKEVIRTUAL, Names.REGION, "size", "()I", false);
        mv.visitInsn(I2L);
        mv.visitVarInsn(LSTORE, sizeSlot);
    }

    /** True when some access in {@code [start, end)} goes through the input region. */
    static boolean usesInput(CompilationUnit unit, int start, int end) {
        int first = unit.inputAccesses.nextSetBit(start);
        return first >= 0 && first < end;
    }

    /**
     * A load or store through a register other than the frame pointer. The method keeps the last
     * region it touched in locals; when the address falls in it (same id, in bounds, writable for a
     * store) the access goes straight to the region's array, which lets C2 hoist the region out of
     * loops. Otherwise the address space translates, checks and faults exactly as in the
     * interpreter, and the region becomes the cached one. Leaves a loaded value on the stack.
     */
    private void emitCachedAccess(int pc, int width, boolean write, Runnable fast, Runnable slow) {
        Label slowPath = new Label();
        Label done = new Label();
        mv.visitVarInsn(LLOAD, e.addressSlot);
        imm.pushInt(mv, 32);
        mv.visitInsn(org.objectweb.asm.Opcodes.LUSHR);
        mv.visitVarInsn(LLOAD, e.cacheIdSlot);
        mv.visitInsn(LCMP);
        mv.visitJumpInsn(IFNE, slowPath);
        mv.visitVarInsn(LLOAD, e.addressSlot);
        imm.pushLong(mv, 0xffffffffL);
        mv.visitInsn(LAND);
        imm.pushLong(mv, width);
        mv.visitInsn(LADD);
        mv.visitVarInsn(LLOAD, e.cacheSizeSlot);
        mv.visitInsn(LCMP);
        mv.visitJumpInsn(IFGT, slowPath);
        if (write) {
            mv.visitVarInsn(ILOAD, e.cacheWritableSlot);
            mv.visitJumpInsn(IFEQ, slowPath);
        }
        cachedIndex();
        fast.run();
        mv.visitJumpInsn(GOTO, done);
        mv.visitLabel(slowPath);
        e.setPc(pc);
        emitFill();
        slow.run();
        mv.visitLabel(done);
    }

    /**
     * Makes the region of the address in {@code addressSlot} the cached one (or caches nothing
     * when no plain region holds it). Never faults: the access that follows does.
     */
    void emitFill() {
        mv.visitVarInsn(ALOAD, e.memSlot);
        mv.visitVarInsn(LLOAD, e.addressSlot);
        mv.visitMethodInsn(INVOKESTATIC, Names.RUNTIME, "cacheable",
                "(L" + Names.ADDRESS_SPACE + ";J)L" + Names.REGION + ";", false);
        mv.visitInsn(DUP);
        mv.visitVarInsn(ASTORE, e.cacheRegionSlot);
        Label none = new Label();
        Label cached = new Label();
        mv.visitJumpInsn(org.objectweb.asm.Opcodes.IFNULL, none);
        mv.visitVarInsn(ALOAD, e.cacheRegionSlot);
        regionToLocals(e.cacheDataSlot, e.cacheBaseSlot, e.cacheWritableSlot, e.cacheSizeSlot);
        mv.visitVarInsn(LLOAD, e.addressSlot);
        imm.pushInt(mv, 32);
        mv.visitInsn(org.objectweb.asm.Opcodes.LUSHR);
        mv.visitJumpInsn(GOTO, cached);
        mv.visitLabel(none);
        imm.pushLong(mv, -1);
        mv.visitLabel(cached);
        mv.visitVarInsn(LSTORE, e.cacheIdSlot);
    }

    /**
     * True when some access in {@code [start, end)} goes through the region cache: through a
     * register other than r10, and not an input access, a context load or a proven stack access.
     */
    static boolean usesRegionCache(CompilationUnit unit, int start, int end) {
        ProgramLayout layout = unit.layout;
        for (int pc = start; pc < end; pc++) {
            if (layout.wideTail[pc] || !isPointerAccess(layout.code[pc]) || unit.inputAccesses.get(pc)) {
                continue;
            }
            boolean load = layout.code[pc].instructionClass() == Opcodes.CLASS_LDX;
            boolean stack = unit.provenFrameIndex(pc, 1) != NOT_ON_STACK;
            if (!stack && !(load && unit.contextAccesses.get(pc))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isPointerAccess(Instruction insn) {
        int cls = insn.instructionClass();
        int mode = insn.opcode() & 0xe0;
        return cls == Opcodes.CLASS_LDX && (mode == Opcodes.MODE_MEM || mode == Opcodes.MODE_MEMSX) && insn.src() != 10
                || (cls == Opcodes.CLASS_ST || cls == Opcodes.CLASS_STX) && mode == Opcodes.MODE_MEM && insn.dst() != 10;
    }

    /** True when some load or store of the function goes through a register other than r10. */
    static boolean usesPointers(ProgramLayout layout, int start, int end) {
        for (int pc = start; pc < end; pc++) {
            if (layout.wideTail[pc]) {
                continue;
            }
            if (isPointerAccess(layout.code[pc])) {
                return true;
            }
        }
        return false;
    }

    private void storedValue(Instruction insn, boolean stx) {
        if (stx) {
            e.load(insn.src());
        } else {
            imm.pushLong(mv, insn.imm());
        }
    }

    private void emitAtomic(int pc, Instruction insn, int width) {
        int op = insn.imm();
        int d = insn.dst();
        int s = insn.src();
        if (op == Opcodes.ATOMIC_LOAD_ACQ) {
            e.setPc(pc);
            address(s, insn.offset());
            imm.pushInt(mv, width);
            mv.visitMethodInsn(INVOKEVIRTUAL, Names.ADDRESS_SPACE, "loadAcquire", "(JI)J", false);
            e.store(d);
            return;
        }
        if (op == Opcodes.ATOMIC_STORE_REL) {
            e.setPc(pc);
            address(d, insn.offset());
            imm.pushInt(mv, width);
            e.load(s);
            mv.visitMethodInsn(INVOKEVIRTUAL, Names.ADDRESS_SPACE, "storeRelease", "(JIJ)V", false);
            return;
        }
        if (width < 4) {
            e.invalid(pc, BpfFault.atomicWidth(width).detail());
            return;
        }
        boolean known = switch (op & ~Opcodes.ATOMIC_FETCH) {
            case Opcodes.ATOMIC_ADD, Opcodes.ATOMIC_OR, Opcodes.ATOMIC_AND, Opcodes.ATOMIC_XOR -> true;
            default -> op == Opcodes.ATOMIC_XCHG || op == Opcodes.ATOMIC_CMPXCHG;
        };
        // Unknown operations take the generic path, which faults exactly as the interpreter does.
        int frameOffset = stackOffset(pc, d, insn.offset(), width);
        if (known && frameOffset != NOT_ON_STACK && (frameOffset & (width - 1)) == 0) {
            stackIndex(frameOffset);
            imm.pushInt(mv, width);
            imm.pushInt(mv, op);
            e.load(s);
            e.load(0);
            mv.visitMethodInsn(INVOKESTATIC, Names.RUNTIME, "stackAtomic", "([BIIIJJ)J", false);
        } else {
            e.setPc(pc);
            mv.visitVarInsn(ALOAD, e.memSlot);
            imm.pushInt(mv, op);
            e.load(d);
            if (insn.offset() != 0) {
                imm.pushLong(mv, insn.offset());
                mv.visitInsn(LADD);
            }
            imm.pushInt(mv, width);
            e.load(s);
            e.load(0);
            mv.visitMethodInsn(INVOKEVIRTUAL, Names.ADDRESS_SPACE, "atomic", "(IJIJJ)J", false);
        }
        if (op == Opcodes.ATOMIC_CMPXCHG) {
            e.store(0);
        } else if ((op & Opcodes.ATOMIC_FETCH) != 0) {
            e.store(s);
        } else {
            mv.visitInsn(POP2);
        }
    }
}
