package dev.jvmbpf.runtime.verifier;

import dev.jvmbpf.runtime.exec.HelperSpec;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.KernelSyntax;
import dev.jvmbpf.runtime.isa.Opcodes;
import dev.jvmbpf.runtime.program.BpfProgram;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.IntFunction;

/**
 * The verifier's log in the kernel's format. Level 1: on refusal, the source line (when the object
 * has line information), the instruction ({@code 5: (61) r1 = *(u32 *)(r6 +0)}) and the reason;
 * then the kernel's summary line {@code processed N insns (limit 1000000) max_states_per_insn M
 * total_states T peak_states P mark_read K} with this verifier's own counts. Level 2 adds the
 * walk: each path's start state ({@code 0: R1=ctx() R10=fp0}; a branch's, when it is taken up,
 * {@code from 4 to 6: R1=ctx() R10=fp0}) and each instruction interpreted,
 * followed by the registers and stack slots it read or wrote
 * ({@code 4: (07) r4 += 8                       ; R4=pkt(off=8,r=0)}).
 *
 * <p>The walk is this verifier's, not the kernel's: it joins states where the kernel keeps them
 * apart, so lines and counts differ from the kernel's log even when the verdicts agree.
 */
public final class VerifierLog implements VerifierObserver {
    /** The kernel aligns the state after an instruction to a column, in steps of 8. */
    private static final int ALIGNMENT = 40;
    private static final int ALIGNMENT_STEP = 8;

    private final Instruction[] insns;
    private final HelperTable helpers;
    private final int level;
    private final IntFunction<String> sourceLine;
    private final StringBuilder text = new StringBuilder();
    private VerifierStatistics statistics = VerifierStatistics.NONE;
    private String lastSource;

    /**
     * The outcome of {@link #verify}: the verified program (null when refused), the refusal (null
     * when accepted), the counts and the log's text (lines ending in newlines).
     */
    public record Result(VerifiedProgram verified, VerifierException refusal, VerifierStatistics statistics,
            String text) {
        public boolean accepted() {
            return refusal == null;
        }
    }

    /**
     * @param level 1 or 2, as the kernel's {@code log_level}
     * @param sourceLine the source line of a pc as {@code text @ file:line}, or null where unknown
     */
    private VerifierLog(BpfProgram program, HelperTable helpers, int level, IntFunction<String> sourceLine) {
        if (level != 1 && level != 2) {
            throw new IllegalArgumentException("log level must be 1 or 2: " + level);
        }
        this.insns = program.instructionsView();
        this.helpers = helpers;
        this.level = level;
        this.sourceLine = sourceLine == null ? pc -> null : sourceLine;
    }

    /**
     * Verifies {@code program} and writes its log at {@code level} (1 or 2); {@code sourceLine}
     * gives the source line of a pc ({@code text @ file:line}) or null where unknown.
     */
    public static Result verify(BpfProgram program, HelperTable helpers, Verifier.Options options, int level,
            IntFunction<String> sourceLine) {
        VerifierLog log = new VerifierLog(program, helpers, level, sourceLine);
        try {
            VerifiedProgram v = Verifier.verify(program, helpers, options, log);
            log.summary();
            return new Result(v, null, log.statistics, log.text.toString());
        } catch (VerifierException e) {
            if (e.pc() >= 0 && e.pc() < log.insns.length) {
                log.source(e.pc());
                log.text.append(log.instruction(e.pc())).append('\n');
            }
            log.text.append(e.reason()).append('\n');
            log.summary();
            return new Result(null, e, log.statistics, log.text.toString());
        }
    }

    @Override
    public void pathStart(int pc, VerifierState state) {
        if (level >= 2) {
            text.append(pc).append(": ").append(state.all()).append('\n');
        }
    }

    /** As the kernel: {@code from 4 to 6: R0=... R10=fp0} when it pops a branch's state. */
    @Override
    public void branchResumed(int from, int pc, VerifierState state) {
        if (level >= 2) {
            text.append("from ").append(from).append(" to ").append(pc).append(": ").append(state.all()).append('\n');
        }
    }

    @Override
    public void executed(int pc, VerifierState state) {
        if (level < 2) {
            return;
        }
        source(pc);
        String line = instruction(pc);
        String touched = touched(insns[pc], state);
        text.append(line);
        if (!touched.isEmpty()) {
            int column = roundUp(Math.max(line.length() + 1 + ALIGNMENT_STEP / 2, ALIGNMENT), ALIGNMENT_STEP) - 2;
            text.append(" ".repeat(Math.max(1, column - line.length()))).append("; ").append(touched);
        }
        text.append('\n');
    }

    @Override
    public void finished(VerifierStatistics s) {
        statistics = s;
    }

    private void summary() {
        text.append(statistics.kernelSummary()).append('\n');
    }

    private void source(int pc) {
        String s = sourceLine.apply(pc);
        if (s != null && !Objects.equals(s, lastSource)) {
            text.append("; ").append(s).append('\n');
        }
        lastSource = s;
    }

    private String instruction(int pc) {
        return pc + ": " + KernelSyntax.format(insns, pc, id -> {
            HelperSpec spec = helpers.get(id & 0xffffffffL);
            return spec == null ? null : spec.name();
        });
    }

    private static int roundUp(int v, int step) {
        return (v + step - 1) / step * step;
    }

    /** The registers (and r10-relative stack slot) an instruction read or wrote, as the kernel marks them scratched. */
    private static String touched(Instruction insn, VerifierState state) {
        TreeSet<Integer> regs = new TreeSet<>();
        int cls = insn.instructionClass();
        boolean x = Opcodes.source(insn.opcode()) == Opcodes.SRC_X;
        Integer stackOffset = null;
        switch (cls) {
            case Opcodes.CLASS_ALU, Opcodes.CLASS_ALU64 -> {
                regs.add(insn.dst());
                if (x && Opcodes.aluOp(insn.opcode()) != Opcodes.ALU_END && Opcodes.aluOp(insn.opcode())
                        != Opcodes.ALU_NEG) {
                    regs.add(insn.src());
                }
            }
            case Opcodes.CLASS_LDX -> {
                regs.add(insn.dst());
                regs.add(insn.src());
            }
            case Opcodes.CLASS_ST, Opcodes.CLASS_STX -> {
                regs.add(insn.dst());
                if (cls == Opcodes.CLASS_STX) {
                    regs.add(insn.src());
                }
                int written = Effects.writtenRegister(insn);
                if (written >= 0) {
                    regs.add(written);
                }
                if (insn.dst() == 10) {
                    stackOffset = (int) insn.offset();
                }
            }
            case Opcodes.CLASS_LD -> regs.add(insn.isWide() ? insn.dst() : 0);
            default -> {
                int op = Opcodes.aluOp(insn.opcode());
                if (op == Opcodes.JMP_CALL && insn.src() == Opcodes.CALL_HELPER && !x) {
                    regs.add(0);
                } else if (op != Opcodes.JMP_CALL && op != Opcodes.JMP_EXIT && op != Opcodes.JMP_JA
                        && insn.opcode() != Opcodes.MAY_GOTO) {
                    regs.add(insn.dst());
                    if (x) {
                        regs.add(insn.src());
                    }
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int r : regs) {
            String v = r < AbstractState.REGS ? state.register(r) : null;
            if (v != null) {
                sb.append(sb.isEmpty() ? "" : " ").append('R').append(r).append('=').append(v);
            }
        }
        if (stackOffset != null) {
            String slot = state.stackSlot(stackOffset);
            if (slot != null) {
                sb.append(sb.isEmpty() ? "" : " ").append(slot);
            }
        }
        return sb.toString();
    }
}
