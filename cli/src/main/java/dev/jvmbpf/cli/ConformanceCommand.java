package dev.jvmbpf.cli;

import dev.jvmbpf.cli.internal.Json;
import dev.jvmbpf.conformance.ConformanceRunner;
import dev.jvmbpf.conformance.Engines;
import dev.jvmbpf.conformance.Summary;
import dev.jvmbpf.conformance.VectorFiles;
import dev.jvmbpf.kernel.KernelBpf;
import dev.jvmbpf.kernel.KernelEngine;
import dev.jvmbpf.runtime.exec.Engine;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jvmbpf conformance PATH... [--engine NAME] [--compare A,B,...]}. */
@Command(name = "conformance", mixinStandardHelpOptions = true,
        description = {"Runs .data conformance vectors and prints PASS/FAIL/SKIP per vector, then the totals.",
            "Exits with 1 when a vector failed, 2 on a usage error."})
final class ConformanceCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "PATH", description = ".data files or directories (searched recursively, sorted)")
    List<Path> paths;

    @Option(names = "--engine", defaultValue = "interpreter", paramLabel = "NAME",
            description = "Engine to run the vectors on: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
            completionCandidates = EngineNames.class)
    String engine;

    @Option(names = "--compare", paramLabel = "A,B,...",
            description = "Run every vector on each of these engines; any difference fails the vector.")
    String compare;

    @Option(names = {"-j", "--json"}, description = "Prints one JSON object: every vector's result and the totals"
            + " (schema in the README).")
    boolean json;

    @Option(names = "--pretty", description = "With --json: indented JSON.")
    boolean pretty;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Engine> engines;
        List<VectorFiles.Entry> entries;
        try {
            engines = compare != null ? Engines.createAll(compare) : List.of(Engines.create(engine));
        } catch (IllegalArgumentException e) {
            err.println("jvmbpf: " + Failure.oneLine(e.getMessage()));
            return UsageError.EXIT;
        }
        if (compare != null && engines.size() < 2) {
            err.println("jvmbpf: --compare needs at least two engines, got '" + compare + "'");
            return UsageError.EXIT;
        }
        // A run of nothing would report success for a mistyped path: what the files hold is refused.
        try {
            entries = VectorFiles.collect(paths);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            err.println("jvmbpf: " + Failure.oneLine(e.getMessage()));
            return Failure.EXIT;
        }
        if (entries.isEmpty()) {
            err.println("jvmbpf: no .data vectors in " + String.join(", ", paths.stream().map(Path::toString).toList()));
            return Failure.EXIT;
        }
        boolean asJson = json || pretty;
        boolean kernel = engines.stream().anyMatch(e -> e instanceof KernelEngine);
        if (kernel && !asJson) {
            out.println("kernel engine: " + KernelBpf.kernelDescription());
        }
        try {
            List<Object> vectors = Json.array();
            Summary summary = new ConformanceRunner(engines).run(entries, o -> {
                if (asJson) {
                    Map<String, Object> v = Json.object();
                    v.put("name", o.name());
                    v.put("status", o.status().name());
                    v.put("detail", o.detail().isEmpty() ? null : o.detail());
                    vectors.add(v);
                    return;
                }
                out.println(o.line());
                out.flush();
            });
            if (asJson) {
                Map<String, Object> result = Json.object();
                result.put("engines", engines.stream().map(Engine::name).toList());
                result.put("kernel", kernel ? KernelBpf.kernelDescription() : null);
                result.put("vectors", vectors);
                result.put("passed", summary.passed());
                result.put("failed", summary.failed());
                result.put("skipped", summary.skipped());
                out.println(pretty ? Json.pretty(result) : Json.write(result));
                out.flush();
            } else {
                out.println(summary.line());
            }
            return summary.failed() > 0 ? 1 : 0;
        } finally {
            for (Engine e : engines) {
                if (e instanceof AutoCloseable c) {
                    try {
                        c.close();
                    } catch (Exception ignored) {
                        // Engines release kernel descriptors here; nothing to report after the run.
                    }
                }
            }
        }
    }

    /** The registered engine names, for the help text. */
    static final class EngineNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Engines.names().iterator();
        }
    }
}
