package dev.jvmbpf.jit.internal;

import static org.objectweb.asm.Opcodes.ALOAD;
import static org.objectweb.asm.Opcodes.ASTORE;
import static org.objectweb.asm.Opcodes.ATHROW;
import static org.objectweb.asm.Opcodes.DUP;
import static org.objectweb.asm.Opcodes.GETSTATIC;
import static org.objectweb.asm.Opcodes.GOTO;
import static org.objectweb.asm.Opcodes.I2L;
import static org.objectweb.asm.Opcodes.IADD;
import static org.objectweb.asm.Opcodes.IAND;
import static org.objectweb.asm.Opcodes.ICONST_0;
import static org.objectweb.asm.Opcodes.ICONST_1;
import static org.objectweb.asm.Opcodes.ICONST_M1;
import static org.objectweb.asm.Opcodes.IFEQ;
import static org.objectweb.asm.Opcodes.IFGE;
import static org.objectweb.asm.Opcodes.IFGT;
import static org.objectweb.asm.Opcodes.IFLE;
import static org.objectweb.asm.Opcodes.IFLT;
import static org.objectweb.asm.Opcodes.IFNE;
import static org.objectweb.asm.Opcodes.IF_ICMPEQ;
import static org.objectweb.asm.Opcodes.IF_ICMPGE;
import static org.objectweb.asm.Opcodes.IF_ICMPGT;
import static org.objectweb.asm.Opcodes.IF_ICMPLE;
import static org.objectweb.asm.Opcodes.IF_ICMPLT;
import static org.objectweb.asm.Opcodes.IF_ICMPNE;
import static org.objectweb.asm.Opcodes.ILOAD;
import static org.objectweb.asm.Opcodes.INVOKESTATIC;
import static org.objectweb.asm.Opcodes.INVOKEVIRTUAL;
import static org.objectweb.asm.Opcodes.IRETURN;
import static org.objectweb.asm.Opcodes.ISTORE;
import static org.objectweb.asm.Opcodes.ISUB;
import static org.objectweb.asm.Opcodes.LADD;
import static org.objectweb.asm.Opcodes.LALOAD;
import static org.objectweb.asm.Opcodes.LAND;
import static org.objectweb.asm.Opcodes.LASTORE;
import static org.objectweb.asm.Opcodes.LCMP;
import static org.objectweb.asm.Opcodes.LCONST_0;
import static org.objectweb.asm.Opcodes.LCONST_1;
import static org.objectweb.asm.Opcodes.LLOAD;
import static org.objectweb.asm.Opcodes.LRETURN;
import static org.objectweb.asm.Opcodes.LSTORE;
import static org.objectweb.asm.Opcodes.LSUB;

import dev.jvmbpf.helpers.StandardHelpers;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.isa.Alu;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.memory.AddressSpace;
import dev.jvmbpf.runtime.memory.BpfFault;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * Emits the body of one JVM method for a pc range of one BPF function: either the whole function
 * (a plain method with r1-r5 as parameters) or one chunk of a split function (registers arrive
 * and leave through a {@code long[]}). BPF registers are {@code long} locals and BPF jumps are
 * JVM branches in both forms, so C2 sees ordinary loops over locals.
 *
 * <p>Faults carry the BPF pc: before any instruction that can fault, the pc (relative to the
 * method's first pc, so it fits {@code sipush}) goes into a local, and one handler around the
 * body converts whatever escapes into a located {@code BpfFault}. C2 keeps those stores as debug
 * information only, so they cost nothing on the hot path. A chunk of a split function notes its
 * pcs in the machine instead ({@link Machine#notePc}) and the function method's handler locates
 * what escapes its chunks.
 *
 * <p>Cancellation: a function with a backward jump or an inline bpf_loop keeps the machine's
 * {@linkplain Machine#countdown() countdown} in a local, takes the loop body's length off it at
 * each backward jump and loop iteration, and calls {@link Machine#poll()} (interrupt, deadline)
 * when it runs out; the local goes back to the machine around calls to functions that do the same
 * and before the method returns. Straight-line code never checks: the program's length bounds it.
 */
final class MethodEmitter {
    /** Registers r0-r10 and the may_goto counter in a chunked function's register file. */
    static final int REGISTER_FILE = 12;
    static final int MAY_GOTO_SLOT = 11;

    final CompilationUnit unit;
    private final MethodVisitor mv;
    private final Immediates imm;
    final FunctionPlan plan;
    private final boolean measuring;
    /** The chunk this method holds, or -1 for a whole function. */
    private final int chunk;
    private final int from;
    private final int to;

    // Local variable slots.
    private final int[] reg = new int[11];
    private final int depthSlot;
    private final int regsSlot;
    private final int entrySlot;
    final int memSlot;
    final int stackSlot;
    final int frameTopSlot;
    private final int pcSlot;
    private final int budgetSlot;
    /** The countdown to the next poll, in functions that count ({@link CompilationUnit#counts}). */
    private final int tickSlot;
    private final boolean counts;
    private final int mayGotoSlot;
    private final int codeSlot;
    /** The per-method region cache: id of the cached region (-1: none), the region, and a scratch address. */
    final int cacheIdSlot;
    final int cacheRegionSlot;
    final int cacheDataSlot;
    final int cacheBaseSlot;
    final int cacheWritableSlot;
    final int cacheSizeSlot;
    final int addressSlot;
    /** The run's packet or input memory, held from the method's entry: start address, size, array, base, writable. */
    final int inputStartSlot;
    final int inputSizeSlot;
    final int inputDataSlot;
    final int inputBaseSlot;
    final int inputWritableSlot;
    /** 1 when a packet context set the run's packet, so packet proofs hold for the input region. */
    final int inputIsPacketSlot;
    /** A bpf_loop run inline: its iteration count, the next iteration's index, the callback context. */
    private final int loopCountSlot;
    private final int loopIndexSlot;
    private final int loopContextSlot;
    /** A sliced counted loop's copy ({@link #emitSignedCopy}): where the slice ends, and where it began. */
    private final int sliceBoundSlot;
    private final int sliceStartSlot;
    /** The first local of the promoted stack slots (two per slot), when the plan has them. */
    private final int promotedSlot;

    /** The frames of a chunk written as it is emitted, or null where ASM computes them. */
    private final ChunkFrames frames;
    /** A chunk's locals as {@link #chunkLocals} lists them (with {@link #frames}), else null. */
    private final Object[] declaredLocals;
    /** Pcs of this method a jump from a later pc goes back to (with {@link #frames}). */
    private final BitSet backTargets;
    private final AluEmitter alu;
    private final MemoryEmitter memory;
    private final Label[] labels;
    private final Map<Integer, Label> exits = new LinkedHashMap<>();
    private final Map<String, Label> faultStubs = new LinkedHashMap<>();
    private final Label commonExit = new Label();
    private boolean usesCommonExit;

    MethodEmitter(CompilationUnit unit, MethodVisitor mv, Immediates imm, FunctionPlan plan, int chunk,
            boolean measuring) {
        this.unit = unit;
        this.mv = mv;
        this.imm = imm;
        this.plan = plan;
        this.chunk = chunk;
        this.measuring = measuring;
        this.from = chunk < 0 ? plan.start : plan.chunkStart(chunk);
        this.to = chunk < 0 ? plan.end : plan.chunkEnd(chunk);
        int next;
        if (chunk < 0) {
            // (Machine, long r1..r5, int depth)
            for (int r = 1; r <= 5; r++) {
                reg[r] = 1 + 2 * (r - 1);
            }
            depthSlot = 11;
            regsSlot = -1;
            entrySlot = -1;
            next = 12;
            for (int r : new int[] {0, 6, 7, 8, 9, 10}) {
                reg[r] = next;
                next += 2;
            }
        } else {
            // (Machine, long[] regs, int depth, int code)
            regsSlot = 1;
            depthSlot = 2;
            entrySlot = 3;
            next = 4;
            for (int r = 0; r <= 10; r++) {
                reg[r] = next;
                next += 2;
            }
        }
        memSlot = next++;
        stackSlot = next++;
        frameTopSlot = next++;
        pcSlot = next++;
        budgetSlot = next++;
        tickSlot = next++;
        codeSlot = next++;
        cacheRegionSlot = next++;
        cacheDataSlot = next++;
        cacheBaseSlot = next++;
        cacheWritableSlot = next++;
        cacheSizeSlot = next;
        next += 2;
        cacheIdSlot = next;
        next += 2;
        addressSlot = next;
        next += 2;
        mayGotoSlot = next;
        next += 2;
        inputStartSlot = next;
        next += 2;
        inputSizeSlot = next;
        next += 2;
        inputDataSlot = next++;
        inputBaseSlot = next++;
        inputWritableSlot = next++;
        inputIsPacketSlot = next++;
        promotedSlot = next;
        // Last, so that methods without an inline loop do not carry them in their frames.
        next += plan.slots == null ? 0 : 2 * plan.slots.count();
        loopCountSlot = next;
        loopIndexSlot = next + 2;
        loopContextSlot = next + 4;
        sliceBoundSlot = next + 6;
        sliceStartSlot = next + 8;
        labels = new Label[to - from];
        counts = unit.counts(plan.index);
        frames = chunked() && mv instanceof ChunkFrames f ? f : null;
        declaredLocals = frames == null ? null : chunkLocals();
        backTargets = new BitSet();
        if (frames != null) {
            // Each default costs a constant and a store of at most 3 bytes together.
            if (3 * declaredLocals.length > CHUNK_LOCALS_COST) {
                throw new IllegalStateException("chunk locals outgrew their cost: " + declaredLocals.length);
            }
            frames.declare(declaredLocals, next + 10);
            for (int pc = from; pc < to; pc++) {
                Instruction insn = unit.layout.code[pc];
                if (!unit.layout.wideTail[pc] && ProgramLayout.isBranch(insn)) {
                    int target = ProgramLayout.jumpTarget(pc, insn);
                    if (target >= from && target <= pc) {
                        backTargets.set(target);
                    }
                }
            }
        }
        alu = new AluEmitter(this, mv, imm);
        memory = new MemoryEmitter(this, mv, imm);
    }

    private boolean chunked() {
        return chunk >= 0;
    }

    /**
     * A chunk's locals, each with the one type it holds, in ASM's frame format, in slot order;
     * the prologue stores a default in each ({@link #initChunkLocals}) so that every frame of a
     * chunk has them all ({@link ChunkFrames}).
     */
    private Object[] chunkLocals() {
        Object[] byLocal = new Object[loopCountSlot + 10];
        String region = Names.REGION;
        byLocal[0] = Names.MACHINE;
        byLocal[regsSlot] = "[J";
        byLocal[depthSlot] = org.objectweb.asm.Opcodes.INTEGER;
        byLocal[entrySlot] = org.objectweb.asm.Opcodes.INTEGER;
        for (int r = 0; r <= 10; r++) {
            byLocal[reg[r]] = org.objectweb.asm.Opcodes.LONG;
        }
        byLocal[memSlot] = Names.ADDRESS_SPACE;
        byLocal[stackSlot] = "[B";
        byLocal[cacheRegionSlot] = region;
        byLocal[cacheDataSlot] = "[B";
        byLocal[inputDataSlot] = "[B";
        for (int slot : new int[] {frameTopSlot, pcSlot, budgetSlot, tickSlot, codeSlot, cacheBaseSlot,
                cacheWritableSlot, inputBaseSlot, inputWritableSlot, inputIsPacketSlot}) {
            byLocal[slot] = org.objectweb.asm.Opcodes.INTEGER;
        }
        for (int slot : new int[] {cacheSizeSlot, cacheIdSlot, addressSlot, mayGotoSlot, inputStartSlot,
                inputSizeSlot, loopCountSlot, loopIndexSlot, loopContextSlot, sliceBoundSlot, sliceStartSlot}) {
            byLocal[slot] = org.objectweb.asm.Opcodes.LONG;
        }
        java.util.List<Object> out = new java.util.ArrayList<>();
        for (int slot = 0; slot < byLocal.length; slot++) {
            if (byLocal[slot] == null) {
                throw new IllegalStateException("chunk local " + slot + " has no type");
            }
            out.add(byLocal[slot]);
            if (byLocal[slot] == org.objectweb.asm.Opcodes.LONG) {
                slot++;
            }
        }
        return out.toArray();
    }

    /** Stores a default into each local of a chunk that is not a parameter (see {@link #chunkLocals}). */
    private void initChunkLocals() {
        int slot = 0;
        for (Object type : declaredLocals) {
            if (slot > entrySlot) {
                if (type == org.objectweb.asm.Opcodes.LONG) {
                    mv.visitInsn(LCONST_0);
                    mv.visitVarInsn(LSTORE, slot);
                } else if (type == org.objectweb.asm.Opcodes.INTEGER) {
                    mv.visitInsn(ICONST_0);
                    mv.visitVarInsn(ISTORE, slot);
                } else {
                    mv.visitInsn(org.objectweb.asm.Opcodes.ACONST_NULL);
                    mv.visitVarInsn(ASTORE, slot);
                }
            }
            slot += type == org.objectweb.asm.Opcodes.LONG ? 2 : 1;
        }
    }

    /** Places a label that a jump from further on goes back to. */
    private void placeBackTarget(Label label) {
        if (frames != null) {
            frames.expectBackwardJump(label);
        }
        mv.visitLabel(label);
    }

    // ---------------------------------------------------------------------------------------
    // Method structure

    /** Emits the whole method body (real mode). */
    void emitMethod() {
        mv.visitCode();
        emitPrologue();
        Label tryStart = new Label();
        Label tryEnd = new Label();
        Label handler = new Label();
        // A chunk has no handler: its pcs go to the machine (setPc) and the function method's
        // handler locates what escapes. HotSpot's class verifier checks a handler's frame at every
        // bytecode of its range, which for the thousands of chunks of a huge function was most of
        // the time defining its class took.
        if (!chunked()) {
            // The handler comes before the code it guards: the verifier looks its frame up in the
            // StackMapTable from the start, so a handler at the end made defining a class
            // quadratic in its frames (28% of define time).
            mv.visitJumpInsn(GOTO, tryStart);
            mv.visitLabel(handler);
            if (plan.slots != null) {
                memory.storePromotedSlots();
            }
            mv.visitVarInsn(ILOAD, pcSlot);
            imm.pushInt(mv, from);
            mv.visitInsn(IADD);
            mv.visitFieldInsn(GETSTATIC, unit.internalName, CompilationUnit.PROGRAM_FIELD, Names.INSTRUCTION_ARRAY);
            mv.visitMethodInsn(INVOKESTATIC, Names.RUNTIME, "locate",
                    "(Ljava/lang/Throwable;I" + Names.INSTRUCTION_ARRAY + ")Ljava/lang/RuntimeException;", false);
            mv.visitInsn(ATHROW);
        }
        mv.visitLabel(tryStart);
        if (chunked()) {
            emitEntrySwitch();
        }
        Instruction[] code = unit.layout.code;
        int last = -1;
        CountedLoop open = null;
        Label openEntry = null;
        for (int pc = from; pc < to; pc++) {
            if (unit.layout.wideTail[pc]) {
                continue;
            }
            CountedLoop loop = plan.loopAt(pc);
            if (loop != null) {
                open = loop;
                openEntry = emitSignedCopy(loop);
            }
            emitInstruction(pc);
            if (open != null && pc == open.tail()) {
                // Jumps to the head from further on enter through the check again.
                labels[open.head() - from] = openEntry;
                open = null;
            }
            last = pc;
        }
        if (last < 0 || fallsThrough(code[last])) {
            if (chunked() && to < plan.end) {
                mv.visitJumpInsn(GOTO, exitTo(to));
            } else {
                // The interpreter runs off the program's end onto an invalid slot at pc == length.
                emitFault(to, "invalid", "execution falls through the end of the function");
            }
        }
        emitStubs();
        mv.visitLabel(tryEnd);
        if (!chunked()) {
            // Registered last so that the handlers of input accesses, which lie inside it, come
            // first in the exception table.
            mv.visitTryCatchBlock(tryStart, tryEnd, handler, null);
        }
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /**
     * Emits the loop's head check and its signed copy ({@link CountedLoop}), then leaves the head's
     * label to the original loop, which the check falls back to and whose back edge returns to it
     * without repeating the check. Jumps into the loop from elsewhere keep the original labels.
     *
     * <p>In a function that counts down to polls the copy runs in slices of at most
     * {@link Machine#POLL_INTERVAL} instructions: its back edge compares the counter with the
     * slice's end ({@link JitRuntime#sliceBound}, {@link JitRuntime#sliceEnd} for an equality
     * loop, which needs no head check; never past the loop's bound) instead of the bound, so the
     * loop C2 sees stays a counted loop without a check inside; at the slice's end
     * the iterations are charged, and the loop's own test goes back through the head check for
     * the next slice or leaves the loop.
     */
    private Label emitSignedCopy(CountedLoop loop) {
        int head = loop.head();
        int tail = loop.tail();
        Label original = new Label();
        Label entry = label(head);
        placeBackTarget(entry);
        boolean equality = loop.equality(unit.layout.code);
        if (!equality) {
            headCheck(loop.counter(), loop.limit(), original);
            if (loop.bound() >= 0) {
                headCheck(loop.bound(), loop.limit(), original);
            }
        }
        Instruction jump = unit.layout.code[tail];
        int op = jump.opcode() & 0xf0;
        boolean x = (jump.opcode() & Opcodes.SRC_X) != 0;
        int span = tail - head + 1;
        // Without an update of the counter on every iteration, its progress bounds nothing.
        boolean sliced = counts && loop.stepsEveryIteration(unit.layout);
        if (sliced) {
            load(loop.counter());
            if (loop.bound() >= 0) {
                load(loop.bound());
            } else {
                imm.pushLong(mv, jump.imm());
            }
            long iterations = Math.max(1, Machine.POLL_INTERVAL / span);
            if (equality) {
                imm.pushLong(mv, loop.step());
                imm.pushLong(mv, iterations);
                mv.visitMethodInsn(INVOKESTATIC, Names.RUNTIME, "sliceEnd", "(JJJJ)J", false);
            } else {
                imm.pushLong(mv, iterations * loop.step());
                mv.visitMethodInsn(INVOKESTATIC, Names.RUNTIME, "sliceBound", "(JJJ)J", false);
            }
            mv.visitVarInsn(LSTORE, sliceBoundSlot);
            load(loop.counter());
            mv.visitVarInsn(LSTORE, sliceStartSlot);
        }
        Label[] saved = Arrays.copyOfRange(labels, head - from, tail + 1 - from);
        Arrays.fill(labels, head - from, tail + 1 - from, null);
        for (int pc = head; pc < tail; pc++) {
            if (!unit.layout.wideTail[pc]) {
                emitInstruction(pc);
            }
        }
        mv.visitLabel(label(tail));
        if (unit.layout.leader[tail]) {
            emitCharge(tail);
        }
        if (sliced) {
            load(loop.counter());
            mv.visitVarInsn(LLOAD, sliceBoundSlot);
            mv.visitInsn(LCMP);
            mv.visitJumpInsn(equality ? IFNE : op == Opcodes.JMP_JLT || op == Opcodes.JMP_JGT ? IFLT : IFLE, label(head));
            mv.visitVarInsn(ILOAD, tickSlot);
            load(loop.counter());
            mv.visitVarInsn(LLOAD, sliceStartSlot);
            imm.pushLong(mv, loop.step());
            imm.pushInt(mv, span);
            mv.visitMethodInsn(INVOKESTATIC, Names.RUNTIME, "sliceCost", "(JJJI)I", false);
            mv.visitInsn(ISUB);
            emitPollWhenSpent(tail);
            compare64(op, jump, x, entry, true);
        } else {
            emitTick(tail, span);
            compare64(op, jump, x, label(head), true);
        }
        mv.visitJumpInsn(GOTO, branchTarget(tail, tail + 1));
        System.arraycopy(saved, 0, labels, head - from, saved.length);
        labels[head - from] = original;
        return entry;
    }

    /** Jumps to {@code fallback} unless register {@code r} holds a value in [0, limit]. */
    private void headCheck(int r, long limit, Label fallback) {
        load(r);
        imm.pushLong(mv, limit);
        mv.visitMethodInsn(INVOKESTATIC, "java/lang/Long", "compareUnsigned", "(JJ)I", false);
        mv.visitJumpInsn(IFGT, fallback);
    }

    /** Upper bound of the bytes a loop's head check and copied back edge add to its copied body. */
    static long loopCheckCost() {
        return 2 * (4 + 3 + 3 + 3) + 3 + 3 + SLICE_COST;
    }

    /** Upper bound of the bytes slicing adds to a loop's copy (set-up, slice test, charge, poll). */
    static final long SLICE_COST = 120;


    private static boolean fallsThrough(Instruction insn) {
        return !ProgramLayout.isExit(insn) && !ProgramLayout.isUnconditional(insn);
    }

    void emitPrologue() {
        if (frames != null) {
            initChunkLocals();
        }
        if (chunked()) {
            for (int r = 0; r <= 10; r++) {
                mv.visitVarInsn(ALOAD, regsSlot);
                imm.pushInt(mv, r);
                mv.visitInsn(LALOAD);
                mv.visitVarInsn(LSTORE, reg[r]);
            }
            if (plan.usesMayGoto) {
                mv.visitVarInsn(ALOAD, regsSlot);
                imm.pushInt(mv, MAY_GOTO_SLOT);
                mv.visitInsn(LALOAD);
                mv.visitVarInsn(LSTORE, mayGotoSlot);
            }
        } else {
            for (int r : new int[] {0, 6, 7, 8, 9}) {
                mv.visitInsn(LCONST_0);
                mv.visitVarInsn(LSTORE, reg[r]);
            }
            mv.visitVarInsn(ILOAD, depthSlot);
            mv.visitMethodInsn(INVOKESTATIC, Names.ADDRESS_SPACE, "frameTop", "(I)J", false);
            mv.visitVarInsn(LSTORE, reg[10]);
            if (plan.usesMayGoto) {
                imm.pushLong(mv, Alu.MAX_LOOPS);
                mv.visitVarInsn(LSTORE, mayGotoSlot);
            }
        }
        mv.visitVarInsn(ALOAD, 0);
        mv.visitMethodInsn(INVOKEVIRTUAL, Names.MACHINE, "memory", "()L" + Names.ADDRESS_SPACE + ";", false);
        mv.visitVarInsn(ASTORE, memSlot);
        if (plan.stackDirect) {
            // The frame's array and the index of its top, fetched once so that r10-relative
            // accesses become plain array accesses.
            mv.visitVarInsn(ALOAD, memSlot);
            mv.visitMethodInsn(INVOKEVIRTUAL, Names.ADDRESS_SPACE, "stack", "()[B", false);
            mv.visitVarInsn(ASTORE, stackSlot);
            mv.visitVarInsn(ILOAD, depthSlot);
            mv.visitInsn(ICONST_1);
            mv.visitInsn(IADD);
            imm.pushInt(mv, AddressSpace.FRAME_SIZE);
            mv.visitInsn(org.objectweb.asm.Opcodes.IMUL);
            mv.visitVarInsn(ISTORE, frameTopSlot);
            if (plan.slots != null) {
                memory.loadPromotedSlots();
            }
        }
        // A chunk keeps its first pc there and notes absolute pcs in the machine (setPc).
        imm.pushInt(mv, chunked() ? from : 0);
        mv.visitVarInsn(ISTORE, pcSlot);
        mv.visitInsn(ICONST_0);
        mv.visitVarInsn(ISTORE, codeSlot);
        mv.visitInsn(org.objectweb.asm.Opcodes.ACONST_NULL);
        mv.visitVarInsn(ASTORE, cacheRegionSlot);
        mv.visitInsn(org.objectweb.asm.Opcodes.ACONST_NULL);
        mv.visitVarInsn(ASTORE, cacheDataSlot);
        mv.visitInsn(ICONST_0);
        mv.visitVarInsn(ISTORE, cacheBaseSlot);
        mv.visitInsn(ICONST_0);
        mv.visitVarInsn(ISTORE, cacheWritableSlot);
        mv.visitInsn(LCONST_0);
        mv.visitVarInsn(LSTORE, cacheSizeSlot);
        imm.pushLong(mv, -1);
        mv.visitVarInsn(LSTORE, cacheIdSlot);
        if (!chunked() && plan.index == 0 && MemoryEmitter.usesRegionCache(unit, from, to)) {
            // The entry's r1 is the context or the input memory, which its loops may read through
            // the region cache (when the verifier could not tell): caching its region up front
            // keeps the cache's refill out of the loop's profile, so C2 compiles the loop with the
            // cached region invariant.
            load(1);
            mv.visitVarInsn(LSTORE, addressSlot);
            memory.emitFill();
        }
        if (MemoryEmitter.usesInput(unit, from, to)) {
            int proven = unit.provenPacketAccesses.nextSetBit(from);
            memory.emitInputFill(proven >= 0 && proven < to);
        }
        if (counts) {
            mv.visitVarInsn(ALOAD, 0);
            mv.visitMethodInsn(INVOKEVIRTUAL, Names.MACHINE, "countdown", "()I", false);
            mv.visitVarInsn(ISTORE, tickSlot);
        }
        mv.visitVarInsn(ALOAD, 0);
        mv.visitMethodInsn(INVOKEVIRTUAL, Names.MACHINE, "budget", "()J", false);
        mv.visitInsn(LCONST_0);
        mv.visitInsn(LCMP);
        mv.visitVarInsn(ISTORE, budgetSlot);
    }

    private void emitEntrySwitch() {
        int[] entries = plan.entries[chunk];
        Label[] targets = new Label[entries.length];
        for (int i = 0; i < entries.length; i++) {
            targets[i] = label(entries[i]);
        }
        Label bad = faultStub(from, "internal", "bad chunk entry");
        mv.visitVarInsn(ILOAD, entrySlot);
        imm.pushInt(mv, 0xffff);
        mv.visitInsn(IAND);
        mv.visitTableSwitchInsn(0, entries.length - 1, bad, targets);
    }

    /** Stores the registers to the register file and returns the dispatch code in codeSlot. */
    private void emitCommonExit() {
        mv.visitLabel(commonExit);
        saveTick();
        for (int r = 0; r <= 10; r++) {
            mv.visitVarInsn(ALOAD, regsSlot);
            imm.pushInt(mv, r);
            mv.visitVarInsn(LLOAD, reg[r]);
            mv.visitInsn(LASTORE);
        }
        if (plan.usesMayGoto) {
            mv.visitVarInsn(ALOAD, regsSlot);
            imm.pushInt(mv, MAY_GOTO_SLOT);
            mv.visitVarInsn(LLOAD, mayGotoSlot);
            mv.visitInsn(LASTORE);
        }
        mv.visitVarInsn(ILOAD, codeSlot);
        mv.visitInsn(IRETURN);
    }

    private void emitStubs() {
        for (Map.Entry<Integer, Label> e : exits.entrySet()) {
            mv.visitLabel(e.getValue());
            imm.pushInt(mv, plan.entryCode(e.getKey()));
            mv.visitVarInsn(ISTORE, codeSlot);
            mv.visitJumpInsn(GOTO, commonExit);
            usesCommonExit = true;
        }
        for (Map.Entry<String, Label> e : faultStubs.entrySet()) {
            mv.visitLabel(e.getValue());
            String[] parts = e.getKey().split("\0", 3);
            emitFault(Integer.parseInt(parts[0]), parts[1], parts[2]);
        }
        if (usesCommonExit) {
            emitCommonExit();
        }
    }

    /** Upper bound of the bytes of the shared parts of a method (prologue, switch base, stubs, handler). */
    static long fixedCost(FunctionPlan plan) {
        // 80 of it for the input region's fill, which only methods with input accesses have.
        // 12 of it for the countdown's load in the prologue and store at the common exit.
        return 535 + (plan.slots == null ? 0 : 40L * plan.slots.count());
    }

    int promotedLocal(int slot) {
        return promotedSlot + 2 * slot;
    }

    /** Upper bound of the bytes one exit stub (leaving a chunk for another) takes. */
    static long exitStubCost() {
        return 10 + 2 + 3;
    }

    // ---------------------------------------------------------------------------------------
    // Labels and stubs

    private Label label(int pc) {
        int i = pc - from;
        if (labels[i] == null) {
            labels[i] = new Label();
        }
        return labels[i];
    }

    private Label exitTo(int target) {
        if (measuring) {
            return new Label();
        }
        return exits.computeIfAbsent(target, t -> new Label());
    }

    private Label faultStub(int pc, String kind, String detail) {
        if (measuring) {
            return new Label();
        }
        return faultStubs.computeIfAbsent(pc + "\0" + kind + "\0" + detail, k -> new Label());
    }

    /** The label a jump from {@code pc} to {@code target} goes to, or a stub that faults or leaves the chunk. */
    private Label branchTarget(int pc, int target) {
        if (measuring) {
            return new Label();
        }
        if (target < plan.start || target >= plan.end || unit.layout.wideTail[target]) {
            return faultStub(pc, "invalid", "jump to pc " + target + " outside its function or into an lddw");
        }
        if (target < from || target >= to) {
            return exitTo(target);
        }
        return label(target);
    }

    /** Upper bound of the bytes a chunk's stores of defaults into its locals take ({@link #initChunkLocals}). */
    static final int CHUNK_LOCALS_COST = 3 * 45;
    /** Bytes a chunk's note of a pc takes beyond a method's store of it to a local. */
    static final int CHUNK_PC_NOTE = 7;
    /** How many pcs this emitter noted (measuring: the chunk form costs more per note). */
    int pcNotes;

    void setPc(int pc) {
        pcNotes++;
        if (chunked()) {
            mv.visitVarInsn(ALOAD, 0);
            mv.visitVarInsn(ILOAD, pcSlot);
            imm.pushInt(mv, pc - from);
            mv.visitInsn(IADD);
            mv.visitMethodInsn(INVOKEVIRTUAL, Names.MACHINE, "notePc", "(I)V", false);
        } else {
            imm.pushInt(mv, pc - from);
            mv.visitVarInsn(ISTORE, pcSlot);
        }
    }

    /** Sets the pc and throws the fault {@code JitRuntime.<kind>(detail)} (INVALID_INSTRUCTION or INTERNAL). */
    private void emitFault(int pc, String kind, String detail) {
        setPc(pc);
        mv.visitLdcInsn(detail);
        mv.visitMethodInsn(INVOKESTATIC, Names.RUNTIME, kind, "(Ljava/lang/String;)L" + Names.BPF_FAULT + ";", false);
        mv.visitInsn(ATHROW);
    }

    void invalid(int pc, String detail) {
        emitFault(pc, "invalid", detail);
    }

    // ---------------------------------------------------------------------------------------
    // Instructions

    void load(int r) {
        mv.visitVarInsn(LLOAD, reg[r]);
    }

    void store(int r) {
        mv.visitVarInsn(LSTORE, reg[r]);
    }

    void toUnsigned() {
        mv.visitMethodInsn(INVOKESTATIC, "java/lang/Integer", "toUnsignedLong", "(I)J", false);
    }

    void emitInstruction(int pc) {
        Instruction insn = unit.layout.code[pc];
        if (unit.layout.leader[pc] || pc == from) {
            if (backTargets.get(pc)) {
                placeBackTarget(label(pc));
            } else {
                mv.visitLabel(label(pc));
            }
        }
        if (unit.layout.leader[pc]) {
            emitCharge(pc);
        }
        switch (insn.instructionClass()) {
            case Opcodes.CLASS_ALU64 -> alu.emitAlu64(pc, insn);
            case Opcodes.CLASS_ALU -> alu.emitAlu32(pc, insn);
            case Opcodes.CLASS_JMP, Opcodes.CLASS_JMP32 -> emitJump(pc, insn);
            case Opcodes.CLASS_LD -> emitLd(pc, insn);
            case Opcodes.CLASS_LDX -> memory.emitLdx(pc, insn);
            default -> memory.emitStore(pc, insn);
        }
    }

    /** Charges the block's instruction count when the machine has a budget (checked once per method). */
    private void emitCharge(int pc) {
        Label skip = new Label();
        mv.visitVarInsn(ILOAD, budgetSlot);
        mv.visitJumpInsn(IFEQ, skip);
        setPc(pc);
        mv.visitVarInsn(ALOAD, 0);
        imm.pushLong(mv, unit.layout.blockLength[pc]);
        mv.visitMethodInsn(INVOKEVIRTUAL, Names.MACHINE, "charge", "(J)V", false);
        mv.visitLabel(skip);
    }

    /**
     * At a backward jump or a loop iteration through a callback: takes {@code span} instructions
     * (the body's length, which bounds the straight-line work of one iteration) off the countdown
     * and polls the machine when it runs out. The poll's branch is never taken in runs shorter
     * than {@link Machine#POLL_INTERVAL}, so C2 leaves only a decrement and a test in the loop.
     */
    private void emitTick(int pc, int span) {
        if (!counts) {
            return;
        }
        mv.visitVarInsn(ILOAD, tickSlot);
        imm.pushInt(mv, Math.max(1, Math.min(span, Machine.POLL_INTERVAL)));
        mv.visitInsn(ISUB);
        emitPollWhenSpent(pc);
    }

    /**
     * Stores the countdown on the operand stack and, when it went negative, polls the machine at
     * {@code pc} (interrupt, deadline, budget), which refills it.
     */
    private void emitPollWhenSpent(int pc) {
        Label skip = new Label();
        mv.visitInsn(DUP);
        mv.visitVarInsn(ISTORE, tickSlot);
        mv.visitJumpInsn(IFGE, skip);
        setPc(pc);
        mv.visitVarInsn(ALOAD, 0);
        mv.visitMethodInsn(INVOKEVIRTUAL, Names.MACHINE, "poll", "()I", false);
        mv.visitVarInsn(ISTORE, tickSlot);
        mv.visitLabel(skip);
    }

    /** Hands the countdown to the machine: before a call that may count too, and before returning. */
    private void saveTick() {
        if (counts) {
            mv.visitVarInsn(ALOAD, 0);
            mv.visitVarInsn(ILOAD, tickSlot);
            mv.visitMethodInsn(INVOKEVIRTUAL, Names.MACHINE, "setCountdown", "(I)V", false);
        }
    }

    /** Takes the countdown back from the machine after such a call. */
    private void reloadTick() {
        if (counts) {
            mv.visitVarInsn(ALOAD, 0);
            mv.visitMethodInsn(INVOKEVIRTUAL, Names.MACHINE, "countdown", "()I", false);
            mv.visitVarInsn(ISTORE, tickSlot);
        }
    }

    /** Sign-extends the long on the stack from 8, 16 (given conversion) or 32 bits (-1). */
    void signExtend(int conversion) {
        mv.visitInsn(org.objectweb.asm.Opcodes.L2I);
        if (conversion >= 0) {
            mv.visitInsn(conversion);
        }
        mv.visitInsn(I2L);
    }

    void operand64(Instruction insn, boolean x) {
        if (x) {
            load(insn.src());
        } else {
            imm.pushLong(mv, insn.imm());
        }
    }

    void operand32(Instruction insn, boolean x) {
        if (x) {
            load(insn.src());
            mv.visitInsn(org.objectweb.asm.Opcodes.L2I);
        } else {
            imm.pushInt(mv, insn.imm());
        }
    }

    private void emitJump(int pc, Instruction insn) {
        int op = insn.opcode() & 0xf0;
        boolean jmp32 = insn.instructionClass() == Opcodes.CLASS_JMP32;
        boolean x = (insn.opcode() & Opcodes.SRC_X) != 0;
        switch (op) {
            case Opcodes.JMP_JA -> {
                if (x) {
                    invalid(pc, "ja with register source");
                } else {
                    tickBackward(pc, insn);
                    mv.visitJumpInsn(GOTO, branchTarget(pc, ProgramLayout.jumpTarget(pc, insn)));
                }
            }
            case Opcodes.JMP_CALL -> {
                if (jmp32) {
                    invalid(pc, "call in JMP32 class");
                } else if (x) {
                    emitCallDynamic(pc, insn);
                } else if (insn.src() == Opcodes.CALL_HELPER) {
                    emitCallHelper(pc, insn.imm());
                } else if (insn.src() == Opcodes.CALL_LOCAL) {
                    emitCallLocal(pc, insn);
                } else {
                    invalid(pc, "call source " + insn.src());
                }
            }
            case Opcodes.JMP_EXIT -> {
                if (jmp32 || x) {
                    invalid(pc, "malformed exit");
                } else {
                    emitExit();
                }
            }
            case Opcodes.JMP_JCOND -> {
                if (jmp32 || x) {
                    invalid(pc, "malformed may_goto");
                } else {
                    tickBackward(pc, insn);
                    emitMayGoto(pc, insn);
                }
            }
            case 0xf0 -> invalid(pc, "unknown jump operation");
            default -> {
                tickBackward(pc, insn);
                Label target = branchTarget(pc, ProgramLayout.jumpTarget(pc, insn));
                if (jmp32) {
                    compare32(op, insn, x, target);
                } else {
                    compare64(op, insn, x, target, false);
                }
            }
        }
    }

    /** Counts a backward jump (taken or not: once per iteration either way) against the countdown. */
    private void tickBackward(int pc, Instruction insn) {
        int target = ProgramLayout.jumpTarget(pc, insn);
        if (target <= pc) {
            emitTick(pc, pc - target + 1);
        }
    }

    /**
     * A 64-bit conditional jump. {@code signedOrder} compares the unsigned conditions as signed,
     * for the signed copy of a counted loop, where both orders agree.
     */
    private void compare64(int op, Instruction insn, boolean x, Label target, boolean signedOrder) {
        load(insn.dst());
        operand64(insn, x);
        switch (op) {
            case Opcodes.JMP_JSET -> {
                mv.visitInsn(LAND);
                mv.visitInsn(LCONST_0);
                mv.visitInsn(LCMP);
                mv.visitJumpInsn(IFNE, target);
                return;
            }
            case Opcodes.JMP_JGT, Opcodes.JMP_JGE, Opcodes.JMP_JLT, Opcodes.JMP_JLE -> {
                if (signedOrder) {
                    mv.visitInsn(LCMP);
                } else {
                    mv.visitMethodInsn(INVOKESTATIC, "java/lang/Long", "compareUnsigned", "(JJ)I", false);
                }
            }
            default -> mv.visitInsn(LCMP);
        }
        mv.visitJumpInsn(zeroTest(op), target);
    }

    private void compare32(int op, Instruction insn, boolean x, Label target) {
        load(insn.dst());
        mv.visitInsn(org.objectweb.asm.Opcodes.L2I);
        operand32(insn, x);
        switch (op) {
            case Opcodes.JMP_JSET -> {
                mv.visitInsn(IAND);
                mv.visitJumpInsn(IFNE, target);
            }
            case Opcodes.JMP_JGT, Opcodes.JMP_JGE, Opcodes.JMP_JLT, Opcodes.JMP_JLE -> {
                mv.visitMethodInsn(INVOKESTATIC, "java/lang/Integer", "compareUnsigned", "(II)I", false);
                mv.visitJumpInsn(zeroTest(op), target);
            }
            case Opcodes.JMP_JEQ -> mv.visitJumpInsn(IF_ICMPEQ, target);
            case Opcodes.JMP_JNE -> mv.visitJumpInsn(IF_ICMPNE, target);
            case Opcodes.JMP_JSGT -> mv.visitJumpInsn(IF_ICMPGT, target);
            case Opcodes.JMP_JSGE -> mv.visitJumpInsn(IF_ICMPGE, target);
            case Opcodes.JMP_JSLT -> mv.visitJumpInsn(IF_ICMPLT, target);
            default -> mv.visitJumpInsn(IF_ICMPLE, target);
        }
    }

    /** The test of a three-way comparison result that takes the branch. */
    private static int zeroTest(int op) {
        return switch (op) {
            case Opcodes.JMP_JEQ -> IFEQ;
            case Opcodes.JMP_JNE -> IFNE;
            case Opcodes.JMP_JGT, Opcodes.JMP_JSGT -> IFGT;
            case Opcodes.JMP_JGE, Opcodes.JMP_JSGE -> IFGE;
            case Opcodes.JMP_JLT, Opcodes.JMP_JSLT -> IFLT;
            default -> IFLE;
        };
    }

    private void pushArguments() {
        mv.visitVarInsn(ALOAD, 0);
        for (int r = 1; r <= 5; r++) {
            load(r);
        }
    }

    private void emitCallHelper(int pc, int id) {
        setPc(pc);
        if (unit.helpers.get(id) == null) {
            imm.pushInt(mv, id);
            mv.visitMethodInsn(INVOKESTATIC, Names.RUNTIME, "unknownHelper", Names.FAULT_DESC, false);
            mv.visitInsn(ATHROW);
            return;
        }
        int callback = unit.inlineLoopCallback(pc, id);
        if (callback >= 0) {
            emitLoop(pc, unit.layout.functionAt(callback));
            return;
        }
        int indexed = unit.indexedLookup(pc, id);
        if (indexed >= 0) {
            // An array map the verifier names on every path: looked up by number, no key bytes.
            mv.visitVarInsn(ALOAD, 0);
            mv.visitFieldInsn(GETSTATIC, unit.internalName, unit.mapField(indexed, measuring),
                    "L" + Names.INDEXED_MAP + ";");
            load(2);
            mv.visitMethodInsn(INVOKESTATIC, Names.RUNTIME, "lookupIndex",
                    "(L" + Names.MACHINE + ";L" + Names.INDEXED_MAP + ";J)J", false);
            store(0);
            return;
        }
        // The entry function ends itself at a tail call (in frame 0: a program run unverified may
        // call it again); deeper frames take the signal.
        boolean endsAtTailCall = id == StandardHelpers.TAIL_CALL && plan.start == 0;
        recordDepthForCallbacks();
        mv.visitFieldInsn(GETSTATIC, unit.internalName, unit.helperField(id, measuring), "L" + Names.HELPER_SPEC + ";");
        pushArguments();
        if (endsAtTailCall) {
            mv.visitVarInsn(ILOAD, depthSlot);
            mv.visitMethodInsn(INVOKESTATIC, Names.RUNTIME, "tailCall",
                    "(L" + Names.HELPER_SPEC + ";L" + Names.MACHINE + ";JJJJJI)J", false);
        } else {
            mv.visitMethodInsn(INVOKESTATIC, Names.RUNTIME, "callHelper",
                    "(L" + Names.HELPER_SPEC + ";" + Names.HELPER_CALL_DESC.substring(1), false);
        }
        store(0);
        afterCallbacks();
        if (endsAtTailCall) {
            Label goesOn = new Label();
            mv.visitVarInsn(ALOAD, 0);
            mv.visitMethodInsn(INVOKESTATIC, Names.RUNTIME, "tailCallPending", "(L" + Names.MACHINE + ";)Z", false);
            mv.visitJumpInsn(IFEQ, goesOn);
            emitExit();
            mv.visitLabel(goesOn);
        }
    }

    /**
     * bpf_loop with a callback the verifier knows, run here rather than through the helper: the
     * callback's method is called directly, so C2 can inline it into the loop. Behaves as
     * {@code StandardHelpers.isBpfLoop} describes, with the same faults (call depth, at this pc) and
     * frame zeroing as a call through the helper.
     */
    private void emitLoop(int pc, int callee) {
        Label loop = new Label();
        Label end = new Label();
        Label done = new Label();
        load(4);
        mv.visitInsn(LCONST_0);
        mv.visitInsn(LCMP);
        errnoUnless(IFEQ, Errno.EINVAL, done);
        load(1);
        imm.pushLong(mv, 0xffffffffL);
        mv.visitInsn(LAND);
        mv.visitVarInsn(LSTORE, loopCountSlot);
        mv.visitVarInsn(LLOAD, loopCountSlot);
        imm.pushLong(mv, StandardHelpers.LOOP_MAX_ITERATIONS);
        mv.visitInsn(LCMP);
        errnoUnless(IFLE, Errno.E2BIG, done);
        load(3);
        mv.visitVarInsn(LSTORE, loopContextSlot);
        mv.visitInsn(LCONST_0);
        mv.visitVarInsn(LSTORE, loopIndexSlot);
        placeBackTarget(loop);
        // Both in [0, 2^23]: a signed comparison, which C2 makes a counted loop of.
        mv.visitVarInsn(LLOAD, loopIndexSlot);
        mv.visitVarInsn(LLOAD, loopCountSlot);
        mv.visitInsn(LCMP);
        mv.visitJumpInsn(IFGE, end);
        emitTick(pc, unit.layout.functionEnd(callee) - unit.layout.functionStart(callee) + 1);
        emitCalleeFrame("callbackDepth");
        boolean sync = unit.counts(callee);
        if (sync) {
            saveTick();
        }
        mv.visitVarInsn(ALOAD, 0);
        mv.visitVarInsn(LLOAD, loopIndexSlot);
        mv.visitVarInsn(LLOAD, loopContextSlot);
        mv.visitInsn(LCONST_0);
        mv.visitInsn(LCONST_0);
        mv.visitInsn(LCONST_0);
        mv.visitVarInsn(ILOAD, depthSlot);
        mv.visitInsn(ICONST_1);
        mv.visitInsn(IADD);
        mv.visitMethodInsn(INVOKESTATIC, unit.internalName, "f" + callee, Names.FUNCTION_DESC, false);
        if (sync) {
            reloadTick();
        }
        mv.visitVarInsn(LLOAD, loopIndexSlot);
        mv.visitInsn(LCONST_1);
        mv.visitInsn(LADD);
        mv.visitVarInsn(LSTORE, loopIndexSlot);
        // A callback that returns non-zero ends the loop after i + 1 calls.
        mv.visitInsn(LCONST_0);
        mv.visitInsn(LCMP);
        mv.visitJumpInsn(IFEQ, loop);
        mv.visitLabel(end);
        mv.visitVarInsn(LLOAD, loopIndexSlot);
        store(0);
        mv.visitLabel(done);
    }

    /** A helper may call back into the program one frame deeper; only programs with function pointers need this. */
    private void recordDepthForCallbacks() {
        if (unit.takesFunctionPointers) {
            saveTick();
            mv.visitVarInsn(ALOAD, 0);
            mv.visitVarInsn(ILOAD, depthSlot);
            mv.visitMethodInsn(INVOKESTATIC, Names.RUNTIME, "enterHelper", "(L" + Names.MACHINE + ";I)V", false);
        }
    }

    /** After a helper that may have run callbacks, which counted on the machine's countdown. */
    private void afterCallbacks() {
        if (unit.takesFunctionPointers) {
            reloadTick();
        }
    }

    private void emitCallDynamic(int pc, Instruction insn) {
        setPc(pc);
        recordDepthForCallbacks();
        mv.visitFieldInsn(GETSTATIC, unit.internalName, CompilationUnit.HELPERS_FIELD, "L" + Names.HELPER_TABLE + ";");
        mv.visitVarInsn(ALOAD, 0);
        load(insn.dst());
        for (int r = 1; r <= 5; r++) {
            load(r);
        }
        mv.visitMethodInsn(INVOKESTATIC, Names.RUNTIME, "callDynamic",
                "(L" + Names.HELPER_TABLE + ";L" + Names.MACHINE + ";JJJJJJ)J", false);
        store(0);
        afterCallbacks();
    }

    private void emitCallLocal(int pc, Instruction insn) {
        int callee = unit.layout.functionAt(pc + insn.imm() + 1);
        if (callee < 0) {
            invalid(pc, "call to pc " + (pc + insn.imm() + 1) + " outside the program");
            return;
        }
        setPc(pc);
        emitCalleeFrame("callDepth");
        boolean sync = unit.counts(callee);
        if (sync) {
            saveTick();
        }
        pushArguments();
        mv.visitVarInsn(ILOAD, depthSlot);
        mv.visitInsn(ICONST_1);
        mv.visitInsn(IADD);
        mv.visitMethodInsn(INVOKESTATIC, unit.internalName, "f" + callee, Names.FUNCTION_DESC, false);
        store(0);
        if (sync) {
            reloadTick();
        }
    }

    /** With an int on the stack: unless {@code okJump} takes it, r0 = -{@code errno} and on to {@code done}. */
    private void errnoUnless(int okJump, int errno, Label done) {
        Label ok = new Label();
        mv.visitJumpInsn(okJump, ok);
        imm.pushLong(mv, -errno);
        store(0);
        mv.visitJumpInsn(GOTO, done);
        mv.visitLabel(ok);
    }

    /**
     * Before a call one frame deeper: faults through {@code depthFault} (a {@link JitRuntime}
     * method) when this frame is the last one, and zeroes the callee's frame when the program may
     * read stack it did not write (as the interpreter always does, where nothing can tell).
     */
    private void emitCalleeFrame(String depthFault) {
        Label ok = new Label();
        mv.visitVarInsn(ILOAD, depthSlot);
        imm.pushInt(mv, AddressSpace.MAX_FRAMES - 1);
        mv.visitJumpInsn(IF_ICMPLT, ok);
        mv.visitVarInsn(ILOAD, depthSlot);
        mv.visitMethodInsn(INVOKESTATIC, Names.RUNTIME, depthFault, Names.FAULT_DESC, false);
        mv.visitInsn(ATHROW);
        mv.visitLabel(ok);
        if (unit.zeroesFrames) {
            mv.visitVarInsn(ALOAD, memSlot);
            mv.visitVarInsn(ILOAD, depthSlot);
            mv.visitInsn(ICONST_1);
            mv.visitInsn(IADD);
            mv.visitMethodInsn(INVOKEVIRTUAL, Names.ADDRESS_SPACE, "clearFrame", "(I)V", false);
        }
    }

    private void emitExit() {
        saveTick();
        if (chunked()) {
            mv.visitVarInsn(ALOAD, regsSlot);
            mv.visitInsn(ICONST_0);
            load(0);
            mv.visitInsn(LASTORE);
            mv.visitInsn(ICONST_M1);
            mv.visitInsn(IRETURN);
        } else {
            if (plan.slots != null) {
                memory.storePromotedSlots();
            }
            load(0);
            mv.visitInsn(LRETURN);
        }
    }

    /** {@code may_goto}: jumps once the frame's loop budget is used up, otherwise counts one down. */
    private void emitMayGoto(int pc, Instruction insn) {
        Label target = branchTarget(pc, ProgramLayout.jumpTarget(pc, insn));
        mv.visitVarInsn(LLOAD, mayGotoSlot);
        mv.visitInsn(LCONST_0);
        mv.visitInsn(LCMP);
        mv.visitJumpInsn(IFEQ, target);
        mv.visitVarInsn(LLOAD, mayGotoSlot);
        mv.visitInsn(LCONST_1);
        mv.visitInsn(LSUB);
        mv.visitVarInsn(LSTORE, mayGotoSlot);
    }

    private void emitLd(int pc, Instruction insn) {
        if (!insn.isWide()) {
            emitPacketLoad(pc, insn);
            return;
        }
        Instruction[] code = unit.layout.code;
        if (pc + 1 >= code.length) {
            invalid(pc, "lddw without its second slot");
            return;
        }
        boolean mapSource = insn.src() == Opcodes.PSEUDO_MAP_IDX || insn.src() == Opcodes.PSEUDO_MAP_IDX_VALUE;
        if (mapSource && (insn.imm() < 0 || insn.imm() >= unit.program.maps().size())) {
            invalid(pc, BpfFault.noSuchMap(insn.imm(), unit.program.maps().size()).detail());
            return;
        }
        switch (insn.src()) {
            case Opcodes.PSEUDO_NONE -> imm.pushLong(mv, Instruction.wideImmediate(code, pc));
            case Opcodes.PSEUDO_FUNC -> imm.pushLong(mv, (long) pc + 1 + insn.imm());
            case Opcodes.PSEUDO_MAP_IDX -> imm.pushLong(mv, Machine.mapHandle(insn.imm()));
            case Opcodes.PSEUDO_MAP_IDX_VALUE -> {
                setPc(pc);
                mv.visitVarInsn(ALOAD, 0);
                imm.pushInt(mv, insn.imm());
                mv.visitMethodInsn(INVOKEVIRTUAL, Names.MACHINE, "mapValueAddress", "(I)J", false);
                imm.pushLong(mv, code[pc + 1].imm() & 0xffffffffL);
                mv.visitInsn(LADD);
            }
            default -> {
                invalid(pc, "lddw source " + insn.src() + " was not resolved by the loader");
                return;
            }
        }
        store(insn.dst());
    }

    /**
     * {@code LD_ABS}/{@code LD_IND}: a big-endian load from the machine's packet into r0; outside
     * the packet the run ends with r0 = 0 (as in the kernel and the interpreter).
     */
    private void emitPacketLoad(int pc, Instruction insn) {
        setPc(pc);
        mv.visitVarInsn(ALOAD, 0);
        if ((insn.opcode() & 0xe0) == Opcodes.MODE_IND) {
            load(insn.src());
            mv.visitInsn(org.objectweb.asm.Opcodes.L2I);
            imm.pushInt(mv, insn.imm());
            mv.visitInsn(IADD);
        } else {
            imm.pushInt(mv, insn.imm());
        }
        imm.pushInt(mv, Opcodes.sizeBytes(insn.opcode()));
        mv.visitMethodInsn(INVOKEVIRTUAL, Names.MACHINE, "loadPacket", "(II)J", false);
        mv.visitInsn(org.objectweb.asm.Opcodes.DUP2);
        store(0);
        mv.visitInsn(LCONST_0);
        mv.visitInsn(LCMP);
        Label inside = new Label();
        mv.visitJumpInsn(IFGE, inside);
        mv.visitInsn(LCONST_0);
        store(0);
        if (plan.index == 0) {
            emitExit();
        } else {
            mv.visitMethodInsn(INVOKESTATIC, Names.RUNTIME, "endOfRun", "()L" + Names.RUNTIME_PACKAGE + "EndOfRun;", false);
            mv.visitInsn(ATHROW);
        }
        mv.visitLabel(inside);
    }

}
