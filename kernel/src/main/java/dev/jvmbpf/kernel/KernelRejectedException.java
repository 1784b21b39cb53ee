package dev.jvmbpf.kernel;

import dev.jvmbpf.runtime.exec.LoadException;

/**
 * The kernel verifier refused a program. This is the kernel's verdict on the program, not a
 * failure of the engine: conformance reports count it as "rejected by the kernel".
 */
public final class KernelRejectedException extends LoadException {
    private final String verifierLog;
    private final String errno;

    public KernelRejectedException(String programName, String errno, String verifierLog) {
        super("kernel verifier rejected " + programName + " (" + errno + ")" + summary(verifierLog));
        this.errno = errno;
        this.verifierLog = verifierLog;
    }

    private static String summary(String log) {
        String last = lastLine(log);
        return last.isEmpty() ? "" : ": " + last;
    }

    /** The last non-empty line of the log but statistics and states: the reason (the lines before trace the walk). */
    static String lastLine(String log) {
        String[] lines = log.strip().split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            String line = lines[i].strip();
            // An infinite loop's reason is followed by the two states that showed it.
            if (!line.isEmpty() && !line.startsWith("processed ") && !line.startsWith("verification time")
                    && !line.startsWith("stack depth") && !line.startsWith("cur state:")
                    && !line.startsWith("old state:")) {
                return line;
            }
        }
        return "";
    }

    /** The verifier log as the kernel wrote it (log_level 1). */
    public String verifierLog() {
        return verifierLog;
    }

    /** The reason in one line, taken from the end of the log. */
    public String reason() {
        String last = lastLine(verifierLog);
        return last.isEmpty() ? errno : last;
    }

    public String errno() {
        return errno;
    }
}
