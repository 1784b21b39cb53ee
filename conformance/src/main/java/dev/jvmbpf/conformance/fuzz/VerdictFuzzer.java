package dev.jvmbpf.conformance.fuzz;

import dev.jvmbpf.helpers.StandardHelpers;
import dev.jvmbpf.kernel.KernelVerifier;
import dev.jvmbpf.runtime.isa.Disassembler;
import dev.jvmbpf.runtime.maps.Maps;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import dev.jvmbpf.runtime.verifier.Verifier;
import dev.jvmbpf.runtime.verifier.VerifierException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A verdict campaign: programs from {@link VerdictGenerator} go to jvmbpf's verifier and to the
 * running kernel's; every program on which they disagree is counted by kind (which side refuses,
 * and the refusing side's reason with numbers and registers taken out), and the first ones of each
 * kind are minimised while the same kind of disagreement persists. Needs a kernel that loads
 * programs ({@link KernelVerifier} says why not otherwise).
 */
public final class VerdictFuzzer {
    private static final Pattern REGISTER = Pattern.compile("\\bR\\d+");
    private static final Pattern NUMBER = Pattern.compile("-?\\b(0x[0-9a-fA-F]+|\\d+)\\b");

    private VerdictFuzzer() {
    }

    /**
     * How a campaign runs: programs {@code first} to {@code first + count - 1} of campaign
     * {@code seed}; the first {@code examplesPerKind} disagreements of each kind are minimised
     * with at most {@code minimizeChecks} verdict pairs each.
     */
    public record Options(long seed, long count, long first, PrintStream progress, int minimizeChecks,
            int examplesPerKind) {
        public Options {
            Objects.requireNonNull(progress);
        }
    }

    /** One verifier's verdict: accepted, or refused with a reason. */
    public record Verdict(boolean accepted, String reason) {
    }

    /** A program on which the verifiers disagree, as generated and minimised. */
    public record Disagreement(long index, long programSeed, String kind, Verdict jvmbpf, Verdict kernel,
            FuzzProgram original, FuzzProgram minimized) {
        /** The minimised program, one instruction a line. */
        public List<String> listing() {
            return Disassembler.listing(minimized.code());
        }
    }

    /** What a campaign found. */
    public record Report(long programs, long kernelRefused, long jvmbpfRefused, Map<String, Long> byKind,
            List<Disagreement> examples, long elapsedNanos) {
        public long disagreements() {
            return byKind.values().stream().mapToLong(Long::longValue).sum();
        }

        public long falseAccepts() {
            return count("false accept");
        }

        public long falseRefusals() {
            return count("false refuse");
        }

        private long count(String prefix) {
            return byKind.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                    .mapToLong(Map.Entry::getValue).sum();
        }
    }

    /** The XDP program the verifiers see for {@code p}, with a fresh copy of {@link VerdictGenerator#MAP}. */
    public static BpfProgram program(FuzzProgram p) {
        return new BpfProgram("verdict", "xdp", ProgramType.XDP, p.code(), List.of(Maps.create(VerdictGenerator.MAP)),
                "GPL");
    }

    /** jvmbpf's verdict; anything but a refusal escaping the verifier is a refusal whose reason starts with "crash:". */
    public static Verdict jvmbpf(FuzzProgram p) {
        try {
            Verifier.verify(program(p), StandardHelpers.table());
            return new Verdict(true, "");
        } catch (VerifierException e) {
            return new Verdict(false, e.reason());
        } catch (RuntimeException | StackOverflowError e) {
            return new Verdict(false, "crash: " + e);
        }
    }

    /** The kernel's verdict (throws {@code LoadException} when the kernel cannot load programs). */
    public static Verdict kernel(FuzzProgram p) {
        // Statistics only: the reason still comes, without the walk that slows the kernel down.
        KernelVerifier.Verdict v = KernelVerifier.verify(program(p), KernelVerifier.LOG_STATS);
        return new Verdict(v.accepted(), v.reason());
    }

    /** The kind of disagreement, or null when the verdicts agree. */
    public static String kind(Verdict jvmbpf, Verdict kernel) {
        if (jvmbpf.reason().startsWith("crash:")) {
            return "crash: " + normalise(jvmbpf.reason().substring(6).strip());
        }
        if (jvmbpf.accepted() == kernel.accepted()) {
            return null;
        }
        return jvmbpf.accepted() ? "false accept: " + normalise(kernel.reason())
                : "false refuse: " + normalise(jvmbpf.reason());
    }

    /** A reason without its numbers and register names, so that one rule's refusals count as one kind. */
    static String normalise(String reason) {
        return NUMBER.matcher(REGISTER.matcher(reason).replaceAll("R#")).replaceAll("N");
    }

    /** The smallest program found, in at most {@code checks} verdict pairs, with the same kind of disagreement. */
    public static FuzzProgram minimize(FuzzProgram p, String kind, int checks) {
        return Minimizer.minimize(p, q -> kind.equals(kind(jvmbpf(q), kernel(q))), checks);
    }

    public static Report run(Options o) {
        long start = System.nanoTime();
        Map<String, Long> byKind = new TreeMap<>();
        Map<String, Integer> minimised = new LinkedHashMap<>();
        List<Disagreement> examples = new ArrayList<>();
        long kernelRefused = 0;
        long jvmbpfRefused = 0;
        for (long i = o.first(); i < o.first() + o.count(); i++) {
            long seed = ProgramGenerator.programSeed(o.seed(), i);
            FuzzProgram p = VerdictGenerator.generate(seed);
            Verdict ours = jvmbpf(p);
            Verdict theirs = kernel(p);
            kernelRefused += theirs.accepted() ? 0 : 1;
            jvmbpfRefused += ours.accepted() ? 0 : 1;
            String kind = kind(ours, theirs);
            if (kind != null) {
                byKind.merge(kind, 1L, Long::sum);
                int seen = minimised.merge(kind, 1, Integer::sum);
                if (seen <= o.examplesPerKind()) {
                    FuzzProgram small = minimize(p, kind, o.minimizeChecks());
                    Disagreement d = new Disagreement(i, seed, kind, jvmbpf(small), kernel(small), p, small);
                    examples.add(d);
                    o.progress().println("verdict fuzz: program " + i + " (seed " + o.seed() + ", --from " + i
                            + " --count 1): " + kind + "; minimised from " + p.length() + " to " + small.length()
                            + " slots");
                }
            }
            long done = i - o.first() + 1;
            if (done % 1000 == 0) {
                o.progress().println("verdict fuzz: " + done + " programs, " + byKind.values().stream()
                        .mapToLong(Long::longValue).sum() + " disagreements");
            }
        }
        return new Report(o.count(), kernelRefused, jvmbpfRefused, byKind, examples, System.nanoTime() - start);
    }
}
