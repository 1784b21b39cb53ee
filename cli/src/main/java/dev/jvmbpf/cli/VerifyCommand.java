package dev.jvmbpf.cli;

import dev.jvmbpf.cli.internal.Json;
import dev.jvmbpf.conformance.ConformanceHelpers;
import dev.jvmbpf.helpers.StandardHelpers;
import dev.jvmbpf.kernel.KernelAvailability;
import dev.jvmbpf.kernel.KernelBpf;
import dev.jvmbpf.kernel.KernelVerifier;
import dev.jvmbpf.runtime.btf.BtfExt;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.object.ObjectProgram;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.verifier.Verifier;
import dev.jvmbpf.runtime.verifier.VerifierException;
import dev.jvmbpf.runtime.verifier.VerifierLog;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jvmbpf verify FILE [--log-level 1|2] [--compare kernel] [--json]}: the verifier's verdict. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Runs the verifier on raw bytes, hex text, assembly, a .data vector or the programs of an ELF"
                + " object file (with the standard helpers).",
            "Prints 'OK: N instructions' (prefixed by the program's name for an ELF file) and exits with 0, or"
                + " prints the error and exits with 1.",
            "--log-level prints the verifier's log in the kernel's format; --compare kernel loads the same"
                + " programs in the running kernel and prints both verdicts (exit 0 when they agree, 1 when not)."})
final class VerifyCommand implements Callable<Integer> {
    @Mixin
    ProgramFileOptions input;

    @Option(names = "--log-level", paramLabel = "1|2", description = "print the verifier's log as the kernel's"
            + " log_level: 1 the refusal (source line, instruction, reason) and the 'processed N insns' summary;"
            + " 2 also each instruction walked with the registers it touched")
    Integer logLevel;

    @Option(names = "--compare", paramLabel = "kernel", description = "load the same programs in the running kernel"
            + " and print both verdicts; exit 0 when they agree, 1 when they do not")
    String compare;

    @Option(names = {"-j", "--json"}, description = "one JSON object (schema in the README) instead of text")
    boolean json;

    @Option(names = "--pretty", description = "With --json: indented JSON.")
    boolean pretty;

    @Spec
    CommandSpec spec;

    /** One program to verify, with its helpers and source lines. */
    private record Target(String name, BpfProgram program, HelperTable helpers, IntFunction<String> source,
            boolean named) {
    }

    @Override
    public Integer call() {
        return Failure.guarded(spec, () -> {
            try {
                return verifyAll();
            } catch (LoadException e) {
                throw new LoadException(Failure.about(input.file, e.getMessage()));
            }
        });
    }

    private int verifyAll() {
        if (logLevel != null && logLevel != 1 && logLevel != 2) {
            throw new UsageError("--log-level must be 1 or 2: " + logLevel);
        }
        if (compare != null && !compare.equals("kernel")) {
            throw new UsageError("--compare takes 'kernel' (the only verifier to compare with): " + compare);
        }
        List<Target> targets = targets();
        json |= pretty;
        boolean plain = logLevel == null && compare == null && !json;
        if (plain) {
            return plain(targets);
        }
        PrintWriter out = spec.commandLine().getOut();
        String skipped = compare == null ? null : kernelUnavailable();
        Map<String, Object> report = Json.object();
        report.put("file", input.file.toString());
        report.put("kernel", compare == null ? null : KernelBpf.kernelDescription());
        report.put("skipped", skipped);
        List<Object> programs = Json.array();
        report.put("programs", programs);
        if (skipped != null && !json) {
            out.println("compare: skipped: " + skipped);
        }
        int status = 0;
        for (Target t : targets) {
            Map<String, Object> p = one(t, skipped == null && compare != null, out);
            programs.add(p);
            Object agree = p.get("agree");
            boolean refused = !(Boolean) ((Map<?, ?>) p.get("jvmbpf")).get("accepted");
            if (Boolean.FALSE.equals(agree) || agree == null && refused) {
                status = Failure.EXIT;
            }
        }
        if (json) {
            out.println(pretty ? Json.pretty(report) : Json.write(report));
        }
        out.flush();
        return status;
    }

    /** The verdict and, as asked, the log and the kernel's verdict of one program (printed unless --json). */
    private Map<String, Object> one(Target t, boolean withKernel, PrintWriter out) {
        int level = logLevel == null ? 1 : logLevel;
        VerifierLog.Result ours = VerifierLog.verify(t.program(), t.helpers(), Verifier.Options.PRIVILEGED, level,
                t.source());
        String prefix = t.named() ? t.name() + ": " : "";
        Map<String, Object> p = Json.object();
        p.put("name", t.name());
        p.put("type", t.program().type().name().toLowerCase(Locale.ROOT));
        p.put("instructions", count(t.program().instructionsView()));
        Map<String, Object> j = Json.object();
        VerifierException refusal = ours.refusal();
        j.put("accepted", ours.accepted());
        j.put("pc", refusal == null || refusal.pc() < 0 ? null : refusal.pc());
        j.put("reason", refusal == null ? null : refusal.reason());
        j.put("processed", ours.statistics().processed());
        j.put("summary", ours.statistics().kernelSummary());
        p.put("jvmbpf", j);
        KernelVerifier.Verdict kernel = null;
        String kernelSkipped = null;
        if (withKernel) {
            try {
                kernel = KernelVerifier.verify(t.program(), level);
            } catch (LoadException e) {
                kernelSkipped = e.getMessage().startsWith("kernel: ") ? e.getMessage().substring(8) : e.getMessage();
            }
        }
        Map<String, Object> k = null;
        if (kernel != null) {
            k = Json.object();
            k.put("accepted", kernel.accepted());
            k.put("errno", kernel.accepted() ? null : kernel.errno());
            k.put("reason", kernel.accepted() ? null : kernel.reason());
            k.put("summary", kernel.summary());
            k.put("pc_shift", kernel.pcShift());
            k.put("log", logLevel == null ? null : kernel.log());
        }
        p.put("kernel", k);
        p.put("kernel_skipped", kernelSkipped);
        p.put("agree", kernel == null ? null : kernel.accepted() == ours.accepted());
        p.put("log", logLevel == null ? null : ours.text());
        if (json) {
            if (compare == null && refusal != null) {
                // As without --json: the refusal is also the one error line on stderr.
                Failure.report(spec, prefix(t) + refusal.getMessage());
            }
            return p;
        }
        if (logLevel != null) {
            if (t.named()) {
                out.println(t.name() + ":");
            }
            out.print(ours.text());
        }
        String verdict = ours.accepted() ? verdict(t.program(), ours.verified().subprogramCount())
                : "refused: " + refusal.getMessage();
        if (compare == null) {
            if (ours.accepted()) {
                out.println(prefix + verdict);
            } else {
                out.flush();
                Failure.report(spec, prefix(t) + refusal.getMessage());
            }
            return p;
        }
        out.println(prefix + "jvmbpf: " + verdict);
        if (kernelSkipped != null) {
            out.println(prefix + "kernel: skipped: " + kernelSkipped);
        } else if (kernel != null) {
            if (logLevel != null) {
                out.println(prefix + "kernel log:");
                out.print(kernel.log().endsWith("\n") || kernel.log().isEmpty() ? kernel.log() : kernel.log() + "\n");
            }
            out.println(prefix + "kernel: " + (kernel.accepted() ? "OK" : "refused (" + kernel.errno() + "): "
                    + kernel.reason()) + (kernel.pcShift() != 0 ? " (kernel pcs are " + kernel.pcShift()
                    + " higher: the raw program's prologue)" : ""));
            out.println(prefix + (kernel.accepted() == ours.accepted() ? "agree" : "DISAGREE: jvmbpf "
                    + (ours.accepted() ? "accepts" : "refuses") + ", the kernel " + (kernel.accepted() ? "accepts"
                    : "refuses")));
        }
        return p;
    }

    private String prefix(Target t) {
        return input.file + ": " + (t.named() ? t.name() + ": " : "");
    }

    /** Why the kernel cannot be asked, or null when it can. */
    private static String kernelUnavailable() {
        KernelAvailability a = KernelBpf.availability();
        return a.available() ? null : a.reason();
    }

    private List<Target> targets() {
        List<ObjectProgram> programs = ProgramFiles.objectPrograms(input.file, input.program, input.btf, input.type);
        List<Target> out = new ArrayList<>();
        if (programs.isEmpty()) {
            Instruction[] instructions = ProgramFiles.instructions(input.file);
            String name = input.file.getFileName().toString();
            out.add(new Target(name, BpfProgram.raw(name, instructions), ConformanceHelpers.table(), pc -> null,
                    false));
            return out;
        }
        for (ObjectProgram p : programs) {
            out.add(new Target(p.name(), p.program(), StandardHelpers.table(), pc -> source(p, pc), true));
        }
        return out;
    }

    /** The kernel's words for a source line: {@code text @ file:line}. */
    private static String source(ObjectProgram p, int pc) {
        BtfExt.LineInfo l = p.sourceLine(pc);
        if (l == null) {
            return null;
        }
        return l.source().strip() + " @ " + l.file().substring(l.file().lastIndexOf('/') + 1) + ":" + l.line();
    }

    /** Without the new options: the output this command always had. */
    private int plain(List<Target> targets) {
        PrintWriter out = spec.commandLine().getOut();
        // Every program gets its verdict, so one refusal does not hide the others.
        int status = 0;
        for (Target t : targets) {
            try {
                var verified = Verifier.verify(t.program(), t.helpers());
                out.println((t.named() ? t.name() + ": " : "") + verdict(t.program(), verified.subprogramCount()));
                out.flush();
            } catch (LoadException e) {
                if (!t.named()) {
                    throw e;
                }
                status = Failure.report(spec, input.file + ": " + t.name() + ": " + e.getMessage());
            }
        }
        return status;
    }

    private static String verdict(BpfProgram program, int functions) {
        return "OK: " + count(program.instructionsView()) + " instructions"
                + (functions > 1 ? " in " + functions + " functions" : "");
    }

    /** Instructions, not slots: a lddw counts once. */
    private static int count(Instruction[] program) {
        int n = 0;
        for (int pc = 0; pc < program.length; pc++) {
            n++;
            if (program[pc].isWide()) {
                pc++;
            }
        }
        return n;
    }
}
