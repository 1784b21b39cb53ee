package dev.jvmbpf.runtime.verifier;

import dev.jvmbpf.runtime.exec.ArgType;
import dev.jvmbpf.runtime.exec.HelperSpec;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import dev.jvmbpf.runtime.program.SkBuffLayout;
import dev.jvmbpf.runtime.verifier.AbstractState.Frame;
import dev.jvmbpf.runtime.verifier.RegValue.Kind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The abstract interpretation of register types: every path from the entry (and from every
 * callback) is followed with the types of its registers and stack, states already covered by one
 * seen at the same pc are pruned, and every access, helper call and pointer operation is checked
 * against the types. See the package documentation for what is checked.
 */
final class TypeFlow {
    static final int MAX_PROCESSED = 1_000_000;
    /** States kept per pc before new ones are joined into one (widening, so that loops end). */
    private static final int JOIN_AFTER = 24;
    /** The same, for the second, coarser pass when the first one processed too many instructions. */
    private static final int JOIN_AFTER_COARSE = 1;
    private static final long U32 = 0xffffffffL;

    private static final int HELPER_RINGBUF_RESERVE = 131;
    private static final int HELPER_MAP_LOOKUP_PERCPU = 195;
    private static final int HELPER_MAP_POP = 88;
    private static final int HELPER_MAP_PEEK = 89;
    private static final int HELPER_SPIN_LOCK = 93;
    private static final int HELPER_SPIN_UNLOCK = 94;
    private static final int HELPER_KTIME_GET_COARSE_NS = 160;
    /** Frames of bpf_loop callbacks hold {@code CALLBACK_RETURN - site} as their return pc. */
    private static final int CALLBACK_RETURN = -2;
    /** Helpers whose result the kernel bounds: get_smp_processor_id, *_str probes, get_stack, snprintf, ... */
    private static final Set<Integer> BOUNDED_RESULT = Set.of(8, 45, 67, 112, 113, 114, 115, 119, 141, 165, 176, 177,
            183, 184);
    /** Helpers whose result is a kernel pointer the verifier does not follow. */
    private static final Set<Integer> RETURNS_POINTER = Set.of(35, 84, 85, 86, 95, 96, 99, 100, 153, 154, 158,
            175, 203);

    private final Instruction[] insns;
    private final BpfProgram program;
    private final HelperTable helpers;
    private final boolean uninitializedReads;
    /** See {@link #rawSection(BpfProgram)}. */
    private final String rawSection;
    /** The context rules of a RAW program's section, null where none apply (see {@link RawContext}). */
    private final RawContext rawContext;
    private final BitSet prunePoints;
    /** Targets of backward jumps, where the infinite-loop check applies. */
    private final BitSet loopHeads = new BitSet();
    /** False when the program calls kfuncs (iterators: loops the kernel bounds by other means). */
    private final boolean loopChecks;
    /** Instructions from which no path of the control flow graph leads to an exit. */
    private final BitSet trapped;
    private final Verifier.Errors errors;
    private final KfuncCalls kfuncs;
    private final List<List<AbstractState>> seen = new ArrayList<>();
    /**
     * True when no path can go back to a lower pc (no backward jump, no bpf-to-bpf call, no
     * function pointer): a state kept at a pc below every pc still to be explored can then never
     * prune again, and is dropped (see {@link #release}).
     */
    private final boolean forwardOnly;
    /** Pcs below this have had their kept states dropped. */
    private int releasedBelow;
    /** Refusals the structural pass found that hold where a path reaches them (see StackFlow). */
    private final Map<Integer, String> whereReached;
    private final ProvenAccess[] proofs;
    private final BitSet unproven = new BitSet();
    /** Per pc of a load or store: the pointer type its base had on the first path that reached it. */
    private final Kind[] accessBaseKinds;
    /** Accesses seen through a pointer into the run's packet or input memory, and through any other. */
    private final BitSet inputSeen = new BitSet();
    private final BitSet otherSeen = new BitSet();
    private final BitSet contextSeen = new BitSet();
    private final BitSet notContextSeen = new BitSet();
    /**
     * Set where some path may read stack bytes it did not write in the same call: a hole in a
     * proven read, or a read this analysis does not follow (variable offset, unknown pointer,
     * helper argument of unknown size or use). Never cleared: a second, coarser pass only adds.
     */
    private boolean unwrittenStackRead;
    /** Functions that bpf_loop calls, followed from its call sites with the caller's frames below. */
    private final BitSet loopCallbackEntries = new BitSet();
    /**
     * Set when a function pointer reaches something other than a bpf_loop whose callback is known
     * (another helper, a bpf_loop given an untracked value, callx): every function whose address
     * the program takes is then also followed alone, with arguments of unknown type.
     */
    private boolean functionsEscape;
    /** Per pc of a bpf_loop call: the callback every path passes, -1 if they differ or one is unknown. */
    private final SamePerPath loopCallbacks;
    /** Per pc of an access: the frame and offset its base points to (encoded), {@code NO_FRAME_ACCESS} if unknown. */
    private final SamePerPath frameAccesses;
    /** Per pc of a helper call: the map its map argument names, -1 if none or unknown. */
    private final SamePerPath mapArguments;
    private long processed;
    /** Identities of scalars copied from one register to another (linked scalars), above any pc-based one. */
    private int nextScalarId = 1 << 24;
    /** Whether the paths followed start at the program's entry (not at a callback followed alone). */
    private boolean exploringMain;
    /** The return values the kernel allows at the program's exit for its type, null when any. */
    private final long[] returnRange;
    private int joinAfter = JOIN_AFTER;
    /** Loop heads a path was run ahead from in this pass ({@link #runAhead}). */
    private final BitSet ranAhead = new BitSet();
    /** The instructions run ahead so far, and at most: a few times what the kernel processes. */
    private long runAheadSteps;
    private static final long RUN_AHEAD_BUDGET = 3L * MAX_PROCESSED;
    private VerifierObserver observer = VerifierObserver.NONE;

    /** The first pass processed more than {@link #MAX_PROCESSED} instructions. */
    private static final class TooComplex extends RuntimeException {
        final int pc;

        TooComplex(int pc) {
            super(null, null, false, false);
            this.pc = pc;
        }
    }

    /** A path to follow from {@code pc}; {@code from} is the branch that left it for later, or -1. */
    private record Work(int pc, AbstractState state, int from) {
        Work(int pc, AbstractState state) {
            this(pc, state, -1);
        }
    }

    TypeFlow(Instruction[] insns, BpfProgram program, HelperTable helpers, Verifier.Options options,
            BitSet branchTargets, Verifier.Errors errors, Map<Integer, String> whereReached) {
        this.insns = insns;
        this.whereReached = whereReached;
        this.uninitializedReads = options.uninitializedStackReads();
        this.program = program;
        this.rawSection = rawSection(program);
        this.rawContext = RawContext.of(program);
        this.returnRange = returnRange(program);
        this.helpers = helpers;
        this.errors = errors;
        this.kfuncs = new KfuncCalls(program, errors);
        this.proofs = new ProvenAccess[insns.length];
        this.accessBaseKinds = new Kind[insns.length];
        this.loopCallbacks = new SamePerPath(insns.length, -1);
        this.frameAccesses = new SamePerPath(insns.length, VerifiedProgram.NO_FRAME_ACCESS);
        this.mapArguments = new SamePerPath(insns.length, -1);
        this.prunePoints = (BitSet) branchTargets.clone();
        boolean checks = true;
        for (int pc = 0; pc < insns.length; pc++) {
            Instruction in = insns[pc];
            if (Effects.isBranch(in) && Effects.jumpTarget(pc, in) <= pc) {
                loopHeads.set((int) Effects.jumpTarget(pc, in));
            }
            boolean call = in.instructionClass() == Opcodes.CLASS_JMP && Opcodes.aluOp(in.opcode()) == Opcodes.JMP_CALL;
            if (call && in.src() == Opcodes.CALL_KFUNC) {
                checks = false;
            }
            if (Effects.isBranch(in) && Opcodes.aluOp(in.opcode()) == Opcodes.JMP_JCOND) {
                loopHeads.set(pc); // the kernel checks every may_goto for a repeated state
                prunePoints.set(pc);
            }
            if (in.isWide()) {
                pc++;
            }
        }
        this.loopChecks = checks;
        this.trapped = checks ? trapped(insns) : new BitSet();
        boolean forward = true;
        for (int pc = 0; pc < insns.length; pc++) {
            seen.add(null);
            if (Effects.isBranch(insns[pc]) && pc + 1 < insns.length) {
                prunePoints.set(pc + 1);
            }
            forward &= !(Effects.isBranch(insns[pc]) && Effects.jumpTarget(pc, insns[pc]) <= pc)
                    && insns[pc].opcode() != (Opcodes.CALL | Opcodes.SRC_X)
                    && !(insns[pc].opcode() == Opcodes.CALL && insns[pc].src() == Opcodes.CALL_LOCAL)
                    && !(insns[pc].isWide() && insns[pc].src() == Opcodes.PSEUDO_FUNC);
            if (insns[pc].isWide()) {
                if (insns[pc].src() == Opcodes.PSEUDO_FUNC) {
                    // bpf_loop enters its callback again and again: its entry must prune.
                    prunePoints.set(pc + 1 + insns[pc].imm());
                }
                pc++;
                seen.add(null);
            }
        }
        this.forwardOnly = forward;
    }

    /**
     * Explores every path; returns the proven accesses per pc (null where none). When the precise
     * pass processes more than {@link #MAX_PROCESSED} instructions (the kernel prunes more, thanks
     * to liveness and precision tracking), a second pass joins all states at each pc: it loses
     * precision (accepting more, proving less) but ends quickly; only when that one is also too
     * long is the program refused.
     */
    /** Reports the walk to {@code o} (the verifier log); call before {@link #run}. */
    void observe(VerifierObserver o) {
        observer = o;
    }

    ProvenAccess[] run() {
        try {
            return passes();
        } finally {
            observer.finished(statistics());
        }
    }

    private VerifierStatistics statistics() {
        int most = 0;
        long total = 0;
        for (List<AbstractState> l : seen) {
            if (l != null) {
                most = Math.max(most, l.size());
                total += l.size();
            }
        }
        return new VerifierStatistics(processed, most, total, total, 0);
    }

    private ProvenAccess[] passes() {
        try {
            return pass();
        } catch (TooComplex first) {
            joinAfter = JOIN_AFTER_COARSE;
            processed = 0;
            ranAhead.clear();
            unproven.clear();
            inputSeen.clear();
            otherSeen.clear();
            contextSeen.clear();
            notContextSeen.clear();
            Arrays.fill(proofs, null);
            Arrays.fill(accessBaseKinds, null);
            loopCallbacks.clear();
            frameAccesses.clear();
            mapArguments.clear();
            for (int pc = 0; pc < seen.size(); pc++) {
                seen.set(pc, null);
            }
            releasedBelow = 0;
            try {
                return pass();
            } catch (TooComplex second) {
                throw errors.at(second.pc, "program too complex: more than " + MAX_PROCESSED
                        + " instructions processed on its paths");
            }
        }
    }

    private ProvenAccess[] pass() {
        exploringMain = true;
        explore(0, initial());
        exploringMain = false;
        // A callback followed alone may itself let a function pointer escape: repeat until no
        // function is left that needs following alone.
        BitSet alone = new BitSet();
        boolean more = true;
        while (more) {
            more = false;
            for (int pc = 0; pc < insns.length; pc++) {
                if (insns[pc].isWide() && insns[pc].src() == Opcodes.PSEUDO_FUNC) {
                    int entry = pc + 1 + insns[pc].imm();
                    if (!alone.get(entry) && (functionsEscape || !loopCallbackEntries.get(entry))) {
                        alone.set(entry);
                        explore(entry, callback());
                        more = true;
                    }
                }
                if (insns[pc].isWide()) {
                    pc++;
                }
            }
        }
        ProvenAccess[] out = proofs.clone();
        for (int pc = unproven.nextSetBit(0); pc >= 0; pc = unproven.nextSetBit(pc + 1)) {
            out[pc] = null;
        }
        return out;
    }

    private AbstractState initial() {
        Frame f = new Frame(-1);
        f.regs[10] = RegValue.pointer(Kind.STACK, 0, 0);
        if (program.type() == ProgramType.RAW) {
            f.regs[1] = RegValue.pointer(Kind.MEM, 0, RegValue.INPUT);
            // Not a kernel program type: no kernel bounds to follow for the input's length.
            f.regs[2] = RegValue.IMPRECISE_SCALAR;
        } else {
            f.regs[1] = RegValue.pointer(Kind.CTX, 0, 0);
        }
        return new AbstractState(new Frame[] {f});
    }

    /** A callback's arguments come from a helper: their types are not followed. */
    private static AbstractState callback() {
        Frame f = new Frame(-1);
        f.regs[10] = RegValue.pointer(Kind.STACK, 0, 0);
        for (int r = 1; r <= 5; r++) {
            f.regs[r] = RegValue.UNKNOWN;
        }
        return new AbstractState(new Frame[] {f});
    }

    private void explore(int entry, AbstractState start) {
        ArrayDeque<Work> work = new ArrayDeque<>();
        // The pcs of the pending paths, counted (kept only for forward-only programs).
        TreeMap<Integer, Integer> pending = new TreeMap<>();
        push(work, pending, new Work(entry, start));
        while (!work.isEmpty()) {
            Work w = work.pop();
            if (forwardOnly) {
                pending.merge(w.pc(), -1, (a, b) -> a + b == 0 ? null : a + b);
            }
            int pc = w.pc();
            AbstractState s = w.state();
            if (observer != VerifierObserver.NONE) {
                if (w.from() >= 0) {
                    observer.branchResumed(w.from(), pc, new VerifierState(s, program));
                } else {
                    observer.pathStart(pc, new VerifierState(s, program));
                }
            }
            while (pc >= 0) {
                if (prunePoints.get(pc)) {
                    if (forwardOnly) {
                        release(pending.isEmpty() ? pc : Math.min(pc, pending.firstKey()));
                    }
                    s = admit(pc, s);
                    if (s == null) {
                        break;
                    }
                }
                if (++processed > MAX_PROCESSED) {
                    throw new TooComplex(pc);
                }
                int before = work.size();
                int next = step(pc, s, work);
                if (observer != VerifierObserver.NONE) {
                    observer.executed(pc, new VerifierState(s, program));
                }
                pc = next;
                if (forwardOnly && work.size() > before) {
                    var pushed = work.iterator();
                    for (int n = work.size() - before; n > 0; n--) {
                        pending.merge(pushed.next().pc(), 1, Integer::sum);
                    }
                }
            }
        }
    }

    private void push(ArrayDeque<Work> work, TreeMap<Integer, Integer> pending, Work w) {
        work.push(w);
        if (forwardOnly) {
            pending.merge(w.pc(), 1, Integer::sum);
        }
    }

    /**
     * Drops the states kept at pcs below {@code low}, the lowest pc any path still to be followed
     * is at: in a forward-only program no path reaches them again. The bound only grows (a path
     * taken from the pending ones starts at or above it), so each pc is dropped once, and a
     * straight-line program of any length keeps a handful of states instead of one per branch.
     */
    private void release(int low) {
        for (; releasedBelow < low; releasedBelow++) {
            seen.set(releasedBelow, null);
        }
    }

    /** Null when a state seen at {@code pc} covers {@code s}; otherwise the state to continue with. */
    private AbstractState admit(int pc, AbstractState s) {
        boolean loopHead = loopHeads.get(pc) && joinAfter != JOIN_AFTER_COARSE && !s.widened;
        Set<AbstractState> ancestors = loopHead ? infiniteLoop(pc, s) : null;
        if (trapped.get(pc) && loopHeads.get(pc) && ancestors == null) {
            // A loop no path leaves, whose states this analysis cannot follow to a repeat: the
            // kernel follows it until its budget is spent.
            throw errors.at(pc, "BPF program is too large: no path from insn " + pc
                    + " reaches an exit (an infinite loop)");
        }
        List<AbstractState> list = seen.get(pc);
        if (list == null) {
            list = new ArrayList<>();
            seen.set(pc, list);
        }
        int same = 0;
        for (AbstractState old : list) {
            // As the kernel, a state of the path's own loop does not end it (it would hide a
            // loop that never ends); the join below still bounds how often the loop is followed.
            if (old.covers(s) && (ancestors == null || !ancestors.contains(old))) {
                return null;
            }
            if (old.sameShape(s)) {
                same++;
            }
        }
        if (same >= joinAfter) {
            if (ancestors != null && s.kernelPath()) {
                runAhead(pc, s);
            }
            for (AbstractState old : list) {
                if (old.sameShape(s)) {
                    s.joinWith(old);
                }
            }
            list.removeIf(old -> old.sameShape(s));
            s.widened = true;
        }
        AbstractState snapshot = s.copy();
        list.add(snapshot);
        if (loopHead && !s.widened) {
            s.path = new AbstractState.Checkpoint(pc, snapshot, s.path);
        }
        return s;
    }

    /**
     * Before the states of a loop head are joined (which ends every loop, but not as the kernel
     * ends it): the kernel follows a loop iteration by iteration, each a new state, until the
     * loop is left, its state repeats ("infinite loop detected") or it has processed 1,000,001
     * instructions ("BPF program is too large"). From a state whose every value is the kernel's,
     * this follows the path on as the kernel's depth-first walk does (the fall-through side of a
     * branch first: the other side waits for the path to end), and refuses the program as the
     * kernel does when the path repeats a state at a loop head (found as Brent's cycle detection
     * finds one) or goes on for 1,000,000 instructions. It gives up, refusing nothing, where
     * the path ends or leaves what it follows exactly (a joined or guessed value, a callback, a
     * may_goto, a kfunc). Once per loop head and pass, within {@link #RUN_AHEAD_BUDGET} steps in all.
     */
    private void runAhead(int head, AbstractState start) {
        if (ranAhead.get(head) || runAheadSteps >= RUN_AHEAD_BUDGET) {
            return;
        }
        ranAhead.set(head);
        AbstractState s = start.copy();
        ArrayDeque<Work> forks = new ArrayDeque<>();
        AbstractState saved = null;
        int savedPc = -1;
        long power = 1;
        long lambda = 1;
        int pc = head;
        for (long n = 0; n < MAX_PROCESSED; n++) {
            if (pc < 0 || runAheadSteps++ >= RUN_AHEAD_BUDGET) {
                return;
            }
            Instruction insn = insns[pc];
            boolean kfunc = insn.opcode() == Opcodes.CALL && insn.src() == Opcodes.CALL_KFUNC;
            if (kfunc || !s.kernelPath()) {
                return;
            }
            if (loopHeads.get(pc)) {
                if (!s.exact() || Arrays.stream(s.frames).anyMatch(f -> f.returnPc <= CALLBACK_RETURN)) {
                    return;
                }
                if (pc == savedPc && s.sameAs(saved)) {
                    throw errors.at(pc, "infinite loop detected at insn " + pc);
                }
                if (lambda == power) {
                    saved = s.copy();
                    savedPc = pc;
                    power *= 2;
                    lambda = 0;
                }
                lambda++;
            }
            int next = step(pc, s, forks);
            if (!forks.isEmpty()) {
                if (!isConditional(insn) || forks.size() > 1) {
                    return;
                }
                Work other = forks.pop();
                if (next < 0) {
                    next = other.pc();
                    s = other.state();
                }
            }
            pc = next;
        }
        throw errors.at(pc, "BPF program is too large. Processed " + (MAX_PROCESSED + 1) + " insn");
    }

    private static boolean isConditional(Instruction insn) {
        int op = Opcodes.aluOp(insn.opcode());
        return Effects.isBranch(insn) && !Effects.isUnconditional(insn) && op != Opcodes.JMP_JCOND;
    }

    /**
     * The instructions no path of the control flow graph leads from to an exit (calls return):
     * a path that reaches one runs forever, and the kernel, which follows a loop until its state
     * repeats or its instruction budget is spent, refuses it either way.
     */
    private static BitSet trapped(Instruction[] insns) {
        // Predecessors in compressed rows: the edges of each pc, then each pc's slice of them.
        int n = insns.length;
        int[] edgeFrom = new int[2 * n];
        int[] edgeTo = new int[2 * n];
        int edges = 0;
        PcStack work = new PcStack();
        for (int pc = 0; pc < n; pc++) {
            Instruction in = insns[pc];
            if (in.isWide()) {
                if (pc + 2 < n) {
                    edgeFrom[edges] = pc;
                    edgeTo[edges++] = pc + 2;
                }
                pc++;
                continue;
            }
            if (in.opcode() == Opcodes.EXIT) {
                work.push(pc);
                continue;
            }
            if (Effects.isBranch(in)) {
                long t = Effects.jumpTarget(pc, in);
                if (t >= 0 && t < n) {
                    edgeFrom[edges] = pc;
                    edgeTo[edges++] = (int) t;
                }
            }
            if (!Effects.isUnconditional(in) && pc + 1 < n) {
                edgeFrom[edges] = pc;
                edgeTo[edges++] = pc + 1;
            }
        }
        int[] start = new int[n + 1];
        for (int e = 0; e < edges; e++) {
            start[edgeTo[e] + 1]++;
        }
        for (int pc = 0; pc < n; pc++) {
            start[pc + 1] += start[pc];
        }
        int[] preds = new int[edges];
        int[] fill = Arrays.copyOf(start, n);
        for (int e = 0; e < edges; e++) {
            preds[fill[edgeTo[e]]++] = edgeFrom[e];
        }
        BitSet exits = new BitSet(n);
        while (!work.isEmpty()) {
            int pc = work.pop();
            if (!exits.get(pc)) {
                exits.set(pc);
                for (int p = start[pc]; p < start[pc + 1]; p++) {
                    work.push(preds[p]);
                }
            }
        }
        BitSet out = new BitSet(insns.length);
        out.set(0, insns.length);
        out.andNot(exits);
        for (int pc = 0; pc < insns.length; pc++) {
            if (insns[pc].isWide() && pc + 1 < insns.length) {
                out.clear(++pc);
            }
        }
        return out;
    }

    /**
     * The kernel's infinite-loop check (is_state_visited): a path that comes back to a loop head
     * in exactly the state it had there before would run forever. Only states whose every value
     * is the kernel's are compared (see {@link AbstractState#exact}), with their may_goto depth;
     * callbacks and iterator kfuncs, which the kernel bounds otherwise, are left alone. Returns
     * the path's own states at {@code pc}, or null when the state was not compared.
     */
    private Set<AbstractState> infiniteLoop(int pc, AbstractState s) {
        if (!loopChecks || !s.exact()) {
            return null;
        }
        for (Frame f : s.frames) {
            if (f.returnPc <= CALLBACK_RETURN) {
                return null;
            }
        }
        Set<AbstractState> ancestors = Collections.newSetFromMap(new IdentityHashMap<>());
        for (AbstractState.Checkpoint c = s.path; c != null; c = c.parent()) {
            if (c.pc() == pc) {
                if (c.state().sameAs(s)) {
                    throw errors.at(pc, "infinite loop detected at insn " + pc);
                }
                ancestors.add(c.state());
            }
        }
        return ancestors;
    }

    /** Interprets the instruction at {@code pc}; returns the next pc, or -1 when the path ends. */
    private int step(int pc, AbstractState s, ArrayDeque<Work> work) {
        String refused = whereReached.get(pc);
        if (refused != null) {
            throw errors.at(pc, refused);
        }
        Instruction insn = insns[pc];
        int cls = insn.instructionClass();
        if (Effects.writtenRegister(insn) == 10) {
            // As the kernel, only where a path reaches: a write to r10 on a dead path is accepted.
            throw errors.at(pc, "frame pointer is read only");
        }
        switch (cls) {
            case Opcodes.CLASS_ALU, Opcodes.CLASS_ALU64 -> alu(pc, insn, s);
            case Opcodes.CLASS_LDX -> {
                samePointerType(pc, s.reg(insn.src()));
                RegValue v = access(pc, insn, s, insn.src(), Opcodes.sizeBytes(insn.opcode()), true, false, null);
                if (Opcodes.mode(insn.opcode()) == Opcodes.MODE_MEMSX && v.kind() == Kind.SCALAR) {
                    int bits = 8 * Opcodes.sizeBytes(insn.opcode());
                    v = bits == 64 ? v : RegValue.scalar(v.bounds().signExtend(bits, true)).withAux(v.aux());
                }
                s.set(insn.dst(), v);
            }
            case Opcodes.CLASS_ST -> {
                samePointerType(pc, s.reg(insn.dst()));
                access(pc, insn, s, insn.dst(), Opcodes.sizeBytes(insn.opcode()), false, true,
                        RegValue.constant(insn.imm()));
            }
            case Opcodes.CLASS_STX -> {
                if (Opcodes.mode(insn.opcode()) != Opcodes.MODE_ATOMIC) {
                    samePointerType(pc, s.reg(insn.dst()));
                }
                store(pc, insn, s);
            }
            case Opcodes.CLASS_LD -> {
                if (insn.isWide()) {
                    s.set(insn.dst(), wide(pc, insn));
                    return pc + 2;
                }
                if (Opcodes.mode(insn.opcode()) == Opcodes.MODE_IND) {
                    read(pc, s, insn.src());
                }
                clobberArguments(s);
                s.set(0, RegValue.ANY_SCALAR);
            }
            default -> {
                return jump(pc, insn, s, work);
            }
        }
        return pc + 1;
    }

    private RegValue read(int pc, AbstractState s, int r) {
        RegValue v = s.reg(r);
        if (!v.isInit()) {
            throw errors.at(pc, "R" + r + " !read_ok");
        }
        return v;
    }

    /**
     * After a write the analysis cannot place (through an untracked pointer, by an unknown callee
     * or a callback followed alone): any 8-byte slot of any frame may now hold anything, a pointer
     * included, so it reloads as unknown (smaller loads stay sized scalars, which is true of any bytes).
     */
    private static void forgetSpills(AbstractState s) {
        KfuncCalls.forgetSpills(s);
    }

    private static void clobberArguments(AbstractState s) {
        for (int r = 1; r <= 5; r++) {
            s.set(r, RegValue.NOT_INIT);
        }
    }

    private RegValue wide(int pc, Instruction insn) {
        return switch (insn.src()) {
            case Opcodes.PSEUDO_NONE -> RegValue.constant(Instruction.wideImmediate(insns, pc));
            case Opcodes.PSEUDO_MAP_FD, Opcodes.PSEUDO_MAP_IDX -> RegValue.pointer(Kind.MAP_PTR, 0, mapIndex(insn));
            case Opcodes.PSEUDO_MAP_VALUE, Opcodes.PSEUDO_MAP_IDX_VALUE ->
                RegValue.pointer(Kind.MAP_VALUE, insns[pc + 1].imm() & U32, mapIndex(insn));
            case Opcodes.PSEUDO_FUNC -> RegValue.pointer(Kind.FUNC, 0, pc + 1 + insn.imm());
            default -> RegValue.UNKNOWN;
        };
    }

    private int mapIndex(Instruction insn) {
        boolean indexed = insn.src() == Opcodes.PSEUDO_MAP_IDX || insn.src() == Opcodes.PSEUDO_MAP_IDX_VALUE;
        return indexed && insn.imm() >= 0 && insn.imm() < program.maps().size() ? insn.imm() : -1;
    }

    private MapSpec map(int index) {
        return index >= 0 ? program.maps().get(index).spec() : null;
    }

    // ---------------------------------------------------------------- ALU

    private void alu(int pc, Instruction insn, AbstractState s) {
        boolean is64 = insn.instructionClass() == Opcodes.CLASS_ALU64;
        int op = Opcodes.aluOp(insn.opcode());
        boolean x = Opcodes.source(insn.opcode()) == Opcodes.SRC_X;
        int dst = insn.dst();
        if (op == Opcodes.ALU_END || op == Opcodes.ALU_NEG) {
            RegValue d = read(pc, s, dst);
            // The kernel tracks neg and byte swaps more closely than this: imprecise.
            s.set(dst, d.isConstant() && !d.imprecise() ? RegValue.constant(Scalars.unary(insn, d.min()))
                    : d.kind() == Kind.UNKNOWN ? RegValue.UNKNOWN
                    : (d.isConstant() ? RegValue.constant(Scalars.unary(insn, d.min()))
                    : Scalars.unaryRange(insn, d)).withAux(RegValue.IMPRECISE));
            return;
        }
        RegValue sv = x ? read(pc, s, insn.src()) : RegValue.constant(is64 ? (long) insn.imm() : insn.imm() & U32);
        if (op == Opcodes.ALU_MOV) {
            if (is64 && x && insn.offset() == 0 && sv.kind() == Kind.SCALAR && !sv.isConstant() && sv.id() == 0) {
                // A copy: both registers share an identity, so that a comparison of one bounds the other.
                sv = sv.withId(nextScalarId++);
                s.set(insn.src(), sv);
            }
            RegValue moved = move(insn, is64, x, sv);
            s.set(dst, sv.imprecise() && moved.kind() == Kind.SCALAR ? moved.withAux(RegValue.IMPRECISE) : moved);
            return;
        }
        RegValue dv = read(pc, s, dst);
        if (s.kernelPath()) {
            immediateOperand(pc, insn, is64, op, x);
        }
        if (dv.kind().isPointer() || sv.kind().isPointer()) {
            s.set(dst, pointerAlu(pc, s, insn, is64, op, dv, sv));
        } else if (dv.kind() == Kind.UNKNOWN || sv.kind() == Kind.UNKNOWN) {
            s.set(dst, RegValue.UNKNOWN);
        } else {
            RegValue r = Scalars.binary(is64, op, insn.offset(), dv, sv);
            if (dv.imprecise() || sv.imprecise()) {
                r = r.withAux(RegValue.IMPRECISE);
            }
            boolean addConst = (op == Opcodes.ALU_ADD || op == Opcodes.ALU_SUB) && sv.isConstant() && is64;
            if (addConst && dv.id() != 0 && dv.off() == 0 && !r.isConstant() && sv.min() > Integer.MIN_VALUE
                    && sv.min() <= Integer.MAX_VALUE) {
                // As the kernel's linked registers with a constant delta (rX += const once).
                r = r.withId(dv.id()).withOff(op == Opcodes.ALU_ADD ? sv.min() : -sv.min());
            }
            s.set(dst, r);
        }
    }

    /**
     * The kernel's check_alu_op on immediate operands, once both registers are read: no division
     * or modulo by the constant 0, and no shift by a negative amount or by the width or more. RAW
     * programs follow the ISA instead (RFC 9669 masks the shift amount; the shared conformance
     * vectors test it), so the shift rule is for kernel program types only. These refusals rest
     * only on the path reaching the instruction: they are made on paths the kernel walks
     * ({@link AbstractState#kernelPath}).
     */
    private void immediateOperand(int pc, Instruction insn, boolean is64, int op, boolean x) {
        if (x) {
            return;
        }
        if ((op == Opcodes.ALU_DIV || op == Opcodes.ALU_MOD) && insn.imm() == 0) {
            throw errors.at(pc, "div by zero");
        }
        boolean shift = op == Opcodes.ALU_LSH || op == Opcodes.ALU_RSH || op == Opcodes.ALU_ARSH;
        if (shift && program.type() != ProgramType.RAW && (insn.imm() < 0 || insn.imm() >= (is64 ? 64 : 32))) {
            throw errors.at(pc, "invalid shift " + insn.imm());
        }
    }

    private static RegValue move(Instruction insn, boolean is64, boolean x, RegValue sv) {
        if (!x) {
            return sv;
        }
        if (insn.offset() != 0) {
            // Sign-extending moves: exact on constants, otherwise any scalar.
            if (sv.isConstant()) {
                return RegValue.constant(Scalars.signExtend(sv.min(), insn.offset(), is64));
            }
            if (sv.kind() == Kind.SCALAR) {
                return RegValue.scalar(sv.bounds().signExtend(insn.offset(), is64));
            }
            return sv.kind() == Kind.UNKNOWN ? RegValue.UNKNOWN : is64 ? RegValue.ANY_SCALAR : RegValue.scalar(0, U32);
        }
        if (is64) {
            return sv;
        }
        if (sv.kind() == Kind.UNKNOWN) {
            return RegValue.UNKNOWN;
        }
        return sv.kind() == Kind.SCALAR ? Scalars.truncate32(sv) : RegValue.scalar(0, U32);
    }

    private RegValue pointerAlu(int pc, AbstractState s, Instruction insn, boolean is64, int op, RegValue dv,
            RegValue sv) {
        int dst = insn.dst();
        if (dv.kind().isPointer() && sv.kind().isPointer()) {
            if (op == Opcodes.ALU_SUB) {
                return is64 ? RegValue.ANY_SCALAR : RegValue.scalar(0, U32);
            }
            throw errors.at(pc, "R" + dst + " pointer " + Scalars.opName(op) + " pointer prohibited");
        }
        if (!is64) {
            if (op == Opcodes.ALU_SUB) {
                return RegValue.scalar(0, U32);
            }
            throw errors.at(pc, "R" + dst + " 32-bit pointer arithmetic prohibited");
        }
        if (op == Opcodes.ALU_AND || op == Opcodes.ALU_OR || op == Opcodes.ALU_XOR) {
            throw errors.at(pc, "R" + dst + " bitwise operator " + Scalars.opName(op) + " on pointer prohibited");
        }
        if (op != Opcodes.ALU_ADD && op != Opcodes.ALU_SUB) {
            throw errors.at(pc, "R" + dst + " pointer arithmetic with " + Scalars.opName(op) + " operator prohibited");
        }
        RegValue ptr = dv.kind().isPointer() ? dv : sv;
        RegValue scalar = dv.kind().isPointer() ? sv : dv;
        if (op == Opcodes.ALU_SUB && sv.kind().isPointer()) {
            throw errors.at(pc, "R" + dst + " tried to subtract pointer from scalar");
        }
        Kind k = ptr.kind();
        if (k.isNullable()) {
            throw errors.at(pc, "R" + dst + " pointer arithmetic on " + k.label + " prohibited, null-check it first");
        }
        if (k.isSocket()) {
            throw errors.at(pc, "R" + dst + " pointer arithmetic on " + k.label + " prohibited");
        }
        boolean zero = scalar.isConstant() && scalar.min() == 0;
        // As the kernel: a map pointer takes only "+= 0", the packet's end nothing at all.
        if (k == Kind.PACKET_END || k == Kind.MAP_PTR && !(zero && op == Opcodes.ALU_ADD)) {
            throw errors.at(pc, "R" + dst + " pointer arithmetic on " + k.label + " prohibited");
        }
        if (k == Kind.FLOW_KEYS && !scalar.isConstant()) {
            if (scalar.imprecise() || scalar.kind() == Kind.UNKNOWN) {
                return RegValue.UNKNOWN; // maybe a constant for the kernel: not followed
            }
            throw errors.at(pc, "R" + dst + " pointer arithmetic on " + k.label + " prohibited");
        }
        if (scalar.kind() == Kind.UNKNOWN || k == Kind.FUNC) {
            return RegValue.UNKNOWN;
        }
        if (op == Opcodes.ALU_SUB && k == Kind.STACK) {
            throw errors.at(pc, "R" + dst + " subtraction from stack pointer prohibited");
        }
        saneOffset(pc, k, scalar, ptr);
        if (scalar.isConstant()) {
            long c = op == Opcodes.ALU_SUB ? -scalar.min() : scalar.min();
            RegValue moved = ptr.withOff(ptr.off() + c);
            if (Math.abs(moved.off()) >= MAX_VAR_OFF) {
                throw errors.at(pc, k.label + " pointer offset " + moved.off() + " is not allowed");
            }
            return moved;
        }
        // The variable part as the kernel bounds it, when both sides are known as the kernel knows them.
        Bounds var = null;
        Bounds before = ptr.fixedOffset() ? Bounds.constant(0) : ptr.bounds();
        if (before != null && !scalar.imprecise()) {
            var = before.alu(op, scalar.bounds(), true);
            if (var != null && var.smin() <= -MAX_VAR_OFF || var != null && var.smin() >= MAX_VAR_OFF) {
                throw errors.at(pc, "value " + var.smin() + " makes " + k.label + " pointer be out of bounds");
            }
        }
        RegValue moved;
        if (op == Opcodes.ALU_SUB || !ptr.smallVariable() || Long.compareUnsigned(scalar.max(), RegValue.SMALL) > 0) {
            moved = ptr.withVariable(0, RegValue.UNBOUNDED);
        } else {
            moved = ptr.withVariable(ptr.min() + scalar.min(), ptr.max() + scalar.max());
        }
        moved = moved.withVarBounds(var);
        if (k == Kind.PACKET || k == Kind.PACKET_META) {
            // A new variable part: a fresh identity with nothing proven yet (older pointers made
            // at this pc on an earlier loop iteration are no longer followed).
            int id = pc + 1;
            s.mapAll(v -> v.kind() == k && v.id() == id ? RegValue.UNKNOWN : v);
            moved = moved.withId(id).withRange(0);
        }
        return moved;
    }

    // ---------------------------------------------------------------- memory

    private void store(int pc, Instruction insn, AbstractState s) {
        int size = Opcodes.sizeBytes(insn.opcode());
        if (Opcodes.mode(insn.opcode()) != Opcodes.MODE_ATOMIC) {
            RegValue v = read(pc, s, insn.src());
            access(pc, insn, s, insn.dst(), size, false, true, v);
            return;
        }
        int imm = insn.imm();
        if (imm == Opcodes.ATOMIC_LOAD_ACQ) {
            s.set(insn.dst(), access(pc, insn, s, insn.src(), size, true, false, null));
            return;
        }
        RegValue v = read(pc, s, insn.src());
        if (imm == Opcodes.ATOMIC_STORE_REL) {
            access(pc, insn, s, insn.dst(), size, false, true, v);
            return;
        }
        Kind target = read(pc, s, insn.dst()).kind();
        if (target == Kind.CTX || target == Kind.PACKET || target == Kind.PACKET_META) {
            throw errors.at(pc, "BPF_ATOMIC stores into R" + insn.dst() + " " + target.label + " is not allowed");
        }
        atomicAlignment(pc, s.reg(insn.dst()), insn.offset(), size);
        if (imm == Opcodes.ATOMIC_CMPXCHG) {
            read(pc, s, 0);
        }
        RegValue old = access(pc, insn, s, insn.dst(), size, true, true, RegValue.ANY_SCALAR);
        if (imm == Opcodes.ATOMIC_CMPXCHG) {
            s.set(0, old);
        } else if ((imm & Opcodes.ATOMIC_FETCH) != 0) {
            s.set(insn.src(), old);
        }
    }

    /**
     * The kernel checks atomics for alignment whatever the program's flags (strict_alignment_once):
     * a fixed-offset map value, stack or memory address must be a multiple of the size.
     */
    private void atomicAlignment(int pc, RegValue base, long off, int size) {
        String what = switch (base.kind()) {
            case MAP_VALUE -> "value ";
            case STACK -> "stack ";
            case MEM -> base.aux() == RegValue.INPUT ? null : ""; // a RAW program's input is no kernel memory
            default -> null;
        };
        if (what != null && base.fixedOffset() && Math.floorMod(base.off() + off, size) != 0) {
            throw errors.at(pc, "misaligned " + what + "access off 0+" + base.off() + "+" + off + " size " + size);
        }
    }

    /**
     * Checks a load, store or atomic through register {@code base}; returns what a load reads.
     * {@code stored} is the value a store writes.
     */
    private RegValue access(int pc, Instruction insn, AbstractState s, int base, int size, boolean isRead,
            boolean isWrite, RegValue stored) {
        RegValue p = read(pc, s, base);
        long off = insn.offset();
        RegValue loaded = sizedScalar(size);
        ProvenAccess proof = null;
        if (p.kind().isNullable()) {
            throw errors.at(pc, "R" + base + " invalid mem access '" + p.describe() + "'");
        }
        switch (p.kind()) {
            case SCALAR, PACKET_END, FUNC ->
                throw errors.at(pc, "R" + base + " invalid mem access '" + p.describe() + "'");
            case KPTR -> loaded = RegValue.UNKNOWN; // a kernel object's field: not followed
            case SOCK_COMMON, SOCK, TCP_SOCK, XDP_SOCK -> socketAccess(pc, base, p, off, size, isWrite);
            case UNKNOWN -> {
                loaded = RegValue.UNKNOWN;
                unwrittenStackRead |= isRead;
                if (isWrite) {
                    forgetSpills(s); // it may be a stack pointer of any frame
                }
            }
            case CTX -> {
                if (p.off() < 0) {
                    throw errors.at(pc, "negative offset ctx ptr R" + base + " off=" + p.off() + " disallowed");
                }
                if (p.off() != 0) {
                    throw errors.at(pc, "dereference of modified ctx ptr R" + base + " off=" + p.off() + " disallowed");
                }
                if (!p.fixedOffset() && p.bounds() != null && s.kernelPath()) {
                    throw errors.at(pc, "variable ctx access var_off=" + KernelFormat.tnum(p.bounds()) + " disallowed");
                }
                if (p.fixedOffset()) {
                    checkSkbContext(pc, skbType(), off, size, isWrite);
                    if (program.type() == ProgramType.XDP && !XdpContext.allowed(program.section(), off, size, isWrite)) {
                        throw errors.at(pc, "invalid bpf_context access off=" + off + " size=" + size);
                    }
                }
                if (isRead) {
                    loaded = p.fixedOffset() ? contextField(p.off() + off, size) : RegValue.UNKNOWN;
                    loaded = skbSocket(pc, s, loaded);
                }
            }
            case STACK -> loaded = stack(pc, s, base, p, off, size, isRead, isWrite, stored);
            case MAP_VALUE -> proof = mapValue(pc, base, p, off, size);
            case PACKET -> proof = packet(pc, base, p, off, size, isWrite);
            case PACKET_META -> packet(pc, base, p, off, size, isWrite); // checked as the packet, not proven
            case FLOW_KEYS -> {
                // check_flow_keys_access: inside the struct (its pointer has no variable part)
                long at = p.off() + off;
                if (!p.fixedOffset()) {
                    loaded = RegValue.UNKNOWN;
                } else if (at < 0 || at + size > FLOW_KEYS_SIZE) {
                    throw errors.at(pc, "invalid access to flow keys off=" + at + " size=" + size);
                }
            }
            case MEM -> {
                if (isWrite && p.aux() == RegValue.READ_ONLY) {
                    throw errors.at(pc, "R" + base + " cannot write into rdonly_mem");
                }
                proof = memory(pc, base, p, off, size);
                if (p.aux() == RegValue.INPUT && p.fixedOffset() && rawSection != null) {
                    SkbContext.Type t = rawSection.equals("cgroup_skb") ? SkbContext.Type.CGROUP_SKB
                            : rawSection.startsWith("lwt_") ? SkbContext.Type.LWT : null;
                    if (t != null) {
                        checkSkbContext(pc, t, p.off() + off, size, isWrite);
                    }
                }
                if (p.aux() == RegValue.INPUT && p.fixedOffset() && rawContext != null
                        && !rawContext.allowed(p.off() + off, size)) {
                    throw errors.at(pc, "invalid bpf_context access off=" + (p.off() + off) + " size=" + size);
                }
                if (isRead && p.aux() == RegValue.INPUT && p.fixedOffset()) {
                    RegValue field = rawContextField(p.off() + off, size);
                    loaded = skbSocket(pc, s, field != null ? field : loaded);
                }
            }
            default -> {
                // map pointers and packet metadata pointers: accepted, not followed
            }
        }
        record(pc, proof);
        frameAccesses.record(pc, p.kind() == Kind.STACK && p.fixedOffset() && p.aux() < s.frames.length
                ? VerifiedProgram.frameAccess(s.frames.length - 1 - p.aux(), (int) (p.off() + off))
                : VerifiedProgram.NO_FRAME_ACCESS);
        boolean input = p.kind() == Kind.PACKET && rawSection == null || p.kind() == Kind.MEM && p.aux() == RegValue.INPUT;
        (input ? inputSeen : otherSeen).set(pc);
        (p.kind() == Kind.CTX ? contextSeen : notContextSeen).set(pc);
        return loaded;
    }

    /** Whether some path may read stack bytes it did not write first (see the field). Call after {@link #run()}. */
    boolean readsUnwrittenStack() {
        return unwrittenStackRead;
    }

    /** Per pc: {@link VerifiedProgram#loopCallbacks} as found. Call after {@link #run()}. */
    int[] loopCallbacks() {
        return loopCallbacks.result();
    }

    /** Per pc: {@link VerifiedProgram#mapArguments} as found. Call after {@link #run()}. */
    int[] mapArguments() {
        return mapArguments.result();
    }

    /** Per pc: {@link VerifiedProgram#frameAccesses} as found. Call after {@link #run()}. */
    int[] frameAccesses() {
        return frameAccesses.result();
    }

    /** The accesses whose base was the context on every path that reached them. Call after {@link #run()}. */
    BitSet contextAccesses() {
        BitSet out = (BitSet) contextSeen.clone();
        out.andNot(notContextSeen);
        return out;
    }

    /**
     * The accesses whose base pointed into the run's packet (or, for RAW programs, its input
     * memory) on every path that reached them. Call after {@link #run()}.
     */
    BitSet inputAccesses() {
        BitSet out = (BitSet) inputSeen.clone();
        out.andNot(otherSeen);
        return out;
    }

    private void record(int pc, ProvenAccess proof) {
        if (proof == null) {
            unproven.set(pc);
        } else if (proofs[pc] == null) {
            proofs[pc] = proof;
        } else {
            ProvenAccess merged = proofs[pc].merge(proof);
            if (merged == null) {
                unproven.set(pc);
            } else {
                proofs[pc] = merged;
            }
        }
    }

    private static RegValue sizedScalar(long size) {
        return size >= 8 ? RegValue.ANY_SCALAR : RegValue.scalar(0, (1L << (8 * size)) - 1);
    }

    /**
     * The range the kernel's check_return_code wants r0 in at the exit of a program of this type
     * (by its section, as libbpf names attach types), or null where any value is allowed.
     */
    private static long[] returnRange(BpfProgram program) {
        String section = program.section() == null ? "" : program.section();
        String sec = section.startsWith("?") ? section.substring(1) : section;
        int slash = sec.indexOf('/');
        String head = slash >= 0 ? sec.substring(0, slash) : sec;
        String sub = slash >= 0 ? sec.substring(slash + 1) : "";
        // Not followed: fentry/fexit ([0, 0]) and cgroup_skb ([0, 1], egress [0, 3]), which the
        // kernel also checks: the loader's sections fixture returns other values from them and must verify.
        if (program.type() != ProgramType.RAW) {
            return null;
        }
        if (head.equals("cgroup")) {
            int attach = sub.indexOf('/');
            String type = attach >= 0 ? sub.substring(0, attach) : sub;
            if (Set.of("recvmsg4", "recvmsg6", "recvmsg_unix", "getpeername4", "getpeername6", "getpeername_unix",
                    "getsockname4", "getsockname6", "getsockname_unix").contains(type)) {
                return new long[] {1, 1};
            }
            if (type.equals("bind4") || type.equals("bind6")) {
                return new long[] {0, 3};
            }
            if (Set.of("connect4", "connect6", "connect_unix", "sendmsg4", "sendmsg6", "sendmsg_unix", "post_bind4",
                    "post_bind6", "sock_create", "sock_release", "sock", "dev", "sysctl", "getsockopt",
                    "setsockopt").contains(type)) {
                return new long[] {0, 1};
            }
            return null;
        }
        return Set.of("sockops", "sk_lookup", "netfilter").contains(head) ? new long[] {0, 1} : null;
    }

    private void checkReturn(int pc, RegValue r0) {
        if (r0.kind() == Kind.UNKNOWN) {
            return;
        }
        if (r0.kind() != Kind.SCALAR) {
            throw errors.at(pc, "At program exit the register R0 is not a known value (" + r0.describe() + ")");
        }
        String outside = outOfRange("At program exit", r0, returnRange[0], returnRange[1]);
        if (outside != null) {
            throw errors.at(pc, outside);
        }
    }

    /**
     * The kernel's verbose_invalid_scalar when scalar {@code r0} may lie outside [lo, hi] (its
     * signed range), else null. A range this analysis only knows coarsely (joined paths, narrow
     * fills) that still holds an allowed value passes: the kernel's finer tracking may prove it
     * allowed, and a refusal the kernel would not make is the worse mistake.
     */
    private static String outOfRange(String where, RegValue r0, long lo, long hi) {
        Bounds b = r0.bounds();
        if (b.smin() >= lo && b.smax() <= hi || r0.imprecise() && b.smax() >= lo && b.smin() <= hi) {
            return null;
        }
        StringBuilder m = new StringBuilder(where).append(" the register R0 has");
        if (b.smin() > Long.MIN_VALUE) {
            m.append(" smin=").append(b.smin());
        }
        if (b.smax() < Long.MAX_VALUE) {
            m.append(" smax=").append(b.smax());
        }
        if (b.smin() == Long.MIN_VALUE && b.smax() == Long.MAX_VALUE) {
            m.append(" unknown scalar value");
        }
        return m + " should have been in [" + lo + ", " + hi + "]";
    }

    /**
     * The kernel's program type of a RAW program whose section names a type this runtime does
     * not model but whose context has packet pointers (libbpf's section prefixes), else null.
     */
    private static String rawSection(BpfProgram program) {
        if (program.type() != ProgramType.RAW || program.section() == null) {
            return null;
        }
        String sec = program.section().startsWith("?") ? program.section().substring(1) : program.section();
        int slash = sec.indexOf('/');
        String head = slash >= 0 ? sec.substring(0, slash) : sec;
        if (sec.startsWith("cgroup/skb") || head.equals("cgroup_skb")) {
            return "cgroup_skb";
        }
        return Set.of("lwt_in", "lwt_out", "lwt_xmit", "lwt_seg6local", "sk_skb", "sk_msg", "flow_dissector")
                .contains(head) ? head : null;
    }

    /** Program types whose packet the kernel lets programs read but not write (may_access_direct_pkt_data). */
    private static final Set<String> READ_ONLY_PACKET = Set.of("cgroup_skb", "lwt_in", "lwt_out", "lwt_seg6local",
            "flow_dissector");

    /**
     * For a RAW program of a kernel type with packet pointers in its context ({@link #rawSection}):
     * what its r1 holds at {@code off} as the kernel sees it (the packet pointers), null elsewhere.
     */
    private RegValue rawContextField(long off, int size) {
        if (rawSection == null) {
            return null;
        }
        if (rawSection.equals("sk_msg")) {
            // struct sk_msg_md: __bpf_md_ptr data at 0, data_end at 8
            return size == 8 && off == 0 ? RegValue.pointer(Kind.PACKET, 0, 0)
                    : size == 8 && off == 8 ? RegValue.pointer(Kind.PACKET_END, 0, 0) : null;
        }
        if (rawSection.equals("cgroup_skb") && off == SKB_SK && size == 8) {
            return SKB_SK_PLACEHOLDER;
        }
        if (rawSection.equals("flow_dissector") && off == SkBuffLayout.FLOW_KEYS && size == 8) {
            return RegValue.pointer(Kind.FLOW_KEYS, 0, 0);
        }
        // struct __sk_buff: data at 76, data_end at 80
        return size == 4 && off == 76 ? RegValue.pointer(Kind.PACKET, 0, 0)
                : size == 4 && off == 80 ? RegValue.pointer(Kind.PACKET_END, 0, 0) : null;
    }

    /** What a load from the context at {@code off} gives: packet pointers, else a scalar. */
    private RegValue contextField(long off, int size) {
        ProgramType t = program.type();
        if (t == ProgramType.XDP && size == 4) {
            if (off == 0) {
                return RegValue.pointer(Kind.PACKET, 0, 0);
            }
            if (off == 4) {
                return RegValue.pointer(Kind.PACKET_END, 0, 0);
            }
            if (off == 8) {
                return RegValue.pointer(Kind.PACKET_META, 0, 0);
            }
        }
        boolean skb = t == ProgramType.SCHED_CLS || t == ProgramType.SCHED_ACT || t == ProgramType.SOCKET_FILTER;
        if (skb) {
            if (off == 76 && size == 4) {
                return RegValue.pointer(Kind.PACKET, 0, 0);
            }
            if (off == 80 && size == 4) {
                return RegValue.pointer(Kind.PACKET_END, 0, 0);
            }
            if (off == 140 && size == 4) {
                return RegValue.pointer(Kind.PACKET_META, 0, 0);
            }
            if (off == SKB_SK && size == 8) {
                return SKB_SK_PLACEHOLDER;
            }
            if (off == 144 || off == 168 || off == 76 || off == 80 || off == 140) {
                return RegValue.UNKNOWN; // flow_keys is a kernel pointer
            }
        }
        boolean scalars = skb || t == ProgramType.XDP || t == ProgramType.KPROBE || t == ProgramType.TRACEPOINT
                || t == ProgramType.PERF_EVENT;
        return scalars ? sizedScalar(size) : RegValue.UNKNOWN;
    }

    private RegValue stack(int pc, AbstractState s, int base, RegValue p, long off, long size, boolean isRead,
            boolean isWrite, RegValue stored) {
        if (p.aux() >= s.frames.length) {
            unwrittenStackRead |= isRead;
            return RegValue.UNKNOWN; // a pointer into a frame that has returned: not followed
        }
        Frame f = s.frames[p.aux()];
        if (!p.fixedOffset() && p.bounds() != null && s.kernelPath()) {
            variableStack(pc, base, p, off, size, isRead && !isWrite ? " read from" : " write to");
        }
        if (!p.fixedOffset()) {
            unwrittenStackRead |= isRead;
            if (isWrite) {
                long lo = p.smallVariable() ? p.off() + p.min() + off : -Verifier.STACK_SIZE;
                long hi = p.smallVariable() ? p.off() + p.max() + off + size : 0;
                f.markWritten(lo, hi - lo);
            }
            return RegValue.IMPRECISE_SCALAR;
        }
        long at = p.off() + off;
        // Alignment is checked (as the kernel does) only for r10 and pointers derived from it in the
        // same function (Verifier, StackFlow): the library's engine tests run misaligned accesses
        // through pointers into a caller's frame and must verify.
        if (at < -Verifier.STACK_SIZE || at + size > 0) {
            throw errors.at(pc, StackFlow.outOfFrame(insns[pc], base, at, (int) size) + " (R" + base + " = r10 "
                    + signed(p.off()) + ")");
        }
        if (isWrite && stored.kind().isPointer() && size != 8 && s.kernelPath()) {
            // The kernel spills a pointer only whole, into a full slot (check_stack_write_fixed_off).
            throw errors.at(pc, "invalid size of register spill");
        }
        RegValue loaded = sizedScalar(size);
        if (isRead) {
            RegValue slot = f.spill(at);
            if ((size != 8 || (at & 7) != 0) && slot != null && slot.kind().isPointer()) {
                // The kernel keeps a spilled pointer whole: a part of it is not a value.
                throw errors.at(pc, "invalid size of register fill");
            }
            int hole = f.firstUnwritten(at, (int) size);
            unwrittenStackRead |= hole >= 0;
            if (hole >= 0 && !uninitializedReads) {
                throw errors.at(pc, "invalid read from stack R" + base + " off " + at + "+" + hole + " size " + size);
            }
            RegValue spilled = f.spill(at);
            // A slot an untracked write may have reached reloads as unknown, written or not.
            if (spilled != null && spilled.kind() == Kind.ITER) {
                loaded = loaded.withAux(RegValue.IMPRECISE); // an iterator's bytes: not a register
            } else if (size == 8 && (at & 7) == 0 && spilled != null && (hole < 0 || spilled.kind() == Kind.UNKNOWN)) {
                loaded = spilled;
            } else if ((size != 8 || (at & 7) != 0 || spilled == null) && f.narrowConstant(at, (int) size) != null) {
                loaded = f.narrowConstant(at, (int) size);
            } else if (spilled == null && f.scalarSpills[(int) (at + Verifier.STACK_SIZE) >>> 3] == null) {
                // No spill in the slot: the kernel reads an unknown value of the size (written or not).
                loaded = sizedScalar(size);
            } else if (partOfSpill(f, at, (int) size) != null) {
                loaded = partOfSpill(f, at, (int) size);
            } else if (size != 8 || (at & 7) != 0 || hole >= 0) {
                // The kernel keeps more of narrow spills and zeroed bytes: no refusal rests on this value.
                loaded = loaded.withAux(RegValue.IMPRECISE);
            }
        }
        if (isWrite) {
            if (isRead) {
                f.markWritten(at, size); // an atomic: its result is not known
            } else {
                f.store(at, (int) size, stored);
            }
            if (size == 8 && (at & 7) == 0 && !stored.equals(RegValue.ANY_SCALAR)) {
                f.setSpill(at, stored);
            }
        }
        return loaded;
    }

    /**
     * What the kernel reads from a slot holding a scalar spill, other than its first bytes
     * (check_stack_read_fixed_off): 0 from bytes of a spilled 0, else an unknown value of the
     * size; null where this analysis does not know the spill as the kernel does, or where the
     * kernel reads the spilled value itself (from the slot's first bytes, no more than spilled).
     */
    private static RegValue partOfSpill(Frame f, long at, int size) {
        int i = (int) (at + Verifier.STACK_SIZE);
        RegValue scalar = f.scalarSpills[i >>> 3];
        RegValue whole = f.spills[i >>> 3];
        int n = f.scalarSpillSizes[i >>> 3];
        int inSlot = i & 7;
        if (scalar == null || scalar.kind() != Kind.SCALAR || scalar.imprecise() || inSlot == 0 && size <= n
                || whole != null && whole.kind() != Kind.SCALAR || inSlot + size > 8) {
            return null;
        }
        return inSlot + size <= n && scalar.isConstant() && scalar.min() == 0 ? RegValue.constant(0) : sizedScalar(size);
    }

    /**
     * A stack access through a pointer with a variable part the kernel knows as this analysis
     * does: aligned on every value (the kernel's alignment is always strict on the stack,
     * check_ptr_alignment), then inside the frame on every value (check_stack_access_within_bounds).
     */
    private void variableStack(int pc, int base, RegValue p, long off, long size, String access) {
        Bounds var = p.bounds();
        long c = p.off() + off;
        // tnum_add(var_off, tnum_const(c)) must have its low bits known zero.
        long sv = var.value() + c;
        long mu = ((var.mask() + sv) ^ sv) | var.mask();
        if (((sv & ~mu | mu) & (size - 1)) != 0) {
            throw errors.at(pc, "misaligned stack access off " + KernelFormat.tnum(var) + "+" + p.off() + "+" + off
                    + " size " + size);
        }
        if (var.smax() >= MAX_VAR_OFF || var.smin() <= -MAX_VAR_OFF) {
            throw errors.at(pc, "invalid unbounded variable-offset" + access + " stack R" + base);
        }
        boolean below = var.smin() < -Verifier.STACK_SIZE - c;
        boolean above = var.smax() > -c - size;
        if (below || above) {
            throw errors.at(pc, "invalid variable-offset" + access + " stack R" + base + " var_off="
                    + KernelFormat.tnum(var) + " off=" + c + " size=" + size);
        }
    }

    private static String signed(long v) {
        return v < 0 ? "- " + -v : "+ " + v;
    }

    /** The __sk_buff rules of this program's type, null when its context is not a __sk_buff. */
    private SkbContext.Type skbType() {
        return switch (program.type()) {
            case SCHED_CLS, SCHED_ACT -> SkbContext.Type.TC;
            case SOCKET_FILTER -> SkbContext.Type.SOCKET;
            default -> null;
        };
    }

    private void checkSkbContext(int pc, SkbContext.Type type, long off, long size, boolean write) {
        if (type != null && !SkbContext.allowed(type, off, (int) size, write)) {
            throw errors.at(pc, "invalid bpf_context access off=" + off + " size=" + size);
        }
    }

    /** The kernel's BPF_MAX_VAR_OFF: offsets and variable parts of pointers stay below it in magnitude. */
    private static final long MAX_VAR_OFF = 1L << 29;

    /** The kernel's check_reg_sane_offset on the scalar added to a pointer and on the pointer itself. */
    private void saneOffset(int pc, Kind k, RegValue scalar, RegValue ptr) {
        if (scalar.imprecise()) {
            return;
        }
        if (scalar.isConstant()) {
            long val = scalar.min();
            if (val >= MAX_VAR_OFF || val <= -MAX_VAR_OFF) {
                throw errors.at(pc, "math between " + k.label + " pointer and " + val + " is not allowed");
            }
            return;
        }
        long smin = scalar.bounds().smin();
        if (smin == Long.MIN_VALUE) {
            throw errors.at(pc, "math between " + k.label
                    + " pointer and register with unbounded min value is not allowed");
        }
        if (smin >= MAX_VAR_OFF || smin <= -MAX_VAR_OFF) {
            throw errors.at(pc, "value " + smin + " makes " + k.label + " pointer be out of bounds");
        }
    }

    /**
     * The kernel's check_mem_region_access for a pointer with a variable part it bounds as the
     * kernel does: the lowest and the highest offset it may have must both be inside the region.
     */
    private void variableRegion(int pc, int base, RegValue p, long off, long size, long regionSize, String what) {
        Bounds v = p.bounds();
        if (p.fixedOffset() || v == null) {
            return;
        }
        long at = p.off() + off;
        if (v.smin() < 0 && (v.smin() == Long.MIN_VALUE || at + v.smin() != (int) (at + v.smin())
                || v.smin() + at < 0)) {
            throw errors.at(pc, "R" + base + " min value is negative, either use unsigned index or do a if (index >=0) check.");
        }
        long lo = at + v.smin();
        if (lo < 0 || lo + size > regionSize) {
            throw errors.at(pc, what + "_size=" + regionSize + " off=" + lo + " size=" + size + "; R" + base
                    + " min value is outside of the allowed memory range");
        }
        if (Long.compareUnsigned(v.umax(), MAX_VAR_OFF) >= 0) {
            throw errors.at(pc, "R" + base + " unbounded memory access, make sure to bounds check any such access");
        }
        long hi = at + v.umax();
        if (hi < 0 || hi + size > regionSize) {
            throw errors.at(pc, what + "_size=" + regionSize + " off=" + hi + " size=" + size + "; R" + base
                    + " max value is outside of the allowed memory range");
        }
    }

    private ProvenAccess mapValue(int pc, int base, RegValue p, long off, long size) {
        MapSpec m = map(p.aux());
        if (m == null) {
            return null;
        }
        long valueSize = m.valueSize();
        variableRegion(pc, base, p, off, size, valueSize, "invalid access to map value, value");
        if (p.fixedOffset()) {
            long at = p.off() + off;
            if (at < 0 || at + size > valueSize) {
                throw errors.at(pc, "invalid access to map value, value_size=" + valueSize + " off=" + at + " size="
                        + size + " (R" + base + ")");
            }
            return new ProvenAccess(ProvenAccess.Region.MAP_VALUE, p.aux(), at, at + size);
        }
        if (p.smallVariable()) {
            long lo = p.off() + p.min() + off;
            long hi = p.off() + p.max() + off + size;
            if (lo >= 0 && hi <= valueSize) {
                return new ProvenAccess(ProvenAccess.Region.MAP_VALUE, p.aux(), lo, hi);
            }
        }
        return null;
    }

    private ProvenAccess packet(int pc, int base, RegValue p, long off, long size, boolean isWrite) {
        if (isWrite && rawSection != null && READ_ONLY_PACKET.contains(rawSection)) {
            throw errors.at(pc, "cannot write into packet");
        }
        long at = p.off() + off;
        if (at < 0 || at + size > p.range()) {
            throw errors.at(pc, "invalid access to packet, off=" + at + " size=" + size + ", R" + base + "(id=" + p.id()
                    + ",off=" + p.off() + ",r=" + p.range() + "); R" + base + " offset is outside of the packet");
        }
        if (p.kind() == Kind.PACKET_META) {
            return null;
        }
        // A RAW program runs with r1 = input memory: its "packet" is not the run's packet, so nothing is proven.
        return p.smallVariable() && rawSection == null ? new ProvenAccess(ProvenAccess.Region.PACKET, -1, at + p.min(), -1) : null;
    }

    private ProvenAccess memory(int pc, int base, RegValue p, long off, long size) {
        if (p.range() < 0) {
            return null;
        }
        if (p.fixedOffset()) {
            long at = p.off() + off;
            if (at < 0 || at + size > p.range()) {
                throw errors.at(pc, "invalid access to memory, mem_size=" + p.range() + " off=" + at + " size=" + size
                        + " (R" + base + ")");
            }
            return new ProvenAccess(ProvenAccess.Region.MEMORY, -1, at, at + size);
        }
        if (p.smallVariable()) {
            long lo = p.off() + p.min() + off;
            long hi = p.off() + p.max() + off + size;
            if (lo >= 0 && hi <= p.range()) {
                return new ProvenAccess(ProvenAccess.Region.MEMORY, -1, lo, hi);
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- jumps and calls

    /** A value the kernel may know better than this analysis. */
    private static boolean vague(RegValue v) {
        return v.kind() == Kind.UNKNOWN || v.imprecise();
    }

    private int jump(int pc, Instruction insn, AbstractState s, ArrayDeque<Work> work) {
        int op = Opcodes.aluOp(insn.opcode());
        if (insn.opcode() == Opcodes.JA || insn.opcode() == Opcodes.JA32) {
            return (int) Effects.jumpTarget(pc, insn);
        }
        if (op == Opcodes.JMP_EXIT) {
            return exit(pc, s, work);
        }
        if (op == Opcodes.JMP_CALL) {
            return call(pc, insn, s, work);
        }
        int target = (int) Effects.jumpTarget(pc, insn);
        if (op == Opcodes.JMP_JCOND) {
            // may_goto: as the kernel, the path where the budget is spent (the jump) goes first;
            // the one that goes on is one level deeper, so that a loop through it is no repeat.
            AbstractState on = s.copy();
            on.mayGotoDepth++;
            work.push(new Work(pc + 1, on, pc));
            return target;
        }
        boolean is32 = insn.instructionClass() == Opcodes.CLASS_JMP32;
        boolean x = Opcodes.source(insn.opcode()) == Opcodes.SRC_X;
        RegValue d = read(pc, s, insn.dst());
        RegValue v = x ? read(pc, s, insn.src()) : RegValue.constant(is32 ? insn.imm() & U32 : (long) insn.imm());
        Boolean taken = Branches.decide(op, is32, d, v);
        if (taken != null) {
            return taken ? target : pc + 1;
        }
        if (vague(d) || vague(v)) {
            s.guessed = true;
        }
        AbstractState other = s.copy();
        if (Branches.refine(other, op, is32, insn.dst(), x ? insn.src() : -1, d, v, true)) {
            work.push(new Work(target, other, pc));
        }
        return Branches.refine(s, op, is32, insn.dst(), x ? insn.src() : -1, d, v, false) ? pc + 1 : -1;
    }

    private int exit(int pc, AbstractState s, ArrayDeque<Work> work) {
        if (s.top().returnPc > CALLBACK_RETURN) {
            kfuncs.exit(pc, s);
        }
        if (s.frames.length == 1) {
            RegValue r0 = read(pc, s, 0);
            if (exploringMain && joinAfter != JOIN_AFTER_COARSE) {
                checkReferences(pc, s);
            }
            if (exploringMain && returnRange != null && joinAfter != JOIN_AFTER_COARSE) {
                checkReturn(pc, r0);
            }
            return -1;
        }
        if (s.top().returnPc <= CALLBACK_RETURN) {
            // A callback returns into the helper, which either calls it again (with the
            // caller's registers as they were at the call) or returns to the caller; the
            // kernel wants a scalar in [0, 1] from it (prepare_func_exit).
            RegValue r0 = s.reg(0);
            if (r0.kind() != Kind.SCALAR && r0.kind() != Kind.UNKNOWN) {
                throw errors.at(pc, "R0 not a scalar value");
            }
            String outside = r0.kind() == Kind.SCALAR ? outOfRange("At callback return", r0, 0, 1) : null;
            if (outside != null) {
                throw errors.at(pc, outside);
            }
            int site = CALLBACK_RETURN - s.top().returnPc;
            Frame[] shorter = new Frame[s.frames.length - 1];
            System.arraycopy(s.frames, 0, shorter, 0, shorter.length);
            s.frames = shorter;
            again(site, s.copy(), work);
            s.top().callbackDepth = 0;
            clobberArguments(s);
            s.set(0, RegValue.ANY_SCALAR);
            return site + 1;
        }
        // As the kernel's prepare_func_exit: a subprogram hands r0 back as it is, so a void
        // function (clang leaves r0 unset) returns fine and only a caller that reads r0 is refused.
        RegValue r0 = s.reg(0);
        if (r0.kind() == Kind.STACK) {
            // Its own frame is gone after the return (and a caller's the JIT may hold in locals).
            throw errors.at(pc, "cannot return stack pointer to the caller");
        }
        Frame callee = s.top();
        Frame[] shorter = new Frame[s.frames.length - 1];
        System.arraycopy(s.frames, 0, shorter, 0, shorter.length);
        s.frames = shorter;
        clobberArguments(s);
        s.set(0, r0);
        return callee.returnPc;
    }

    private int call(int pc, Instruction insn, AbstractState s, ArrayDeque<Work> work) {
        if (Opcodes.source(insn.opcode()) == Opcodes.SRC_X) {
            functionsEscape = true;
            // callx: the callee is not known statically; its effects are not followed.
            read(pc, s, insn.dst());
            for (int r = 0; r <= 5; r++) {
                s.set(r, RegValue.UNKNOWN);
            }
            // It may read and write any frame it gets a pointer to.
            unwrittenStackRead = true;
            s.top().markWritten(-Verifier.STACK_SIZE, Verifier.STACK_SIZE);
            forgetSpills(s);
            return pc + 1;
        }
        if (insn.src() == Opcodes.CALL_LOCAL) {
            if (s.frames.length >= Verifier.MAX_FRAMES) {
                throw errors.at(pc, Verifier.TOO_DEEP);
            }
            Frame callee = new Frame(pc + 1);
            Frame caller = s.top();
            for (int r = 1; r <= 5; r++) {
                callee.regs[r] = caller.regs[r];
            }
            callee.regs[10] = RegValue.pointer(Kind.STACK, 0, s.frames.length);
            Frame[] longer = new Frame[s.frames.length + 1];
            System.arraycopy(s.frames, 0, longer, 0, s.frames.length);
            longer[s.frames.length] = callee;
            s.frames = longer;
            return pc + 1 + insn.imm();
        }
        if (insn.src() == Opcodes.CALL_KFUNC) {
            kfuncs.call(pc, insn, s);
            unwrittenStackRead |= kfuncs.readsUnwrittenStack();
            return pc + 1;
        }
        if (insn.imm() == Opcodes.HELPER_CORE_POISON) throw errors.at(pc, "invalid func unknown#195896080 (CO-RE poison)");
        SyncCallbacks callback = knownCallback(insn, s);
        AbstractState atCall = callback != null ? s.copy() : null;
        if ((insn.imm() & U32) == HelperIds.LOOP) {
            loopCallbacks.record(pc, callback != null ? s.reg(2).aux() : -1);
        }
        helper(pc, insn, s, callback);
        if (atCall != null) {
            // Zero iterations continue at pc + 1 (this state); one or more go through the callback.
            again(pc, atCall, work);
            s.top().callbackDepth = 0;
        }
        return pc + 1;
    }

    /**
     * The kernel's check at a call of a helper that calls back (or at its return to the call):
     * one more iteration through the callback while the caller's frame has followed fewer than
     * the helper may make (bpf_loop's count).
     */
    private void again(int site, AbstractState atCall, ArrayDeque<Work> work) {
        SyncCallbacks callback = SyncCallbacks.of(insns[site].imm(), helpers.get(insns[site].imm() & U32));
        if (atCall.top().callbackDepth < callback.iterations(atCall.reg(1))) {
            work.push(enterLoopCallback(site, atCall, callback));
        }
    }

    /** The callback-calling helper {@code insn} calls, when its function argument is known; else null. */
    private SyncCallbacks knownCallback(Instruction insn, AbstractState s) {
        SyncCallbacks c = SyncCallbacks.of(insn.imm(), helpers.get(insn.imm() & U32));
        if (c == null) {
            return null;
        }
        RegValue f = s.reg(c.function());
        return f.kind() == Kind.FUNC && f.fixedOffset() && f.off() == 0 ? c : null;
    }

    /**
     * The state in which a helper called at {@code site} in state {@code s} enters its callback:
     * a new frame on top of the caller's, with the arguments the helper passes (the context the
     * caller gave, so that accesses through it are checked against the caller's stack), the
     * others not initialised, as the kernel sets them; the caller's frame counts one iteration more.
     */
    private Work enterLoopCallback(int site, AbstractState s, SyncCallbacks callback) {
        if (s.frames.length >= Verifier.MAX_FRAMES) {
            throw errors.at(site, Verifier.TOO_DEEP);
        }
        int entry = s.reg(callback.function()).aux();
        loopCallbackEntries.set(entry);
        Frame callee = new Frame(CALLBACK_RETURN - site);
        callback.arguments(s.top(), callee);
        callee.regs[10] = RegValue.pointer(Kind.STACK, 0, s.frames.length);
        s.top().callbackDepth++;
        Frame[] longer = Arrays.copyOf(s.frames, s.frames.length + 1);
        longer[s.frames.length] = callee;
        s.frames = longer;
        return new Work(entry, s);
    }

    /** {@code callback}: the helper's callback is followed from here, so its context goes only there. */
    private void helper(int pc, Instruction insn, AbstractState s, SyncCallbacks callback) {
        boolean loopContext = callback != null;
        HelperSpec spec = helpers.get(insn.imm() & U32);
        ProgramType type = program.type();
        boolean tracing = type == ProgramType.KPROBE || type == ProgramType.TRACEPOINT || type == ProgramType.PERF_EVENT
                || type == ProgramType.RAW_TRACEPOINT;
        if (tracing && (insn.imm() == HELPER_SPIN_LOCK || insn.imm() == HELPER_SPIN_UNLOCK)) {
            // The kernel refuses the map with a lock already (check_map_prog_compatibility).
            throw errors.at(pc, "tracing progs cannot use bpf_spin_lock yet");
        }
        if (tracing && insn.imm() == HELPER_KTIME_GET_COARSE_NS) {
            throw errors.at(pc, "program of this type cannot use helper bpf_ktime_get_coarse_ns#"
                    + HELPER_KTIME_GET_COARSE_NS);
        }
        HelperMapRules.checkProgramType(pc, (int) (insn.imm() & U32), type, errors);
        boolean flowDissector = rawSection != null && rawSection.equals("flow_dissector");
        if ((tracing || flowDissector) && SOCKET_LOOKUPS.contains(insn.imm()) && spec != null) {
            // Socket lookups and releases are networking helpers: tracing programs and the flow
            // dissector (load_bytes and the base helpers only) do not have them.
            throw errors.at(pc, "program of this type cannot use helper bpf_" + spec.name() + "#" + insn.imm());
        }
        if (spec != null && spec.gplOnly() && !program.gplCompatible()) {
            throw errors.at(pc, "cannot call GPL-restricted function from non-GPL compatible program");
        }
        List<ArgType> args = spec == null ? List.of() : spec.args();
        unwrittenStackRead |= spec == null;
        functionsEscape |= spec != null && spec.takesCallback() && !loopContext;
        MapSpec mapArg = null;
        int mapIndex = -1;
        boolean mapKnown = false;
        for (int i = 0; i < args.size(); i++) {
            int r = i + 1;
            RegValue v = read(pc, s, r);
            ArgType t = args.get(i);
            ArgType next = i + 1 < args.size() ? args.get(i + 1) : ArgType.ANYTHING;
            boolean measured = t == ArgType.PTR_TO_MAP_KEY || t == ArgType.PTR_TO_MAP_VALUE || t == ArgType.PTR_TO_MEM
                    || t == ArgType.PTR_TO_UNINIT_MEM;
            boolean followed = loopContext && r == callback.context();
            if (!measured && !followed && (v.kind() == Kind.STACK || v.kind() == Kind.UNKNOWN)) {
                unwrittenStackRead = true; // the helper may read through it as far as it likes
            }
            if (t != ArgType.ANYTHING && (v.kind() == Kind.PACKET || v.kind() == Kind.PACKET_META)
                    && !spec.packetAccess()) {
                // check_func_arg: only helpers whose proto says pkt_access take packet pointers
                throw errors.at(pc, "helper access to the packet is not allowed");
            }
            switch (t) {
                case ANYTHING -> {
                    if (!followed && v.kind() == Kind.STACK && v.aux() < s.frames.length) {
                        // The helper (or its callback) may write through the pointer: the bytes
                        // from it to the frame's top count as written, and no spill survives (a
                        // callback may write below the pointer too).
                        long lo = v.fixedOffset() ? v.off() : -Verifier.STACK_SIZE;
                        s.frames[v.aux()].markWritten(lo, -lo);
                        forgetSpills(s);
                    } else if (!followed && v.kind() == Kind.UNKNOWN) {
                        forgetSpills(s);
                    }
                }
                case CONST_MAP_PTR -> {
                    expect(pc, r, v, "map_ptr", Kind.MAP_PTR);
                    if (v.kind() == Kind.MAP_PTR) {
                        mapIndex = v.aux();
                        mapArg = map(mapIndex);
                        mapKnown = true;
                    }
                }
                case PTR_TO_MAP_KEY, PTR_TO_MAP_VALUE -> {
                    boolean key = t == ArgType.PTR_TO_MAP_KEY;
                    long size = mapArg == null ? -1 : key ? mapArg.keySize() : mapArg.valueSize();
                    int id = (int) (insn.imm() & U32);
                    boolean writes = !key && (id == HELPER_MAP_POP || id == HELPER_MAP_PEEK);
                    if (!key && mapArg != null && (mapArg.type() == MapType.SOCKMAP
                            || mapArg.type() == MapType.SOCKHASH)) {
                        sockmapValue(pc, r, v);
                    } else {
                        memoryArgument(pc, s, r, v, size, !writes, writes, false);
                    }
                }
                case PTR_TO_MEM, PTR_TO_UNINIT_MEM -> {
                    boolean orZero = next == ArgType.CONST_SIZE_OR_ZERO;
                    RegValue sizeReg = s.reg(r + 1);
                    long size = sizeReg.isConstant() ? sizeReg.min() : -1;
                    if (size < 0 && sizeReg.kind() == Kind.SCALAR && sizeReg.smallVariable()) {
                        size = -2 - sizeReg.max(); // encodes an upper bound only
                    }
                    memoryArgument(pc, s, r, v, size, t == ArgType.PTR_TO_MEM, t == ArgType.PTR_TO_UNINIT_MEM,
                            orZero);
                }
                case CONST_SIZE, CONST_SIZE_OR_ZERO -> {
                    if (v.kind().isPointer()) {
                        throw errors.at(pc, "R" + r + " type=" + v.describe() + " expected=scalar");
                    }
                    if (t == ArgType.CONST_SIZE && v.isConstant() && v.min() == 0) {
                        throw errors.at(pc, "R" + r + " invalid zero-sized read: u64=[0,0]");
                    }
                    sizeArgument(pc, r, v, t == ArgType.CONST_SIZE_OR_ZERO);
                }
                case PTR_TO_CTX -> {
                    boolean raw = program.type() == ProgramType.RAW && v.kind() == Kind.MEM;
                    if (!raw) {
                        expect(pc, r, v, "ctx", Kind.CTX);
                    }
                    if (v.kind() == Kind.CTX) {
                        unmodifiedContext(pc, r, v);
                    }
                }
                case PTR_TO_CONST_STR -> expect(pc, r, v, "map_value", Kind.MAP_VALUE);
                case PTR_TO_FUNC -> expect(pc, r, v, "func", Kind.FUNC);
                case PTR_TO_STACK -> expect(pc, r, v, "fp", Kind.STACK);
                case PTR_TO_ALLOC_MEM -> expect(pc, r, v, "ringbuf_mem", Kind.MEM);
            }
        }
        mapArguments.record(pc, mapKnown ? mapIndex : -1);
        int id = (int) (insn.imm() & U32);
        if (spec != null) {
            HelperMapRules.check(pc, program, id, spec.name(), mapArg, s.reg(1), s.reg(2), errors);
        }
        if (spec != null && spec.changesPacket()) { // every packet pointer is invalid after it
            s.mapAll(v -> v.kind() == Kind.PACKET || v.kind() == Kind.PACKET_END || v.kind() == Kind.PACKET_META
                    ? RegValue.ANY_SCALAR : v);
        }
        // Helpers whose result the kernel bounds (do_refine_retval_range and the like): imprecise here.
        RegValue result = BOUNDED_RESULT.contains(id) || spec == null ? RegValue.IMPRECISE_SCALAR : RegValue.ANY_SCALAR;
        if ((id == HelperMapRules.MAP_LOOKUP || id == HELPER_MAP_LOOKUP_PERCPU) && mapKnown) {
            result = nullable(s, Kind.MAP_VALUE_OR_NULL, pc, mapIndex, 0);
            if (id == HelperMapRules.MAP_LOOKUP && existingElement(s, s.reg(2), mapArg)) {
                result = RegValue.pointer(Kind.MAP_VALUE, 0, mapIndex);
            }
        } else if (id == HelperMapRules.MAP_LOOKUP || id == HELPER_MAP_LOOKUP_PERCPU || RETURNS_POINTER.contains(id)) {
            result = RegValue.UNKNOWN;
        } else if (id == HelperMapRules.GET_LOCAL_STORAGE && mapKnown) {
            result = RegValue.pointer(Kind.MAP_VALUE, 0, mapIndex); // never NULL
        } else if (id == HelperMapRules.GET_LOCAL_STORAGE) {
            result = RegValue.UNKNOWN;
        } else if (id == HELPER_RINGBUF_RESERVE) {
            RegValue size = s.reg(2);
            result = nullable(s, Kind.MEM_OR_NULL, pc, 0, size.isConstant() ? size.min() : RegValue.UNBOUNDED);
        }
        longResult(pc, id, s);
        result = references(pc, id, s, result, mapArg, mapIndex);
        clobberArguments(s);
        s.set(0, result);
    }

    /**
     * The kernel's nullness elision for bpf_map_lookup_elem (check_helper_call, Linux 6.14): the
     * element of an array (or per-CPU array) at a constant key below its max_entries exists, so
     * the lookup returns a map value that is never NULL. The key is constant as the kernel's
     * get_constant_map_key finds it on the stack ({@link AbstractState.Frame#constantKey}); a key
     * this analysis does not know as the kernel does leaves the result maybe NULL (the engines
     * rely on a non-null value being one).
     */
    private static boolean existingElement(AbstractState s, RegValue key, MapSpec map) {
        if (map == null || map.type() != MapType.ARRAY && map.type() != MapType.PERCPU_ARRAY
                || key.kind() != Kind.STACK || !key.fixedOffset() || key.aux() >= s.frames.length
                || key.off() < -Verifier.STACK_SIZE || key.off() + map.keySize() > 0) {
            return false;
        }
        RegValue v = s.frames[key.aux()].constantKey(key.off(), map.keySize());
        return v != null && v.kind() == Kind.SCALAR && v.isConstant() && !v.imprecise() && v.min() >= 0
                && v.min() < map.maxEntriesUnsigned();
    }

    /** A fresh maybe-null pointer; an older one from the same call site is no longer tied to it. */
    private static RegValue nullable(AbstractState s, Kind kind, int pc, int aux, long range) {
        int id = pc + 1;
        s.mapAll(v -> v.kind().isNullable() && v.id() == id ? v.withId(0) : v);
        return RegValue.pointer(kind, 0, aux).withId(id).withRange(range);
    }

    // ---------------------------------------------------------------- sockets and references

    private static final int HELPER_TAIL_CALL = 12;
    /** sk_lookup_tcp, sk_lookup_udp, sk_release, skc_lookup_tcp. */
    private static final Set<Integer> SOCKET_LOOKUPS = Set.of(84, 85, 86, 99);
    private static final int HELPER_GET_NETNS_COOKIE = 122;
    private static final int HELPER_STRTOL = 105;
    private static final int HELPER_STRTOUL = 106;
    private static final int HELPER_SK_LOOKUP_TCP = 84;
    private static final int HELPER_SK_LOOKUP_UDP = 85;
    private static final int HELPER_SK_RELEASE = 86;
    private static final int HELPER_SK_FULLSOCK = 95;
    private static final int HELPER_TCP_SOCK = 96;
    private static final int HELPER_GET_LISTENER_SOCK = 98;
    private static final int HELPER_SKC_LOOKUP_TCP = 99;
    private static final int HELPER_SK_STORAGE_GET = 107;
    private static final int HELPER_RINGBUF_SUBMIT = 132;
    private static final int HELPER_RINGBUF_DISCARD = 133;
    /** The size of {@code struct bpf_flow_keys}. */
    private static final int FLOW_KEYS_SIZE = 56;
    /** The offset of {@code sk} in {@code struct __sk_buff}. */
    private static final int SKB_SK = 168;
    /** What {@link #contextField} gives for {@code __sk_buff->sk}; {@link #skbSocket} gives it its identity. */
    private static final RegValue SKB_SK_PLACEHOLDER = RegValue.pointer(Kind.SOCK_COMMON_OR_NULL, 0, 0);

    /** A load of {@code __sk_buff->sk}: a socket that may be null, with an identity for its null check. */
    private static RegValue skbSocket(int pc, AbstractState s, RegValue loaded) {
        return loaded == SKB_SK_PLACEHOLDER ? nullable(s, Kind.SOCK_COMMON_OR_NULL, pc, 0, 0) : loaded;
    }

    /** The kernel's check_sock_access: read-only, the uapi struct's fields at their sizes. */
    private void socketAccess(int pc, int base, RegValue p, long off, int size, boolean isWrite) {
        if (isWrite) {
            throw errors.at(pc, "R" + base + " cannot write into " + p.describe());
        }
        if (!p.fixedOffset()) {
            throw errors.at(pc, "R" + base + " invalid variable offset access to " + p.describe());
        }
        long at = p.off() + off;
        if (!Sockets.readable(p.kind(), at, size)) {
            throw errors.at(pc, "R" + base + " invalid " + p.describe() + " access off=" + at + " size=" + size);
        }
    }

    /**
     * The kernel's reference tracking at a helper call: what acquires a reference (socket lookups,
     * socket map lookups, ring-buffer reservations), what casts a socket and keeps its reference
     * (sk_fullsock, tcp_sock), what releases one (sk_release, ringbuf_submit/discard, after which
     * every copy of the pointer is a scalar), and the socket-typed arguments these take. Returns
     * r0 after the call ({@code result} where none of this applies).
     */
    private RegValue references(int pc, int helper, AbstractState s, RegValue result, MapSpec mapArg, int mapIndex) {
        switch (helper) {
            case HELPER_SK_LOOKUP_TCP, HELPER_SK_LOOKUP_UDP, HELPER_SKC_LOOKUP_TCP -> {
                Kind k = helper == HELPER_SKC_LOOKUP_TCP ? Kind.SOCK_COMMON_OR_NULL : Kind.SOCK_OR_NULL;
                return acquired(pc, s, nullable(s, k, pc, 0, 0));
            }
            case HelperMapRules.MAP_LOOKUP -> {
                MapType t = mapArg == null ? null : mapArg.type();
                if (t == MapType.SOCKMAP || t == MapType.SOCKHASH) {
                    return acquired(pc, s, nullable(s, Kind.SOCK_OR_NULL, pc, 0, 0));
                }
                if (t == MapType.XSKMAP) {
                    return nullable(s, Kind.XDP_SOCK_OR_NULL, pc, 0, 0);
                }
                return result;
            }
            case HELPER_RINGBUF_RESERVE -> {
                return result.kind() == Kind.MEM_OR_NULL ? acquired(pc, s, result) : result;
            }
            case HELPER_SK_FULLSOCK, HELPER_TCP_SOCK, HELPER_GET_LISTENER_SOCK -> {
                RegValue sk = s.reg(1);
                if (!sk.kind().isSocket()) {
                    if (sk.kind() != Kind.UNKNOWN) {
                        throw errors.at(pc, "R1 type=" + sk.describe() + " expected=" + Sockets.SOCK_COMMON_ARG);
                    }
                    return result;
                }
                if (sk.kind().isNullable()) {
                    throw errors.at(pc, "R1 type=" + sk.describe() + " expected=" + Sockets.SOCK_COMMON_ARG);
                }
                Kind k = helper == HELPER_TCP_SOCK ? Kind.TCP_SOCK_OR_NULL : Kind.SOCK_OR_NULL;
                // A cast keeps the reference of the socket it comes from; the listener is not referenced.
                return nullable(s, k, pc, 0, 0).withRef(helper == HELPER_GET_LISTENER_SOCK ? 0 : sk.ref());
            }
            case HELPER_SK_STORAGE_GET -> {
                socketBtfArgument(pc, 2, s.reg(2));
                RegValue value = s.reg(3);
                if (value.kind() == Kind.SCALAR && !(value.isConstant() && value.min() == 0) && !value.imprecise()) {
                    throw errors.at(pc, "R3 type=scalar expected=fp, pkt, pkt_meta, map_key, map_value, mem, "
                            + "ringbuf_mem, buf, trusted_ptr_");
                }
                if (value.kind().isPointer() && mapArg != null) {
                    memoryArgument(pc, s, 3, value, mapArg.valueSize(), true, false, false);
                }
                return mapArg != null ? nullable(s, Kind.MAP_VALUE_OR_NULL, pc, mapIndex, 0) : RegValue.UNKNOWN;
            }
            case HELPER_SK_RELEASE -> {
                RegValue sk = s.reg(1);
                socketBtfArgument(pc, 1, sk);
                release(pc, s, sk);
                return result;
            }
            case HELPER_RINGBUF_SUBMIT, HELPER_RINGBUF_DISCARD -> {
                release(pc, s, s.reg(1));
                return result;
            }
            case HELPER_GET_NETNS_COOKIE -> {
                contextOrNull(pc, s.reg(1));
                return result;
            }
            case HELPER_TAIL_CALL -> {
                int[] held = s.heldReference();
                if (held != null && joinAfter != JOIN_AFTER_COARSE) {
                    throw errors.at(pc, "tail_call would lead to reference leak");
                }
                return result;
            }
            default -> {
                return result;
            }
        }
    }

    /**
     * The value a program stores in a sockmap or sockhash: a socket (the kernel types it
     * ARG_PTR_TO_BTF_ID_SOCK_COMMON for these maps). Values this analysis does not follow as
     * sockets (kernel pointers read from contexts it does not model) are let through.
     */
    private void sockmapValue(int pc, int r, RegValue v) {
        if (v.kind().isSocket() || v.kind().isNullable() || v.kind() == Kind.CTX || v.kind() == Kind.STACK
                || v.kind() == Kind.MAP_VALUE) {
            socketBtfArgument(pc, r, v);
        }
    }

    /**
     * strtol and strtoul write their result through r4, which the kernel types as 8 bytes of
     * aligned memory the helper writes (ARG_PTR_TO_FIXED_SIZE_MEM, MEM_UNINIT, MEM_ALIGNED).
     */
    private void longResult(int pc, int helper, AbstractState s) {
        if (helper != HELPER_STRTOL && helper != HELPER_STRTOUL) {
            return;
        }
        RegValue v = s.reg(4);
        // As the kernel: the region first, then the alignment.
        if (v.kind() == Kind.STACK && v.fixedOffset()) {
            stackArgument(pc, s, 4, v, 8, 8, false, true);
            if (Math.floorMod(v.off(), 8) != 0) {
                throw errors.at(pc, "misaligned stack access off 0+" + v.off() + "+0 size 8");
            }
        } else if (v.kind() == Kind.MAP_VALUE && v.fixedOffset()) {
            mapValue(pc, 4, v, 0, 8);
            if (Math.floorMod(v.off(), 8) != 0) {
                throw errors.at(pc, "misaligned value access off 0+" + v.off() + "+0 size 8");
            }
        }
    }

    /**
     * The kernel's check_ptr_off_reg on a context pointer passed to a helper: only the context as
     * the program got it, neither moved by a constant (negative first) nor by a variable.
     */
    private void unmodifiedContext(int pc, int r, RegValue v) {
        if (v.off() < 0) {
            throw errors.at(pc, "negative offset ctx ptr R" + r + " off=" + v.off() + " disallowed");
        }
        if (v.off() != 0) {
            throw errors.at(pc, "dereference of modified ctx ptr R" + r + " off=" + v.off() + " disallowed");
        }
        if (!v.fixedOffset()) {
            long[] t = v.bounds() != null ? new long[] {v.bounds().value(), v.bounds().mask()}
                    : Bounds.tnumRange(v.min(), v.max());
            throw errors.at(pc, "variable ctx access var_off=(0x" + Long.toHexString(t[0]) + "; 0x"
                    + Long.toHexString(t[1]) + ") disallowed");
        }
    }

    /** The kernel's ARG_PTR_TO_CTX_OR_NULL in r1: the unmodified context, or the constant 0. */
    private void contextOrNull(int pc, RegValue v) {
        boolean context = v.kind() == Kind.CTX || v.kind() == Kind.MEM && v.aux() == RegValue.INPUT
                && program.type() == ProgramType.RAW;
        if (v.kind() == Kind.SCALAR && !v.imprecise() && !(v.isConstant() && v.min() == 0)) {
            throw errors.at(pc, "R1 type=scalar expected=ctx");
        }
        if (context && v.fixedOffset() && v.off() < 0) {
            throw errors.at(pc, "negative offset ctx ptr R1 off=" + v.off() + " disallowed");
        }
    }

    /** An argument the kernel types as a socket given by BTF id (ARG_PTR_TO_BTF_ID_SOCK_COMMON). */
    private void socketBtfArgument(int pc, int r, RegValue v) {
        if (v.kind() != Kind.UNKNOWN && (!v.kind().isSocket() || v.kind().isNullable())) {
            throw errors.at(pc, "R" + r + " type=" + v.describe() + " expected=" + Sockets.SOCK_COMMON_BTF_ARG);
        }
    }

    private static RegValue acquired(int pc, AbstractState s, RegValue v) {
        s.acquire(v.id(), pc);
        return v.withRef(v.id());
    }

    /** A release function's argument (r1): the referenced pointer itself, after which no copy is usable. */
    private void release(int pc, AbstractState s, RegValue v) {
        if (v.kind() == Kind.UNKNOWN) {
            s.releaseAll(); // which reference goes is not known here: none may be reported as leaked
            return;
        }
        if (!v.kind().isPointer()) {
            return; // the helper's argument types refuse it
        }
        if (v.off() != 0 || !v.fixedOffset()) {
            throw errors.at(pc, "R1 must have zero offset when passed to release func or trusted arg to kfunc");
        }
        if (v.ref() == 0) {
            throw errors.at(pc, "R1 must be referenced when passed to release function");
        }
        int ref = v.ref();
        s.release(ref);
        s.mapAll(x -> x.ref() == ref && x.kind().isPointer() ? RegValue.ANY_SCALAR : x);
    }

    /**
     * The kernel's save_aux_ptr_type: one load or store instruction may not be reached with a
     * context or socket pointer on one path and another pointer type on another (the kernel
     * rewrites context and socket accesses per instruction). Values this analysis does not follow
     * are not compared.
     */
    private void samePointerType(int pc, RegValue base) {
        Kind k = base.kind();
        if (!k.isPointer()) {
            return;
        }
        Kind before = accessBaseKinds[pc];
        if (before == null) {
            accessBaseKinds[pc] = k;
        } else if (before != k && (strictBase(before) || strictBase(k))) {
            throw errors.at(pc, "same insn cannot be used with different pointers");
        }
    }

    private static boolean strictBase(Kind k) {
        return k == Kind.CTX || k.isSocket();
    }

    /** At the main program's exit, every reference must have been released (the kernel's check_reference_leak). */
    private void checkReferences(int pc, AbstractState s) {
        int[] held = s.heldReference();
        if (held != null) {
            throw errors.at(pc, "Unreleased reference id=" + held[0] + " alloc_insn=" + held[1]
                    + "; BPF_EXIT instruction in main prog would lead to reference leak");
        }
    }

    /** The kernel's check_mem_size_reg, where this analysis bounds the size as the kernel does. */
    private void sizeArgument(int pc, int r, RegValue size, boolean zeroAllowed) {
        if (size.kind() != Kind.SCALAR || size.imprecise() || size.isConstant() && size.min() == 0 && zeroAllowed) {
            return;
        }
        Bounds b = size.bounds();
        if (b.smin() < 0) {
            throw errors.at(pc, "R" + r + " min value is negative, either use unsigned or 'var &= const'");
        }
        if (b.umin() == 0 && !zeroAllowed) {
            throw errors.at(pc, "R" + r + " invalid zero-sized read: u64=[" + b.umin() + "," + b.umax() + "]");
        }
        if (Long.compareUnsigned(b.umax(), MAX_VAR_OFF) >= 0) {
            throw errors.at(pc, "R" + r + " unbounded memory access, use 'var &= const' or 'if (var < const)'");
        }
    }

    private void expect(int pc, int r, RegValue v, String expected, Kind kind) {
        if (v.kind() != kind && v.kind() != Kind.UNKNOWN) {
            throw errors.at(pc, "R" + r + " type=" + v.describe() + " expected=" + expected);
        }
    }

    /**
     * Checks a helper's pointer-to-memory argument of {@code size} bytes ({@code -1} unknown;
     * {@code -2 - max} for a size known only to be at most {@code max}).
     */
    private void memoryArgument(int pc, AbstractState s, int r, RegValue v, long size, boolean reads, boolean writes,
            boolean nullAllowed) {
        long exact = size >= 0 ? size : -1;
        long atMost = size >= 0 ? size : size < -1 ? -2 - size : -1;
        switch (v.kind()) {
            case UNKNOWN -> {
                unwrittenStackRead |= reads;
                if (writes) {
                    forgetSpills(s);
                }
            }
            case CTX, PACKET_META -> {
            }
            case SCALAR -> {
                if (!(nullAllowed && v.isConstant() && v.min() == 0)) {
                    throw errors.at(pc, "R" + r + " type=scalar expected=fp, pkt, pkt_meta, map_key, map_value, mem, "
                            + "ringbuf_mem, buf");
                }
            }
            case STACK -> stackArgument(pc, s, r, v, exact, atMost, reads, writes);
            case MAP_VALUE -> {
                if (exact > 0) {
                    mapValue(pc, r, v, 0, exact);
                }
            }
            case PACKET -> {
                if (exact > 0) {
                    packet(pc, r, v, 0, exact, false);
                }
            }
            case MEM -> {
                if (exact > 0) {
                    memory(pc, r, v, 0, exact);
                }
            }
            default -> throw errors.at(pc, "R" + r + " type=" + v.describe()
                    + " expected=fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf");
        }
    }

    private void stackArgument(int pc, AbstractState s, int r, RegValue v, long exact, long atMost, boolean reads,
            boolean writes) {
        if (v.aux() >= s.frames.length) {
            unwrittenStackRead |= reads;
            return;
        }
        Frame f = s.frames[v.aux()];
        if (!v.fixedOffset()) {
            unwrittenStackRead |= reads;
            if (writes) {
                f.markWritten(-Verifier.STACK_SIZE, Verifier.STACK_SIZE);
            }
            return;
        }
        long at = v.off();
        unwrittenStackRead |= reads && exact <= 0;
        if (exact > 0) {
            if (at < -Verifier.STACK_SIZE || at + exact > 0) {
                throw errors.at(pc, "invalid indirect access to stack R" + r + " off=" + at + " size=" + exact);
            }
            int hole = reads ? f.firstUnwritten(at, (int) exact) : -1;
            unwrittenStackRead |= hole >= 0;
            if (hole >= 0 && !uninitializedReads) {
                throw errors.at(pc, "invalid indirect read from stack R" + r + " off " + at + "+" + hole + " size "
                        + exact);
            }
        }
        if (writes) {
            f.markWritten(at, atMost >= 0 ? atMost : -at);
        }
    }
}
