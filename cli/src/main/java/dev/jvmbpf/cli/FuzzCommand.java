package dev.jvmbpf.cli;

import dev.jvmbpf.cli.internal.Json;
import dev.jvmbpf.conformance.Engines;
import dev.jvmbpf.conformance.fuzz.Fuzzer;
import dev.jvmbpf.conformance.fuzz.VerdictFuzzer;
import dev.jvmbpf.kernel.KernelAvailability;
import dev.jvmbpf.kernel.KernelBpf;
import dev.jvmbpf.runtime.exec.Engine;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jvmbpf fuzz --seed S --count N [--mode engines|verdict] [--engines A,B,...] [--out DIR]}. */
@Command(name = "fuzz", mixinStandardHelpOptions = true,
        description = {"Differential fuzzing: runs random programs the kernel verifier accepts on every engine",
            "and writes each disagreement, minimized, as a .data vector. Progress goes to stderr;",
            "the last line is 'N programs, N rejected by the kernel, N mismatches'.",
            "--mode verdict instead generates programs the kernel may refuse and compares the verdicts of",
            "jvmbpf's verifier and the kernel's; the last line is 'N programs, N disagreements'.",
            "Exits with 1 when a mismatch was found, 2 on a usage error."})
final class FuzzCommand implements Callable<Integer> {
    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Campaign seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--count", defaultValue = "1000", paramLabel = "N", description = "Programs to run (default: ${DEFAULT-VALUE}).")
    long count;

    @Option(names = "--from", defaultValue = "0", paramLabel = "I",
            description = "Number of the first program (to run program I of a campaign again: --from I --count 1).")
    long first;

    @Option(names = "--engines", paramLabel = "A,B,...",
            description = "Engines to compare (default: every registered engine that works here; the kernel is the reference).")
    String engines;

    @Option(names = "--out", paramLabel = "DIR", description = "Directory for the minimized vectors of mismatches.")
    Path out;

    @Option(names = {"-j", "--json"}, description = "Prints the summary as one JSON object (schema in the README).")
    boolean json;

    @Option(names = "--pretty", description = "With --json: indented JSON.")
    boolean pretty;
    @Option(names = "--mode", defaultValue = "engines", paramLabel = "MODE", description = "engines: compare the"
            + " engines' results (default); verdict: compare jvmbpf's verifier with the kernel's on programs the"
            + " kernel may refuse.")
    String mode;

    @Option(names = "--examples", defaultValue = "3", paramLabel = "N",
            description = "--mode verdict: disagreements of each kind to minimize and print (default: ${DEFAULT-VALUE}).")
    int examples;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter outWriter = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (count < 0 || first < 0) {
            err.println("jvmbpf: --count and --from must not be negative: " + count + ", " + first);
            return UsageError.EXIT;
        }
        if (mode.equals("verdict")) {
            return verdicts(outWriter, err);
        }
        if (!mode.equals("engines")) {
            err.println("jvmbpf: --mode must be engines or verdict: " + mode);
            return UsageError.EXIT;
        }
        List<Engine> list;
        try {
            list = engines != null ? Engines.createAll(engines) : defaultEngines(err);
        } catch (IllegalArgumentException e) {
            err.println("jvmbpf: " + Failure.oneLine(e.getMessage()));
            return UsageError.EXIT;
        }
        List<String> names = list.stream().map(Engine::name).toList();
        err.println("fuzz: seed " + seed + ", " + count + " programs, engines " + String.join(", ", names)
                + (names.contains("kernel") ? " (kernel: " + KernelBpf.kernelDescription() + ")" : ""));
        err.flush();
        Fuzzer.Report report;
        try {
            report = Fuzzer.run(new Fuzzer.Options(seed, count, list, out, new PrintStream(System.err, true), 3000,
                    Long.MAX_VALUE, first));
        } finally {
            for (Engine e : list) {
                if (e instanceof AutoCloseable c) {
                    try {
                        c.close();
                    } catch (Exception ignored) {
                        // Releases kernel descriptors only.
                    }
                }
            }
        }
        double seconds = report.elapsedNanos() / 1e9;
        if (json || pretty) {
            Object o = json(report, names);
            outWriter.println(pretty ? Json.pretty(o) : Json.write(o));
            outWriter.flush();
            return report.mismatches().isEmpty() ? 0 : 1;
        }
        outWriter.printf("%.1f s, %.0f programs/s%n", seconds, report.programs() / Math.max(seconds, 1e-9));
        report.engines().forEach((name, c) -> outWriter.println(name + ": " + c));
        if (!report.rejectionReasons().isEmpty()) {
            outWriter.println("kernel rejections by reason:");
            report.rejectionReasons().entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .limit(10)
                    .forEach(e -> outWriter.println("  " + e.getValue() + "  " + e.getKey()));
        }
        outWriter.println("instruction forms compared: " + report.coverage());
        outWriter.println(report.summary());
        outWriter.flush();
        return report.mismatches().isEmpty() ? 0 : 1;
    }

    /**
     * {@code {"seed", "from", "programs", "rejected_by_kernel", "seconds", "engines": {NAME:
     * {"returned", "faulted", "rejected", "crashed", "disagreed"}}, "kernel_rejections": {REASON: N},
     * "instructions_compared", "forms_per_class": {CLASS: N}, "mismatches": [{"index",
     * "program_seed", "vector", "outcomes": {ENGINE: TEXT}}]}}.
     */
    private Object json(Fuzzer.Report report, List<String> names) {
        Map<String, Object> o = Json.object();
        o.put("seed", seed);
        o.put("from", first);
        o.put("programs", report.programs());
        o.put("rejected_by_kernel", report.rejectedByKernel());
        o.put("seconds", report.elapsedNanos() / 1e9);
        Map<String, Object> engines = Json.object();
        for (String name : names) {
            Fuzzer.EngineCounts c = report.engines().get(name);
            if (c == null) {
                continue;
            }
            Map<String, Object> e = Json.object();
            e.put("returned", c.returned());
            e.put("faulted", c.faulted());
            e.put("rejected", c.rejected());
            e.put("crashed", c.crashed());
            e.put("disagreed", c.disagreed());
            engines.put(name, e);
        }
        o.put("engines", engines);
        Map<String, Object> reasons = Json.object();
        report.rejectionReasons().entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> reasons.put(e.getKey(), e.getValue()));
        o.put("kernel_rejections", reasons);
        o.put("instructions_compared", report.coverage().instructions());
        o.put("forms_per_class", new java.util.TreeMap<>(report.coverage().formsPerClass()));
        List<Object> mismatches = Json.array();
        for (Fuzzer.Mismatch m : report.mismatches()) {
            Map<String, Object> x = Json.object();
            x.put("index", m.index());
            x.put("program_seed", Json.unsigned(m.programSeed()));
            x.put("vector", m.vector() == null ? null : m.vector().toString());
            Map<String, Object> outcomes = Json.object();
            m.outcomes().forEach((engine, outcome) -> outcomes.put(engine, String.valueOf(outcome)));
            x.put("outcomes", outcomes);
            mismatches.add(x);
        }
        o.put("mismatches", mismatches);
        return o;
    }

    private int verdicts(PrintWriter outWriter, PrintWriter err) {
        if (engines != null || out != null || json || pretty) {
            err.println("jvmbpf: --engines, --out and --json do not apply to --mode verdict");
            return UsageError.EXIT;
        }
        KernelAvailability a = KernelBpf.availability();
        if (!a.available()) {
            err.println("jvmbpf: fuzz --mode verdict needs the kernel's verifier: " + a.reason());
            return Failure.EXIT;
        }
        err.println("fuzz: verdicts, seed " + seed + ", " + count + " programs (kernel: "
                + KernelBpf.kernelDescription() + ")");
        err.flush();
        VerdictFuzzer.Report r = VerdictFuzzer.run(new VerdictFuzzer.Options(seed, count, first,
                new PrintStream(System.err, true), 2000, Math.max(0, examples)));
        double seconds = r.elapsedNanos() / 1e9;
        outWriter.printf("%.1f s, %.0f programs/s%n", seconds, r.programs() / Math.max(seconds, 1e-9));
        outWriter.println("refused by the kernel: " + r.kernelRefused() + ", by jvmbpf: " + r.jvmbpfRefused());
        outWriter.println("disagreements by kind (false accept: jvmbpf accepts what the kernel refuses):");
        r.byKind().entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> outWriter.println("  " + e.getValue() + "  " + e.getKey()));
        for (VerdictFuzzer.Disagreement d : r.examples()) {
            outWriter.println("program " + d.index() + " (--seed " + seed + " --from " + d.index()
                    + " --count 1), " + d.kind() + ", minimized:");
            outWriter.println("  jvmbpf: " + (d.jvmbpf().accepted() ? "accepts" : "refuses: " + d.jvmbpf().reason()));
            outWriter.println("  kernel: " + (d.kernel().accepted() ? "accepts" : "refuses: " + d.kernel().reason()));
            d.listing().forEach(line -> outWriter.println("    " + line));
        }
        outWriter.println(r.programs() + " programs, " + r.disagreements() + " disagreements (" + r.falseAccepts()
                + " false accepts, " + r.falseRefusals() + " false refusals)");
        outWriter.flush();
        return r.disagreements() == 0 ? 0 : 1;
    }

    private static List<Engine> defaultEngines(PrintWriter err) {
        List<Engine> list = new ArrayList<>();
        for (String name : Engines.names()) {
            if (name.equals("kernel")) {
                KernelAvailability a = KernelBpf.availability();
                if (!a.available()) {
                    err.println("fuzz: without the kernel engine: " + a.reason());
                    continue;
                }
            }
            list.add(Engines.create(name));
        }
        return list;
    }
}
