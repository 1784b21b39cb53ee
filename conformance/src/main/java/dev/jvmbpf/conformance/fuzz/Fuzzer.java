package dev.jvmbpf.conformance.fuzz;

import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.isa.Instruction;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A differential fuzzing campaign: generates programs, runs each on every engine, and reduces
 * every disagreement to a conformance vector. When the kernel is one of the engines it is the
 * reference and programs its verifier rejects are counted, not compared; otherwise the first
 * engine is the reference.
 */
public final class Fuzzer {
    /**
     * How a campaign runs. {@code out} may be null (mismatches are then only printed); the
     * campaign stops early after {@code maxMismatches} mismatches. Programs are numbered from
     * {@code first}, so one program of a campaign can be run again on its own.
     */
    public record Options(long seed, long count, List<Engine> engines, Path out, PrintStream progress,
            int minimizeChecks, long maxMismatches, long first) {
        public Options {
            engines = List.copyOf(engines);
            if (engines.isEmpty()) {
                throw new IllegalArgumentException("fuzzing needs at least one engine");
            }
            Objects.requireNonNull(progress);
        }

        public Options(long seed, long count, List<Engine> engines, Path out, PrintStream progress) {
            this(seed, count, engines, out, progress, 3000, Long.MAX_VALUE, 0);
        }

        public Options(long seed, long count, List<Engine> engines, Path out, PrintStream progress,
                int minimizeChecks, long maxMismatches) {
            this(seed, count, engines, out, progress, minimizeChecks, maxMismatches, 0);
        }
    }

    /** Counts for one engine over the campaign. */
    public static final class EngineCounts {
        long returned;
        long faulted;
        long rejected;
        long crashed;
        long disagreed;

        public long returned() {
            return returned;
        }

        public long faulted() {
            return faulted;
        }

        public long rejected() {
            return rejected;
        }

        public long crashed() {
            return crashed;
        }

        public long disagreed() {
            return disagreed;
        }

        void count(Outcome o) {
            switch (o) {
                case Outcome.Returned r -> returned++;
                case Outcome.Faulted f -> faulted++;
                case Outcome.Rejected r -> rejected++;
                case Outcome.Crashed c -> crashed++;
            }
        }

        @Override
        public String toString() {
            return returned + " returned, " + faulted + " faulted, " + rejected + " rejected, " + crashed
                    + " crashed, " + disagreed + " disagreed";
        }
    }

    /** One disagreement: where it came from, the minimized program and what each engine did on it. */
    public record Mismatch(long index, long programSeed, FuzzProgram original, FuzzProgram minimized,
            Map<String, Outcome> outcomes, Path vector) {
    }

    /** The campaign's figures. */
    public record Report(long programs, long rejectedByKernel, List<Mismatch> mismatches,
            Map<String, EngineCounts> engines, Map<String, Long> rejectionReasons, Coverage coverage,
            long elapsedNanos) {
        /** The last line of the campaign's output. */
        public String summary() {
            return programs + " programs, " + rejectedByKernel + " rejected by the kernel, " + mismatches.size()
                    + " mismatches";
        }
    }

    private final Options options;
    private final String reference;
    private final boolean kernelIsReference;

    private Fuzzer(Options options) {
        this.options = options;
        Engine kernel = options.engines.stream().filter(e -> e.name().equals("kernel")).findFirst().orElse(null);
        this.kernelIsReference = kernel != null;
        this.reference = kernel != null ? kernel.name() : options.engines.getFirst().name();
    }

    public static Report run(Options options) {
        return new Fuzzer(options).campaign();
    }

    private Report campaign() {
        long start = System.nanoTime();
        Map<String, EngineCounts> counts = new LinkedHashMap<>();
        for (Engine e : options.engines) {
            counts.put(e.name(), new EngineCounts());
        }
        Map<String, Long> reasons = new TreeMap<>();
        List<Mismatch> mismatches = new ArrayList<>();
        Coverage coverage = new Coverage();
        long rejected = 0;
        long programs = 0;
        for (long i = options.first; i < options.first + options.count && mismatches.size() < options.maxMismatches;
                i++) {
            programs++;
            long programSeed = ProgramGenerator.programSeed(options.seed, i);
            FuzzProgram program = ProgramGenerator.generate(programSeed);
            Map<String, Outcome> outcomes = runAll(program);
            outcomes.forEach((name, o) -> counts.get(name).count(o));
            Outcome ref = outcomes.get(reference);
            if (kernelIsReference && ref instanceof Outcome.Rejected r) {
                rejected++;
                reasons.merge(r.reason().replaceAll("\\d+", "N"), 1L, Long::sum);
            } else {
                coverage.add(program.code());
                if (disagrees(outcomes)) {
                    for (Map.Entry<String, Outcome> e : outcomes.entrySet()) {
                        if (!e.getValue().agreesWith(ref)) {
                            counts.get(e.getKey()).disagreed++;
                        }
                    }
                    mismatches.add(reduce(i, programSeed, program));
                }
            }
            if (programs % 1000 == 0) {
                double seconds = (System.nanoTime() - start) / 1e9;
                options.progress.printf("fuzz: %d/%d programs, %d rejected by the kernel, %d mismatches, %.0f programs/s%n",
                        programs, options.count, rejected, mismatches.size(), programs / seconds);
            }
        }
        return new Report(programs, rejected, mismatches, counts, reasons, coverage, System.nanoTime() - start);
    }

    private Map<String, Outcome> runAll(FuzzProgram p) {
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        Instruction[] code = p.code();
        byte[] memory = p.memory();
        for (Engine e : options.engines) {
            outcomes.put(e.name(), EngineHarness.run(e, code, memory));
        }
        return outcomes;
    }

    private boolean disagrees(Map<String, Outcome> outcomes) {
        Outcome ref = outcomes.get(reference);
        if (kernelIsReference && ref instanceof Outcome.Rejected) {
            return false;
        }
        for (Outcome o : outcomes.values()) {
            if (!o.agreesWith(ref)) {
                return true;
            }
        }
        return false;
    }

    private Mismatch reduce(long index, long programSeed, FuzzProgram program) {
        FuzzProgram small = Minimizer.minimize(program, p -> disagrees(runAll(p)), options.minimizeChecks);
        Map<String, Outcome> outcomes = runAll(small);
        Path vector = null;
        StringBuilder line = new StringBuilder("fuzz: mismatch in program " + index + " (seed " + options.seed
                + "), minimized from " + program.length() + " to " + small.length() + " slots");
        for (Map.Entry<String, Outcome> e : outcomes.entrySet()) {
            line.append("\n  ").append(e.getKey()).append(": ").append(e.getValue().describe());
        }
        if (options.out != null) {
            List<String> comments = new ArrayList<>();
            comments.add("Found by jvmbpf fuzz --seed " + options.seed + " (program " + index + ", program seed 0x"
                    + Long.toHexString(programSeed) + ")");
            comments.add("minimized from " + program.length() + " to " + small.length() + " instruction slots");
            outcomes.forEach((name, o) -> comments.add(name + ": " + o.describe()));
            Outcome ref = outcomes.get(reference);
            long expected = ref instanceof Outcome.Returned r ? r.r0() : 0;
            String text = VectorWriter.format(small, comments, expected);
            try {
                vector = VectorWriter.write(options.out, "fuzz-" + options.seed + "-" + index + ".data", text);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the vector to " + options.out, e);
            }
            line.append("\n  written to ").append(vector);
        }
        options.progress.println(line);
        return new Mismatch(index, programSeed, program, small, outcomes, vector);
    }
}
