package dev.jvmbpf.runtime.object;

import dev.jvmbpf.runtime.btf.BtfExt;
import dev.jvmbpf.runtime.btf.BtfType;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import java.util.List;
import java.util.Map;

/**
 * A program of an object file with what the loader learnt beside its code: the functions that
 * were linked into it and where, its source lines (from {@code .BTF.ext}, by final pc) and the
 * BTF struct its context points to. {@code note} explains a type not chosen by libbpf's current
 * section rules (RAW for an unknown section, a legacy prefix, a {@code .text} function, an
 * override; null otherwise); {@code contextType} is null without BTF. {@code unresolved} maps
 * the pc of each instruction poisoned over a CO-RE relocation that could not be resolved
 * ({@code call 0xbad2310}, as libbpf writes it) to the relocation's description.
 */
public record ObjectProgram(BpfProgram program, List<Function> functions, List<BtfExt.LineInfo> lineInfo,
        BtfType.Composite contextType, String note, Map<Integer, String> unresolved) {
    /** Function {@code name} from section {@code section} occupies pcs from {@code start}, {@code length} slots. */
    public record Function(String name, String section, int start, int length) {
    }

    public ObjectProgram {
        functions = List.copyOf(functions);
        lineInfo = List.copyOf(lineInfo);
        unresolved = Map.copyOf(unresolved);
    }

    /** A program without poisoned instructions. */
    public ObjectProgram(BpfProgram program, List<Function> functions, List<BtfExt.LineInfo> lineInfo,
            BtfType.Composite contextType, String note) {
        this(program, functions, lineInfo, contextType, note, Map.of());
    }

    /**
     * This program with type {@code newType}, as libbpf's {@code bpf_program__set_type} or
     * iproute2's choice of a type for any section ({@code tc ... bpf obj X sec Y} is a classifier).
     */
    public ObjectProgram withType(ProgramType newType) {
        if (newType == program.type()) {
            return this;
        }
        BpfProgram retyped = new BpfProgram(program.name(), program.section(), newType, program.instructionsView(),
                program.maps(), program.license(), program.kfuncs());
        return new ObjectProgram(retyped, functions, lineInfo, contextType, "type " + newType
                + " set by the user (the section '" + program.section() + "' gives " + program.type() + ")", unresolved);
    }

    public String name() {
        return program.name();
    }

    public String section() {
        return program.section();
    }

    public ProgramType type() {
        return program.type();
    }

    /** The source line {@code pc} was compiled from, or null when the object has no line info for it. */
    public BtfExt.LineInfo sourceLine(int pc) {
        Function f = functionAt(pc);
        if (f == null) {
            return null;
        }
        BtfExt.LineInfo best = null;
        for (BtfExt.LineInfo l : lineInfo) {
            if (l.insn() <= pc && l.insn() >= f.start()) {
                best = l;
            }
        }
        return best;
    }

    /**
     * Where {@code pc} is, for messages: {@code square+2 (multi.bpf.c:9:14 return x * x;)}; for a
     * poisoned instruction, followed by the CO-RE relocation that could not be resolved.
     */
    public String describe(int pc) {
        Function f = functionAt(pc);
        StringBuilder sb = new StringBuilder();
        sb.append(f == null ? "pc " + pc : f.name() + "+" + (pc - f.start()));
        BtfExt.LineInfo line = sourceLine(pc);
        if (line != null) {
            String file = line.file().substring(line.file().lastIndexOf('/') + 1);
            sb.append(" (").append(file).append(':').append(line.line()).append(':').append(line.column());
            if (!line.source().isBlank()) {
                sb.append(' ').append(line.source().strip());
            }
            sb.append(')');
        }
        String poisoned = unresolved.get(pc);
        if (poisoned != null) {
            sb.append(": ").append(poisoned);
        }
        return sb.toString();
    }

    /** The function whose code holds {@code pc}, or null. */
    public Function functionAt(int pc) {
        for (Function f : functions) {
            if (pc >= f.start() && pc < f.start() + f.length()) {
                return f;
            }
        }
        return null;
    }
}
