package dev.jvmbpf.kernel.internal;

import dev.jvmbpf.runtime.maps.Errno;

/** A system call failed; carries the errno so callers can tell "not permitted" from "rejected". */
public final class SyscallException extends RuntimeException {
    private final String call;
    private final int errno;

    public SyscallException(String call, int errno) {
        super(call + " failed: " + Errno.name(errno));
        this.call = call;
        this.errno = errno;
    }

    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }
}
