package dev.jvmbpf.runtime.btf;

import dev.jvmbpf.runtime.exec.LoadException;

/** BTF or BTF.ext data that is malformed, or a type query BTF cannot answer. */
public final class BtfException extends LoadException {
    public BtfException(String message) {
        super(message);
    }
}
