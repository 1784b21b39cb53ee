package dev.jvmbpf.conformance;

/** The verdict on one vector, printed as one line. */
public record Outcome(Status status, String name, String detail) {
    public enum Status { PASS, FAIL, SKIP }

    public static Outcome pass(String name) {
        return new Outcome(Status.PASS, name, "");
    }

    public static Outcome fail(String name, String detail) {
        return new Outcome(Status.FAIL, name, detail);
    }

    public static Outcome skip(String name, String reason) {
        return new Outcome(Status.SKIP, name, reason);
    }

    /** {@code PASS name}, {@code FAIL name: detail}, {@code SKIP name: reason}. */
    public String line() {
        return detail.isEmpty() ? status + " " + name : status + " " + name + ": " + detail;
    }
}
