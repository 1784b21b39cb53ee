package dev.jvmbpf.conformance.verifier;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.helpers.StandardHelpers;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.object.BpfObject;
import dev.jvmbpf.runtime.object.CoreTarget;
import dev.jvmbpf.runtime.object.ObjectProgram;
import dev.jvmbpf.runtime.verifier.Verifier;
import dev.jvmbpf.runtime.verifier.VerifierException;
import dev.jvmbpf.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The verifier against the kernel's verdicts on its own verifier selftests
 * ({@code ../shared/corpora/verifier-selftests}, skipped without it): every row of
 * {@code kernel-verdicts.tsv} but those the kernel refused before verifying
 * ({@code refuse_empty_log}). Prints the agreement, the false accepts and false refuses (a file that
 * does not open apart from a verifier refusal), how often jvmbpf's refusal carries the kernel's
 * reason (its log line or the selftest's {@code __msg}), and every disagreement grouped by reason.
 * The assertions are a ratchet: the figures reached so far must not get worse.
 */
class SelftestsCorpusTest {
    // The figures reached: raise them (lower the false ones) as the verifier gets closer to the kernel.
    private static final int MIN_AGREE = 740;
    private static final int MAX_FALSE_REFUSES_IN_VERIFIER = 1;
    private static final int MAX_FALSE_ACCEPTS = 2;
    private static final int MIN_REASON_MATCHES = 303;

    /** What the comparison found; {@code groups} maps a kind and normalised reason to the programs. */
    record Summary(int rows, int agree, int falseAccepts, int falseRefusesOpen, int falseRefusesVerifier,
            int bothRefuse, int reasonMatches, Map<String, List<String>> groups) {
        String figures() {
            return String.format("SelftestsCorpusTest: %d rows, %d agree (%.1f%%), %d false accepts, %d false refuses"
                    + " (%d object did not open, %d verifier), %d both refuse, kernel reason in message for %d (%.1f%%)",
                    rows, agree, 100.0 * agree / rows, falseAccepts, falseRefusesOpen + falseRefusesVerifier,
                    falseRefusesOpen, falseRefusesVerifier, bothRefuse, reasonMatches,
                    bothRefuse == 0 ? 0.0 : 100.0 * reasonMatches / bothRefuse);
        }
    }

    /**
     * The selftests' loader resolves CO-RE relocations against the BTF a source's
     * {@code __btf_path("NAME.bpf.o")} names (compiled into {@code obj/btf/NAME.o} here), as
     * libbpf's {@code btf_custom_path}; other objects against the running kernel's.
     */
    static CoreTarget coreTarget(Path dir, String object) throws IOException {
        Path source = dir.resolve("src").resolve(object + ".c");
        if (Files.isRegularFile(source)) {
            Matcher m = BTF_PATH.matcher(Files.readString(source));
            if (m.find()) {
                return CoreTarget.file(dir.resolve("obj").resolve("btf").resolve(m.group(1) + ".o"));
            }
        }
        return CoreTarget.host();
    }

    private static final Pattern BTF_PATH = Pattern.compile("__btf_path\\(\"([^\"]+?)(?:\\.bpf)?\\.o\"\\)");

    @Test
    void verdictsAgainstTheKernel() throws IOException {
        Path dir = SharedData.CORPORA.require("verifier-selftests");
        Summary s = measure(dir, StandardHelpers.table());
        System.out.println(s.figures());
        s.groups().entrySet().stream()
                .sorted((a, b) -> b.getValue().size() != a.getValue().size()
                        ? b.getValue().size() - a.getValue().size() : a.getKey().compareTo(b.getKey()))
                .forEach(e -> {
                    System.out.println("  " + e.getValue().size() + " " + e.getKey());
                    e.getValue().forEach(p -> System.out.println("      " + p));
                });
        assertTrue(s.agree() >= MIN_AGREE, s.figures());
        assertTrue(s.falseRefusesVerifier() <= MAX_FALSE_REFUSES_IN_VERIFIER, s.figures());
        assertTrue(s.falseAccepts() <= MAX_FALSE_ACCEPTS, s.figures());
        assertTrue(s.reasonMatches() >= MIN_REASON_MATCHES, s.figures());
    }

    static Summary measure(Path dir, HelperTable helpers) throws IOException {
        Map<String, List<String>> msgs = new HashMap<>();
        try (var files = Files.list(dir.resolve("src"))) {
            for (Path src : files.filter(p -> p.toString().endsWith(".c")).toList()) {
                String object = src.getFileName().toString().replaceFirst("\\.c$", "");
                testMessages(Files.readAllLines(src)).forEach((fn, m) -> msgs.put(object + "/" + fn, m));
            }
        }
        Map<String, BpfObject> objects = new HashMap<>();
        Map<String, String> openErrors = new HashMap<>();
        Map<String, List<String>> groups = new TreeMap<>();
        int rows = 0, agree = 0, falseAccepts = 0, falseOpen = 0, falseVerifier = 0, both = 0, matches = 0;
        for (String line : Files.readAllLines(dir.resolve("kernel-verdicts.tsv"))) {
            String[] f = line.split("\t", -1);
            if (f.length < 3 || f[0].equals("object") || !(f[2].equals("accept") || f[2].equals("refuse"))) {
                continue;
            }
            rows++;
            String object = f[0];
            String program = f[1];
            boolean kernelAccepts = f[2].equals("accept");
            String kernelReason = f.length > 3 ? f[3] : "";
            String id = object + "/" + program;
            String openError = null;
            String refusal = null;
            BpfObject obj = objects.get(object);
            if (obj == null && !openErrors.containsKey(object)) {
                try {
                    obj = BpfObject.open(dir.resolve("obj").resolve(object + ".o"), coreTarget(dir, object));
                    objects.put(object, obj);
                } catch (Exception e) {
                    openErrors.put(object, String.valueOf(e.getMessage()));
                }
            }
            ObjectProgram prog = null;
            if (obj == null) {
                openError = openErrors.get(object);
            } else {
                try {
                    prog = obj.program(program);
                } catch (Exception e) {
                    openError = String.valueOf(e.getMessage());
                }
            }
            if (prog != null) {
                try {
                    Verifier.verify(prog.program(), helpers);
                } catch (VerifierException e) {
                    refusal = e.getMessage();
                } catch (RuntimeException | StackOverflowError e) {
                    refusal = "crash: " + e;
                }
            }
            boolean weAccept = openError == null && refusal == null;
            if (weAccept == kernelAccepts) {
                agree++;
            }
            if (kernelAccepts && openError != null) {
                falseOpen++;
                add(groups, "false refuse (open): " + normalise(openError), id);
            } else if (kernelAccepts && refusal != null) {
                falseVerifier++;
                add(groups, "false refuse (verifier): " + normalise(reasonOf(refusal)), id + ": " + refusal);
            } else if (!kernelAccepts && weAccept) {
                falseAccepts++;
                add(groups, "false accept: " + normalise(kernelReason), id);
            } else if (!kernelAccepts) {
                both++;
                String ours = openError != null ? openError : refusal;
                if (carriesReason(ours, kernelReason, msgs.getOrDefault(id, List.of()))) {
                    matches++;
                } else {
                    add(groups, "both refuse, other reason: " + normalise(kernelReason), id + ": " + ours);
                }
            }
        }
        return new Summary(rows, agree, falseAccepts, falseOpen, falseVerifier, both, matches, groups);
    }

    private static void add(Map<String, List<String>> groups, String key, String item) {
        groups.computeIfAbsent(key, k -> new ArrayList<>()).add(item);
    }

    private static String reasonOf(String message) {
        int colon = message.indexOf("): ");
        return message.startsWith("pc ") && colon >= 0 ? message.substring(colon + 3) : message;
    }

    private static String normalise(String reason) {
        return reason.replaceAll("0x[0-9a-f]+", "N").replaceAll("[0-9]+", "N");
    }

    /**
     * Whether our message carries the kernel's reason: one of its log lines (the verdict file joins
     * two with " / "), or one of the selftest's {@code __msg} strings.
     */
    static boolean carriesReason(String ours, String kernelReason, List<String> testMessages) {
        for (String part : kernelReason.split(" / ")) {
            if (!part.isBlank() && !part.startsWith("cur state") && !part.startsWith("old state")
                    && ours.contains(part.strip())) {
                return true;
            }
        }
        for (String m : testMessages) {
            if (!m.isBlank() && ours.contains(m)) {
                return true;
            }
        }
        return false;
    }

    private static final Pattern MSG = Pattern.compile("__msg\\(\"((?:[^\"\\\\]|\\\\.)*)\"\\)");
    private static final Pattern BPF_PROG = Pattern.compile("BPF_PROG\\((\\w+)");
    private static final Pattern FUNCTION = Pattern.compile("^(?:__naked\\s+)?[A-Za-z_][\\w\\s*]*?\\b(\\w+)\\s*\\(");

    /** The {@code __msg} strings of each test function (the privileged ones, not {@code __msg_unpriv}). */
    static Map<String, List<String>> testMessages(List<String> lines) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<String> pending = null;
        for (String line : lines) {
            if (line.startsWith("SEC(")) {
                pending = new ArrayList<>();
                continue;
            }
            if (pending == null) {
                continue;
            }
            Matcher m = MSG.matcher(line);
            while (m.find()) {
                pending.add(m.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
            }
            if (line.startsWith("__") && !line.startsWith("__naked")) {
                continue;
            }
            Matcher p = BPF_PROG.matcher(line);
            Matcher fn = FUNCTION.matcher(line);
            if (p.find()) {
                out.put(p.group(1), pending);
                pending = null;
            } else if (fn.find()) {
                out.put(fn.group(1), pending);
                pending = null;
            }
        }
        return out;
    }
}
