package dev.jvmbpf.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the tests find data the project does not ship: the public bpf_conformance vectors and the
 * corpora of real programs. Each is looked up in a system property, then an environment variable,
 * then beside the clone ({@code ../shared/...}). A test whose data is absent skips with one line
 * saying what is missing and how to provide it; with {@code JVMBPF_REQUIRE_SHARED=1} (as CI sets
 * it) it fails instead, so that a CI run can never pass by skipping.
 */
public final class SharedData {
    /** A checkout of github.com/Alan-Jowett/bpf_conformance (MIT): its tests/ and negative/ folders. */
    public static final Source CONFORMANCE = new Source("bpf_conformance vectors", "jvmbpf.conformance.dir",
            "JVMBPF_CONFORMANCE_DIR", "bpf_conformance", "a checkout of https://github.com/Alan-Jowett/bpf_conformance");
    /** The corpora of real programs with the kernel's verdicts (verifier-selftests/, realworld/). */
    public static final Source CORPORA = new Source("program corpora", "jvmbpf.corpora.dir", "JVMBPF_CORPORA_DIR",
            "corpora", "the corpora folder of the CI machine's shared data");

    private SharedData() {
    }

    /** The repository root, from the {@code jvmbpf.root} property Maven sets; the working directory's parent otherwise. */
    public static Path root() {
        return Path.of(System.getProperty("jvmbpf.root", "..")).toAbsolutePath().normalize();
    }

    /** One kind of external data and where to look for it. */
    public record Source(String what, String property, String variable, String besideClone, String howToGet) {
        /** Where the data is or would be. */
        public Path location() {
            String configured = System.getProperty(property);
            if (configured == null || configured.isBlank()) {
                configured = System.getenv(variable);
            }
            if (configured != null && !configured.isBlank()) {
                return Path.of(configured).toAbsolutePath().normalize();
            }
            return root().resolve("..").resolve("shared").resolve(besideClone).normalize();
        }

        /** {@code sub} inside the data, or the calling test skipped (failed where CI requires the data). */
        public Path require(String sub) {
            Path dir = sub.isEmpty() ? location() : location().resolve(sub);
            if (!Files.exists(dir)) {
                String line = what + " not found at " + dir + ": set -D" + property + "=DIR or " + variable
                        + "=DIR to " + howToGet;
                if (required()) {
                    Assertions.fail(line + " (JVMBPF_REQUIRE_SHARED is set)");
                }
                System.out.println("SKIPPED: " + line);
                Assumptions.abort(line);
            }
            return dir;
        }

        /** Whether the data is there, without skipping. */
        public boolean present(String sub) {
            return Files.exists(sub.isEmpty() ? location() : location().resolve(sub));
        }
    }

    static boolean required() {
        String v = System.getenv("JVMBPF_REQUIRE_SHARED");
        return v != null && !v.isBlank() && !v.equals("0");
    }
}
