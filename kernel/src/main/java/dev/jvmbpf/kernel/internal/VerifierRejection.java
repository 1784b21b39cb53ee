package dev.jvmbpf.kernel.internal;

import dev.jvmbpf.runtime.maps.Errno;

/** BPF_PROG_LOAD refused a program; {@code log} is the verifier's explanation (may be empty). */
public final class VerifierRejection extends RuntimeException {
    private final int errno;
    private final String log;

    public VerifierRejection(int errno, String log) {
        super("the kernel verifier rejected the program (" + Errno.name(errno) + ")");
        this.errno = errno;
        this.log = log;
    }

    public int errno() {
        return errno;
    }

    public String log() {
        return log;
    }
}
