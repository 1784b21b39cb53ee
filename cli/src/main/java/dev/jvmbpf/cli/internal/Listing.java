package dev.jvmbpf.cli.internal;

import dev.jvmbpf.helpers.HelperNames;
import dev.jvmbpf.runtime.btf.BtfExt;
import dev.jvmbpf.runtime.isa.Disassembler;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.maps.BpfMap;
import dev.jvmbpf.runtime.object.BpfObject;
import dev.jvmbpf.runtime.object.ObjectMap;
import dev.jvmbpf.runtime.object.ObjectProgram;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A program's instructions with what its object file says about them: helper, map and function
 * names and source lines, as {@code bpftool prog dump xlated linum} and {@code llvm-objdump -S}
 * show them. {@code section} is null for a bare program (bytes, assembly, a vector).
 */
public record Listing(String name, String section, String type, Instruction[] instructions, List<Line> lines) {
    /**
     * One instruction (a {@code lddw} is one line for its two slots). {@code function} is the
     * function holding it and {@code functionStart} its name when it is the function's first;
     * {@code source} is its source line and {@code newSource} the same when the line starts here.
     */
    public record Line(int pc, String text, String bytes, String function, String functionStart,
            BtfExt.LineInfo source, BtfExt.LineInfo newSource) {
    }

    public Listing {
        lines = List.copyOf(lines);
    }

    /** A bare program: only helper names are known. */
    public static Listing of(String name, Instruction[] program) {
        Disassembler.Symbols symbols = new Disassembler.Symbols() {
            @Override
            public String helper(int id) {
                return HelperNames.nameOf(id);
            }
        };
        List<Line> lines = new ArrayList<>();
        for (int pc = 0; pc < program.length; pc = next(program, pc)) {
            lines.add(new Line(pc, Disassembler.disassemble(program, pc, symbols), bytes(program, pc), null, null, null,
                    null));
        }
        return new Listing(name, null, "raw", program, lines);
    }

    /** A program of an object file, named by what {@code object} holds. */
    public static Listing of(ObjectProgram program, BpfObject object) {
        Instruction[] code = program.program().instructionsView();
        Map<BpfMap, String> mapNames = new IdentityHashMap<>();
        for (ObjectMap m : object.maps()) {
            mapNames.put(m.map(), m.name());
        }
        List<BpfMap> maps = program.program().maps();
        Map<Integer, String> starts = new HashMap<>();
        for (ObjectProgram.Function f : program.functions()) {
            starts.putIfAbsent(f.start(), f.name());
        }
        Map<Integer, BtfExt.LineInfo> lineStarts = new HashMap<>();
        for (BtfExt.LineInfo l : program.lineInfo()) {
            lineStarts.put(l.insn(), l);
        }
        Disassembler.Symbols symbols = new Disassembler.Symbols() {
            @Override
            public String helper(int id) {
                return HelperNames.nameOf(id);
            }

            @Override
            public String map(int index) {
                return index >= 0 && index < maps.size() ? mapNames.get(maps.get(index)) : null;
            }

            @Override
            public String function(int pc) {
                return starts.get(pc);
            }
        };
        List<Line> lines = new ArrayList<>();
        for (int pc = 0; pc < code.length; pc = next(code, pc)) {
            ObjectProgram.Function f = program.functionAt(pc);
            lines.add(new Line(pc, Disassembler.disassemble(code, pc, symbols), bytes(code, pc),
                    f == null ? null : f.name(), starts.get(pc), program.sourceLine(pc), lineStarts.get(pc)));
        }
        return new Listing(program.name(), program.section(), program.type().name().toLowerCase(Locale.ROOT),
                code, lines);
    }

    private static int next(Instruction[] program, int pc) {
        return program[pc].isWide() && pc + 1 < program.length ? pc + 2 : pc + 1;
    }

    /** The instruction's bytes in hex as the loader relocated them, both slots of a {@code lddw}. */
    public static String bytes(Instruction[] program, int pc) {
        String first = program[pc].hex();
        return program[pc].isWide() && pc + 1 < program.length ? first + " " + program[pc + 1].hex() : first;
    }

    /** {@code file.c:12:9}: the file's name without its directories. */
    public static String location(BtfExt.LineInfo line) {
        String file = line.file().substring(line.file().lastIndexOf('/') + 1);
        return file + ":" + line.line() + ":" + line.column();
    }
}
