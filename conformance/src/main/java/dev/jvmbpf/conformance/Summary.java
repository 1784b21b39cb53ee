package dev.jvmbpf.conformance;

/** Totals of a conformance run. */
public record Summary(int passed, int failed, int skipped) {
    public Summary add(Outcome o) {
        return switch (o.status()) {
            case PASS -> new Summary(passed + 1, failed, skipped);
            case FAIL -> new Summary(passed, failed + 1, skipped);
            case SKIP -> new Summary(passed, failed, skipped + 1);
        };
    }

    /** {@code N passed, N failed, N skipped}. */
    public String line() {
        return passed + " passed, " + failed + " failed, " + skipped + " skipped";
    }
}
