package dev.jvmbpf.jit.internal;

import static org.objectweb.asm.Opcodes.AALOAD;
import static org.objectweb.asm.Opcodes.ACC_FINAL;
import static org.objectweb.asm.Opcodes.ACC_PRIVATE;
import static org.objectweb.asm.Opcodes.ACC_PUBLIC;
import static org.objectweb.asm.Opcodes.ACC_STATIC;
import static org.objectweb.asm.Opcodes.ACC_SUPER;
import static org.objectweb.asm.Opcodes.ALOAD;
import static org.objectweb.asm.Opcodes.ASTORE;
import static org.objectweb.asm.Opcodes.CHECKCAST;
import static org.objectweb.asm.Opcodes.GETSTATIC;
import static org.objectweb.asm.Opcodes.GOTO;
import static org.objectweb.asm.Opcodes.IFGE;
import static org.objectweb.asm.Opcodes.ILOAD;
import static org.objectweb.asm.Opcodes.INVOKESPECIAL;
import static org.objectweb.asm.Opcodes.INVOKESTATIC;
import static org.objectweb.asm.Opcodes.INVOKEVIRTUAL;
import static org.objectweb.asm.Opcodes.IRETURN;
import static org.objectweb.asm.Opcodes.ISTORE;
import static org.objectweb.asm.Opcodes.IUSHR;
import static org.objectweb.asm.Opcodes.LALOAD;
import static org.objectweb.asm.Opcodes.LASTORE;
import static org.objectweb.asm.Opcodes.LLOAD;
import static org.objectweb.asm.Opcodes.LRETURN;
import static org.objectweb.asm.Opcodes.NEWARRAY;
import static org.objectweb.asm.Opcodes.PUTSTATIC;
import static org.objectweb.asm.Opcodes.RETURN;
import static org.objectweb.asm.Opcodes.T_LONG;
import static org.objectweb.asm.Opcodes.V21;

import dev.jvmbpf.helpers.StandardHelpers;
import dev.jvmbpf.runtime.exec.HelperSpec;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.isa.Alu;
import dev.jvmbpf.runtime.isa.ControlFlow;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import dev.jvmbpf.runtime.maps.IndexedMap;
import dev.jvmbpf.runtime.memory.AddressSpace;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.verifier.ProvenAccess;
import dev.jvmbpf.runtime.verifier.VerifiedProgram;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * Compiles one program into the bytes of one class: a static method per BPF function (or chunk
 * methods and a dispatcher for functions too large for one method), static final fields holding
 * the runtime objects it calls (set from class data in {@code <clinit>}, so C2 treats them as
 * constants), and an instance method {@code run} implementing {@link CompiledEntry}.
 */
final class CompilationUnit {
    static final String PROGRAM_FIELD = "PROGRAM";
    static final String HELPERS_FIELD = "HELPERS";
    /** HotSpot refuses to compile methods over 8000 bytes; plans stay well below to absorb estimate slack. */
    static final long METHOD_LIMIT = 7000;
    /** Chunks per dispatcher group (one tableswitch each). */
    static final int GROUP = 256;

    final String internalName;
    final ProgramLayout layout;
    final HelperTable helpers;
    final BpfProgram program;
    /** True when the program loads function pointers, so helpers may call back into it. */
    final boolean takesFunctionPointers;
    /**
     * Per pc, the frame-pointer-relative offset the verifier proved for the access there
     * ({@code VerifiedProgram.NO_STACK_OFFSET} otherwise), or null when the verifier did not
     * accept the program or split it into other functions than this compiler.
     */
    final int[] stackOffsets;
    /**
     * The accesses the verifier saw go through pointers into the run's packet or input memory
     * (empty when it has no facts): they test the address against that region first.
     */
    final BitSet inputAccesses;
    /**
     * The loads and stores the verifier saw go through the context pointer: loads go straight to
     * the address space, whose context view computes fields such as XDP's {@code data}, and
     * leave the region cache to other memory.
     */
    final BitSet contextAccesses;
    /**
     * Whether a callee's frame is zeroed before the call: unless the verifier showed that no
     * function reads stack bytes it has not written in the same call, when nothing can tell.
     */
    final boolean zeroesFrames;
    /** The verifier's facts (for {@link VerifiedProgram#frameAccessUp} and friends); null unverified. */
    final VerifiedProgram verified;
    /**
     * Per pc: a packet access the verifier proved inside [data, data_end) in a function whose
     * methods' packet region cannot go stale (no call there may move the packet: no local call,
     * no callback, no helper that changes the packet), so it needs no bounds test of its own.
     */
    final BitSet provenPacketAccesses;
    /** Maps looked up by index from compiled code, by their index in the program, mapped to their field names. */
    private final TreeMap<Integer, String> mapFields = new TreeMap<>();
    /** Helper ids called statically, mapped to their field names. */
    private final TreeMap<Integer, String> helperFields = new TreeMap<>();
    private final FunctionPlan[] plans;
    /** Per function: whether it counts down to the machine's next poll (see {@link #counts}). */
    private final boolean[] counting;
    /**
     * Programs from this size on compute each method's frames alone (see {@link #method}): ASM's
     * analysis kept for the whole class costs about 1.4 KB per instruction (250 MB at 1M), while
     * writing and reading each method once more costs time: double at 1,000 instructions (2 to
     * 4 ms), a third more at 10,000 (9 to 12.5 ms), less than the garbage collector saves from
     * about 100,000 on.
     */
    static final int FRAMES_ALONE_FROM = 32_768;
    /** Whether {@link #emit} computes stack-map frames method by method, copying each in. */
    private boolean framesAlone;
    /** Whether chunks of split functions write their own frames ({@link ChunkFrames}). */
    private boolean chunkFrames;
    /**
     * {@code jvmbpf.jit.chunkFrames}: {@code on} (the default) writes chunks' frames in one pass
     * and falls back to ASM's analysis where that pass cannot; {@code strict} makes such a fallback
     * an error (the tests run so); {@code off} leaves every frame to ASM.
     */
    private static final String CHUNK_FRAMES = System.getProperty("jvmbpf.jit.chunkFrames", "on");

    private CompilationUnit(String internalName, VerifiedProgram checked, HelperTable helpers) {
        this.internalName = internalName;
        this.program = checked.program();
        this.layout = new ProgramLayout(program.instructionsView());
        this.helpers = helpers;
        boolean pointers = false;
        for (int pc = 0; pc < layout.code.length; pc++) {
            pointers |= !layout.wideTail[pc] && ProgramLayout.isFunctionPointer(layout.code[pc]);
        }
        this.takesFunctionPointers = pointers;
        VerifiedProgram verified = usableFacts(checked, layout);
        this.stackOffsets = verified == null ? null : verified.stackOffsets();
        this.inputAccesses = verified == null ? new BitSet() : verified.inputAccesses();
        this.contextAccesses = verified == null ? new BitSet() : verified.contextAccesses();
        this.zeroesFrames = verified == null || verified.readsUnwrittenStack();
        this.verified = verified;
        this.provenPacketAccesses = provenPacketAccesses(verified, layout, helpers);
        this.counting = new boolean[layout.functionCount()];
        for (int f = 0; f < counting.length; f++) {
            counting[f] = loops(layout.functionStart(f), layout.functionEnd(f));
        }
        this.plans = new FunctionPlan[layout.functionCount()];
        for (int f = 0; f < plans.length; f++) {
            plans[f] = plan(f);
        }
    }

    /**
     * The verifier's facts (which accesses provably hit the current frame, which go to the packet
     * or input memory, ...) when the verifier accepted the program and split it into the same
     * functions as the JIT; otherwise null, and the program compiles with every check on.
     */
    private static VerifiedProgram usableFacts(VerifiedProgram checked, ProgramLayout layout) {
        return checked.passed() && Arrays.equals(checked.subprogramEntries(), layout.functionStarts) ? checked : null;
    }

    private static BitSet provenPacketAccesses(VerifiedProgram verified, ProgramLayout layout, HelperTable helpers) {
        BitSet out = new BitSet();
        if (verified == null) {
            return out;
        }
        ProvenAccess[] proofs = verified.provenAccesses();
        for (int f = 0; f < layout.functionCount(); f++) {
            int start = layout.functionStart(f);
            int end = layout.functionEnd(f);
            if (!packetStable(layout, helpers, start, end)) {
                continue;
            }
            for (int pc = start; pc < end; pc++) {
                if (proofs[pc] != null && proofs[pc].region() == ProvenAccess.Region.PACKET
                        && verified.isInputAccess(pc)) {
                    out.set(pc);
                }
            }
        }
        return out;
    }

    /** Whether no call in [start, end) may move the packet or run code that may. */
    private static boolean packetStable(ProgramLayout layout, HelperTable helpers, int start, int end) {
        for (int pc = start; pc < end; pc++) {
            Instruction insn = layout.code[pc];
            if (layout.wideTail[pc] || insn.opcode() != Opcodes.CALL && insn.opcode() != (Opcodes.CALL | Opcodes.SRC_X)) {
                continue;
            }
            if (insn.opcode() != Opcodes.CALL || insn.src() != Opcodes.CALL_HELPER) {
                return false;
            }
            HelperSpec spec = helpers.get(insn.imm() & 0xffffffffL);
            if (spec == null || spec.changesPacket() || spec.takesCallback()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether function {@code f} has a backward jump or runs bpf_loop inline: only such functions
     * can run longer than their length, so only they count down to the machine's next poll for
     * an interrupt or a deadline (see {@code MethodEmitter}).
     */
    boolean counts(int f) {
        return counting[f];
    }

    private boolean loops(int start, int end) {
        for (int pc = start; pc < end; pc++) {
            Instruction insn = layout.code[pc];
            if (layout.wideTail[pc]) {
                continue;
            }
            if (ProgramLayout.isBranch(insn) && ProgramLayout.jumpTarget(pc, insn) <= pc) {
                return true;
            }
            if (insn.opcode() == Opcodes.CALL && insn.src() == Opcodes.CALL_HELPER && inlineLoopCallback(pc, insn.imm()) >= 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * The index into the frame array, relative to the current frame's top, of the access at
     * {@code pc} when the verifier proved where in which frame it lands (its own or a caller's),
     * else {@code VerifiedProgram.NO_STACK_OFFSET}.
     */
    int provenFrameIndex(int pc, int width) {
        int own = stackOffsets != null ? stackOffsets[pc] : VerifiedProgram.NO_STACK_OFFSET;
        if (own != VerifiedProgram.NO_STACK_OFFSET) {
            return insideFrame(own, width) ? own : VerifiedProgram.NO_STACK_OFFSET;
        }
        int up = verified == null ? -1 : verified.frameAccessUp(pc);
        if (up < 0) {
            return VerifiedProgram.NO_STACK_OFFSET;
        }
        int offset = verified.frameAccessOffset(pc);
        return insideFrame(offset, width) ? offset - up * AddressSpace.FRAME_SIZE : VerifiedProgram.NO_STACK_OFFSET;
    }

    /** Whether {@code width} bytes at {@code offset} from a frame's top lie inside the frame. */
    static boolean insideFrame(int offset, int width) {
        return offset >= -AddressSpace.FRAME_SIZE && offset + width <= 0;
    }

    /**
     * The entry of the function the call of helper {@code id} at {@code pc} always passes to
     * bpf_loop, when the JIT may run that loop itself (the helper is this runtime's bpf_loop and
     * the verifier knows the callback); otherwise -1.
     */
    int inlineLoopCallback(int pc, int id) {
        if (verified == null || id != StandardHelpers.LOOP || !StandardHelpers.isBpfLoop(helpers.get(id))) {
            return -1;
        }
        int entry = verified.loopCallbackAt(pc);
        return entry >= 0 && layout.functionAt(entry) >= 0 ? entry : -1;
    }

    /**
     * The generated class and its class data; {@code zeroesFrames} as {@link #zeroesFrames}
     * (callbacks that helpers run get a cleared frame only then).
     */
    record Compiled(String internalName, byte[] bytes, Object[] classData, boolean zeroesFrames) {
    }

    static Compiled compile(String internalName, VerifiedProgram program, HelperTable helpers, boolean computeFrames) {
        return compile(internalName, program, helpers, computeFrames, CHUNK_FRAMES);
    }

    /** As above, with {@code chunkFramesMode} for {@code jvmbpf.jit.chunkFrames} (tests try each). */
    static Compiled compile(String internalName, VerifiedProgram program, HelperTable helpers, boolean computeFrames,
            String chunkFramesMode) {
        // What the JIT refuses at load time is what the interpreter refuses: one check for both.
        ControlFlow.check(program.program().name(), program.program().instructionsView());
        CompilationUnit unit = new CompilationUnit(internalName, program, helpers);
        byte[] bytes;
        try {
            bytes = unit.emit(computeFrames, computeFrames && !"off".equals(chunkFramesMode));
        } catch (ChunkFrames.Unsupported e) {
            if ("strict".equals(chunkFramesMode)) {
                throw new IllegalStateException("chunk frames: " + e.getMessage(), e);
            }
            bytes = unit.emit(true, false);
        }
        List<Object> data = new ArrayList<>();
        data.add(program.program().instructionsView());
        data.add(helpers);
        for (int id : unit.helperFields.keySet()) {
            data.add(helpers.get(id));
        }
        for (int index : unit.mapFields.keySet()) {
            data.add(program.program().maps().get(index));
        }
        return new Compiled(internalName, bytes, data.toArray(), unit.zeroesFrames);
    }

    /**
     * The index of the array map that the map_lookup_elem call ({@code id}) at {@code pc} always
     * looks into, when compiled code may look it up itself (this runtime's lookup helper, a map
     * with 4-byte keys that takes them as numbers); otherwise -1.
     */
    int indexedLookup(int pc, int id) {
        if (verified == null || id != StandardHelpers.MAP_LOOKUP_ELEM || !StandardHelpers.isMapLookup(helpers.get(id))) {
            return -1;
        }
        int map = verified.mapArgumentAt(pc);
        return map >= 0 && map < program.maps().size() && program.maps().get(map) instanceof IndexedMap m
                && m.spec().keySize() == 4 ? map : -1;
    }

    /** The static field holding map {@code index} of the program, as an {@code IndexedMap}. */
    String mapField(int index, boolean measuring) {
        if (measuring) {
            return "M";
        }
        return mapFields.computeIfAbsent(index, i -> "M" + i);
    }

    String helperField(int id, boolean measuring) {
        if (measuring) {
            return "H";
        }
        return helperFields.computeIfAbsent(id, i -> "H" + i);
    }

    // ---------------------------------------------------------------------------------------
    // Planning

    private FunctionPlan plan(int f) {
        int start = layout.functionStart(f);
        int end = layout.functionEnd(f);
        boolean stackDirect = !layout.writesFramePointer(start, end);
        boolean mayGoto = false;
        for (int pc = start; pc < end; pc++) {
            if (!layout.wideTail[pc] && layout.code[pc].opcode() == Opcodes.MAY_GOTO) {
                mayGoto = true;
            }
        }
        StackSlots slots = StackSlots.analyse(layout, start, end, stackOffsets != null);
        FunctionPlan whole = new FunctionPlan(f, start, end, stackDirect, mayGoto, slots, null, null);
        long[][] sizes = measure(whole);
        long[] cost = sizes[0];
        long total = MethodEmitter.fixedCost(whole);
        for (long c : cost) {
            total += c;
        }
        if (total <= METHOD_LIMIT) {
            List<CountedLoop> loops = CountedLoop.find(layout, start, end);
            long copies = 0;
            for (CountedLoop loop : loops) {
                copies += MethodEmitter.loopCheckCost();
                for (int pc = loop.head(); pc <= loop.tail(); pc++) {
                    copies += cost[pc - start];
                }
            }
            return loops.isEmpty() || total + copies > METHOD_LIMIT ? whole : whole.withLoops(loops);
        }
        // Chunks exchange registers through an array; their frame stays the frame array.
        cost = slots == null ? sizes[1] : measure(new FunctionPlan(f, start, end, stackDirect, mayGoto, null, null, null))[1];
        // Pack instructions into chunks; a chunk additionally pays a table entry per block
        // (possible entry) and an exit stub per branch (possible exit).
        List<Integer> starts = new ArrayList<>();
        List<Long> fill = new ArrayList<>();
        long used = 0;
        for (int pc = start; pc < end; pc++) {
            if (layout.wideTail[pc]) {
                continue;
            }
            long c = chunkCost(cost, start, pc);
            if (starts.isEmpty() || used + c > METHOD_LIMIT) {
                if (!starts.isEmpty()) {
                    fill.add(used);
                }
                starts.add(pc);
                used = MethodEmitter.fixedCost(whole) + MethodEmitter.exitStubCost() + MethodEmitter.CHUNK_LOCALS_COST;
            }
            used += c;
        }
        fill.add(used);
        if (starts.size() >= FunctionPlan.MAX_CHUNKS) {
            throw new LoadException("program " + program.name() + ": function at pc " + start
                    + " is too large to compile (" + (end - start) + " instructions)");
        }
        int[] chunkStarts = starts.stream().mapToInt(Integer::intValue).toArray();
        FunctionPlan shape = new FunctionPlan(f, start, end, stackDirect, mayGoto, null, chunkStarts,
                new int[chunkStarts.length][]);
        List<TreeSet<Integer>> entries = new ArrayList<>();
        for (int c = 0; c < chunkStarts.length; c++) {
            TreeSet<Integer> set = new TreeSet<>();
            set.add(chunkStarts[c]);
            entries.add(set);
        }
        for (int pc = start; pc < end; pc++) {
            Instruction insn = layout.code[pc];
            if (layout.wideTail[pc] || !ProgramLayout.isBranch(insn)) {
                continue;
            }
            int target = ProgramLayout.jumpTarget(pc, insn);
            if (target >= start && target < end && !layout.wideTail[target]
                    && shape.chunkOf(target) != shape.chunkOf(pc)) {
                entries.get(shape.chunkOf(target)).add(target);
            }
        }
        int[][] entryArrays = new int[chunkStarts.length][];
        for (int c = 0; c < chunkStarts.length; c++) {
            entryArrays[c] = entries.get(c).stream().mapToInt(Integer::intValue).toArray();
        }
        // A counted loop inside one chunk gets its signed copy there, where the chunk has room.
        List<CountedLoop> versioned = new ArrayList<>();
        for (CountedLoop loop : CountedLoop.find(layout, start, end)) {
            int c = shape.chunkOf(loop.head());
            if (shape.chunkOf(loop.tail()) != c) {
                continue;
            }
            long copy = MethodEmitter.loopCheckCost();
            for (int pc = loop.head(); pc <= loop.tail(); pc++) {
                copy += layout.wideTail[pc] ? 0 : chunkCost(cost, start, pc);
            }
            if (fill.get(c) + copy <= METHOD_LIMIT) {
                fill.set(c, fill.get(c) + copy);
                versioned.add(loop);
            }
        }
        return new FunctionPlan(f, start, end, stackDirect, mayGoto, null, chunkStarts, entryArrays)
                .withLoops(versioned);
    }

    /**
     * What instruction {@code pc} may add to a chunk method: its code, a table entry if it starts
     * a block (a possible entry), an exit stub if it branches (a possible exit).
     */
    private long chunkCost(long[] cost, int start, int pc) {
        return cost[pc - start] + (layout.leader[pc] ? 4 : 0)
                + (ProgramLayout.isBranch(layout.code[pc]) ? MethodEmitter.exitStubCost() : 0);
    }

    /**
     * Upper bounds of the bytes each instruction of the function emits (0 for lddw tails): as one
     * method, and as part of a chunk, where each pc it notes costs {@link MethodEmitter#CHUNK_PC_NOTE}
     * more.
     */
    private long[][] measure(FunctionPlan whole) {
        CodeSize size = new CodeSize();
        MethodEmitter emitter = new MethodEmitter(this, size, new Immediates(true), whole, -1, true);
        long[] cost = new long[whole.end - whole.start];
        long[] chunked = new long[cost.length];
        for (int pc = whole.start; pc < whole.end; pc++) {
            if (layout.wideTail[pc]) {
                continue;
            }
            long before = size.bytes();
            int notes = emitter.pcNotes;
            emitter.emitInstruction(pc);
            cost[pc - whole.start] = size.bytes() - before;
            chunked[pc - whole.start] = cost[pc - whole.start]
                    + (long) (emitter.pcNotes - notes) * MethodEmitter.CHUNK_PC_NOTE;
        }
        return new long[][] {cost, chunked};
    }

    // ---------------------------------------------------------------------------------------
    // Emission

    private byte[] emit(boolean computeFrames, boolean ownChunkFrames) {
        boolean split = false;
        for (FunctionPlan plan : plans) {
            split |= plan.chunked();
        }
        this.chunkFrames = ownChunkFrames && split;
        this.framesAlone = computeFrames && (layout.code.length >= FRAMES_ALONE_FROM || chunkFrames);
        ClassWriter cw = writer(framesAlone ? 0 : computeFrames ? ClassWriter.COMPUTE_FRAMES : ClassWriter.COMPUTE_MAXS);
        cw.visit(V21, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, internalName, null, "java/lang/Object",
                new String[] {Names.ENTRY});
        cw.visitField(ACC_PRIVATE | ACC_STATIC | ACC_FINAL, PROGRAM_FIELD, Names.INSTRUCTION_ARRAY, null, null)
                .visitEnd();
        cw.visitField(ACC_PRIVATE | ACC_STATIC | ACC_FINAL, HELPERS_FIELD, "L" + Names.HELPER_TABLE + ";", null, null)
                .visitEnd();
        emitConstructor(cw);
        emitRun(cw);
        emitCallback(cw);
        Immediates imm = new Immediates(false);
        for (FunctionPlan plan : plans) {
            if (plan.chunked()) {
                emitChunked(cw, imm, plan);
            } else {
                MethodVisitor mv = method(cw, ACC_STATIC, plan.methodName(), Names.FUNCTION_DESC, null, null);
                new MethodEmitter(this, mv, imm, plan, -1, false).emitMethod();
            }
        }
        for (String field : helperFields.values()) {
            cw.visitField(ACC_PRIVATE | ACC_STATIC | ACC_FINAL, field, "L" + Names.HELPER_SPEC + ";", null, null)
                    .visitEnd();
        }
        for (String field : mapFields.values()) {
            cw.visitField(ACC_PRIVATE | ACC_STATIC | ACC_FINAL, field, "L" + Names.INDEXED_MAP + ";", null, null)
                    .visitEnd();
        }
        emitClassInit(cw);
        cw.visitEnd();
        return cw.toByteArray();
    }

    private static ClassWriter writer(int flags) {
        return new ClassWriter(flags) {
            @Override
            protected String getCommonSuperClass(String type1, String type2) {
                // Only JDK and runtime types meet in generated frames; Object is always a sound answer
                // here because merged reference locals are never used after the merge point.
                return "java/lang/Object";
            }
        };
    }

    /**
     * A method of the class. For a large program it is written into a class of its own whose writer
     * computes them, and copied into {@code cw} (frames included) when it ends: ASM keeps a
     * method's whole analysis (a label, frame and edges per block) until its class is written,
     * which for a million-instruction program is over a gigabyte; this way only one method's is
     * alive at a time.
     */
    private MethodVisitor method(ClassWriter cw, int access, String name, String descriptor, String signature,
            String[] exceptions) {
        if (!framesAlone) {
            return cw.visitMethod(access, name, descriptor, signature, exceptions);
        }
        ClassWriter alone = writer(ClassWriter.COMPUTE_FRAMES);
        alone.visit(V21, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, internalName, null, "java/lang/Object", null);
        return new MethodVisitor(org.objectweb.asm.Opcodes.ASM9,
                alone.visitMethod(access, name, descriptor, signature, exceptions)) {
            @Override
            public void visitEnd() {
                super.visitEnd();
                alone.visitEnd();
                new ClassReader(alone.toByteArray()).accept(new ClassVisitor(org.objectweb.asm.Opcodes.ASM9) {
                    @Override
                    public MethodVisitor visitMethod(int a, String n, String d, String sig, String[] ex) {
                        return cw.visitMethod(a, n, d, sig, ex);
                    }
                }, 0);
            }
        };
    }

    private void emitConstructor(ClassWriter cw) {
        MethodVisitor mv = method(cw, ACC_PUBLIC, "<init>", "()V", null, null);
        mv.visitCode();
        mv.visitVarInsn(ALOAD, 0);
        mv.visitMethodInsn(INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    private void emitRun(ClassWriter cw) {
        MethodVisitor mv = method(cw, ACC_PUBLIC | ACC_FINAL, "run", "(L" + Names.MACHINE + ";JJJJJ)J", null, null);
        mv.visitCode();
        mv.visitVarInsn(ALOAD, 1);
        for (int r = 0; r < 5; r++) {
            mv.visitVarInsn(LLOAD, 2 + 2 * r);
        }
        mv.visitInsn(org.objectweb.asm.Opcodes.ICONST_0);
        mv.visitMethodInsn(INVOKESTATIC, internalName, "f0", Names.FUNCTION_DESC, false);
        mv.visitInsn(LRETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** Dispatches a callback to the function starting at the given pc; only function-pointer targets qualify. */
    private void emitCallback(ClassWriter cw) {
        MethodVisitor mv = method(cw, ACC_PUBLIC | ACC_FINAL, "callback", "(L" + Names.MACHINE + ";IIJJJJJ)J",
                null, null);
        mv.visitCode();
        TreeSet<Integer> targets = new TreeSet<>();
        for (int pc = 0; pc < layout.code.length; pc++) {
            if (!layout.wideTail[pc] && ProgramLayout.isFunctionPointer(layout.code[pc])) {
                targets.add(pc + 1 + layout.code[pc].imm());
            }
        }
        int[] keys = targets.stream().mapToInt(Integer::intValue).toArray();
        Label[] cases = new Label[keys.length];
        for (int i = 0; i < keys.length; i++) {
            cases[i] = new Label();
        }
        Label bad = new Label();
        mv.visitVarInsn(ILOAD, 2);
        mv.visitLookupSwitchInsn(bad, keys, cases);
        for (int i = 0; i < keys.length; i++) {
            mv.visitLabel(cases[i]);
            mv.visitVarInsn(ALOAD, 1);
            for (int r = 0; r < 5; r++) {
                mv.visitVarInsn(LLOAD, 4 + 2 * r);
            }
            mv.visitVarInsn(ILOAD, 3);
            mv.visitMethodInsn(INVOKESTATIC, internalName, "f" + layout.functionAt(keys[i]), Names.FUNCTION_DESC, false);
            mv.visitInsn(LRETURN);
        }
        mv.visitLabel(bad);
        mv.visitVarInsn(ILOAD, 2);
        mv.visitInsn(org.objectweb.asm.Opcodes.I2L);
        mv.visitMethodInsn(INVOKESTATIC, Names.RUNTIME_PACKAGE + "JitCallbacks", "notAFunction",
                "(J)L" + Names.BPF_FAULT + ";", false);
        mv.visitInsn(org.objectweb.asm.Opcodes.ATHROW);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    private void emitClassInit(ClassWriter cw) {
        MethodVisitor mv = method(cw, ACC_STATIC, "<clinit>", "()V", null, null);
        mv.visitCode();
        mv.visitMethodInsn(INVOKESTATIC, "java/lang/invoke/MethodHandles", "lookup",
                "()Ljava/lang/invoke/MethodHandles$Lookup;", false);
        mv.visitLdcInsn("_");
        mv.visitLdcInsn(org.objectweb.asm.Type.getType(Object[].class));
        mv.visitMethodInsn(INVOKESTATIC, "java/lang/invoke/MethodHandles", "classData",
                "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;)Ljava/lang/Object;", false);
        mv.visitTypeInsn(CHECKCAST, "[Ljava/lang/Object;");
        mv.visitVarInsn(ASTORE, 0);
        int index = 0;
        initField(mv, index++, PROGRAM_FIELD, Names.INSTRUCTION_ARRAY);
        initField(mv, index++, HELPERS_FIELD, "L" + Names.HELPER_TABLE + ";");
        for (String field : helperFields.values()) {
            initField(mv, index++, field, "L" + Names.HELPER_SPEC + ";");
        }
        for (String field : mapFields.values()) {
            initField(mv, index++, field, "L" + Names.INDEXED_MAP + ";");
        }
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    private void initField(MethodVisitor mv, int index, String name, String descriptor) {
        mv.visitVarInsn(ALOAD, 0);
        new Immediates(false).pushInt(mv, index);
        mv.visitInsn(AALOAD);
        mv.visitTypeInsn(CHECKCAST, descriptor.startsWith("[") ? descriptor
                : descriptor.substring(1, descriptor.length() - 1));
        mv.visitFieldInsn(PUTSTATIC, internalName, name, descriptor);
    }

    /**
     * A split function: the function method owns the register file and loops over dispatch
     * calls; dispatch goes through group methods of at most {@link #GROUP} chunks so that no
     * switch method passes the size limit either.
     */
    private void emitChunked(ClassWriter cw, Immediates imm, FunctionPlan plan) {
        for (int c = 0; c < plan.chunkCount(); c++) {
            MethodVisitor mv = chunkFrames
                    ? new ChunkFrames(cw.visitMethod(ACC_STATIC, plan.chunkName(c), Names.CHUNK_DESC, null, null))
                    : method(cw, ACC_STATIC, plan.chunkName(c), Names.CHUNK_DESC, null, null);
            new MethodEmitter(this, mv, imm, plan, c, false).emitMethod();
        }
        int groups = (plan.chunkCount() + GROUP - 1) / GROUP;
        for (int g = 0; g < groups; g++) {
            MethodVisitor mv = method(cw, ACC_STATIC, plan.methodName() + "_g" + g, Names.CHUNK_DESC, null, null);
            mv.visitCode();
            int first = g * GROUP;
            int last = Math.min(plan.chunkCount(), first + GROUP) - 1;
            Label[] cases = new Label[last - first + 1];
            for (int i = 0; i < cases.length; i++) {
                cases[i] = new Label();
            }
            Label bad = new Label();
            mv.visitVarInsn(ILOAD, 3);
            imm.pushInt(mv, 16);
            mv.visitInsn(IUSHR);
            mv.visitTableSwitchInsn(first, last, bad, cases);
            for (int i = 0; i < cases.length; i++) {
                mv.visitLabel(cases[i]);
                for (int slot = 0; slot <= 3; slot++) {
                    mv.visitVarInsn(slot == 0 || slot == 1 ? ALOAD : ILOAD, slot);
                }
                mv.visitMethodInsn(INVOKESTATIC, internalName, plan.chunkName(first + i), Names.CHUNK_DESC, false);
                mv.visitInsn(IRETURN);
            }
            mv.visitLabel(bad);
            mv.visitLdcInsn("bad dispatch code");
            mv.visitMethodInsn(INVOKESTATIC, Names.RUNTIME, "internal", "(Ljava/lang/String;)L" + Names.BPF_FAULT + ";",
                    false);
            mv.visitInsn(org.objectweb.asm.Opcodes.ATHROW);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
        }
        // The function method: (Machine, r1..r5, depth) -> r0.
        MethodVisitor mv = method(cw, ACC_STATIC, plan.methodName(), Names.FUNCTION_DESC, null, null);
        mv.visitCode();
        int regs = 12;
        int code = 13;
        int caller = 14;
        // The caller's noted pc comes back when this function returns: a helper that ran it as a
        // callback and then fails is located at its own call, not at this function's last note.
        mv.visitVarInsn(ALOAD, 0);
        mv.visitMethodInsn(INVOKEVIRTUAL, Names.MACHINE, "notedPc", "()I", false);
        mv.visitVarInsn(ISTORE, caller);
        imm.pushInt(mv, MethodEmitter.REGISTER_FILE);
        mv.visitIntInsn(NEWARRAY, T_LONG);
        mv.visitVarInsn(ASTORE, regs);
        for (int r = 1; r <= 5; r++) {
            mv.visitVarInsn(ALOAD, regs);
            imm.pushInt(mv, r);
            mv.visitVarInsn(LLOAD, 1 + 2 * (r - 1));
            mv.visitInsn(LASTORE);
        }
        mv.visitVarInsn(ALOAD, regs);
        imm.pushInt(mv, 10);
        mv.visitVarInsn(ILOAD, 11);
        mv.visitMethodInsn(INVOKESTATIC, Names.ADDRESS_SPACE, "frameTop", "(I)J", false);
        mv.visitInsn(LASTORE);
        mv.visitVarInsn(ALOAD, regs);
        imm.pushInt(mv, MethodEmitter.MAY_GOTO_SLOT);
        imm.pushLong(mv, Alu.MAX_LOOPS);
        mv.visitInsn(LASTORE);
        imm.pushInt(mv, 0);
        mv.visitVarInsn(ISTORE, code);
        Label loop = new Label();
        Label handler = new Label();
        Label guarded = new Label();
        // What escapes a chunk is located at the pc its chunk noted last (MethodEmitter.setPc).
        mv.visitJumpInsn(GOTO, loop);
        mv.visitLabel(handler);
        mv.visitVarInsn(ALOAD, 0);
        mv.visitMethodInsn(INVOKEVIRTUAL, Names.MACHINE, "notedPc", "()I", false);
        mv.visitFieldInsn(GETSTATIC, internalName, PROGRAM_FIELD, Names.INSTRUCTION_ARRAY);
        mv.visitMethodInsn(INVOKESTATIC, Names.RUNTIME, "locate",
                "(Ljava/lang/Throwable;I" + Names.INSTRUCTION_ARRAY + ")Ljava/lang/RuntimeException;", false);
        mv.visitInsn(org.objectweb.asm.Opcodes.ATHROW);
        mv.visitLabel(loop);
        Label[] groupCases = new Label[groups];
        Label next = new Label();
        Label bad = new Label();
        for (int g = 0; g < groups; g++) {
            groupCases[g] = new Label();
        }
        mv.visitVarInsn(ILOAD, code);
        imm.pushInt(mv, 24);
        mv.visitInsn(IUSHR);
        mv.visitTableSwitchInsn(0, groups - 1, bad, groupCases);
        for (int g = 0; g < groups; g++) {
            mv.visitLabel(groupCases[g]);
            mv.visitVarInsn(ALOAD, 0);
            mv.visitVarInsn(ALOAD, regs);
            mv.visitVarInsn(ILOAD, 11);
            mv.visitVarInsn(ILOAD, code);
            mv.visitMethodInsn(INVOKESTATIC, internalName, plan.methodName() + "_g" + g, Names.CHUNK_DESC, false);
            mv.visitVarInsn(ISTORE, code);
            mv.visitJumpInsn(GOTO, next);
        }
        mv.visitLabel(bad);
        mv.visitLdcInsn("bad dispatch code");
        mv.visitMethodInsn(INVOKESTATIC, Names.RUNTIME, "internal", "(Ljava/lang/String;)L" + Names.BPF_FAULT + ";",
                false);
        mv.visitInsn(org.objectweb.asm.Opcodes.ATHROW);
        mv.visitLabel(next);
        mv.visitVarInsn(ILOAD, code);
        mv.visitJumpInsn(IFGE, loop);
        mv.visitLabel(guarded);
        mv.visitTryCatchBlock(loop, guarded, handler, null);
        mv.visitVarInsn(ALOAD, 0);
        mv.visitVarInsn(ILOAD, caller);
        mv.visitMethodInsn(INVOKEVIRTUAL, Names.MACHINE, "notePc", "(I)V", false);
        mv.visitVarInsn(ALOAD, regs);
        mv.visitInsn(org.objectweb.asm.Opcodes.ICONST_0);
        mv.visitInsn(LALOAD);
        mv.visitInsn(LRETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }
}
