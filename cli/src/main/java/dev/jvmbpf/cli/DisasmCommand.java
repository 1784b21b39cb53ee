package dev.jvmbpf.cli;

import dev.jvmbpf.cli.internal.Json;
import dev.jvmbpf.cli.internal.Listing;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.isa.AsmWriter;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jvmbpf disasm FILE}: instructions in LLVM syntax, one line each with its pc. */
@Command(name = "disasm", mixinStandardHelpOptions = true,
        description = {"Disassembles raw instruction bytes, hex text, assembly, a .data vector or the programs of an"
                + " ELF object file (each after a line naming it and its section).",
            "Prints the LLVM syntax of llvm-objdump, one line per instruction prefixed with its pc, with helper,"
                + " map and function names as bpftool prints them and the C source lines of the object's"
                + " .BTF.ext before the instructions compiled from them.",
            "Exits with 1 on invalid input."})
final class DisasmCommand implements Callable<Integer> {
    @Mixin
    ProgramFileOptions input;

    @Option(names = "--opcodes", description = "print each instruction's bytes after its pc (8, or 16 for lddw)")
    boolean opcodes;

    @Option(names = "--no-source", description = "leave out the source lines")
    boolean noSource;

    @Option(names = {"-j", "--json"}, description = "print one JSON object (schema in the README)")
    boolean json;

    @Option(names = "--conformance-syntax", description = "print the bpf_conformance assembly syntax instead")
    boolean conformanceSyntax;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return Failure.guarded(spec, this::disassemble);
    }

    private int disassemble() {
        if (conformanceSyntax && (opcodes && !json)) {
            throw new UsageError("--conformance-syntax prints source to assemble again; it takes no --opcodes");
        }
        PrintWriter out = spec.commandLine().getOut();
        List<Listing> listings = new ArrayList<>();
        try {
            ProgramFiles.Opened opened = ProgramFiles.open(input.file, input.program, input.btf, input.type);
            if (opened.programs().isEmpty()) {
                listings.add(Listing.of(input.file.getFileName().toString(), ProgramFiles.instructions(input.file)));
            }
            for (var p : opened.programs()) {
                listings.add(Listing.of(p, opened.object()));
            }
        } catch (LoadException e) {
            return Failure.report(spec, Failure.about(input.file, e.getMessage()));
        }
        if (json) {
            out.println(Json.pretty(json(listings)));
        } else {
            boolean object = listings.size() > 1 || listings.getFirst().section() != null;
            for (Listing l : listings) {
                if (object) {
                    out.println(l.name() + " (section " + l.section() + "):");
                }
                if (conformanceSyntax) {
                    out.print(AsmWriter.source(l.instructions()));
                } else {
                    text(out, l);
                }
            }
        }
        out.flush();
        return 0;
    }

    private void text(PrintWriter out, Listing listing) {
        int width = String.valueOf(Math.max(0, listing.instructions().length - 1)).length();
        String lastLine = null;
        for (Listing.Line line : listing.lines()) {
            if (line.functionStart() != null && line.pc() > 0) {
                out.println("<" + line.functionStart() + ">:");
            }
            // One comment per source line, as llvm-objdump -S: clang records a line once per column.
            if (!noSource && line.newSource() != null) {
                String here = line.newSource().file() + ":" + line.newSource().line();
                if (!here.equals(lastLine) || line.functionStart() != null) {
                    out.println("; " + line.newSource().source().strip() + " [" + Listing.location(line.newSource()) + "]");
                }
                lastLine = here;
            }
            StringBuilder sb = new StringBuilder();
            String pc = Integer.toString(line.pc());
            sb.append(" ".repeat(width - pc.length())).append(pc).append(": ");
            if (opcodes) {
                // lddw's 16 bytes run past the column; llvm-objdump keeps them on one line too.
                sb.append(line.bytes()).append(" ".repeat(Math.max(1, 25 - line.bytes().length())));
            }
            sb.append(line.text());
            out.println(sb);
        }
    }

    private Map<String, Object> json(List<Listing> listings) {
        Map<String, Object> root = Json.object();
        root.put("file", input.file.toString());
        List<Object> programs = Json.array();
        for (Listing l : listings) {
            Map<String, Object> p = Json.object();
            p.put("name", l.name());
            p.put("section", l.section());
            p.put("type", l.type());
            List<Object> insns = Json.array();
            for (Listing.Line line : l.lines()) {
                Map<String, Object> i = Json.object();
                i.put("pc", line.pc());
                i.put("text", conformanceSyntax ? AsmWriter.write(l.instructions(), line.pc()) : line.text());
                i.put("opcodes", line.bytes());
                i.put("function", line.function());
                if (line.source() == null) {
                    i.put("source", null);
                } else {
                    Map<String, Object> s = Json.object();
                    s.put("file", line.source().file());
                    s.put("line", line.source().line());
                    s.put("column", line.source().column());
                    s.put("text", line.source().source().strip());
                    i.put("source", s);
                }
                insns.add(i);
            }
            p.put("instructions", insns);
            programs.add(p);
        }
        root.put("programs", programs);
        return root;
    }
}
