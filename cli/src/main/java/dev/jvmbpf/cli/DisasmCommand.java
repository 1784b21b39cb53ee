package dev.jvmbpf.cli;

import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.isa.AsmWriter;
import dev.jvmbpf.runtime.isa.Disassembler;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.object.ObjectProgram;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jvmbpf disasm FILE}: instructions in LLVM syntax, one line each with its pc. */
@Command(name = "disasm", mixinStandardHelpOptions = true,
        description = {"Disassembles raw instruction bytes, hex text, assembly, a .data vector or the programs of an"
                + " ELF object file (each after a line naming it and its section).",
            "Prints the LLVM syntax of llvm-objdump, one line per instruction prefixed with its pc.",
            "Exits with 1 on invalid input."})
final class DisasmCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "raw bytes, hex text, .s/.asm, .data vector or ELF .o")
    Path file;

    @Option(names = "--program", paramLabel = "NAME", description = "only this program of an ELF object file")
    String program;

    @Option(names = "--btf", paramLabel = "FILE",
            description = "resolve CO-RE relocations against this BTF instead of /sys/kernel/btf/vmlinux")
    Path btf;

    @Option(names = "--type", paramLabel = "TYPE", description = "the type of the --program named (without it:"
            + " of every program whose section names no type): xdp, socket, tc, kprobe, tracepoint, raw_tp, ...")
    String type;

    @Option(names = "--conformance-syntax", description = "print the bpf_conformance assembly syntax instead")
    boolean conformanceSyntax;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            List<ObjectProgram> programs = ProgramFiles.objectPrograms(file, this.program, btf, this.type);
            if (programs.isEmpty()) {
                print(out, ProgramFiles.instructions(file));
            }
            for (ObjectProgram p : programs) {
                out.println(p.name() + " (section " + p.section() + "):");
                print(out, p.program().instructionsView());
            }
            out.flush();
            return 0;
        } catch (LoadException e) {
            return Failure.report(spec, Failure.about(file, e.getMessage()));
        }
    }

    private void print(PrintWriter out, Instruction[] instructions) {
        if (conformanceSyntax) {
            out.print(AsmWriter.source(instructions));
        } else {
            for (String line : Disassembler.listing(instructions)) {
                out.println(line);
            }
        }
    }
}
