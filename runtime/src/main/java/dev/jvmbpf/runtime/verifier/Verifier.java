package dev.jvmbpf.runtime.verifier;

import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.isa.Disassembler;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.InstructionDecoder;
import dev.jvmbpf.runtime.isa.InvalidInstructionException;
import dev.jvmbpf.runtime.isa.Opcodes;
import dev.jvmbpf.runtime.memory.AddressSpace;
import dev.jvmbpf.runtime.program.BpfProgram;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks a program before an engine runs it: the structural checks, then a dataflow pass per
 * subprogram that records frame-pointer-relative accesses for the JIT, then the type analysis
 * (register and stack types on every path, helper argument types, null checks, packet bounds,
 * map value bounds). The package documentation lists exactly what is checked and what is not,
 * compared with the kernel's verifier; the rule is never to refuse a program the kernel accepts
 * from a privileged loader.
 */
public final class Verifier {
    public static final int MAX_INSTRUCTIONS = 1_000_000;
    /** The kernel's MAX_CALL_FRAMES: as many frames as the engines have ({@link AddressSpace#MAX_FRAMES}). */
    public static final int MAX_FRAMES = AddressSpace.MAX_FRAMES;
    /** The kernel's MAX_BPF_STACK: the bytes of one frame, as the engines give it ({@link AddressSpace#FRAME_SIZE}). */
    public static final int STACK_SIZE = AddressSpace.FRAME_SIZE;
    /**
     * The kernel's refusal of a call chain that needs more than {@link #MAX_FRAMES} frames (its
     * walk of the static calls, check_max_stack_depth), wherever it is found.
     */
    static final String TOO_DEEP = "the call stack of " + MAX_FRAMES + " frames is too deep !";

    private final Instruction[] insns;
    private final HelperTable helpers;
    private final BitSet secondSlots = new BitSet();
    private int[] entries;

    private final Options options;
    private final VerifierObserver observer;

    private Verifier(Instruction[] insns, HelperTable helpers, Options options, VerifierObserver observer) {
        this.insns = insns;
        this.helpers = helpers;
        this.options = options;
        this.observer = observer;
    }

    /**
     * How strict the checks are where the kernel's verifier depends on the loader's privileges.
     *
     * @param uninitializedStackReads whether reading stack bytes no path has written is allowed
     *     (the bytes read as an unknown scalar), as the kernel allows it to loaders with
     *     {@code CAP_PERFMON} (root) since Linux 6.3; when false such a read is refused with
     *     "invalid read from stack", as the kernel refuses it to unprivileged loaders
     */
    public record Options(boolean uninitializedStackReads) {
        /** The kernel's rules for a privileged (root) loader: what the engines and the CLI use. */
        public static final Options PRIVILEGED = new Options(true);
        /** The kernel's rules for an unprivileged loader where they differ (stack initialisation). */
        public static final Options UNPRIVILEGED = new Options(false);
    }

    /** Verifies with the rules of a privileged loader ({@link Options#PRIVILEGED}). */
    public static VerifiedProgram verify(BpfProgram program, HelperTable helpers) {
        return verify(program, helpers, Options.PRIVILEGED);
    }

    /**
     * For tools that compare engines on any program (conformance vectors, the fuzzer, benchmarks):
     * the verifier's result when it accepts {@code program}, else the program
     * {@linkplain VerifiedProgram#unverified unverified}, to run with every check on. A user's
     * program goes through {@link #verify} and is refused instead.
     */
    public static VerifiedProgram verifyOrUnverified(BpfProgram program, HelperTable helpers) {
        try {
            return verify(program, helpers);
        } catch (VerifierException e) {
            return VerifiedProgram.unverified(program);
        }
    }

    public static VerifiedProgram verify(BpfProgram program, HelperTable helpers, Options options) {
        return verify(program, helpers, options, VerifierObserver.NONE);
    }

    /**
     * As {@link #verify(BpfProgram, HelperTable, Options)}, reporting the type analysis' walk to
     * {@code observer} (its {@code finished} is not called when a structural check refuses the
     * program before any path is walked).
     */
    public static VerifiedProgram verify(BpfProgram program, HelperTable helpers, Options options,
            VerifierObserver observer) {
        Instruction[] insns = program.instructionsView();
        if (insns.length == 0) {
            throw new VerifierException(VerifierException.NO_PC, null, "program has no instructions");
        }
        if (insns.length > MAX_INSTRUCTIONS) {
            throw new VerifierException(VerifierException.NO_PC, null, "program has " + insns.length
                    + " instructions, more than " + MAX_INSTRUCTIONS);
        }
        try {
            InstructionDecoder.validate(insns);
        } catch (InvalidInstructionException e) {
            throw new VerifierException(e.index(), text(insns, e.index()), e.reason());
        }
        Verifier v = new Verifier(insns, helpers, options, observer);
        return v.run(program);
    }

    private VerifiedProgram run(BpfProgram program) {
        if (!program.gplCompatible()) {
            // The kernel refuses any kfunc call of such a program before verifying (add_kfunc_call),
            // reached or not.
            for (int pc = 0; pc < insns.length; pc++) {
                Instruction in = insns[pc];
                if (in.instructionClass() == Opcodes.CLASS_JMP && Opcodes.aluOp(in.opcode()) == Opcodes.JMP_CALL
                        && in.src() == Opcodes.CALL_KFUNC) {
                    throw error(pc, "cannot call kernel function from non-GPL compatible program");
                }
                if (in.isWide()) {
                    pc++;
                }
            }
        }
        for (int pc = 0; pc < insns.length; pc++) {
            if (insns[pc].isWide()) {
                secondSlots.set(++pc);
            }
        }
        entries = findSubprograms();
        BitSet targets = new BitSet(insns.length);
        for (int e : entries) {
            targets.set(e);
        }
        for (int s = 0; s < entries.length; s++) {
            int end = end(s);
            for (int pc = entries[s]; pc < end; pc++) {
                if (secondSlots.get(pc)) {
                    continue;
                }
                checkInstruction(pc, entries[s], end, targets);
            }
            int last = end - 1;
            if (secondSlots.get(last) || !endsFlow(insns[last])) {
                int at = secondSlots.get(last) ? last - 1 : last;
                throw error(at, "the last instruction of " + subprogramName(s)
                        + " must be exit or an unconditional jump (execution would fall off its end)");
            }
        }
        for (int pc = 0; pc < insns.length; pc++) {
            Instruction in = insns[pc];
            if (in.isWide() && (in.src() == Opcodes.PSEUDO_MAP_FD || in.src() == Opcodes.PSEUDO_MAP_VALUE)) {
                // The kernel resolves these before verifying (resolve_pseudo_ldimm64), reached or
                // not; the engines have no map file descriptors to resolve them with.
                throw error(pc, "fd " + in.imm() + " is not pointing to valid bpf_map (programs here name"
                        + " their maps by index, not by file descriptor)");
            }
            if (in.isWide()) {
                pc++;
            }
        }
        for (int s = 0; s < entries.length; s++) {
            int unreachable = firstUnreachable(entries[s], end(s));
            if (unreachable >= 0) {
                throw error(unreachable, "unreachable insn " + unreachable);
            }
        }
        new CallGraph(insns, entries, this::error).checkDepth();
        int[] stackOffsets = new int[insns.length];
        Arrays.fill(stackOffsets, VerifiedProgram.NO_STACK_OFFSET);
        int[] depths = new int[entries.length];
        BitSet reachable = new BitSet(insns.length);
        Map<Integer, String> whereReached = new TreeMap<>();
        for (int s = 0; s < entries.length; s++) {
            depths[s] = new StackFlow(insns, entries[s], end(s), targets, stackOffsets, reachable, whereReached).run();
        }
        TypeFlow types = new TypeFlow(insns, program, helpers, options, targets, this::error, whereReached);
        types.observe(observer);
        ProvenAccess[] proofs = types.run();
        return new VerifiedProgram(program, true, entries, stackOffsets, targets, reachable, depths, proofs,
                types.inputAccesses(), types.contextAccesses(), types.readsUnwrittenStack(), types.loopCallbacks(),
                types.frameAccesses(), types.mapArguments());
    }

    /**
     * The kernel's check_cfg: every instruction of a subprogram is reached from its entry by the
     * control flow graph (both edges of a conditional jump), whatever the values; the first one
     * that is not, or -1. Each subprogram is a root here (the loader links only those called).
     */
    private int firstUnreachable(int from, int to) {
        BitSet seen = new BitSet(insns.length);
        PcStack work = new PcStack();
        work.push(from);
        while (!work.isEmpty()) {
            int pc = work.pop();
            if (pc < from || pc >= to || seen.get(pc)) {
                continue;
            }
            seen.set(pc);
            Instruction insn = insns[pc];
            if (insn.isWide()) {
                work.push(pc + 2);
                continue;
            }
            if (Effects.isBranch(insn)) {
                work.push((int) Effects.jumpTarget(pc, insn));
            }
            if (!Effects.isUnconditional(insn)) {
                work.push(pc + 1);
            }
        }
        for (int pc = from; pc < to; pc++) {
            if (!seen.get(pc) && !secondSlots.get(pc)) {
                return pc;
            }
        }
        return -1;
    }

    private int[] findSubprograms() {
        TreeSet<Integer> found = new TreeSet<>();
        found.add(0);
        for (int pc = 0; pc < insns.length; pc++) {
            Instruction insn = insns[pc];
            boolean local = insn.opcode() == Opcodes.CALL && insn.src() == Opcodes.CALL_LOCAL;
            boolean func = insn.isWide() && insn.src() == Opcodes.PSEUDO_FUNC;
            if (local || func) {
                long target = (long) pc + 1 + insn.imm();
                if (target < 0 || target >= insns.length || secondSlots.get((int) target)) {
                    throw error(pc, (local ? "call" : "function pointer") + " target " + target
                            + (target < 0 || target >= insns.length ? " is outside the program (0 to "
                            + (insns.length - 1) + ")" : " is the second slot of a lddw"));
                }
                found.add((int) target);
            }
            if (insn.isWide()) {
                pc++;
            }
        }
        return found.stream().mapToInt(Integer::intValue).toArray();
    }

    private void checkInstruction(int pc, int start, int end, BitSet targets) {
        Instruction insn = insns[pc];
        int cls = insn.instructionClass();
        if (cls == Opcodes.CLASS_JMP || cls == Opcodes.CLASS_JMP32) {
            checkJump(pc, insn, start, end, targets);
        }
        if (Opcodes.isAlu(insn.opcode()) && Opcodes.source(insn.opcode()) == Opcodes.SRC_X && insn.src() == 10
                && Opcodes.aluOp(insn.opcode()) != Opcodes.ALU_END) {
            // A mov (of 64 bits, or of 32 for root: a scalar), an add or a subtraction (of a
            // pointer, or of 32 bits, it leaves root a scalar; the type analysis refuses the
            // others in the kernel's words); the bpf_conformance suite expects "Invalid" for the
            // other operations wherever they are.
            int op = Opcodes.aluOp(insn.opcode());
            boolean allowed = insn.offset() == 0 && (op == Opcodes.ALU_MOV || op == Opcodes.ALU_SUB
                    || cls == Opcodes.CLASS_ALU64 && op == Opcodes.ALU_ADD);
            if (!allowed) {
                throw error(pc, "Invalid use of the frame pointer r10: only a mov, a 64-bit add or a sub may read it");
            }
        }
        int base = Effects.addressRegister(insn);
        if (base == 10) {
            int size = Opcodes.sizeBytes(insn.opcode());
            String misaligned = StackFlow.misaligned(0, insn.offset(), size);
            if (misaligned != null) {
                throw error(pc, misaligned);
            }
            if (insn.offset() < -STACK_SIZE || insn.offset() + size > 0) {
                // check_stack_access_within_bounds' words, then where the access lands.
                throw error(pc, StackFlow.outOfFrame(insn, base, insn.offset(), size));
            }
        }
    }

    private void checkJump(int pc, Instruction insn, int start, int end, BitSet targets) {
        int op = Opcodes.aluOp(insn.opcode());
        if (op == Opcodes.JMP_EXIT) {
            return;
        }
        if (op == Opcodes.JMP_CALL) {
            if (Opcodes.source(insn.opcode()) == Opcodes.SRC_X) {
                return;
            }
            if (insn.src() == Opcodes.CALL_HELPER && helpers.get(insn.imm() & 0xffffffffL) == null && insn.imm() != Opcodes.HELPER_CORE_POISON) {
                throw error(pc, "unknown helper id " + Integer.toUnsignedString(insn.imm()));
            }
            return;
        }
        long target = Effects.jumpTarget(pc, insn);
        if (target < start || target >= end) {
            throw error(pc, "jump out of range from insn " + pc + " to " + target + ": jump target " + target
                    + " is outside " + subprogramName(Arrays.binarySearch(entries, start)) + " (pcs " + start + " to "
                    + (end - 1) + ")");
        }
        if (secondSlots.get((int) target)) {
            throw error(pc, "jump target " + target + " is the second slot of a lddw");
        }
        targets.set((int) target);
    }

    private static boolean endsFlow(Instruction insn) {
        return insn.opcode() == Opcodes.EXIT || insn.opcode() == Opcodes.JA || insn.opcode() == Opcodes.JA32;
    }

    private int end(int subprogram) {
        return subprogram + 1 < entries.length ? entries[subprogram + 1] : insns.length;
    }

    private String subprogramName(int s) {
        return s == 0 ? "the main program" : "the function at pc " + entries[s];
    }

    VerifierException error(int pc, String reason) {
        return new VerifierException(pc, text(insns, pc), reason);
    }

    private static String text(Instruction[] insns, int pc) {
        return pc >= 0 && pc < insns.length ? Disassembler.disassemble(insns, pc) : "";
    }

    /** How a check reports an error at a pc. */
    interface Errors {
        VerifierException at(int pc, String reason);
    }
}
