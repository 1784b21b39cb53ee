package dev.jvmbpf.kernel;

/** Whether bpf(2) works in this process, and if not, why (printed by tests and the CLI when they skip). */
public record KernelAvailability(boolean available, String reason) {
    public static KernelAvailability yes() {
        return new KernelAvailability(true, "bpf(2) is available");
    }

    public static KernelAvailability no(String reason) {
        return new KernelAvailability(false, reason);
    }

    /** What a command or loader that needs the kernel engine says when it is not {@link #available}. */
    public String refusal() {
        return "kernel engine unavailable: " + reason;
    }
}
