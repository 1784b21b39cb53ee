package dev.jvmbpf.runtime.isa;

import dev.jvmbpf.runtime.isa.AsmMnemonics.Encoded;
import dev.jvmbpf.runtime.isa.AsmMnemonics.Fixup;
import dev.jvmbpf.runtime.isa.AsmMnemonics.Spec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Assembles the syntax of the bpf_conformance vectors into instructions.
 *
 * <p>One statement per line; {@code #} starts a comment; operands are separated by commas or
 * spaces. Registers are {@code %r0}..{@code %r10} (the {@code %} is optional), numbers are
 * decimal or {@code 0x} hex with an optional sign, memory operands are {@code [%rN]},
 * {@code [%rN+off]} or {@code [%rN-off]}. A line {@code name:} defines a label at the next
 * instruction; the first {@code exit} also defines the label {@code exit} unless the text defines
 * one. Jump targets are {@code +N}/{@code -N} (relative to the next instruction) or a label.
 *
 * <ul>
 *   <li>ALU: {@code add sub mul div sdiv or and lsh rsh mod smod xor mov arsh} with suffix none or
 *       {@code 64} (64-bit) or {@code 32}, e.g. {@code add32 %r0, 1}, {@code mov %r0, %r1};
 *       {@code neg}, {@code neg32}; {@code movsx832 movsx1632 movsx864 movsx1664 movsx3264}
 *       (source bits, then destination width); {@code le16/32/64}, {@code be16/32/64},
 *       {@code swap16/32/64} = {@code bswap16/32/64} (ALU64 byte swap).</li>
 *   <li>Jumps: {@code ja T}; {@code ja32 T} = {@code gotol T} (32-bit offset in imm);
 *       {@code jeq jgt jge jset jne jsgt jsge jlt jle jslt jsle} and their {@code 32} forms as
 *       {@code jeq %r1, 0, T}; {@code may_goto T}; {@code exit}.</li>
 *   <li>Calls: {@code call N} or {@code call helper N} (helper id), {@code call local T}
 *       (pc-relative subprogram), {@code call runtime N} = {@code call kfunc N} (src 2),
 *       {@code call %rN} = {@code callx %rN} (register in dst).</li>
 *   <li>Memory: {@code ldxb ldxh ldxw ldxdw %r0, [%r1+4]}; sign-extending {@code ldxsb ldxsh ldxsw};
 *       {@code stb sth stw stdw [%r10-8], 1}; {@code stxb stxh stxw stxdw [%r10-8], %r1}.</li>
 *   <li>Atomics: {@code lock [fetch] add|or|and|xor[32] [%r10-8], %r1},
 *       {@code lock xchg[32] [%r10-8], %r1}, {@code lock cmpxchg[32] [%r10-8], %r1} (compares with r0).
 *       Without the {@code 32} suffix (or with {@code 64}) the access is 64-bit.
 *       Load-acquire {@code ldacqb ldacqh ldacqw ldacqdw %r0, [%r1+0]} and store-release
 *       {@code strelb strelh strelw streldw [%r1+0], %r2} are this project's syntax.</li>
 *   <li>64-bit loads: {@code lddw %r0, 0x1122334455667788}; the pseudo sources, in this project's
 *       syntax: {@code ldmapfd %r1, FD} (src 1), {@code ldmapvalue %r1, FD, OFF} (src 2),
 *       {@code ldbtfid %r1, ID} (src 3), {@code ldfunc %r1, T} (src 4, pc-relative),
 *       {@code ldmapidx %r1, IDX} (src 5), {@code ldmapidxvalue %r1, IDX, OFF} (src 6).</li>
 *   <li>Legacy packet loads (this project's syntax): {@code ldabsb ldabsh ldabsw IMM} and
 *       {@code ldindb ldindh ldindw %rN, IMM}.</li>
 * </ul>
 *
 * <p>Errors are {@link AssemblyException}s naming the line, phrased like the conformance suite's
 * own assembler ({@code Invalid register}, {@code Invalid mnemonic},
 * {@code Invalid number of operands for lock}, {@code Invalid label}). The output is not
 * validated; {@link InstructionDecoder#validate} does that.
 */
public final class Assembler {
    private Assembler() {
    }

    public static Instruction[] assemble(String source) {
        List<Instruction> out = new ArrayList<>();
        Map<String, Integer> labels = new HashMap<>();
        List<PendingLabel> pending = new ArrayList<>();
        String[] lines = source.split("\r?\n", -1);
        int firstExit = -1;
        for (int n = 0; n < lines.length; n++) {
            int lineNo = n + 1;
            List<String> words;
            try {
                words = tokenize(lines[n]);
            } catch (AsmSyntaxError e) {
                throw new AssemblyException(lineNo, e.getMessage());
            }
            while (!words.isEmpty() && words.getFirst().endsWith(":")) {
                String label = words.removeFirst();
                label = label.substring(0, label.length() - 1);
                if (label.isEmpty() || labels.putIfAbsent(label, out.size()) != null) {
                    throw new AssemblyException(lineNo, label.isEmpty() ? "Invalid label: empty name"
                            : "Duplicate label " + label);
                }
            }
            if (words.isEmpty()) {
                continue;
            }
            Encoded encoded;
            try {
                encoded = encode(words);
            } catch (AsmSyntaxError e) {
                throw new AssemblyException(lineNo, e.getMessage());
            }
            if (encoded.label() != null) {
                pending.add(new PendingLabel(out.size(), encoded.label(), encoded.fixup(), lineNo));
            }
            if (firstExit < 0 && encoded.slots()[0].opcode() == Opcodes.EXIT) {
                firstExit = out.size();
            }
            out.addAll(List.of(encoded.slots()));
        }
        if (out.isEmpty()) {
            throw new AssemblyException(0, "Invalid program: no instructions");
        }
        if (firstExit >= 0) {
            labels.putIfAbsent("exit", firstExit);
        }
        for (PendingLabel p : pending) {
            Integer target = labels.get(p.label());
            if (target == null) {
                throw new AssemblyException(p.line(), "Invalid label " + p.label() + ": not defined");
            }
            int relative = target - p.pc() - 1;
            Instruction insn = out.get(p.pc());
            if (p.fixup() == Fixup.OFFSET) {
                if (relative < Short.MIN_VALUE || relative > Short.MAX_VALUE) {
                    throw new AssemblyException(p.line(), "Invalid jump to " + p.label()
                            + ": offset " + relative + " does not fit in 16 bits (use ja32)");
                }
                out.set(p.pc(), Instruction.of(insn.opcode(), insn.dst(), insn.src(), relative, insn.imm()));
            } else {
                out.set(p.pc(), Instruction.of(insn.opcode(), insn.dst(), insn.src(), insn.offset(), relative));
            }
        }
        return out.toArray(Instruction[]::new);
    }

    private record PendingLabel(int pc, String label, Fixup fixup, int line) {
    }

    private static Encoded encode(List<String> words) {
        String mnemonic = words.getFirst();
        int first = 1;
        if (mnemonic.equals("lock")) {
            if (words.size() < 2) {
                throw new AsmSyntaxError("Invalid number of operands for lock");
            }
            boolean fetch = words.get(1).equals("fetch");
            if (fetch && words.size() < 3) {
                throw new AsmSyntaxError("Invalid number of operands for lock fetch");
            }
            first = fetch ? 3 : 2;
            mnemonic = "lock " + (fetch ? "fetch " : "") + words.get(first - 1);
        }
        Spec spec = AsmMnemonics.find(mnemonic);
        if (spec == null) {
            throw new AsmSyntaxError("Invalid mnemonic " + mnemonic);
        }
        List<String> operands = words.subList(first, words.size());
        if (operands.size() < spec.minOperands() || operands.size() > spec.maxOperands()) {
            String expected = spec.minOperands() == spec.maxOperands() ? Integer.toString(spec.minOperands())
                    : spec.minOperands() + " to " + spec.maxOperands();
            throw new AsmSyntaxError("Invalid number of operands for " + mnemonic + ": expected " + expected
                    + ", found " + operands.size());
        }
        return spec.encoder().encode(operands);
    }

    /** Splits a line into words at spaces and commas, keeping a bracketed memory operand whole. */
    static List<String> tokenize(String line) {
        int hash = line.indexOf('#');
        String text = hash >= 0 ? line.substring(0, hash) : line;
        List<String> words = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || c == ',') {
                i++;
                continue;
            }
            int start = i;
            if (c == '[') {
                int close = text.indexOf(']', i);
                if (close < 0) {
                    throw new AsmSyntaxError("Invalid memory operand " + text.substring(i).strip() + ": missing ]");
                }
                i = close + 1;
            } else {
                while (i < text.length() && !Character.isWhitespace(text.charAt(i)) && text.charAt(i) != ','
                        && text.charAt(i) != '[') {
                    i++;
                }
            }
            words.add(text.substring(start, i));
        }
        return words;
    }
}
